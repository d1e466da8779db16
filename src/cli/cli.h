/*
 * cli.h - what the command-line files share: parsed options and the
 * summary/progress printers (summary.c).
 */
#ifndef DW_CLI_CLI_H
#define DW_CLI_CLI_H

#include <stdio.h>

#include "../detect/detect.h"
#include "../incident/incident.h"
#include "../input/reader.h"
#include "../output/jsonl.h"
#include "../parse/evtx.h"
#include "../parse/parser.h"

enum { DW_CMD_SCAN = 1, DW_CMD_PARSE, DW_CMD_INCIDENTS, DW_CMD_REPORT };

/*
 * Incidents `dwell scan` keeps in memory (the least recently active go
 * first): a few KiB each in practice, at most ~390 KiB each when every
 * per-incident list is full (src/incident/incident.c).
 */
#define DW_CLI_INCIDENTS_MAX 256

struct dw_cli_opts {
	int cmd;
	const char *config;
	const char **sets;
	size_t nsets;
	int format;
	int year;
	int follow;
	int quiet;
	int sequential; /* do not merge several logs by time */
	int idle_exit_ms;
	size_t max_line;
	int32_t utc_offset; /* seconds east of UTC for RFC 3164 times */
	size_t conn_cap;    /* sshd connections tracked at once; 0 = default */
	int threads;        /* threads decoding .evtx chunks (1 = the main thread alone) */
	const char *output;
	const char *incidents; /* scan: write incidents as JSON lines here */
	const char *db;        /* scan, incidents, report: the SQLite store */
	const char *html;      /* scan, report: write the HTML report here */
	int json;              /* incidents: JSON lines */
	uint64_t incident_id;  /* report: one incident (0: all) */
	double checkpoint_s;   /* scan --db: seconds between checkpoints */
	const char **paths;
	size_t npaths;
};

struct dw_cli_summary {
	struct dw_reader_stats rs;      /* summed over every reader */
	struct dw_parse_stats ps;       /* summed over every parser */
	size_t parser_mem;
	size_t streams;                 /* logs merged by time (1 = read in sequence) */
	uint64_t evtx_files;            /* .evtx inputs decoded */
	uint64_t evtx_bytes;
	struct dw_evtx_stats evtx;      /* summed over them (their events are in ps) */
	const struct dw_detect *detect; /* NULL for parse */
	const struct dw_jsonl *alerts;
	struct dw_incidents *incidents; /* scan: incidents to list (NULL for parse) */
	int db;                         /* scan --db: the counts below are set */
	uint64_t db_skipped, db_kept, db_dropped;
	int64_t ts_min, ts_max;
	double seconds;
};

/* Prints the end-of-run summary (inputs, events, unparsed, alerts, span). */
void dw_cli_summary(FILE *f, const struct dw_cli_summary *s);

/* Rewrites the progress line on stderr. */
void dw_cli_progress(const struct dw_reader_stats *rs, const struct dw_parse_stats *ps,
		     double secs);

/* Adds one reader's and one parser's counters into the totals. */
void dw_cli_add_stats(struct dw_reader_stats *rs, struct dw_parse_stats *ps,
		      const struct dw_reader_stats *r1, const struct dw_parse_stats *p1);

/* evtxin.c: a .evtx file as an input (mapped, decoded chunk by chunk). */
struct dw_evtxin;
/*
 * The threads that decode .evtx chunks ahead of the reader, shared by every
 * open input: threads - 1 helpers (started with the first input) beside the
 * caller's thread. threads <= 1: *out = NULL (no pool) and DW_OK.
 */
struct dw_evtxpool;
int dw_evtxpool_new(struct dw_evtxpool **out, int threads) DW_WUR;
/* --evtx-slack: deliver the records found in chunk slack (before opening any input). */
void dw_evtxin_slack(int on);
/* Stops and joins the helpers; every input of the pool must be freed first. */
void dw_evtxpool_free(struct dw_evtxpool *p);
/* 1 if path is a regular file that starts like EVTX (or, damaged, is named *.evtx). */
int dw_evtxin_is(const char *path);
/*
 * Opens path (borrowed); decoded with pool's help (borrowed; NULL: on the
 * caller's thread alone). DW_OK, or DW_EIO / DW_ENOMEM with *err an errno.
 */
int dw_evtxin_open(struct dw_evtxin **out, const char *path, struct dw_evtxpool *pool,
		   int *err) DW_WUR;
/*
 * Delivers the next chunk slot's events to fn(ctx), in record order (the
 * same events and order with or without a pool); 1 if a slot was
 * delivered, 0 at the end. Events are valid during the call.
 */
int dw_evtxin_next(struct dw_evtxin *x, dw_event_fn fn, void *ctx);
size_t dw_evtxin_size(const struct dw_evtxin *x);
/* Its events counted by action and log, as a parser's stats. */
const struct dw_parse_stats *dw_evtxin_parse_stats(const struct dw_evtxin *x);
/* The decoder counters of the slots delivered so far (and of the file header). */
void dw_evtxin_stats(const struct dw_evtxin *x, struct dw_evtx_stats *st);
void dw_evtxin_free(struct dw_evtxin *x);
/* Adds one decoder's counters into the totals. */
void dw_cli_add_evtx(struct dw_evtx_stats *t, const struct dw_evtx_stats *s);

/* merge.c: several logs read at once, events delivered in time order. */
#define DW_MERGE_MAX 256
struct dw_merge;
typedef void (*dw_merge_err_fn)(void *ctx, const char *file, int err);

