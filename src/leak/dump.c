/*
 * dump.c - streaming reader of leaked data dumps (see dump.h); the SQL
 * units are read in dump_sql.c, the shared state is in dump_int.h.
 *
 * Pipeline: source (zlib gzread: plain or gzip file; or a memory block)
 * -> raw block -> decoder (UTF-16 only; UTF-8 and Latin-1 are ASCII
 * compatible and pass untouched) -> text window buf[start, end) -> record
 * scanner (per format, resumable: spos and a little state survive a
 * refill, so a long record is scanned once) -> record parser -> cells ->
 * encoding fix (only for records holding a byte >= 0x80).
 *
 * Encoding is decided once from the first block: a BOM (UTF-8, UTF-16LE/BE),
 * else the NUL pattern of BOM-less UTF-16 (a NUL in >= 40% of odd (LE) or
 * even (BE) bytes and < 5% of the others), else UTF-8 if the block is valid
 * UTF-8, else Latin-1 with Windows-1252 for 0x80-0x9F. Later, a cell that
 * holds invalid UTF-8 gets each bad byte replaced by U+FFFD; in Latin-1
 * mode every cell with a byte >= 0x80 is transcoded. Either counts the
 * cell in bad_encoding. The UTF-16 decoder writes 0xFF for a lone
 * surrogate, so that cell is repaired and counted the same way. A record
 * holding a NUL byte is junk; in a file whose first block has NUL bytes or
 * > 10% control bytes (binary), so is a record with > 1/8 control bytes.
 *
 * Records. CSV: up to a newline outside quotes; a quote opens a quoted
 * field only at a field's start (after spaces), "" is a quote, text after
 * a closing quote is kept. A record still inside quotes at the size cap is
 * read again up to its first newline (a stray quote costs one row, not a
 * megabyte). JSON lines: one line. SQL: a unit ends at a ')' that closes
 * depth 0 or a ';' at depth 0, outside '..' ".." `..` strings and --, #
 * and C comments; "INSERT INTO t (a,b) VALUES (1,2),(3,4);" is the units
 * "INSERT INTO t (a,b)", " VALUES (1,2)", ",(3,4)", ";" and a small
 * statement context (kind, VALUES seen, table, columns) reads them.
 * Backslash escapes count in strings unless the dump said
 * "SET standard_conforming_strings = on" (pg_dump).
 *
 * Bounds: a record (CSV row, JSON line, SQL unit = one tuple) longer than
 * max_record (1 MiB) is dropped from the window and the scanner runs on
 * over the following blocks, discarding, until its end (CSV and JSON lines
 * resynchronise at the next newline); it counts once in oversized. SQL
 * keeps the statement context of a skipped unit from its first bytes.
 *
 * Memory (defaults): window 1 MiB + 4 x 64 KiB, raw block 64 KiB, cell
 * buffer and fix buffer 3 MiB + 16 each (a 1 MiB record grows at most 3x
 * when transcoded; malloc'd, touched only as far as used), 1024 cells and
 * names (32 KiB) and name slots 1024 x 128 bytes (128 KiB), CREATE TABLE
 * columns at most 256 KiB; zlib's state about 100 KiB. All allocated at
 * open (CREATE TABLE names as met, capped): nothing per row.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dump_int.h"

#define empty dw_dumpi_empty

const char dw_dumpi_empty[1];

static const uint16_t cp1252[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* ---- UTF-8 ---- */

static size_t put_cp(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3F));
	o[2] = (char)(0x80 | (c >> 6 & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Length of the valid UTF-8 sequence at p[0..n), 0 if invalid or cut. */
static size_t u8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
			return 0;
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* Offset of the first invalid UTF-8 byte in p[0..n), or n. */
static size_t u8_valid(const unsigned char *p, size_t n)
{
	size_t i = 0, s;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		s = u8_seq(p + i, n - i);
		if (!s)
			return i;
		i += s;
	}
	return n;
}

/*
 * Writes p[0..n) as valid UTF-8 without NUL to o (room 3n): Latin-1
 * transcodes every byte >= 0x80, else each invalid byte becomes U+FFFD.
 */
static size_t fix_utf8(int latin1, const unsigned char *p, size_t n, char *o)
{
	size_t i = 0, k = 0, s;

	while (i < n) {
		unsigned c = p[i];
		if (c < 0x80) {
			if (c)
				o[k++] = (char)c;
			i++;
		} else if (latin1) {
			k += put_cp(o + k, c < 0xA0 ? cp1252[c - 0x80] : c);
			i++;
		} else if ((s = u8_seq(p + i, n - i)) != 0) {
			memcpy(o + k, p + i, s);
			k += s;
			i += s;
		} else {
			memcpy(o + k, "\xEF\xBF\xBD", 3);
			k += 3;
			i++;
		}
	}
	return k;
}

/* R_HIGH if p[0..n) has a byte >= 0x80, R_NUL if it has a NUL byte. */
static int rec_flags(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t acc = 0, z = 0, v;
	size_t i = 0;
	int fl = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&v, p + i, 8);
		acc |= v;
		z |= (v - ones) & ~v;
	}
	if (acc & high)
		fl |= R_HIGH;
	if (z & high)
		fl |= R_NUL;
	for (; i < n; i++) {
		if ((unsigned char)p[i] >= 0x80)
			fl |= R_HIGH;
		else if (!p[i])
			fl |= R_NUL;
	}
	return fl;
}

