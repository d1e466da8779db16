/*
 * access.c - new_access: what an account did after the engine came to
 * believe it compromised (account_compromise, legacy_auth_success,
 * mfa_fatigue). It is where dwell time starts to be measured: the first
 * and the last thing the account touched after the login that let the
 * attacker in.
 *
 * Accesses, from the compromising login's time on:
 *  - gateway/VPN sessions: session_start and session_end of any log but
 *    sshd (an sshd session is the login itself), with duration and byte
 *    counters from the NetScaler LOGOUT record; bytes_out is what the
 *    appliance sent to the client (Total_bytes_recv): data that left.
 *    Sessions from an address the account has clean logins from, and ones
 *    that began before the compromise, are the owner's and left out;
 *  - first-time share access: a Windows 5140/5145 share that this account
 *    was never seen to use before, in the data read so far (every account's
 *    shares are learned, compromised or not; a (user, share) pair pushed
 *    out of the capped table counts as new when seen again);
 *  - explicit-credential use (4648) where either the account whose
 *    credentials were used or the account that used them is compromised.
 * The accesses of one account form one report until the account has been
 * quiet for access.idle (1 h) with no session of it in progress (a session
 * begun and not ended keeps it open for up to 24 h of quiet: a long VPN
 * session is one report, not one at its start and one at its end), then
 * the new_access alert is emitted: users
 * names the account (it is not repeated in compromised: the login alert
 * already proved that), sources the client addresses, destinations the
 * gateway vservers, shares (\\host\share) and servers, bytes_out the data
 * sent to the client; evidence holds the counts and
 * seconds_after_compromise / dwell_seconds, and the record of the first
 * access (file and line or record_id). A later burst opens a new one.
 * Accesses between a success and an attack recognised after it (a spray
 * recognised at close) are not seen: the report starts when the
 * compromise is known.
 *
 * Memory: acc table user -> struct dw_acc (96 B; key <= 32 B),
 * limits.compromised entries (4,096 x 156 B = 0.6 MiB) plus one open alert
 * per account with its lists cut at DW_ACC_LIST members (each member
 * <= 256 B); share table [len][user][host\share] (key <= 32 B, value 16 B),
 * limits.shares entries: 65,536 x 76 B = 4.75 MiB.
 */
#include <stdlib.h>

#include "../core/tm.h"
#include "internal.h"

#define DW_ACC_LIST 256

/* Longest quiet a session in progress keeps a report open (its end may never be logged). */
#define ACC_SESSION_MAX (24 * 3600 * DW_NS)

struct dw_acc {
	int64_t since;       /* the compromising login */
	int64_t first, last; /* accesses of the open report */
	uint64_t first_ref;  /* record of its first access */
	uint64_t bytes_out, bytes_in, dur_ms;
	uint32_t sessions, shares, expl;
	uint32_t open_sess;  /* sessions (with an id) begun and not yet ended */
	uint32_t logs;
	uint8_t has_bytes;
	struct dw_alert *al; /* the open report, or NULL */
};

static void report(struct dw_detect *d, const void *key, size_t klen, struct dw_acc *x)
{
	struct dw_alert *a = x->al;
	char tb[DW_TM_BUFSZ];

	(void)key;
	(void)klen;
	if (!a)
		return;
	a->first_seen = x->first;
	a->last_seen = x->last;
	a->logs = x->logs;
	if (x->has_bytes) {
		a->bytes_out = x->bytes_out;
		a->has_bytes_out = 1;
	}
	a->attempts = x->sessions + x->shares + x->expl;
	dw_tm_format(x->since, 0, tb);
	dw_alert_evidence_str(a, "compromised_at", tb);
	dw_alert_evidence_num(a, "seconds_after_compromise", (x->first - x->since) / DW_NS);
	dw_alert_evidence_num(a, "dwell_seconds", (x->last - x->since) / DW_NS);
	dw_alert_evidence_num(a, "sessions", x->sessions);
	if (x->dur_ms)
		dw_alert_evidence_num(a, "session_seconds", (int64_t)(x->dur_ms / 1000));
	if (x->has_bytes)
		dw_alert_evidence_num(a, "bytes_in", (int64_t)x->bytes_in);
	dw_alert_evidence_num(a, "new_shares", x->shares);
	dw_alert_evidence_num(a, "explicit_credentials", x->expl);
	dw_detect_evidence_ref(d, a, x->first_ref);
	dw_detect_push(d, a);
	free(a);
	d->acc_open--;
	x->al = NULL;
	x->sessions = x->shares = x->expl = 0;
	x->bytes_out = x->bytes_in = x->dur_ms = 0;
	x->has_bytes = 0;
	x->logs = 0;
}

