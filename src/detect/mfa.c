/*
 * mfa.c - mfa_fatigue: an account that denied (or failed) MFA again and
 * again and then got in. Push bombing works because the attacker already
 * holds the password: every push is a sign-in that passed the first factor.
 * The user gives in, or taps "approve" by mistake.
 *
 * Rule: at least mfa.fatigue_min (5) MFA denials or failures for one
 * account (Okta user.mfa.okta_verify.deny_push, a failed auth_via_mfa,
 * Entra 500121), each within mfa.fatigue_window (10 min) of the previous
 * one, and then a success for the account within the window of the last
 * denial (the figures of Elastic's Okta MFA-bombing rule). One alert per
 * run of denials: users and compromised name the account, sources the
 * address of the success, attempts the denials. A success after fewer
 * denials is a user fumbling with a phone and ends the run quietly; so does
 * a gap longer than the window. The success opens the account's new_access
 * report (access.c). Evidence names the record of the success.
 *
 * Memory: table user -> struct dw_mfa_state (24 B; key <= 32 B), limits.accounts
 * entries: 65,536 x 80 B = 5 MiB at most; an entry lives only while a run of
 * denials is open (it is deleted by the success or by the next run).
 */
#include "../core/tm.h"
#include "internal.h"

struct dw_mfa_state {
	int64_t first, last; /* first and last denial of the run */
	uint32_t n;          /* denials in the run */
	uint32_t logs;
};

int dw_mfa_init(struct dw_detect *d)
{
	if (!d->cfg->mfa_enabled)
		return DW_OK;
	return dw_table_new(&d->mfa, d->cfg->lim_accounts, DW_USER_KEY_MAX,
			    sizeof(struct dw_mfa_state));
}

void dw_mfa_free(struct dw_detect *d)
{
	dw_table_free(d->mfa);
	d->mfa = NULL;
}

void dw_mfa_failure(struct dw_detect *d, const struct dw_event *e)
{
	struct dw_mfa_state *m;
	int created;

	if (!d->mfa || e->user.n == 0)
		return;
	m = dw_table_upsert(d->mfa, e->user.p, e->user.n, &created);
	if (created || e->ts - m->last > d->cfg->mfa_fatigue_window) {
		m->first = e->ts;
		m->n = 0;
		m->logs = 0;
	}
	m->n += e->count ? e->count : 1;
	m->last = DW_MAX(m->last, e->ts);
	if (e->log < 32)
		m->logs |= 1u << e->log;
}

void dw_mfa_success(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		    size_t klen)
{
	struct dw_mfa_state *m;
	struct dw_alert al;
	char txt[DW_IP_BUFSZ + DW_SRC_KEY_MAX];

	if (!d->mfa || e->user.n == 0 || dw_table_count(d->mfa) == 0 ||
	    (m = dw_table_get(d->mfa, e->user.p, e->user.n)) == NULL)
		return;
	if (m->n >= d->cfg->mfa_fatigue_min && e->ts >= m->last &&
	    e->ts - m->last <= d->cfg->mfa_fatigue_window) {
		dw_alert_init(&al, "mfa_fatigue", "critical", "mfa.fatigue");
		if (klen)
			dw_strlist_add(&al.sources, txt,
				       dw_detect_src_text(key, klen, txt, sizeof(txt)));
		dw_strlist_add(&al.users, e->user.p, e->user.n);
		dw_strlist_add(&al.compromised, e->user.p, e->user.n);
		al.first_seen = m->first;
		al.last_seen = e->ts;
		al.attempts = m->n;
		al.successes = 1;
		al.logs = m->logs | (e->log < 32 ? 1u << e->log : 0);
		dw_alert_evidence_num(&al, "mfa_denials", m->n);
		dw_alert_evidence_num(&al, "seconds_denying", (m->last - m->first) / DW_NS);
		dw_alert_evidence_num(&al, "seconds_to_success", (e->ts - m->last) / DW_NS);
		dw_detect_evidence_ref(d, &al, dw_detect_ref(d, e)); /* the success */
		dw_detect_push(d, &al);
		dw_access_compromised(d, e->user.p, e->user.n, e->ts);
	}
	(void)dw_table_del(d->mfa, e->user.p, e->user.n);
}

/* ---- snapshot (see snapshot.c) ---- */

static void put_mfa(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		    const void *val)
{
	const struct dw_mfa_state *m = val;

	dw_snap_put(sb, (uint64_t)m->first, 8);
	dw_snap_put(sb, (uint64_t)m->last, 8);
	dw_snap_put(sb, m->n, 4);
	dw_snap_put(sb, m->logs, 4);
}

static int get_mfa(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		   void *val)
{
	struct dw_mfa_state *m = val;

	m->first = dw_snap_get_time(r);
	m->last = dw_snap_get_time(r);
	m->n = (uint32_t)dw_snap_get(r, 4);
	m->logs = (uint32_t)dw_snap_get(r, 4);
	return r->bad ? DW_EINVAL : DW_OK;
}

void dw_mfa_save(const struct dw_detect *d, struct dw_sb *sb)
{
	dw_snap_put_tag(sb, "MFA.");
	dw_snap_put_table(d, sb, d->mfa, put_mfa);
}

int dw_mfa_load(struct dw_detect *d, struct dw_snap_r *r)
{
	dw_snap_tag(r, "MFA.");
	return dw_snap_get_table(d, r, d->mfa, DW_USER_KEY_MAX, get_mfa);
}
