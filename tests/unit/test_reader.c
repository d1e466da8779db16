/*
 * test_reader.c - unit tests of src/input/reader.c: line splitting (CRLF, no
 * final newline, NUL bytes, the max_line cap across buffer refills), gzip
 * (single, multi-member, truncated, corrupt), directory order with rotated
 * sets, errors, stdin and fifos, and follow mode (growth, rotation,
 * truncation, a path that appears late, idle exit).
 *
 * Each test works in its own folder under dw_test_tmpdir() and removes it.
 * Follow tests run a writer thread that acts only after the reader has seen
 * given lines, so the delivered sequence does not depend on timing; they end
 * with dw_reader_stop() (idle_exit_ms is only a safety net).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "../../src/input/reader.h"
#include "../test.h"

/* ---- helpers ---- */

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes an empty scratch folder for one test: <tmpdir>/reader-<pid>-<name>. */
static void scratch(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/reader-%d-%s", dw_test_tmpdir(), (int)getpid(), name);
	rm_rf(out);
	mkdir(out, 0755);
}

static void path_of(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static int put(const char *path, const void *data, size_t n, int append)
{
	int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
	const char *p = data;

	if (fd < 0)
		return -1;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return close(fd);
}

static int puts_file(const char *path, const char *s)
{
	return put(path, s, strlen(s), 0);
}

static int put_gz(const char *path, const char *mode, const void *data, size_t n)
{
	gzFile g = gzopen(path, mode);

	if (!g)
		return -1;
	if (n && gzwrite(g, data, (unsigned)n) != (int)n) {
		gzclose(g);
		return -1;
	}
	return gzclose(g) == Z_OK ? 0 : -1;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/*
 * Reads everything into out as "line|line|..." with an error shown as
 * "!<basename>:<errno>"; returns the number of items or -1 if a
 * DW_EOF/DW_OK/DW_EIO contract is broken.
 */
static int drain(struct dw_reader *r, char *out, size_t outsz)
{
	struct dw_line ln;
	size_t o = 0;
	int rc, items = 0;

	out[0] = 0;
	while ((rc = dw_reader_next(r, &ln)) != DW_EOF) {
		int w;

		if (rc == DW_EIO)
			w = snprintf(out + o, outsz - o, "%s!%s:%d", items ? "|" : "",
				     base_name(ln.file), ln.err);
		else if (rc == DW_OK)
			w = snprintf(out + o, outsz - o, "%s%.*s", items ? "|" : "", (int)ln.n,
				     ln.p);
		else
			return -1;
		if (w < 0 || (size_t)w >= outsz - o)
			return -1;
		o += (size_t)w;
		items++;
	}
	return items;
}

static struct dw_reader *open1(const char *path, size_t max_line)
{
	struct dw_reader_opts o = {.max_line = max_line};
	struct dw_reader *r;

	if (dw_reader_new(&r, &o) != DW_OK)
		return NULL;
	if (path && dw_reader_add(r, path) != DW_OK) {
		dw_reader_free(r);
		return NULL;
	}
	return r;
}

/* Deterministic pseudo-random bytes (xorshift). */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- lines ---- */

DW_TEST(reader_plain_crlf_last_line)
{
	char d[512], f[600];
	struct dw_reader *r;
	struct dw_line ln;
	static const char *want[] = {"a", "bb", "", "x\r", "ccc"};
	static const uint64_t offs[] = {0, 3, 6, 8, 12};

	scratch(d, sizeof(d), "crlf");
	path_of(f, sizeof(f), d, "f.log");
	DW_ASSERT(puts_file(f, "a\r\nbb\n\r\nx\r\r\nccc\r") == 0);
	r = open1(f, 0);
	DW_ASSERT(r);
	for (size_t i = 0; i < DW_ARRAY_LEN(want); i++) {
		DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
		DW_ASSERT_EQ_INT(ln.n, strlen(want[i]));
		DW_ASSERT(memcmp(ln.p, want[i], ln.n) == 0);
		DW_ASSERT_EQ_INT(ln.lineno, i + 1);
		DW_ASSERT_EQ_INT(ln.offset, offs[i]);
		DW_ASSERT_EQ_INT(ln.file_start, i == 0);
		DW_ASSERT_EQ_STR(ln.file, f);
		DW_ASSERT(ln.mtime > 0);
	}
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_EOF);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_EOF);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->lines, 5);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->inputs, 1);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->raw_bytes, 16);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->bytes, 1 + 2 + 0 + 2 + 3);
	dw_reader_free(r);
	rm_rf(d);
	DW_PASS();
}

