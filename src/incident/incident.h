/*
 * incident.h - the in-memory incident builder: alerts that share an account
 * or a source are linked into one incident (scope of an intrusion: who
 * attacked from where, who got in, which accounts must change their
 * password, what the intruder touched, and the alerts in time order).
 *
 * The builder copies what it keeps from each alert, so alerts may be freed
 * right after dw_incidents_add(). Everything is capped (see incident.c for
 * the limits and the memory arithmetic); cuts and evictions are counted.
 * Same alerts in the same order give byte-identical output.
 */
#ifndef DW_INCIDENT_INCIDENT_H
#define DW_INCIDENT_INCIDENT_H

#include "../core/dw.h"
#include "../core/sb.h"
#include "../event/alert.h"

/* Per incident: sources kept, accounts kept, destinations kept, timeline entries kept. */
#define DW_INCIDENT_SOURCES_MAX 256
#define DW_INCIDENT_ACCOUNTS_MAX 256
#define DW_INCIDENT_DEST_MAX 64
#define DW_INCIDENT_TIMELINE_MAX 128
/* Members of an alert's sources/users a timeline entry names (the smallest, byte order). */
#define DW_INCIDENT_TL_MEMBERS 3

struct dw_incidents;

struct dw_incidents_stats {
	uint64_t alerts_added;    /* alerts that started or joined an incident */
	uint64_t alerts_ignored;  /* stale_credentials, lockout_storm, unknown kinds */
	uint64_t incidents_made;  /* incidents ever started */
	uint64_t merges;          /* incidents absorbed into another by a linking alert */
	uint64_t evicted;         /* incidents dropped at the cap (least recently active first) */
	uint64_t members_cut;     /* members not kept (per-incident caps) */
	uint64_t timeline_cut;    /* alerts not kept in a timeline (they still count in "alerts") */
};

/*
 * Creates an empty builder holding at most max_incidents (>= 1) incidents.
 * Returns DW_OK and an owned *out (free with dw_incidents_free), DW_EINVAL
 * for max_incidents 0, or DW_ENOMEM.
 */
int dw_incidents_new(struct dw_incidents **out, size_t max_incidents) DW_WUR;
void dw_incidents_free(struct dw_incidents *b);

/*
 * Called with the JSON line (ending in '\n') of each incident evicted at the
 * cap, before it is freed; the line is valid for the call only. Without a
 * callback evicted incidents are only counted. Evicted incidents take ids
 * 1, 2, ... in eviction order; dw_incidents_json() numbers on from there.
 */
void dw_incidents_on_evict(struct dw_incidents *b,
			   void (*fn)(void *ctx, const char *line, size_t n), void *ctx);

/*
 * Adds one alert (borrowed: what is kept is copied). Alerts of kinds that do
 * not link are counted in alerts_ignored. Never fails: on allocation failure
 * the member or timeline entry is dropped and counted as cut.
 */
void dw_incidents_add(struct dw_incidents *b, const struct dw_alert *a);

/* Incidents held now. */
size_t dw_incidents_count(const struct dw_incidents *b);

/* Counters (borrowed; valid until dw_incidents_free). */
const struct dw_incidents_stats *dw_incidents_stats(const struct dw_incidents *b);

/* Bytes held by the builder's own allocations (bookkeeping estimate, excludes malloc overhead). */
size_t dw_incidents_memuse(const struct dw_incidents *b);

/*
 * Appends every incident held, one JSON object per line ('\n' after each),
 * ordered and numbered by first_seen, then smallest source, then creation
 * order. Ids start after the evicted ones. Sorts timelines in place; the
 * incidents stay held (calling it twice gives the same bytes). A timeline
 * entry has "record":{"file","line"|"record_id"} when its alert carried
 * that evidence (keys "file", "line", "record_id").
 */
void dw_incidents_json(struct dw_incidents *b, struct dw_sb *sb);

