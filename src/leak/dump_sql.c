/*
 * dump_sql.c - the SQL half of the dump reader (dump.c has the pipeline
 * and the memory arithmetic): mysqldump and pg_dump --inserts files.
 *
 * Units. The scanner ends a unit at a ')' that closes depth 0 or at a ';'
 * at depth 0, outside '..' ".." `..` strings (doubled quotes; backslash
 * escapes unless "SET standard_conforming_strings = on" was read) and --,
 * # and C comments. So "INSERT INTO t (a,b) VALUES (1,2),(3,4);" is read
 * as "INSERT INTO t (a,b)", " VALUES (1,2)", ",(3,4)", ";": each unit is a
 * prefix and a group, and a small statement context (kind, VALUES seen,
 * table, columns) says what the group is: a column list, a tuple (a row),
 * or a CREATE TABLE's definitions (remembered per table, at most 256
 * tables and 256 KiB of names, for INSERTs without a column list). Other
 * statements are read and ignored; "ON DUPLICATE KEY UPDATE" ends a
 * statement's tuples.
 *
 * Values: 'strings' (and "strings", introducers _utf8mb4'..', E'..',
 * N'..', X'..') are unescaped into the cell buffer (\0 dropped, so cells
 * never hold NUL); NULL is an absent cell; anything else (numbers,
 * expressions, casts after a string) is its trimmed text. Memory: none of
 * its own beyond the CREATE TABLE names; nothing per row.
 */
#include <stdlib.h>

#include "dump_int.h"

#define empty dw_dumpi_empty

static int sql_space(char c);
static int word_char(char c);
static size_t sql_kw(const char *p, size_t n, size_t *pi, char *w);

int dw_dumpi_sql_scan(struct dw_dump *d, size_t *rend, size_t *next)
{
	const char *b = d->buf;
	size_t i = d->spos, n = d->end;
	int st = d->sst, depth = d->sdepth;
	char q = d->sq;

	while (i < n) {
		char c = b[i];
		switch (st) {
		case S_STR:
			while (i < n && b[i] != q && (b[i] != '\\' || !d->bs || q == '`'))
				i++;
			if (i == n)
				continue;
			st = b[i] == q ? S_QEND : S_ESC;
			i++;
			continue;
		case S_ESC:
			st = S_STR;
			i++;
			continue;
		case S_QEND:
			if (c == q) {
				st = S_STR;
				i++;
				continue;
			}
			st = S_N;
			continue; /* c again in S_N */
		case S_DASH:
			if (c == '-') {
				st = S_LC;
				i++;
				continue;
			}
			st = S_N;
			continue;
		case S_SLASH:
			if (c == '*') {
				st = S_BC;
				i++;
				continue;
			}
			st = S_N;
			continue;
		case S_LC:
			if (c == '\n')
				st = S_N;
			i++;
			continue;
		case S_BC:
			if (c == '*')
				st = S_BCSTAR;
			i++;
			continue;
		case S_BCSTAR:
			st = c == '/' ? S_N : c == '*' ? S_BCSTAR : S_BC;
			i++;
			continue;
		default:
			break;
		}
		i++;
		if (c == '\'' || c == '"' || c == '`') {
			st = S_STR;
			q = c;
		} else if (c == '-') {
			st = S_DASH;
		} else if (c == '/') {
			st = S_SLASH;
		} else if (c == '#' && depth == 0) {
			st = S_LC;
		} else if (c == '(') {
			depth++;
		} else if ((c == ')' && depth > 0 && --depth == 0) || c == ';') {
			d->sst = S_N;
			d->sdepth = 0;
			d->spos = i;
			*rend = *next = i;
			return 1;
		}
	}
	d->sst = st;
	d->sdepth = depth;
	d->sq = q;
	d->spos = i;
	return 0;
}