DW_TEST(reader_max_line_boundary)
{
	char d[512], f[600], out[512];
	struct dw_reader *r;

	scratch(d, sizeof(d), "maxline");
	path_of(f, sizeof(f), d, "f.log");
	/* 16 bytes: kept; 17: skipped; 16 + CRLF: kept; 17 + CRLF: skipped */
	DW_ASSERT(puts_file(f, "0123456789abcdef\n0123456789abcdefg\nok\n"
			       "0123456789ABCDEF\r\n0123456789ABCDEFG\r\nend") == 0);
	r = open1(f, 16);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 4);
	DW_ASSERT_EQ_STR(out, "0123456789abcdef|ok|0123456789ABCDEF|end");
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->too_long, 2);
	dw_reader_free(r);

	/* the same at the end of the file, without newline */
	DW_ASSERT(puts_file(f, "x\n0123456789abcdefg") == 0);
	r = open1(f, 16);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 1);
	DW_ASSERT_EQ_STR(out, "x");
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->too_long, 1);
	dw_reader_free(r);
	DW_ASSERT(puts_file(f, "x\n0123456789abcdef") == 0);
	r = open1(f, 16);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 2);
	DW_ASSERT_EQ_STR(out, "x|0123456789abcdef");
	dw_reader_free(r);
	rm_rf(d);
	DW_PASS();
}

DW_TEST(reader_huge_line_skipped_whole)
{
	char d[512], f[600], out[512];
	size_t big = 300 * 1000;
	char *data = malloc(big + 64);
	struct dw_reader *r;
	struct dw_line ln;

	DW_ASSERT(data);
	scratch(d, sizeof(d), "huge");
	path_of(f, sizeof(f), d, "f.log");
	memcpy(data, "first\n", 6);
	memset(data + 6, 'x', big);
	memcpy(data + 6 + big, "\nafter\n", 7);
	DW_ASSERT(put(f, data, 6 + big + 7, 0) == 0);
	r = open1(f, 1000);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT_EQ_INT(ln.n, 5);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT_EQ_INT(ln.n, 5);
	DW_ASSERT(memcmp(ln.p, "after", 5) == 0);
	DW_ASSERT_EQ_INT(ln.lineno, 3);
	DW_ASSERT_EQ_INT(ln.offset, 6 + big + 1);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_EOF);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->too_long, 1);
	dw_reader_free(r);

	/* a huge last line without newline: counted, nothing delivered */
	DW_ASSERT(put(f, data, 6 + big, 0) == 0);
	r = open1(f, 1000);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 1);
	DW_ASSERT_EQ_STR(out, "first");
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->too_long, 1);
	dw_reader_free(r);
	free(data);
	rm_rf(d);
	DW_PASS();
}

DW_TEST(reader_empty_files)
{
	char d[512], f[600], g[600], out[64];
	struct dw_reader *r;

	scratch(d, sizeof(d), "empty");
	path_of(f, sizeof(f), d, "empty.log");
	path_of(g, sizeof(g), d, "nl.log");
	DW_ASSERT(puts_file(f, "") == 0);
	DW_ASSERT(puts_file(g, "\n") == 0);
	r = open1(f, 0);
	DW_ASSERT(r);
	DW_ASSERT(dw_reader_add(r, g) == DW_OK);
	DW_ASSERT(dw_reader_add(r, f) == DW_OK);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 1);
	DW_ASSERT_EQ_STR(out, "");
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->inputs, 3);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->lines, 1);
	dw_reader_free(r);
	rm_rf(d);
	DW_PASS();
}

DW_TEST(reader_binary_and_nul)
{
	char d[512], f[600];
	size_t sz = (size_t)1 << 20, nl = 0, total = 0, nlines = 0;
	unsigned char *data = malloc(sz);
	uint64_t s = 0x9e3779b97f4a7c15ull;
	struct dw_reader *r;
	struct dw_line ln;
	int rc;

	DW_ASSERT(data);
	scratch(d, sizeof(d), "binary");
	path_of(f, sizeof(f), d, "bin");
	DW_ASSERT(put(f, "a\0b\n\0\n\xff\xfe\r\n", 10, 0) == 0);
	r = open1(f, 0);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT(ln.n == 3 && memcmp(ln.p, "a\0b", 3) == 0);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT(ln.n == 1 && ln.p[0] == 0);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT(ln.n == 2 && memcmp(ln.p, "\xff\xfe", 2) == 0);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_EOF);
	dw_reader_free(r);

	/* 1 MiB of noise (no gzip magic at the start): every byte accounted for */
	for (size_t i = 0; i < sz; i++)
		data[i] = (unsigned char)rng_next(&s);
	data[0] = 'x';
	for (size_t i = 0; i < sz; i++)
		nl += data[i] == '\n';
	DW_ASSERT(put(f, data, sz, 0) == 0);
	r = open1(f, 0);
	DW_ASSERT(r);
	while ((rc = dw_reader_next(r, &ln)) == DW_OK) {
		size_t end = ln.offset + ln.n;
		/* the delivered bytes are the file's bytes; a stripped '\r' explains one more */
		DW_ASSERT(memcmp(ln.p, data + ln.offset, ln.n) == 0);
		if (end < sz && data[end] == '\r')
			end++;
		DW_ASSERT(end == sz || data[end] == '\n');
		total += ln.n;
		nlines++;
	}
	DW_ASSERT_EQ_INT(rc, DW_EOF);
	DW_ASSERT_EQ_INT(nlines, nl + (data[sz - 1] != '\n'));
	DW_ASSERT(total <= sz - nl);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->too_long, 0);
	dw_reader_free(r);
	free(data);
	rm_rf(d);
	DW_PASS();
}

