/*
 * exfil.c - the rules over flow.c's state: exfiltration (three ways in)
 * and internal_staging. All thresholds are in etc/dwell.conf.
 *
 * exfil.slow - cumulative bytes of a run to a rare, new destination. When
 *   a pair's run reaches exfil.min_bytes it is judged once: the
 *   destination must be rare (used by at most exfil.rare_hosts internal
 *   hosts, or by at most exfil.rare_share of the active ones), the run must
 *   not be established (begun within flow.learn), and its bytes per active
 *   day must be at least exfil.host_factor times the host's usual daily
 *   upload when the run began (a host without exfil.history_days of
 *   history has no usual: any rate passes). A run judged so is reported
 *   then, again each time it has grown exfil.report_growth times (1 GiB,
 *   4, 16, ...), and its last bytes once the pair has been quiet for
 *   exfil.idle, when it is evicted and at the end of input. Each report
 *   carries the bytes since the previous one (bytes_out) and the run's
 *   total (evidence run_bytes), so the reports of a run add up exactly.
 *
 * exfil.burst - the bytes a host sent to one destination in the last
 *   exfil.burst_window (two half-window counters: a burst shorter than half
 *   the window is counted whole) reach exfil.burst_bytes and more than the
 *   host's usual whole day, to a destination that is not prevalent (at
 *   least exfil.common_hosts and exfil.common_share of the hosts). A flow
 *   that lasted longer than the window counts in proportion (a 437 MB
 *   eight-hour video call is 55 MB an hour). Once per window per pair;
 *   not while flow.learn lasts (prevalence is not known yet) nor for a
 *   run exfil.slow already reports.
 *
 * exfil.host - at the end of a host's day: it uploaded at least
 *   exfil.host_min_bytes and exfil.host_factor times its usual day, and its
 *   producer-consumer ratio (out - in) / (out + in) rose exfil.pcr_shift
 *   above its usual (a consumer turned producer). Names the destination it
 *   sent the most to, unless that one is prevalent or already reported.
 *
 * internal_staging (staging.reads) - at the end of a host's day: it read
 *   at least staging.min_bytes from internal servers, more than everyone's
 *   usual day plus staging.sigma deviations, and, once it has
 *   staging.history_days of history, more than staging.factor times and
 *   staging.sigma deviations above its own usual day. Not while flow.learn
 *   lasts. Names the server of its biggest read.
 *
 * Baselines learn each closed day: plain averages for the first
 * history_days, then winsorised (window.c dw_ewma_learn) so a slow attack
 * cannot teach its own level in a few days.
 *
 * Restraint: backups and cloud sync go to destinations many hosts use, or
 * come from hosts whose usual day is already large; video calls are
 * balanced and spread over hours; updates are downloads. None of them is
 * a rare destination taking many times a host's usual upload.
 */
#include <math.h>

#include "../core/tm.h"
#include "internal.h"

/* Fills the fields every exfiltration alert of pair pkey has. */
static void fill(struct dw_detect *d, struct dw_alert *a, const uint8_t *pkey, size_t pklen,
		 size_t hklen, int64_t t0, int64_t t1, uint64_t bytes, uint32_t logs, uint64_t ref)
{
	char b[DW_IP_BUFSZ + 8];
	size_t n;

	a->first_seen = t0;
	a->last_seen = t1;
	n = dw_detect_src_text(pkey, hklen, b, sizeof(b));
	(void)dw_strlist_add(&a->sources, b, n);
	n = dw_flow_dest_text(pkey + hklen, pklen - hklen, b);
	(void)dw_strlist_add(&a->destinations, b, n);
	a->bytes_out = bytes;
	a->has_bytes_out = 1;
	a->logs = logs;
	dw_flow_vpn_users(d, pkey, hklen, t0, t1, a);
	dw_detect_evidence_ref(d, a, ref);
}

static void evidence_dest(const struct dw_detect *d, struct dw_alert *a, const uint8_t *dkey,
			  size_t dklen)
{
	const struct dw_fdest *x = dw_table_get(d->fdest, dkey, dklen);
	char tb[DW_TM_BUFSZ];

	if (!x)
		return;
	dw_alert_evidence_num(a, "destination_hosts", x->hosts);
	dw_tm_format(x->first, 0, tb);
	dw_alert_evidence_str(a, "destination_first_seen", tb);
}

static const char *severity(const struct dw_config *c, uint64_t run)
{
	return run / 100 >= c->exfil_min_bytes ? "critical" : "high";
}

/* One report of a run: bytes since the last one, from rep_ts to t1. */
static void report_run(struct dw_detect *d, struct dw_fpair *p, const uint8_t *pkey,
		       size_t pklen, size_t hklen, int64_t t1, uint64_t ref)
{
	struct dw_alert a;

	dw_alert_init(&a, "exfiltration", severity(d->cfg, p->run), "exfil.slow");
	fill(d, &a, pkey, pklen, hklen, DW_MIN(p->rep_ts, t1), t1, p->run - p->rep, p->logs, ref);
	dw_alert_evidence_num(&a, "run_bytes", (int64_t)DW_MIN(p->run, (uint64_t)INT64_MAX));
	dw_alert_evidence_num(&a, "run_days", p->days);
	dw_alert_evidence_num(&a, "run_seconds", (t1 - p->first) / DW_NS);
	dw_alert_evidence_num(&a, "host_daily_upload", (int64_t)DW_MIN(p->base, (uint64_t)INT64_MAX));
	evidence_dest(d, &a, pkey + hklen, pklen - hklen);
	p->rep = p->run;
	p->rep_ts = t1;
	dw_detect_push(d, &a);
}