/* Binary-file records: more than 1/8 control bytes (tab, CR, LF excepted). */
static int mostly_control(const char *p, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)p[i];
		c += (b < 0x20 && b != '\t' && b != '\r' && b != '\n') || b == 0x7F;
	}
	return c * 8 > n;
}

/* ---- column names ---- */

/* p[0..n) as a name: valid UTF-8, at most DD_NAME - 1 bytes, NUL-terminated in out. */
size_t dw_dumpi_norm_name(int latin1, const char *p, size_t n, char *out)
{
	char tmp[3 * DD_NAME];
	size_t k;

	k = fix_utf8(latin1, (const unsigned char *)p, DW_MIN(n, (size_t)DD_NAME - 1), tmp);
	if (k > DD_NAME - 1) {
		k = DD_NAME - 1;
		while (k && ((unsigned char)tmp[k] & 0xC0) == 0x80)
			k--;
	}
	memcpy(out, tmp, k);
	out[k] = 0;
	return k;
}

void dw_dumpi_set_name(struct dw_dump *d, size_t i, const char *p, size_t n, int latin1)
{
	char *slot = d->slots + i * DD_NAME;
	struct dw_slice s = dw_slice_trim_space(dw_slice_make(p, n));

	d->names[i] = dw_slice_make(slot, dw_dumpi_norm_name(latin1, s.p, s.n, slot));
}

/* Names col1..colN for columns from..n-1. */
void dw_dumpi_gen_names(struct dw_dump *d, size_t from, size_t n)
{
	for (size_t i = from; i < n; i++) {
		char *slot = d->slots + i * DD_NAME;
		int k = snprintf(slot, DD_NAME, "col%zu", i + 1);
		d->names[i] = dw_slice_make(slot, (size_t)k);
	}
}

/* ---- source and decoding ---- */

static long src_read(struct dw_dump *d, void *p, size_t n)
{
	long r;

	if (d->src_eof || n == 0)
		return 0;
	if (d->gz) {
		int k = gzread(d->gz, p, (unsigned)n);
		if (k < 0)
			return DW_EIO;
		r = k;
	} else {
		size_t k = DW_MIN(n, d->mem_n - d->mem_pos);
		if (k)
			memcpy(p, d->mem + d->mem_pos, k);
		d->mem_pos += k;
		r = (long)k;
	}
	if (r == 0)
		d->src_eof = 1;
	d->st.bytes += (uint64_t)r;
	return r;
}

/* Decodes UTF-16 raw[rpos, rlen) into out (room >= 4); lone surrogates -> 0xFF. */
static size_t dec16(struct dw_dump *d, char *out, size_t room)
{
	const unsigned char *r = d->raw;
	size_t i = d->rpos, n = d->rlen, o = 0;
	int be = d->enc == ENC_UTF16BE;

	while (i + 2 <= n && o + 4 <= room) {
		uint32_t u = be ? (uint32_t)r[i] << 8 | r[i + 1] : (uint32_t)r[i + 1] << 8 | r[i];
		if (u >= 0xD800 && u <= 0xDBFF) {
			uint32_t v;
			if (i + 4 > n && !d->src_eof)
				break;
			if (i + 4 <= n) {
				v = be ? (uint32_t)r[i + 2] << 8 | r[i + 3]
				       : (uint32_t)r[i + 3] << 8 | r[i + 2];
				if (v >= 0xDC00 && v <= 0xDFFF) {
					o += put_cp(out + o, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
					i += 4;
					continue;
				}
			}
			out[o++] = (char)0xFF;
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			out[o++] = (char)0xFF;
		} else {
			o += put_cp(out + o, u);
		}
		i += 2;
	}
	d->rpos = i;
	return o;
}

/*
 * Moves the unread text to the front and appends more. Returns 1 (text
 * added), 0 at the end of input, DW_EIO. Caller keeps end - start <=
 * max_rec, so there is always room for a block decoded.
 */
static int fill(struct dw_dump *d)
{
	size_t room, o;
	long r;

	if (d->start) {
		memmove(d->buf, d->buf + d->start, d->end - d->start);
		d->end -= d->start;
		d->spos -= d->start;
		d->start = 0;
	}
	room = d->cap - d->end;
	if (d->enc == ENC_UTF16LE || d->enc == ENC_UTF16BE) {
		for (;;) {
			if (d->rlen - d->rpos < 4 && !d->src_eof) {
				size_t left = d->rlen - d->rpos;
				memmove(d->raw, d->raw + d->rpos, left);
				d->rpos = 0;
				d->rlen = left;
				r = src_read(d, d->raw + left, d->block - left);
				if (r < 0)
					return DW_EIO;
				d->rlen += (size_t)r;
			}
			o = dec16(d, d->buf + d->end, room);
			if (o == 0 && d->src_eof && d->rpos < d->rlen) {
				d->buf[d->end] = (char)0xFF; /* an odd byte at the end */
				d->rpos = d->rlen;
				o = 1;
			}
			if (o || d->src_eof)
				break;
		}
		d->end += o;
		return o > 0;
	}
	if (d->rpos < d->rlen) { /* the sniffed block */
		o = DW_MIN(room, d->rlen - d->rpos);
		memcpy(d->buf + d->end, d->raw + d->rpos, o);
		d->rpos += o;
		d->end += o;
		return 1;
	}
	r = src_read(d, d->buf + d->end, DW_MIN(room, d->block));
	if (r < 0)
		return DW_EIO;
	d->end += (size_t)r;
	return r > 0;
}

/* ---- scanners ---- */

static int csv_run(const char *p, size_t n, int st, int delim)
{
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)p[i];
		switch (st) {
		case C_FS:
			if (c == '"')
				st = C_Q;
			else if (c != ' ' && c != delim)
				st = C_UNQ;
			break;
		case C_UNQ:
			if (c == delim)
				st = C_FS;
			break;
		case C_Q:
			if (c == '"')
				st = C_QQ;
			break;
		default:
			st = c == '"' ? C_Q : c == delim ? C_FS : C_UNQ;
			break;
		}
	}
	return st;
}