/* Flags of an account in a view (an account may carry several). */
enum {
	DW_INCIDENT_TARGETED = 1,    /* tried by an attack */
	DW_INCIDENT_COMPROMISED = 2, /* got in */
	DW_INCIDENT_VALIDATED = 4,   /* password proven */
};

struct dw_incident_source {
	const char *source;
	uint64_t attempts;
};

/*
 * An account kept by an incident. It is to reset when COMPROMISED or
 * VALIDATED is set; the reason is "compromised" when COMPROMISED is set,
 * else "password_validated" (as in the JSON).
 */
struct dw_incident_account {
	const char *user;
	unsigned flags; /* DW_INCIDENT_* */
};

/* One timeline entry: an alert of the incident. */
struct dw_incident_event {
	int64_t time;             /* the alert's first_seen, ns; DW_TS_NONE if unknown */
	const char *kind, *detector, *severity; /* the alert's (static strings) */
	const char *sources[DW_INCIDENT_TL_MEMBERS]; /* its smallest sources, byte order */
	size_t n_sources;
	uint64_t sources_total;
	const char *users[DW_INCIDENT_TL_MEMBERS];   /* users (or compromised), likewise */
	size_t n_users;
	uint64_t users_total;
	/* evidence: the source log record, when the alert names it */
	const char *file;         /* input file (basename) or NULL */
	int has_line, has_record_id;
	int64_t line, record_id;
};

/*
 * One incident as dw_incidents_json() prints it, without parsing JSON.
 * Every pointer borrows the builder's memory (see dw_incidents_view).
 */
struct dw_incident_view {
	uint64_t id;
	const char *status;        /* "intrusion", "exfiltration" or "attack" (static) */
	int intrusion;             /* status is "intrusion" */
	int exfil;                 /* it holds exfiltration or internal_staging alerts */
	int64_t first_seen, last_seen; /* ns; DW_TS_NONE when unknown */
	int64_t first_compromise;  /* ns of the earliest compromise alert; DW_TS_NONE if none */
	int64_t dwell_seconds;
	const struct dw_incident_source *sources; /* byte order of source */
	size_t n_sources;
	uint64_t attempts;         /* sum of the sources' attempts */
	const struct dw_incident_account *accounts; /* every account kept, byte order of user */
	size_t n_accounts;
	/* accounts with each flag, and accounts to reset (compromised or validated) */
	size_t n_targeted, n_compromised, n_validated, n_reset;
	int has_bytes_out;         /* bytes_out is known (JSON null otherwise) */
	uint64_t bytes_out;
	const char *const *destinations; /* byte order */
	size_t n_destinations;
	uint64_t alerts;
	uint64_t cut_sources, cut_accounts, cut_destinations, cut_timeline;
	const struct dw_incident_event *timeline; /* time order (ties: arrival order) */
	size_t n_timeline;
};

/*
 * Fills *v with incident i (0 <= i < dw_incidents_count()) in the order and
 * with the ids of dw_incidents_json(): walk i = 0, 1, ... to render them all.
 * The incidents are sorted once after a change, not per call. *v borrows the
 * builder: valid until the next dw_incidents_view(), dw_incidents_add(),
 * dw_incidents_json(), dw_incidents_text() or dw_incidents_free(). Returns
 * DW_OK, or DW_ENOENT when i is out of range.
 */
int dw_incidents_view(struct dw_incidents *b, size_t i, struct dw_incident_view *v) DW_WUR;

/*
 * The index for dw_incidents_view() of incident id (as numbered by
 * dw_incidents_json), into *i. Returns DW_OK, or DW_ENOENT when no incident
 * held has that id (never made, or evicted).
 */
int dw_incidents_find(struct dw_incidents *b, uint64_t id, size_t *i) DW_WUR;

/*
 * One line of text per incident (at most max lines, then a count of the
 * rest), in the order and with the ids of dw_incidents_json: for the
 * summary of `dwell scan`.
 */
void dw_incidents_text(struct dw_incidents *b, struct dw_sb *sb, size_t max);

#endif