static int sql_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips white space and comments. */
static void sql_ws(const char *p, size_t n, size_t *pi)
{
	size_t i = *pi;

	while (i < n) {
		if (sql_space(p[i])) {
			i++;
		} else if (p[i] == '#' || (p[i] == '-' && i + 1 < n && p[i + 1] == '-')) {
			const char *e = memchr(p + i, '\n', n - i);
			i = e ? (size_t)(e - p) + 1 : n;
		} else if (p[i] == '/' && i + 1 < n && p[i + 1] == '*') {
			i += 2;
			while (i < n && !(p[i] == '*' && i + 1 < n && p[i + 1] == '/'))
				i++;
			i = DW_MIN(i + 2, n);
		} else {
			break;
		}
	}
	*pi = i;
}

/* Index past the string whose quote is at p[i]. */
static size_t sql_skip_str(const char *p, size_t n, size_t i, int bs)
{
	char q = p[i++];

	while (i < n) {
		if (p[i] == '\\' && bs && q != '`') {
			i += 2;
		} else if (p[i] == q) {
			if (i + 1 < n && p[i + 1] == q)
				i += 2;
			else
				return i + 1;
		} else {
			i++;
		}
	}
	return n;
}

static int word_char(char c)
{
	return dw_isdigit((unsigned char)c) || (unsigned)((c | 32) - 'a') <= 25u || c == '_' ||
	       c == '$' || (unsigned char)c >= 0x80;
}

/*
 * Reads a (possibly qualified, quoted) name at p[*pi] into out (DD_NAME,
 * quotes stripped, parts joined by '.'). Returns its length (0: none).
 */
static size_t sql_name(const char *p, size_t n, size_t *pi, char *out, int latin1)
{
	char raw[DD_NAME];
	size_t i = *pi, k = 0;

	sql_ws(p, n, &i);
	for (;;) {
		size_t s = i, e;
		if (i < n && (p[i] == '`' || p[i] == '"' || p[i] == '[')) {
			char q = p[i] == '[' ? ']' : p[i];
			const char *c = memchr(p + i + 1, q, n - i - 1);
			s = i + 1;
			e = c ? (size_t)(c - p) : n;
			i = c ? e + 1 : n;
		} else {
			while (i < n && word_char(p[i]))
				i++;
			e = i;
		}
		if (e == s && (i == s))
			break;
		if (k + (e - s) < DD_NAME) {
			memcpy(raw + k, p + s, e - s);
			k += e - s;
		}
		if (i < n && p[i] == '.' && k + 1 < DD_NAME) {
			raw[k++] = '.';
			i++;
			continue;
		}
		break;
	}
	*pi = i;
	return dw_dumpi_norm_name(latin1, raw, k, out);
}

/* Reads a bare keyword into w (upper case, cut at 31); returns its length. */
static size_t sql_kw(const char *p, size_t n, size_t *pi, char *w)
{
	size_t i = *pi, k = 0;

	sql_ws(p, n, &i);
	while (i < n && word_char(p[i])) {
		if (k < 31)
			w[k++] = (char)((unsigned)((p[i] | 32) - 'a') <= 25u ? p[i] & ~32 : p[i]);
		i++;
	}
	w[k] = 0;
	*pi = i;
	return k;
}

/* Index of the first '(' outside strings and comments, or n. */
static size_t sql_open(const char *p, size_t n, int bs)
{
	size_t i = 0;

	while (i < n) {
		sql_ws(p, n, &i);
		if (i >= n)
			break;
		if (p[i] == '(')
			return i;
		if (p[i] == '\'' || p[i] == '"' || p[i] == '`')
			i = sql_skip_str(p, n, i, bs);
		else
			i++;
	}
	return n;
}

static const struct tdef *tdef_find(const struct dw_dump *d, const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = d->ntdefs; i-- > 0;)
		if (strcmp(d->tdefs[i].name, name) == 0)
			return &d->tdefs[i];
	for (size_t i = d->ntdefs; i-- > 0;) {
		const char *tn = d->tdefs[i].name, *td = strrchr(tn, '.');
		if (strcmp(td ? td + 1 : tn, dot ? dot + 1 : name) == 0)
			return &d->tdefs[i];
	}
	return NULL;
}