void dw_exfil_remainder(struct dw_detect *d, struct dw_fpair *p, const uint8_t *pkey,
			size_t pklen, size_t hklen)
{
	if (!(p->flags & DW_FP_REP) || p->run <= p->rep)
		return;
	report_run(d, p, pkey, pklen, hklen, p->last, p->last_ref);
}

/* The host's usual daily upload, or 0 while it has too little history. */
static uint64_t usual_up(const struct dw_config *c, const struct dw_fhost *h)
{
	return h->days >= c->exfil_history_days ? dw_u64_of(dw_ewma_mean(&h->up_b)) : 0;
}

static void burst(struct dw_detect *d, const struct dw_event *e, const struct dw_fhost *h,
		  struct dw_fpair *p, const uint8_t *pkey, size_t pklen, size_t hklen,
		  uint64_t bytes, const struct dw_fdest *dst)
{
	const struct dw_config *c = d->cfg;
	int64_t half = c->exfil_burst_window / 2, hb = e->ts / half;
	uint64_t win, add = bytes;
	struct dw_alert a;

	if (hb > p->bhalf) {
		p->burst[0] = hb == p->bhalf + 1 ? p->burst[1] : 0;
		p->burst[1] = 0;
		p->flags = (uint8_t)((p->flags & ~(DW_FP_BURST | DW_FP_BURST2)) |
				     (hb == p->bhalf + 1 && (p->flags & DW_FP_BURST) ? DW_FP_BURST2 : 0));
		p->bhalf = hb;
	}
	if ((e->has & DW_EV_HAS_DURATION) &&
	    e->duration_ms > (uint64_t)(c->exfil_burst_window / 1000000))
		add = dw_u64_of((double)bytes * (double)c->exfil_burst_window /
				((double)e->duration_ms * 1e6));
	p->burst[1] = dw_add_sat(p->burst[1], add);
	win = dw_add_sat(p->burst[0], p->burst[1]);
	if (win < c->exfil_burst_bytes || (p->flags & (DW_FP_BURST | DW_FP_BURST2 | DW_FP_REP)) ||
	    e->ts < d->flow_first + c->flow_learn || dw_flow_common(d, dst->hosts) ||
	    win < usual_up(c, h))
		return;
	p->flags |= DW_FP_BURST;
	dw_alert_init(&a, "exfiltration", "high", "exfil.burst");
	/* the pair's newest flow ends the window (a late record may be older than the run) */
	fill(d, &a, pkey, pklen, hklen, DW_MIN(DW_MAX(p->first, (hb - 1) * half), p->last), p->last,
	     win, p->logs, p->last_ref);
	dw_alert_evidence_num(&a, "window_seconds", c->exfil_burst_window / DW_NS);
	dw_alert_evidence_num(&a, "host_daily_upload",
			      (int64_t)DW_MIN(usual_up(c, h), (uint64_t)INT64_MAX));
	evidence_dest(d, &a, pkey + hklen, pklen - hklen);
	dw_detect_push(d, &a);
}

void dw_exfil_flow(struct dw_detect *d, const struct dw_event *e, const struct dw_fhost *h,
		   struct dw_fpair *p, const uint8_t *pkey, size_t pklen, size_t hklen,
		   uint64_t bytes, const struct dw_fdest *dst)
{
	const struct dw_config *c = d->cfg;

	if (!c->exfil_enabled)
		return;
	burst(d, e, h, p, pkey, pklen, hklen, bytes, dst);
	if (p->flags & DW_FP_REP) {
		if (p->run / c->exfil_growth >= p->rep)
			report_run(d, p, pkey, pklen, hklen, p->last, p->last_ref);
		return;
	}
	if (p->run < c->exfil_min_bytes || (p->flags & DW_FP_OLD) || !dw_flow_rare(d, dst->hosts))
		return;
	if (p->base && p->run / DW_MAX(p->days, 1) / c->exfil_host_factor < p->base)
		return;
	p->flags |= DW_FP_REP;
	report_run(d, p, pkey, pklen, hklen, p->last, p->last_ref);
}

