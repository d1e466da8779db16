/*
 * evtxin.c - a .evtx file as an input: the bridge between a file on disk
 * and the chunk decoder (src/parse/evtx.c), which works on memory; and the
 * pool of threads that decodes chunks ahead of the reader (--threads).
 *
 * The file is mapped read-only and delivered one 64 KiB chunk slot per
 * dw_evtxin_next call, in the decoder's visiting order (dw_evtx_slot). Pages
 * of delivered slots are released (MADV_DONTNEED, in runs of 4 MiB; they are
 * clean file pages, so nothing is lost), so resident memory stays at a few
 * chunks whatever the file's size. A file that cannot be mapped (a pipe,
 * /proc) is read into memory instead, up to DW_EVTXIN_READ_MAX.
 *
 * Threads. Chunks are independent, so with a pool (--threads N, N >= 2)
 * N - 1 helper threads, each with a decoder of its own over the same
 * mapped image, decode the slots after the one being read into buffers:
 * each event copied with its strings (the struct up to user_buf, the user
 * key, and the other slices into one string arena per slot), plus the
 * slot's own counters. The reader (the caller of dw_evtxin_next) delivers
 * slot k, then k+1, ...: from its buffer if a helper decoded it, or, if no
 * one has claimed k yet, by decoding it itself straight into the callback
 * (no copy, as with one thread); while a helper is still busy on k, the
 * reader decodes a later slot into a buffer instead of waiting. So the
 * events, their order and every counter are those of one thread: counters
 * are added per slot as it is delivered (stats of the slots' decodes, the
 * file header's once), also when a run stops early. A file of one slot
 * is read without the pool.
 *
 * One pool serves every open .evtx input (merge.c reads several side by
 * side, by time, each opened when the merge starts): the thread budget is
 * global, not per file, so 200 files do not start 200 x N threads. Helpers
 * take work from the input read most recently first (the one the merge is
 * in, in practice; a file whose events lie later in time is decoded ahead
 * only with what the current one leaves of the window), then the others.
 *
 * Memory: at most `window` = 2 x N slots are claimed and not yet
 * delivered, over all inputs together (one input's claims also span at
 * most `window` slots), and a buffer is only allocated for such a claim and
 * reused afterwards: at most `window` buffers, whatever the files' sizes or
 * number. A buffer holds at most SLOT_EVENTS events (a record takes >= 28
 * bytes of a chunk: 2,323 x 560 bytes = 1.24 MiB) and SLOT_STRINGS (1 MiB)
 * of strings, so 2.3 MiB at worst (72 MiB with 16 threads); typical is ~90
 * records and ~4 KiB of strings a chunk, ~50 KiB a buffer. A slot with more
 * strings (BinXML allows up to 512 KiB a record) is marked overflowed and
 * decoded again by the reader straight into the callback, its buffered copy
 * and counters dropped. Each helper has one decoder (~2.5 MiB), re-pointed
 * (dw_evtx_rebind) when it moves to another input. Releasing pages behind
 * the reader is safe whatever the helpers are decoding: they only read the
 * mapping, and a released page of a private read-only file mapping is read
 * again from the file on the next touch.
 *
 * Locking: one mutex per pool guards the claim state (claimed, delivered,
 * ring, busy, the buffer free list, the input list); a buffer's contents
 * belong to its decoder until `done` is set under the mutex, then to the
 * reader. Helpers block every signal, so Ctrl-C reaches the main thread.
 *
 * Without a pool (--threads 1) nothing is copied: dw_evtx_next feeds the
 * callback directly, as before.
 *
 * Which inputs are EVTX: a regular file whose first 8 bytes are the EVTX
 * file magic ("ElfFile\0"), or, for a file with a damaged header, whose
 * name ends in ".evtx" (the decoder then walks the chunk slots).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define DW_EVTXIN_READ_MAX ((size_t)1 << 30)
#define SLOT_BYTES ((size_t)65536)
#define SLOT_EVENTS ((65536 - 512) / 28 + 1) /* records one chunk can frame */
#ifndef DW_EVTXIN_SLOT_STRINGS /* tests/unit/test_evtxin.c makes it small */
#define DW_EVTXIN_SLOT_STRINGS ((size_t)1 << 20) /* copied string bytes of one slot */
#endif
#define SLOT_STRINGS DW_EVTXIN_SLOT_STRINGS
#define RELEASE_STEP ((size_t)4 << 20)
#define POOL_MAX_THREADS 256