/* VALUES seen: columns come from the list, a CREATE TABLE, or the first tuple. */
static void sql_on_values(struct dw_dump *d)
{
	const struct tdef *t;

	d->values = 1;
	if (d->have_cols)
		return;
	t = tdef_find(d, d->table);
	if (t) {
		const char *s = d->tnames.p + t->off;
		for (size_t i = 0; i < t->ncols; i++) {
			size_t l = strlen(s);
			dw_dumpi_set_name(d, i, s, l, 0);
			s += l + 1;
		}
		d->ncols = t->ncols;
		memcpy(d->names_table, d->table, DD_NAME);
	} else if (strcmp(d->names_table, d->table) != 0) {
		d->ncols = 0;
	}
}

static void sql_prefix(struct dw_dump *d, const char *p, size_t n)
{
	char w[32];
	size_t i = 0;

	if (d->kind == K_NONE) {
		sql_ws(p, n, &i);
		if (i >= n || !sql_kw(p, n, &i, w))
			return;
		if (!strcmp(w, "INSERT") || !strcmp(w, "REPLACE")) {
			size_t s;
			d->kind = K_INSERT;
			d->values = d->have_cols = 0;
			do {
				s = i;
				sql_kw(p, n, &i, w);
			} while (!strcmp(w, "INTO") || !strcmp(w, "IGNORE") || !strcmp(w, "LOW_PRIORITY") ||
				 !strcmp(w, "DELAYED") || !strcmp(w, "HIGH_PRIORITY"));
			i = s;
			sql_name(p, n, &i, d->table, d->enc == ENC_LATIN1);
		} else if (!strcmp(w, "CREATE")) {
			d->kind = K_OTHER;
			do
				sql_kw(p, n, &i, w);
			while (!strcmp(w, "OR") || !strcmp(w, "REPLACE") || !strcmp(w, "TEMPORARY") ||
			       !strcmp(w, "TEMP") || !strcmp(w, "UNLOGGED") || !strcmp(w, "GLOBAL") ||
			       !strcmp(w, "LOCAL"));
			if (strcmp(w, "TABLE"))
				return;
			size_t s = i;
			sql_kw(p, n, &i, w);
			if (!strcmp(w, "IF")) {
				sql_kw(p, n, &i, w);
				sql_kw(p, n, &i, w);
			} else {
				i = s;
			}
			d->kind = K_CREATE;
			sql_name(p, n, &i, d->table, d->enc == ENC_LATIN1);
			return;
		} else if (!strcmp(w, "SET")) {
			d->kind = K_OTHER;
			sql_kw(p, n, &i, w);
			if (strcmp(w, "STANDARD_CONFORMING_STRINGS"))
				return;
			sql_ws(p, n, &i);
			if (i < n && p[i] == '=')
				i++;
			sql_kw(p, n, &i, w);
			if (!strcmp(w, "TO"))
				sql_kw(p, n, &i, w);
			if (!strcmp(w, "ON") || !strcmp(w, "OFF"))
				d->bs = !strcmp(w, "OFF");
			return;
		} else {
			d->kind = K_OTHER;
			return;
		}
	} else if (d->kind == K_INSERT && d->values) {
		sql_ws(p, n, &i);
		if (i < n && p[i] == ',')
			i++;
		sql_ws(p, n, &i);
		if (i < n)
			d->kind = K_OTHER; /* ON DUPLICATE KEY UPDATE ... */
		return;
	}
	if (d->kind != K_INSERT)
		return;
	while (i < n && sql_kw(p, n, &i, w)) {
		if (!strcmp(w, "VALUES") || !strcmp(w, "VALUE")) {
			sql_on_values(d);
			return;
		}
		if (!strcmp(w, "SELECT") || !strcmp(w, "SET")) {
			d->kind = K_OTHER;
			return;
		}
	}
}

