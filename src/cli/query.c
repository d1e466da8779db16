/*
 * query.c - the commands that read a database without scanning:
 * `dwell incidents --db FILE [--json]` and `dwell report --db FILE
 * [INCIDENT] [--html FILE]`, and the HTML writer `dwell scan --html` shares.
 *
 * Both rebuild the incidents from the stored alerts, so they print exactly
 * what `dwell scan --incidents` printed for the same alerts. They open the
 * database read-only and never wait for a scan that is writing it (WAL):
 * they see its last checkpoint.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output/html.h"
#include "../core/tm.h"
#include "../output/report.h"
#include "../store/store.h"
#include "cli.h"

int dw_cli_write_html(const char *path, struct dw_incidents *b, const struct dw_hour *h, size_t n,
		      const char *sub)
{
	struct dw_sb sb;
	FILE *f;
	int rc = 0;

	dw_sb_init(&sb, (size_t)1 << 30);
	if (dw_html_write(b, h, n, "dwell report", sub, &sb) != DW_OK) {
		fprintf(stderr, "dwell: cannot build the HTML report (out of memory)\n");
		dw_sb_free(&sb);
		return -1;
	}
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "dwell: cannot write %s: %s\n", path, strerror(errno));
		dw_sb_free(&sb);
		return -1;
	}
	if (dw_sb_flush(&sb, f) != DW_OK || fclose(f) != 0) {
		fprintf(stderr, "dwell: writing %s failed: %s\n", path, strerror(errno));
		rc = -1;
	}
	dw_sb_free(&sb);
	return rc;
}

/*
 * Opens the database and rebuilds its incidents; the JSON lines of those
 * evicted at the cap go to evicted when it is not NULL. Returns 0, or the
 * exit status.
 */
static int load(const struct dw_cli_opts *o, struct dw_store **st, struct dw_incidents **b,
		struct dw_sb *evicted)
{
	char err[512];
	uint64_t bad = 0;

	*st = NULL;
	*b = NULL;
	if (!o->db) {
		fprintf(stderr, "dwell: this command needs --db FILE\n");
		return 1;
	}
	if (dw_store_open(st, o->db, DW_STORE_READ, err, sizeof(err)) != DW_OK) {
		fprintf(stderr, "dwell: database %s\n", err);
		return 1;
	}
	if (dw_incidents_new(b, DW_CLI_INCIDENTS_MAX) != DW_OK) {
		fprintf(stderr, "dwell: out of memory\n");
		return 1;
	}
	if (evicted)
		dw_incidents_on_evict(*b, dw_session_keep_line, evicted);
	if (dw_session_incidents(*st, *b, &bad) != DW_OK) {
		fprintf(stderr, "dwell: database %s: cannot read its alerts\n", o->db);
		return 1;
	}
	if (bad)
		fprintf(stderr, "dwell: database %s: %llu stored alerts could not be read back\n",
			o->db, (unsigned long long)bad);
	return 0;
}

