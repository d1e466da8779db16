/*
 * compromise.c - account_compromise: a successful login that an attack
 * explains. It is the alert that matters most, so it is narrow:
 *
 *  (a) a success from a source that is attacking: its episode is live
 *      (recognised as brute force / spray / stuffing), it was reported as
 *      one within episode.horizon, or it takes part in a distributed
 *      campaign that is open or was reported within the horizon;
 *  (b) a success for a user that a recognised attack failed against within
 *      episode.horizon, from a source this user has no clean success from
 *      (the known table), that is not an established source (one with
 *      compromise.established_users users' clean successes: an office NAT,
 *      a VPN gateway, a jump host).
 * With compromise.password_only (default) only password-like successes
 * count (password, keyboard-interactive, or a log that does not say): a
 * password guess does not explain a publickey login. For (b), an attack
 * from public addresses does not explain a login from a private one
 * (compromise.private_from_public = no): that attacker would have had to
 * get inside first; and a login with a client (user agent) the account
 * used cleanly before is the owner on a new network
 * (compromise.known_user_agent), and the way in (a VPN or gateway login, the dwell
 * stage) is where it shows. An attack from inside explains any login. A sprayed user who
 * logs in from a usual address is therefore not compromised; the attack's
 * alert counts them in users_with_normal_logins.
 *
 * Order: an attack may be recognised after the success it explains (the
 * 200th account of a spray succeeds; the spray is recognised at account 10
 * or at close). So a success that (a)/(b) cannot judge yet but that an
 * attack may later explain - its user failed from another source within the
 * horizon and the source is new for the user - is kept in a ring of recent
 * suspicious successes (limits.pending). When a source's attack episode
 * closes (judged against what it finally was, so a burst that looked like a
 * spray at its tenth account but hammered root by its twentieth does not
 * explain a login of an account it tried once) or a campaign opens, the ring
 * is walked back from the newest entry to the attack's start and each entry
 * the attack explains is reported. A source's own successes need no ring:
 * they are in its pairs and are judged the moment it is recognised.
 *
 * A kept success that no attack explains within horizon + idle was the
 * user's own after all: it then teaches the pair as known, so one stray bot
 * guess near a user's first login from home does not make home "new" for
 * ever.
 *
 * What the judged event proves (enum dw_comp_what) names the alert:
 *  - a success through a legacy protocol or a single-factor path (Entra
 *    legacy clientAppUsed, BAV2ROPC/ROPC, authenticationRequirement
 *    singleFactorAuthentication, Windows LogonType 8, NTLMv1) is
 *    legacy_auth_success, in place of account_compromise: the same
 *    account got in, and the kind says MFA was bypassed;
 *  - a failure that proves the password right (MFA or Conditional Access
 *    stopped the sign-in: reason password_valid_mfa_blocked; an expired
 *    password; Entra/M365 50057 disabled) is password_validated: nothing
 *    got in, but the account must change its password. It runs through the
 *    same judgement (attacking source, attacked account from a new source,
 *    or kept until an attack explains it) and never teaches a known pair.
 *
 * Evidence names the record of the judged login (or failure): each place
 * that keeps a success for later (pair, pending ring, deferred ring) keeps
 * its record reference with its time.
 *
 * One alert per (user, source, attack) and kind family: the compromised
 * table (key [len][user][source], plus a 'v' for password_validated; value
 * the attack id) drops repeats. Each login alert tells access.c, which
 * then reports what the account did next.
 *
 * Memory: pending and deferred rings limits.pending x (176 + 216) B (4,096:
 * 1.5 MiB); compromised table
 * limits.compromised x (24 + 32 + 16) B (4,096: 288 KiB + buckets).
 */
#include <stdlib.h>

#include "../core/tm.h"
#include "internal.h"

int dw_comp_init(struct dw_detect *d)
{
	int rc = dw_table_new(&d->comp, d->cfg->lim_compromised, DW_KNOWN_KEY_MAX,
			      sizeof(struct dw_comp));

	if (rc)
		return rc;
	d->pend_cap = d->cfg->lim_pending;
	d->pend = calloc(d->pend_cap, sizeof(*d->pend));
	d->defer = calloc(d->pend_cap, sizeof(*d->defer));
	return d->pend && d->defer ? DW_OK : DW_ENOMEM;
}