/*
 * Lines of random length 0..1999 with max_line 1500, plain and gzip: each
 * line is checked against the generator (content, number, offset) while
 * the buffer is refilled and compacted many times.
 */
static int check_random_lines(const char *path, const char *data, size_t sz, size_t max_line,
			      uint64_t *lines, uint64_t *too_long)
{
	struct dw_reader *r = open1(path, max_line);
	struct dw_line ln;
	size_t off = 0;
	uint64_t lineno = 0;
	int rc;

	if (!r)
		return -1;
	*lines = 0;
	while ((rc = dw_reader_next(r, &ln)) == DW_OK) {
		/* skip over the too-long lines the reader must have dropped */
		for (;;) {
			const char *e = memchr(data + off, '\n', sz - off);
			size_t len = (size_t)(e - (data + off));
			lineno++;
			if (len <= max_line)
				break;
			off += len + 1;
		}
		if (ln.offset != off || ln.lineno != lineno ||
		    memcmp(ln.p, data + off, ln.n) != 0 || data[off + ln.n] != '\n') {
			dw_reader_free(r);
			return -1;
		}
		off += ln.n + 1;
		(*lines)++;
	}
	*too_long = dw_reader_stats(r)->too_long;
	dw_reader_free(r);
	return rc == DW_EOF ? 0 : -1;
}

DW_TEST(reader_random_lengths_plain_and_gz)
{
	char d[512], f[600], g[600];
	size_t cap = (size_t)4 << 20, sz = 0, nlong = 0, nlines = 0;
	char *data = malloc(cap);
	uint64_t s = 12345, lines, too_long;

	DW_ASSERT(data);
	scratch(d, sizeof(d), "random");
	path_of(f, sizeof(f), d, "plain.log");
	path_of(g, sizeof(g), d, "zipped.log.gz");
	while (sz + 2100 < cap) {
		size_t len = (size_t)(rng_next(&s) % 2000);
		for (size_t i = 0; i < len; i++)
			data[sz + i] = (char)('a' + (sz + i) % 26);
		sz += len;
		data[sz++] = '\n';
		nlines++;
		nlong += len > 1500;
	}
	DW_ASSERT(put(f, data, sz, 0) == 0);
	DW_ASSERT(put_gz(g, "wb6", data, sz) == 0);
	DW_ASSERT(check_random_lines(f, data, sz, 1500, &lines, &too_long) == 0);
	DW_ASSERT_EQ_INT(lines, nlines - nlong);
	DW_ASSERT_EQ_INT(too_long, nlong);
	DW_ASSERT(nlong > 100);
	DW_ASSERT(check_random_lines(g, data, sz, 1500, &lines, &too_long) == 0);
	DW_ASSERT_EQ_INT(lines, nlines - nlong);
	DW_ASSERT_EQ_INT(too_long, nlong);
	free(data);
	rm_rf(d);
	DW_PASS();
}

/* ---- gzip ---- */

DW_TEST(reader_gzip_basic_by_magic)
{
	char d[512], f[600], out[256];
	struct dw_reader *r;
	struct dw_line ln;

	scratch(d, sizeof(d), "gz");
	path_of(f, sizeof(f), d, "no-suffix");
	DW_ASSERT(put_gz(f, "wb", "one\r\ntwo\nthree", 14) == 0);
	r = open1(f, 0);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT(ln.n == 3 && ln.file_start && ln.offset == 0 && ln.lineno == 1);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT(ln.n == 3 && !ln.file_start && ln.offset == 5 && ln.lineno == 2);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT(ln.n == 5 && ln.offset == 9 && memcmp(ln.p, "three", 5) == 0);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_EOF);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->read_errors, 0);
	dw_reader_free(r);

	/* empty gzip file */
	DW_ASSERT(put_gz(f, "wb", "", 0) == 0);
	r = open1(f, 0);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 0);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->read_errors, 0);
	dw_reader_free(r);
	rm_rf(d);
	DW_PASS();
}

DW_TEST(reader_gzip_multi_member)
{
	char d[512], f[600], out[256];
	struct dw_reader *r;

	scratch(d, sizeof(d), "gzmulti");
	path_of(f, sizeof(f), d, "m.gz");
	DW_ASSERT(put_gz(f, "wb", "a\nb\npar", 7) == 0);
	DW_ASSERT(put_gz(f, "ab", "tial\n", 5) == 0);
	DW_ASSERT(put_gz(f, "ab", "", 0) == 0); /* an empty member in between */
	DW_ASSERT(put_gz(f, "ab", "c\nlast", 6) == 0);
	r = open1(f, 0);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 5);
	DW_ASSERT_EQ_STR(out, "a|b|partial|c|last");
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->read_errors, 0);
	dw_reader_free(r);

	/* trailing zeros after the last member are ignored, like gzip -d */
	DW_ASSERT(put(f, "\0\0\0\0\0\0\0\0", 8, 1) == 0);
	r = open1(f, 0);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 5);
	DW_ASSERT_EQ_STR(out, "a|b|partial|c|last");
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->read_errors, 0);
	dw_reader_free(r);
	rm_rf(d);
	DW_PASS();
}

