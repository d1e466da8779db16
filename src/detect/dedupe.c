/*
 * dedupe.c - one Windows logon attempt seen by several machines counts
 * once. An NTLM logon to a member server is logged twice: 4776 on the
 * domain controller that checked the password (it names only the client's
 * Workstation) and 4625/4624 on the server (with the client's IpAddress); a
 * Kerberos logon adds 4771/4768 on the DC. Read together, the same guess
 * would count two or three times, and once under a name instead of an
 * address.
 *
 * Rule: two Windows authentication records (failure or success alike) for
 * the same account, within windows.dedupe (2 s) of each other, from
 * different machines and with different EventIDs, are one attempt. The one
 * that names an address wins: a record with only a workstation name is
 * held back for the window (in event time) and dropped if a record with an
 * address for the same account arrives from another machine; else it is
 * released to the detectors, at most windows.dedupe late (the detectors
 * take the slightly older time as it is). A record with an address is
 * dropped when one with an address was counted for the account within the
 * window by another machine. Repeats on one machine (a brute force hammering
 * one DC) never match: same host.
 *
 * Memory: the table (user -> struct dw_dedupe, 32 B; key <= 32 B) has
 * limits.accounts entries (65,536 x 88 B = 5.5 MiB); the hold ring has
 * DW_HOLD slots of a copied event (~1.3 KiB each: 1.3 MiB), and when it is
 * full the oldest held record is released early (counted). A held record
 * keeps the detector's interned copy of its input name (the reader's is
 * gone by the time it is released).
 */
#include <stdlib.h>

#include "internal.h"

#define DW_HOLD 1024
#define DW_HOLD_TEXT 768

struct dw_dedupe {
	int64_t ts;       /* last record counted or held */
	uint64_t host;    /* hash of its host */
	uint32_t event_id;
	uint32_t seq;     /* hold sequence + 1 of the held record, 0 if counted */
	uint8_t action;
	uint8_t has_ip;
};

struct dw_held {
	struct dw_event e;
	uint32_t file;  /* e.file's id + 1 (dw_detect_file): e.file is the detector's copy */
	uint32_t seq;
	uint8_t dropped;
	char text[DW_HOLD_TEXT];
};

struct dw_hold {
	struct dw_held *v;
	uint32_t head, n; /* oldest at head */
	uint32_t seq;     /* sequence of the next held record */
};

int dw_dedupe_init(struct dw_detect *d)
{
	struct dw_hold *h;
	int rc;

	if (d->cfg->win_dedupe <= 0)
		return DW_OK;
	rc = dw_table_new(&d->dedupe, d->cfg->lim_accounts, DW_USER_KEY_MAX,
			  sizeof(struct dw_dedupe));
	if (rc)
		return rc;
	h = calloc(1, sizeof(*h));
	if (!h)
		return DW_ENOMEM;
	d->hold = h;
	h->v = calloc(DW_HOLD, sizeof(*h->v));
	return h->v ? DW_OK : DW_ENOMEM;
}

size_t dw_dedupe_memuse(const struct dw_detect *d)
{
	return d->hold ? sizeof(struct dw_hold) + DW_HOLD * sizeof(struct dw_held) : 0;
}

void dw_dedupe_free(struct dw_detect *d)
{
	struct dw_hold *h = d->hold;

	dw_table_free(d->dedupe);
	d->dedupe = NULL;
	if (h)
		free(h->v);
	free(h);
	d->hold = NULL;
}

/* Copies slice s into the held record's text buffer at *off (cut to fit). */
static struct dw_slice keep(struct dw_held *x, size_t *off, struct dw_slice s)
{
	size_t n = DW_MIN(s.n, sizeof(x->text) - *off);
	struct dw_slice r = dw_slice_make(x->text + *off, n);

	if (n)
		memcpy(x->text + *off, s.p, n);
	*off += n;
	return r;
}

static void hold_copy(struct dw_detect *d, struct dw_held *x, const struct dw_event *e)
{
	size_t off = 0;

	x->e = *e;
	/* the input name is the reader's, gone by the time the record is released */
	x->file = dw_detect_file(d, e->file);
	x->e.file = dw_detect_file_name(d, x->file);
	x->e.user = dw_slice_make(x->e.user_buf, e->user.n);
	x->e.host = keep(x, &off, e->host);
	x->e.user_raw = keep(x, &off, e->user_raw);
	x->e.src_name = keep(x, &off, e->src_name);
	x->e.code = keep(x, &off, e->code);
	x->e.protocol = keep(x, &off, e->protocol);
	x->e.target = keep(x, &off, e->target);
	x->e.session = keep(x, &off, e->session);
	x->e.program = keep(x, &off, e->program);
	x->e.user_agent = keep(x, &off, e->user_agent);
}

/* The held record with sequence seq, or NULL if it left the ring. */
static struct dw_held *held(struct dw_hold *h, uint32_t seq)
{
	uint32_t first = h->seq - h->n;

	if (seq - first >= h->n) /* unsigned: also catches seq < first */
		return NULL;
	return &h->v[(h->head + (seq - first)) % DW_HOLD];
}

void dw_dedupe_release(struct dw_detect *d, int64_t now, int all)
{
	struct dw_hold *h = d->hold;

	while (h && h->n) {
		struct dw_held *x = &h->v[h->head];
		if (!all && x->e.ts + d->cfg->win_dedupe >= now)
			break;
		h->head = (h->head + 1) % DW_HOLD;
		h->n--;
		if (!x->dropped)
			dw_detect_auth(d, &x->e);
	}
}

