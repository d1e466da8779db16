/*
 * classify.c - what one source's episode is, and its alert.
 *
 * Inputs (kept by source.c for the open episode): failures F, distinct
 * failing users U, of which Ur were typo-redeemed (failure then success
 * from the same source within episode.typo_window), failures F' and users
 * U' left unexplained by typos, unknown-user users, max failures per user,
 * reasons, the last 8 intervals between failures, and whether the source
 * has clean successes.
 *
 * Rules, in order (defaults in brackets, all in etc/dwell.conf):
 *   benign       Ur >= benign_redeemed [50%] of U: the failures are
 *                typos of people who then got in (office NAT, jump host)
 *   stale        U' = 1, every failure bad_password, and either the pair
 *                has a clean success before (known) or the source is
 *                private and fails at a regular interval (median >=
 *                stale.min_interval [60 s], IQR <= stale.regular [25%] of
 *                the median): stale_credentials (low) once F' >=
 *                stale.min_failures [10] over stale.min_duration [1 h];
 *                never an attack
 *   stuffing     U' >= stuffing.min_users [20], max per user <=
 *                stuffing.max_per_user [2], unknown users >=
 *                stuffing.unknown_users [50%] of U
 *   spray        U' >= spray.min_users [10], max per user <=
 *                spray.max_per_user [5]
 *   brute force  F' >= bruteforce.min_failures [8] (slow.min_failures
 *                [10] when the episode spans slow.min_duration [6 h]),
 *                against U' <= bruteforce.max_users [5] accounts or with
 *                some account guessed more than spray.max_per_user times
 *                (many accounts, few guesses each, is a spray in the making)
 * An episode that spans slow.min_duration is reported by the ".slow"
 * detector (bruteforce.slow, spray.slow, stuffing.slow) with its pace. The
 * alert's evidence names the record of the episode's first failure (file
 * and line or record_id: dw_detect_evidence_ref).
 *
 * Live recognition: after each failure of a source without clean
 * successes, the same rules run once the counts could qualify; the first
 * time they say "attack" the source is live: its users are marked as
 * attacked (for compromise by any source within episode.horizon) and its
 * own successes in the episode are compromises. A live spray that starts to
 * hammer one account becomes a brute force, and the accounts it tried only
 * once or twice lose their mark (compromise.brute_user_failures). Successes
 * from elsewhere that came before recognition (the compromise ring) are
 * judged at close, against what the episode finally was.
 * A source with clean successes (a NAT, a jump host) is only judged when
 * its episode closes, so a burst of its users' typos cannot be mistaken
 * for a spray mid-way.
 *
 * Close: the episode queue (source.c) closes an episode quiet for
 * episode.idle, or at the end of input. An attack (or stale credentials)
 * gives one alert with the totals of the whole episode and starts a new
 * episode; anything else keeps counting until episode.forget.
 *
 * Memory: none of its own; an alert's lists are built at close by walking
 * the source's pair list (its users only).
 */
#include <stdlib.h>

#include "internal.h"

const char *dw_class_kind(int cls)
{
	switch (cls) {
	case DW_CL_BRUTE: return "brute_force";
	case DW_CL_SPRAY: return "password_spray";
	case DW_CL_STUFF: return "credential_stuffing";
	case DW_CL_STALE: return "stale_credentials";
	case DW_CL_DIST: return "distributed_spray";
	case DW_CL_BENIGN: return "benign";
	default: return "none";
	}
}

const char *dw_class_detector(int cls, int slow)
{
	switch (cls) {
	case DW_CL_BRUTE: return slow ? "bruteforce.slow" : "bruteforce.per_source";
	case DW_CL_SPRAY: return slow ? "spray.slow" : "spray.per_source";
	case DW_CL_STUFF: return slow ? "stuffing.slow" : "stuffing.per_source";
	case DW_CL_STALE: return "stale.per_source";
	default: return "none";
	}
}

static uint64_t attack_id(const uint8_t *key, size_t klen, int64_t first)
{
	uint64_t id = dw_detect_hash(key, klen) ^ ((uint64_t)first * 0x9e3779b97f4a7c15ULL);

	return (id & ~(1ULL << 63)) | 1;
}

