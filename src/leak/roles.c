/*
 * roles.c - column roles (see roles.h).
 *
 * Header names are compared after dropping everything but letters and
 * digits and lower-casing ("E-mail Address" -> "emailaddress"), against
 * the spellings CRM, marketing and mailing-list exports use in English,
 * German, French and Spanish. Values vote only for e-mail and phone (a
 * name or a company cannot be told from a value alone): a column is an
 * e-mail column when at least 60 % of its non-empty sample values are
 * addresses, a phone column when 60 % are phone numbers (and not e-mail).
 * No allocation; the votes are 3 x 64 counters.
 */
#include "roles.h"

#include <stdio.h>
#include <stdlib.h>

#include "norm.h"

static const char *const names[DW_LR__N] = {"none",    "email", "phone", "first_name",
					     "last_name", "name",  "company", "title",
					     "country", "id"};

static const struct {
	const char *h;
	int role;
} headers[] = {
	{"email", DW_LR_EMAIL},	       {"emailaddress", DW_LR_EMAIL},
	{"mail", DW_LR_EMAIL},	       {"email1", DW_LR_EMAIL},
	{"workemail", DW_LR_EMAIL},    {"businessemail", DW_LR_EMAIL},
	{"courriel", DW_LR_EMAIL},     {"correo", DW_LR_EMAIL},
	{"emailadresse", DW_LR_EMAIL}, {"correoelectronico", DW_LR_EMAIL},
	{"phone", DW_LR_PHONE},	       {"phonenumber", DW_LR_PHONE},
	{"tel", DW_LR_PHONE},	       {"telephone", DW_LR_PHONE},
	{"telephonenumber", DW_LR_PHONE}, {"mobile", DW_LR_PHONE},
	{"mobilephone", DW_LR_PHONE},  {"cell", DW_LR_PHONE},
	{"cellphone", DW_LR_PHONE},    {"phone1", DW_LR_PHONE},
	{"businessphone", DW_LR_PHONE}, {"workphone", DW_LR_PHONE},
	{"telefon", DW_LR_PHONE},      {"telefono", DW_LR_PHONE},
	{"telefonnummer", DW_LR_PHONE}, {"firstname", DW_LR_FIRST},
	{"givenname", DW_LR_FIRST},    {"fname", DW_LR_FIRST},
	{"first", DW_LR_FIRST},	       {"forename", DW_LR_FIRST},
	{"vorname", DW_LR_FIRST},      {"prenom", DW_LR_FIRST},
	{"nombre", DW_LR_FIRST},       {"lastname", DW_LR_LAST},
	{"surname", DW_LR_LAST},       {"lname", DW_LR_LAST},
	{"last", DW_LR_LAST},	       {"familyname", DW_LR_LAST},
	{"nachname", DW_LR_LAST},      {"nom", DW_LR_LAST},
	{"apellido", DW_LR_LAST},      {"apellidos", DW_LR_LAST},
	{"name", DW_LR_NAME},	       {"fullname", DW_LR_NAME},
	{"contactname", DW_LR_NAME},   {"contact", DW_LR_NAME},
	{"displayname", DW_LR_NAME},   {"company", DW_LR_COMPANY},
	{"companyname", DW_LR_COMPANY}, {"organisation", DW_LR_COMPANY},
	{"organization", DW_LR_COMPANY}, {"org", DW_LR_COMPANY},
	{"account", DW_LR_COMPANY},    {"accountname", DW_LR_COMPANY},
	{"employer", DW_LR_COMPANY},   {"firma", DW_LR_COMPANY},
	{"unternehmen", DW_LR_COMPANY}, {"societe", DW_LR_COMPANY},
	{"entreprise", DW_LR_COMPANY}, {"empresa", DW_LR_COMPANY},
	{"title", DW_LR_TITLE},	       {"jobtitle", DW_LR_TITLE},
	{"position", DW_LR_TITLE},     {"country", DW_LR_COUNTRY},
	{"countrycode", DW_LR_COUNTRY}, {"land", DW_LR_COUNTRY},
	{"pays", DW_LR_COUNTRY},       {"pais", DW_LR_COUNTRY},
	{"id", DW_LR_ID},	       {"contactid", DW_LR_ID},
	{"recordid", DW_LR_ID},	       {"customerid", DW_LR_ID},
};

