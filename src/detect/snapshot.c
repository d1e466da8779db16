/*
 * snapshot.c - the detectors' whole state as one blob, so that a run can
 * stop and the next one go on as if the input had been one:
 * `dwell scan --db X mon.log` then `dwell scan --db X tue.log` gives the
 * alerts of `dwell scan --db X mon.log tue.log`, byte for byte. The store
 * saves the blob after the last event (before dw_detect_flush) and loads it
 * into a fresh detector before the first.
 *
 * What is saved: every table entry in LRU order (least recent first; the
 * load inserts them in that order, so eviction and iteration go on as they
 * would have), every ring (window departures, attempts per bucket, the
 * pending and deferred successes, the Windows hold ring with a copy of
 * each held event), the baselines bit for bit, the campaign ring, the open
 * alerts (lockout storm, access reports, explicit-credential sprays: times,
 * counts, list members in order and list totals), the interned input names
 * that record references point at, the clock and every counter. Pointers
 * are saved as what they point at and rebuilt: a source's pair list as the
 * pairs' keys in list order, the open campaign as its slot, a deferred
 * report's detector by name, a held event's input name as its id, an open
 * alert inside the entry that owns it.
 *
 * Format (version 2; integers little-endian and fixed width, doubles as
 * their IEEE bits):
 *   "DWSNAP\r\n"  u32 version  u64 config fingerprint
 *   sections, each opened by a 4-byte tag:
 *     CLK.  clock, counters, evictions so far, input names (detect.c)
 *     PAIR SRC. USER KNWN QUE. QSLW  the tables of source.c
 *     DIST  windows, attempt ring, baselines, campaigns (distributed.c)
 *     COMP  compromised table, pending and deferred rings (compromise.c)
 *     DDUP MFA. LOCK ACC. EXPL  written by dedupe.c ... explicit.c
 *     END.
 *   u64 checksum: dw_detect_hash of every byte before it.
 * A table is u8 present, u32 entries, then per entry u16 key length, the
 * stored key (a long key in the table's prefix + digest form, which the
 * table takes back as it is) and the value's fields. Lengths are u16.
 *
 * Config fingerprint: dw_detect_hash of dw_config_dump() without the
 * allowlists, plus the exact bits of distributed.sigma: every cap, window,
 * threshold and switch. A blob saved under another configuration is
 * refused (its tables would not fit, its episodes would mean something
 * else). The allowlists only filter events before they reach any state, so
 * editing one keeps the saved state usable.
 *
 * Robustness: the checksum refuses accidental damage. Past it every read is
 * bounds-checked and every count, length, index, enum and file reference
 * is checked against the detector's own caps, so even a crafted blob with a
 * right checksum cannot make the load read or write out of bounds or
 * allocate more than the blob describes; times must lie in [-2^61, 2^62]
 * (until the year 2116) so that no later difference or sum overflows.
 * fuzz/fuzz_snapshot.c feeds it arbitrary blobs with the checksum fixed up.
 *
 * Size, bounded by the caps. Bytes per table entry = 2 + key + fields:
 *   pair 64 + 60, src 48 + 159 + its pair list (2 + 64 per pair of the
 *   open episode), user 32 + 113, known 32 + 16, queue/qslow 48 + 8,
 *   compromised 32 + 16, dedupe 32 + 26, mfa 32 + 24, lockout 32 + 114,
 *   access 32 + 78 + its open report, share 32 + 16, explicit 64 + 41 + its
 *   open spray, explicit users 128 + 4; pending ring 4,096 x 171, deferred
 *   ring 4,096 x 235, hold ring 1,024 x at most 1,182, windows 5 x 145 x 4,
 *   input names 1,024 x at most 1,025.
 * At the default caps a full state is at most about 85 MiB (8.3 MiB of it
 * the pair keys repeated in the source lists) plus the open alerts' lists
 * (2 + length per member, at most DW_ALERT_LIST_MAX a list): the size of the
 * tables it comes from. The nine days of tests/data/auth-sample.log save
 * 270 KiB. dw_detect_save appends to an sb whose max the caller chooses (a
 * full buffer is DW_ENOMEM).
 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

#define SNAP_MAGIC "DWSNAP\r\n"
#define SNAP_VERSION 2 /* 2: held events carry assigned_ip; flow state (flow.c) */
#define SNAP_TIME_MIN (-((int64_t)1 << 61))
#define SNAP_COUNT_MAX ((uint64_t)1 << 40) /* counts that are int64_t in the state */
#define SNAP_ITEM_MAX 4096                 /* longest list member */
#define SNAP_RING_MAX (1 << 30)            /* |departures| of one window bucket */
#define SNAP_NO_CAMP 0xff

/* ---- writing ---- */