void dw_comp_free(struct dw_detect *d)
{
	dw_table_free(d->comp);
	free(d->pend);
	free(d->defer);
	d->comp = NULL;
	d->pend = NULL;
	d->defer = NULL;
}

int dw_comp_proves_password(const struct dw_event *e)
{
	if (e->action != DW_ACT_AUTH_FAILURE)
		return 0;
	switch (e->reason) {
	case DW_RSN_PASSWORD_VALID_MFA_BLOCKED:
	case DW_RSN_EXPIRED: /* every source checks the password before its age */
		return 1;
	case DW_RSN_DISABLED: /* Entra 50057 is only returned for the right password */
		return e->log == DW_LOG_ENTRA || e->log == DW_LOG_O365;
	default:
		return 0;
	}
}

int dw_comp_what(const struct dw_event *e)
{
	if (dw_comp_proves_password(e))
		return DW_COMP_VALIDATED;
	if ((e->has & DW_EV_LEGACY) || e->mfa == DW_MFA_SINGLE)
		return DW_COMP_LEGACY;
	return DW_COMP_LOGIN;
}

/*
 * A guessed password can explain it: password, keyboard-interactive, or
 * unknown - not a login that passed MFA, nor a client redeeming a token
 * (Entra non-interactive sign-ins) unless it is a legacy client, which
 * sends the password itself.
 */
static int password_like(const struct dw_event *e)
{
	static const char *const not_pw[] = {"publickey", "hostbased", "gssapi", "none"};

	if (e->mfa == DW_MFA_MULTI)
		return 0;
	if ((e->has & DW_EV_NONINTERACTIVE) && !(e->has & DW_EV_LEGACY))
		return 0;

	for (size_t i = 0; i < DW_ARRAY_LEN(not_pw); i++) {
		size_t n = strlen(not_pw[i]);
		if (e->protocol.n >= n && memcmp(e->protocol.p, not_pw[i], n) == 0)
			return 0;
	}
	return 1;
}

int dw_comp_report(struct dw_detect *d, const struct dw_attack *a, const char *u, size_t un,
		   const uint8_t *skey, size_t sklen, int64_t ts, uint64_t ref, int from_attacker,
		   int new_source, uint32_t logs, int what)
{
	static const char *const kinds[] = {"account_compromise", "legacy_auth_success",
					    "password_validated"};
	static const char *const dets[][2] = {
		{"compromise.new_source", "compromise.attack_source"},
		{"legacy.new_source", "legacy.attack_source"},
		{"validated.new_source", "validated.attack_source"},
	};
	uint8_t k[DW_USER_MAX + DW_SRC_KEY_MAX + 2];
	size_t kl = dw_source_us_key(u, un, skey, sklen, k);
	int created, valid = what == DW_COMP_VALIDATED;
	struct dw_comp *c;
	struct dw_user *ue;
	struct dw_alert al;
	char txt[DW_IP_BUFSZ + DW_SRC_KEY_MAX], tb[DW_TM_BUFSZ];

	if (!d->cfg->comp_enabled)
		return 0;
	if (valid)
		k[kl++] = 'v';
	c = dw_table_upsert(d->comp, k, kl, &created);
	if (!created && c->att_id == a->id)
		return 0;
	c->att_id = a->id;
	c->ts = ts;
	if (!valid) {
		ue = dw_table_get(d->user, u, un);
		if (ue)
			ue->comp_id = a->id;
		if (from_attacker)
			(void)dw_table_del(d->known, k, kl); /* never a known pair */
	}

	dw_alert_init(&al, kinds[what], valid ? "high" : "critical", dets[what][!!from_attacker]);
	dw_strlist_add(&al.sources, txt, dw_detect_src_text(skey, sklen, txt, sizeof(txt)));
	dw_strlist_add(&al.users, u, un);
	if (!valid)
		dw_strlist_add(&al.compromised, u, un);
	al.first_seen = al.last_seen = ts;
	al.attempts = a->attempts;
	al.successes = !valid;
	al.logs = logs;
	dw_alert_evidence_str(&al, "attack_kind", dw_class_kind(a->kind));
	dw_alert_evidence_str(&al, "attack_detector", a->detector ? a->detector : "");
	if (a->key && a->klen) {
		dw_detect_src_text(a->key, a->klen, txt, sizeof(txt));
		dw_alert_evidence_str(&al, "attack_source", txt);
	}
	if (a->first_seen > 0) {
		dw_tm_format(a->first_seen, 0, tb);
		dw_alert_evidence_str(&al, "attack_first_seen", tb);
		dw_alert_evidence_num(&al, "seconds_after_attack_start", (ts - a->first_seen) / DW_NS);
	}
	dw_alert_evidence_num(&al, "from_attacking_source", from_attacker);
	dw_alert_evidence_num(&al, "new_source", new_source);
	dw_detect_evidence_ref(d, &al, ref); /* the login (or the failure) judged */
	dw_detect_push(d, &al);
	if (!valid)
		dw_access_compromised(d, u, un, ts);
	return 1;
}

