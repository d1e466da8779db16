/*
 * jsonl.h - the alert writer: one JSON object per line on a stream (stdout
 * or -o FILE), and per-kind counts for the summary. It is the
 * dw_alert_sink `dwell scan` gives the detectors.
 */
#ifndef DW_OUTPUT_JSONL_H
#define DW_OUTPUT_JSONL_H

#include <stdio.h>

#include "../event/alert.h"

#define DW_JSONL_KINDS 32

struct dw_jsonl {
	FILE *out;        /* borrowed */
	struct dw_sb sb;  /* one alert's text; reused */
	int flush_each;   /* fflush after every alert (follow mode) */
	int failed;       /* a write failed (e.g. closed pipe): further alerts are dropped */
	uint64_t total;
	size_t nkinds;
	const char *kind[DW_JSONL_KINDS]; /* static strings from the detectors */
	uint64_t count[DW_JSONL_KINDS];
};

/* Prepares a writer on out (borrowed). Free with dw_jsonl_free. */
void dw_jsonl_init(struct dw_jsonl *w, FILE *out, int flush_each);
void dw_jsonl_free(struct dw_jsonl *w);

/* Writes one alert (borrowed); usable as a dw_alert_sink emit function. */
void dw_jsonl_emit(void *w, struct dw_alert *a);

/* The sink that writes to w. */
struct dw_alert_sink dw_jsonl_sink(struct dw_jsonl *w);

#endif
