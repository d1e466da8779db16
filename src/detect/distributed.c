/*
 * distributed.c - distributed (and slow distributed) password spraying:
 * many sources with a few attempts each, seen only in aggregate. After
 * Javed & Paxson (CCS 2013): a tenant-wide statistic per window, change
 * detection against a baseline, then attribution of the sources that took
 * part.
 *
 * Statistic: per bucket (distributed.bucket, 10 min) the failures of
 * "quiet" sources count: a source is quiet while it stays at or below
 * distributed.quiet_per_hour [3] failures in every clock hour of its
 * episode, has no clean success (users who mistype then log in are not
 * attackers), and is public (unless distributed.private). Two sliding
 * windows - distributed.window [1 h] and distributed.slow_window [24 h] -
 * hold EXACT distinct counts of such sources and of the users they failed
 * for (window.c: O(1) per failure, no sets).
 *
 * Change detection, at each bucket boundary: a window triggers when its
 * distinct sources >= its floor (min_sources [10] / slow_min_sources [20])
 * and distinct users >= its floor (min_users [10] / slow_min_users [20])
 * and both exceed their baseline mean + distributed.sigma [3] standard
 * deviations (at least sqrt(mean): counts are no less noisy than Poisson).
 * A window judges only once the input has spanned it and its first full
 * sample was learned: the first hour of a file (the first day, for the
 * long window) is background, whatever it holds. Baselines are bias-corrected EWMAs of the same window counts
 * with time constant distributed.baseline [7 d]; they learn only while no
 * campaign is open and the window does not overlap the last campaign, so
 * an attack never becomes the norm; the floors make the first hours of a
 * file work before there is any history. Once a baseline has learned
 * distributed.warmup [1 h] of samples, each new sample is capped before it
 * is learned (window.c), so a campaign slower than the windows cannot teach
 * the baseline its own level.
 *
 * Campaign: opens when a window triggers; its start is that window's start.
 * Attribution at open walks the source table once: every quiet source whose
 * episode began inside the window becomes a participant, and the users its
 * pairs failed are marked. While open, every quiet failure of a source whose
 * episode began after the start adds it. The campaign stays open while the
 * short window triggers or still holds distributed.active_sources [3] quiet
 * sources above its baseline (the long window, which remembers a whole day,
 * opens campaigns but does not keep them open: a campaign seen only by it is
 * reported at the next boundary with what the window attributed, and the
 * long window may open the next one only once it no longer overlaps this
 * one, so a campaign slower than the short window gives one alert a day),
 * and at most distributed.max_duration [3 d] (a lasting change of the
 * background is then learned rather than reported for ever);
 * then it closes (or at the end of input): the source table is walked once more and
 * the alert names the participants, minus those that hammer a few accounts
 * (more than spray.max_per_user failures against one) or classify as stale
 * credentials (reported by their own per-source alert), minus sources
 * whose every failure was a typo or from which someone logged in cleanly
 * (a roaming phone with a mistyped password is quiet until it logs in). The
 * absorbed participants' own episodes end with the campaign (one attack,
 * one alert). Fewer participants or users than the opening window's floors:
 * discarded. detector "distributed.window", or "distributed.slow" when the
 * attributed failures span slow.min_duration [6 h]; evidence names the
 * record of the first attributed failure (the earliest participant's).
 * Work: O(1) per failure; one walk of the source table at open and at
 * close; never per event.
 *
 * Memory: 4 departure rings + 1 attempt ring of (slow_window/bucket + 1)
 * 4-byte counters (145 buckets: 2.9 KiB), 4 baselines, 8 campaign records.
 * Limits: participants whose source entry was evicted before the campaign
 * closed are missing from its lists (sources_total undercounts); under a
 * flood of distinct sources the distinct counts can over-count by the
 * evictions inside one window (see window.c).
 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

static int64_t buckets_of(int64_t len, int64_t bucket)
{
	int64_t n = (len + bucket - 1) / bucket;
	return n < 1 ? 1 : n;
}

int dw_dist_init(struct dw_detect *d)
{
	const struct dw_config *c = d->cfg;
	int64_t ls = buckets_of(c->dist_window, c->dist_bucket);
	int64_t ll = buckets_of(c->dist_slow_window, c->dist_bucket);
	double alpha = (double)c->dist_bucket / (double)c->dist_baseline;
	int rc;

	if (ll < ls)
		ll = ls;
	d->ring_len = ll + 1;
	if ((rc = dw_wcount_init(&d->ws_src, ls, d->ring_len)) ||
	    (rc = dw_wcount_init(&d->ws_user, ls, d->ring_len)) ||
	    (rc = dw_wcount_init(&d->wl_src, ll, d->ring_len)) ||
	    (rc = dw_wcount_init(&d->wl_user, ll, d->ring_len)))
		return rc;
	d->attempts = calloc((size_t)d->ring_len, sizeof(uint32_t));
	if (!d->attempts)
		return DW_ENOMEM;
	if (alpha > 1)
		alpha = 1;
	dw_ewma_init(&d->b_ss, alpha);
	dw_ewma_init(&d->b_su, alpha);
	dw_ewma_init(&d->b_ls, alpha);
	dw_ewma_init(&d->b_lu, alpha);
	d->camp_next = 1;
	d->last_camp_end = INT64_MIN / 2;
	return DW_OK;
}

void dw_dist_free(struct dw_detect *d)
{
	dw_wcount_free(&d->ws_src);
	dw_wcount_free(&d->ws_user);
	dw_wcount_free(&d->wl_src);
	dw_wcount_free(&d->wl_user);
	free(d->attempts);
	d->attempts = NULL;
}

const struct dw_camp *dw_dist_campaign(const struct dw_detect *d, uint32_t id)
{
	const struct dw_camp *cp = &d->camps[id % DW_CAMP_RING];

	if (id == 0 || cp->id != id)
		return NULL;
	return cp->state == DW_CAMP_OPEN || cp->state == DW_CAMP_REPORTED ? cp : NULL;
}

int dw_dist_holds(const struct dw_detect *d, const struct dw_src *s)
{
	return d->open && s->camp == d->open->id && !(s->flags & DW_SF_LOUD);
}

static int quiet(const struct dw_detect *d, const struct dw_src *s)
{
	return !(s->flags & DW_SF_LOUD) && s->good_users == 0 &&
	       (d->cfg->dist_private || !(s->flags & DW_SF_PRIVATE));
}

static size_t ring_slot(const struct dw_detect *d, int64_t b)
{
	return (size_t)(b % d->ring_len);
}

static void join(struct dw_detect *d, struct dw_camp *cp, struct dw_src *s, uint32_t fails,
		 int64_t first, int64_t last)
{
	if (s->camp != cp->id) {
		s->camp = cp->id;
		s->camp_fails = 0;
	}
	s->camp_fails += fails;
	if (cp->first_seen == 0 || first < cp->first_seen)
		cp->first_seen = first;
	if (last > cp->last_seen)
		cp->last_seen = last;
	(void)d;
}

void dw_dist_failure(struct dw_detect *d, struct dw_src *s, struct dw_user *u, int64_t ts,
		     uint32_t count)
{
	int64_t b = d->bucket;
	struct dw_camp *cp = d->open;

	if (!d->cfg->dist_enabled || !quiet(d, s))
		return;
	if (s->bucket_last != b) {
		dw_wcount_add(&d->ws_src, d->ring_len, s->bucket_last, b);
		dw_wcount_add(&d->wl_src, d->ring_len, s->bucket_last, b);
		s->bucket_last = b;
	}
	if (u->bucket_last != b) {
		dw_wcount_add(&d->ws_user, d->ring_len, u->bucket_last, b);
		dw_wcount_add(&d->wl_user, d->ring_len, u->bucket_last, b);
		u->bucket_last = b;
	}
	d->attempts[ring_slot(d, b)] += count;
	if (cp && s->first_fail >= cp->start - d->bucket_ns) {
		join(d, cp, s, count, ts, ts);
		u->camp = cp->id;
		u->camp_ts = DW_MAX(u->camp_ts, ts);
	}
}

/* x above the baseline: mean + sigma * max(sd, sqrt(mean)) (counts are at least Poisson-noisy). */
static int above(const struct dw_ewma *e, int64_t x, double sigma)
{
	double m = dw_ewma_mean(e), sd = dw_ewma_sd(e);

	if (e->n == 0)
		return 1;
	if (sd < sqrt(m))
		sd = sqrt(m);
	return (double)x > m + sigma * sd;
}

