/*
 * merge.c - reads several logs at once and hands their events to the
 * detectors in time order, so that per-host files covering the same period
 * (a central syslog server's /var/log/remote/HOST/auth.log*) are seen as one
 * timeline: the distributed-spray windows and the compromise judgement need
 * that.
 *
 * Each stream is one log: a reader over its files (a rotated set, oldest
 * first) and a parser of its own (year inference and sshd connections are
 * per log). A stream's parser pushes deep copies of its events into a small
 * queue; a binary heap keyed by (time of the queue's first event, stream
 * number) picks the next event, so ties and equal times come out in the
 * same order on every run. A stream is read only when its queue is empty.
 *
 * Memory: per stream one read buffer (64 KiB + line limit), a parser whose
 * connection cap is the global one divided among the streams (at least
 * 1,024), and a queue of 1,104-byte entries that holds what one line emits
 * (1-3 events) and, at the end of a stream, the failures its parser still
 * held (at most its connection cap). At most DW_MERGE_MAX streams are merged
 * (one open file each); with more, the caller reads them one after another.
 * Events without a time (none of this version's formats) go first.
 *
 * A .evtx file is a stream of its own: instead of reader and parser it has
 * a chunk decoder (evtxin.c), opened when the stream is first read and
 * asked for one 64 KiB chunk whenever its queue runs dry, so its queue
 * holds one chunk's records (a few hundred) at most. Its totals are kept
 * when it is closed at its end. Chunks may be decoded ahead on other
 * threads (--threads: one pool for all .evtx streams, see evtxin.c); the
 * stream still receives them one chunk at a time, in order.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define ARENA 768 /* copied strings of one event; longer ones are cut */

struct qev {
	struct dw_event ev;
	char arena[ARENA];
};

struct stream {
	struct dw_reader *rd;
	struct dw_parser *ps;
	const char *evtx;        /* a .evtx stream: its path (borrowed), else NULL */
	struct dw_evtxpool *pool; /* its decoding threads (borrowed; NULL for none) */
	struct dw_evtxin *ev;    /* open while it is read */
	uint64_t evtx_bytes;
	struct dw_evtx_stats est; /* its decoder's counters, kept at close */
	struct dw_parse_stats eps; /* its events by action and log */
	struct qev *q;
	size_t head, n, cap;
	int eof;
	int nomem;
};

struct dw_merge {
	struct stream *s;
	size_t ns;
	uint32_t *heap; /* stream numbers */
	size_t nh;
	dw_event_fn fn;
	void *ctx;
	volatile sig_atomic_t stop; /* set from a signal handler */
};

static void copy_slice(struct dw_slice *sl, char *arena, size_t *used)
{
	size_t n = DW_MIN(sl->n, ARENA - *used);

	if (sl->n == 0)
		return;
	memcpy(arena + *used, sl->p, n);
	sl->p = arena + *used;
	sl->n = n;
	*used += n;
}

/* Points a slice that pointed into slot from's arena at the same bytes in to's. */
static void rebase(struct dw_slice *sl, const struct qev *from, struct qev *to)
{
	if (sl->n && sl->p >= from->arena && sl->p < from->arena + ARENA)
		sl->p = to->arena + (sl->p - from->arena);
}

/* Moves a queued event to another slot: its strings live in the slot itself. */
static void move_slot(struct qev *to, const struct qev *from)
{
	*to = *from;
	to->ev.user.p = to->ev.user_buf;
	rebase(&to->ev.host, from, to);
	rebase(&to->ev.program, from, to);
	rebase(&to->ev.user_raw, from, to);
	rebase(&to->ev.src_name, from, to);
	rebase(&to->ev.protocol, from, to);
	rebase(&to->ev.code, from, to);
	rebase(&to->ev.target, from, to);
	rebase(&to->ev.session, from, to);
	rebase(&to->ev.user_agent, from, to);
}