/* Writes n numbered lines "line <i>" (gzip), returns the plain size. */
static size_t numbered_gz(const char *path, int n, char *plain, size_t cap)
{
	size_t o = 0;

	for (int i = 1; i <= n && o + 32 < cap; i++)
		o += (size_t)snprintf(plain + o, cap - o, "line %d %08x\n", i,
				      (unsigned)(i * 2654435761u));
	return put_gz(path, "wb9", plain, o) == 0 ? o : 0;
}

/*
 * Reads a damaged gz then a plain file: a prefix of the lines, one DW_EIO,
 * then "next". Deflate has no per-block check, so after a corruption (not a
 * truncation) some garbage may decode before zlib notices: only lines below
 * `exact` are compared then.
 */
static int check_damaged(const char *gz, const char *next, int exact, char *msg_, size_t msgsz_)
{
	struct dw_reader *r = open1(gz, 0);
	struct dw_line ln;
	int rc, i = 0;
	char want[64];

	DW_ASSERT(r);
	DW_ASSERT(dw_reader_add(r, next) == DW_OK);
	while ((rc = dw_reader_next(r, &ln)) == DW_OK && strcmp(ln.file, gz) == 0) {
		i++;
		snprintf(want, sizeof(want), "line %d %08x", i, (unsigned)(i * 2654435761u));
		/* the last decoded line may be cut short by the damage */
		if (i < exact && !(ln.n <= strlen(want) && memcmp(ln.p, want, ln.n) == 0))
			DW_FAIL("line %d: got \"%.*s\" want \"%s\"", i, (int)ln.n, ln.p, want);
	}
	DW_ASSERT(i > 10);
	DW_ASSERT_EQ_INT(rc, DW_EIO);
	DW_ASSERT_EQ_STR(ln.file, gz);
	DW_ASSERT_EQ_INT(ln.err, EBADMSG);
	DW_ASSERT_EQ_INT(ln.file_start, 0);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT_EQ_STR(ln.file, next);
	DW_ASSERT(ln.file_start && ln.n == 4 && memcmp(ln.p, "next", 4) == 0);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_EOF);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->read_errors, 1);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->open_errors, 0);
	dw_reader_free(r);
	DW_PASS();
}

DW_TEST(reader_gzip_truncated_and_corrupt)
{
	char d[512], f[600], n[600];
	size_t cap = (size_t)2 << 20;
	char *plain = malloc(cap);
	struct stat sb;
	int fd;

	DW_ASSERT(plain);
	scratch(d, sizeof(d), "gzbad");
	path_of(f, sizeof(f), d, "t.gz");
	path_of(n, sizeof(n), d, "next.log");
	DW_ASSERT(puts_file(n, "next\n") == 0);
	DW_ASSERT(numbered_gz(f, 40000, plain, cap) > 0);
	DW_ASSERT(stat(f, &sb) == 0);
	DW_ASSERT(truncate(f, sb.st_size / 2) == 0);
	if (check_damaged(f, n, INT32_MAX, msg_, msgsz_))
		return 1; /* keeps check_damaged's message */

	/* overwrite 64 bytes in the middle */
	DW_ASSERT(numbered_gz(f, 40000, plain, cap) > 0);
	fd = open(f, O_WRONLY);
	DW_ASSERT(fd >= 0);
	DW_ASSERT(pwrite(fd, plain, 64, sb.st_size / 2) == 64);
	close(fd);
	if (check_damaged(f, n, 10000, msg_, msgsz_))
		return 1; /* keeps check_damaged's message */
	free(plain);
	rm_rf(d);
	DW_PASS();
}

/* ---- directories, errors, stdin, fifo ---- */

DW_TEST(reader_dir_rotation_order)
{
	char d[512], p[700], out[1024];
	/* created in scrambled order; each file holds its own name */
	static const char *files[] = {
		"syslog", "auth.log.1", "sub/x.log", "kern.log", "auth.log",
		"auth.log.10.gz", "syslog-20240102.gz", "sub/deeper/z", "auth.log.2.gz",
		"syslog-20240101", "sub/a.log", "auth.log.3",
	};
	struct dw_reader *r;

	scratch(d, sizeof(d), "dir");
	path_of(p, sizeof(p), d, "sub");
	DW_ASSERT(mkdir(p, 0755) == 0);
	path_of(p, sizeof(p), d, "sub/deeper");
	DW_ASSERT(mkdir(p, 0755) == 0);
	for (size_t i = 0; i < DW_ARRAY_LEN(files); i++) {
		char body[64];
		size_t n = strlen(files[i]);

		path_of(p, sizeof(p), d, files[i]);
		snprintf(body, sizeof(body), "%s\n", base_name(files[i]));
		if (n > 3 && strcmp(files[i] + n - 3, ".gz") == 0)
			DW_ASSERT(put_gz(p, "wb", body, strlen(body)) == 0);
		else
			DW_ASSERT(puts_file(p, body) == 0);
	}
	path_of(p, sizeof(p), d, "a-fifo");
	DW_ASSERT(mkfifo(p, 0644) == 0); /* must be skipped, not block */
	r = open1(d, 0);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 12);
	DW_ASSERT_EQ_STR(out, "auth.log.10.gz|auth.log.3|auth.log.2.gz|auth.log.1|auth.log|"
			      "kern.log|a.log|z|x.log|syslog-20240101|syslog-20240102.gz|syslog");
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->inputs, 12);
	dw_reader_free(r);
	rm_rf(d);
	DW_PASS();
}