/* exfil.host: the host's day against its own. */
static void host_day(struct dw_detect *d, struct dw_fhost *h, const uint8_t *hkey,
		     size_t hklen)
{
	const struct dw_config *c = d->cfg;
	double pcr = ((double)h->up - (double)h->down) / ((double)h->up + (double)h->down);
	double pcr0 = DW_MAX(-1.0, DW_MIN(1.0, dw_ewma_mean(&h->pcr_b)));
	uint8_t pk[DW_FPAIR_KEY_MAX];
	size_t dkl = h->top_dst[0], pkl = hklen + dkl;
	const struct dw_fdest *x;
	const struct dw_fpair *p;
	uint64_t usual = usual_up(c, h);
	struct dw_alert a;

	if (!c->exfil_enabled || !usual || h->up < c->exfil_host_min_bytes ||
	    h->up / c->exfil_host_factor < usual || pcr - pcr0 < c->exfil_pcr_shift || !dkl)
		return;
	memcpy(pk, hkey, hklen);
	memcpy(pk + hklen, h->top_dst + 1, dkl);
	x = dw_table_get(d->fdest, pk + hklen, dkl);
	p = dw_table_get(d->fpair, pk, pkl);
	if (!x || dw_flow_common(d, x->hosts) || (p && (p->flags & DW_FP_REP)))
		return;
	dw_alert_init(&a, "exfiltration", "high", "exfil.host");
	fill(d, &a, pk, pkl, hklen, h->up_first, h->up_last, h->top_up, h->logs, h->top_ref);
	dw_alert_evidence_num(&a, "day_bytes_out", (int64_t)DW_MIN(h->up, (uint64_t)INT64_MAX));
	dw_alert_evidence_num(&a, "host_daily_upload", (int64_t)DW_MIN(usual, (uint64_t)INT64_MAX));
	dw_alert_evidence_num(&a, "pcr_percent", (int64_t)llround(pcr * 100));
	dw_alert_evidence_num(&a, "usual_pcr_percent", (int64_t)llround(pcr0 * 100));
	evidence_dest(d, &a, pk + hklen, dkl);
	dw_detect_push(d, &a);
}

/* internal_staging: the host's reads from servers against everyone's and its own. */
static void stage_day(struct dw_detect *d, struct dw_fhost *h, const uint8_t *hkey,
		      size_t hklen)
{
	const struct dw_config *c = d->cfg;
	double all = dw_ewma_mean(&d->stage_all), all_sd = dw_ewma_sd(&d->stage_all);
	double own = dw_ewma_mean(&h->rd_b), own_sd = dw_ewma_sd(&h->rd_b);
	double rd = (double)h->rd;
	int hist = h->rdays >= c->stage_history_days;
	char b[DW_IP_BUFSZ];
	size_t n;
	struct dw_alert a;

	if (!c->stage_enabled || h->rd < c->stage_min_bytes ||
	    h->rd_first < d->flow_first + c->flow_learn || rd < all + c->stage_sigma * all_sd ||
	    (hist && (rd < c->stage_factor * own || rd < own + c->stage_sigma * own_sd)))
		return;
	dw_alert_init(&a, "internal_staging", "high", "staging.reads");
	a.first_seen = h->rd_first;
	a.last_seen = h->rd_last;
	a.logs = h->logs;
	n = dw_detect_src_text(hkey, hklen, b, sizeof(b));
	(void)dw_strlist_add(&a.sources, b, n);
	if (h->top_srv[0]) {
		n = dw_detect_src_text(h->top_srv + 1, h->top_srv[0], b, sizeof(b));
		(void)dw_strlist_add(&a.destinations, b, n);
	}
	dw_flow_vpn_users(d, hkey, hklen, h->rd_first, h->rd_last, &a);
	dw_alert_evidence_num(&a, "bytes_read", (int64_t)DW_MIN(h->rd, (uint64_t)INT64_MAX));
	dw_alert_evidence_num(&a, "host_daily_reads",
			      hist ? (int64_t)DW_MIN(dw_u64_of(own), (uint64_t)INT64_MAX) : -1);
	dw_alert_evidence_num(&a, "everyone_daily_reads",
			      (int64_t)DW_MIN(dw_u64_of(all), (uint64_t)INT64_MAX));
	dw_detect_evidence_ref(d, &a, h->rd_ref);
	dw_detect_push(d, &a);
}

/* Learns x into e: plain for the first `plain` samples, then winsorised at k deviations. */
static void learn(struct dw_ewma *e, double x, uint32_t seen, uint32_t plain, double k)
{
	if (seen < plain)
		dw_ewma_add(e, x);
	else
		dw_ewma_learn(e, x, k);
}

void dw_exfil_day(struct dw_detect *d, struct dw_fhost *h, const uint8_t *hkey, size_t hklen)
{
	const struct dw_config *c = d->cfg;

	if (h->up || h->down) {
		host_day(d, h, hkey, hklen);
		learn(&h->up_b, (double)h->up, h->days, c->exfil_history_days, 3);
		dw_ewma_add(&h->pcr_b, ((double)h->up - (double)h->down) /
					       ((double)h->up + (double)h->down));
		if (h->days < UINT16_MAX)
			h->days++;
	}
	if (h->rd) {
		stage_day(d, h, hkey, hklen);
		learn(&h->rd_b, (double)h->rd, h->rdays, c->stage_history_days, c->stage_sigma);
		learn(&d->stage_all, (double)h->rd, (uint32_t)DW_MIN(d->stage_all.n, (uint64_t)UINT32_MAX),
		      100, c->stage_sigma);
		if (h->rdays < UINT16_MAX)
			h->rdays++;
	}
}
