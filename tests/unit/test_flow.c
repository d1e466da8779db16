/*
 * test_flow.c - the flow parsers (src/parse/zeek.c, src/parse/nfdump.c) and
 * their dispatch in parser.c (the expected events of every sample record
 * are in tests/parse/zeek.cases and nfdump.cases, run by
 * test_parse_cases.c):
 *   - per-file state: the Zeek and nfdump column maps end at
 *     dw_parser_begin_file; header and trailer lines give no event and are
 *     not counted as unparsed;
 *   - the zone of nfdump's zone-less stamps (utc_offset), --format names;
 *   - hostile input: every truncation of every case input, each an
 *     exact-size heap copy (ASan sees over-reads) after its file's header;
 *     wrong column counts, non-numeric and huge values, binary, huge headers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../src/core/sb.h"
#include "../../src/parse/nfdump.h"
#include "../../src/parse/parser.h"
#include "../../src/parse/zeek.h"
#include "../test.h"

struct got {
	int n;
	struct dw_event last;
	char json[1024];
};

static void on_event(void *ctx, const struct dw_event *e)
{
	struct got *g = ctx;
	struct dw_sb sb;

	g->n++;
	g->last = *e;
	dw_sb_init(&sb, 1 << 16);
	dw_event_json(e, &sb);
	snprintf(g->json, sizeof(g->json), "%.*s", (int)sb.n, sb.p);
	dw_sb_free(&sb);
}

/* Feeds s as one line from an exact-size copy. */
static void feed(struct dw_parser *p, const char *s, size_t n)
{
	char *c = malloc(n ? n : 1);

	if (!c)
		abort();
	memcpy(c, s, n);
	dw_parser_line(p, c, n, 1, 0);
	free(c);
}

static void feeds(struct dw_parser *p, const char *s)
{
	feed(p, s, strlen(s));
}

static uint64_t unparsed(struct dw_parser *p)
{
	uint64_t t = 0;

	for (int k = 0; k < DW_UNP__N; k++)
		t += dw_parser_stats(p)->unparsed[k];
	return t;
}

#define ZHDR                                                                 \
	"#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration" \
	"\torig_bytes\tresp_bytes"
#define ZREC "1709287300.000000\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\t10.5\t5000\t6000"
#define NHDR "firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows"
#define NREC "2024-10-23 12:00:00.123,1.500,TCP,10.0.0.9,51000,203.0.113.9,443,12,48213,1"