/* Record end (rend, before "\r\n") and next start; 0 = needs more text. */
static int scan_csv(struct dw_dump *d, size_t *rend, size_t *next)
{
	char *b = d->buf;
	size_t i = d->spos, e;

	while (i < d->end) {
		char *nl = memchr(b + i, '\n', d->end - i);
		if (!nl)
			break;
		e = (size_t)(nl - b);
		if (!d->linemode && (d->cst == C_Q || memchr(b + i, '"', e - i))) {
			d->quoted = 1;
			d->cst = csv_run(b + i, e - i, d->cst, d->delim);
			if (d->cst == C_Q) {
				i = e + 1;
				continue;
			}
		}
		*next = e + 1;
		if (e > d->start && b[e - 1] == '\r')
			e--;
		*rend = e;
		d->spos = i;
		return 1;
	}
	d->spos = i;
	return 0;
}

static int scan_line(struct dw_dump *d, size_t *rend, size_t *next)
{
	char *nl = memchr(d->buf + d->spos, '\n', d->end - d->spos);
	size_t e;

	if (!nl) {
		d->spos = d->end;
		return 0;
	}
	e = (size_t)(nl - d->buf);
	*next = e + 1;
	if (e > d->start && d->buf[e - 1] == '\r')
		e--;
	*rend = e;
	return 1;
}

static int scan(struct dw_dump *d, size_t *rend, size_t *next)
{
	if (d->fmt == DW_DUMP_SQL)
		return dw_dumpi_sql_scan(d, rend, next);
	if (d->fmt == DW_DUMP_CSV)
		return scan_csv(d, rend, next);
	return scan_line(d, rend, next);
}

static void reset_rec(struct dw_dump *d)
{
	d->cst = C_FS;
	d->linemode = 0;
	d->quoted = 0;
}

/* ---- rows ---- */

/* Repairs cells that hold bytes >= 0x80 into the fix buffer. */
static void fix_cells(struct dw_dump *d)
{
	int latin1 = d->enc == ENC_LATIN1;
	size_t fo = 0;

	for (size_t i = 0; i < d->ncols; i++) {
		struct dw_slice s = d->cells[i];
		const unsigned char *p = (const unsigned char *)s.p;
		size_t k;
		if (!s.n || !(rec_flags(s.p, s.n) & R_HIGH))
			continue;
		if (!latin1 && u8_valid(p, s.n) == s.n)
			continue;
		k = fix_utf8(latin1, p, s.n, d->fb + fo);
		d->cells[i] = dw_slice_make(d->fb + fo, k);
		fo += k;
		d->st.bad_encoding++;
	}
}

/* k cells were parsed: pad or cut to the columns, count ragged, repair. */
void dw_dumpi_finish(struct dw_dump *d, size_t k, int high)
{
	if (k != d->ncols)
		d->st.ragged++;
	for (size_t i = k; i < d->ncols; i++)
		d->cells[i] = dw_slice_make(empty, 0);
	if (high)
		fix_cells(d);
}

/* Splits a CSV record into cells[] (at most DD_MAX_COLS kept); returns the count. */
static size_t csv_cells(struct dw_dump *d, const char *p, size_t n, int quoted)
{
	const int dl = d->delim;
	size_t k = 0, i = 0;

	if (!quoted) {
		const char *e = p + n;
		for (;;) {
			const char *q = memchr(p, dl, (size_t)(e - p));
			if (k < DD_MAX_COLS)
				d->cells[k] = dw_slice_make(p, (size_t)((q ? q : e) - p));
			k++;
			if (!q)
				return k;
			p = q + 1;
		}
	}
	for (;;) {
		struct dw_slice s;
		const char *q;
		size_t j = i, e;

		while (j < n && p[j] == ' ')
			j++;
		if (j < n && p[j] == '"') {
			char *o = d->cb + d->cbn;
			size_t on = 0;
			j++;
			for (;;) {
				q = memchr(p + j, '"', n - j);
				e = q ? (size_t)(q - p) : n;
				memcpy(o + on, p + j, e - j);
				on += e - j;
				j = e;
				if (!q)
					break;
				if (j + 1 < n && p[j + 1] == '"') {
					o[on++] = '"';
					j += 2;
					continue;
				}
				j++;
				break;
			}
			q = memchr(p + j, dl, n - j); /* text after the closing quote is kept */
			e = q ? (size_t)(q - p) : n;
			memcpy(o + on, p + j, e - j);
			on += e - j;
			j = e;
			d->cbn += on;
			s = dw_slice_make(o, on);
		} else {
			q = memchr(p + i, dl, n - i);
			j = q ? (size_t)(q - p) : n;
			s = dw_slice_make(p + i, j - i);
		}
		if (k < DD_MAX_COLS)
			d->cells[k] = s;
		k++;
		if (j >= n)
			return k;
		i = j + 1;
	}
}