static void on_stream_event(void *ctx, const struct dw_event *e)
{
	struct stream *s = ctx;
	struct qev *slot;
	size_t used = 0;

	if (s->n == s->cap) {
		size_t nc = s->cap * 2;
		struct qev *nq = malloc(nc * sizeof(*nq));
		if (!nq) {
			s->nomem = 1; /* the event is lost; reported once */
			return;
		}
		for (size_t i = 0; i < s->n; i++)
			move_slot(&nq[i], &s->q[(s->head + i) % s->cap]);
		free(s->q);
		s->q = nq;
		s->cap = nc;
		s->head = 0;
	}
	slot = &s->q[(s->head + s->n) % s->cap];
	slot->ev = *e;
	slot->ev.user.p = slot->ev.user_buf; /* the key lives in the event itself */
	copy_slice(&slot->ev.host, slot->arena, &used);
	copy_slice(&slot->ev.program, slot->arena, &used);
	copy_slice(&slot->ev.user_raw, slot->arena, &used);
	copy_slice(&slot->ev.src_name, slot->arena, &used);
	copy_slice(&slot->ev.protocol, slot->arena, &used);
	copy_slice(&slot->ev.code, slot->arena, &used);
	copy_slice(&slot->ev.target, slot->arena, &used);
	copy_slice(&slot->ev.session, slot->arena, &used);
	copy_slice(&slot->ev.user_agent, slot->arena, &used);
	s->n++;
}

static int64_t head_ts(const struct dw_merge *m, uint32_t i)
{
	const struct stream *s = &m->s[i];
	int64_t ts = s->q[s->head].ev.ts;

	return ts == DW_TS_NONE ? INT64_MIN : ts;
}

static int before(const struct dw_merge *m, uint32_t a, uint32_t b)
{
	int64_t ta = head_ts(m, a), tb = head_ts(m, b);

	return ta < tb || (ta == tb && a < b);
}

static void heap_push(struct dw_merge *m, uint32_t v)
{
	size_t i = m->nh++;

	m->heap[i] = v;
	while (i > 0 && before(m, m->heap[i], m->heap[(i - 1) / 2])) {
		uint32_t t = m->heap[i];
		m->heap[i] = m->heap[(i - 1) / 2];
		m->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static uint32_t heap_pop(struct dw_merge *m)
{
	uint32_t top = m->heap[0];
	size_t i = 0;

	m->heap[0] = m->heap[--m->nh];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, k = i;
		if (l < m->nh && before(m, m->heap[l], m->heap[k]))
			k = l;
		if (r < m->nh && before(m, m->heap[r], m->heap[k]))
			k = r;
		if (k == i)
			break;
		uint32_t t = m->heap[i];
		m->heap[i] = m->heap[k];
		m->heap[k] = t;
		i = k;
	}
	return top;
}

int dw_merge_new(struct dw_merge **out, size_t nstreams, const struct dw_reader_opts *ro,
		 const struct dw_parse_opts *po, dw_event_fn fn, void *ctx)
{
	struct dw_merge *m = calloc(1, sizeof(*m));
	struct dw_parse_opts spo = *po;
	size_t cap = po->conn_cap ? po->conn_cap : 16384;

	*out = NULL;
	if (!m)
		return DW_ENOMEM;
	m->fn = fn;
	m->ctx = ctx;
	m->s = calloc(nstreams, sizeof(*m->s));
	m->heap = calloc(nstreams, sizeof(*m->heap));
	if (!m->s || !m->heap)
		goto fail;
	m->ns = nstreams;
	spo.conn_cap = DW_MAX(cap / nstreams, 1024);
	for (size_t i = 0; i < nstreams; i++) {
		struct stream *s = &m->s[i];
		s->cap = 8;
		s->q = malloc(s->cap * sizeof(*s->q));
		if (!s->q || dw_reader_new(&s->rd, ro) != DW_OK ||
		    dw_parser_new(&s->ps, &spo, on_stream_event, s) != DW_OK)
			goto fail;
	}
	*out = m;
	return DW_OK;
fail:
	dw_merge_free(m);
	return DW_ENOMEM;
}

void dw_merge_free(struct dw_merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; m->s && i < m->ns; i++) {
		dw_evtxin_free(m->s[i].ev);
		dw_parser_free(m->s[i].ps);
		dw_reader_free(m->s[i].rd);
		free(m->s[i].q);
	}
	free(m->s);
	free(m->heap);
	free(m);
}

int dw_merge_add(struct dw_merge *m, size_t stream, const char *path)
{
	return stream < m->ns ? dw_reader_add(m->s[stream].rd, path) : DW_EINVAL;
}

