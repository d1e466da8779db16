/*
 * window.c - two small time-series helpers for the distributed detector.
 *
 * dw_wcount: an EXACT count of distinct members over a sliding window of
 * `len` buckets, O(1) per member appearance, with no per-window sets. Each
 * member (a source or a user) keeps the index of the last bucket it was
 * counted in, in its own table entry. When it appears in bucket b:
 *   - if its last bucket p is inside the window (b - p < len), it was
 *     already counted: its departure moves from bucket p+len to b+len;
 *   - otherwise it is new to the window: count + 1, departure at b+len.
 * Departures are a ring of counters indexed by bucket mod ring (ring >
 * len); moving the window to bucket b subtracts the departures due at b.
 * If a member's table entry is evicted, its old departure still happens and
 * a return counts it anew, so eviction can only over-count, by at most the
 * evictions inside one window. Memory: ring * 4 bytes per counter
 * (145 buckets for a 24 h window of 10 min buckets: 580 bytes).
 *
 * dw_ewma: mean and variance as exponentially weighted moving averages of
 * x and x^2, divided by (1 - (1-alpha)^n) so the first samples are not
 * biased towards zero (a file's first hours get a usable baseline at once;
 * the configured floors cover the very first windows). dw_ewma_learn
 * winsorises each sample at mean + k * max(sd, sqrt(mean), 1) first: a slow
 * attack that ramps up before any window triggers cannot teach the baseline
 * its own level in a few samples (a lasting change is still learned, one
 * capped step at a time).
 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

static size_t slot(int64_t b, int64_t ring)
{
	int64_t r = b % ring;
	return (size_t)(r < 0 ? r + ring : r);
}

int dw_wcount_init(struct dw_wcount *w, int64_t len, int64_t ring)
{
	memset(w, 0, sizeof(*w));
	if (len < 1 || ring <= len)
		return DW_EINVAL;
	w->len = len;
	w->expire = calloc((size_t)ring, sizeof(int32_t));
	return w->expire ? DW_OK : DW_ENOMEM;
}

void dw_wcount_free(struct dw_wcount *w)
{
	free(w->expire);
	w->expire = NULL;
}

void dw_wcount_add(struct dw_wcount *w, int64_t ring, int64_t last, int64_t b)
{
	if (last == b)
		return;
	if (last >= 0 && last < b && b - last < w->len)
		w->expire[slot(last + w->len, ring)]--;
	else
		w->count++;
	w->expire[slot(b + w->len, ring)]++;
}

void dw_wcount_advance(struct dw_wcount *w, int64_t ring, int64_t b)
{
	size_t i = slot(b, ring);

	w->count -= w->expire[i];
	w->expire[i] = 0;
	if (w->count < 0) /* cannot happen; keeps a bug from going negative forever */
		w->count = 0;
}

void dw_wcount_reset(struct dw_wcount *w, int64_t ring)
{
	memset(w->expire, 0, (size_t)ring * sizeof(int32_t));
	w->count = 0;
}

void dw_ewma_init(struct dw_ewma *e, double alpha)
{
	memset(e, 0, sizeof(*e));
	e->alpha = alpha;
	e->decay = 1.0;
}

void dw_ewma_learn(struct dw_ewma *e, double x, double k)
{
	double m = dw_ewma_mean(e), sd = dw_ewma_sd(e), spread = sd;
	double cap;

	if (spread < sqrt(m))
		spread = sqrt(m);
	if (spread < 1)
		spread = 1;
	cap = m + k * spread;
	dw_ewma_add(e, x < cap ? x : cap);
}

void dw_ewma_add(struct dw_ewma *e, double x)
{
	e->m = (1.0 - e->alpha) * e->m + e->alpha * x;
	e->m2 = (1.0 - e->alpha) * e->m2 + e->alpha * x * x;
	e->decay *= 1.0 - e->alpha;
	e->n++;
}

double dw_ewma_mean(const struct dw_ewma *e)
{
	if (e->n == 0 || e->decay >= 1.0)
		return 0;
	return e->m / (1.0 - e->decay);
}

double dw_ewma_sd(const struct dw_ewma *e)
{
	double m, v;

	if (e->n < 2 || e->decay >= 1.0)
		return 0;
	m = dw_ewma_mean(e);
	v = e->m2 / (1.0 - e->decay) - m * m;
	return v > 0 ? sqrt(v) : 0;
}
