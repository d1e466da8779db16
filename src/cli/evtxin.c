/*
 * evtxin.c - a .evtx file as an input: the bridge between a file on disk
 * and the chunk decoder (src/parse/evtx.c), which works on memory.
 *
 * The file is mapped read-only and decoded one 64 KiB chunk per call, in
 * file order. Pages behind the decoder are released (MADV_DONTNEED; they
 * are clean file pages, so nothing is lost), so resident memory stays at a
 * few chunks whatever the file's size. A file that cannot be mapped (a
 * pipe, /proc) is read into memory instead, up to DW_EVTXIN_READ_MAX.
 *
 * Which inputs are EVTX: a regular file whose first 8 bytes are the EVTX
 * file magic ("ElfFile\0"), or, for a file with a damaged header, whose
 * name ends in ".evtx" (the decoder then walks the chunk slots).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define DW_EVTXIN_READ_MAX ((size_t)1 << 30)

struct dw_evtxin {
	const char *path; /* borrowed */
	uint8_t *p;
	size_t n;
	int mapped;
	size_t released; /* bytes already given back */
	size_t slots;    /* chunk slots decoded */
	struct dw_evtx *dec;
	struct dw_parse_stats ps; /* events by action and log, for the summary */
	dw_event_fn fn;
	void *ctx;
};

/* Counts each event as a parser would, then hands it on. */
static void count(void *ctx, const struct dw_event *e)
{
	struct dw_evtxin *x = ctx;

	x->ps.records++;
	x->ps.events++;
	if (e->action < DW_ACT__N)
		x->ps.by_action[e->action]++;
	if (e->log < DW_LOG__N)
		x->ps.by_log[e->log]++;
	x->fn(x->ctx, e);
}

int dw_evtxin_is(const char *path)
{
	uint8_t b[8];
	size_t pl = strlen(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok = 0;
	struct stat st;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		ssize_t r = read(fd, b, sizeof(b));
		ok = (r == (ssize_t)sizeof(b) && dw_evtx_is(b, sizeof(b))) ||
		     (pl > 5 && strcmp(path + pl - 5, ".evtx") == 0);
	}
	close(fd);
	return ok;
}

/* Reads the whole of fd into memory (for files that cannot be mapped). */
static int slurp(int fd, uint8_t **out, size_t *n)
{
	size_t cap = 1 << 20, len = 0;
	uint8_t *p = malloc(cap);

	if (!p)
		return ENOMEM;
	for (;;) {
		ssize_t r;
		if (len == cap) {
			uint8_t *np;
			if (cap >= DW_EVTXIN_READ_MAX)
				break;
			np = realloc(p, cap * 2);
			if (!np) {
				free(p);
				return ENOMEM;
			}
			p = np;
			cap *= 2;
		}
		r = read(fd, p + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(p);
			return e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*out = p;
	*n = len;
	return 0;
}

int dw_evtxin_open(struct dw_evtxin **out, const char *path, int *err)
{
	struct dw_evtxin *x = calloc(1, sizeof(*x));
	struct stat st;
	int fd = -1;

	*out = NULL;
	*err = 0;
	if (!x) {
		*err = ENOMEM;
		return DW_ENOMEM;
	}
	x->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		*err = errno;
		goto fail;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			x->p = m;
			x->n = (size_t)st.st_size;
			x->mapped = 1;
			(void)madvise(m, x->n, MADV_SEQUENTIAL);
		}
	}
	if (!x->mapped && (*err = slurp(fd, &x->p, &x->n)) != 0)
		goto fail;
	close(fd);
	fd = -1;
	if (dw_evtx_open(&x->dec, x->p, x->n) != DW_OK) {
		*err = ENOMEM;
		goto fail;
	}
	dw_evtx_set_name(x->dec, path);
	*out = x;
	return DW_OK;
fail:
	if (fd >= 0)
		close(fd);
	dw_evtxin_free(x);
	return DW_EIO;
}

int dw_evtxin_next(struct dw_evtxin *x, dw_event_fn fn, void *ctx)
{
	int more;

	x->fn = fn;
	x->ctx = ctx;
	more = dw_evtx_next(x->dec, count, x);

	/*
	 * Give back the pages already decoded, 4 MiB at a time: slots are
	 * visited in file order (a log that wrapped round starts in the middle:
	 * then the release waits for the walk's second pass to reach them).
	 */
	x->slots++;
	if (x->mapped) {
		size_t pg = (size_t)sysconf(_SC_PAGESIZE);
		size_t at = DW_MIN(x->n, 4096 + x->slots * (size_t)65536);
		size_t upto = at / pg * pg;
		if (upto >= x->released + ((size_t)4 << 20) || (!more && upto > x->released)) {
			(void)madvise(x->p + x->released, upto - x->released, MADV_DONTNEED);
			x->released = upto;
		}
	}
	return more;
}

const struct dw_parse_stats *dw_evtxin_parse_stats(const struct dw_evtxin *x)
{
	return &x->ps;
}

size_t dw_evtxin_size(const struct dw_evtxin *x)
{
	return x->n;
}

const struct dw_evtx *dw_evtxin_decoder(const struct dw_evtxin *x)
{
	return x->dec;
}

void dw_evtxin_free(struct dw_evtxin *x)
{
	if (!x)
		return;
	dw_evtx_free(x->dec);
	if (x->mapped)
		munmap(x->p, x->n);
	else
		free(x->p);
	free(x);
}