/* One slot decoded by a helper (or by the reader ahead of time), copied. */
struct buf {
	size_t k;                 /* slot number */
	int done;                 /* decoded (under the pool lock) */
	int overflow;             /* too many strings: the reader decodes it again */
	struct dw_event *ev;      /* [nev] */
	size_t nev, evcap;
	char *str;                /* the events' strings: [nstr] */
	size_t nstr, strcap;
	struct dw_evtx_stats st;  /* counted while decoding this slot */
	struct buf *next;         /* pool's free list */
};

struct worker {
	struct dw_evtxpool *pool;
	struct dw_evtx *dec; /* bound to the input it served last */
	uint64_t bound;      /* that input's id; 0 = none */
	pthread_t tid;
};

/* --evtx-slack: a run-wide switch of the command line, read by every decoder it opens */
static int g_slack;

void dw_evtxin_slack(int on)
{
	g_slack = on;
}

struct dw_evtxpool {
	pthread_mutex_t mu;
	pthread_cond_t work; /* helpers: a slot may be claimable */
	pthread_cond_t done; /* reader: a slot was decoded */
	size_t window;       /* slots claimed and not delivered, at most, over all inputs */
	size_t inflight;
	int nworkers;        /* helpers wanted (threads - 1) */
	int started;         /* helpers running */
	int quit;
	struct worker *w;
	struct buf *free;           /* buffers not in use */
	struct dw_evtxin *mru;      /* open inputs, read most recently first */
	uint64_t ids;
};

struct dw_evtxin {
	const char *path; /* borrowed */
	uint8_t *p;
	size_t n;
	int mapped;
	size_t run_a, run_b; /* delivered bytes [run_a, run_b) not yet released */
	size_t nslots;
	size_t delivered;    /* slots delivered */
	struct dw_evtx *dec; /* the reader's decoder */
	struct dw_parse_stats ps; /* events by action and log, for the summary */
	dw_event_fn fn;
	void *ctx;
	/* with a pool (all under pool->mu but the counters, which only the reader touches) */
	struct dw_evtxpool *pool;
	uint64_t id;
	struct dw_evtxin *prev, *next; /* pool's most-recently-read list */
	size_t claimed;       /* slots 0..claimed-1 are claimed (decoded, or being decoded) */
	size_t busy;          /* helpers decoding one of its slots now */
	struct buf **ring;    /* [window]: slot k's buffer at k % window while claimed */
	struct dw_evtx_stats st; /* delivered slots' counters, and the header's */
	size_t redone;        /* buffered slots that overflowed, decoded again */
};

/* The string fields of an event besides user (see merge.c's copy of them). */
static const size_t str_field[] = {
	offsetof(struct dw_event, host),     offsetof(struct dw_event, program),
	offsetof(struct dw_event, user_raw), offsetof(struct dw_event, src_name),
	offsetof(struct dw_event, protocol), offsetof(struct dw_event, code),
	offsetof(struct dw_event, target),   offsetof(struct dw_event, session),
	offsetof(struct dw_event, user_agent),
};
#define NSTR (sizeof(str_field) / sizeof(str_field[0]))
#define EV_HEAD offsetof(struct dw_event, user_buf) /* user_buf is the last field */

static struct dw_slice *field(struct dw_event *e, size_t i)
{
	return (struct dw_slice *)(void *)((char *)e + str_field[i]);
}

static size_t field_len(const struct dw_event *e, size_t i)
{
	const struct dw_slice *s = (const void *)((const char *)e + str_field[i]);
	return s->n;
}

/* d = a - b, field by field (every field is a uint64_t counter). */
static void stats_sub(struct dw_evtx_stats *d, const struct dw_evtx_stats *a,
		      const struct dw_evtx_stats *b)
{
	uint64_t va, vb;

	_Static_assert(sizeof(struct dw_evtx_stats) % sizeof(uint64_t) == 0, "all u64");
	for (size_t o = 0; o < sizeof(*d); o += sizeof(uint64_t)) {
		memcpy(&va, (const char *)a + o, sizeof(va));
		memcpy(&vb, (const char *)b + o, sizeof(vb));
		va -= vb;
		memcpy((char *)d + o, &va, sizeof(va));
	}
}

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