static int csv_record(struct dw_dump *d, const char *p, size_t n, int quoted, int high)
{
	if (n == 0)
		return 0;
	d->cbn = 0;
	dw_dumpi_finish(d, csv_cells(d, p, n, quoted), high);
	return 1;
}

/* ---- JSON lines ---- */

static void json_ws(const char *p, size_t n, size_t *i)
{
	while (*i < n && (p[*i] == ' ' || p[*i] == '\t' || p[*i] == '\r' || p[*i] == '\n'))
		(*i)++;
}

static int hex4(const char *p, uint32_t *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		int c = (unsigned char)p[k], x;
		x = dw_isdigit(c) ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : -1;
		if (x < 0)
			return 0;
		*v = *v << 4 | (uint32_t)x;
	}
	return 1;
}

/*
 * Reads the JSON string at p[*i] (a '"') into o, at most cap bytes kept
 * (the rest is read and dropped). Latin-1 input bytes are transcoded; a
 * lone surrogate escape becomes U+FFFD, \u0000 is dropped; *bad is set by
 * either. Returns 1, or 0 if the string is malformed.
 */
static int json_str(int latin1, const char *p, size_t n, size_t *pi, char *o, size_t cap,
		    size_t *on, int *bad)
{
	size_t i = *pi + 1, k = 0, j;
	char tmp[8];
	size_t tn;

	for (;;) {
		j = i;
		while (j < n && p[j] != '"' && p[j] != '\\' && (!latin1 || (unsigned char)p[j] < 0x80))
			j++;
		tn = DW_MIN(j - i, cap - k);
		memcpy(o + k, p + i, tn);
		k += tn;
		i = j;
		if (i >= n)
			return 0;
		if (p[i] == '"') {
			*pi = i + 1;
			*on = k;
			return 1;
		}
		if (p[i] != '\\') { /* Latin-1 byte */
			unsigned char b = (unsigned char)p[i];
			tn = put_cp(tmp, b < 0xA0 ? cp1252[b - 0x80] : b);
			*bad = 1;
			i++;
		} else {
			uint32_t u, v;
			if (i + 1 >= n)
				return 0;
			tn = 1;
			switch (p[i + 1]) {
			case 'n': tmp[0] = '\n'; break;
			case 't': tmp[0] = '\t'; break;
			case 'r': tmp[0] = '\r'; break;
			case 'b': tmp[0] = '\b'; break;
			case 'f': tmp[0] = '\f'; break;
			case '"': case '\\': case '/': tmp[0] = p[i + 1]; break;
			case 'u':
				if (i + 6 > n || !hex4(p + i + 2, &u))
					return 0;
				i += 4;
				if (u >= 0xD800 && u <= 0xDBFF && i + 8 <= n && p[i + 2] == '\\' &&
				    p[i + 3] == 'u' && hex4(p + i + 4, &v) && v >= 0xDC00 && v <= 0xDFFF) {
					u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
					i += 6;
				} else if (u >= 0xD800 && u <= 0xDFFF) {
					u = 0xFFFD;
					*bad = 1;
				}
				tn = u ? put_cp(tmp, u) : 0;
				break;
			default:
				return 0;
			}
			i += 2;
		}
		if (k + tn <= cap) {
			memcpy(o + k, tmp, tn);
			k += tn;
		} else {
			k = cap;
		}
	}
}

/* Skips the nested object or array at p[*i]; 0 if unterminated. */
static int json_skip(const char *p, size_t n, size_t *pi)
{
	size_t i = *pi, depth = 0;

	while (i < n) {
		char c = p[i++];
		if (c == '"') {
			while (i < n && p[i] != '"')
				i += p[i] == '\\' ? 2 : 1;
			if (i >= n)
				return 0;
			i++;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			*pi = i;
			return 1;
		}
	}
	return 0;
}

/* Column of key (adds it while there are fewer than 64), or -1. */
static long key_col(struct dw_dump *d, const char *k, size_t kn, size_t hint)
{
	char nm[DD_NAME];
	size_t n = dw_dumpi_norm_name(0, k, kn, nm);

	if (hint < d->ncols && d->names[hint].n == n && memcmp(d->names[hint].p, nm, n) == 0)
		return (long)hint;
	for (size_t i = 0; i < d->ncols; i++)
		if (d->names[i].n == n && memcmp(d->names[i].p, nm, n) == 0)
			return (long)i;
	if (d->ncols >= DD_JSON_COLS)
		return -1;
	memcpy(d->slots + d->ncols * DD_NAME, nm, n + 1);
	d->names[d->ncols] = dw_slice_make(d->slots + d->ncols * DD_NAME, n);
	d->cells[d->ncols] = dw_slice_make(empty, 0);
	return (long)d->ncols++;
}