/* The column list of an INSERT. */
static void sql_cols(struct dw_dump *d, const char *p, size_t n)
{
	size_t i = 0, k = 0;
	char nm[DD_NAME];

	while (i < n && k < DD_MAX_COLS) {
		size_t l = sql_name(p, n, &i, nm, d->enc == ENC_LATIN1);
		dw_dumpi_set_name(d, k++, nm, l, 0);
		while (i < n && p[i] != ',')
			i++;
		i++;
	}
	d->ncols = k;
	d->have_cols = 1;
	memcpy(d->names_table, d->table, DD_NAME);
}

static void sql_create(struct dw_dump *d, const char *p, size_t n)
{
	static const char *const kw[] = {"PRIMARY", "KEY",   "UNIQUE", "INDEX",   "CONSTRAINT",
					  "FOREIGN", "FULLTEXT", "SPATIAL", "CHECK", "EXCLUDE",
					  "LIKE",    "PERIOD"};
	struct tdef *t;
	size_t i = 0;

	if (!d->tdefs) {
		d->tdefs = malloc(DD_TABLES * sizeof(*d->tdefs));
		if (!d->tdefs)
			return;
	}
	if (d->ntdefs == DD_TABLES)
		return;
	t = &d->tdefs[d->ntdefs];
	memcpy(t->name, d->table, DD_NAME);
	t->off = d->tnames.n;
	t->ncols = 0;
	while (i < n) {
		char nm[DD_NAME], w[32];
		size_t l, depth = 0, skip = 0;
		sql_ws(p, n, &i);
		if (i < n && word_char(p[i])) {
			size_t j = i;
			sql_kw(p, n, &j, w);
			for (size_t x = 0; x < DW_ARRAY_LEN(kw); x++)
				skip |= !strcmp(w, kw[x]);
		}
		l = sql_name(p, n, &i, nm, d->enc == ENC_LATIN1);
		if (!skip && l && t->ncols < DD_MAX_COLS) {
			dw_sb_put(&d->tnames, nm, l + 1);
			t->ncols++;
		}
		while (i < n && (depth || p[i] != ',')) {
			if (p[i] == '\'' || p[i] == '"' || p[i] == '`') {
				i = sql_skip_str(p, n, i, d->bs);
				continue;
			}
			depth += p[i] == '(';
			if (p[i] == ')' && depth)
				depth--;
			i++;
		}
		i++;
	}
	if (d->tnames.toobig)
		return;
	d->ntdefs++;
}

/* A value that is an introducer before a string: _utf8mb4'..', E'..', X'..', N'..'. */
static int introducer(const char *p, size_t n)
{
	if (n == 1)
		return strchr("EeNnXxBb", p[0]) != NULL;
	if (n < 2 || n > 32 || p[0] != '_')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!word_char(p[i]))
			return 0;
	return 1;
}

/* Unescapes the string whose quote is at p[*pi] into the cell buffer. */
static struct dw_slice sql_str(struct dw_dump *d, const char *p, size_t n, size_t *pi, int bs)
{
	char *o = d->cb + d->cbn, q = p[*pi];
	size_t i = *pi + 1, k = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && p[j] != q && (p[j] != '\\' || !bs))
			j++;
		memcpy(o + k, p + i, j - i);
		k += j - i;
		i = j;
		if (i >= n)
			break;
		if (p[i] == q) {
			if (i + 1 < n && p[i + 1] == q) {
				o[k++] = q;
				i += 2;
				continue;
			}
			i++;
			break;
		}
		if (i + 1 >= n) {
			i++;
			break;
		}
		switch (p[i + 1]) {
		case 'n': o[k++] = '\n'; break;
		case 't': o[k++] = '\t'; break;
		case 'r': o[k++] = '\r'; break;
		case 'b': o[k++] = '\b'; break;
		case 'Z': o[k++] = '\x1a'; break;
		case '0': break;
		case '%': case '_': o[k++] = '\\'; o[k++] = p[i + 1]; break;
		default: o[k++] = p[i + 1]; break;
		}
		i += 2;
	}
	*pi = i;
	d->cbn += k;
	return dw_slice_make(o, k);
}