int dw_dedupe_check(struct dw_detect *d, const struct dw_event *e)
{
	struct dw_hold *h = d->hold;
	struct dw_dedupe *x;
	struct dw_held *hx;
	uint64_t host;
	int created, has_ip = e->src_ip.fam != 0;

	if (!d->dedupe || e->log != DW_LOG_WIN || !(e->has & DW_EV_HAS_EVENT_ID) ||
	    e->user.n == 0)
		return 0;
	host = dw_detect_hash(e->host.p, e->host.n);
	x = dw_table_upsert(d->dedupe, e->user.p, e->user.n, &created);
	if (!created && x->action == e->action && x->host != host &&
	    x->event_id != e->event_id && e->ts - x->ts <= d->cfg->win_dedupe &&
	    x->ts - e->ts <= d->cfg->win_dedupe) {
		if (!has_ip && (x->has_ip || x->seq)) {
			d->st.duplicates++; /* the other machine's record stands for it */
			return 1;
		}
		if (has_ip && x->has_ip) {
			d->st.duplicates++;
			return 1;
		}
		if (has_ip && x->seq && (hx = held(h, x->seq - 1)) != NULL && !hx->dropped) {
			hx->dropped = 1; /* the address wins over the name */
			d->st.duplicates++;
		}
	}
	x->ts = e->ts;
	x->host = host;
	x->event_id = e->event_id;
	x->action = e->action;
	x->has_ip = (uint8_t)has_ip;
	x->seq = 0;
	if (has_ip)
		return 0;
	/* a name only: hold it for the window */
	if (h->n == DW_HOLD) {
		struct dw_held *old = &h->v[h->head];
		d->st.dedupe_early++;
		h->head = (h->head + 1) % DW_HOLD;
		h->n--;
		if (!old->dropped)
			dw_detect_auth(d, &old->e);
	}
	hx = &h->v[(h->head + h->n) % DW_HOLD];
	hold_copy(d, hx, e);
	hx->dropped = 0;
	hx->seq = h->seq;
	x->seq = h->seq + 1;
	h->seq++;
	h->n++;
	return 1;
}

/* ---- snapshot (see snapshot.c): the table, then the held records oldest first ---- */

static void put_dedupe(const struct dw_detect *d, struct dw_sb *sb, const void *key,
		       size_t klen, const void *val)
{
	const struct dw_dedupe *x = val;

	dw_snap_put(sb, (uint64_t)x->ts, 8);
	dw_snap_put(sb, x->host, 8);
	dw_snap_put(sb, x->event_id, 4);
	dw_snap_put(sb, x->seq, 4);
	dw_snap_put(sb, x->action, 1);
	dw_snap_put(sb, x->has_ip, 1);
}

static int get_dedupe(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		      void *val)
{
	struct dw_dedupe *x = val;

	x->ts = dw_snap_get_time(r);
	x->host = dw_snap_get(r, 8);
	x->event_id = (uint32_t)dw_snap_get(r, 4);
	x->seq = (uint32_t)dw_snap_get(r, 4);
	x->action = (uint8_t)dw_snap_get(r, 1);
	x->has_ip = (uint8_t)dw_snap_get_max(r, 1, 1);
	return r->bad ? DW_EINVAL : DW_OK;
}

void dw_dedupe_save(const struct dw_detect *d, struct dw_sb *sb)
{
	const struct dw_hold *h = d->hold;

	dw_snap_put_tag(sb, "DDUP");
	dw_snap_put_table(d, sb, d->dedupe, put_dedupe);
	dw_snap_put(sb, h != NULL, 1);
	if (!h)
		return;
	dw_snap_put(sb, h->seq, 4);
	dw_snap_put(sb, h->n, 4);
	for (uint32_t i = 0; i < h->n; i++) {
		const struct dw_held *x = &h->v[(h->head + i) % DW_HOLD];
		dw_snap_put(sb, x->dropped, 1);
		dw_snap_put(sb, x->file, 2);
		dw_snap_put_event(sb, &x->e);
	}
}

int dw_dedupe_load(struct dw_detect *d, struct dw_snap_r *r)
{
	struct dw_hold *h = d->hold;
	struct dw_event e;
	uint32_t n;
	int rc;

	dw_snap_tag(r, "DDUP");
	if ((rc = dw_snap_get_table(d, r, d->dedupe, DW_USER_KEY_MAX, get_dedupe)) != DW_OK)
		return rc;
	if (dw_snap_get_max(r, 1, 1) != (h != NULL) || r->bad)
		return DW_EINVAL;
	if (!h)
		return DW_OK;
	h->seq = (uint32_t)dw_snap_get(r, 4);
	n = (uint32_t)dw_snap_get_max(r, 4, DW_HOLD);
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		struct dw_held *x = &h->v[i];
		uint32_t fid;

		x->dropped = (uint8_t)dw_snap_get_max(r, 1, 1);
		fid = (uint32_t)dw_snap_get_max(r, 2, d->n_files);
		dw_snap_get_event(r, &e);
		e.file = dw_detect_file_name(d, fid);
		hold_copy(d, x, &e); /* the held copy owns its text again */
		x->seq = h->seq - n + i; /* held records carry consecutive numbers */
	}
	h->head = 0;
	h->n = r->bad ? 0 : n;
	return r->bad ? DW_EINVAL : DW_OK;
}