static int json_record(struct dw_dump *d, const char *p, size_t n, int high)
{
	int latin1 = d->enc == ENC_LATIN1;
	size_t i = 0, present = 0, nkeys = 0;

	json_ws(p, n, &i);
	if (i == n)
		return 0;
	if (p[i] == '[' || p[i] == ']') { /* a JSON array written one object a line */
		i++;
		json_ws(p, n, &i);
		if (i == n)
			return 0;
	}
	if (p[i] != '{')
		goto junk;
	i++;
	d->cbn = 0;
	for (size_t c = 0; c < d->ncols; c++)
		d->cells[c] = dw_slice_make(empty, 0);
	json_ws(p, n, &i);
	if (i < n && p[i] == '}') {
		i++;
		goto end;
	}
	for (;;) {
		char key[DD_NAME];
		size_t kn, vn = 0;
		struct dw_slice v = {empty, 0};
		int bad = 0, has = 1;
		long col;

		json_ws(p, n, &i);
		if (i >= n || p[i] != '"' || !json_str(latin1, p, n, &i, key, sizeof(key), &kn, &bad))
			goto junk;
		bad = 0;
		json_ws(p, n, &i);
		if (i >= n || p[i] != ':')
			goto junk;
		i++;
		json_ws(p, n, &i);
		if (i >= n)
			goto junk;
		if (p[i] == '"') {
			char *o = d->cb + d->cbn;
			if (!json_str(latin1, p, n, &i, o, 3 * d->max_rec, &vn, &bad))
				goto junk;
			d->cbn += vn;
			v = dw_slice_make(o, vn);
		} else if (p[i] == '{' || p[i] == '[') {
			if (!json_skip(p, n, &i))
				goto junk;
			has = 0;
		} else if (n - i >= 4 && memcmp(p + i, "null", 4) == 0) {
			i += 4;
			has = 0;
		} else if (n - i >= 4 && memcmp(p + i, "true", 4) == 0) {
			v = dw_slice_make(p + i, 4);
			i += 4;
		} else if (n - i >= 5 && memcmp(p + i, "false", 5) == 0) {
			v = dw_slice_make(p + i, 5);
			i += 5;
		} else if (p[i] == '-' || dw_isdigit((unsigned char)p[i])) {
			size_t s = i;
			while (i < n && (dw_isdigit((unsigned char)p[i]) || p[i] == '-' || p[i] == '+' ||
					 p[i] == '.' || p[i] == 'e' || p[i] == 'E'))
				i++;
			v = dw_slice_make(p + s, i - s);
		} else {
			goto junk;
		}
		col = key_col(d, key, kn, nkeys++);
		if (col >= 0 && has) {
			if (d->cells[col].n == 0)
				present++;
			d->cells[col] = v;
			if (bad)
				d->st.bad_encoding++;
		}
		json_ws(p, n, &i);
		if (i < n && p[i] == ',') {
			i++;
			continue;
		}
		if (i < n && p[i] == '}') {
			i++;
			break;
		}
		goto junk;
	}
end:
	json_ws(p, n, &i);
	if (i < n && (p[i] == ',' || p[i] == ']'))
		i++;
	json_ws(p, n, &i);
	if (i != n)
		goto junk;
	if (present != d->ncols)
		d->st.ragged++;
	if (high && !latin1)
		fix_cells(d);
	return 1;
junk:
	d->st.junk++;
	return 0;
}

/* ---- records ---- */

static int record(struct dw_dump *d, const char *p, size_t n, int quoted)
{
	int fl = rec_flags(p, n), high = fl & R_HIGH;

	if ((fl & R_NUL) || (d->binary && n && mostly_control(p, n))) {
		d->st.junk++;
		return 0;
	}
	if (d->fmt == DW_DUMP_CSV)
		return csv_record(d, p, n, quoted, high);
	if (d->fmt == DW_DUMP_JSONL)
		return json_record(d, p, n, high);
	return dw_dumpi_sql_unit(d, p, n, high);
}