/* ---- buffers ------------------------------------------------------------------------ */

/* Grows the string arena to hold need more bytes; re-points the slices already copied. */
static int str_room(struct buf *b, size_t need)
{
	size_t nc = b->strcap ? b->strcap : 16384;
	char *ns;

	if (need > SLOT_STRINGS - b->nstr)
		return -1;
	if (need <= b->strcap - b->nstr)
		return 0;
	while (nc - b->nstr < need)
		nc *= 2;
	nc = DW_MIN(nc, SLOT_STRINGS);
	ns = malloc(nc);
	if (!ns)
		return -1;
	if (b->nstr)
		memcpy(ns, b->str, b->nstr);
	for (size_t i = 0; i < b->nev; i++)
		for (size_t j = 0; j < NSTR; j++) {
			struct dw_slice *s = field(&b->ev[i], j);
			if (s->n)
				s->p = ns + (s->p - b->str);
		}
	free(b->str);
	b->str = ns;
	b->strcap = nc;
	return 0;
}

/* Event callback of a buffered decode: copies e and its strings into the buffer. */
static void keep(void *ctx, const struct dw_event *e)
{
	struct buf *b = ctx;
	struct dw_event *d;
	size_t need = 0;

	if (b->overflow)
		return;
	if (b->nev == b->evcap) {
		size_t nc = b->evcap ? b->evcap * 2 : 128;
		struct dw_event *ne;
		nc = DW_MIN(nc, (size_t)SLOT_EVENTS);
		ne = nc > b->evcap ? realloc(b->ev, nc * sizeof(*ne)) : NULL;
		if (!ne) {
			b->overflow = 1;
			return;
		}
		b->ev = ne;
		b->evcap = nc;
		for (size_t i = 0; i < b->nev; i++) /* the keys moved with their events */
			if (ne[i].user.n)
				ne[i].user.p = ne[i].user_buf;
	}
	for (size_t j = 0; j < NSTR; j++)
		need += field_len(e, j);
	if (str_room(b, need) != 0) {
		b->overflow = 1;
		return;
	}
	d = &b->ev[b->nev++];
	memcpy(d, e, EV_HEAD);
	for (size_t j = 0; j < NSTR; j++) {
		struct dw_slice *s = field(d, j);
		if (s->n) {
			memcpy(b->str + b->nstr, s->p, s->n);
			s->p = b->str + b->nstr;
			b->nstr += s->n;
		} else {
			s->p = ""; /* nothing left pointing into the decoder */
		}
	}
	d->user.n = DW_MIN(e->user.n, (size_t)DW_USER_MAX);
	d->user.p = d->user_buf; /* the key lives in the event (merge.c relies on it too) */
	if (d->user.n)
		memcpy(d->user_buf, e->user.p, d->user.n);
}

/* Decodes slot b->k of x's image with dec into b (no lock held). */
static void decode_into(struct dw_evtx *dec, struct buf *b)
{
	struct dw_evtx_stats s0, s1;

	b->nev = b->nstr = 0;
	b->overflow = 0;
	dw_evtx_get_stats(dec, &s0);
	dw_evtx_slot(dec, b->k, keep, b);
	dw_evtx_get_stats(dec, &s1);
	stats_sub(&b->st, &s1, &s0);
}

static void buf_free(struct buf *b)
{
	free(b->ev);
	free(b->str);
	free(b);
}

/* ---- the pool (p->mu held in everything below that takes a pool) ---------------------- */

/* Claims x's next slot into a buffer, or NULL (window full, nothing left, no memory). */
static struct buf *claim(struct dw_evtxpool *p, struct dw_evtxin *x)
{
	struct buf *b;

	if (x->claimed >= x->nslots || x->claimed >= x->delivered + p->window ||
	    p->inflight >= p->window)
		return NULL;
	b = p->free;
	if (b)
		p->free = b->next;
	else if (!(b = calloc(1, sizeof(*b))))
		return NULL;
	b->k = x->claimed++;
	b->done = 0;
	x->ring[b->k % p->window] = b;
	p->inflight++;
	return b;
}

