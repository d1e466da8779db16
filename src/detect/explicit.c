/*
 * explicit.c - a password spray seen from the machine that runs it. Event
 * 4648 ("a logon was attempted using explicit credentials") is written on
 * the calling machine for every attempt, right or wrong: a spray tool on a
 * compromised workstation leaves one per guess, naming the account that
 * ran it (SubjectUserName), the account tried (TargetUserName) and the
 * server (TargetServerName, IpAddress). Nothing says whether it worked, so
 * these are attempts, not failures, and they feed no other detector.
 *
 * Rule: one (machine, subject account) trying at least explicit.min_users
 * (10) distinct other accounts, each attempt within explicit.window (1 h)
 * of the previous one, is a password_spray (detector
 * spray.explicit_credentials) with the machine as its source, the accounts
 * tried as users and the servers as destinations, evidence the record of
 * its first 4648; it is reported when a window passes without an attempt,
 * or at the end of input. Left out:
 * machine subjects (HOST$: services logging on for users), an account
 * using its own credentials, and logons to the local machine (localhost,
 * loopback) - runas and scheduled tasks, which name few accounts anyway.
 * A terminal server where many people type credentials into one tool could
 * reach the threshold; allow.users or a higher explicit.min_users covers it.
 *
 * Memory: expl table [host\subject] -> struct dw_expl (48 B; key <= 64 B),
 * limits.explicit entries: 16,384 x 140 B = 2.2 MiB; explu table
 * [len][host\subject][user] -> epoch (4 B; key <= 128 B), the same count:
 * 16,384 x 160 B = 2.5 MiB; an open alert per spraying subject.
 */
#include <stdlib.h>

#include "internal.h"

#define DW_EXPL_KEY 64
#define DW_EXPLU_KEY 128
#define DW_EXPL_LIST 256

struct dw_expl {
	int64_t first, last;
	uint64_t first_ref; /* record of the episode's first 4648 */
	uint32_t epoch;
	uint32_t users; /* distinct accounts tried in the episode */
	uint32_t n;     /* attempts in the episode */
	uint32_t logs;
	struct dw_alert *al; /* open once users reach the threshold */
};

struct dw_expl_user {
	uint32_t epoch;
};

static void close_spray(struct dw_detect *d, const void *key, size_t klen, struct dw_expl *x)
{
	struct dw_alert *a = x->al;
	const char *k = key;
	size_t hn = 0;
	char subj[DW_EXPL_KEY + 1];

	if (!a)
		return;
	while (hn < klen && k[hn] != '\\')
		hn++;
	a->first_seen = x->first;
	a->last_seen = x->last;
	a->attempts = x->n;
	a->logs = x->logs;
	if (hn < klen) {
		size_t sn = DW_MIN(klen - hn - 1, sizeof(subj) - 1);
		memcpy(subj, k + hn + 1, sn);
		subj[sn] = 0;
		dw_alert_evidence_str(a, "subject_account", subj);
	}
	dw_alert_evidence_num(a, "explicit_credential_uses", x->n);
	dw_detect_evidence_ref(d, a, x->first_ref);
	dw_detect_push(d, a);
	free(a);
	d->expl_open--;
	x->al = NULL;
}

static void expl_evicted(void *ctx, const void *key, size_t klen, void *val)
{
	close_spray(ctx, key, klen, val);
}

int dw_expl_init(struct dw_detect *d)
{
	int rc;

	if (!d->cfg->expl_enabled)
		return DW_OK;
	if ((rc = dw_table_new(&d->expl, d->cfg->lim_explicit, DW_EXPL_KEY,
			       sizeof(struct dw_expl))) != DW_OK ||
	    (rc = dw_table_new(&d->explu, d->cfg->lim_explicit, DW_EXPLU_KEY,
			       sizeof(struct dw_expl_user))) != DW_OK)
		return rc;
	dw_table_on_evict(d->expl, expl_evicted, d);
	return DW_OK;
}

