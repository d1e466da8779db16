/*
 * dump_int.h - what dump.c (sources, encodings, CSV, JSON lines, rows) and
 * dump_sql.c (SQL dumps) share: the reader's state and the few functions
 * each calls in the other. Not part of the API; see dump.c's top comment.
 */
#ifndef DW_LEAK_DUMP_INT_H
#define DW_LEAK_DUMP_INT_H

#include <zlib.h>

#include "../core/sb.h"
#include "dump.h"

#define DD_MAX_REC ((size_t)1 << 20)
#define DD_BLOCK ((size_t)64 << 10)
#define DD_MIN 16
#define DD_MAX_COLS 1024
#define DD_JSON_COLS 64
#define DD_NAME 128 /* bytes per column name slot, NUL included */
#define DD_TABLES 256
#define DD_TDEF_MAX ((size_t)256 << 10)
#define DD_SNIFF_LINES 100

enum { ENC_UTF8, ENC_LATIN1, ENC_UTF16LE, ENC_UTF16BE };
enum { C_FS, C_UNQ, C_Q, C_QQ };                                        /* CSV machine */
enum { S_N, S_STR, S_QEND, S_ESC, S_DASH, S_SLASH, S_LC, S_BC, S_BCSTAR }; /* SQL machine */
enum { K_NONE, K_INSERT, K_CREATE, K_OTHER };                            /* SQL statements */
enum { R_HIGH = 1, R_NUL = 2 };

struct tdef {
	char name[DD_NAME];
	size_t off; /* first column name in tnames, NUL separated */
	size_t ncols;
};

struct dw_dump {
	gzFile gz;
	const unsigned char *mem;
	size_t mem_n, mem_pos;
	int src_eof, eof, gzip;

	int fmt, enc, binary, delim, header;
	size_t max_rec, block;

	unsigned char *raw;
	size_t rpos, rlen;

	char *buf;
	size_t cap, start, end, spos;
	int skipping;

	int cst, linemode, quoted; /* CSV scanner */
	int sst, sdepth;           /* SQL scanner */
	char sq;

	struct dw_slice *cells;
	size_t ncols;
	struct dw_slice *names;
	char *slots;
	char *cb, *fb;
	size_t cbn;

	/* SQL statement context */
	int kind, values, have_cols, bs;
	char table[DD_NAME], names_table[DD_NAME];
	struct tdef *tdefs;
	size_t ntdefs;
	struct dw_sb tnames;

	struct dw_dump_stats st;
	char desc[64];
};

extern const char dw_dumpi_empty[1];

/* dump.c: column name i from p[0..n) (copied, made valid UTF-8, cut to 127 bytes). */
void dw_dumpi_set_name(struct dw_dump *d, size_t i, const char *p, size_t n, int latin1);
/* dump.c: p[0..n) made valid UTF-8 without NUL, cut to 127 bytes, NUL-terminated into out[DD_NAME]. */
size_t dw_dumpi_norm_name(int latin1, const char *p, size_t n, char *out);
/* dump.c: names col<from+1>..col<n>. */
void dw_dumpi_gen_names(struct dw_dump *d, size_t from, size_t n);
/* dump.c: k cells were parsed: pad or cut to the columns, count ragged, repair encoding. */
void dw_dumpi_finish(struct dw_dump *d, size_t k, int high);

/* dump_sql.c: finds the end of the SQL unit at d->start (see dump.c); 0 = needs more text. */
int dw_dumpi_sql_scan(struct dw_dump *d, size_t *rend, size_t *next);
/* dump_sql.c: reads one unit; 1 if it was a tuple (a row in cells). */
int dw_dumpi_sql_unit(struct dw_dump *d, const char *p, size_t n, int high);
/* dump_sql.c: an oversized unit at d->start: keeps the statement context from its head. */
void dw_dumpi_sql_skip_head(struct dw_dump *d);
/* dump_sql.c: a ';' ended the statement. */
void dw_dumpi_sql_end(struct dw_dump *d);
/* dump_sql.c: 1 if text p[0..n) starts like an SQL dump. */
int dw_dumpi_sql_sniff(const char *p, size_t n);

#endif
