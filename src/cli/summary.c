/*
 * summary.c - the human summary on stderr at the end of every run, and the
 * progress line while reading when stderr is a terminal. Numbers are
 * grouped by thousands so a 3 a.m. reader sees magnitudes at a glance.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include "../core/tm.h"
#include "cli.h"

static const char *grp(uint64_t v, char *buf)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v), k = 0;

	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = tmp[i];
	}
	buf[k] = 0;
	return buf;
}

void dw_cli_add_stats(struct dw_reader_stats *rs, struct dw_parse_stats *ps,
		      const struct dw_reader_stats *r1, const struct dw_parse_stats *p1)
{
	rs->inputs += r1->inputs;
	rs->lines += r1->lines;
	rs->bytes += r1->bytes;
	rs->raw_bytes += r1->raw_bytes;
	rs->too_long += r1->too_long;
	rs->open_errors += r1->open_errors;
	rs->read_errors += r1->read_errors;
	rs->rotations += r1->rotations;
	rs->truncations += r1->truncations;
	ps->records += p1->records;
	ps->events += p1->events;
	for (int i = 0; i < DW_ACT__N; i++)
		ps->by_action[i] += p1->by_action[i];
	for (int i = 0; i < DW_LOG__N; i++)
		ps->by_log[i] += p1->by_log[i];
	for (int i = 0; i < DW_UNP__N; i++)
		ps->unparsed[i] += p1->unparsed[i];
	ps->merged_lines += p1->merged_lines;
	ps->conn_evicted += p1->conn_evicted;
}

void dw_cli_progress(const struct dw_reader_stats *rs, const struct dw_parse_stats *ps,
		     double secs)
{
	char a[32], b[32];

	fprintf(stderr, "\r\033[Kdwell: %s lines, %.1f MB, %s events, %.0f MB/s",
		grp(rs->lines, a), (double)rs->bytes / 1e6, grp(ps->events, b),
		secs > 0 ? (double)rs->bytes / 1e6 / secs : 0.0);
}

static void line_counts(FILE *f, const char *label, const uint64_t *v, int n,
			const char *(*name)(int), int skip0)
{
	uint64_t total = 0;
	char a[32];
	int first = 1;

	for (int i = 0; i < n; i++)
		total += v[i];
	fprintf(f, "  %-12s %s", label, grp(total, a));
	for (int i = skip0 ? 1 : 0; i < n; i++) {
		if (!v[i])
			continue;
		fprintf(f, "%s%s %s", first ? ": " : ", ", name(i), grp(v[i], a));
		first = 0;
	}
	fputc('\n', f);
}

void dw_cli_add_evtx(struct dw_evtx_stats *t, const struct dw_evtx_stats *s)
{
	const uint64_t *a = (const uint64_t *)(const void *)s;
	uint64_t *b = (uint64_t *)(void *)t;

	/* every member is a uint64_t counter */
	for (size_t i = 0; i < sizeof(*s) / sizeof(uint64_t); i++)
		b[i] += a[i];
}

/* The .evtx line: files, chunks, records, and each damage counter that is not zero. */
static void evtx_line(FILE *f, const struct dw_cli_summary *s)
{
	static const struct {
		const char *name;
		size_t off;
	} dmg[] = {
		{"bad file headers", offsetof(struct dw_evtx_stats, bad_file_header)},
		{"chunks without magic", offsetof(struct dw_evtx_stats, bad_chunk_magic)},
		{"chunk header CRC errors", offsetof(struct dw_evtx_stats, bad_chunk_crc)},
		{"record data CRC errors", offsetof(struct dw_evtx_stats, bad_data_crc)},
		{"truncated chunks", offsetof(struct dw_evtx_stats, truncated_chunk)},
		{"records recovered from damaged chunks", offsetof(struct dw_evtx_stats, recovered_records)},
		{"bad records", offsetof(struct dw_evtx_stats, bad_record)},
		{"unreadable BinXML", offsetof(struct dw_evtx_stats, bad_binxml)},
		{"records without a time", offsetof(struct dw_evtx_stats, bad_time)},
		{"stale records in chunk slack", offsetof(struct dw_evtx_stats, slack_records)},
		{"of them delivered (--evtx-slack)", offsetof(struct dw_evtx_stats, slack_delivered)},
	};
	char a[32], b[32], c[32];

	fprintf(f, "  %-12s %s files, %s records in %s chunks", "evtx", grp(s->evtx_files, a),
		grp(s->evtx.records, b), grp(s->evtx.chunks, c));
	for (size_t i = 0; i < DW_ARRAY_LEN(dmg); i++) {
		uint64_t v;
		memcpy(&v, (const char *)&s->evtx + dmg[i].off, sizeof(v));
		if (v)
			fprintf(f, ", %s %s", grp(v, a), dmg[i].name);
	}
	fputc('\n', f);
}