/* Creates nstreams empty streams; events go to fn(ctx). Free with dw_merge_free. */
int dw_merge_new(struct dw_merge **out, size_t nstreams, const struct dw_reader_opts *ro,
		 const struct dw_parse_opts *po, dw_event_fn fn, void *ctx) DW_WUR;
void dw_merge_free(struct dw_merge *m);
/* Appends a file (path copied) to stream i; files of a stream are read in order. */
int dw_merge_add(struct dw_merge *m, size_t stream, const char *path) DW_WUR;
/*
 * Makes stream i the .evtx file path (borrowed: must outlive the merge),
 * decoded with pool's help (borrowed; NULL for none).
 */
void dw_merge_set_evtx(struct dw_merge *m, size_t stream, const char *path,
		       struct dw_evtxpool *pool);
/* Reads everything; err() is told of each input that cannot be read; tick() now and then. */
void dw_merge_run(struct dw_merge *m, dw_merge_err_fn err, void *ectx,
		  void (*tick)(void *ctx), void *tctx);
void dw_merge_stop(struct dw_merge *m);
void dw_merge_totals(const struct dw_merge *m, struct dw_reader_stats *rs,
		     struct dw_parse_stats *ps, size_t *parser_mem);
/* The .evtx streams' totals (files, bytes, decoder counters). */
void dw_merge_evtx_totals(const struct dw_merge *m, uint64_t *files, uint64_t *bytes,
			  struct dw_evtx_stats *st, struct dw_parse_stats *ps);


/* ---- hours.c: events per clock hour for the report chart ---- */
struct dw_hour;
struct dw_hours;
int dw_hours_new(struct dw_hours **out) DW_WUR;
void dw_hours_free(struct dw_hours *h);
/* Counts e in its hour if it is a failure, a success or a session start. */
void dw_hours_add(struct dw_hours *h, const struct dw_event *e);
/* Moves the counts out, sorted by hour (*v owned by the caller), and empties h. */
int dw_hours_take(struct dw_hours *h, struct dw_hour **v, size_t *n) DW_WUR;
uint64_t dw_hours_evicted(const struct dw_hours *h);

/* ---- session.c: one `dwell scan --db` run ---- */
struct dw_session;
struct dw_store;
/*
 * Opens the database at path for writing, loads its detector state into d
 * (fresh from dw_detect_new with cfg) and learns how far each input of
 * inputs was read. Prints the reason and returns an error if it cannot.
 * Borrows d, cfg and inputs for the session's life.
 */
int dw_session_open(struct dw_session **out, const char *path, struct dw_detect *d,
		    const struct dw_config *cfg, const struct dw_reader *inputs, int follow,
		    double every) DW_WUR;
void dw_session_free(struct dw_session *s);
/* 1: an earlier run fed e already (drop it); 0: feed it to the detectors. */
int dw_session_event(struct dw_session *s, const struct dw_event *e);
/*
 * The single parser of this run takes the sshd connection state the last
 * run left (if any). Returns DW_OK or an error (printed; free the parser).
 */
int dw_session_parser(struct dw_session *s, struct dw_parser *p) DW_WUR;
/* 1 if the last run left sshd connection state that no parser has taken yet. */
int dw_session_parser_pending(const struct dw_session *s);
/*
 * The end of the input, before the parser's flush: the state the next run
 * goes on from is the detectors' now plus the parser's open connections;
 * what the flush then finds is open. Returns DW_OK or DW_ENOMEM (printed).
 */
int dw_session_seam(struct dw_session *s, const struct dw_parser *p) DW_WUR;
/* Follow mode: a path was rotated or truncated: identify the inputs again at their next event. */
void dw_session_rotated(struct dw_session *s);
/* An alert the detectors emitted (borrowed): kept for the next checkpoint. */
void dw_session_alert(struct dw_session *s, struct dw_alert *a);
/*
 * Writes a checkpoint (final: the end of the run; the alerts still open go to
 * print as well as into the database). Returns DW_OK or an error (printed).
 */
int dw_session_checkpoint(struct dw_session *s, int final, struct dw_alert_sink print) DW_WUR;
/*
 * A checkpoint if something happened since the last one and it is `every`
 * seconds old (idle: the input is caught up, 1 second is enough).
 */
int dw_session_tick(struct dw_session *s, int idle) DW_WUR;
void dw_session_counts(const struct dw_session *s, uint64_t *skipped, uint64_t *kept,
		       uint64_t *dropped);
struct dw_store *dw_session_store(struct dw_session *s);
/* ---- query.c: commands that read a database ---- */
/* Writes the HTML report to path (h: n hours, sub: the subtitle). Returns 0 or -1 (printed). */
int dw_cli_write_html(const char *path, struct dw_incidents *b, const struct dw_hour *h, size_t n,
		      const char *sub);
/* `dwell incidents` and `dwell report`: return the exit status. */
int dw_cli_incidents(const struct dw_cli_opts *o);
int dw_cli_report(const struct dw_cli_opts *o);

/* An incident evicted at the cap: its JSON line appended to the struct dw_sb ctx. */
void dw_session_keep_line(void *ctx, const char *line, size_t n);
/* Rebuilds incidents from every alert the store holds (bad: lines not read back). */
int dw_session_incidents(struct dw_store *st, struct dw_incidents *b, uint64_t *bad) DW_WUR;

#endif
