/*
 * main.c - the dwell command line: argument parsing and the pipeline
 * reader -> parser -> detectors -> alert writer, for `dwell scan` and
 * `dwell parse` (the database commands are in query.c, the --db run in
 * session.c). Exit status (README "Exit status"): 0 the run completed
 * (whatever it found), 1 usage or configuration error, 2 an input could not
 * be opened or read (reported by name; every other input was processed).
 *
 * Wall-clock time is used here only for the progress line and the
 * throughput in the summary; detectors never see it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/dw.h"
#include "../detect/detect.h"
#include "../input/reader.h"
#include "../output/html.h"
#include "../output/jsonl.h"
#include "../parse/parser.h"
#include "../store/store.h"
#include "cli.h"

#define DWELL_VERSION "0.1.0"

static struct dw_reader *g_reader;
static struct dw_merge *g_merge;
static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
	if (g_reader)
		dw_reader_stop(g_reader);
	if (g_merge)
		dw_merge_stop(g_merge);
}

static void usage(FILE *f)
{
	fputs("usage: dwell scan  [options] PATH... | -   find credential attacks and compromises\n"
	      "       dwell parse [options] PATH... | -   print normalised events as JSON lines\n"
	      "       dwell incidents --db FILE [--json]  list the incidents a database holds\n"
	      "       dwell report --db FILE [INCIDENT] [--html FILE]\n"
	      "                                           a readable report of them\n"
	      "       dwell version\n"
	      "\n"
	      "PATH is a file, a directory (read recursively; rotated sets oldest first),\n"
	      "a .gz file, or - for standard input.\n"
	      "\n"
	      "options:\n"
	      "  -c, --config FILE     thresholds and allowlists (see etc/dwell.conf)\n"
	      "  -s, --set KEY=VALUE   override one config key (repeatable)\n"
	      "  -f, --format NAME     auto (default: each line recognised), syslog,\n"
	      "                        journal-json, win-xml, netscaler, zeek, nfdump\n"
	      "  -y, --year N          year of RFC 3164 timestamps (default: from file mtime)\n"
	      "  -F, --follow          keep reading appended data (tail -F); Ctrl-C to stop\n"
	      "  -o, --output FILE     write alerts/events to FILE instead of stdout\n"
	      "      --incidents FILE  scan: write the incidents (alerts linked by account or\n"
	      "                        source) to FILE, one JSON object per line\n"
	      "      --db FILE         scan: keep alerts, incidents and the detector state in\n"
	      "                        the SQLite database FILE and go on from where the last\n"
	      "                        scan into it stopped (inputs already read add nothing)\n"
	      "      --checkpoint SECS with --db: write what was found at least this often\n"
	      "                        (default 10; 0: every 65,536 events; a killed scan\n"
	      "                        loses at most that much, the next run redoes it)\n"
	      "      --html FILE       scan, report: write the report as one HTML file\n"
	      "      --json            incidents: one JSON object per incident per line\n"
	      "  -q, --quiet           no summary or progress on stderr\n"
	      "      --max-line N      longest line in bytes (default 65536)\n"
	      "      --utc-offset +HH:MM  zone of zone-less times: RFC 3164, nfdump <= 1.7.4\n"
	      "                           (default +00:00; --tz is the same option)\n"
	      "      --max-connections N  sshd connections tracked at once (default 16384)\n"
	      "      --sequential      read inputs one after another instead of merging the\n"
	      "                        logs of several hosts by time\n"
	      "      --idle-exit SECS  with --follow: stop after SECS without new data\n"
	      "      --threads N       decode .evtx files on N threads (default: the online\n"
	      "                        CPUs, at most 16; 1 = no threads); the output is the\n"
	      "                        same whatever N\n"
	      "      --evtx-slack      also read the records left in .evtx chunk slack (older\n"
	      "                        generations of reused chunks: a cleared log's history)\n"
	      "  -h, --help            this text\n",
	      f);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run {
	struct dw_cli_opts *o;
	struct dw_parser *parser;
	struct dw_detect *detect;
	struct dw_jsonl alerts;
	struct dw_alert_sink jsonl;     /* where alerts are written */
	struct dw_incidents *incidents; /* scan: alerts linked into incidents */
	struct dw_session *sess;        /* scan --db */
	struct dw_hours *hours;         /* scan --html without --db */
	uint64_t nev;
	uint64_t rotations;             /* follow: rotations + truncations seen */
	struct dw_sb evbuf;
	struct dw_sb evicted;           /* incidents evicted at the cap, as JSON lines */
	FILE *out;
	int out_failed;
	int db_failed;
	int64_t ts_min, ts_max;
};