void dw_expl_free(struct dw_detect *d)
{
	uint32_t cur = 0;
	struct dw_expl *x;

	if (d->expl)
		while ((x = dw_table_next(d->expl, &cur, NULL, NULL)) != NULL)
			if (x->al) {
				dw_alert_free(x->al);
				free(x->al);
			}
	dw_table_free(d->expl);
	dw_table_free(d->explu);
	d->expl = d->explu = NULL;
}

static int local_target(const struct dw_event *e)
{
	if (dw_slice_eq_ci(e->target, "localhost") || dw_slice_eq(e->target, "127.0.0.1") ||
	    dw_slice_eq(e->target, "::1"))
		return 1;
	return e->dst_ip.fam && dw_ip_is_loopback(&e->dst_ip);
}

/* Opens the alert of x (key k, kl) with the accounts of its episode. */
static void open_spray(struct dw_detect *d, struct dw_expl *x, const uint8_t *k, size_t kl,
		       size_t hostlen)
{
	uint32_t cur = 0;
	const void *uk;
	size_t ukl;
	struct dw_expl_user *y;

	x->al = calloc(1, sizeof(*x->al));
	if (!x->al) {
		d->alerts_dropped++;
		return;
	}
	dw_alert_init(x->al, "password_spray", "high", "spray.explicit_credentials");
	d->expl_open++;
	/* members end at a NUL, as they print (an open spray is saved as text: snapshot.c) */
	dw_strlist_add(&x->al->sources, (const char *)k, strnlen((const char *)k, hostlen));
	/* one walk per spray: the accounts tried so far in this episode */
	while ((y = dw_table_next(d->explu, &cur, &uk, &ukl)) != NULL) {
		const uint8_t *p = uk;
		if (y->epoch != x->epoch || ukl >= DW_EXPLU_KEY || ukl < 1u + kl || p[0] != kl ||
		    memcmp(p + 1, k, kl) != 0)
			continue;
		dw_strlist_add(&x->al->users, (const char *)p + 1 + kl,
			       strnlen((const char *)p + 1 + kl, ukl - 1 - kl));
	}
}

void dw_expl_event(struct dw_detect *d, const struct dw_event *e)
{
	uint8_t k[DW_EXPL_KEY], uk[1 + DW_EXPL_KEY + DW_USER_MAX];
	char subj[DW_USER_MAX + 1], dst[DW_IP_BUFSZ + 256];
	size_t sn, hn, kl = 0, dn = 0;
	struct dw_expl *x;
	struct dw_expl_user *y;
	int created;

	if (!d->expl || e->user.n == 0 || e->session.n == 0 || e->host.n == 0 ||
	    e->session.p[e->session.n - 1] == '$' || local_target(e))
		return;
	sn = dw_user_normalise(e->session, subj);
	if (sn == 0 || (sn == e->user.n && memcmp(subj, e->user.p, sn) == 0))
		return;
	hn = DW_MIN(e->host.n, (size_t)DW_SRC_NAME_MAX);
	for (size_t i = 0; i < hn; i++)
		k[kl++] = (uint8_t)dw_tolower((unsigned char)e->host.p[i]);
	k[kl++] = '\\';
	sn = DW_MIN(sn, sizeof(k) - kl);
	memcpy(k + kl, subj, sn);
	kl += sn;

	x = dw_table_upsert(d->expl, k, kl, &created);
	if (!created && e->ts - x->last > d->cfg->expl_window) {
		close_spray(d, k, kl, x);
		x->epoch++;
		x->users = x->n = 0;
		x->logs = 0;
	}
	if (created || x->n == 0) {
		x->first = e->ts;
		x->first_ref = dw_detect_ref(d, e);
	}
	x->last = DW_MAX(x->last, e->ts);
	x->n++;
	if (e->log < 32)
		x->logs |= 1u << e->log;

	uk[0] = (uint8_t)kl;
	memcpy(uk + 1, k, kl);
	memcpy(uk + 1 + kl, e->user.p, e->user.n);
	y = dw_table_upsert(d->explu, uk, 1 + kl + e->user.n, &created);
	if (created || y->epoch != x->epoch) {
		y->epoch = x->epoch;
		x->users++;
		if (x->al)
			dw_strlist_add(&x->al->users, e->user.p, strnlen(e->user.p, e->user.n));
		else if (x->users >= d->cfg->expl_min_users)
			open_spray(d, x, k, kl, hn);
	}
	if (!x->al)
		return;
	if (e->target.n) {
		dn = DW_MIN(e->target.n, sizeof(dst) - 1);
		memcpy(dst, e->target.p, dn);
		dw_strlist_add_capped(&x->al->destinations, dst, strnlen(dst, dn), DW_EXPL_LIST);
	}
	if (e->dst_ip.fam)
		dw_strlist_add_capped(&x->al->destinations, dst, dw_ip_format(&e->dst_ip, dst),
				      DW_EXPL_LIST);
}