static void acc_evicted(void *ctx, const void *key, size_t klen, void *val)
{
	report(ctx, key, klen, val); /* an account pushed out reports what it has */
}

int dw_access_init(struct dw_detect *d)
{
	int rc;

	if (!d->cfg->access_enabled)
		return DW_OK;
	if ((rc = dw_table_new(&d->acc, d->cfg->lim_compromised, DW_USER_KEY_MAX,
			       sizeof(struct dw_acc))) != DW_OK ||
	    (rc = dw_table_new(&d->share, d->cfg->lim_shares, DW_KNOWN_KEY_MAX,
			       sizeof(struct dw_known))) != DW_OK)
		return rc;
	dw_table_on_evict(d->acc, acc_evicted, d);
	return DW_OK;
}

void dw_access_free(struct dw_detect *d)
{
	uint32_t cur = 0;
	struct dw_acc *x;

	if (d->acc)
		while ((x = dw_table_next(d->acc, &cur, NULL, NULL)) != NULL)
			if (x->al) {
				dw_alert_free(x->al);
				free(x->al);
			}
	dw_table_free(d->acc);
	dw_table_free(d->share);
	d->acc = d->share = NULL;
}

void dw_access_compromised(struct dw_detect *d, const char *u, size_t un, int64_t ts)
{
	struct dw_acc *x;
	int created;

	if (!d->acc || un == 0)
		return;
	x = dw_table_upsert(d->acc, u, un, &created);
	if (created || ts < x->since)
		x->since = ts;
}

void dw_access_cancel(struct dw_detect *d, const char *u, size_t un, int64_t ts)
{
	struct dw_acc *x;

	if (!d->acc || (x = dw_table_get(d->acc, u, un)) == NULL || x->since != ts)
		return;
	if (x->al) {
		dw_alert_free(x->al);
		free(x->al);
		d->acc_open--;
	}
	(void)dw_table_del(d->acc, u, un);
}

/* 1 if e's share is new for e's user (and learns it). */
static int share_new(struct dw_detect *d, const struct dw_event *e)
{
	uint8_t k[1 + DW_USER_MAX + 2 * 256 + 1];
	size_t n = 0, hn = DW_MIN(e->host.n, 256), sn = DW_MIN(e->target.n, 256);
	int created;
	struct dw_known *x;

	k[n++] = (uint8_t)e->user.n;
	memcpy(k + n, e->user.p, e->user.n);
	n += e->user.n;
	for (size_t i = 0; i < hn; i++)
		k[n++] = (uint8_t)dw_tolower((unsigned char)e->host.p[i]);
	k[n++] = '\\';
	for (size_t i = 0; i < sn; i++)
		k[n++] = (uint8_t)dw_tolower((unsigned char)e->target.p[i]);
	x = dw_table_upsert(d->share, k, n, &created);
	if (created)
		x->first = e->ts;
	x->last = e->ts;
	return created;
}

/* "\\*\C$" on host H reads better as "\\H\C$". */
static size_t share_text(const struct dw_event *e, char *buf, size_t cap)
{
	struct dw_slice t = e->target;
	size_t n = 0;

	if (t.n > 3 && memcmp(t.p, "\\\\*\\", 4) == 0 && e->host.n) {
		n = (size_t)snprintf(buf, cap, "\\\\%.*s%.*s", (int)DW_MIN(e->host.n, 200), e->host.p,
				     (int)DW_MIN(t.n - 3, 200), t.p + 3);
		return DW_MIN(n, cap - 1);
	}
	n = DW_MIN(t.n, cap - 1);
	memcpy(buf, t.p, n);
	return n;
}

/* When account u was compromised (INT64_MAX if it is not). */
static int64_t since_of(struct dw_detect *d, const char *u, size_t un)
{
	struct dw_acc *x = dw_table_get(d->acc, u, un);

	return x ? x->since : INT64_MAX;
}

