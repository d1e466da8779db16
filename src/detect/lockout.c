/*
 * lockout.c - lockout_storm: many accounts locked out in a short time. One
 * locked account is a user who forgot a password; dozens in half an hour are
 * a spray or brute force that crossed the lockout threshold (or an attacker
 * locking people out on purpose), and a help desk about to be flooded.
 *
 * Lockouts: Windows 4740 (TargetDomainName there is the caller computer,
 * the machine whose bad attempts caused it) and 4625/4776 0xc0000234, Entra
 * 50053, Okta LOCKED_OUT and user.account.lock, NetScaler "account locked".
 * Kerberos 0x12 (KDC_ERR_CLIENT_REVOKED) is left out: it means disabled,
 * expired or locked alike, and a kerbrute enumeration hits it on every
 * disabled account.
 *
 * Rule: at least lockout.min_users (10) distinct accounts locked within
 * lockout.window (30 min, rounded up to whole distributed.bucket steps) -
 * an exact sliding distinct count (window.c), each account keeping the last
 * bucket it was counted in. The storm opens when the count reaches the
 * threshold: the accounts of the window are collected from the table (one
 * walk per storm), later lockouts join the open alert, and it is reported
 * when a whole window passes without a lockout, or at the end of input.
 * users are the locked accounts, sources where the lockouts came from (an
 * address, or the caller computer), attempts the lockout records; evidence
 * names the record of the first lockout (each account keeps its last one's).
 *
 * Memory: table user -> struct dw_lock_user (112 B; key <= 32 B),
 * limits.accounts entries: 65,536 x 172 B = 10.75 MiB at most; the window ring
 * is (len + 1) x 4 B. The open alert keeps at most DW_ALERT_LIST_MAX
 * members per list.
 */
#include <stdlib.h>

#include "internal.h"

#define DW_LOCK_NAME 46

struct dw_lock_user {
	int64_t ts;     /* last lockout */
	uint64_t ref;   /* its record */
	int64_t bucket; /* last bucket counted in the window */
	uint8_t srclen;
	uint8_t ulen;
	uint8_t src[DW_SRC_KEY_MAX - 8];
	char user[DW_LOCK_NAME]; /* for the alert: the key of a long name is a digest */
};

int dw_lock_init(struct dw_detect *d)
{
	int64_t len;
	int rc;

	if (!d->cfg->lock_enabled)
		return DW_OK;
	len = (d->cfg->lock_window + d->bucket_ns - 1) / d->bucket_ns;
	if (len < 1)
		len = 1;
	if (len >= d->ring_len) /* a gap in the data is ticked ring_len steps: the window empties */
		len = d->ring_len - 1 > 0 ? d->ring_len - 1 : 1;
	d->lock_len = len;
	if ((rc = dw_table_new(&d->lock, d->cfg->lim_accounts, DW_USER_KEY_MAX,
			       sizeof(struct dw_lock_user))) != DW_OK)
		return rc;
	return dw_wcount_init(&d->lock_w, len, len + 1);
}

static void storm_free(struct dw_detect *d)
{
	if (d->storm) {
		dw_alert_free(d->storm);
		free(d->storm);
		d->storm = NULL;
	}
}

void dw_lock_free(struct dw_detect *d)
{
	storm_free(d);
	dw_wcount_free(&d->lock_w);
	dw_table_free(d->lock);
	d->lock = NULL;
}

/*
 * List members stop at a NUL byte (as they print): an open storm is saved
 * with its members' text (snapshot.c), and comes back the same.
 */
static void add_source(struct dw_alert *a, const uint8_t *key, size_t klen)
{
	char txt[DW_IP_BUFSZ + DW_SRC_KEY_MAX];

	if (klen)
		dw_strlist_add(&a->sources, txt,
			       strnlen(txt, dw_detect_src_text(key, klen, txt, sizeof(txt))));
}

static void add_user(struct dw_alert *a, const char *u, size_t un)
{
	dw_strlist_add(&a->users, u, strnlen(u, un));
}

/* Opens the storm with every account counted in the window ending at bucket b. */
static void storm_open(struct dw_detect *d, int64_t b)
{
	struct dw_alert *a = calloc(1, sizeof(*a));
	uint32_t cur = 0;
	struct dw_lock_user *x;

	if (!a) {
		d->alerts_dropped++;
		return;
	}
	dw_alert_init(a, "lockout_storm", "high", "lockout.window");
	a->first_seen = INT64_MAX;
	d->storm_ref = 0;
	while ((x = dw_table_next(d->lock, &cur, NULL, NULL)) != NULL) {
		if (b - x->bucket >= d->lock_len)
			continue;
		add_user(a, x->user, x->ulen);
		add_source(a, x->src, x->srclen);
		if (x->ts < a->first_seen) {
			a->first_seen = x->ts;
			d->storm_ref = x->ref; /* the first lockout */
		}
		a->last_seen = DW_MAX(a->last_seen, x->ts);
		a->attempts++;
	}
	d->storm = a;
}

