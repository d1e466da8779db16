/*
 * store.h - the embedded SQLite store behind `--db FILE`: what a scan found
 * (alerts, the incidents built from them, hourly event counts, events of
 * interest) and what it needs to go on later (the detector state and how far
 * each input was read), kept across runs.
 *
 * One scan writes at a time (an exclusive lock on the database file, taken
 * at open for writing; a second writer gets a clear error at once). Readers
 * (`dwell incidents`, `dwell report`) never wait for a writer: the database
 * is in WAL mode, and every checkpoint is one transaction, so a reader sees
 * the last complete checkpoint and a crash leaves the previous one.
 *
 * Inputs are recognised by content, not by name: the fingerprint is a hash
 * of the first bytes of the (decompressed) input, so auth.log renamed to
 * auth.log.1 and later compressed to auth.log.2.gz is still the input read
 * before, and only what it gained since is new.
 */
#ifndef DW_STORE_STORE_H
#define DW_STORE_STORE_H

#include "../core/dw.h"
#include "../core/sb.h"
#include "../output/html.h"

/* Schema version this build writes (PRAGMA user_version). */
#define DW_STORE_SCHEMA 1

struct dw_store;

enum dw_store_mode { DW_STORE_READ = 0, DW_STORE_WRITE = 1 };

/*
 * Opens (WRITE: creates or migrates) the database at path. Returns DW_OK and
 * an owned *out (close with dw_store_close), or an error with a sentence for
 * a person in err: cannot open/create, not a dwell database, damaged, of a
 * newer schema than this build knows, read-only, or locked by another scan.
 * On error nothing in the file was changed.
 */
int dw_store_open(struct dw_store **out, const char *path, int mode, char *err,
		  size_t errsz) DW_WUR;
void dw_store_close(struct dw_store *s);

/*
 * The detector state of the last checkpoint (borrowed until the next
 * checkpoint or close) and its length; *n = 0 when there is none.
 */
int dw_store_state(struct dw_store *s, const void **p, size_t *n) DW_WUR;

/*
 * Identifies input path by content. Returns DW_OK with *id (the input's row)
 * and *skip (events at byte offsets below it were read by an earlier run),
 * DW_ENOENT for an input that cannot be fingerprinted (stdin, unreadable:
 * read it all), or an error.
 */
int dw_store_input(struct dw_store *s, const char *path, int64_t *id, uint64_t *skip) DW_WUR;

/* How far one input has been read into the detectors. */
struct dw_store_mark {
	int64_t id;
	uint64_t upto; /* events at offsets below this are in the state */
};

/* One event of interest (a login, session or access of an account or source named in an alert). */
struct dw_store_event {
	int64_t ts;       /* ns */
	const char *action, *user, *source, *file, *detail;
	uint64_t line;    /* line, or record id for .evtx */
};

/* What one checkpoint writes, in one transaction. */
struct dw_store_ckpt {
	const void *state;            /* detector state blob */
	size_t state_n;
	const struct dw_store_mark *marks;
	size_t nmarks;
	const char *alerts;           /* new final alerts: JSON lines */
	size_t alerts_n;
	const char *open;             /* alerts still open at the end of the input, JSON lines:  */
	size_t open_n;                /* they replace the stored open ones; NULL keeps them     */
	const struct dw_hour *hours;  /* counts to add per hour */
	size_t nhours;
	const struct dw_store_event *events;
	size_t nevents;
	uint64_t events_read;         /* for the scans table */
	uint64_t events_skipped;      /* already read by an earlier run */
};

/* Writes one checkpoint. Returns DW_OK, or DW_EIO with a sentence in err (nothing written). */
int dw_store_checkpoint(struct dw_store *s, const struct dw_store_ckpt *c, char *err,
			size_t errsz) DW_WUR;

/* Replaces the incidents table with these JSON lines (one incident each). */
int dw_store_put_incidents(struct dw_store *s, const char *lines, size_t n, char *err,
			   size_t errsz) DW_WUR;

/*
 * Calls fn with every alert's JSON (not NUL-terminated), the final ones in
 * the order they were found, then the open ones. Returns DW_OK or DW_EIO.
 */
int dw_store_alerts(struct dw_store *s, void (*fn)(void *ctx, const char *json, size_t n),
		    void *ctx) DW_WUR;

/* The hourly counts sorted by hour: *v is owned by the caller (free()). */
int dw_store_hours(struct dw_store *s, struct dw_hour **v, size_t *n) DW_WUR;

/* Totals for a report's subtitle. */
struct dw_store_info {
	int64_t scans, inputs, alerts, events_kept;
	uint64_t events_read;
	char last_scan[32]; /* UTC, "" if none */
};
int dw_store_info(struct dw_store *s, struct dw_store_info *info) DW_WUR;

/*
 * Calls fn with the events of interest of user (or source, if user is NULL)
 * in time order, at most max. Returns DW_OK or DW_EIO.
 */
int dw_store_events(struct dw_store *s, const char *user, const char *source, size_t max,
		    void (*fn)(void *ctx, const struct dw_store_event *e), void *ctx) DW_WUR;

#endif