/* 1 if a source key is a private address (names count as private: they are local hosts). */
static int key_private(const uint8_t *key, size_t klen)
{
	struct dw_ip ip;

	memset(&ip, 0, sizeof(ip));
	if (klen == 5 && key[0] == 4)
		memcpy(&ip, key, 5);
	else if (klen == 17 && key[0] == 6)
		memcpy(&ip, key, 17);
	else
		return 1;
	return dw_ip_is_private(&ip);
}

/*
 * An attack from public addresses does not explain a login from a private
 * one (unless compromise.private_from_public): such an attacker would have
 * to be inside already, and the way in (a VPN or gateway login) is where
 * the compromise shows.
 */
static int explains_private(const struct dw_detect *d, int success_private, int attack_private)
{
	return !success_private || attack_private || d->cfg->comp_private_from_public;
}

/*
 * 1 if a campaign participant is somebody's own device after all: an
 * account logged in cleanly from it, or every account it failed for got in
 * from it right after (typos), or (retyped) it failed once for the account
 * whose password it now proved right. A campaign counts failures of quiet
 * sources, and a roaming phone with a typo is one until it logs in.
 */
static int own_device(const struct dw_src *s, int retyped)
{
	return s->good_users > 0 || (s->users && s->red_users >= s->users) ||
	       (retyped && s->users == 1);
}

static void campaign_attack(struct dw_detect *d, struct dw_attack *a, const struct dw_camp *cp)
{
	memset(a, 0, sizeof(*a));
	a->id = dw_dist_att_id(cp->id);
	a->kind = DW_CL_DIST;
	a->detector = cp->last_seen - cp->first_seen >= d->cfg->slow_min_duration
			      ? "distributed.slow"
			      : "distributed.window";
	a->first_seen = cp->first_seen;
	a->camp = cp->id;
}

/* Failures of the attack source akey against user u, and when they started. */
static uint32_t attack_fails(struct dw_detect *d, const uint8_t *akey, size_t aklen,
			     const char *u, size_t un, int64_t *first)
{
	uint8_t pk[1 + DW_SRC_KEY_MAX + DW_USER_MAX + 1];
	struct dw_pair *p;

	p = dw_table_get(d->pair, pk, dw_source_pair_key(akey, aklen, u, un, pk));
	if (!p || !p->fails)
		return 0;
	*first = p->first_fail;
	return p->fails;
}

/*
 * A login (or a proved password) of an attacked account from a source new
 * to it waits episode.typo_window before it is reported: a phone on a
 * carrier address never seen before is the owner when the same address
 * then completes MFA (a sign-in that teaches the pair as known), and an
 * attacker stopped by MFA never does. The report is told to access.c at
 * once (so the session right after the login is in it) and withdrawn with
 * the report. When the ring is full the oldest is judged early.
 */
