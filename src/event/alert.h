/*
 * alert.h - the alert record detectors produce and `dwell scan` prints (the
 * "Alert contract" in the README and ../shared/DESIGN.md).
 *
 * An alert owns copies of its strings, so it outlives the events and table
 * entries it was built from. Lists (sources, users, compromised,
 * destinations) keep at most DW_ALERT_LIST_MAX distinct members; every add
 * is counted in the list's total, so `*_total` is exact even when the
 * printed list is cut. Members print sorted (byte order), which makes the
 * JSON independent of the order detectors happened to visit their tables.
 *
 * Memory: an alert is allocated per alert, never per event; a full list is
 * at most 10,000 members of at most 256 bytes.
 */
#ifndef DW_EVENT_ALERT_H
#define DW_EVENT_ALERT_H

#include "../core/dw.h"
#include "../core/sb.h"

#define DW_ALERT_LIST_MAX 10000
#define DW_ALERT_EVIDENCE_MAX 24

struct dw_strlist {
	char **v;
	size_t n, cap;
	uint32_t *idx;    /* open-addressing set of member indices + 1; 0 = empty */
	size_t idx_cap;   /* power of two, >= 2 * cap */
	uint64_t total;   /* distinct members offered, including ones past the cap */
};

struct dw_evidence {
	const char *key; /* static string */
	int is_str;
	int64_t num;
	char str[64];
};

struct dw_alert {
	const char *kind;     /* static: "password_spray", ... */
	const char *severity; /* static: "info" .. "critical" */
	const char *detector; /* static: "spray.per_source", ... */
	int64_t first_seen, last_seen;
	struct dw_strlist sources, users, compromised, destinations;
	uint64_t attempts, successes, bytes_out;
	int has_bytes_out;
	uint32_t logs; /* bit per enum dw_log */
	struct dw_evidence evidence[DW_ALERT_EVIDENCE_MAX];
	size_t n_evidence;
};

/* Initialises an empty alert; free its lists with dw_alert_free(). */
void dw_alert_init(struct dw_alert *a, const char *kind, const char *severity,
		   const char *detector);
void dw_alert_free(struct dw_alert *a);

/*
 * Adds a copy of s[0..n) to the list unless it is already there; counts it in
 * total only when new (past the cap members are not kept, so a repeat of one
 * of those is counted again: detectors offer each member once). Returns
 * DW_OK, or DW_ENOMEM (the member is dropped but still counted).
 */
int dw_strlist_add(struct dw_strlist *l, const char *s, size_t n);
/*
 * The same, keeping at most max members (an alert that grows for hours, such
 * as new_access, lists its first max); an empty s is ignored.
 */
int dw_strlist_add_capped(struct dw_strlist *l, const char *s, size_t n, size_t max);
/* 1 if s is a kept member (hashed lookup). */
int dw_strlist_has(const struct dw_strlist *l, const char *s, size_t n);
void dw_strlist_free(struct dw_strlist *l);

void dw_alert_evidence_num(struct dw_alert *a, const char *key, int64_t v);
void dw_alert_evidence_str(struct dw_alert *a, const char *key, const char *v);

/* Appends the alert as one JSON object (no newline) to sb. Sorts the lists in place. */
void dw_alert_json(struct dw_alert *a, struct dw_sb *sb);

/* Where detectors hand finished alerts. The callee borrows the alert for the call. */
struct dw_alert_sink {
	void (*emit)(void *ctx, struct dw_alert *a);
	void *ctx;
};

#endif