static void open_campaign(struct dw_detect *d, int64_t now, int slow)
{
	const struct dw_config *c = d->cfg;
	uint32_t id = d->camp_next++;
	struct dw_camp *cp;
	uint32_t cur = 0;
	const void *k;
	size_t kl;
	struct dw_src *s;
	struct dw_attack a;

	if (id == 0)
		id = d->camp_next++;
	cp = &d->camps[id % DW_CAMP_RING];
	memset(cp, 0, sizeof(*cp));
	cp->id = id;
	cp->state = DW_CAMP_OPEN;
	cp->slow_window = slow;
	cp->start = now - (slow ? c->dist_slow_window : c->dist_window);
	cp->opened = cp->last_active = now;
	cp->base_s = dw_ewma_mean(slow ? &d->b_ls : &d->b_ss);
	cp->base_u = dw_ewma_mean(slow ? &d->b_lu : &d->b_su);
	cp->sigma_s = dw_ewma_sd(slow ? &d->b_ls : &d->b_ss);
	cp->peak_s = slow ? d->wl_src.count : d->ws_src.count;
	cp->peak_u = slow ? d->wl_user.count : d->ws_user.count;
	d->open = cp;

	/* attribution of what happened before the window triggered */
	while ((s = dw_table_next(d->src, &cur, &k, &kl)) != NULL) {
		if (!s->fails || !s->users || !quiet(d, s) || s->last_fail < cp->start ||
		    s->first_fail < cp->start - d->bucket_ns)
			continue;
		join(d, cp, s, s->fails, s->first_fail, s->last_fail);
		for (struct dw_pair *p = s->pairs; p; p = p->next) {
			size_t un;
			const char *u;
			struct dw_user *ue;

			if (p->epoch != s->epoch || !p->fails || p->last_fail < cp->start)
				continue;
			u = dw_source_pair_user(d, p, &un);
			ue = dw_table_get(d->user, u, un);
			if (ue) {
				ue->camp = id;
				ue->camp_ts = DW_MAX(ue->camp_ts, p->last_fail);
			}
		}
	}
	if (c->comp_enabled) {
		memset(&a, 0, sizeof(a));
		a.id = dw_dist_att_id(id);
		a.kind = DW_CL_DIST;
		a.detector = "distributed.window";
		a.first_seen = cp->first_seen;
		a.camp = id;
		dw_comp_scan_campaign(d, cp, &a);
	}
}