static int sql_tuple(struct dw_dump *d, const char *p, size_t n, int high)
{
	size_t i = 0, k = 0;

	d->cbn = 0;
	for (;;) {
		struct dw_slice s = {empty, 0};
		size_t vs, depth = 0;
		int str = 0;

		sql_ws(p, n, &i);
		vs = i;
		while (i < n) {
			char c = p[i];
			if (c == '\'' || c == '"') {
				size_t in = i - vs;
				while (in && sql_space(p[vs + in - 1]))
					in--;
				if (!str && (i == vs || introducer(p + vs, in))) {
					int e = i > vs && (p[vs] | 32) == 'e';
					s = sql_str(d, p, n, &i, d->bs || e);
					str = 1;
				} else {
					i = sql_skip_str(p, n, i, d->bs);
				}
				continue;
			}
			if (c == '(')
				depth++;
			else if (c == ')' && depth)
				depth--;
			else if (c == ',' && depth == 0)
				break;
			i++;
		}
		if (!str) {
			s = dw_slice_trim_space(dw_slice_make(p + vs, i - vs));
			if (dw_slice_eq_ci(s, "NULL") || s.n == 0)
				s = dw_slice_make(empty, 0);
		}
		if (k < DD_MAX_COLS)
			d->cells[k] = s;
		k++;
		if (i >= n)
			break;
		i++;
	}
	if (d->ncols == 0) {
		d->ncols = DW_MIN(k, (size_t)DD_MAX_COLS);
		dw_dumpi_gen_names(d, 0, d->ncols);
		memcpy(d->names_table, d->table, DD_NAME);
	}
	dw_dumpi_finish(d, k, high);
	return 1;
}

void dw_dumpi_sql_end(struct dw_dump *d)
{
	d->kind = K_NONE;
	d->values = 0;
}

/* One unit: a prefix, then a group "(...)" or a closing ';' (or the end of input). */
int dw_dumpi_sql_unit(struct dw_dump *d, const char *p, size_t n, int high)
{
	size_t g = n;
	int row = 0;

	if (n && p[n - 1] == ')')
		g = sql_open(p, n - 1, d->bs);
	if (g + 1 >= n)
		g = n;
	sql_prefix(d, p, g < n ? g : (n && p[n - 1] == ';' ? n - 1 : n));
	if (g < n) {
		const char *c = p + g + 1;
		size_t cn = n - g - 2;
		if (d->kind == K_INSERT && d->values)
			row = sql_tuple(d, c, cn, high);
		else if (d->kind == K_INSERT)
			sql_cols(d, c, cn);
		else if (d->kind == K_CREATE)
			sql_create(d, c, cn);
		if (d->kind == K_CREATE)
			d->kind = K_OTHER;
	}
	if (n && p[n - 1] == ';')
		dw_dumpi_sql_end(d);
	return row;
}

/* An oversized unit: keep the statement context from its head. */
void dw_dumpi_sql_skip_head(struct dw_dump *d)
{
	const char *p = d->buf + d->start;
	size_t n = d->end - d->start, g = sql_open(p, n, d->bs);

	if (g < n) {
		sql_prefix(d, p, g);
		if (d->kind == K_CREATE)
			d->kind = K_OTHER;
	}
}

int dw_dumpi_sql_sniff(const char *p, size_t n)
{
	static const char *const kw[] = {"INSERT", "REPLACE", "CREATE", "SET",	 "DROP",
					  "LOCK",   "UNLOCK",  "USE",	 "BEGIN", "START",
					  "ALTER",  "COMMIT",  "SELECT"};
	size_t i = 0;
	char w[32];

	if (n >= 2 && ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')))
		return 1;
	if (sql_kw(p, n, &i, w) && i < n && sql_space(p[i]))
		for (size_t k = 0; k < DW_ARRAY_LEN(kw); k++)
			if (!strcmp(w, kw[k]))
				return 1;
	return 0;
}
