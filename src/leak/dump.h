/*
 * dump.h - a streaming reader of leaked data dumps: CSV (any of , ; tab |),
 * JSON lines and SQL INSERT dumps (mysqldump, pg_dump --inserts), in UTF-8,
 * UTF-16 or Latin-1/Windows-1252, plain or gzip. Rows come out as cells
 * that are UTF-8 slices (always valid UTF-8, never holding a NUL byte).
 *
 * Memory is bounded whatever the input: about 1.3 MiB of window plus
 * 6 MiB of (mostly untouched) cell and transcoding buffers per reader; a
 * record longer than 1 MiB is skipped and counted, never buffered. dump.c's
 * top comment has the details.
 */
#ifndef DW_LEAK_DUMP_H
#define DW_LEAK_DUMP_H

#include "../core/dw.h"

struct dw_dump; /* opaque */

struct dw_dump_stats {
	uint64_t rows;
	uint64_t ragged;       /* cell count differs from the header */
	uint64_t bad_encoding; /* cells transcoded (Latin-1) or with bytes replaced by U+FFFD */
	uint64_t oversized;    /* records or cells past the caps, skipped */
	uint64_t junk;         /* binary or unparsable lines skipped */
	uint64_t bytes;        /* bytes read (after gzip decompression) */
};

enum dw_dump_fmt { DW_DUMP_AUTO = 0, DW_DUMP_CSV, DW_DUMP_JSONL, DW_DUMP_SQL };

/* Limits, for tests and fuzzing (small caps reach the same paths with small inputs). */
struct dw_dump_opts {
	int fmt;           /* enum dw_dump_fmt */
	size_t max_record; /* longest record kept; 0 = 1 MiB (also the most allowed) */
	size_t block;      /* read size after the 64 KiB sniff; 0 = 64 KiB (also the most allowed) */
};

/*
 * Opens path ("-" = stdin; gzip is recognised by its magic bytes) for
 * reading; sniffs format (unless fmt says), encoding and CSV dialect from
 * the first 64 KiB. Returns DW_OK and *out (owned: free with
 * dw_dump_close), or DW_EIO / DW_ENOMEM / DW_EINVAL with err holding a
 * message that names the file.
 */
int dw_dump_open(struct dw_dump **out, const char *path, int fmt, char *err, size_t errsz) DW_WUR;
/* The same over p[0..n), which is borrowed: it must outlive the reader. */
int dw_dump_open_mem(struct dw_dump **out, const void *p, size_t n, int fmt) DW_WUR;
int dw_dump_open_mem_opts(struct dw_dump **out, const void *p, size_t n,
			  const struct dw_dump_opts *o) DW_WUR;

/*
 * Column names: a CSV's header row when it has one, else "col1".."colN";
 * JSON keys in first-seen order (at most 64); the SQL INSERT's column list,
 * else the columns of a preceding CREATE TABLE of that table, else
 * col1..colN. Returns their number; *names is owned by the reader and stays
 * valid until close, but JSON lines may add names and an SQL INSERT into
 * another table replaces them: call again after each row.
 */
size_t dw_dump_columns(const struct dw_dump *d, const struct dw_slice **names);

/* SQL: the table the current rows are inserted into (empty otherwise); valid until the next call. */
struct dw_slice dw_dump_table(const struct dw_dump *d);

/*
 * Next row: returns 1 with *cells (cells[i] is column i) and *n (the number
 * of columns now); an absent cell (SQL NULL, JSON key missing or null,
 * ragged row padding) has n == 0. Returns 0 at the end, DW_EIO on a read
 * error (the rows before it were delivered; the next call returns 0).
 * The cells are borrowed: valid until the next call.
 */
int dw_dump_next(struct dw_dump *d, const struct dw_slice **cells, size_t *n);

void dw_dump_stats(const struct dw_dump *d, struct dw_dump_stats *st);

/* Detected format, delimiter, encoding ("csv ';' utf-16le header gzip"); valid until close. */
const char *dw_dump_describe(const struct dw_dump *d);

/* Closes the input and frees d (NULL is fine). */
void dw_dump_close(struct dw_dump *d);

#endif