/* The only unredeemed failing pair of a single-user episode. */
static struct dw_pair *single_pair(const struct dw_src *s)
{
	for (struct dw_pair *p = s->pairs; p; p = p->next)
		if (p->epoch == s->epoch && p->fails && !(p->flags & DW_PF_REDEEMED))
			return p;
	return NULL;
}

int dw_classify(struct dw_detect *d, const struct dw_src *s, const uint8_t *skey, size_t sklen,
		struct dw_class_info *ci)
{
	const struct dw_config *c = d->cfg;
	uint32_t red = DW_MIN(s->red_users, s->users);
	uint32_t uun = s->users - red;
	uint32_t fun = s->fails - DW_MIN(s->red_fails, s->fails);
	int64_t dur = s->last_fail - s->first_fail;
	uint32_t v[DW_IVL_N], minf;

	memset(ci, 0, sizeof(*ci));
	if (s->fails == 0)
		return ci->cls = DW_CL_NONE;
	ci->slow = dur >= c->slow_min_duration;
	if (s->ivl_n) {
		dw_source_sorted_intervals(s, v);
		ci->median_s = v[s->ivl_n / 2];
		if (s->ivl_n >= 4 && ci->median_s &&
		    (int64_t)ci->median_s * DW_NS >= c->stale_min_interval) {
			uint32_t iqr = v[(3 * s->ivl_n) / 4] - v[s->ivl_n / 4];
			ci->regular = (uint64_t)iqr * 100 <= (uint64_t)c->stale_regular_pct * ci->median_s;
		}
	}
	if (red && (uint64_t)red * 100 >= (uint64_t)c->benign_redeemed_pct * s->users)
		return ci->cls = DW_CL_BENIGN;
	if (uun == 1 && s->nouser_fails == 0 && c->stale_enabled &&
	    s->reasons == (1u << DW_RSN_BAD_PASSWORD)) {
		struct dw_pair *p = single_pair(s);
		if (p) {
			size_t un;
			const char *u = dw_source_pair_user(d, p, &un);
			uint8_t k[DW_USER_MAX + DW_SRC_KEY_MAX + 2];
			size_t kl = dw_source_us_key(u, un, skey, sklen, k);
			ci->known_pair = dw_table_get(d->known, k, kl) != NULL;
		}
		if (ci->known_pair || ((s->flags & DW_SF_PRIVATE) && ci->regular))
			return ci->cls = (fun >= c->stale_min_failures && dur >= c->stale_min_duration)
						 ? DW_CL_STALE
						 : DW_CL_NONE;
	}
	if (c->stuff_enabled && uun >= c->stuff_min_users && s->maxpu <= c->stuff_max_per_user &&
	    (uint64_t)s->unk_users * 100 >= (uint64_t)c->stuff_unknown_pct * s->users)
		return ci->cls = DW_CL_STUFF;
	if (c->spray_enabled && uun >= c->spray_min_users && s->maxpu <= c->spray_max_per_user)
		return ci->cls = DW_CL_SPRAY;
	minf = ci->slow ? DW_MAX(c->bf_min_failures, c->slow_min_failures) : c->bf_min_failures;
	if (c->bf_enabled && fun >= minf &&
	    (uun <= c->bf_max_users || s->maxpu > c->spray_max_per_user))
		return ci->cls = DW_CL_BRUTE;
	return ci->cls = DW_CL_NONE;
}

static void fill_attack(struct dw_attack *a, const struct dw_src *s, const uint8_t *key,
			size_t klen, int cls, int slow)
{
	memset(a, 0, sizeof(*a));
	a->id = s->att_id;
	a->kind = cls;
	a->detector = dw_class_detector(cls, slow);
	a->first_seen = s->first_fail;
	a->key = key;
	a->klen = klen;
}

/*
 * s has just been recognised as an attack of class cls: its users are
 * marked (successes from elsewhere are judged as they come) and its own
 * successes in the episode are compromises.
 */