/* Alerts go to the output and into the incident builder. */
static void on_alert(void *ctx, struct dw_alert *a)
{
	struct run *r = ctx;

	r->jsonl.emit(r->jsonl.ctx, a);
	if (r->sess)
		dw_session_alert(r->sess, a); /* incidents come from the database at the end */
	else if (r->incidents)
		dw_incidents_add(r->incidents, a);
}

/* --incidents FILE: every incident as one JSON line. */
static int write_incidents(struct run *r, const char *path)
{
	struct dw_sb sb;
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f) {
		fprintf(stderr, "dwell: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	dw_sb_init(&sb, (size_t)1 << 30);
	dw_sb_put(&sb, r->evicted.p, r->evicted.n); /* the first ids */
	dw_incidents_json(r->incidents, &sb);
	if (dw_sb_flush(&sb, f) != DW_OK || fclose(f) != 0) {
		fprintf(stderr, "dwell: writing %s failed: %s\n", path, strerror(errno));
		rc = -1;
	}
	dw_sb_free(&sb);
	return rc;
}

static void on_event(void *ctx, const struct dw_event *e)
{
	struct run *r = ctx;

	if (e->ts != DW_TS_NONE) {
		if (r->ts_min == DW_TS_NONE || e->ts < r->ts_min)
			r->ts_min = e->ts;
		if (r->ts_max == DW_TS_NONE || e->ts > r->ts_max)
			r->ts_max = e->ts;
	}
	if (r->o->cmd == DW_CMD_PARSE) {
		if (r->out_failed)
			return;
		dw_event_json(e, &r->evbuf);
		dw_sb_putc(&r->evbuf, '\n');
		if (r->evbuf.n >= (1u << 16) || r->o->follow)
			if (dw_sb_flush(&r->evbuf, r->out) != DW_OK ||
			    (r->o->follow && fflush(r->out) != 0))
				r->out_failed = 1;
		return;
	}
	if (r->sess) {
		if ((++r->nev & 0xffff) == 0 && dw_session_tick(r->sess, 0) != DW_OK) {
			r->db_failed = 1;
			on_signal(0); /* the database cannot keep up: stop rather than lose work */
		}
		if (g_reader && r->o->follow) {
			const struct dw_reader_stats *rs = dw_reader_stats(g_reader);
			if (rs->rotations + rs->truncations != r->rotations) {
				r->rotations = rs->rotations + rs->truncations;
				dw_session_rotated(r->sess);
			}
		}
		if (dw_session_event(r->sess, e))
			return;
	} else if (r->hours) {
		dw_hours_add(r->hours, e);
	}
	dw_detect_event(r->detect, e);
}

/* Follow mode, no new data: a chance to checkpoint. */
static void on_idle(void *ctx)
{
	struct run *r = ctx;

	if (r->sess && !r->db_failed && dw_session_tick(r->sess, 1) != DW_OK) {
		r->db_failed = 1;
		on_signal(0);
	}
}

/* The end of a scan: open alerts, the database, --incidents, --html. Returns 0 or -1. */
static int finish_scan(struct run *r)
{
	struct dw_hour *h = NULL;
	size_t nh = 0;
	int rc = 0;

	if (!r->sess) {
		dw_detect_flush(r->detect);
	} else {
		struct dw_incidents *b = NULL;
		if (r->db_failed || dw_session_checkpoint(r->sess, 1, r->jsonl) != DW_OK)
			return -1;
		/* what the database holds now, earlier runs included */
		dw_sb_reset(&r->evicted);
		if (dw_incidents_new(&b, DW_CLI_INCIDENTS_MAX) == DW_OK)
			dw_incidents_on_evict(b, dw_session_keep_line, &r->evicted);
		if (!b || dw_session_incidents(dw_session_store(r->sess), b, NULL) != DW_OK) {
			fprintf(stderr, "dwell: database: cannot read the incidents back\n");
			dw_incidents_free(b);
			return -1;
		}
		dw_incidents_free(r->incidents);
		r->incidents = b;
	}
	if (r->o->incidents && write_incidents(r, r->o->incidents) != 0)
		rc = -1;
	if (r->o->html) {
		if (r->sess ? dw_store_hours(dw_session_store(r->sess), &h, &nh) != DW_OK
			    : dw_hours_take(r->hours, &h, &nh) != DW_OK) {
			fprintf(stderr, "dwell: cannot count the hours for the chart\n");
			rc = -1;
		} else if (dw_cli_write_html(r->o->html, r->incidents, h, nh,
					     r->sess ? r->o->db : "scan without a database") != 0) {
			rc = -1;
		}
		free(h);
	}
	return rc;
}

static int setup_config(struct dw_cli_opts *o, struct dw_config **cfg)
{
	char err[512];

	if (dw_config_new(cfg) != DW_OK) {
		fprintf(stderr, "dwell: out of memory\n");
		return 1;
	}
	if (o->config && dw_config_load(*cfg, o->config, err, sizeof(err)) != DW_OK) {
		fprintf(stderr, "dwell: config: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < o->nsets; i++) {
		char key[256];
		const char *eq = strchr(o->sets[i], '=');
		size_t kl = eq ? (size_t)(eq - o->sets[i]) : 0;
		if (!eq || kl == 0 || kl >= sizeof(key)) {
			fprintf(stderr, "dwell: --set wants KEY=VALUE, not '%s'\n", o->sets[i]);
			return 1;
		}
		memcpy(key, o->sets[i], kl);
		key[kl] = 0;
		while (kl > 0 && key[kl - 1] == ' ')
			key[--kl] = 0;
		eq++;
		while (*eq == ' ')
			eq++;
		if (dw_config_set(*cfg, key, eq, err, sizeof(err)) != DW_OK) {
			fprintf(stderr, "dwell: --set %s: %s\n", o->sets[i], err);
			return 1;
		}
	}
	return 0;
}

static void on_read_error(void *ctx, const char *file, int err)
{
	int *open_failed = ctx;

	fprintf(stderr, "dwell: %s: %s\n", file, strerror(err));
	*open_failed = 1;
}

struct progress {
	int on;
	double t0, next;
	struct dw_merge *m;
	struct dw_reader *rd;
	struct dw_parser *ps;
};

static void on_tick(void *ctx)
{
	struct progress *pg = ctx;
	struct dw_reader_stats rs;
	struct dw_parse_stats ps;
	size_t mem;

	if (!pg->on || now_s() < pg->next)
		return;
	if (pg->m) {
		dw_merge_totals(pg->m, &rs, &ps, &mem);
	} else {
		rs = *dw_reader_stats(pg->rd);
		ps = *dw_parser_stats(pg->ps);
	}
	dw_cli_progress(&rs, &ps, now_s() - pg->t0);
	pg->next = now_s() + 0.5;
}

/*
 * Splits the queued inputs into logs (a rotated set is one log). Returns the
 * number of logs; stream_of[i] is input i's log.
 */
/*
 * Numbers the logs: text inputs of one log (a rotated set) share a stream,
 * each .evtx file (is_evtx) is a stream of its own, after the text ones.
 * Returns the number of streams.
 */
static size_t count_logs(const struct dw_reader *lister, size_t *stream_of,
			 const unsigned char *is_evtx)
{
	size_t k = 0, n = dw_reader_inputs(lister), last = SIZE_MAX;
	int same;

	for (size_t i = 0; i < n; i++) {
		if (is_evtx[i])
			continue;
		dw_reader_input(lister, i, &same);
		if (last != SIZE_MAX && !(same && last == i - 1))
			k++;
		stream_of[i] = k;
		last = i;
	}
	k = last == SIZE_MAX ? 0 : k + 1;
	for (size_t i = 0; i < n; i++)
		if (is_evtx[i])
			stream_of[i] = k++;
	return k;
}

/* Decodes the .evtx inputs one after another (when logs are not merged). */
static void run_evtx(struct run *r, const struct dw_reader *lister, const unsigned char *is_evtx,
		     struct dw_evtxpool *pool, struct dw_cli_summary *sum, int *open_failed)
{
	for (size_t i = 0; i < dw_reader_inputs(lister); i++) {
		const char *path = dw_reader_input(lister, i, NULL);
		struct dw_evtxin *x;
		struct dw_evtx_stats st;
		struct dw_reader_stats none;
		int e;

		memset(&none, 0, sizeof(none));
		if (!is_evtx[i] || g_stop)
			continue;
		if (dw_evtxin_open(&x, path, pool, &e) != DW_OK) {
			on_read_error(open_failed, path, e ? e : EIO);
			continue;
		}
		while (!g_stop && dw_evtxin_next(x, on_event, r))
			;
		dw_evtxin_stats(x, &st);
		dw_cli_add_evtx(&sum->evtx, &st);
		dw_cli_add_stats(&none, &sum->ps, &none, dw_evtxin_parse_stats(x));
		sum->evtx_files++;
		sum->evtx_bytes += dw_evtxin_size(x);
		dw_evtxin_free(x);
	}
}

/* The single-stream loop: one reader, one parser, inputs one after another. */
static void run_sequential(struct run *r, struct progress *pg, int *open_failed)
{
	struct dw_line ln;
	int rc;
	uint64_t n = 0;

	while ((rc = dw_reader_next(g_reader, &ln)) != DW_EOF) {
		if (rc == DW_EIO) {
			on_read_error(open_failed, ln.file, ln.err ? ln.err : EIO);
			continue;
		}
		if (rc != DW_OK)
			break;
		if (ln.file_start)
			dw_parser_begin_file(r->parser, ln.file, ln.mtime);
		dw_parser_line(r->parser, ln.p, ln.n, ln.lineno, ln.offset);
		if ((++n & 0xffff) == 0)
			on_tick(pg);
	}
	/* with --db, the next run goes on from here, the connections still open included */
	if (r->sess && dw_session_seam(r->sess, r->parser) != DW_OK)
		r->db_failed = 1;
	dw_parser_flush(r->parser);
}

static int run_pipeline(struct dw_cli_opts *o)
{
	struct run r;
	struct dw_config *cfg = NULL;
	struct dw_reader_opts ro = {0};
	struct dw_parse_opts po = {0};
	struct progress pg = {0};
	struct dw_cli_summary sum;
	size_t *stream_of = NULL, nlogs = 0, nevtx = 0, ninputs;
	unsigned char *is_evtx = NULL;
	struct dw_reader *evtx_lister = NULL; /* the full input list, when .evtx files are read first */
	struct dw_evtxpool *pool = NULL;
	int status = 0, open_failed = 0;

	memset(&r, 0, sizeof(r));
	memset(&sum, 0, sizeof(sum));
	r.o = o;
	r.ts_min = r.ts_max = DW_TS_NONE;
	r.out = stdout;
	pg.on = !o->quiet && isatty(2);
	pg.t0 = now_s();
	pg.next = pg.t0 + 0.5;
	dw_sb_init(&r.evbuf, (size_t)1 << 24);
	dw_sb_init(&r.evicted, (size_t)1 << 31);
	if (o->output) {
		r.out = fopen(o->output, "w");
		if (!r.out) {
			fprintf(stderr, "dwell: cannot write %s: %s\n", o->output, strerror(errno));
			dw_sb_free(&r.evbuf);
			return 1;
		}
	}
	dw_jsonl_init(&r.alerts, r.out, o->follow);
	r.jsonl = dw_jsonl_sink(&r.alerts);
	ro.max_line = o->max_line;
	ro.follow = o->follow;
	ro.idle_exit_ms = o->idle_exit_ms;
	ro.idle = on_idle;
	ro.idle_ctx = &r;
	po.format = o->format;
	po.year = o->year;
	po.utc_offset = o->utc_offset;
	po.conn_cap = o->conn_cap;
	if (setup_config(o, &cfg)) {
		status = 1;
		goto done;
	}
	if (dw_reader_new(&g_reader, &ro) != DW_OK ||
	    (o->cmd == DW_CMD_SCAN &&
	     (dw_incidents_new(&r.incidents, DW_CLI_INCIDENTS_MAX) != DW_OK ||
	      dw_detect_new(&r.detect, cfg, (struct dw_alert_sink){on_alert, &r}) != DW_OK)))
		goto nomem;
	if (r.incidents)
		dw_incidents_on_evict(r.incidents, dw_session_keep_line, &r.evicted);
	for (size_t i = 0; i < o->npaths; i++)
		if (dw_reader_add(g_reader, o->paths[i]) != DW_OK)
			goto nomem;
	if (o->db && dw_session_open(&r.sess, o->db, r.detect, cfg, g_reader, o->follow,
					   o->checkpoint_s) != DW_OK) {
		status = 1;
		goto done;
	}
	if (o->html && !o->db && dw_hours_new(&r.hours) != DW_OK)
		goto nomem;
	/* several logs (not a rotated set of one): read them side by side in time order */
	ninputs = dw_reader_inputs(g_reader);
	stream_of = calloc(ninputs + 1, sizeof(*stream_of));
	is_evtx = calloc(ninputs + 1, 1);
	if (!stream_of || !is_evtx)
		goto nomem;
	for (size_t i = 0; i < ninputs; i++)
		nevtx += is_evtx[i] = (unsigned char)dw_evtxin_is(dw_reader_input(g_reader, i, NULL));
	nlogs = count_logs(g_reader, stream_of, is_evtx);
	if (nevtx && dw_evtxpool_new(&pool, o->threads) != DW_OK)
		goto nomem;
	if (!o->follow && !o->sequential && (nlogs > 1 || nevtx) && nlogs <= DW_MERGE_MAX) {
		if (dw_merge_new(&g_merge, nlogs, &ro, &po, on_event, &r) != DW_OK)
			goto nomem;
		for (size_t i = 0; i < ninputs; i++) {
			const char *path = dw_reader_input(g_reader, i, NULL);
			if (is_evtx[i])
				dw_merge_set_evtx(g_merge, stream_of[i], path, pool);
			else if (dw_merge_add(g_merge, stream_of[i], path) != DW_OK)
				goto nomem;
		}
	} else if (dw_parser_new(&r.parser, &po, on_event, &r) != DW_OK) {
		goto nomem;
	} else if (nevtx) {
		/* read in sequence: the .evtx files first, then a reader of the text inputs alone */
		struct dw_reader *text = NULL;
		if (dw_reader_new(&text, &ro) != DW_OK)
			goto nomem;
		for (size_t i = 0; i < ninputs; i++)
			if (!is_evtx[i] && dw_reader_add(text, dw_reader_input(g_reader, i, NULL)) != DW_OK) {
				dw_reader_free(text);
				goto nomem;
			}
		evtx_lister = g_reader;
		g_reader = text;
	}
	if (r.sess && r.parser && dw_session_parser(r.sess, r.parser) != DW_OK) {
		status = 1;
		goto done;
	}
	if (r.sess && dw_session_parser_pending(r.sess)) {
		/* logs merged by time: the last run's open sshd connections end here */
		struct dw_parser *tmp = NULL;
		if (dw_parser_new(&tmp, &po, on_event, &r) != DW_OK)
			goto nomem;
		if (dw_session_parser(r.sess, tmp) != DW_OK) {
			dw_parser_free(tmp);
			status = 1;
			goto done;
		}
		dw_parser_flush(tmp);
		dw_parser_free(tmp);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (g_merge) {
		pg.m = g_merge;
		dw_merge_run(g_merge, on_read_error, &open_failed, on_tick, &pg);
		dw_merge_totals(g_merge, &sum.rs, &sum.ps, &sum.parser_mem);
		sum.streams = nlogs;
		dw_merge_evtx_totals(g_merge, &sum.evtx_files, &sum.evtx_bytes, &sum.evtx, &sum.ps);
	} else {
		pg.rd = g_reader;
		pg.ps = r.parser;
		if (evtx_lister)
			run_evtx(&r, evtx_lister, is_evtx, pool, &sum, &open_failed);
		run_sequential(&r, &pg, &open_failed);
		sum.rs = *dw_reader_stats(g_reader);
		/* sum.ps may hold the .evtx files' events already */
		dw_cli_add_stats(&sum.rs, &sum.ps, &(struct dw_reader_stats){0},
				 dw_parser_stats(r.parser));
		sum.parser_mem = dw_parser_memuse(r.parser);
		sum.streams = 1;
	}
	if (r.detect && finish_scan(&r) != 0)
		r.db_failed = 1;
	if (dw_sb_flush(&r.evbuf, r.out) != DW_OK)
		r.out_failed = 1;
	if (fflush(r.out) != 0)
		r.out_failed = 1;
	if (pg.on)
		fputs("\r\033[K", stderr);
	if (!o->quiet) {
		sum.detect = r.detect;
		sum.alerts = &r.alerts;
		sum.incidents = r.incidents;
		if (r.sess) {
			sum.db = 1;
			dw_session_counts(r.sess, &sum.db_skipped, &sum.db_kept, &sum.db_dropped);
		}
		sum.ts_min = r.ts_min;
		sum.ts_max = r.ts_max;
		sum.seconds = now_s() - pg.t0;
		dw_cli_summary(stderr, &sum);
	}
	if (r.out_failed || r.alerts.failed)
		fprintf(stderr, "dwell: writing output failed: %s\n", strerror(errno));
	status = r.db_failed ? 1 : open_failed ? 2 : 0;
	goto done;
nomem:
	fprintf(stderr, "dwell: out of memory\n");
	status = 1;
done:
	dw_session_free(r.sess);
	dw_hours_free(r.hours);
	dw_detect_free(r.detect);
	dw_parser_free(r.parser);
	dw_merge_free(g_merge);
	g_merge = NULL;
	dw_evtxpool_free(pool); /* after every input of it is closed */
	dw_reader_free(g_reader);
	g_reader = NULL;
	dw_reader_free(evtx_lister);
	free(stream_of);
	free(is_evtx);
	dw_config_free(cfg);
	dw_jsonl_free(&r.alerts);
	dw_incidents_free(r.incidents);
	dw_sb_free(&r.evbuf);
	dw_sb_free(&r.evicted);
	if (r.out && r.out != stdout)
		fclose(r.out);
	return status;
}

static int parse_uint(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* "+HH:MM", "-HH:MM", "+HHMM" or "Z" into seconds east of UTC. */
static int parse_offset(const char *s, int32_t *out)
{
	int sign, h, m;
	size_t n = strlen(s);

	if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*out = 0;
		return 0;
	}
	if ((n != 6 && n != 5) || (s[0] != '+' && s[0] != '-'))
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	if (!dw_isdigit(s[1]) || !dw_isdigit(s[2]))
		return -1;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	s += n == 6 ? 4 : 3;
	if (n == 6 && s[-1] != ':')
		return -1;
	if (!dw_isdigit(s[0]) || !dw_isdigit(s[1]))
		return -1;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	if (h > 23 || m > 59)
		return -1;
	*out = sign * (h * 3600 + m * 60);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"set", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		{"year", required_argument, NULL, 'y'},
		{"follow", no_argument, NULL, 'F'},
		{"output", required_argument, NULL, 'o'},
		{"incidents", required_argument, NULL, 'N'},
		{"db", required_argument, NULL, 'D'},
		{"html", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'J'},
		{"checkpoint", required_argument, NULL, 'K'},
		{"quiet", no_argument, NULL, 'q'},
		{"max-line", required_argument, NULL, 'L'},
		{"idle-exit", required_argument, NULL, 'I'},
		{"utc-offset", required_argument, NULL, 'U'},
		{"tz", required_argument, NULL, 'U'},
		{"max-connections", required_argument, NULL, 'C'},
		{"sequential", no_argument, NULL, 'S'},
		{"threads", required_argument, NULL, 'T'},
		{"evtx-slack", no_argument, NULL, 'E'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct dw_cli_opts o;
	const char *cmd;
	int c, rc;
	long long v;

	memset(&o, 0, sizeof(o));
	o.checkpoint_s = 10;
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("dwell %s\n", DWELL_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "scan"))
		o.cmd = DW_CMD_SCAN;
	else if (!strcmp(cmd, "parse"))
		o.cmd = DW_CMD_PARSE;
	else if (!strcmp(cmd, "incidents"))
		o.cmd = DW_CMD_INCIDENTS;
	else if (!strcmp(cmd, "report"))
		o.cmd = DW_CMD_REPORT;
	else {
		fprintf(stderr, "dwell: unknown command '%s'\n", cmd);
		usage(stderr);
		return 1;
	}
	o.sets = calloc((size_t)argc, sizeof(*o.sets));
	if (!o.sets)
		return 1;
	optind = 2;
	while ((c = getopt_long(argc, argv, "c:s:f:y:Fo:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.config = optarg; break;
		case 's': o.sets[o.nsets++] = optarg; break;
		case 'f':
			if (!strcmp(optarg, "auto"))
				o.format = DW_FMT_AUTO;
			else if ((o.format = dw_format_from_name(optarg)) < 0) {
				fprintf(stderr, "dwell: unknown format '%s'\n", optarg);
				free(o.sets);
				return 1;
			}
			break;
		case 'y':
			if (parse_uint(optarg, 1970, 9999, &v)) {
				fprintf(stderr, "dwell: --year wants a year, not '%s'\n", optarg);
				free(o.sets);
				return 1;
			}
			o.year = (int)v;
			break;
		case 'F': o.follow = 1; break;
		case 'o': o.output = optarg; break;
		case 'N': o.incidents = optarg; break;
		case 'D': o.db = optarg; break;
		case 'H': o.html = optarg; break;
		case 'J': o.json = 1; break;
		case 'K':
			if (parse_uint(optarg, 0, 86400, &v)) {
				fprintf(stderr, "dwell: --checkpoint wants 0..86400 seconds\n");
				free(o.sets);
				return 1;
			}
			o.checkpoint_s = (double)v;
			break;
		case 'q': o.quiet = 1; break;
		case 'L':
			if (parse_uint(optarg, 256, 1 << 26, &v)) {
				fprintf(stderr, "dwell: --max-line wants 256..67108864\n");
				free(o.sets);
				return 1;
			}
			o.max_line = (size_t)v;
			break;
		case 'I':
			if (parse_uint(optarg, 0, 86400 * 365, &v)) {
				fprintf(stderr, "dwell: --idle-exit wants seconds\n");
				free(o.sets);
				return 1;
			}
			o.idle_exit_ms = (int)(v * 1000);
			break;
		case 'U':
			if (parse_offset(optarg, &o.utc_offset)) {
				fprintf(stderr, "dwell: --utc-offset wants +HH:MM or -HH:MM, not '%s'\n",
					optarg);
				free(o.sets);
				return 1;
			}
			break;
		case 'S': o.sequential = 1; break;
		case 'E': dw_evtxin_slack(1); break;
		case 'T':
			if (parse_uint(optarg, 1, 256, &v)) {
				fprintf(stderr, "dwell: --threads wants 1..256\n");
				free(o.sets);
				return 1;
			}
			o.threads = (int)v;
			break;
		case 'C':
			if (parse_uint(optarg, 16, 1 << 24, &v)) {
				fprintf(stderr, "dwell: --max-connections wants 16..16777216\n");
				free(o.sets);
				return 1;
			}
			o.conn_cap = (size_t)v;
			break;
		case 'h':
			usage(stdout);
			free(o.sets);
			return 0;
		default:
			usage(stderr);
			free(o.sets);
			return 1;
		}
	}
	if (o.threads == 0) { /* every online CPU, within reason */
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		o.threads = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (int)ncpu;
	}
	o.paths = (const char **)argv + optind;
	o.npaths = (size_t)(argc - optind);
	if (o.cmd == DW_CMD_INCIDENTS || o.cmd == DW_CMD_REPORT) {
		rc = 1;
		if (o.npaths > (o.cmd == DW_CMD_REPORT ? 1u : 0u) ||
		    (o.npaths && parse_uint(o.paths[0], 1, INT64_MAX, &v))) {
			fprintf(stderr, "dwell: %s takes --db FILE%s\n", cmd,
				o.cmd == DW_CMD_REPORT ? " and at most one incident id" : "");
		} else {
			o.incident_id = o.npaths ? (uint64_t)v : 0;
			rc = o.cmd == DW_CMD_INCIDENTS ? dw_cli_incidents(&o) : dw_cli_report(&o);
		}
		free(o.sets);
		return rc;
	}
	if (o.cmd == DW_CMD_PARSE && (o.db || o.html || o.incidents)) {
		fprintf(stderr, "dwell: --db, --html and --incidents are for scan\n");
		free(o.sets);
		return 1;
	}
	if (o.npaths == 0) {
		fprintf(stderr, "dwell: %s needs at least one PATH (or - for stdin)\n", cmd);
		free(o.sets);
		return 1;
	}
	rc = run_pipeline(&o);
	free(o.sets);
	return rc;
}