void dw_cli_summary(FILE *f, const struct dw_cli_summary *s)
{
	const struct dw_reader_stats *rs = &s->rs;
	const struct dw_parse_stats *ps = &s->ps;
	struct rusage ru;
	char a[32], b[32], t1[DW_TM_BUFSZ], t2[DW_TM_BUFSZ], ev[64];
	double mb = (double)(rs->bytes + s->evtx_bytes) / 1e6;
	uint64_t items = rs->lines + s->evtx.records;

	getrusage(RUSAGE_SELF, &ru);
	ev[0] = 0;
	if (s->evtx_files)
		snprintf(ev, sizeof(ev), ", %s .evtx records", grp(s->evtx.records, t2));
	fprintf(f, "dwell %s: %s inputs, %s lines%s, %.1f MB in %.2f s (%.0f MB/s, %s %s/s), "
		   "peak RSS %.1f MiB\n",
		s->detect ? "scan" : "parse", grp(rs->inputs + s->evtx_files, a), grp(rs->lines, b),
		ev, mb, s->seconds,
		s->seconds > 0 ? mb / s->seconds : 0.0,
		grp(s->seconds > 0 ? (uint64_t)((double)items / s->seconds) : 0, t1),
		s->evtx_files ? "records" : "lines", (double)ru.ru_maxrss / 1024.0);
	if (s->evtx_files)
		evtx_line(f, s);
	if (s->streams > 1)
		fprintf(f, "  %-12s %zu logs read side by side, events merged in time order\n",
			"merged", s->streams);
	if (s->ts_min != DW_TS_NONE) {
		dw_tm_format(s->ts_min, 0, t1);
		dw_tm_format(s->ts_max, 0, t2);
		fprintf(f, "  %-12s %s .. %s\n", "time span", t1, t2);
	}
	line_counts(f, "events", ps->by_action, DW_ACT__N, dw_action_name, 0);
	line_counts(f, "by log", ps->by_log, DW_LOG__N, dw_log_name, 0);
	line_counts(f, "unparsed", ps->unparsed, DW_UNP__N, dw_unparsed_name, 0);
	if (rs->too_long)
		fprintf(f, "  %-12s %s lines skipped (longer than the line limit)\n", "too long",
			grp(rs->too_long, a));
	if (rs->open_errors || rs->read_errors)
		fprintf(f, "  %-12s %s inputs could not be opened, %s read errors\n", "errors",
			grp(rs->open_errors, a), grp(rs->read_errors, b));
	if (rs->rotations || rs->truncations)
		fprintf(f, "  %-12s %s rotations, %s truncations followed\n", "follow",
			grp(rs->rotations, a), grp(rs->truncations, b));
	if (ps->merged_lines)
		fprintf(f, "  %-12s %s lines folded into the attempt they belong to\n", "folded",
			grp(ps->merged_lines, a));
	fprintf(f, "  %-12s %.1f MiB for sshd connections, %s evicted at the cap\n", "parser",
		(double)s->parser_mem / (1024.0 * 1024.0), grp(ps->conn_evicted, a));
	if (s->detect) {
		struct dw_detect_stats ds;
		fprintf(f, "  %-12s %s", "alerts", grp(s->alerts->total, a));
		for (size_t i = 0; i < s->alerts->nkinds; i++)
			fprintf(f, "%s%s %s", i ? ", " : ": ", s->alerts->kind[i],
				grp(s->alerts->count[i], b));
		fputc('\n', f);
		dw_detect_stats(s->detect, &ds);
		fprintf(f, "  %-12s %.1f MiB in capped tables, %s evictions", "state",
			(double)ds.table_memuse / (1024.0 * 1024.0), grp(ds.table_evicted, a));
		if (ds.allowlisted)
			fprintf(f, ", %s events allowlisted", grp(ds.allowlisted, b));
		if (ds.noise)
			fprintf(f, ", %s noise failures skipped", grp(ds.noise, b));
		if (ds.duplicates)
			fprintf(f, ", %s Windows records merged with another machine's",
				grp(ds.duplicates, b));
		if (ds.out_of_order)
			fprintf(f, ", %s events out of time order", grp(ds.out_of_order, b));
		fputc('\n', f);
		if (ds.flows) {
			fprintf(f, "  %-12s %s", "flows", grp(ds.flows, a));
			if (ds.flows_other)
				fprintf(f, ", %s with no inside host or server (networks.internal, servers.*)",
					grp(ds.flows_other, b));
			fputc('\n', f);
		}
		if (ds.flows && ds.flows_other == ds.flows)
			fprintf(f, "  %-12s no flow has an inside host: set networks.internal to your "
				   "address space (see etc/dwell.conf)\n",
				"warning");
		if (ds.out_of_order * 100 > ds.events && ds.events > 0)
			fprintf(f, "  %-12s %.0f%% of events came after newer ones: %s; detection "
				   "across time is weaker (see README, Inputs)\n",
				"warning", 100.0 * (double)ds.out_of_order / (double)ds.events,
				s->streams > 1 || s->rs.inputs <= 1
					? "an input is not in time order"
					: "the inputs overlap in time (dwell merges up to 256 logs by time, "
					  "without --sequential or --follow)");
	}
	if (s->db) {
		fprintf(f, "  %-12s %s events already read by an earlier scan skipped, %s events "
			   "of interest kept", "database", grp(s->db_skipped, a), grp(s->db_kept, b));
		if (s->db_dropped)
			fprintf(f, " (%s not kept: cap)", grp(s->db_dropped, a));
		fputs("; incidents below are the database's, earlier scans included\n", f);
	}
	if (s->incidents && dw_incidents_count(s->incidents)) {
		struct dw_sb sb;
		dw_sb_init(&sb, (size_t)1 << 20);
		fprintf(f, "  %-12s %s:\n", "incidents", grp(dw_incidents_count(s->incidents), a));
		dw_incidents_text(s->incidents, &sb, 20);
		for (size_t i = 0, st = 0; i < sb.n; i++)
			if (sb.p[i] == '\n') {
				fprintf(f, "    %.*s\n", (int)(i - st), sb.p + st);
				st = i + 1;
			}
		dw_sb_free(&sb);
	}
}