void dw_merge_set_evtx(struct dw_merge *m, size_t stream, const char *path,
		       struct dw_evtxpool *pool)
{
	if (stream < m->ns) {
		m->s[stream].evtx = path;
		m->s[stream].pool = pool;
	}
}

/* Reads .evtx stream s: opens it the first time, then one chunk per call until it has events. */
static void fill_evtx(struct dw_merge *m, struct stream *s, dw_merge_err_fn err, void *ectx)
{
	int e;

	if (m->stop)
		s->eof = 1;
	if (!s->ev && !s->eof) {
		if (dw_evtxin_open(&s->ev, s->evtx, s->pool, &e) != DW_OK) {
			err(ectx, s->evtx, e ? e : EIO);
			s->eof = 1;
			return;
		}
		s->evtx_bytes = dw_evtxin_size(s->ev);
	}
	while (s->n == 0 && !s->eof) {
		if (m->stop || !dw_evtxin_next(s->ev, on_stream_event, s)) {
			dw_evtxin_stats(s->ev, &s->est);
			s->eps = *dw_evtxin_parse_stats(s->ev);
			dw_evtxin_free(s->ev);
			s->ev = NULL;
			s->eof = 1;
		}
	}
}

void dw_merge_stop(struct dw_merge *m)
{
	m->stop = 1;
	for (size_t i = 0; i < m->ns; i++)
		dw_reader_stop(m->s[i].rd);
}

/* Reads stream i until it has an event queued or ends; reports open errors. */
static void fill(struct dw_merge *m, uint32_t i, dw_merge_err_fn err, void *ectx)
{
	struct stream *s = &m->s[i];
	struct dw_line ln;
	int rc;

	if (s->evtx)
		fill_evtx(m, s, err, ectx);
	while (s->n == 0 && !s->eof) {
		rc = dw_reader_next(s->rd, &ln);
		if (rc == DW_EOF || (rc != DW_OK && rc != DW_EIO)) {
			dw_parser_flush(s->ps);
			s->eof = 1;
		} else if (rc == DW_EIO) {
			err(ectx, ln.file, ln.err ? ln.err : EIO);
		} else {
			if (ln.file_start)
				dw_parser_begin_file(s->ps, ln.file, ln.mtime);
			dw_parser_line(s->ps, ln.p, ln.n, ln.lineno, ln.offset);
		}
	}
	if (s->n)
		heap_push(m, i);
}

void dw_merge_run(struct dw_merge *m, dw_merge_err_fn err, void *ectx,
		  void (*tick)(void *ctx), void *tctx)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < m->ns; i++)
		fill(m, i, err, ectx);
	while (m->nh) {
		uint32_t i = heap_pop(m);
		struct stream *s = &m->s[i];

		m->fn(m->ctx, &s->q[s->head].ev);
		s->head = (s->head + 1) % s->cap;
		s->n--;
		if (s->n)
			heap_push(m, i);
		else
			fill(m, i, err, ectx);
		if (tick && (++n & 0xffff) == 0)
			tick(tctx);
	}
	for (size_t i = 0; i < m->ns; i++)
		if (m->s[i].nomem)
			err(ectx, "(event queue)", ENOMEM);
}

void dw_merge_totals(const struct dw_merge *m, struct dw_reader_stats *rs,
		     struct dw_parse_stats *ps, size_t *parser_mem)
{
	memset(rs, 0, sizeof(*rs));
	memset(ps, 0, sizeof(*ps));
	*parser_mem = 0;
	for (size_t i = 0; i < m->ns; i++) {
		dw_cli_add_stats(rs, ps, dw_reader_stats(m->s[i].rd), dw_parser_stats(m->s[i].ps));
		*parser_mem += dw_parser_memuse(m->s[i].ps);
	}
}

void dw_merge_evtx_totals(const struct dw_merge *m, uint64_t *files, uint64_t *bytes,
			  struct dw_evtx_stats *st, struct dw_parse_stats *ps)
{
	struct dw_reader_stats none;

	memset(&none, 0, sizeof(none));
	*files = *bytes = 0;
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < m->ns; i++) {
		const struct stream *s = &m->s[i];
		if (!s->evtx)
			continue;
		(*files)++;
		*bytes += s->evtx_bytes;
		dw_cli_add_evtx(st, &s->est);
		dw_cli_add_stats(&none, ps, &none, &s->eps);
	}
}