DW_TEST(reader_dir_symlink_loop)
{
	char d[512], p[700], out[256];
	struct dw_reader *r;

	scratch(d, sizeof(d), "loop");
	path_of(p, sizeof(p), d, "a");
	DW_ASSERT(mkdir(p, 0755) == 0);
	path_of(p, sizeof(p), d, "a/f");
	DW_ASSERT(puts_file(p, "f\n") == 0);
	path_of(p, sizeof(p), d, "a/up");
	DW_ASSERT(symlink("..", p) == 0);
	path_of(p, sizeof(p), d, "a/self");
	DW_ASSERT(symlink(".", p) == 0);
	path_of(p, sizeof(p), d, "b");
	DW_ASSERT(symlink("a", p) == 0);
	path_of(p, sizeof(p), d, "dangling");
	DW_ASSERT(symlink("nowhere", p) == 0);
	r = open1(d, 0);
	DW_ASSERT(r);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 2);
	DW_ASSERT_EQ_STR(out, "f|!dangling:2");
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->open_errors, 1);
	dw_reader_free(r);
	rm_rf(d);
	DW_PASS();
}

DW_TEST(reader_missing_path_reported_once)
{
	char d[512], a[600], m[600], b[600];
	struct dw_reader *r;
	struct dw_line ln;

	scratch(d, sizeof(d), "missing");
	path_of(a, sizeof(a), d, "a");
	path_of(m, sizeof(m), d, "missing");
	path_of(b, sizeof(b), d, "b");
	DW_ASSERT(puts_file(a, "a1\na2\n") == 0);
	DW_ASSERT(puts_file(b, "b1\n") == 0);
	r = open1(a, 0);
	DW_ASSERT(r);
	DW_ASSERT(dw_reader_add(r, m) == DW_OK);
	DW_ASSERT(dw_reader_add(r, b) == DW_OK);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_EIO);
	DW_ASSERT_EQ_STR(ln.file, m);
	DW_ASSERT_EQ_INT(ln.err, ENOENT);
	DW_ASSERT_EQ_INT(ln.file_start, 1);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_OK);
	DW_ASSERT_EQ_STR(ln.file, b);
	DW_ASSERT(ln.file_start && ln.n == 2 && ln.lineno == 1);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_EOF);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->open_errors, 1);
	DW_ASSERT_EQ_INT(dw_reader_stats(r)->inputs, 2);
	dw_reader_free(r);

	/* a directory that cannot be read is reported like a file (skip as root) */
	if (geteuid() != 0) {
		char out[256];

		path_of(m, sizeof(m), d, "closed");
		DW_ASSERT(mkdir(m, 0) == 0);
		r = open1(d, 0);
		DW_ASSERT(r);
		DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 4);
		DW_ASSERT_EQ_STR(out, "a1|a2|b1|!closed:13");
		dw_reader_free(r);
		chmod(m, 0755);
	}
	rm_rf(d);
	DW_PASS();
}

DW_TEST(reader_stdin_pipe)
{
	int pfd[2], saved;
	struct dw_reader *r;
	struct dw_line ln;
	char out[256];
	int items;

	DW_ASSERT(pipe(pfd) == 0);
	DW_ASSERT(write(pfd[1], "s1\r\ns2\nlast", 11) == 11);
	close(pfd[1]);
	saved = dup(0);
	DW_ASSERT(saved >= 0);
	DW_ASSERT(dup2(pfd[0], 0) == 0);
	close(pfd[0]);
	r = open1("-", 0);
	if (!r) {
		dup2(saved, 0);
		close(saved);
		DW_FAIL("reader");
	}
	items = dw_reader_next(r, &ln);
	if (items == DW_OK && (strcmp(ln.file, "-") != 0 || ln.mtime != 0 || !ln.file_start))
		items = -100;
	if (items == DW_OK)
		items = drain(r, out, sizeof(out));
	dw_reader_free(r);
	dup2(saved, 0);
	close(saved);
	DW_ASSERT_EQ_INT(items, 2);
	DW_ASSERT_EQ_STR(out, "s2|last");
	DW_PASS();
}

static void *fifo_writer(void *arg)
{
	int fd = open(arg, O_WRONLY);

	if (fd >= 0) {
		ssize_t w = write(fd, "f1\nf2", 5);

		(void)w;
		close(fd);
	}
	return NULL;
}