/*
 * A participant's own verdict: a source that hammers a few accounts (more
 * than spray.max_per_user failures against one) or has stale credentials
 * keeps its own alert; one that spreads its guesses thin is the campaign's.
 */
static int absorbs(struct dw_detect *d, struct dw_src *s, const void *k, size_t kl)
{
	struct dw_class_info ci;

	if (s->flags & DW_SF_LOUD)
		return 0;
	if (s->maxpu > d->cfg->spray_max_per_user)
		return 0;
	if (dw_classify(d, s, k, kl, &ci) == DW_CL_STALE)
		return 0;
	if (s->users && s->red_users >= s->users) /* every failure a typo: a user's own device */
		return 0;
	if (s->good_users) /* someone logged in cleanly from it */
		return 0;
	return 1;
}

static void close_campaign(struct dw_detect *d, struct dw_camp *cp, int64_t now)
{
	const struct dw_config *c = d->cfg;
	struct dw_alert a;
	uint32_t cur = 0;
	const void *k;
	size_t kl;
	struct dw_src *s;
	uint64_t att = dw_dist_att_id(cp->id);
	int64_t first = 0, last = 0, normal = 0, unk = 0, maxps = 0, nusers;
	uint64_t first_ref = 0;
	uint32_t min_s = cp->slow_window ? c->dist_slow_min_sources : c->dist_min_sources;
	uint32_t min_u = cp->slow_window ? c->dist_slow_min_users : c->dist_min_users;
	int report;

	if (d->defer_n)
		dw_comp_defer_attack(d, att); /* its alert lists them */
	dw_alert_init(&a, "distributed_spray", "high", "distributed.window");
	while ((s = dw_table_next(d->src, &cur, &k, &kl)) != NULL) {
		char txt[DW_IP_BUFSZ + DW_SRC_KEY_MAX];

		if (s->camp != cp->id || !s->fails || !absorbs(d, s, k, kl))
			continue;
		s->flags |= DW_SF_ABSORB;
		dw_strlist_add(&a.sources, txt, dw_detect_src_text(k, kl, txt, sizeof(txt)));
		a.attempts += s->camp_fails;
		a.successes += s->succ;
		a.logs |= s->logs;
		maxps = DW_MAX(maxps, (int64_t)s->camp_fails);
		if (first == 0 || s->first_fail < first) {
			first = s->first_fail;
			first_ref = s->first_ref;
		}
		last = DW_MAX(last, DW_MAX(s->last_fail, s->last_succ));
		for (struct dw_pair *p = s->pairs; p; p = p->next) {
			size_t un;
			const char *u;
			struct dw_user *ue;
			uint64_t before;

			if (p->epoch != s->epoch || (!p->fails && !(p->flags & DW_PF_COMP)))
				continue;
			if (p->fails && p->last_fail < cp->start)
				continue;
			u = dw_source_pair_user(d, p, &un);
			before = a.users.total;
			dw_strlist_add(&a.users, u, un);
			ue = dw_table_get(d->user, u, un);
			if ((p->flags & DW_PF_COMP) || (ue && ue->comp_id == att))
				dw_strlist_add(&a.compromised, u, un);
			if (a.users.total == before)
				continue; /* counted already */
			if (p->flags & DW_PF_UNKNOWN)
				unk++;
			if (ue && ue->last_clean >= cp->first_seen)
				normal++;
		}
	}
	nusers = (int64_t)a.users.total;
	report = a.sources.total >= min_s && (uint64_t)nusers >= min_u;
	cp->state = report ? DW_CAMP_REPORTED : DW_CAMP_DISCARDED;
	cp->first_seen = first ? first : cp->first_seen;
	cp->last_seen = last ? last : cp->last_seen;
	d->open = NULL;
	d->last_camp_end = report ? DW_MAX(cp->last_seen, cp->opened) : now;

	/*
	 * The absorbed participants' episodes end with the campaign; the others
	 * (and all of a discarded campaign) go back to the episode queue, which
	 * let them wait while the campaign was open.
	 */
	cur = 0;
	while ((s = dw_table_next(d->src, &cur, &k, &kl)) != NULL) {
		if (s->camp != cp->id)
			continue;
		if (report && (s->flags & DW_SF_ABSORB)) {
			s->flags &= (uint8_t)~DW_SF_ABSORB;
			s->rep_until = DW_MAX(s->last_fail, s->last_succ) + c->horizon;
			s->rep_kind = DW_CL_DIST;
			s->att_id = att;
			dw_source_reset(d, s);
			continue;
		}
		s->flags &= (uint8_t)~DW_SF_ABSORB;
		s->camp = 0;
		dw_source_requeue(d, s, k, kl, now);
	}
	if (!report) {
		dw_alert_free(&a);
		return;
	}
	a.first_seen = cp->first_seen;
	a.last_seen = cp->last_seen;
	if (a.last_seen - a.first_seen >= c->slow_min_duration)
		a.detector = "distributed.slow";
	if (a.compromised.total)
		a.severity = "critical";
	dw_alert_evidence_num(&a, "window_s",
			      (cp->slow_window ? c->dist_slow_window : c->dist_window) / DW_NS);
	dw_alert_evidence_num(&a, "sources_in_window", cp->peak_s);
	dw_alert_evidence_num(&a, "users_in_window", cp->peak_u);
	dw_alert_evidence_num(&a, "baseline_sources", (int64_t)llround(cp->base_s));
	dw_alert_evidence_num(&a, "baseline_users", (int64_t)llround(cp->base_u));
	dw_alert_evidence_num(&a, "max_attempts_per_source", maxps);
	dw_alert_evidence_num(&a, "duration_s", (a.last_seen - a.first_seen) / DW_NS);
	if (a.last_seen - a.first_seen >= 60 * DW_NS)
		dw_alert_evidence_num(&a, "attempts_per_hour",
				      (int64_t)((double)a.attempts * 3600.0 * DW_NS /
						(double)(a.last_seen - a.first_seen)));
	dw_alert_evidence_num(&a, "unknown_user_ratio", nusers ? unk * 100 / nusers : 0);
	dw_alert_evidence_num(&a, "users_with_normal_logins", normal);
	dw_detect_evidence_ref(d, &a, first_ref); /* the first attributed failure */
	dw_detect_push(d, &a);
}