void dw_snap_put(struct dw_sb *sb, uint64_t v, int width)
{
	uint8_t b[8];

	for (int i = 0; i < width; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	dw_sb_put(sb, b, (size_t)width);
}

void dw_snap_put_f64(struct dw_sb *sb, double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	dw_snap_put(sb, u, 8);
}

void dw_snap_put_tag(struct dw_sb *sb, const char *tag)
{
	dw_sb_put(sb, tag, 4);
}

void dw_snap_put_bytes(struct dw_sb *sb, const void *p, size_t n)
{
	n = DW_MIN(n, (size_t)UINT16_MAX);
	dw_snap_put(sb, n, 2);
	dw_sb_put(sb, p, n);
}

static void put_list(struct dw_sb *sb, const struct dw_strlist *l)
{
	dw_snap_put(sb, l->n, 4);
	dw_snap_put(sb, l->total, 8);
	for (size_t i = 0; i < l->n; i++)
		dw_snap_put_bytes(sb, l->v[i], strlen(l->v[i]));
}

void dw_snap_put_alert(struct dw_sb *sb, const struct dw_alert *a)
{
	dw_snap_put(sb, (uint64_t)a->first_seen, 8);
	dw_snap_put(sb, (uint64_t)a->last_seen, 8);
	dw_snap_put(sb, a->attempts, 8);
	dw_snap_put(sb, a->successes, 8);
	dw_snap_put(sb, a->bytes_out, 8);
	dw_snap_put(sb, (uint64_t)!!a->has_bytes_out, 1);
	dw_snap_put(sb, a->logs, 4);
	put_list(sb, &a->sources);
	put_list(sb, &a->users);
	put_list(sb, &a->compromised);
	put_list(sb, &a->destinations);
}

static void put_ip(struct dw_sb *sb, const struct dw_ip *ip)
{
	dw_snap_put(sb, ip->fam, 1);
	dw_sb_put(sb, ip->a, sizeof(ip->a));
}

static void put_slice(struct dw_sb *sb, struct dw_slice s)
{
	dw_snap_put_bytes(sb, s.p, s.n);
}

void dw_snap_put_event(struct dw_sb *sb, const struct dw_event *e)
{
	dw_snap_put(sb, (uint64_t)e->ts, 8);
	dw_snap_put(sb, e->ts_prec, 1);
	dw_snap_put(sb, e->log, 1);
	dw_snap_put(sb, e->action, 1);
	dw_snap_put(sb, e->reason, 1);
	dw_snap_put(sb, e->mfa, 1);
	dw_snap_put(sb, e->has, 4);
	dw_snap_put(sb, e->count, 4);
	dw_snap_put(sb, e->pid, 4);
	dw_snap_put(sb, e->src_port, 2);
	dw_snap_put(sb, e->dst_port, 2);
	dw_snap_put(sb, e->event_id, 4);
	dw_snap_put(sb, e->record_id, 8);
	dw_snap_put(sb, e->bytes_out, 8);
	dw_snap_put(sb, e->bytes_in, 8);
	dw_snap_put(sb, e->duration_ms, 8);
	dw_snap_put(sb, e->line, 8);
	dw_snap_put(sb, e->offset, 8);
	put_ip(sb, &e->src_ip);
	put_ip(sb, &e->dst_ip);
	put_ip(sb, &e->assigned_ip);
	put_slice(sb, e->user);
	put_slice(sb, e->host);
	put_slice(sb, e->program);
	put_slice(sb, e->user_raw);
	put_slice(sb, e->src_name);
	put_slice(sb, e->target);
	put_slice(sb, e->protocol);
	put_slice(sb, e->user_agent);
	put_slice(sb, e->session);
	put_slice(sb, e->code);
}

void dw_snap_put_wcount(struct dw_sb *sb, const struct dw_wcount *w, int64_t ring)
{
	dw_snap_put(sb, (uint64_t)ring, 8);
	dw_snap_put(sb, (uint64_t)w->count, 8);
	for (int64_t i = 0; i < ring; i++)
		dw_snap_put(sb, (uint32_t)w->expire[i], 4);
}

void dw_snap_put_table(const struct dw_detect *d, struct dw_sb *sb, const struct dw_table *t,
		       dw_snap_put_fn fn)
{
	uint32_t cur = 0;
	const void *k, *v;
	size_t kl;

	dw_snap_put(sb, t != NULL, 1);
	if (!t)
		return;
	dw_snap_put(sb, dw_table_count(t), 4);
	while ((v = dw_table_next(t, &cur, &k, &kl)) != NULL) {
		dw_snap_put_bytes(sb, k, kl);
		fn(d, sb, k, kl, v);
	}
}

/* ---- reading ---- */

static const uint8_t *take(struct dw_snap_r *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || n > r->n - r->off) {
		r->bad = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

uint64_t dw_snap_get(struct dw_snap_r *r, int width)
{
	const uint8_t *p = take(r, (size_t)width);
	uint64_t v = 0;

	if (!p)
		return 0;
	for (int i = width - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t dw_snap_get_max(struct dw_snap_r *r, int width, uint64_t max)
{
	uint64_t v = dw_snap_get(r, width);

	if (v > max) {
		r->bad = 1;
		return 0;
	}
	return v;
}

uint64_t dw_snap_get_ref(struct dw_snap_r *r, const struct dw_detect *d)
{
	uint64_t ref = dw_snap_get(r, 8);

	if ((ref >> 48) > d->n_files) {
		r->bad = 1;
		return 0;
	}
	return ref;
}

int64_t dw_snap_get_time(struct dw_snap_r *r)
{
	int64_t v = (int64_t)dw_snap_get(r, 8);

	if (v < SNAP_TIME_MIN || v > DW_SNAP_TIME_MAX) {
		r->bad = 1;
		return 0;
	}
	return v;
}

double dw_snap_get_f64(struct dw_snap_r *r)
{
	uint64_t u = dw_snap_get(r, 8);
	double v;

	memcpy(&v, &u, sizeof(v));
	if (!isfinite(v)) {
		r->bad = 1;
		return 0;
	}
	return v;
}

void dw_snap_tag(struct dw_snap_r *r, const char *tag)
{
	const uint8_t *p = take(r, 4);

	if (p && memcmp(p, tag, 4) != 0)
		r->bad = 1;
}

struct dw_slice dw_snap_get_slice(struct dw_snap_r *r, size_t max)
{
	size_t n = (size_t)dw_snap_get_max(r, 2, max);
	const uint8_t *p = take(r, n);

	return p ? dw_slice_make((const char *)p, n) : dw_slice_make("", 0);
}

size_t dw_snap_get_bytes(struct dw_snap_r *r, void *buf, size_t max)
{
	struct dw_slice s = dw_snap_get_slice(r, max);

	if (s.n)
		memcpy(buf, s.p, s.n);
	return s.n;
}

/* Members in their order (no NUL, no repeat), then the total. */
static int get_list(struct dw_snap_r *r, struct dw_strlist *l)
{
	uint32_t n = (uint32_t)dw_snap_get_max(r, 4, DW_ALERT_LIST_MAX);
	uint64_t total = dw_snap_get_max(r, 8, SNAP_COUNT_MAX);

	if (total < n)
		r->bad = 1;
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		struct dw_slice m = dw_snap_get_slice(r, SNAP_ITEM_MAX);
		if (r->bad || memchr(m.p, 0, m.n) || dw_strlist_has(l, m.p, m.n))
			return DW_EINVAL;
		if (dw_strlist_add(l, m.p, m.n) != DW_OK)
			return DW_ENOMEM;
	}
	if (r->bad)
		return DW_EINVAL;
	l->total = total;
	return DW_OK;
}

/* An alert time: a time, or the DW_TS_NONE / INT64_MAX an open alert starts with. */
static int64_t get_alert_time(struct dw_snap_r *r)
{
	int64_t v = (int64_t)dw_snap_get(r, 8);

	if (v != DW_TS_NONE && v != INT64_MAX && (v < SNAP_TIME_MIN || v > DW_SNAP_TIME_MAX))
		r->bad = 1;
	return v;
}

int dw_snap_get_alert(struct dw_snap_r *r, struct dw_alert *a)
{
	int rc;

	a->first_seen = get_alert_time(r);
	a->last_seen = get_alert_time(r);
	a->attempts = dw_snap_get(r, 8);
	a->successes = dw_snap_get(r, 8);
	a->bytes_out = dw_snap_get(r, 8);
	a->has_bytes_out = (int)dw_snap_get_max(r, 1, 1);
	a->logs = (uint32_t)dw_snap_get(r, 4);
	if ((rc = get_list(r, &a->sources)) != DW_OK || (rc = get_list(r, &a->users)) != DW_OK ||
	    (rc = get_list(r, &a->compromised)) != DW_OK ||
	    (rc = get_list(r, &a->destinations)) != DW_OK)
		return rc;
	return r->bad ? DW_EINVAL : DW_OK;
}

static void get_ip(struct dw_snap_r *r, struct dw_ip *ip)
{
	const uint8_t *p;

	ip->fam = (uint8_t)dw_snap_get(r, 1);
	if (ip->fam != 0 && ip->fam != 4 && ip->fam != 6)
		r->bad = 1;
	p = take(r, sizeof(ip->a));
	if (p)
		memcpy(ip->a, p, sizeof(ip->a));
}

void dw_snap_get_event(struct dw_snap_r *r, struct dw_event *e)
{
	size_t un;

	dw_event_clear(e);
	e->ts = dw_snap_get_time(r);
	e->ts_prec = (uint8_t)dw_snap_get(r, 1);
	e->log = (uint8_t)dw_snap_get_max(r, 1, DW_LOG__N - 1);
	e->action = (uint8_t)dw_snap_get_max(r, 1, DW_ACT__N - 1);
	e->reason = (uint8_t)dw_snap_get_max(r, 1, DW_RSN__N - 1);
	e->mfa = (uint8_t)dw_snap_get_max(r, 1, DW_MFA_MULTI);
	e->has = (uint32_t)dw_snap_get(r, 4);
	e->count = (uint32_t)dw_snap_get(r, 4);
	e->pid = (uint32_t)dw_snap_get(r, 4);
	e->src_port = (uint16_t)dw_snap_get(r, 2);
	e->dst_port = (uint16_t)dw_snap_get(r, 2);
	e->event_id = (uint32_t)dw_snap_get(r, 4);
	e->record_id = dw_snap_get(r, 8);
	e->bytes_out = dw_snap_get(r, 8);
	e->bytes_in = dw_snap_get(r, 8);
	e->duration_ms = dw_snap_get(r, 8);
	e->line = dw_snap_get(r, 8);
	e->offset = dw_snap_get(r, 8);
	get_ip(r, &e->src_ip);
	get_ip(r, &e->dst_ip);
	get_ip(r, &e->assigned_ip);
	un = dw_snap_get_bytes(r, e->user_buf, DW_USER_MAX);
	e->user_buf[un] = 0;
	e->user = dw_slice_make(e->user_buf, un);
	e->host = dw_snap_get_slice(r, SNAP_ITEM_MAX);
	e->program = dw_snap_get_slice(r, SNAP_ITEM_MAX);
	e->user_raw = dw_snap_get_slice(r, SNAP_ITEM_MAX);
	e->src_name = dw_snap_get_slice(r, SNAP_ITEM_MAX);
	e->target = dw_snap_get_slice(r, SNAP_ITEM_MAX);
	e->protocol = dw_snap_get_slice(r, SNAP_ITEM_MAX);
	e->user_agent = dw_snap_get_slice(r, SNAP_ITEM_MAX);
	e->session = dw_snap_get_slice(r, SNAP_ITEM_MAX);
	e->code = dw_snap_get_slice(r, SNAP_ITEM_MAX);
}

void dw_snap_get_wcount(struct dw_snap_r *r, struct dw_wcount *w, int64_t ring)
{
	if ((int64_t)dw_snap_get(r, 8) != ring) {
		r->bad = 1;
		return;
	}
	w->count = (int64_t)dw_snap_get_max(r, 8, SNAP_COUNT_MAX);
	for (int64_t i = 0; i < ring && !r->bad; i++) {
		int32_t v = (int32_t)(uint32_t)dw_snap_get(r, 4);
		if (v < -SNAP_RING_MAX || v > SNAP_RING_MAX)
			r->bad = 1;
		w->expire[i] = v;
	}
}

int dw_snap_get_table(struct dw_detect *d, struct dw_snap_r *r, struct dw_table *t,
		      size_t key_max, dw_snap_get_fn fn)
{
	uint64_t n;
	int rc;

	if (dw_snap_get_max(r, 1, 1) != (t != NULL) || r->bad)
		return DW_EINVAL;
	if (!t)
		return DW_OK;
	n = dw_snap_get_max(r, 4, dw_table_cap(t));
	for (uint64_t i = 0; i < n && !r->bad; i++) {
		struct dw_slice k = dw_snap_get_slice(r, key_max);
		int created;
		void *v;

		if (r->bad)
			break;
		v = dw_table_upsert(t, k.p, k.n, &created);
		if (!created)
			return DW_EINVAL;
		if ((rc = fn(d, r, k.p, k.n, v)) != DW_OK)
			return rc;
	}
	return r->bad ? DW_EINVAL : DW_OK;
}

/* ---- the configuration ---- */

static int fingerprint(const struct dw_config *c, uint64_t *out)
{
	struct dw_config x = *c;
	struct dw_sb sb;
	int rc = DW_OK;

	x.allow_ips.n = 0; /* the allowlists filter events; the state does not depend on them */
	x.n_allow_users = 0;
	dw_sb_init(&sb, (size_t)1 << 20);
	dw_config_dump(&x, &sb);
	dw_snap_put_f64(&sb, c->dist_sigma); /* the dump prints it with %g */
	if (sb.toobig)
		rc = DW_ENOMEM;
	else
		*out = dw_detect_hash(sb.p, sb.n);
	dw_sb_free(&sb);
	return rc;
}

/* ---- clock and counters (detect.c) ---- */

static void save_clock(const struct dw_detect *d, struct dw_sb *sb)
{
	struct dw_detect_stats st;

	dw_detect_stats(d, &st);
	dw_snap_put_tag(sb, "CLK.");
	dw_snap_put(sb, (uint64_t)d->now, 8);
	dw_snap_put(sb, (uint64_t)d->first_ts, 8);
	dw_snap_put(sb, (uint64_t)d->bucket, 8);
	dw_snap_put(sb, d->st.events, 8);
	dw_snap_put(sb, d->st.allowlisted, 8);
	dw_snap_put(sb, d->st.noise, 8);
	dw_snap_put(sb, d->st.out_of_order, 8);
	dw_snap_put(sb, d->st.duplicates, 8);
	dw_snap_put(sb, d->st.dedupe_early, 8);
	dw_snap_put(sb, d->st.flows, 8);
	dw_snap_put(sb, d->st.flows_other, 8);
	dw_snap_put(sb, d->alerts_dropped, 8);
	dw_snap_put(sb, st.table_evicted - d->pend_overwritten, 8); /* the tables' and before */
	/* the interned input names, in id order */
	dw_snap_put(sb, d->n_files, 4);
	for (uint32_t i = 0; i < d->n_files; i++)
		dw_snap_put_bytes(sb, d->files[i], strlen(d->files[i]));
}

static int load_clock(struct dw_detect *d, struct dw_snap_r *r)
{
	int64_t now;
	uint32_t n;

	dw_snap_tag(r, "CLK.");
	now = (int64_t)dw_snap_get(r, 8);
	if (now != DW_TS_NONE && (now < 0 || now > DW_SNAP_TIME_MAX))
		r->bad = 1;
	d->now = now;
	d->first_ts = dw_snap_get_time(r);
	d->bucket = (int64_t)dw_snap_get(r, 8);
	/* the clock ticks with every timed event: bucket = now / bucket length */
	if (d->bucket != (now == DW_TS_NONE || r->bad ? -1 : now / d->bucket_ns))
		r->bad = 1;
	d->st.events = dw_snap_get(r, 8);
	d->st.allowlisted = dw_snap_get(r, 8);
	d->st.noise = dw_snap_get(r, 8);
	d->st.out_of_order = dw_snap_get(r, 8);
	d->st.duplicates = dw_snap_get(r, 8);
	d->st.dedupe_early = dw_snap_get(r, 8);
	d->st.flows = dw_snap_get(r, 8);
	d->st.flows_other = dw_snap_get(r, 8);
	d->alerts_dropped = dw_snap_get(r, 8);
	d->evicted_base = dw_snap_get(r, 8);
	n = (uint32_t)dw_snap_get_max(r, 4, DW_FILES_MAX);
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		struct dw_slice f = dw_snap_get_slice(r, DW_FILE_NAME_MAX - 1);
		if (r->bad || memchr(f.p, 0, f.n))
			return DW_EINVAL;
		for (uint32_t k = 0; k < i; k++) /* interned: each name once */
			if (strncmp(d->files[k], f.p, f.n) == 0 && d->files[k][f.n] == 0)
				return DW_EINVAL;
		d->files[i] = malloc(f.n + 1);
		if (!d->files[i])
			return DW_ENOMEM;
		memcpy(d->files[i], f.p, f.n);
		d->files[i][f.n] = 0;
		d->n_files++;
	}
	return r->bad ? DW_EINVAL : DW_OK;
}

/* ---- source.c ---- */

static void put_pair(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		     const void *val)
{
	const struct dw_pair *p = val;

	dw_snap_put(sb, (uint64_t)p->first_fail, 8);
	dw_snap_put(sb, (uint64_t)p->last_fail, 8);
	dw_snap_put(sb, (uint64_t)p->succ_ts, 8);
	dw_snap_put(sb, (uint64_t)p->valid_ts, 8);
	dw_snap_put(sb, p->succ_ref, 8);
	dw_snap_put(sb, p->valid_ref, 8);
	dw_snap_put(sb, p->epoch, 4);
	dw_snap_put(sb, p->fails, 4);
	dw_snap_put(sb, p->since_succ, 2);
	dw_snap_put(sb, p->flags, 1);
	dw_snap_put(sb, p->srclen, 1);
}

static int get_pair(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		    void *val)
{
	struct dw_pair *p = val;
	const uint8_t *k = key;
	size_t end;

	p->first_fail = dw_snap_get_time(r);
	p->last_fail = dw_snap_get_time(r);
	p->succ_ts = dw_snap_get_time(r);
	p->valid_ts = dw_snap_get_time(r);
	p->succ_ref = dw_snap_get_ref(r, d);
	p->valid_ref = dw_snap_get_ref(r, d);
	p->epoch = (uint32_t)dw_snap_get(r, 4);
	p->fails = (uint32_t)dw_snap_get(r, 4);
	p->since_succ = (uint16_t)dw_snap_get(r, 2);
	p->flags = (uint8_t)dw_snap_get(r, 1);
	p->srclen = (uint8_t)dw_snap_get_max(r, 1, DW_SRC_KEY_MAX);
	/* [len][source key][user]: the user part must be there (a cut key ends in a digest) */
	end = (p->flags & DW_PF_LONG) ? (klen > 8 ? klen - 8 : 0) : klen;
	if (r->bad || klen == 0 || k[0] != p->srclen || end < 1u + p->srclen)
		return DW_EINVAL;
	return DW_OK;
}

static void put_src(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		    const void *val)
{
	const struct dw_src *s = val;
	uint32_t n = 0;

	dw_snap_put(sb, (uint64_t)s->first_fail, 8);
	dw_snap_put(sb, s->first_ref, 8);
	dw_snap_put(sb, (uint64_t)s->last_fail, 8);
	dw_snap_put(sb, (uint64_t)s->last_succ, 8);
	dw_snap_put(sb, (uint64_t)s->rep_until, 8);
	dw_snap_put(sb, s->att_id, 8);
	dw_snap_put(sb, (uint64_t)s->bucket_last, 8);
	dw_snap_put(sb, s->epoch, 4);
	dw_snap_put(sb, s->fails, 4);
	dw_snap_put(sb, s->users, 4);
	dw_snap_put(sb, s->red_users, 4);
	dw_snap_put(sb, s->red_fails, 4);
	dw_snap_put(sb, s->unk_users, 4);
	dw_snap_put(sb, s->maxpu, 4);
	dw_snap_put(sb, s->nouser_fails, 4);
	dw_snap_put(sb, s->succ, 4);
	dw_snap_put(sb, s->good_users, 4);
	dw_snap_put(sb, s->hour, 4);
	dw_snap_put(sb, s->hour_n, 4);
	dw_snap_put(sb, s->camp, 4);
	dw_snap_put(sb, s->camp_fails, 4);
	dw_snap_put(sb, s->logs, 4);
	dw_snap_put(sb, s->reasons, 2);
	dw_snap_put(sb, s->flags, 1);
	dw_snap_put(sb, s->live_kind, 1);
	dw_snap_put(sb, s->rep_kind, 1);
	dw_snap_put(sb, s->ivl_n, 1);
	dw_snap_put(sb, s->ivl_pos, 1);
	for (int i = 0; i < DW_IVL_N; i++)
		dw_snap_put(sb, s->ivl[i], 4);
	/* the pair list, newest first, as the pairs' keys */
	for (const struct dw_pair *p = s->pairs; p; p = p->next)
		n++;
	dw_snap_put(sb, n, 4);
	for (const struct dw_pair *p = s->pairs; p; p = p->next) {
		size_t pkl;
		const void *pk = dw_table_key(d->pair, p, &pkl);
		dw_snap_put_bytes(sb, pk, pkl);
	}
}

static int get_src(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		   void *val)
{
	struct dw_src *s = val;
	struct dw_pair *tail = NULL;
	uint32_t n;

	s->first_fail = dw_snap_get_time(r);
	s->first_ref = dw_snap_get_ref(r, d);
	s->last_fail = dw_snap_get_time(r);
	s->last_succ = dw_snap_get_time(r);
	s->rep_until = dw_snap_get_time(r);
	s->att_id = dw_snap_get(r, 8);
	s->bucket_last = dw_snap_get_time(r);
	s->epoch = (uint32_t)dw_snap_get(r, 4);
	s->fails = (uint32_t)dw_snap_get(r, 4);
	s->users = (uint32_t)dw_snap_get(r, 4);
	s->red_users = (uint32_t)dw_snap_get(r, 4);
	s->red_fails = (uint32_t)dw_snap_get(r, 4);
	s->unk_users = (uint32_t)dw_snap_get(r, 4);
	s->maxpu = (uint32_t)dw_snap_get(r, 4);
	s->nouser_fails = (uint32_t)dw_snap_get(r, 4);
	s->succ = (uint32_t)dw_snap_get(r, 4);
	s->good_users = (uint32_t)dw_snap_get(r, 4);
	s->hour = (uint32_t)dw_snap_get(r, 4);
	s->hour_n = (uint32_t)dw_snap_get(r, 4);
	s->camp = (uint32_t)dw_snap_get(r, 4);
	s->camp_fails = (uint32_t)dw_snap_get(r, 4);
	s->logs = (uint32_t)dw_snap_get(r, 4);
	s->reasons = (uint16_t)dw_snap_get(r, 2);
	s->flags = (uint8_t)dw_snap_get(r, 1);
	s->live_kind = (uint8_t)dw_snap_get(r, 1);
	s->rep_kind = (uint8_t)dw_snap_get(r, 1);
	s->ivl_n = (uint8_t)dw_snap_get_max(r, 1, DW_IVL_N);
	s->ivl_pos = (uint8_t)dw_snap_get_max(r, 1, DW_IVL_N - 1);
	for (int i = 0; i < DW_IVL_N; i++)
		s->ivl[i] = (uint32_t)dw_snap_get(r, 4);
	n = (uint32_t)dw_snap_get_max(r, 4, dw_table_count(d->pair));
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		struct dw_slice pk = dw_snap_get_slice(r, DW_PAIR_KEY_MAX);
		const uint8_t *k = (const uint8_t *)pk.p;
		struct dw_pair *p;

		/* a pair of this source's (its key starts with the source key), in no list yet */
		if (r->bad || pk.n < 1 + klen || k[0] != klen || memcmp(k + 1, key, klen) != 0 ||
		    (p = dw_table_get(d->pair, pk.p, pk.n)) == NULL || p->src)
			return DW_EINVAL;
		p->src = s;
		p->prev = tail;
		if (tail)
			tail->next = p;
		else
			s->pairs = p;
		tail = p;
	}
	return r->bad ? DW_EINVAL : DW_OK;
}

static void put_user(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		     const void *val)
{
	const struct dw_user *u = val;

	dw_snap_put(sb, (uint64_t)u->last_fail, 8);
	dw_snap_put(sb, u->fh[0], 8);
	dw_snap_put(sb, u->fh[1], 8);
	dw_snap_put(sb, (uint64_t)u->ft[0], 8);
	dw_snap_put(sb, (uint64_t)u->ft[1], 8);
	dw_snap_put(sb, (uint64_t)u->att_ts, 8);
	dw_snap_put(sb, u->att_id, 8);
	dw_snap_put(sb, (uint64_t)u->last_clean, 8);
	dw_snap_put(sb, (uint64_t)u->bucket_last, 8);
	dw_snap_put(sb, (uint64_t)u->camp_ts, 8);
	dw_snap_put(sb, u->comp_id, 8);
	dw_snap_put(sb, u->camp, 4);
	dw_snap_put(sb, u->att_kind, 1);
	dw_snap_put_bytes(sb, u->att_key, u->att_keylen);
}

static int get_user(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		    void *val)
{
	struct dw_user *u = val;

	u->last_fail = dw_snap_get_time(r);
	u->fh[0] = dw_snap_get(r, 8);
	u->fh[1] = dw_snap_get(r, 8);
	u->ft[0] = dw_snap_get_time(r);
	u->ft[1] = dw_snap_get_time(r);
	u->att_ts = dw_snap_get_time(r);
	u->att_id = dw_snap_get(r, 8);
	u->last_clean = dw_snap_get_time(r);
	u->bucket_last = dw_snap_get_time(r);
	u->camp_ts = dw_snap_get_time(r);
	u->comp_id = dw_snap_get(r, 8);
	u->camp = (uint32_t)dw_snap_get(r, 4);
	u->att_kind = (uint8_t)dw_snap_get(r, 1);
	u->att_keylen = (uint8_t)dw_snap_get_bytes(r, u->att_key, sizeof(u->att_key));
	return r->bad ? DW_EINVAL : DW_OK;
}

/* struct dw_known: the known and share tables */
void dw_snap_put_known(const struct dw_detect *d, struct dw_sb *sb, const void *key,
		       size_t klen, const void *val)
{
	const struct dw_known *x = val;

	dw_snap_put(sb, (uint64_t)x->first, 8);
	dw_snap_put(sb, (uint64_t)x->last, 8);
}

int dw_snap_get_known(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		      void *val)
{
	struct dw_known *x = val;

	x->first = dw_snap_get_time(r);
	x->last = dw_snap_get_time(r);
	return r->bad ? DW_EINVAL : DW_OK;
}

static void put_qent(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		     const void *val)
{
	dw_snap_put(sb, (uint64_t)((const struct dw_qent *)val)->last_fail, 8);
}

static int get_qent(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		    void *val)
{
	((struct dw_qent *)val)->last_fail = dw_snap_get_time(r);
	return r->bad ? DW_EINVAL : DW_OK;
}

static void save_source(const struct dw_detect *d, struct dw_sb *sb)
{
	dw_snap_put_tag(sb, "PAIR");
	dw_snap_put_table(d, sb, d->pair, put_pair);
	dw_snap_put_tag(sb, "SRC.");
	dw_snap_put_table(d, sb, d->src, put_src);
	dw_snap_put_tag(sb, "USER");
	dw_snap_put_table(d, sb, d->user, put_user);
	dw_snap_put_tag(sb, "KNWN");
	dw_snap_put_table(d, sb, d->known, dw_snap_put_known);
	dw_snap_put_tag(sb, "QUE.");
	dw_snap_put_table(d, sb, d->queue, put_qent);
	dw_snap_put_tag(sb, "QSLW");
	dw_snap_put_table(d, sb, d->qslow, put_qent);
}

static int load_source(struct dw_detect *d, struct dw_snap_r *r)
{
	int rc;

	/* pairs first: a source's list names them */
	dw_snap_tag(r, "PAIR");
	if ((rc = dw_snap_get_table(d, r, d->pair, DW_PAIR_KEY_MAX, get_pair)) != DW_OK)
		return rc;
	dw_snap_tag(r, "SRC.");
	if ((rc = dw_snap_get_table(d, r, d->src, DW_SRC_KEY_MAX, get_src)) != DW_OK)
		return rc;
	dw_snap_tag(r, "USER");
	if ((rc = dw_snap_get_table(d, r, d->user, DW_USER_KEY_MAX, get_user)) != DW_OK)
		return rc;
	dw_snap_tag(r, "KNWN");
	if ((rc = dw_snap_get_table(d, r, d->known, DW_KNOWN_KEY_MAX, dw_snap_get_known)) != DW_OK)
		return rc;
	dw_snap_tag(r, "QUE.");
	if ((rc = dw_snap_get_table(d, r, d->queue, DW_SRC_KEY_MAX, get_qent)) != DW_OK)
		return rc;
	dw_snap_tag(r, "QSLW");
	return dw_snap_get_table(d, r, d->qslow, DW_SRC_KEY_MAX, get_qent);
}

/* ---- distributed.c ---- */

void dw_snap_put_ewma(struct dw_sb *sb, const struct dw_ewma *e)
{
	dw_snap_put_f64(sb, e->m);
	dw_snap_put_f64(sb, e->m2);
	dw_snap_put_f64(sb, e->decay);
	dw_snap_put(sb, e->n, 8);
}

void dw_snap_get_ewma(struct dw_snap_r *r, struct dw_ewma *e)
{
	e->m = dw_snap_get_f64(r);
	e->m2 = dw_snap_get_f64(r);
	e->decay = dw_snap_get_f64(r);
	e->n = dw_snap_get(r, 8);
	if (!(e->decay >= 0 && e->decay <= 1) || !isfinite(e->m) || !isfinite(e->m2) ||
	    e->m < -1 || e->m2 < 0)
		r->bad = 1;
}

static void save_dist(const struct dw_detect *d, struct dw_sb *sb)
{
	dw_snap_put_tag(sb, "DIST");
	dw_snap_put_wcount(sb, &d->ws_src, d->ring_len);
	dw_snap_put_wcount(sb, &d->ws_user, d->ring_len);
	dw_snap_put_wcount(sb, &d->wl_src, d->ring_len);
	dw_snap_put_wcount(sb, &d->wl_user, d->ring_len);
	for (int64_t i = 0; i < d->ring_len; i++)
		dw_snap_put(sb, d->attempts[i], 4);
	dw_snap_put_ewma(sb, &d->b_ss);
	dw_snap_put_ewma(sb, &d->b_su);
	dw_snap_put_ewma(sb, &d->b_ls);
	dw_snap_put_ewma(sb, &d->b_lu);
	for (int i = 0; i < DW_CAMP_RING; i++) {
		const struct dw_camp *cp = &d->camps[i];
		dw_snap_put(sb, cp->id, 4);
		dw_snap_put(sb, (uint64_t)cp->state, 1);
		dw_snap_put(sb, (uint64_t)cp->slow_window, 1);
		dw_snap_put(sb, (uint64_t)cp->start, 8);
		dw_snap_put(sb, (uint64_t)cp->opened, 8);
		dw_snap_put(sb, (uint64_t)cp->first_seen, 8);
		dw_snap_put(sb, (uint64_t)cp->last_seen, 8);
		dw_snap_put(sb, (uint64_t)cp->last_active, 8);
		dw_snap_put_f64(sb, cp->base_s);
		dw_snap_put_f64(sb, cp->base_u);
		dw_snap_put_f64(sb, cp->sigma_s);
		dw_snap_put(sb, (uint64_t)cp->peak_s, 8);
		dw_snap_put(sb, (uint64_t)cp->peak_u, 8);
	}
	dw_snap_put(sb, d->camp_next, 4);
	dw_snap_put(sb, d->open ? (uint64_t)(d->open - d->camps) : SNAP_NO_CAMP, 1);
	dw_snap_put(sb, (uint64_t)d->last_camp_end, 8);
}

static int load_dist(struct dw_detect *d, struct dw_snap_r *r)
{
	uint64_t open;

	dw_snap_tag(r, "DIST");
	dw_snap_get_wcount(r, &d->ws_src, d->ring_len);
	dw_snap_get_wcount(r, &d->ws_user, d->ring_len);
	dw_snap_get_wcount(r, &d->wl_src, d->ring_len);
	dw_snap_get_wcount(r, &d->wl_user, d->ring_len);
	for (int64_t i = 0; i < d->ring_len && !r->bad; i++)
		d->attempts[i] = (uint32_t)dw_snap_get(r, 4);
	dw_snap_get_ewma(r, &d->b_ss);
	dw_snap_get_ewma(r, &d->b_su);
	dw_snap_get_ewma(r, &d->b_ls);
	dw_snap_get_ewma(r, &d->b_lu);
	for (int i = 0; i < DW_CAMP_RING && !r->bad; i++) {
		struct dw_camp *cp = &d->camps[i];
		cp->id = (uint32_t)dw_snap_get(r, 4);
		cp->state = (int)dw_snap_get_max(r, 1, DW_CAMP_DISCARDED);
		cp->slow_window = (int)dw_snap_get_max(r, 1, 1);
		cp->start = dw_snap_get_time(r);
		cp->opened = dw_snap_get_time(r);
		cp->first_seen = dw_snap_get_time(r);
		cp->last_seen = dw_snap_get_time(r);
		cp->last_active = dw_snap_get_time(r);
		cp->base_s = dw_snap_get_f64(r);
		cp->base_u = dw_snap_get_f64(r);
		cp->sigma_s = dw_snap_get_f64(r);
		cp->peak_s = (int64_t)dw_snap_get_max(r, 8, SNAP_COUNT_MAX);
		cp->peak_u = (int64_t)dw_snap_get_max(r, 8, SNAP_COUNT_MAX);
		/* campaign id lives in slot id % ring; a free slot was never used */
		if (cp->state == DW_CAMP_FREE ? cp->id != 0 : cp->id % DW_CAMP_RING != (uint32_t)i)
			r->bad = 1;
	}
	d->camp_next = (uint32_t)dw_snap_get(r, 4);
	open = dw_snap_get(r, 1);
	if (open != SNAP_NO_CAMP) {
		if (open >= DW_CAMP_RING || d->camps[open].state != DW_CAMP_OPEN)
			r->bad = 1;
		else
			d->open = &d->camps[open];
	}
	d->last_camp_end = (int64_t)dw_snap_get(r, 8);
	if (d->last_camp_end != INT64_MIN / 2 &&
	    (d->last_camp_end < SNAP_TIME_MIN || d->last_camp_end > DW_SNAP_TIME_MAX))
		r->bad = 1;
	return r->bad ? DW_EINVAL : DW_OK;
}

/* ---- compromise.c ---- */

static void put_comp(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		     const void *val)
{
	const struct dw_comp *c = val;

	dw_snap_put(sb, c->att_id, 8);
	dw_snap_put(sb, (uint64_t)c->ts, 8);
}

static int get_comp(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		    void *val)
{
	struct dw_comp *c = val;

	c->att_id = dw_snap_get(r, 8);
	c->ts = dw_snap_get_time(r);
	return r->bad ? DW_EINVAL : DW_OK;
}

/*
 * A deferred report's detector is a static string: saved by name and mapped
 * back to one of the names an attack can carry.
 */
static const char *detector_named(struct dw_slice s)
{
	static const char *const dist[] = {"distributed.window", "distributed.slow"};

	for (int cls = DW_CL_NONE; cls <= DW_CL_DIST; cls++)
		for (int slow = 0; slow < 2; slow++)
			if (dw_slice_eq(s, dw_class_detector(cls, slow)))
				return dw_class_detector(cls, slow);
	for (size_t i = 0; i < DW_ARRAY_LEN(dist); i++)
		if (dw_slice_eq(s, dist[i]))
			return dist[i];
	return NULL;
}

static void save_comp(const struct dw_detect *d, struct dw_sb *sb)
{
	dw_snap_put_tag(sb, "COMP");
	dw_snap_put_table(d, sb, d->comp, put_comp);
	dw_snap_put(sb, d->pend_overwritten, 8);
	/* the live part of each ring, oldest first */
	dw_snap_put(sb, d->pend_n, 4);
	for (size_t i = d->pend_n; i-- > 0;) { /* the i-th newest, as compromise.c counts */
		const struct dw_pend *e =
			&d->pend[(d->pend_head + d->pend_cap - 1 - i) % d->pend_cap];
		dw_snap_put(sb, (uint64_t)e->ts, 8);
		dw_snap_put(sb, e->ref, 8);
		dw_snap_put(sb, e->logs, 4);
		dw_snap_put(sb, e->what, 1);
		dw_snap_put(sb, e->done, 1);
		dw_snap_put(sb, e->ucut, 1);
		dw_snap_put_bytes(sb, e->src, e->srclen);
		dw_snap_put_bytes(sb, e->user, e->ulen);
	}
	dw_snap_put(sb, d->defer_n, 4);
	for (size_t i = 0; i < d->defer_n; i++) {
		const struct dw_defer *x = &d->defer[(d->defer_head + i) % d->pend_cap];
		const char *det = x->detector ? x->detector : "";

		dw_snap_put(sb, (uint64_t)x->ts, 8);
		dw_snap_put(sb, x->ref, 8);
		dw_snap_put(sb, (uint64_t)x->att_first, 8);
		dw_snap_put(sb, x->att_id, 8);
		dw_snap_put(sb, x->detector != NULL, 1);
		dw_snap_put_bytes(sb, det, strlen(det));
		dw_snap_put(sb, x->attempts, 4);
		dw_snap_put(sb, x->logs, 4);
		dw_snap_put(sb, x->kind, 1);
		dw_snap_put(sb, x->what, 1);
		dw_snap_put(sb, x->done, 1);
		dw_snap_put_bytes(sb, x->src, x->srclen);
		dw_snap_put_bytes(sb, x->akey, x->akeylen);
		dw_snap_put_bytes(sb, x->user, x->ulen);
	}
}

static int load_comp(struct dw_detect *d, struct dw_snap_r *r)
{
	size_t n;
	int rc;

	dw_snap_tag(r, "COMP");
	if ((rc = dw_snap_get_table(d, r, d->comp, DW_KNOWN_KEY_MAX, get_comp)) != DW_OK)
		return rc;
	d->pend_overwritten = dw_snap_get(r, 8);
	n = (size_t)dw_snap_get_max(r, 4, d->pend_cap);
	for (size_t i = 0; i < n && !r->bad; i++) {
		struct dw_pend *e = &d->pend[i];
		e->ts = dw_snap_get_time(r);
		e->ref = dw_snap_get_ref(r, d);
		e->logs = (uint32_t)dw_snap_get(r, 4);
		e->what = (uint8_t)dw_snap_get_max(r, 1, DW_COMP_VALIDATED);
		e->done = (uint8_t)dw_snap_get_max(r, 1, 1);
		e->ucut = (uint8_t)dw_snap_get_max(r, 1, 1);
		e->srclen = (uint8_t)dw_snap_get_bytes(r, e->src, sizeof(e->src));
		e->ulen = (uint8_t)dw_snap_get_bytes(r, e->user, sizeof(e->user));
	}
	d->pend_n = r->bad ? 0 : n;
	d->pend_head = d->pend_n % d->pend_cap;
	n = (size_t)dw_snap_get_max(r, 4, d->pend_cap);
	for (size_t i = 0; i < n && !r->bad; i++) {
		struct dw_defer *x = &d->defer[i];
		uint64_t has_det;
		struct dw_slice det;

		x->ts = dw_snap_get_time(r);
		x->ref = dw_snap_get_ref(r, d);
		x->att_first = dw_snap_get_time(r);
		x->att_id = dw_snap_get(r, 8);
		has_det = dw_snap_get_max(r, 1, 1);
		det = dw_snap_get_slice(r, 64);
		x->detector = has_det ? detector_named(det) : NULL;
		if (has_det && !x->detector)
			r->bad = 1;
		x->attempts = (uint32_t)dw_snap_get(r, 4);
		x->logs = (uint32_t)dw_snap_get(r, 4);
		x->kind = (uint8_t)dw_snap_get(r, 1);
		x->what = (uint8_t)dw_snap_get_max(r, 1, DW_COMP_VALIDATED);
		x->done = (uint8_t)dw_snap_get_max(r, 1, 1);
		x->srclen = (uint8_t)dw_snap_get_bytes(r, x->src, sizeof(x->src));
		x->akeylen = (uint8_t)dw_snap_get_bytes(r, x->akey, sizeof(x->akey));
		x->ulen = (uint8_t)dw_snap_get_bytes(r, x->user, sizeof(x->user));
	}
	d->defer_n = r->bad ? 0 : n;
	d->defer_head = 0;
	return r->bad ? DW_EINVAL : DW_OK;
}

/* ---- the whole ---- */

int dw_detect_save(const struct dw_detect *d, struct dw_sb *sb)
{
	size_t start = sb->n;
	int was_toobig = sb->toobig, rc;
	uint64_t fp;

	if ((rc = fingerprint(d->cfg, &fp)) != DW_OK)
		return rc;
	sb->toobig = 0;
	dw_sb_put(sb, SNAP_MAGIC, 8);
	dw_snap_put(sb, SNAP_VERSION, 4);
	dw_snap_put(sb, fp, 8);
	save_clock(d, sb);
	save_source(d, sb);
	save_dist(d, sb);
	save_comp(d, sb);
	dw_dedupe_save(d, sb);
	dw_mfa_save(d, sb);
	dw_lock_save(d, sb);
	dw_access_save(d, sb);
	dw_expl_save(d, sb);
	dw_flow_save(d, sb);
	dw_snap_put_tag(sb, "END.");
	if (!sb->toobig)
		dw_snap_put(sb, dw_detect_hash(sb->p + start, sb->n - start), 8);
	if (sb->toobig) {
		sb->n = start; /* no half blob */
		return DW_ENOMEM;
	}
	sb->toobig = was_toobig;
	return DW_OK;
}

int dw_detect_load(struct dw_detect *d, const void *p, size_t n)
{
	const uint8_t *b = p;
	struct dw_snap_r r = {b, 0, 0, 0};
	uint64_t fp, sum = 0;
	const uint8_t *magic;
	int rc;

	if (d->now != DW_TS_NONE || d->bucket != -1 || d->st.events || n < 8 + 4 + 8 + 8)
		return DW_EINVAL;
	r.n = n - 8;
	for (int i = 7; i >= 0; i--)
		sum = sum << 8 | b[n - 8 + (size_t)i];
	if (sum != dw_detect_hash(b, n - 8))
		return DW_EINVAL;
	magic = take(&r, 8);
	if (memcmp(magic, SNAP_MAGIC, 8) != 0 || dw_snap_get(&r, 4) != SNAP_VERSION)
		return DW_EINVAL;
	if ((rc = fingerprint(d->cfg, &fp)) != DW_OK)
		return rc;
	if (dw_snap_get(&r, 8) != fp)
		return DW_EINVAL;
	if ((rc = load_clock(d, &r)) != DW_OK || (rc = load_source(d, &r)) != DW_OK ||
	    (rc = load_dist(d, &r)) != DW_OK || (rc = load_comp(d, &r)) != DW_OK ||
	    (rc = dw_dedupe_load(d, &r)) != DW_OK || (rc = dw_mfa_load(d, &r)) != DW_OK ||
	    (rc = dw_lock_load(d, &r)) != DW_OK || (rc = dw_access_load(d, &r)) != DW_OK ||
	    (rc = dw_expl_load(d, &r)) != DW_OK || (rc = dw_flow_load(d, &r)) != DW_OK)
		return rc;
	dw_snap_tag(&r, "END.");
	return r.bad || r.off != r.n ? DW_EINVAL : DW_OK;
}