void dw_lock_event(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		   size_t klen)
{
	struct dw_lock_user *x;
	int64_t b = d->bucket;
	int created;

	if (!d->lock || e->user.n == 0)
		return;
	x = dw_table_upsert(d->lock, e->user.p, e->user.n, &created);
	if (created)
		x->bucket = -1;
	dw_wcount_add(&d->lock_w, d->lock_len + 1, x->bucket, b);
	x->bucket = b;
	x->ts = e->ts;
	x->ref = dw_detect_ref(d, e);
	x->srclen = (uint8_t)DW_MIN(klen, sizeof(x->src));
	memcpy(x->src, key, x->srclen);
	x->ulen = (uint8_t)DW_MIN(e->user.n, sizeof(x->user)); /* longer names are cut */
	memcpy(x->user, e->user.p, x->ulen);
	if (d->storm) {
		add_user(d->storm, e->user.p, e->user.n);
		add_source(d->storm, key, klen);
		d->storm->last_seen = DW_MAX(d->storm->last_seen, e->ts);
		d->storm->attempts++;
	} else if (d->lock_w.count >= d->cfg->lock_min_users) {
		storm_open(d, b);
	}
	if (d->storm) {
		d->storm_bucket = b;
		if (e->log < 32)
			d->storm->logs |= 1u << e->log;
	}
}

void dw_lock_tick(struct dw_detect *d, int64_t b, int flush)
{
	if (!d->lock)
		return;
	if (d->storm && (flush || b - d->storm_bucket >= d->lock_len)) {
		dw_alert_evidence_num(d->storm, "window_seconds", d->lock_len * d->bucket_ns / DW_NS);
		dw_alert_evidence_num(d->storm, "locked_accounts", (int64_t)d->storm->users.total);
		dw_detect_evidence_ref(d, d->storm, d->storm_ref);
		dw_detect_push(d, d->storm); /* takes the lists */
		free(d->storm);
		d->storm = NULL;
	}
	if (!flush)
		dw_wcount_advance(&d->lock_w, d->lock_len + 1, b + 1);
}

/* ---- snapshot (see snapshot.c): the table, the window, the open storm ---- */

static void put_lock(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		     const void *val)
{
	const struct dw_lock_user *x = val;

	dw_snap_put(sb, (uint64_t)x->ts, 8);
	dw_snap_put(sb, x->ref, 8);
	dw_snap_put(sb, (uint64_t)x->bucket, 8);
	dw_snap_put_bytes(sb, x->src, x->srclen);
	dw_snap_put_bytes(sb, x->user, x->ulen);
}

static int get_lock(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		    void *val)
{
	struct dw_lock_user *x = val;

	x->ts = dw_snap_get_time(r);
	x->ref = dw_snap_get_ref(r, d);
	x->bucket = dw_snap_get_time(r);
	x->srclen = (uint8_t)dw_snap_get_bytes(r, x->src, sizeof(x->src));
	x->ulen = (uint8_t)dw_snap_get_bytes(r, x->user, sizeof(x->user));
	return r->bad ? DW_EINVAL : DW_OK;
}

void dw_lock_save(const struct dw_detect *d, struct dw_sb *sb)
{
	dw_snap_put_tag(sb, "LOCK");
	dw_snap_put_table(d, sb, d->lock, put_lock);
	if (!d->lock)
		return;
	dw_snap_put_wcount(sb, &d->lock_w, d->lock_len + 1);
	dw_snap_put(sb, d->storm != NULL, 1);
	if (!d->storm)
		return;
	dw_snap_put_alert(sb, d->storm);
	dw_snap_put(sb, (uint64_t)d->storm_bucket, 8);
	dw_snap_put(sb, d->storm_ref, 8);
}

int dw_lock_load(struct dw_detect *d, struct dw_snap_r *r)
{
	struct dw_alert *a;
	int rc;

	dw_snap_tag(r, "LOCK");
	if ((rc = dw_snap_get_table(d, r, d->lock, DW_USER_KEY_MAX, get_lock)) != DW_OK)
		return rc;
	if (!d->lock)
		return DW_OK;
	dw_snap_get_wcount(r, &d->lock_w, d->lock_len + 1);
	if (!dw_snap_get_max(r, 1, 1))
		return r->bad ? DW_EINVAL : DW_OK;
	a = calloc(1, sizeof(*a));
	if (!a)
		return DW_ENOMEM;
	dw_alert_init(a, "lockout_storm", "high", "lockout.window");
	d->storm = a; /* freed with d if the rest fails */
	if ((rc = dw_snap_get_alert(r, a)) != DW_OK)
		return rc;
	d->storm_bucket = dw_snap_get_time(r);
	d->storm_ref = dw_snap_get_ref(r, d);
	return r->bad ? DW_EINVAL : DW_OK;
}
