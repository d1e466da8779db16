/*
 * roles.h - what each column of a dataset or dump holds: from its header
 * name (in the languages and spellings exports use), else from its values,
 * or as the user says (--columns).
 */
#ifndef DW_LEAK_ROLES_H
#define DW_LEAK_ROLES_H

#include "../core/dw.h"

enum dw_leak_role {
	DW_LR_NONE = 0,
	DW_LR_EMAIL,
	DW_LR_PHONE,
	DW_LR_FIRST,   /* given name */
	DW_LR_LAST,    /* family name */
	DW_LR_NAME,    /* full name in one column */
	DW_LR_COMPANY,
	DW_LR_TITLE,
	DW_LR_COUNTRY,
	DW_LR_ID,      /* a record id of the exporting system */
	DW_LR__N
};

/* Columns considered (more are ignored). */
#define DW_LEAK_COLS_MAX 64

/* The role a header name says ("E-mail Address" -> DW_LR_EMAIL), DW_LR_NONE if none. */
int dw_leak_role_of_header(const char *p, size_t n);

/* "email", "phone", ...; static storage. */
const char *dw_leak_role_name(int role);
/* Reverse of dw_leak_role_name; -1 if unknown. */
int dw_leak_role_from_name(const char *s, size_t n);

/*
 * Votes of sample values, for columns whose header says nothing: call
 * dw_leak_roles_sample with each sample row's cells (cells[i].n == 0 for
 * an absent cell), then dw_leak_roles_decide fills roles[] for columns
 * still DW_LR_NONE: e-mail when most values are e-mail addresses, phone
 * when most are phone numbers. A role already taken by a named column is
 * not given twice.
 */
struct dw_leak_votes {
	uint32_t seen[DW_LEAK_COLS_MAX], email[DW_LEAK_COLS_MAX], phone[DW_LEAK_COLS_MAX];
};
void dw_leak_roles_sample(struct dw_leak_votes *v, const struct dw_slice *cells, size_t n);
void dw_leak_roles_decide(const struct dw_leak_votes *v, int *roles, size_t ncol);

/*
 * Applies a --columns spec "role=column,role=column" (column: a header name
 * or a 1-based number) over roles[] for the given header names. Returns
 * DW_OK, or DW_EINVAL with a message in err.
 */
int dw_leak_roles_spec(const char *spec, const struct dw_slice *names, size_t ncol, int *roles,
		       char *err, size_t errsz) DW_WUR;

#endif