static void unclaim(struct dw_evtxpool *p, struct dw_evtxin *x, struct buf *b)
{
	x->ring[b->k % p->window] = NULL;
	b->next = p->free;
	p->free = b;
	p->inflight--;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dw_evtxpool *p = w->pool;

	pthread_mutex_lock(&p->mu);
	while (!p->quit) {
		struct dw_evtxin *x;
		struct buf *b = NULL;
		for (x = p->mru; x && !(b = claim(p, x)); x = x->next)
			;
		if (!b) {
			pthread_cond_wait(&p->work, &p->mu);
			continue;
		}
		x->busy++;
		pthread_mutex_unlock(&p->mu);
		/* x stays open while busy: dw_evtxin_free waits for it */
		if (w->bound != x->id) {
			dw_evtx_rebind(w->dec, x->p, x->n);
			dw_evtx_set_name(w->dec, x->path);
			dw_evtx_set_slack(w->dec, g_slack);
			w->bound = x->id;
		}
		decode_into(w->dec, b);
		pthread_mutex_lock(&p->mu);
		b->done = 1;
		x->busy--;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int dw_evtxpool_new(struct dw_evtxpool **out, int threads)
{
	struct dw_evtxpool *p;

	*out = NULL;
	if (threads <= 1)
		return DW_OK;
	threads = DW_MIN(threads, POOL_MAX_THREADS);
	p = calloc(1, sizeof(*p));
	if (!p)
		return DW_ENOMEM;
	p->w = calloc((size_t)threads - 1, sizeof(*p->w));
	if (!p->w || pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p->w);
		free(p);
		return DW_ENOMEM;
	}
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->nworkers = threads - 1;
	p->window = 2 * (size_t)threads;
	*out = p;
	return DW_OK;
}

/* Starts the helpers (first input opened); fewer if threads or memory run out. */
static void pool_start(struct dw_evtxpool *p)
{
	sigset_t all, old;

	if (p->started || p->quit)
		return;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old); /* signals go to the reader's thread */
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->w[p->started];
		w->pool = p;
		if (dw_evtx_open(&w->dec, NULL, 0) != DW_OK)
			break;
		if (pthread_create(&w->tid, NULL, worker_main, w) != 0) {
			dw_evtx_free(w->dec);
			w->dec = NULL;
			break;
		}
		p->started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	p->nworkers = p->started ? p->started : -1; /* -1: tried, none */
}

void dw_evtxpool_free(struct dw_evtxpool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->started; i++) {
		pthread_join(p->w[i].tid, NULL);
		dw_evtx_free(p->w[i].dec);
	}
	while (p->free) {
		struct buf *b = p->free;
		p->free = b->next;
		buf_free(b);
	}
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	free(p->w);
	free(p);
}

static void mru_unlink(struct dw_evtxpool *p, struct dw_evtxin *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else if (p->mru == x)
		p->mru = x->next;
	if (x->next)
		x->next->prev = x->prev;
	x->prev = x->next = NULL;
}

static void mru_front(struct dw_evtxpool *p, struct dw_evtxin *x)
{
	if (p->mru == x)
		return;
	mru_unlink(p, x);
	x->next = p->mru;
	if (p->mru)
		p->mru->prev = x;
	p->mru = x;
}

/* ---- the input ----------------------------------------------------------------------- */

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

int dw_evtxin_open(struct dw_evtxin **out, const char *path, struct dw_evtxpool *pool, int *err)
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
	dw_evtx_set_slack(x->dec, g_slack);
	x->nslots = dw_evtx_slots(x->dec);
	dw_evtx_get_stats(x->dec, &x->st); /* the file header's counter */
	if (pool && pool->nworkers >= 0 && x->nslots > 1) {
		x->ring = calloc(pool->window, sizeof(*x->ring));
		if (x->ring) { /* else: read on this thread alone */
			x->pool = pool;
			pthread_mutex_lock(&pool->mu);
			pool_start(pool);
			x->id = ++pool->ids;
			mru_front(pool, x);
			pthread_cond_broadcast(&pool->work);
			pthread_mutex_unlock(&pool->mu);
		}
	}
	*out = x;
	return DW_OK;
fail:
	if (fd >= 0)
		close(fd);
	dw_evtxin_free(x);
	return DW_EIO;
}

/* Gives back the mapped pages of [a, b) (whole pages inside it). */
static void release(struct dw_evtxin *x, size_t a, size_t b)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	a = (a + pg - 1) / pg * pg;
	b = b / pg * pg;
	if (x->mapped && b > a)
		(void)madvise(x->p + a, b - a, MADV_DONTNEED);
}