DW_TEST(flow_state_per_file)
{
	struct dw_parser *p;
	struct got g = {0};

	DW_ASSERT(dw_parser_new(&p, NULL, on_event, &g) == DW_OK);
	dw_parser_begin_file(p, "a", 0);
	feeds(p, "#separator \\x09");
	feeds(p, ZHDR);
	DW_ASSERT_EQ_INT(g.n, 0);
	DW_ASSERT_EQ_INT(unparsed(p), 0);
	feeds(p, ZREC);
	DW_ASSERT_EQ_INT(g.n, 1);
	DW_ASSERT_EQ_INT(g.last.log, DW_LOG_ZEEK);
	DW_ASSERT_EQ_INT(g.last.action, DW_ACT_FLOW);
	DW_ASSERT_EQ_INT(g.last.duration_ms, 10500);
	DW_ASSERT_EQ_INT(g.last.bytes_out, 5000);
	DW_ASSERT_EQ_INT(g.last.bytes_in, 6000);
	DW_ASSERT(g.last.has & DW_EV_HAS_BYTES_OUT);
	DW_ASSERT(g.last.has & DW_EV_HAS_BYTES_IN);
	DW_ASSERT(g.last.has & DW_EV_HAS_DURATION);
	/* a new file forgets the map */
	dw_parser_begin_file(p, "b", 0);
	feeds(p, ZREC);
	DW_ASSERT_EQ_INT(g.n, 1);
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->unparsed[DW_UNP_BAD_HEADER], 1);
	/* nfdump: header, record, new file, headerless record of the new layout */
	feeds(p, NHDR);
	feeds(p, NREC);
	DW_ASSERT_EQ_INT(g.n, 2);
	DW_ASSERT_EQ_INT(g.last.log, DW_LOG_NETFLOW);
	DW_ASSERT_EQ_INT(g.last.bytes_out, 48213);
	DW_ASSERT(!(g.last.has & DW_EV_HAS_BYTES_IN));
	dw_parser_begin_file(p, "c", 0);
	feeds(p, NREC);
	DW_ASSERT_EQ_INT(g.n, 2);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(flow_nfdump_zone)
{
	struct dw_parse_opts o = {0};
	struct dw_parser *p;
	struct got g = {0};
	int64_t utc;

	DW_ASSERT(dw_parser_new(&p, &o, on_event, &g) == DW_OK);
	feeds(p, NHDR);
	feeds(p, NREC);
	DW_ASSERT_EQ_INT(g.n, 1);
	utc = g.last.ts;
	DW_ASSERT_EQ_STR(g.json, "{\"ts\":\"2024-10-23T12:00:01.623Z\",\"log\":\"netflow\","
				 "\"action\":\"flow\",\"src_ip\":\"10.0.0.9\",\"src_port\":51000,"
				 "\"protocol\":\"TCP\",\"bytes_out\":48213,\"dst_ip\":\"203.0.113.9\","
				 "\"dst_port\":443,\"duration\":1.500,\"line\":1,\"offset\":0}");
	dw_parser_free(p);
	o.utc_offset = 2 * 3600; /* the collector ran at UTC+2 */
	DW_ASSERT(dw_parser_new(&p, &o, on_event, &g) == DW_OK);
	feeds(p, NHDR);
	feeds(p, NREC);
	DW_ASSERT_EQ_INT(g.n, 2);
	DW_ASSERT(g.last.ts == utc - 2 * 3600 * DW_NS);
	/* a raw epoch stamp is UTC whatever the zone */
	feeds(p, "firstSeen,srcAddr,dstAddr,bytes");
	feeds(p, "1729684800,10.0.0.1,10.0.0.2,5");
	DW_ASSERT_EQ_INT(g.n, 3);
	DW_ASSERT(g.last.ts == 1729684800LL * DW_NS);
	/* Zeek epoch times ignore it too (the event is the connection's end: + 10.5 s) */
	feeds(p, ZHDR);
	feeds(p, ZREC);
	DW_ASSERT_EQ_INT(g.n, 4);
	DW_ASSERT(g.last.ts == 1709287310LL * DW_NS + DW_NS / 2);
	dw_parser_free(p);
	DW_ASSERT_EQ_INT(dw_format_from_name("zeek"), DW_FMT_ZEEK);
	DW_ASSERT_EQ_INT(dw_format_from_name("nfdump"), DW_FMT_NFDUMP);
	DW_ASSERT_EQ_STR(dw_format_name(DW_FMT_NFDUMP), "nfdump");
	DW_PASS();
}

DW_TEST(flow_explicit_format)
{
	struct dw_parse_opts o = {0};
	struct dw_parser *p;
	struct got g = {0};

	o.format = DW_FMT_ZEEK;
	DW_ASSERT(dw_parser_new(&p, &o, on_event, &g) == DW_OK);
	feeds(p, ZHDR);
	feeds(p, ZREC);
	feeds(p, "{\"ts\":1.5e9,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.2\"}");
	feeds(p, "# a comment that is no directive");
	DW_ASSERT_EQ_INT(g.n, 1);
	DW_ASSERT_EQ_INT(unparsed(p), 2);
	dw_parser_free(p);
	o.format = DW_FMT_NFDUMP;
	DW_ASSERT(dw_parser_new(&p, &o, on_event, &g) == DW_OK);
	feeds(p, NREC); /* no header: not the fixed layout either */
	DW_ASSERT_EQ_INT(g.n, 1);
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->unparsed[DW_UNP_TRUNCATED], 1);
	dw_parser_free(p);
	DW_PASS();
}

/* Every prefix of every case input of path, after (and without) its group's header lines. */
static int truncations(const char *path, char *msg_, size_t msgsz_)
{
	FILE *f = fopen(path, "r");
	static char line[16384];
	struct dw_parser *p;
	struct got g = {0};
	int state = 0, inputs = 0;

	DW_ASSERT(f != NULL);
	DW_ASSERT(dw_parser_new(&p, NULL, on_event, &g) == DW_OK);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (state == 1) {
			state = strcmp(line, "M") && strcmp(line, "X");
			continue;
		}
		if (!n || (line[0] == '#' && strncmp(line, "##", 2) != 0))
			continue;
		if (line[0] == '#') {
			dw_parser_begin_file(p, path, 0);
			continue;
		}
		state = 1;
		n = dw_test_unescape(line, n);
		inputs++;
		if (line[0] == '#' || strncmp(line, "ts,", 3) == 0 ||
		    strncmp(line, "firstSeen,", 10) == 0) {
			feed(p, line, n); /* a header: keep it for the cuts that follow */
			continue;
		}
		for (size_t k = 0; k <= n; k++)
			feed(p, line, k);
	}
	fclose(f);
	DW_ASSERT(inputs > 10);
	DW_ASSERT(dw_parser_stats(p)->records > 1000);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(flow_truncations)
{
	if (truncations("tests/parse/zeek.cases", msg_, msgsz_))
		return 1;
	return truncations("tests/parse/nfdump.cases", msg_, msgsz_);
}

