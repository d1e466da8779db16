/*
 * reader.h - turns the paths on the command line into one stream of lines.
 *
 * Inputs: regular files, directories (walked recursively, in a stable
 * order), "-" for standard input, gzip files (detected by their magic bytes,
 * read through zlib) and rotated sets (auth.log.3.gz, auth.log.2.gz,
 * auth.log.1, auth.log: read oldest first). Lines end at "\n"; a trailing
 * "\r" is removed. A line longer than max_line bytes is counted in
 * too_long and skipped whole. With follow set, the reader keeps reading
 * the named files as they grow and survives rotation (the path now names a
 * new file: finish the old one, then open the new) and truncation (size
 * shrank: read again from the start), like `tail -F`.
 *
 * Errors: a path that cannot be opened or read does not stop the stream:
 * dw_reader_next() reports it once (DW_EIO, with ln->file naming it and
 * ln->err the errno) and goes on with the next input.
 *
 * Memory: one read buffer of max_line + 64 KiB per reader (plus 64 KiB of
 * compressed input and zlib's ~40 KiB inflate state for .gz), plus one path
 * per input; nothing is allocated per line. reader.c's top comment gives
 * the rotation order and which files --follow follows.
 */
#ifndef DW_INPUT_READER_H
#define DW_INPUT_READER_H

#include "../core/dw.h"

struct dw_reader;

struct dw_reader_opts {
	size_t max_line;       /* longest line kept; default (0) = 65536 */
	int follow;            /* keep reading appended data (tail -F) */
	int poll_ms;           /* follow: how often to look for new data; 0 = 250 */
	int idle_exit_ms;      /* follow: return DW_EOF after this long without data; 0 = never */
	void (*idle)(void *ctx); /* follow: called before each wait for new data (may be NULL) */
	void *idle_ctx;
};

struct dw_line {
	const char *p;    /* the line without its terminator; valid until the next call */
	size_t n;
	const char *file; /* input name ("-" for stdin); valid until dw_reader_free() */
	uint64_t lineno;  /* 1-based line number within file */
	uint64_t offset;  /* byte offset of the line in the (decompressed) file */
	int file_start;   /* 1 on the first line (or error) of a new input */
	int64_t mtime;    /* the input's modification time, ns (0 for stdin) */
	int err;          /* errno, with DW_EIO */
};

struct dw_reader_stats {
	uint64_t inputs;      /* files opened */
	uint64_t lines;
	uint64_t bytes;       /* bytes of lines delivered, after decompression */
	uint64_t raw_bytes;   /* bytes read from disk */
	uint64_t too_long;    /* lines over max_line, skipped */
	uint64_t open_errors; /* paths that could not be opened */
	uint64_t read_errors; /* read or decompression errors (rest of that file skipped) */
	uint64_t rotations;   /* follow: a path was replaced by a new file */
	uint64_t truncations; /* follow: a file shrank and was read again from the start */
};

/*
 * Creates a reader (o may be NULL: defaults). Returns DW_OK and an owned
 * reader (free with dw_reader_free), DW_ENOMEM, or DW_EINVAL when max_line
 * exceeds 1 GiB.
 */
int dw_reader_new(struct dw_reader **out, const struct dw_reader_opts *o) DW_WUR;
void dw_reader_free(struct dw_reader *r);

/*
 * Queues a path (copied). Directories are expanded here, so the order of
 * their files is fixed before reading starts. Returns DW_OK, or DW_ENOMEM.
 * A path that does not exist is queued anyway and reported by
 * dw_reader_next() in its turn.
 */
int dw_reader_add(struct dw_reader *r, const char *path) DW_WUR;

/*
 * Reads the next line into *ln. Returns DW_OK, DW_EIO for an input that could
 * not be opened or read (ln->file, ln->err say which; call again to go on),
 * or DW_EOF when every input is exhausted (in follow mode only after
 * idle_exit_ms without new data, or after dw_reader_stop()).
 */
int dw_reader_next(struct dw_reader *r, struct dw_line *ln) DW_WUR;

/*
 * Asks the reader to finish (async-signal-safe: sets a flag). The next
 * dw_reader_next() calls deliver the lines a follow-mode reader already read
 * but held (a last line without newline) and then return DW_EOF; in a batch
 * run the rest of the input is skipped. A follow sleep or a wait on a pipe
 * notices the flag within 50 ms, whether or not the signal restarts read(2).
 */
void dw_reader_stop(struct dw_reader *r);

const struct dw_reader_stats *dw_reader_stats(const struct dw_reader *r);

/* Number of inputs queued so far (directories count as the files they hold). */
size_t dw_reader_inputs(const struct dw_reader *r);

/*
 * The path of queued input i (borrowed, valid until dw_reader_free), or NULL.
 * *same_log (may be NULL) is set to 1 when input i is a member of the same
 * rotated log as input i-1 (same directory and base name, e.g. auth.log.2.gz
 * then auth.log.1): such inputs form one time-ordered stream.
 */
const char *dw_reader_input(const struct dw_reader *r, size_t i, int *same_log);

#endif