static int put(struct dw_sb *sb, FILE *f)
{
	if (dw_sb_flush(sb, f) != DW_OK || fflush(f) != 0) {
		fprintf(stderr, "dwell: writing output failed: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int dw_cli_incidents(const struct dw_cli_opts *o)
{
	struct dw_store *st;
	struct dw_incidents *b;
	struct dw_sb sb;
	int rc;

	dw_sb_init(&sb, (size_t)1 << 31);
	rc = load(o, &st, &b, &sb); /* with --json, incidents evicted at the cap come first */
	if (rc == 0) {
		if (o->json)
			dw_incidents_json(b, &sb);
		else if (dw_incidents_count(b) == 0)
			dw_sb_puts(&sb, "no incidents\n");
		else
			dw_incidents_text(b, &sb, SIZE_MAX);
		if (!o->json && dw_incidents_stats(b)->evicted)
			dw_sb_printf(&sb, "(%llu earlier incidents left the %d kept in memory: "
					  "dwell incidents --json lists them all)\n",
				     (unsigned long long)dw_incidents_stats(b)->evicted,
				     DW_CLI_INCIDENTS_MAX);
		rc = put(&sb, stdout);
	}
	dw_sb_free(&sb);
	dw_incidents_free(b);
	dw_store_close(st);
	return rc;
}

struct evctx {
	struct dw_sb *sb;
	size_t n;
};

/* One event of interest as a line: time, action, source, detail, record. */
static void put_event(void *ctx, const struct dw_store_event *e)
{
	struct evctx *c = ctx;
	char tb[DW_TM_BUFSZ];

	dw_tm_format(e->ts, 0, tb);
	dw_sb_printf(c->sb, "    %s  %-14s %-16s %-40.80s %s:%llu\n", tb, e->action ? e->action : "",
		     e->source ? e->source : "", e->detail ? e->detail : "", e->file ? e->file : "",
		     (unsigned long long)e->line);
	c->n++;
}

/*
 * What the database kept of the accounts to reset of incident id: their
 * logins, sessions, share accesses and explicit-credential uses after an
 * alert named them, at most EV_SHOW each (the text report's last section).
 */
#define EV_SHOW 50
static int put_events(struct dw_store *st, struct dw_incidents *b, uint64_t id, struct dw_sb *sb)
{
	struct dw_incident_view v;
	struct evctx c = {sb, 0};
	size_t i;

	if (dw_incidents_find(b, id, &i) != DW_OK || dw_incidents_view(b, i, &v) != DW_OK)
		return DW_ENOENT;
	dw_sb_puts(sb, "\nEVENTS OF INTEREST (kept in the database: what the accounts to reset did "
		       "after an alert named them)\n");
	for (size_t k = 0; k < v.n_accounts; k++) {
		const struct dw_incident_account *a = &v.accounts[k];
		size_t before = c.n;
		if (!(a->flags & (DW_INCIDENT_COMPROMISED | DW_INCIDENT_VALIDATED)))
			continue;
		dw_sb_printf(sb, "  %.100s\n", a->user); /* already a normalised key */
		if (dw_store_events(st, a->user, NULL, EV_SHOW, put_event, &c) != DW_OK)
			return DW_EIO;
		if (c.n == before)
			dw_sb_puts(sb, "    (none kept)\n");
		else if (c.n - before == EV_SHOW)
			dw_sb_printf(sb, "    (the first %d; the events table holds the rest)\n",
				     EV_SHOW);
	}
	return DW_OK;
}

int dw_cli_report(const struct dw_cli_opts *o)
{
	struct dw_store *st;
	struct dw_incidents *b;
	struct dw_sb sb;
	int rc = load(o, &st, &b, NULL);

	dw_sb_init(&sb, (size_t)1 << 31);
	if (rc == 0 && o->html) {
		struct dw_hour *h = NULL;
		struct dw_store_info info;
		char sub[256] = "";
		size_t n = 0;
		if (dw_store_hours(st, &h, &n) != DW_OK || dw_store_info(st, &info) != DW_OK) {
			fprintf(stderr, "dwell: database %s: cannot read it\n", o->db);
			rc = 1;
		} else {
			snprintf(sub, sizeof(sub), "%s: %lld scans of %lld inputs, %llu events read, "
				 "last scan %s", o->db, (long long)info.scans, (long long)info.inputs,
				 (unsigned long long)info.events_read, info.last_scan);
			rc = dw_cli_write_html(o->html, b, h, n, sub) ? 1 : 0;
		}
		free(h);
	}
	if (rc == 0 && (!o->html || o->incident_id)) {
		int r = dw_report_text(b, o->incident_id, &sb);
		if (r == DW_ENOENT) {
			fprintf(stderr, "dwell: no incident %llu in %s\n",
				(unsigned long long)o->incident_id, o->db);
			rc = 1;
		} else if (r != DW_OK) {
			fprintf(stderr, "dwell: out of memory\n");
			rc = 1;
		} else if (o->incident_id && put_events(st, b, o->incident_id, &sb) != DW_OK) {
			fprintf(stderr, "dwell: database %s: cannot read its events\n", o->db);
			rc = 1;
		} else {
			rc = put(&sb, stdout);
		}
	}
	dw_sb_free(&sb);
	dw_incidents_free(b);
	dw_store_close(st);
	return rc;
}