DW_TEST(reader_fifo_named_explicitly)
{
	char d[512], f[600], out[64];
	struct dw_reader *r;
	pthread_t t;
	int n;

	scratch(d, sizeof(d), "fifo");
	path_of(f, sizeof(f), d, "pipe");
	DW_ASSERT(mkfifo(f, 0644) == 0);
	DW_ASSERT(pthread_create(&t, NULL, fifo_writer, f) == 0);
	r = open1(f, 0);
	n = r ? drain(r, out, sizeof(out)) : -1;
	pthread_join(t, NULL);
	dw_reader_free(r);
	DW_ASSERT_EQ_INT(n, 2);
	DW_ASSERT_EQ_STR(out, "f1|f2");
	rm_rf(d);
	DW_PASS();
}

DW_TEST(reader_stop_before_reading)
{
	char d[512], f[600];
	struct dw_reader *r;
	struct dw_line ln;

	scratch(d, sizeof(d), "stop");
	path_of(f, sizeof(f), d, "f");
	DW_ASSERT(puts_file(f, "x\n") == 0);
	r = open1(f, 0);
	DW_ASSERT(r);
	dw_reader_stop(r);
	DW_ASSERT_EQ_INT(dw_reader_next(r, &ln), DW_EOF);
	dw_reader_free(r);
	rm_rf(d);
	DW_PASS();
}

/* ---- follow ---- */

/*
 * The writer thread runs steps; step i waits until the reader has seen
 * wait[i] items (lines or errors), then runs act(i). After the last step it
 * waits for `total` items and stops the reader.
 */
struct follow {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int seen;
	int total;
	int nsteps;
	const int *wait;
	void (*act)(struct follow *, int step);
	char dir[512];
	struct dw_reader *r;
	int timed_out;
};

static int wait_seen(struct follow *fw, int n)
{
	struct timespec dl;
	int ok = 1;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 4;
	pthread_mutex_lock(&fw->mu);
	while (fw->seen < n && ok)
		ok = pthread_cond_timedwait(&fw->cv, &fw->mu, &dl) == 0;
	ok = fw->seen >= n;
	pthread_mutex_unlock(&fw->mu);
	return ok;
}

static void *follow_writer(void *arg)
{
	struct follow *fw = arg;

	for (int i = 0; i < fw->nsteps; i++) {
		if (!wait_seen(fw, fw->wait[i]))
			fw->timed_out = 1;
		fw->act(fw, i);
	}
	if (!wait_seen(fw, fw->total))
		fw->timed_out = 1;
	dw_reader_stop(fw->r);
	return NULL;
}

/* Runs the reader in this thread against the writer; fills out like drain(). */
static int follow_run(struct follow *fw, char *out, size_t outsz, struct dw_line *lines, int maxl)
{
	struct dw_line ln;
	pthread_t t;
	size_t o = 0;
	int rc, items = 0;

	pthread_mutex_init(&fw->mu, NULL);
	pthread_cond_init(&fw->cv, NULL);
	if (pthread_create(&t, NULL, follow_writer, fw) != 0)
		return -1;
	out[0] = 0;
	while ((rc = dw_reader_next(fw->r, &ln)) != DW_EOF) {
		int w = snprintf(out + o, outsz - o, "%s", items ? "|" : "");
		o += (size_t)w;
		if (rc == DW_EIO)
			w = snprintf(out + o, outsz - o, "!%s:%d", base_name(ln.file), ln.err);
		else
			w = snprintf(out + o, outsz - o, "%.*s", (int)ln.n, ln.p);
		if (w > 0 && (size_t)w < outsz - o)
			o += (size_t)w;
		if (items < maxl) {
			lines[items] = ln;
			lines[items].p = NULL; /* not valid after the next call */
		}
		pthread_mutex_lock(&fw->mu);
		items = ++fw->seen;
		pthread_cond_broadcast(&fw->cv);
		pthread_mutex_unlock(&fw->mu);
	}
	pthread_join(t, NULL);
	pthread_cond_destroy(&fw->cv);
	pthread_mutex_destroy(&fw->mu);
	return fw->timed_out ? -2 : items;
}

static struct dw_reader *follow_reader(const char *path, int idle_ms)
{
	struct dw_reader_opts o = {.follow = 1, .poll_ms = 5, .idle_exit_ms = idle_ms};
	struct dw_reader *r;

	if (dw_reader_new(&r, &o) != DW_OK)
		return NULL;
	if (path && dw_reader_add(r, path) != DW_OK) {
		dw_reader_free(r);
		return NULL;
	}
	return r;
}

static void act_append(struct follow *fw, int step)
{
	char f[700];
	static const char *add[] = {"ial\nl4\nl5-part", "\n", "l6\n"};

	path_of(f, sizeof(f), fw->dir, "f.log");
	put(f, add[step], strlen(add[step]), 1);
}