/* Slot k was delivered: its bytes join the run to release, given back 4 MiB at a time. */
static void release_behind(struct dw_evtxin *x, size_t k)
{
	size_t a = dw_evtx_slot_offset(x->dec, k), b = DW_MIN(a + SLOT_BYTES, x->n);

	if (a != x->run_b) { /* a wrapped log's walk jumps: release what precedes the jump */
		release(x, x->run_a, x->run_b);
		x->run_a = a;
	}
	x->run_b = b;
	if (x->run_b - x->run_a >= RELEASE_STEP || x->delivered == x->nslots) {
		release(x, x->run_a, x->run_b);
		x->run_a = x->run_b;
	}
}

/* Slot k decoded on this thread straight into the callback. */
static void direct(struct dw_evtxin *x, size_t k)
{
	struct dw_evtx_stats s0, s1, d;

	dw_evtx_get_stats(x->dec, &s0);
	dw_evtx_slot(x->dec, k, count, x);
	dw_evtx_get_stats(x->dec, &s1);
	stats_sub(&d, &s1, &s0);
	dw_cli_add_evtx(&x->st, &d);
}

/* The next slot with the pool: from its buffer, or decoded here. */
static void next_pooled(struct dw_evtxin *x)
{
	struct dw_evtxpool *p = x->pool;
	size_t k = x->delivered;
	struct buf *b;

	pthread_mutex_lock(&p->mu);
	mru_front(p, x);
	for (;;) {
		struct buf *ahead;
		b = x->ring[k % p->window];
		if (b && b->k == k && b->done)
			break;
		if (x->claimed == k) { /* no one has it: decode it here, no copy */
			x->claimed++;
			pthread_mutex_unlock(&p->mu);
			direct(x, k);
			pthread_mutex_lock(&p->mu);
			b = NULL;
			break;
		}
		if ((ahead = claim(p, x)) != NULL) { /* a helper has k: help with a later one */
			pthread_mutex_unlock(&p->mu);
			decode_into(x->dec, ahead);
			pthread_mutex_lock(&p->mu);
			ahead->done = 1;
			continue;
		}
		pthread_cond_wait(&p->done, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	if (b && b->overflow) {
		x->redone++;
		direct(x, k);
	} else if (b) {
		for (size_t i = 0; i < b->nev; i++)
			count(x, &b->ev[i]);
		dw_cli_add_evtx(&x->st, &b->st);
	}
	pthread_mutex_lock(&p->mu);
	if (b)
		unclaim(p, x, b);
	x->delivered++; /* the window moves on: a helper may claim again */
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

int dw_evtxin_next(struct dw_evtxin *x, dw_event_fn fn, void *ctx)
{
	size_t k = x->delivered;

	if (k >= x->nslots)
		return 0;
	x->fn = fn;
	x->ctx = ctx;
	if (x->pool) {
		next_pooled(x);
	} else {
		(void)dw_evtx_next(x->dec, count, x);
		x->delivered++;
	}
	release_behind(x, k);
	return 1;
}

const struct dw_parse_stats *dw_evtxin_parse_stats(const struct dw_evtxin *x)
{
	return &x->ps;
}

size_t dw_evtxin_size(const struct dw_evtxin *x)
{
	return x->n;
}

void dw_evtxin_stats(const struct dw_evtxin *x, struct dw_evtx_stats *st)
{
	if (x->pool)
		*st = x->st;
	else
		dw_evtx_get_stats(x->dec, st);
}

void dw_evtxin_free(struct dw_evtxin *x)
{
	if (!x)
		return;
	if (x->pool) {
		struct dw_evtxpool *p = x->pool;
		pthread_mutex_lock(&p->mu);
		x->claimed = x->nslots; /* no new claims */
		while (x->busy)
			pthread_cond_wait(&p->done, &p->mu);
		for (size_t i = 0; i < p->window; i++)
			if (x->ring[i])
				unclaim(p, x, x->ring[i]);
		mru_unlink(p, x);
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->mu);
	}
	free(x->ring);
	dw_evtx_free(x->dec);
	if (x->mapped)
		munmap(x->p, x->n);
	else
		free(x->p);
	free(x);
}