void dw_expl_tick(struct dw_detect *d, int64_t now, int flush)
{
	uint32_t cur = 0;
	const void *k;
	size_t kl;
	struct dw_expl *x;

	if (!d->expl || !d->expl_open)
		return;
	while ((x = dw_table_next(d->expl, &cur, &k, &kl)) != NULL)
		if (x->al && (flush || now - x->last >= d->cfg->expl_window))
			close_spray(d, k, kl, x);
}

/* ---- snapshot (see snapshot.c): sprays with their open alerts, then the users tried ---- */

static void put_expl(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		     const void *val)
{
	const struct dw_expl *x = val;

	dw_snap_put(sb, (uint64_t)x->first, 8);
	dw_snap_put(sb, (uint64_t)x->last, 8);
	dw_snap_put(sb, x->first_ref, 8);
	dw_snap_put(sb, x->epoch, 4);
	dw_snap_put(sb, x->users, 4);
	dw_snap_put(sb, x->n, 4);
	dw_snap_put(sb, x->logs, 4);
	dw_snap_put(sb, x->al != NULL, 1);
	if (x->al)
		dw_snap_put_alert(sb, x->al);
}

static int get_expl(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		    void *val)
{
	struct dw_expl *x = val;

	x->first = dw_snap_get_time(r);
	x->last = dw_snap_get_time(r);
	x->first_ref = dw_snap_get_ref(r, d);
	x->epoch = (uint32_t)dw_snap_get(r, 4);
	x->users = (uint32_t)dw_snap_get(r, 4);
	x->n = (uint32_t)dw_snap_get(r, 4);
	x->logs = (uint32_t)dw_snap_get(r, 4);
	if (!dw_snap_get_max(r, 1, 1))
		return r->bad ? DW_EINVAL : DW_OK;
	x->al = calloc(1, sizeof(*x->al));
	if (!x->al)
		return DW_ENOMEM;
	dw_alert_init(x->al, "password_spray", "high", "spray.explicit_credentials");
	d->expl_open++;
	return dw_snap_get_alert(r, x->al);
}

static void put_explu(const struct dw_detect *d, struct dw_sb *sb, const void *key,
		      size_t klen, const void *val)
{
	dw_snap_put(sb, ((const struct dw_expl_user *)val)->epoch, 4);
}

static int get_explu(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		     void *val)
{
	((struct dw_expl_user *)val)->epoch = (uint32_t)dw_snap_get(r, 4);
	return r->bad ? DW_EINVAL : DW_OK;
}

void dw_expl_save(const struct dw_detect *d, struct dw_sb *sb)
{
	dw_snap_put_tag(sb, "EXPL");
	dw_snap_put_table(d, sb, d->expl, put_expl);
	dw_snap_put_table(d, sb, d->explu, put_explu);
}

int dw_expl_load(struct dw_detect *d, struct dw_snap_r *r)
{
	int rc;

	dw_snap_tag(r, "EXPL");
	if ((rc = dw_snap_get_table(d, r, d->expl, DW_EXPL_KEY, get_expl)) != DW_OK)
		return rc;
	return dw_snap_get_table(d, r, d->explu, DW_EXPLU_KEY, get_explu);
}