DW_TEST(reader_follow_append)
{
	static const int wait[] = {2, 4, 5};
	struct follow fw = {.wait = wait, .nsteps = 3, .total = 6, .act = act_append};
	char f[700], out[256];
	struct dw_line lines[8];

	scratch(fw.dir, sizeof(fw.dir), "fappend");
	path_of(f, sizeof(f), fw.dir, "f.log");
	DW_ASSERT(puts_file(f, "l1\nl2\npart") == 0);
	fw.r = follow_reader(f, 4000);
	DW_ASSERT(fw.r);
	DW_ASSERT_EQ_INT(follow_run(&fw, out, sizeof(out), lines, 8), 6);
	DW_ASSERT_EQ_STR(out, "l1|l2|partial|l4|l5-part|l6");
	DW_ASSERT_EQ_INT(lines[2].offset, 6);
	DW_ASSERT_EQ_INT(lines[2].lineno, 3);
	DW_ASSERT_EQ_INT(lines[2].file_start, 0);
	DW_ASSERT_EQ_INT(lines[5].offset, 25);
	DW_ASSERT_EQ_INT(lines[5].lineno, 6);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->rotations, 0);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->truncations, 0);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->inputs, 1);
	dw_reader_free(fw.r);
	rm_rf(fw.dir);
	DW_PASS();
}

static void act_rotate(struct follow *fw, int step)
{
	char f[700], old[700];

	path_of(f, sizeof(f), fw->dir, "f.log");
	path_of(old, sizeof(old), fw->dir, "f.log.1");
	if (step == 0) {
		put(f, "a3\nold-part", 11, 1);
	} else if (step == 1) {
		/* rename away, write more to the old file, then create the new one */
		rename(f, old);
		put(old, "-end\nold-last\n", 14, 1);
		put(f, "b1\nb2\n", 6, 0);
	} else {
		rename(f, old);
		put(f, "c1\n", 3, 0);
	}
}

DW_TEST(reader_follow_rotation)
{
	static const int wait[] = {2, 3, 7};
	struct follow fw = {.wait = wait, .nsteps = 3, .total = 8, .act = act_rotate};
	char f[700], out[256];
	struct dw_line lines[8];

	scratch(fw.dir, sizeof(fw.dir), "frotate");
	path_of(f, sizeof(f), fw.dir, "f.log");
	DW_ASSERT(puts_file(f, "a1\na2\n") == 0);
	fw.r = follow_reader(f, 4000);
	DW_ASSERT(fw.r);
	DW_ASSERT_EQ_INT(follow_run(&fw, out, sizeof(out), lines, 8), 8);
	DW_ASSERT_EQ_STR(out, "a1|a2|a3|old-part-end|old-last|b1|b2|c1");
	DW_ASSERT_EQ_INT(lines[4].lineno, 5);
	DW_ASSERT_EQ_INT(lines[5].file_start, 1);
	DW_ASSERT_EQ_INT(lines[5].lineno, 1);
	DW_ASSERT_EQ_INT(lines[5].offset, 0);
	DW_ASSERT_EQ_INT(lines[6].file_start, 0);
	DW_ASSERT_EQ_INT(lines[7].file_start, 1);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->rotations, 2);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->truncations, 0);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->inputs, 3);
	dw_reader_free(fw.r);
	rm_rf(fw.dir);
	DW_PASS();
}

static void act_truncate(struct follow *fw, int step)
{
	char f[700];

	path_of(f, sizeof(f), fw->dir, "f.log");
	if (step == 0)
		put(f, "u1\n", 3, 0); /* O_TRUNC, then fewer bytes than were read */
	else
		put(f, "u2\n", 3, 1);
}

DW_TEST(reader_follow_truncation)
{
	static const int wait[] = {3, 4};
	struct follow fw = {.wait = wait, .nsteps = 2, .total = 5, .act = act_truncate};
	char f[700], out[256];
	struct dw_line lines[8];

	scratch(fw.dir, sizeof(fw.dir), "ftrunc");
	path_of(f, sizeof(f), fw.dir, "f.log");
	DW_ASSERT(puts_file(f, "t1\nt2\nt3\n") == 0);
	fw.r = follow_reader(f, 4000);
	DW_ASSERT(fw.r);
	DW_ASSERT_EQ_INT(follow_run(&fw, out, sizeof(out), lines, 8), 5);
	DW_ASSERT_EQ_STR(out, "t1|t2|t3|u1|u2");
	DW_ASSERT(lines[3].file_start && lines[3].lineno == 1 && lines[3].offset == 0);
	DW_ASSERT(!lines[4].file_start && lines[4].lineno == 2 && lines[4].offset == 3);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->truncations, 1);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->rotations, 0);
	dw_reader_free(fw.r);
	rm_rf(fw.dir);
	DW_PASS();
}

static void act_late(struct follow *fw, int step)
{
	char f[700];

	path_of(f, sizeof(f), fw->dir, step == 0 ? "late.log" : "other.log");
	put(f, step == 0 ? "z1\n" : "o2\n", 3, 1);
}