/* The open report of account u if it is compromised at e's time (e: the access), else NULL. */
static struct dw_acc *acc_of(struct dw_detect *d, const char *u, size_t un,
			     const struct dw_event *e)
{
	int64_t ts = e->ts;
	struct dw_acc *x;

	if (un == 0 || (x = dw_table_get(d->acc, u, un)) == NULL || ts < x->since)
		return NULL;
	if (!x->al) {
		x->al = calloc(1, sizeof(*x->al));
		if (!x->al) {
			d->alerts_dropped++;
			return NULL;
		}
		dw_alert_init(x->al, "new_access", "high", "access.after_compromise");
		d->acc_open++;
		dw_strlist_add(&x->al->users, u, strnlen(u, un)); /* a member ends at a NUL */
		x->first = ts;
		x->first_ref = dw_detect_ref(d, e);
	}
	return x;
}

void dw_access_event(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		     size_t klen)
{
	char txt[DW_IP_BUFSZ + DW_SRC_KEY_MAX], dst[512];
	char subj[DW_USER_MAX + 1];
	struct dw_acc *x = NULL;
	size_t dn = 0;
	int fresh;

	if (!d->acc)
		return;
	switch (e->action) {
	case DW_ACT_SESSION_START:
	case DW_ACT_SESSION_END:
		if (e->log == DW_LOG_SSHD || e->user.n == 0)
			return;
		/*
		 * the owner's own sessions: from an address usual before the
		 * compromise (one the intruder keeps using becomes "known" by its
		 * clean logins: that must not hide it), or begun before
		 */
		if (klen && dw_source_known_before(d, key, klen, e->user.p, e->user.n,
						   since_of(d, e->user.p, e->user.n)))
			return;
		/* a NetScaler AAATM LOGIN with nothing measured is the login itself, not access */
		if (e->action == DW_ACT_SESSION_START && !e->session.n && e->log == DW_LOG_NETSCALER &&
		    !(e->has & (DW_EV_HAS_DURATION | DW_EV_HAS_BYTES_OUT | DW_EV_HAS_BYTES_IN)))
			return;
		if ((e->has & DW_EV_HAS_DURATION) &&
		    e->ts - (int64_t)DW_MIN(e->duration_ms, (uint64_t)INT64_MAX / DW_NS) * 1000000 <
			    since_of(d, e->user.p, e->user.n))
			return;
		if (!(x = acc_of(d, e->user.p, e->user.n, e)))
			return;
		/* a NetScaler AAATM LOGIN (no SessionId) is the login, not a session */
		if (e->action == DW_ACT_SESSION_START &&
		    (e->session.n || e->log != DW_LOG_NETSCALER))
			x->sessions++;
		/* a session in progress keeps the report open (quiet is not over) */
		if (e->session.n && e->action == DW_ACT_SESSION_START)
			x->open_sess++;
		else if (e->session.n && x->open_sess)
			x->open_sess--;
		if (e->has & DW_EV_HAS_DURATION)
			x->dur_ms += e->duration_ms;
		if (e->has & DW_EV_HAS_BYTES_OUT)
			x->bytes_out += e->bytes_out, x->has_bytes = 1;
		if (e->has & DW_EV_HAS_BYTES_IN)
			x->bytes_in += e->bytes_in, x->has_bytes = 1;
		dn = DW_MIN(e->target.n, sizeof(dst) - 1);
		memcpy(dst, e->target.p, dn);
		break;
	case DW_ACT_SHARE_ACCESS:
		if (e->user.n == 0 || e->target.n == 0)
			return;
		fresh = share_new(d, e);
		if (!fresh || !(x = acc_of(d, e->user.p, e->user.n, e)))
			return;
		x->shares++;
		dn = share_text(e, dst, sizeof(dst));
		break;
	case DW_ACT_EXPLICIT_CREDS:
		x = acc_of(d, e->user.p, e->user.n, e);
		if (!x && e->session.n)
			x = acc_of(d, subj, dw_user_normalise(e->session, subj), e);
		if (!x)
			return;
		x->expl++;
		if (e->target.n) {
			dn = DW_MIN(e->target.n, sizeof(dst) - 1);
			memcpy(dst, e->target.p, dn);
		} else if (e->dst_ip.fam) {
			dn = dw_ip_format(&e->dst_ip, dst);
		}
		break;
	default:
		return;
	}
	x->last = DW_MAX(x->last, e->ts);
	if (e->log < 32)
		x->logs |= 1u << e->log;
	/* members end at a NUL, as they print (an open report is saved as text: snapshot.c) */
	if (klen)
		dw_strlist_add_capped(&x->al->sources, txt,
				      strnlen(txt, dw_detect_src_text(key, klen, txt, sizeof(txt))),
				      DW_ACC_LIST);
	dw_strlist_add_capped(&x->al->destinations, dst, strnlen(dst, dn), DW_ACC_LIST);
}

