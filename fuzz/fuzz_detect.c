/*
 * fuzz_detect.c - libFuzzer target for parse + detect: the input's lines go
 * through a fresh parser (any format, sniffed per line) and every event into
 * a fresh detector whose tables are capped at 16 entries and whose windows
 * are short, so evictions, episode closes, campaigns, the Windows hold ring,
 * storms and access reports all run on attacker-shaped input; the flow rules
 * (exfiltration, internal_staging) learn for an hour and judge from 1 MiB.
 * Every alert is rendered as JSON and checked (lists within their totals,
 * times in order), and linked into incidents (at most 4, so merges and
 * evictions run) whose JSON, text, text report and HTML report are rendered
 * at the end (hostile names reach every renderer). Replayed by
 * fuzz/onefile.c in `make test`; run it with `make fuzz-run T=detect SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/sb.h"
#include "../src/detect/detect.h"
#include "../src/incident/incident.h"
#include "../src/output/html.h"
#include "../src/output/report.h"
#include "../src/parse/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dw_sb sb;
static struct dw_config *cfg;

static void on_alert(void *ctx, struct dw_alert *a)
{
	if (ctx)
		dw_incidents_add(ctx, a);
	if (a->sources.n > a->sources.total || a->users.n > a->users.total ||
	    a->compromised.n > a->compromised.total || a->first_seen > a->last_seen)
		abort();
	dw_sb_reset(&sb);
	dw_alert_json(a, &sb);
	if (sb.n == 0)
		abort();
}

static void on_event(void *ctx, const struct dw_event *e)
{
	dw_detect_event(ctx, e);
}

static int setup(void)
{
	static const char *const sets[][2] = {
		{"limits.sources", "16"},   {"limits.users", "16"},     {"limits.pairs", "16"},
		{"limits.known", "16"},     {"limits.pending", "16"},   {"limits.compromised", "16"},
		{"limits.accounts", "16"},  {"limits.shares", "16"},    {"limits.explicit", "16"},
		{"spray.min_users", "3"},   {"lockout.min_users", "3"}, {"mfa.fatigue_min", "2"},
		{"explicit.min_users", "3"}, {"distributed.min_sources", "3"},
		{"distributed.min_users", "3"}, {"distributed.warmup", "0"},
		{"limits.flow_hosts", "16"}, {"limits.flow_pairs", "16"},
		{"limits.flow_destinations", "16"}, {"limits.vpn_addresses", "16"},
		{"flow.learn", "1h"},        {"exfil.history_days", "1"},
		{"staging.history_days", "1"}, {"exfil.min_bytes", "1MiB"},
		{"exfil.burst_bytes", "1MiB"}, {"staging.min_bytes", "1MiB"},
		{"exfil.host_min_bytes", "1MiB"},
	};
	char err[256];

	dw_sb_init(&sb, (size_t)1 << 22);
	if (dw_config_new(&cfg) != DW_OK)
		return -1;
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (dw_config_set(cfg, sets[i][0], sets[i][1], err, sizeof(err)) != DW_OK)
			abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_parser *p = NULL;
	struct dw_detect *d = NULL;
	struct dw_parse_opts o = {0};
	struct dw_incidents *inc = NULL;
	struct dw_alert_sink sink = {on_alert, NULL};
	const char *s = (const char *)data;
	uint64_t ln = 0;
	size_t off = 0;

	if (!cfg && setup() != 0)
		return 0;
	if (dw_incidents_new(&inc, 4) != DW_OK)
		return 0;
	sink.ctx = inc;
	if (dw_detect_new(&d, cfg, sink) != DW_OK) {
		dw_incidents_free(inc);
		return 0;
	}
	o.conn_cap = 8;
	if (dw_parser_new(&p, &o, on_event, d) != DW_OK) {
		dw_detect_free(d);
		dw_incidents_free(inc);
		return 0;
	}
	dw_parser_begin_file(p, "fuzz", 1718409600LL * 1000000000LL); /* 2024-06-15 */
	while (off < size) {
		const char *nl = memchr(s + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (s + off)) : size - off;
		dw_parser_line(p, s + off, len, ++ln, off);
		off += len + (nl != NULL);
	}
	dw_parser_flush(p);
	dw_detect_flush(d);
	dw_parser_free(p);
	dw_detect_free(d);
	dw_sb_reset(&sb);
	dw_incidents_json(inc, &sb);
	dw_incidents_text(inc, &sb, 3);
	dw_sb_reset(&sb);
	if (dw_report_text(inc, 0, &sb) != DW_OK)
		abort();
	dw_sb_reset(&sb);
	{
		struct dw_hour h[2] = {{474864, 3, 1, 0}, {474900, 0, 2, 5}};
		if (dw_html_write(inc, h, 2, "fuzz", "<sub>", &sb) != DW_OK)
			abort();
	}
	dw_incidents_free(inc);
	return 0;
}