DW_TEST(reader_follow_late_file_and_two_files)
{
	static const int wait[] = {2, 3};
	struct follow fw = {.wait = wait, .nsteps = 2, .total = 4, .act = act_late};
	char late[700], other[700], out[256];
	struct dw_line lines[8];

	scratch(fw.dir, sizeof(fw.dir), "flate");
	path_of(late, sizeof(late), fw.dir, "late.log");
	path_of(other, sizeof(other), fw.dir, "other.log");
	DW_ASSERT(puts_file(other, "o1\n") == 0);
	fw.r = follow_reader(late, 4000);
	DW_ASSERT(fw.r);
	DW_ASSERT(dw_reader_add(fw.r, other) == DW_OK);
	DW_ASSERT_EQ_INT(follow_run(&fw, out, sizeof(out), lines, 8), 4);
	DW_ASSERT_EQ_STR(out, "!late.log:2|o1|z1|o2");
	DW_ASSERT(lines[2].file_start && lines[2].lineno == 1);
	DW_ASSERT_EQ_STR(lines[2].file, late);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->open_errors, 1);
	DW_ASSERT_EQ_INT(dw_reader_stats(fw.r)->rotations, 0);
	dw_reader_free(fw.r);
	rm_rf(fw.dir);
	DW_PASS();
}

DW_TEST(reader_follow_idle_exit_flushes_held_line)
{
	char d[512], f[600], gz[600], out[256];
	struct dw_reader *r;
	struct timespec t0, t1;
	long ms;

	scratch(d, sizeof(d), "fidle");
	path_of(f, sizeof(f), d, "f.log");
	path_of(gz, sizeof(gz), d, "old.log.1.gz");
	DW_ASSERT(puts_file(f, "x\nheld") == 0);
	DW_ASSERT(put_gz(gz, "wb", "g1\ng2", 5) == 0);
	r = follow_reader(gz, 150);
	DW_ASSERT(r);
	DW_ASSERT(dw_reader_add(r, f) == DW_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 4);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	DW_ASSERT_EQ_STR(out, "g1|g2|x|held");
	DW_ASSERT(ms >= 140 && ms < 2000);
	dw_reader_free(r);
	rm_rf(d);
	DW_PASS();
}

static void act_dir(struct follow *fw, int step)
{
	char f[700];

	(void)step;
	path_of(f, sizeof(f), fw->dir, "auth.log.1");
	put(f, "not-followed\n", 13, 1);
	path_of(f, sizeof(f), fw->dir, "auth.log");
	put(f, "live2\n", 6, 1);
}

DW_TEST(reader_follow_dir_only_live_files)
{
	static const int wait[] = {2};
	struct follow fw = {.wait = wait, .nsteps = 1, .total = 3, .act = act_dir};
	char f[700], out[256];
	struct dw_line lines[8];

	scratch(fw.dir, sizeof(fw.dir), "fdir");
	path_of(f, sizeof(f), fw.dir, "auth.log.1");
	DW_ASSERT(puts_file(f, "old1\n") == 0);
	path_of(f, sizeof(f), fw.dir, "auth.log");
	DW_ASSERT(puts_file(f, "live1\n") == 0);
	fw.r = follow_reader(fw.dir, 4000);
	DW_ASSERT(fw.r);
	DW_ASSERT_EQ_INT(follow_run(&fw, out, sizeof(out), lines, 8), 3);
	DW_ASSERT_EQ_STR(out, "old1|live1|live2");
	dw_reader_free(fw.r);
	rm_rf(fw.dir);
	DW_PASS();
}

/*
 * Files named one by one, as a shell glob gives them (auth.log auth.log.1
 * auth.log.2.gz), are read oldest first; other logs keep their place, and
 * dw_reader_input says which inputs belong to one log.
 */
DW_TEST(reader_glob_order_and_logs)
{
	char dir[512], p[4][600], out[256];
	const char *names[4] = {"auth.log", "auth.log.1", "auth.log.2.gz", "syslog"};
	struct dw_reader *r = NULL;
	struct dw_reader_opts o = {0};
	int same[4];

	scratch(dir, sizeof(dir), "glob");
	for (int i = 0; i < 4; i++)
		path_of(p[i], sizeof(p[i]), dir, names[i]);
	DW_ASSERT(puts_file(p[0], "live\n") == 0);
	DW_ASSERT(puts_file(p[1], "one\n") == 0);
	DW_ASSERT(put_gz(p[2], "wb", "two\n", 4) == 0);
	DW_ASSERT(puts_file(p[3], "sys\n") == 0);
	DW_ASSERT(dw_reader_new(&r, &o) == DW_OK);
	for (int i = 0; i < 4; i++)
		DW_ASSERT(dw_reader_add(r, p[i]) == DW_OK);
	DW_ASSERT_EQ_INT(dw_reader_inputs(r), 4);
	for (size_t i = 0; i < 4; i++)
		DW_ASSERT(dw_reader_input(r, i, &same[i]) != NULL);
	DW_ASSERT_EQ_STR(base_name(dw_reader_input(r, 0, NULL)), "auth.log.2.gz");
	DW_ASSERT_EQ_STR(base_name(dw_reader_input(r, 3, NULL)), "syslog");
	DW_ASSERT(!same[0] && same[1] && same[2] && !same[3]);
	DW_ASSERT(dw_reader_input(r, 4, NULL) == NULL);
	DW_ASSERT_EQ_INT(drain(r, out, sizeof(out)), 4);
	DW_ASSERT_EQ_STR(out, "two|one|live|sys");
	dw_reader_free(r);
	rm_rf(dir);
	DW_PASS();
}