const char *dw_leak_role_name(int role)
{
	return role >= 0 && role < DW_LR__N ? names[role] : "none";
}

int dw_leak_role_from_name(const char *s, size_t n)
{
	for (int i = 1; i < DW_LR__N; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return i;
	return -1;
}

/* Header p[0..n) as lower-case ASCII letters and digits into buf (64); returns the length. */
static size_t squash(const char *p, size_t n, char *buf)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < 63; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 'A' && c <= 'Z')
			buf[k++] = (char)(c + 32);
		else if ((c >= 'a' && c <= 'z') || dw_isdigit(c))
			buf[k++] = (char)c;
		else if (c == 0xc3 && i + 1 < n) /* é è ê (French headers: prénom, société) */
			buf[k++] = (char)((unsigned char)p[++i] >= 0xa8 &&
							  (unsigned char)p[i] <= 0xab
						  ? 'e'
						  : (unsigned char)p[i] == 0xad ? 'i' : '_');
	}
	buf[k] = 0;
	return k;
}

int dw_leak_role_of_header(const char *p, size_t n)
{
	char b[64];

	if (!squash(p, n, b))
		return DW_LR_NONE;
	for (size_t i = 0; i < DW_ARRAY_LEN(headers); i++)
		if (strcmp(b, headers[i].h) == 0)
			return headers[i].role;
	return DW_LR_NONE;
}

void dw_leak_roles_sample(struct dw_leak_votes *v, const struct dw_slice *cells, size_t n)
{
	char out[DW_LEAK_NORM_MAX];

	for (size_t i = 0; i < n && i < DW_LEAK_COLS_MAX; i++) {
		if (!cells[i].n)
			continue;
		v->seen[i]++;
		if (dw_leak_norm_email(cells[i].p, cells[i].n, out, NULL))
			v->email[i]++;
		else if (dw_leak_norm_phone(cells[i].p, cells[i].n, out))
			v->phone[i]++;
	}
}

void dw_leak_roles_decide(const struct dw_leak_votes *v, int *roles, size_t ncol)
{
	int taken[DW_LR__N] = {0};

	ncol = DW_MIN(ncol, (size_t)DW_LEAK_COLS_MAX);
	for (size_t i = 0; i < ncol; i++)
		taken[roles[i]] = 1;
	for (size_t i = 0; i < ncol; i++) {
		if (roles[i] != DW_LR_NONE || v->seen[i] == 0)
			continue;
		if (!taken[DW_LR_EMAIL] && v->email[i] * 10 >= v->seen[i] * 6) {
			roles[i] = DW_LR_EMAIL;
			taken[DW_LR_EMAIL] = 1;
		} else if (!taken[DW_LR_PHONE] && v->phone[i] * 10 >= v->seen[i] * 6) {
			roles[i] = DW_LR_PHONE;
			taken[DW_LR_PHONE] = 1;
		}
	}
}

int dw_leak_roles_spec(const char *spec, const struct dw_slice *hdr, size_t ncol, int *roles,
		       char *err, size_t errsz)
{
	const char *p = spec;

	while (*p) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		int role;
		size_t col = SIZE_MAX;

		if (!eq || (role = dw_leak_role_from_name(p, (size_t)(eq - p))) < 0) {
			snprintf(err, errsz, "--columns: want role=column with a role of email, phone, "
					     "first_name, last_name, name, company, title, country, id: '%.*s'",
				 (int)(end - p), p);
			return DW_EINVAL;
		}
		eq++;
		if (eq < end && dw_isdigit((unsigned char)*eq)) {
			char *e;
			unsigned long v = strtoul(eq, &e, 10);
			if (e == end && v >= 1 && v <= ncol)
				col = v - 1;
		}
		for (size_t i = 0; col == SIZE_MAX && i < ncol; i++)
			if (hdr[i].n == (size_t)(end - eq) && memcmp(hdr[i].p, eq, hdr[i].n) == 0)
				col = i;
		if (col == SIZE_MAX || col >= DW_LEAK_COLS_MAX) {
			snprintf(err, errsz, "--columns: no column '%.*s'", (int)(end - eq), eq);
			return DW_EINVAL;
		}
		for (size_t i = 0; i < ncol; i++) /* one column per role */
			if (roles[i] == role)
				roles[i] = DW_LR_NONE;
		roles[col] = role;
		p = comma ? comma + 1 : end;
	}
	return DW_OK;
}