static void recognise(struct dw_detect *d, struct dw_src *s, const uint8_t *key, size_t klen,
		      int cls, int slow)
{
	struct dw_attack a;

	s->flags |= DW_SF_LIVE;
	s->live_kind = (uint8_t)cls;
	s->att_id = attack_id(key, klen, s->first_fail);
	dw_source_mark_users(d, s, key, klen, cls);
	if (!d->cfg->comp_enabled)
		return;
	fill_attack(&a, s, key, klen, cls, slow);
	/* its own successes in the episode */
	for (struct dw_pair *p = s->pairs; p; p = p->next) {
		size_t un;
		const char *u;

		if (p->epoch != s->epoch)
			continue;
		u = dw_source_pair_user(d, p, &un);
		a.attempts = p->fails;
		/* a password it proved right although the sign-in was stopped */
		if ((p->flags & (DW_PF_VALID | DW_PF_VREP)) == DW_PF_VALID &&
		    p->valid_ts >= s->first_fail) {
			dw_comp_report(d, &a, u, un, key, klen, p->valid_ts, p->valid_ref, 1, 1,
				       s->logs, DW_COMP_VALIDATED);
			p->flags |= DW_PF_VREP;
		}
		if (!p->succ_ts || p->succ_ts < s->first_fail || (p->flags & DW_PF_COMP))
			continue;
		if (d->cfg->comp_password_only && !(p->flags & DW_PF_PWSUCC))
			continue;
		dw_comp_report(d, &a, u, un, key, klen, p->succ_ts, p->succ_ref, 1,
			       !dw_source_known(d, NULL, key, klen, u, un), s->logs,
			       p->flags & DW_PF_LEGACY ? DW_COMP_LEGACY : DW_COMP_LOGIN);
		p->flags |= DW_PF_COMP;
	}
}

/*
 * A live spray that turns out to hammer one account (more than
 * spray.max_per_user guesses) is a brute force: it no longer counts as aimed
 * at the accounts it tried only once or twice, so they lose their mark.
 */
void dw_classify_relive(struct dw_detect *d, struct dw_src *s, const uint8_t *skey,
			size_t sklen)
{
	struct dw_class_info ci;
	int cls;

	if ((s->live_kind != DW_CL_SPRAY && s->live_kind != DW_CL_STUFF) ||
	    s->maxpu <= d->cfg->spray_max_per_user)
		return;
	cls = dw_classify(d, s, skey, sklen, &ci);
	if (cls != DW_CL_BRUTE)
		return;
	s->live_kind = DW_CL_BRUTE;
	for (struct dw_pair *p = s->pairs; p; p = p->next) {
		size_t un;
		const char *u;
		struct dw_user *ue;

		if (p->epoch != s->epoch || !p->fails || p->fails >= d->cfg->comp_brute_user_failures)
			continue;
		u = dw_source_pair_user(d, p, &un);
		ue = dw_table_get(d->user, u, un);
		if (ue && ue->att_id == s->att_id) {
			ue->att_id = 0;
			ue->att_ts = 0;
		}
	}
}

void dw_classify_live(struct dw_detect *d, struct dw_src *s, const uint8_t *skey, size_t sklen)
{
	const struct dw_config *c = d->cfg;
	uint32_t uun = s->users - DW_MIN(s->red_users, s->users);
	uint32_t fun = s->fails - DW_MIN(s->red_fails, s->fails);
	struct dw_class_info ci;

	if (s->good_users)
		return;
	if (fun < c->bf_min_failures && uun < c->spray_min_users && uun < c->stuff_min_users)
		return;
	if (dw_class_is_attack(dw_classify(d, s, skey, sklen, &ci)))
		recognise(d, s, skey, sklen, ci.cls, ci.slow);
}