void dw_access_tick(struct dw_detect *d, int64_t now, int flush)
{
	uint32_t cur = 0;
	const void *k;
	size_t kl;
	struct dw_acc *x;

	if (!d->acc || !d->acc_open)
		return;
	while ((x = dw_table_next(d->acc, &cur, &k, &kl)) != NULL)
		if (x->al && (flush || (now - x->last >= d->cfg->access_idle &&
					(!x->open_sess || now - x->last >= ACC_SESSION_MAX))))
			report(d, k, kl, x);
}

/* ---- snapshot (see snapshot.c): accounts with their open reports, then shares ---- */

static void put_acc(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		    const void *val)
{
	const struct dw_acc *x = val;

	dw_snap_put(sb, (uint64_t)x->since, 8);
	dw_snap_put(sb, (uint64_t)x->first, 8);
	dw_snap_put(sb, (uint64_t)x->last, 8);
	dw_snap_put(sb, x->first_ref, 8);
	dw_snap_put(sb, x->bytes_out, 8);
	dw_snap_put(sb, x->bytes_in, 8);
	dw_snap_put(sb, x->dur_ms, 8);
	dw_snap_put(sb, x->sessions, 4);
	dw_snap_put(sb, x->shares, 4);
	dw_snap_put(sb, x->expl, 4);
	dw_snap_put(sb, x->logs, 4);
	dw_snap_put(sb, x->open_sess, 4);
	dw_snap_put(sb, x->has_bytes, 1);
	dw_snap_put(sb, x->al != NULL, 1);
	if (x->al)
		dw_snap_put_alert(sb, x->al);
}

static int get_acc(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		   void *val)
{
	struct dw_acc *x = val;

	x->since = dw_snap_get_time(r);
	x->first = dw_snap_get_time(r);
	x->last = dw_snap_get_time(r);
	x->first_ref = dw_snap_get_ref(r, d);
	x->bytes_out = dw_snap_get(r, 8);
	x->bytes_in = dw_snap_get(r, 8);
	x->dur_ms = dw_snap_get(r, 8);
	x->sessions = (uint32_t)dw_snap_get(r, 4);
	x->shares = (uint32_t)dw_snap_get(r, 4);
	x->expl = (uint32_t)dw_snap_get(r, 4);
	x->logs = (uint32_t)dw_snap_get(r, 4);
	x->open_sess = (uint32_t)dw_snap_get(r, 4);
	x->has_bytes = (uint8_t)dw_snap_get_max(r, 1, 1);
	if (!dw_snap_get_max(r, 1, 1))
		return r->bad ? DW_EINVAL : DW_OK;
	x->al = calloc(1, sizeof(*x->al));
	if (!x->al)
		return DW_ENOMEM;
	dw_alert_init(x->al, "new_access", "high", "access.after_compromise");
	d->acc_open++;
	return dw_snap_get_alert(r, x->al);
}

void dw_access_save(const struct dw_detect *d, struct dw_sb *sb)
{
	dw_snap_put_tag(sb, "ACC.");
	dw_snap_put_table(d, sb, d->acc, put_acc);
	dw_snap_put_table(d, sb, d->share, dw_snap_put_known);
}

int dw_access_load(struct dw_detect *d, struct dw_snap_r *r)
{
	int rc;

	dw_snap_tag(r, "ACC.");
	if ((rc = dw_snap_get_table(d, r, d->acc, DW_USER_KEY_MAX, get_acc)) != DW_OK)
		return rc;
	return dw_snap_get_table(d, r, d->share, DW_KNOWN_KEY_MAX, dw_snap_get_known);
}