int dw_dump_next(struct dw_dump *d, const struct dw_slice **cells, size_t *n)
{
	size_t rend, next;
	int r;

	*cells = d->cells;
	*n = 0;
	if (d->eof)
		return 0;
	for (;;) {
		if (d->skipping) {
			if (d->fmt == DW_DUMP_SQL ? dw_dumpi_sql_scan(d, &rend, &next) : scan_line(d, &rend, &next)) {
				d->skipping = 0;
				d->st.oversized++;
				d->start = d->spos = next;
				reset_rec(d);
				if (d->fmt == DW_DUMP_SQL && d->buf[next - 1] == ';')
					dw_dumpi_sql_end(d);
				continue;
			}
			d->start = d->spos = d->end; /* discard what was scanned */
		} else if (scan(d, &rend, &next)) {
			const char *p = d->buf + d->start;
			size_t len = rend - d->start;
			int quoted = d->quoted;
			d->start = d->spos = next;
			reset_rec(d);
			if (len > d->max_rec) {
				d->st.oversized++;
				continue;
			}
			if (record(d, p, len, quoted))
				goto row;
			continue;
		} else if (d->end - d->start > d->max_rec) {
			if (d->fmt == DW_DUMP_CSV && d->cst == C_Q && !d->linemode &&
			    memchr(d->buf + d->start, '\n', d->end - d->start)) {
				d->linemode = d->quoted = 1; /* a stray quote: read one line */
				d->cst = C_FS;
				d->spos = d->start;
				continue;
			}
			if (d->fmt == DW_DUMP_SQL)
				dw_dumpi_sql_skip_head(d);
			d->skipping = 1;
			d->start = d->spos = d->end;
		}
		r = fill(d);
		if (r < 0) {
			d->eof = 1;
			return DW_EIO;
		}
		if (r > 0)
			continue;
		/* end of input */
		if (d->skipping) {
			d->skipping = 0;
			d->st.oversized++;
			d->start = d->spos = d->end;
		}
		if (d->fmt == DW_DUMP_CSV && d->cst == C_Q && !d->linemode &&
		    memchr(d->buf + d->start, '\n', d->end - d->start)) {
			d->linemode = d->quoted = 1;
			d->cst = C_FS;
			d->spos = d->start;
			continue;
		}
		if (d->start < d->end) {
			const char *p = d->buf + d->start;
			size_t len = d->end - d->start;
			int quoted = d->quoted || (d->fmt == DW_DUMP_CSV && memchr(p, '"', len));
			if (d->fmt != DW_DUMP_SQL && p[len - 1] == '\r')
				len--;
			d->start = d->spos = d->end;
			reset_rec(d);
			if (len > d->max_rec)
				d->st.oversized++;
			else if (record(d, p, len, quoted))
				goto row;
		}
		d->eof = 1;
		return 0;
	}
row:
	d->st.rows++;
	*n = d->ncols;
	return 1;
}

/* ---- sniffing ---- */

static void sniff_enc(struct dw_dump *d)
{
	const unsigned char *r = d->raw;
	size_t n = d->rlen, pairs = DW_MIN(n / 2, (size_t)4096), ze = 0, zo = 0, v, ctl = 0;

	if (n >= 3 && r[0] == 0xEF && r[1] == 0xBB && r[2] == 0xBF) {
		d->rpos = 3;
		d->enc = ENC_UTF8;
		return;
	}
	if (n >= 2 && ((r[0] == 0xFF && r[1] == 0xFE) || (r[0] == 0xFE && r[1] == 0xFF))) {
		d->enc = r[0] == 0xFF ? ENC_UTF16LE : ENC_UTF16BE;
		d->rpos = 2;
		return;
	}
	for (size_t i = 0; i < pairs; i++) {
		ze += r[2 * i] == 0;
		zo += r[2 * i + 1] == 0;
	}
	if (pairs >= 2 && zo * 10 >= pairs * 4 && ze * 20 < pairs) {
		d->enc = ENC_UTF16LE;
		return;
	}
	if (pairs >= 2 && ze * 10 >= pairs * 4 && zo * 20 < pairs) {
		d->enc = ENC_UTF16BE;
		return;
	}
	for (size_t i = 0; i < n; i++)
		ctl += r[i] == 0 || (r[i] < 0x20 && r[i] != '\t' && r[i] != '\r' && r[i] != '\n');
	d->binary = memchr(r, 0, n) != NULL || ctl * 10 > n;
	v = u8_valid(r, n);
	/* a sequence cut by the end of the block is not evidence */
	if (v < n && !(n - v < 4 && !d->src_eof))
		d->enc = ENC_LATIN1;
}

static int sniff_fmt(const char *p, size_t n)
{
	size_t i = 0;

	json_ws(p, n, &i);
	if (i < n && p[i] == '{')
		return DW_DUMP_JSONL;
	if (i < n && p[i] == '[') {
		size_t j = i + 1;
		json_ws(p, n, &j);
		if (j < n && p[j] == '{')
			return DW_DUMP_JSONL;
	}
	return dw_dumpi_sql_sniff(p + i, n - i) ? DW_DUMP_SQL : DW_DUMP_CSV;
}

/* A header cell: 1-64 bytes, a letter, no '@', not phone-like, identifier characters. */
static int headerish(const struct dw_slice *c, size_t k)
{
	if (k == 0 || k > DD_MAX_COLS)
		return 0;
	for (size_t i = 0; i < k; i++) {
		struct dw_slice s = dw_slice_trim_space(c[i]);
		size_t letters = 0, digits = 0;
		if (s.n == 0 || s.n > 64)
			return 0;
		for (size_t j = 0; j < s.n; j++) {
			unsigned char b = (unsigned char)s.p[j];
			if ((unsigned)((b | 32) - 'a') <= 25u || b >= 0x80)
				letters++;
			else if (dw_isdigit(b))
				digits++;
			else if (!strchr(" _-.#/()[]:'", b) || !b)
				return 0;
		}
		if (!letters || digits >= 6)
			return 0;
	}
	return 1;
}

static int header_word(const struct dw_slice *c, size_t k)
{
	static const char *const sub[] = {"mail", "user", "login", "name",  "pass",   "hash",
					   "salt", "phone", "mobile", "addr", "city", "country",
					   "zip",  "birth", "date",  "created", "gender", "company",
					   "nick", "account", "title", "street", "url", "uid"};
	for (size_t i = 0; i < DW_MIN(k, (size_t)DD_MAX_COLS); i++) {
		struct dw_slice s = dw_slice_trim_space(c[i]);
		char low[65];
		if (s.n > 64)
			continue;
		for (size_t j = 0; j < s.n; j++)
			low[j] = (char)dw_tolower((unsigned char)s.p[j]);
		low[s.n] = 0;
		if (!strcmp(low, "id") || !strcmp(low, "ip") || !strcmp(low, "dob"))
			return 1;
		for (size_t x = 0; x < DW_ARRAY_LEN(sub); x++)
			if (strstr(low, sub[x]))
				return 1;
	}
	return 0;
}

