/*
 * zeek.h - Zeek conn.log records (TSV "ASCII" writer and JSON writer) as
 * flow events. The TSV column map is per file: the caller keeps one
 * struct dw_zeek_tsv per input and resets it when a new file starts.
 */
#ifndef DW_PARSE_ZEEK_H
#define DW_PARSE_ZEEK_H

#include "../core/dw.h"
#include "../event/event.h"
#include "json.h"

#define DW_ZEEK_COLS 128 /* columns of a #fields line that are looked at */

/* The header state of one TSV file (about 180 bytes, no pointers). */
struct dw_zeek_tsv {
	int ready;                   /* a #fields line with ts, id.orig_h, id.resp_h was seen */
	char sep, set_sep;
	uint8_t unset_n, empty_n;
	char unset[16], empty[16];   /* "-", "(empty)" unless the header says otherwise */
	uint32_t ncols;              /* columns of #fields (a record must have as many) */
	int8_t field[DW_ZEEK_COLS];  /* what column i is (a field index), -1 if not read */
};

/* Forgets the header: defaults, no column map. */
void dw_zeek_tsv_reset(struct dw_zeek_tsv *z);

/* 1 if p[0..n) is a Zeek TSV header line ("#separator ", "#fields<sep>", ...). */
int dw_zeek_tsv_is_header(const char *p, size_t n);

/*
 * Applies one header line. A "#fields" line re-maps the columns (a header
 * change in the middle of a file); "#close" ends the table. Returns DW_OK,
 * or DW_EINVAL for a "#fields" line without ts, id.orig_h and id.resp_h
 * (the map is then cleared: the records that follow are refused).
 */
int dw_zeek_tsv_header(struct dw_zeek_tsv *z, const char *p, size_t n) DW_WUR;

/* 1 if p[0..n) may be a record of the table z describes (ready, starts with a digit). */
int dw_zeek_tsv_sniff(const struct dw_zeek_tsv *z, const char *p, size_t n);

/*
 * Parses one TSV record into e (cleared by the caller; slices point into
 * p). DW_OK, or DW_EINVAL with *why a DW_UNP_* reason.
 */
int dw_zeek_tsv_parse(const struct dw_zeek_tsv *z, const char *p, size_t n, struct dw_event *e,
		      int *why) DW_WUR;

/* JSON writer: 1 if the root object has "id.orig_h". */
int dw_zeek_match(const struct dw_json *j);
/* Parses it (scratch: decoded strings, cap bytes). DW_OK, or DW_EINVAL and *why. */
int dw_zeek_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		  int *why) DW_WUR;

#endif