static unsigned popcount16(unsigned v)
{
	unsigned n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static void emit_alert(struct dw_detect *d, struct dw_src *s, const uint8_t *key, size_t klen,
		       const struct dw_class_info *ci)
{
	struct dw_alert a;
	char txt[DW_IP_BUFSZ + DW_SRC_KEY_MAX];
	int64_t dur = s->last_fail - s->first_fail, normal = 0;
	const char *sev;

	if (s->att_id && d->defer_n)
		dw_comp_defer_attack(d, s->att_id); /* its alert lists them */
	dw_alert_init(&a, dw_class_kind(ci->cls), "medium", dw_class_detector(ci->cls, ci->slow));
	dw_strlist_add(&a.sources, txt, dw_detect_src_text(key, klen, txt, sizeof(txt)));
	for (struct dw_pair *p = s->pairs; p; p = p->next) {
		size_t un;
		const char *u;
		struct dw_user *ue;

		if (p->epoch != s->epoch || (!p->fails && !(p->flags & DW_PF_COMP)))
			continue;
		u = dw_source_pair_user(d, p, &un);
		dw_strlist_add(&a.users, u, un);
		ue = dw_table_get(d->user, u, un);
		if ((p->flags & DW_PF_COMP) || (ue && s->att_id && ue->comp_id == s->att_id))
			dw_strlist_add(&a.compromised, u, un);
		if (ue && p->fails && ue->last_clean >= s->first_fail)
			normal++;
	}
	a.first_seen = s->first_fail;
	a.last_seen = DW_MAX(s->last_fail, s->last_succ);
	a.attempts = s->fails;
	a.successes = s->succ;
	a.logs = s->logs;
	switch (ci->cls) {
	case DW_CL_BRUTE: sev = a.compromised.total ? "high" : "medium"; break;
	case DW_CL_SPRAY: sev = a.compromised.total ? "critical" : "high"; break;
	case DW_CL_STUFF: sev = a.compromised.total ? "high" : "medium"; break;
	case DW_CL_STALE: sev = "low"; break;
	default: sev = "info"; break;
	}
	a.severity = sev;
	dw_alert_evidence_num(&a, "max_attempts_per_user", s->maxpu);
	dw_alert_evidence_num(&a, "distinct_reasons", popcount16(s->reasons));
	dw_alert_evidence_num(&a, "unknown_user_ratio",
			      s->users ? (int64_t)s->unk_users * 100 / s->users : 0);
	dw_alert_evidence_num(&a, "median_interval_s", ci->median_s);
	dw_alert_evidence_num(&a, "duration_s", dur / DW_NS);
	if (dur >= 60 * DW_NS)
		dw_alert_evidence_num(&a, "attempts_per_hour",
				      (int64_t)((double)s->fails * 3600.0 * DW_NS / (double)dur));
	dw_alert_evidence_num(&a, "typo_users", s->red_users);
	dw_alert_evidence_num(&a, "users_with_normal_logins", normal);
	if (ci->cls == DW_CL_STALE) {
		dw_alert_evidence_num(&a, "known_good_pair", ci->known_pair);
		dw_alert_evidence_num(&a, "regular", ci->regular);
	}
	dw_detect_evidence_ref(d, &a, s->first_ref); /* the episode's first failure */
	dw_detect_push(d, &a);
}

void dw_classify_close(struct dw_detect *d, struct dw_src *s, const uint8_t *skey, size_t sklen,
		       int64_t now, int flush)
{
	const struct dw_config *c = d->cfg;
	struct dw_class_info ci;
	int cls;

	if (s->fails == 0) {
		s->flags &= (uint8_t)~DW_SF_LIVE;
		return;
	}
	cls = dw_classify(d, s, skey, sklen, &ci);
	if (dw_class_is_attack(cls)) {
		struct dw_attack a;

		if (!(s->flags & DW_SF_LIVE))
			recognise(d, s, skey, sklen, cls, ci.slow);
		/*
		 * Kept successes from elsewhere are judged once, against what the
		 * episode finally was: a burst can look like a spray at its tenth
		 * account and be a brute force of root by its twentieth.
		 */
		if (c->comp_enabled) {
			fill_attack(&a, s, skey, sklen, cls, ci.slow);
			dw_comp_scan_source(d, s, skey, sklen, &a);
		}
		emit_alert(d, s, skey, sklen, &ci);
		s->rep_until = DW_MAX(s->last_fail, s->last_succ) + c->horizon;
		s->rep_kind = (uint8_t)cls;
		dw_source_reset(d, s);
		return;
	}
	if (cls == DW_CL_STALE) {
		emit_alert(d, s, skey, sklen, &ci);
		dw_source_reset(d, s);
		return;
	}
	if (flush || now - s->last_fail >= c->forget)
		dw_source_reset(d, s);
	else
		s->flags &= (uint8_t)~DW_SF_LIVE;
}