DW_TEST(flow_hostile)
{
	struct dw_zeek_tsv z;
	struct dw_nfdump nf;
	struct dw_event e;
	static char big[70000];
	int why;
	size_t n;

	dw_zeek_tsv_reset(&z);
	/* a #fields line with thousands of columns is refused, not mapped */
	n = (size_t)snprintf(big, sizeof(big), "#fields\tts\tid.orig_h\tid.resp_h");
	while (n + 3 < sizeof(big) - 1)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "\tx");
	DW_ASSERT(dw_zeek_tsv_header(&z, big, n) == DW_EINVAL);
	DW_ASSERT(!z.ready);
	/* separator escapes that are not one byte */
	DW_ASSERT(dw_zeek_tsv_header(&z, "#separator \\x0", 14) == DW_EINVAL);
	DW_ASSERT(dw_zeek_tsv_header(&z, "#separator \\xzz", 15) == DW_EINVAL);
	DW_ASSERT(dw_zeek_tsv_header(&z, "#separator ab", 13) == DW_EINVAL);
	DW_ASSERT(dw_zeek_tsv_header(&z, "#unset_field\t0123456789abcdefXYZ", 32) == DW_EINVAL);
	/* a record before any header */
	dw_zeek_tsv_reset(&z);
	dw_event_clear(&e);
	DW_ASSERT(dw_zeek_tsv_parse(&z, ZREC, strlen(ZREC), &e, &why) == DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_HEADER);
	DW_ASSERT(dw_zeek_tsv_header(&z, ZHDR, strlen(ZHDR)) == DW_OK);
	/* absurd values */
	{
		static const char *const bad[] = {
			"1709287300.000000\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\tnan\t5000\t6000",
			"1709287300.000000\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\tinf\t5000\t6000",
			"1709287300.000000\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\t1e300\t5000\t6000",
			"1709287300.000000\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\t-0.5\t5000\t6000",
			"1709287300.000000\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\t1\t-5\t6000",
			"1709287300.000000\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\t1\t18446744073709551616\t0",
			"99999999999999999999\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\t1\t5\t6",
			"9709287300.5\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\t1\t5\t6", /* fuzz: ns overflow */
			"17109287200.5\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\t1\t5\t6", /* fuzz: ns overflow */
			"1709287300.000000\t10.1.1.1\t-1\t10.2.2.2\t22\ttcp\t1\t5\t6",
			"\t\t\t\t\t\t\t\t",
			"1709287300.000000\t10.1.1.1\t1000\t10.2.2.2\t22\ttcp\t1\t5\t6\t",
		};
		for (size_t i = 0; i < DW_ARRAY_LEN(bad); i++) {
			dw_event_clear(&e);
			if (dw_zeek_tsv_parse(&z, bad[i], strlen(bad[i]), &e, &why) != DW_EINVAL)
				DW_FAIL("accepted: %s", bad[i]);
		}
	}
	dw_event_clear(&e);
	{
		const char *r = "1709287300\t10.1.1.1\t-\t10.2.2.2\t-\t-\t-\t18446744073709551615\t-";
		DW_ASSERT(dw_zeek_tsv_parse(&z, r, strlen(r), &e, &why) == DW_OK);
	}
	DW_ASSERT(e.bytes_out == UINT64_MAX);
	DW_ASSERT(!(e.has & (DW_EV_HAS_SRC_PORT | DW_EV_HAS_BYTES_IN | DW_EV_HAS_DURATION)));
	/* nfdump: an absurd duration, a header without addresses, a long line */
	dw_nfdump_reset(&nf);
	DW_ASSERT(dw_nfdump_control(&nf, NHDR, strlen(NHDR)) == 1);
	{
		const char *r = "2024-10-23 12:00:00,999999999999,TCP,10.0.0.9,1,10.0.0.1,2,1,1,1";
		dw_event_clear(&e);
		DW_ASSERT(dw_nfdump_parse(&nf, r, strlen(r), 0, &e, &why) == DW_EINVAL);
	}
	dw_nfdump_reset(&nf);
	DW_ASSERT(dw_nfdump_control(&nf, "ts,te,td,pr", 11) == 0);
	memset(big, ',', sizeof(big));
	memcpy(big, "2024-10-23 12:00:00,2024-10-23 12:00:00,", 40);
	DW_ASSERT(!dw_nfdump_sniff(&nf, big, sizeof(big)));
	dw_event_clear(&e);
	DW_ASSERT(dw_nfdump_parse(&nf, big, sizeof(big), 0, &e, &why) == DW_EINVAL);
	DW_PASS();
}