static void defer_judge(struct dw_detect *d, struct dw_defer *x)
{
	struct dw_attack a;

	if (dw_source_known(d, NULL, x->src, x->srclen, x->user, x->ulen)) {
		if (x->what != DW_COMP_VALIDATED)
			dw_access_cancel(d, x->user, x->ulen, x->ts);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.id = x->att_id;
	a.kind = x->kind;
	a.detector = x->detector;
	a.first_seen = x->att_first;
	a.key = x->akeylen ? x->akey : NULL;
	a.klen = x->akeylen;
	a.attempts = x->attempts;
	if (!dw_comp_report(d, &a, x->user, x->ulen, x->src, x->srclen, x->ts, x->ref, 0, 1,
			    x->logs, x->what) &&
	    x->what != DW_COMP_VALIDATED)
		dw_access_cancel(d, x->user, x->ulen, x->ts); /* a repeat: nothing new opened */
}

void dw_comp_defer_run(struct dw_detect *d, int64_t now, int all)
{
	while (d->defer_n) {
		struct dw_defer *x = &d->defer[d->defer_head];
		if (!all && x->ts + d->cfg->typo_window > now)
			break;
		d->defer_head = (d->defer_head + 1) % d->pend_cap;
		d->defer_n--;
		if (!x->done)
			defer_judge(d, x);
	}
}

void dw_comp_defer_attack(struct dw_detect *d, uint64_t att)
{
	for (size_t i = 0; i < d->defer_n; i++) {
		struct dw_defer *x = &d->defer[(d->defer_head + i) % d->pend_cap];
		if (!x->done && x->att_id == att) {
			x->done = 1;
			defer_judge(d, x);
		}
	}
}

static void defer(struct dw_detect *d, const struct dw_attack *a, const char *u, size_t un,
		  const uint8_t *skey, size_t sklen, int64_t ts, uint64_t ref, uint32_t logs,
		  int what)
{
	struct dw_defer *x;

	if (un > sizeof(x->user)) { /* cannot be kept whole: judged now */
		dw_comp_report(d, a, u, un, skey, sklen, ts, ref, 0, 1, logs, what);
		return;
	}
	if (d->defer_n == d->pend_cap) {
		x = &d->defer[d->defer_head];
		d->defer_head = (d->defer_head + 1) % d->pend_cap;
		d->defer_n--;
		d->pend_overwritten++;
		if (!x->done)
			defer_judge(d, x);
	}
	x = &d->defer[(d->defer_head + d->defer_n) % d->pend_cap];
	memset(x, 0, sizeof(*x));
	x->ts = ts;
	x->ref = ref;
	x->att_first = a->first_seen;
	x->att_id = a->id;
	x->detector = a->detector;
	x->attempts = a->attempts;
	x->logs = logs;
	x->kind = (uint8_t)a->kind;
	x->what = (uint8_t)what;
	x->srclen = (uint8_t)DW_MIN(sklen, sizeof(x->src));
	memcpy(x->src, skey, x->srclen);
	if (a->key && a->klen) {
		x->akeylen = (uint8_t)DW_MIN(a->klen, sizeof(x->akey));
		memcpy(x->akey, a->key, x->akeylen);
	}
	x->ulen = (uint8_t)un;
	memcpy(x->user, u, un);
	d->defer_n++;
	if (what != DW_COMP_VALIDATED)
		dw_access_compromised(d, u, un, ts);
}

int dw_comp_success(struct dw_detect *d, const struct dw_event *e, struct dw_src *s,
		    struct dw_pair *p, struct dw_user *u, const uint8_t *key, size_t klen,
		    uint32_t fails_before, int known)
{
	const struct dw_config *c = d->cfg;
	int64_t ts = e->ts;
	int pw = password_like(e), what = dw_comp_what(e), valid = what == DW_COMP_VALIDATED;
	uint32_t logs = e->log < 32 ? 1u << e->log : 0;
	uint32_t pfails = p && p->src == s && p->epoch == s->epoch ? p->fails : 0;
	const struct dw_camp *cp;
	struct dw_attack a;
	uint32_t others;

	if (p && !valid) {
		p->flags &= (uint8_t)~(DW_PF_PWSUCC | DW_PF_LEGACY);
		if (pw)
			p->flags |= DW_PF_PWSUCC;
		if (what == DW_COMP_LEGACY)
			p->flags |= DW_PF_LEGACY;
	}
	if (c->comp_enabled && (pw || valid || !c->comp_password_only)) {
		/* (a) the source is attacking */
		memset(&a, 0, sizeof(a));
		a.key = key;
		a.klen = klen;
		a.attempts = pfails;
		if (s->flags & DW_SF_LIVE) {
			a.id = s->att_id;
			a.kind = s->live_kind;
			a.detector = dw_class_detector(s->live_kind, s->last_fail - s->first_fail >=
									      c->slow_min_duration);
			a.first_seen = s->first_fail;
			goto attacker;
		}
		if (s->camp && !own_device(s, valid && pfails) && !dw_source_ua_known(d, e) &&
		    (cp = dw_dist_campaign(d, s->camp)) != NULL &&
		    (cp->state == DW_CAMP_OPEN || ts <= cp->last_seen + c->horizon)) {
			campaign_attack(d, &a, cp);
			a.attempts = pfails;
			goto attacker;
		}
		if (s->att_id && s->rep_until >= ts && s->rep_kind != DW_CL_DIST) {
			a.id = s->att_id;
			a.kind = s->rep_kind;
			a.detector = dw_class_detector(s->rep_kind, 0);
			goto attacker;
		}
		/* (b) an attacked user from a new source; while learning, private addresses only teach */
		if (!known && (s->flags & DW_SF_PRIVATE) && c->comp_learn &&
		    ts < d->first_ts + c->comp_learn)
			known = 1;
		/* the owner's own client on a new network */
		if (!known && dw_source_ua_known(d, e))
			known = 1;
		if (!known && u && u->att_id && ts <= u->att_ts + c->horizon &&
		    !(u->att_keylen == DW_MIN(klen, sizeof(u->att_key)) &&
		      memcmp(u->att_key, key, u->att_keylen) == 0) &&
		    explains_private(d, s->flags & DW_SF_PRIVATE,
				     key_private(u->att_key, u->att_keylen))) {
			int64_t first = 0;
			memset(&a, 0, sizeof(a));
			a.id = u->att_id;
			a.kind = u->att_kind;
			a.detector = dw_class_detector(u->att_kind, 0);
			a.key = u->att_key;
			a.klen = u->att_keylen;
			a.attempts = attack_fails(d, u->att_key, u->att_keylen, e->user.p, e->user.n,
						  &first);
			a.first_seen = first;
			defer(d, &a, e->user.p, e->user.n, key, klen, ts, dw_detect_ref(d, e), logs,
			      what);
			return 0;
		}
		if (!known && u && u->camp && (cp = dw_dist_campaign(d, u->camp)) != NULL &&
		    ts <= u->camp_ts + c->horizon &&
		    explains_private(d, s->flags & DW_SF_PRIVATE, c->dist_private)) {
			campaign_attack(d, &a, cp);
			defer(d, &a, e->user.p, e->user.n, key, klen, ts, dw_detect_ref(d, e), logs,
			      what);
			return 0;
		}
		/* an attack recognised later may explain it */
		if (!known && u && explains_private(d, s->flags & DW_SF_PRIVATE, 0)) {
			uint64_t h = dw_detect_hash(key, klen);
			for (int i = 0; i < 2; i++)
				if (u->fh[i] && u->fh[i] != h && ts - u->ft[i] <= c->horizon) {
					dw_comp_pend(d, e->user.p, e->user.n, key, klen, ts,
						     dw_detect_ref(d, e), logs, what);
					return 0;
				}
		}
		/*
		 * ... or a campaign turns out to hold this source: failing for
		 * other accounts (or proving a password right from a new
		 * place), with no clean login of anyone (an office NAT with
		 * typos has those). Still judged for cleanliness below.
		 */
		if (!known && (valid || s->fails > pfails) && s->good_users == 0 && c->dist_enabled &&
		    explains_private(d, s->flags & DW_SF_PRIVATE, c->dist_private))
			dw_comp_pend(d, e->user.p, e->user.n, key, klen, ts, dw_detect_ref(d, e),
				     logs, what);
	}
	if (valid)
		return 0; /* never clean: the sign-in did not happen */
	/* not clean: a source failing for other users with no clean history */
	others = s->users - DW_MIN(s->red_users, s->users);
	if (pfails && !(p->flags & DW_PF_REDEEMED) && others)
		others--;
	if (s->good_users == 0 && s->fails && others)
		return 0;
	/* nor a success after more failures than a typo */
	if (fails_before > c->typo_max)
		return 0;
	return 1;
attacker:
	dw_comp_report(d, &a, e->user.p, e->user.n, key, klen, ts, dw_detect_ref(d, e), 1, !known,
		       s->logs, what);
	if (p)
		p->flags |= valid ? DW_PF_VREP : DW_PF_COMP;
	return 0;
}

/* The i-th newest kept success (0 = newest). */
static struct dw_pend *pend_at(struct dw_detect *d, size_t i)
{
	return &d->pend[(d->pend_head + d->pend_cap - 1 - i) % d->pend_cap];
}

/*
 * Kept successes that no attack explained within horizon + idle were the
 * user's own: they teach the pair as known (oldest first, amortised O(1)).
 */
static void pend_expire(struct dw_detect *d, int64_t now)
{
	int64_t limit = now - d->cfg->horizon - d->cfg->idle;

	while (d->pend_n) {
		struct dw_pend *e = pend_at(d, d->pend_n - 1);
		if (e->ts >= limit)
			break;
		if (!e->done && !e->ucut && e->what != DW_COMP_VALIDATED &&
		    dw_source_learn(d, e->user, e->ulen, e->src, e->srclen, e->ts)) {
			struct dw_src *s = dw_table_get(d->src, e->src, e->srclen);
			if (s)
				s->good_users++;
		}
		e->done = 1;
		d->pend_n--;
	}
}

void dw_comp_pend(struct dw_detect *d, const char *u, size_t un, const uint8_t *skey,
		  size_t sklen, int64_t ts, uint64_t ref, uint32_t logs, int what)
{
	struct dw_pend *e;

	pend_expire(d, ts);
	e = &d->pend[d->pend_head % d->pend_cap];

	if (d->pend_n == d->pend_cap && !e->done)
		d->pend_overwritten++;
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->ref = ref;
	e->logs = logs;
	e->what = (uint8_t)what;
	e->srclen = (uint8_t)DW_MIN(sklen, sizeof(e->src));
	memcpy(e->src, skey, e->srclen);
	e->ulen = (uint8_t)DW_MIN(un, sizeof(e->user));
	e->ucut = un > sizeof(e->user);
	memcpy(e->user, u, e->ulen);
	d->pend_head = (d->pend_head + 1) % d->pend_cap;
	if (d->pend_n < d->pend_cap)
		d->pend_n++;
}

void dw_comp_scan_source(struct dw_detect *d, struct dw_src *s, const uint8_t *skey,
			 size_t sklen, const struct dw_attack *a)
{
	for (size_t i = 0; i < d->pend_n; i++) {
		struct dw_pend *e = pend_at(d, i);
		uint8_t pk[1 + DW_SRC_KEY_MAX + DW_USER_MAX + 1];
		struct dw_pair *p;
		struct dw_attack a2;

		if (e->ts < s->first_fail)
			break;
		if (e->done || e->ucut || (e->srclen == sklen && memcmp(e->src, skey, sklen) == 0))
			continue;
		p = dw_table_get(d->pair, pk, dw_source_pair_key(skey, sklen, e->user, e->ulen, pk));
		if (!p || p->src != s || p->epoch != s->epoch || !p->fails ||
		    p->first_fail > e->ts || e->ts > p->last_fail + d->cfg->horizon)
			continue;
		if (a->kind == DW_CL_BRUTE && p->fails < d->cfg->comp_brute_user_failures)
			continue;
		if (!explains_private(d, key_private(e->src, e->srclen), s->flags & DW_SF_PRIVATE))
			continue;
		if (dw_source_known(d, NULL, e->src, e->srclen, e->user, e->ulen))
			continue; /* the owner completed a sign-in from there since */
		a2 = *a;
		a2.attempts = p->fails;
		dw_comp_report(d, &a2, e->user, e->ulen, e->src, e->srclen, e->ts, e->ref, 0, 1,
			       e->logs, e->what);
		e->done = 1;
	}
}

void dw_comp_scan_campaign(struct dw_detect *d, const struct dw_camp *cp,
			   const struct dw_attack *a)
{
	for (size_t i = 0; i < d->pend_n; i++) {
		struct dw_pend *e = pend_at(d, i);
		struct dw_src *s;
		struct dw_user *u;

		if (e->ts < cp->start)
			break;
		if (e->done || e->ucut)
			continue;
		s = dw_table_get(d->src, e->src, e->srclen);
		if (s && s->camp == cp->id && !own_device(s, 0)) {
			dw_comp_report(d, a, e->user, e->ulen, e->src, e->srclen, e->ts, e->ref, 1,
				       1, e->logs, e->what);
			e->done = 1;
			continue;
		}
		u = dw_table_get(d->user, e->user, e->ulen);
		if (u && u->camp == cp->id && e->ts <= u->camp_ts + d->cfg->horizon &&
		    explains_private(d, key_private(e->src, e->srclen), d->cfg->dist_private) &&
		    !dw_source_known(d, NULL, e->src, e->srclen, e->user, e->ulen)) {
			dw_comp_report(d, a, e->user, e->ulen, e->src, e->srclen, e->ts, e->ref, 0,
				       1, e->logs, e->what);
			e->done = 1;
		}
	}
}
