/*
 * detect.h - every detector behind one door: the CLI hands each event to
 * dw_detect_event() in input order and calls dw_detect_flush() at the end;
 * alerts leave through the sink. Detectors read time from events only, so
 * a replay gives the same alerts byte for byte.
 */
#ifndef DW_DETECT_DETECT_H
#define DW_DETECT_DETECT_H

#include "../core/dw.h"
#include "../event/alert.h"
#include "../event/event.h"
#include "config.h"

/* dw_detect_new copies nothing it needs later from cfg except by value; cfg must outlive d. */

struct dw_detect;

struct dw_detect_stats {
	uint64_t events;          /* events seen */
	uint64_t allowlisted;     /* events skipped by an allowlist */
	uint64_t noise;           /* failures of reason "noise" (machine accounts, ...) skipped */
	uint64_t out_of_order;    /* events older than the newest seen (processed anyway) */
	uint64_t duplicates;      /* Windows records of an attempt another machine logged too */
	uint64_t dedupe_early;    /* held name-only records released early (hold ring full) */
	uint64_t flows;           /* flow events with both addresses */
	uint64_t flows_other;     /* ... of which neither ours to the outside nor a server read */
	uint64_t table_evicted;   /* sum over every capped table */
	size_t table_memuse;      /* bytes of every capped table */
};

/* Creates the detectors with cfg (borrowed: must outlive d). Alerts go to sink. */
int dw_detect_new(struct dw_detect **out, const struct dw_config *cfg,
		  struct dw_alert_sink sink) DW_WUR;
void dw_detect_free(struct dw_detect *d);

/* Feeds one event (borrowed for the call). */
void dw_detect_event(struct dw_detect *d, const struct dw_event *e);

/* End of input: reports every episode still open. */
void dw_detect_flush(struct dw_detect *d);

void dw_detect_stats(const struct dw_detect *d, struct dw_detect_stats *st);

/*
 * Appends d's whole state (every table in LRU order, rings, windows, baselines,
 * campaigns, open reports, held records, clock, counters) to sb as a versioned
 * binary blob (format in snapshot.c). d is not changed. Returns DW_OK or
 * DW_ENOMEM (also when sb's max is reached: sb is then left as it was, toobig set).
 */
int dw_detect_save(const struct dw_detect *d, struct dw_sb *sb) DW_WUR;
/*
 * Loads a blob from dw_detect_save (p[0..n), borrowed for the call) into d,
 * which must be fresh from dw_detect_new() (no event fed yet). Returns DW_OK;
 * DW_EINVAL if the blob is damaged, of another format version, or was saved
 * under a configuration whose caps/windows/thresholds differ (the allowlists
 * may differ); DW_ENOMEM. On an error d is unusable: free it and make a new one.
 */
int dw_detect_load(struct dw_detect *d, const void *p, size_t n) DW_WUR;

#endif