/* The CSV record at from: 1 with *rend, *next; at the end of input the rest counts. */
static int peek_csv(struct dw_dump *d, size_t from, size_t *rend, size_t *next, int *quoted)
{
	reset_rec(d);
	d->spos = from;
	d->start = from;
	if (scan_csv(d, rend, next)) {
		*quoted = d->quoted;
		return *rend - from <= d->max_rec; /* the cell buffer holds no more */
	}
	if (!d->src_eof || d->rpos < d->rlen || from >= d->end)
		return 0;
	*rend = *next = d->end;
	if (d->end - from > d->max_rec)
		return 0;
	*quoted = memchr(d->buf + from, '"', d->end - from) != NULL;
	return 1;
}

static void sniff_csv(struct dw_dump *d)
{
	static const char cand[4] = {',', ';', '\t', '|'};
	const char *p = d->buf + d->start;
	size_t n = d->end - d->start, i = 0, lines = 0, mode[4] = {0}, freq[4] = {0};
	size_t cnt[4][DD_SNIFF_LINES], rend, next, k1, k2 = 0, from, base = d->start;
	int best = -1, quoted, h1 = 0, kw = 0, two, h2 = 0;

	if (n >= 5 && memcmp(p, "sep=", 4) == 0 && strchr(",;\t|", p[4]) && p[4]) {
		d->delim = p[4];
		const char *e = memchr(p, '\n', n);
		base += e ? (size_t)(e - p) + 1 : n;
		p = d->buf + base;
		n = d->end - base;
		best = 4;
	}
	while (best < 0 && i < n && lines < DD_SNIFF_LINES) {
		const char *e = memchr(p + i, '\n', n - i);
		size_t le = e ? (size_t)(e - p) : n;
		int inq = 0;
		if (!e && !d->src_eof)
			break;
		if (le > i && !(le == i + 1 && p[i] == '\r')) {
			for (int c = 0; c < 4; c++)
				cnt[c][lines] = 0;
			for (size_t j = i; j < le; j++) {
				if (p[j] == '"')
					inq = !inq;
				else if (!inq)
					for (int c = 0; c < 4; c++)
						cnt[c][lines] += p[j] == cand[c];
			}
			lines++;
		}
		i = le + 1;
	}
	for (int c = 0; best < 4 && c < 4; c++) {
		for (size_t a = 0; a < lines; a++) {
			size_t f = 0;
			for (size_t b = 0; b < lines; b++)
				f += cnt[c][b] == cnt[c][a];
			if (cnt[c][a] && (f > freq[c] || (f == freq[c] && cnt[c][a] > mode[c]))) {
				freq[c] = f;
				mode[c] = cnt[c][a];
			}
		}
		if (mode[c] && (best < 0 || freq[c] > freq[best] ||
				(freq[c] == freq[best] && mode[c] > mode[best])))
			best = c;
	}
	if (best < 4)
		d->delim = best < 0 ? ',' : cand[best];
	/* header: identifier-like first row that is a known word or unlike the second */
	from = base;
	while (peek_csv(d, from, &rend, &next, &quoted) && rend == from && next > from)
		from = next; /* blank lines */
	d->cbn = 0;
	k1 = 0;
	if (peek_csv(d, from, &rend, &next, &quoted) && rend > from) {
		k1 = csv_cells(d, d->buf + from, rend - from, quoted);
		h1 = headerish(d->cells, k1);
		kw = h1 && header_word(d->cells, k1);
		if (h1)
			for (size_t c = 0; c < k1; c++)
				dw_dumpi_set_name(d, c, d->cells[c].p, d->cells[c].n, d->enc == ENC_LATIN1);
		size_t f2 = next;
		two = peek_csv(d, f2, &rend, &next, &quoted) && rend > f2;
		if (two) {
			d->cbn = 0;
			k2 = csv_cells(d, d->buf + f2, rend - f2, quoted);
			h2 = headerish(d->cells, k2);
		}
		d->header = h1 && (kw || (two && (!h2 || k1 != k2)));
		if (d->header) {
			d->ncols = k1;
			base = f2;
		}
	}
	if (!d->header) {
		d->ncols = best >= 0 && best < 4 ? mode[best] + 1 : k1 ? k1 : 1;
		d->ncols = DW_MIN(d->ncols, (size_t)DD_MAX_COLS);
		dw_dumpi_gen_names(d, 0, d->ncols);
	}
	d->start = d->spos = base;
	reset_rec(d);
}