void dw_dist_tick(struct dw_detect *d, int64_t b, int flush)
{
	const struct dw_config *c = d->cfg;
	int64_t now = (b + 1) * d->bucket_ns;
	int64_t s1 = d->ws_src.count, u1 = d->ws_user.count;
	int64_t sl = d->wl_src.count, ul = d->wl_user.count;
	double k = c->dist_sigma;
	/* a window judges only once it is full of data and its first full sample was learned */
	int full_s = now - d->first_ts >= c->dist_window;
	int full_l = now - d->first_ts >= c->dist_slow_window;
	int trig_s, trig_l, active;

	if (!c->dist_enabled)
		return;
	trig_s = full_s && d->b_ss.n && s1 >= c->dist_min_sources && u1 >= c->dist_min_users &&
		 above(&d->b_ss, s1, k) && above(&d->b_su, u1, k) &&
		 now - c->dist_window > d->last_camp_end;
	trig_l = full_l && d->b_ls.n && sl >= c->dist_slow_min_sources &&
		 ul >= c->dist_slow_min_users && above(&d->b_ls, sl, k) && above(&d->b_lu, ul, k) &&
		 now - c->dist_slow_window > d->last_camp_end;
	active = s1 >= c->dist_active_sources && above(&d->b_ss, s1, k);

	if (d->open) {
		struct dw_camp *cp = d->open;
		/* only current activity extends it: the long window remembers a day */
		if (!flush && (trig_s || active) && now - cp->opened < c->dist_max_duration) {
			cp->last_active = now;
			cp->peak_s = DW_MAX(cp->peak_s, cp->slow_window ? sl : s1);
			cp->peak_u = DW_MAX(cp->peak_u, cp->slow_window ? ul : u1);
		} else {
			close_campaign(d, cp, now);
		}
	} else if (!flush && (trig_s || trig_l)) {
		open_campaign(d, now, !trig_s);
	}

	if (!d->open && !flush) {
		/* a baseline's first distributed.warmup of samples count as they are */
		uint64_t mature = (uint64_t)(c->dist_warmup / d->bucket_ns);
		if (full_s && now - c->dist_window > d->last_camp_end) {
			double kk = d->b_ss.n < mature ? 1e300 : k;
			dw_ewma_learn(&d->b_ss, (double)s1, kk);
			dw_ewma_learn(&d->b_su, (double)u1, kk);
		}
		if (full_l && now - c->dist_slow_window > d->last_camp_end) {
			double kk = d->b_ls.n < mature ? 1e300 : k;
			dw_ewma_learn(&d->b_ls, (double)sl, kk);
			dw_ewma_learn(&d->b_lu, (double)ul, kk);
		}
	}
	if (flush)
		return;
	dw_wcount_advance(&d->ws_src, d->ring_len, b + 1);
	dw_wcount_advance(&d->ws_user, d->ring_len, b + 1);
	dw_wcount_advance(&d->wl_src, d->ring_len, b + 1);
	dw_wcount_advance(&d->wl_user, d->ring_len, b + 1);
	d->attempts[ring_slot(d, b + 1)] = 0;
}