static int open_common(struct dw_dump *d, const struct dw_dump_opts *o, const char *name,
		       char *err, size_t errsz)
{
	static const char *const encs[] = {"utf-8", "latin-1", "utf-16le", "utf-16be"};
	static const char *const fmts[] = {"", "csv", "jsonl", "sql"};
	char dl[8];
	long r;
	int rc;

	d->max_rec = o->max_record ? DW_MAX(DW_MIN(o->max_record, DD_MAX_REC), (size_t)DD_MIN)
				   : DD_MAX_REC;
	d->block = o->block ? DW_MAX(DW_MIN(o->block, DD_BLOCK), (size_t)DD_MIN) : DD_BLOCK;
	d->cap = d->max_rec + 4 * d->block + 8;
	d->bs = 1;
	dw_sb_init(&d->tnames, DD_TDEF_MAX);
	d->raw = malloc(DD_BLOCK);
	d->buf = malloc(d->cap);
	d->cb = malloc(3 * d->max_rec + 16);
	d->fb = malloc(3 * d->max_rec + 16);
	d->cells = malloc(DD_MAX_COLS * sizeof(*d->cells));
	d->names = malloc(DD_MAX_COLS * sizeof(*d->names));
	d->slots = malloc((size_t)DD_MAX_COLS * DD_NAME);
	if (!d->raw || !d->buf || !d->cb || !d->fb || !d->cells || !d->names || !d->slots) {
		rc = DW_ENOMEM;
		snprintf(err, errsz, "%s: out of memory", name);
		goto fail;
	}
	while (d->rlen < DD_BLOCK && (r = src_read(d, d->raw + d->rlen, DD_BLOCK - d->rlen)) != 0) {
		if (r < 0) {
			int zerr;
			rc = DW_EIO;
			snprintf(err, errsz, "%s: %s", name,
				 d->gz ? gzerror(d->gz, &zerr) : "read error");
			goto fail;
		}
		d->rlen += (size_t)r;
	}
	d->gzip = d->gz && !gzdirect(d->gz);
	sniff_enc(d);
	if (fill(d) < 0) {
		rc = DW_EIO;
		snprintf(err, errsz, "%s: read error", name);
		goto fail;
	}
	d->fmt = o->fmt ? o->fmt : sniff_fmt(d->buf, d->end);
	if (d->fmt == DW_DUMP_CSV)
		sniff_csv(d);
	if (d->delim == '\t')
		memcpy(dl, "'\\t' ", 6);
	else
		snprintf(dl, sizeof(dl), "'%c' ", d->delim);
	snprintf(d->desc, sizeof(d->desc), "%s %s%s%s%s", fmts[d->fmt],
		 d->fmt == DW_DUMP_CSV ? dl : "", encs[d->enc], d->header ? " header" : "",
		 d->gzip ? " gzip" : "");
	return DW_OK;
fail:
	return rc;
}

static int dump_new(struct dw_dump **out, const struct dw_dump_opts *o)
{
	*out = NULL;
	if (o->fmt < DW_DUMP_AUTO || o->fmt > DW_DUMP_SQL)
		return DW_EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? DW_OK : DW_ENOMEM;
}

int dw_dump_open(struct dw_dump **out, const char *path, int fmt, char *err, size_t errsz)
{
	struct dw_dump_opts o = {.fmt = fmt};
	struct dw_dump *d;
	int fd, rc;

	rc = dump_new(&d, &o);
	if (rc) {
		snprintf(err, errsz, "%s: %s", path, dw_strerror(rc));
		return rc;
	}
	fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		rc = DW_EIO;
		goto fail;
	}
	d->gz = gzdopen(fd, "rb");
	if (!d->gz) {
		close(fd);
		snprintf(err, errsz, "%s: out of memory", path);
		rc = DW_ENOMEM;
		goto fail;
	}
	gzbuffer(d->gz, (unsigned)DD_BLOCK);
	rc = open_common(d, &o, path, err, errsz);
	if (rc)
		goto fail;
	*out = d;
	return DW_OK;
fail:
	dw_dump_close(d);
	return rc;
}

int dw_dump_open_mem_opts(struct dw_dump **out, const void *p, size_t n,
			  const struct dw_dump_opts *o)
{
	char err[128];
	struct dw_dump *d;
	int rc = dump_new(&d, o);

	if (rc)
		return rc;
	d->mem = p;
	d->mem_n = p ? n : 0;
	rc = open_common(d, o, "memory", err, sizeof(err));
	if (rc) {
		dw_dump_close(d);
		return rc;
	}
	*out = d;
	return DW_OK;
}

int dw_dump_open_mem(struct dw_dump **out, const void *p, size_t n, int fmt)
{
	struct dw_dump_opts o = {.fmt = fmt};

	return dw_dump_open_mem_opts(out, p, n, &o);
}

size_t dw_dump_columns(const struct dw_dump *d, const struct dw_slice **names)
{
	*names = d->names;
	return d->ncols;
}

struct dw_slice dw_dump_table(const struct dw_dump *d)
{
	if (d->fmt != DW_DUMP_SQL)
		return dw_slice_make(empty, 0);
	return dw_slice_cstr(d->table);
}

void dw_dump_stats(const struct dw_dump *d, struct dw_dump_stats *st)
{
	*st = d->st;
}

const char *dw_dump_describe(const struct dw_dump *d)
{
	return d->desc;
}

void dw_dump_close(struct dw_dump *d)
{
	if (!d)
		return;
	if (d->gz)
		gzclose(d->gz);
	free(d->raw);
	free(d->buf);
	free(d->cb);
	free(d->fb);
	free(d->cells);
	free(d->names);
	free(d->slots);
	free(d->tdefs);
	dw_sb_free(&d->tnames);
	free(d);
}
