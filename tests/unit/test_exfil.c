/*
 * test_exfil.c - the flow detectors (src/detect/flow.c, exfil.c) on
 * synthetic flows: each rule fires where it should and nowhere else, the
 * reports of a run add up to its bytes, a VPN session names its account,
 * the configuration's byte sizes and network lists, and a flood of ten
 * million distinct (host, destination) pairs stays inside the caps.
 * The months-long labelled scenario is tests/cli/flow.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "detect_harness.h"

#define GB 1000000000ULL
#define MB 1000000ULL

/* One Zeek flow ending at t: src -> dst:port, out bytes sent by src, in sent back. */
static void flow(struct dw_detect *d, int64_t t, const char *src, const char *dst, int port,
		 uint64_t out, uint64_t in, uint64_t dur_ms)
{
	struct dw_event e;

	dw_event_clear(&e);
	e.ts = t * DW_NS;
	e.log = DW_LOG_ZEEK;
	e.action = DW_ACT_FLOW;
	if (dw_ip_parse(src, strlen(src), &e.src_ip) != DW_OK ||
	    dw_ip_parse(dst, strlen(dst), &e.dst_ip) != DW_OK)
		return;
	e.dst_port = (uint16_t)port;
	e.bytes_out = out;
	e.bytes_in = in;
	e.duration_ms = dur_ms;
	e.has = DW_EV_HAS_DST_PORT | DW_EV_HAS_BYTES_OUT | DW_EV_HAS_BYTES_IN | DW_EV_HAS_DURATION;
	put(d, &e);
}

/* Days [from, to) of ordinary traffic: hosts 10.1.0.1..n sync to a shared /24, read files. */
static void office(struct dw_detect *d, int from, int to, int n)
{
	char h[32];

	for (int day = from; day < to; day++)
		for (int i = 1; i <= n; i++) {
			int64_t t = T0 + day * DAY + 9 * HOUR + i * MIN;
			snprintf(h, sizeof(h), "10.1.0.%d", i);
			flow(d, t, h, "52.96.1.10", 443, 100 * MB, 1 * GB, 600000);
			flow(d, t + HOUR, h, "10.0.0.10", 445, 2 * MB, 300 * MB, 60000);
		}
}

/* Sum of bytes_out over the collected alerts of a detector. */
static uint64_t bytes_of(const char *detector)
{
	uint64_t sum = 0;
	const char *p = G.json.p, *end = G.json.p + G.json.n;
	char want[64];

	snprintf(want, sizeof(want), "\"detector\":\"%s\"", detector);
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *b;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (memmem(p, n, want, strlen(want)) && (b = memmem(p, n, "\"bytes_out\":", 12)))
			sum += strtoull(b + 12, NULL, 10);
		p = nl ? nl + 1 : end;
	}
	return sum;
}

DW_TEST(exfil_slow_run_reports_add_up)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;
	uint64_t total = 0;

	DW_ASSERT(d);
	/* from day 10, 10.1.0.3 sends 2 GB a day to a /24 nobody else uses */
	for (int day = 0; day < 40; day++) {
		office(d, day, day + 1, 12);
		for (int k = 0; day >= 10 && k < 4; k++) {
			flow(d, T0 + day * DAY + 12 * HOUR + k * HOUR, "10.1.0.3",
			     k % 2 ? "185.220.101.9" : "185.220.101.77", 443, GB / 2, 5 * MB, 1800000);
			total += GB / 2;
		}
	}
	dw_detect_flush(d);
	g = find_kind("exfiltration");
	DW_ASSERT(g != NULL);
	DW_ASSERT_EQ_STR(g->sources, "10.1.0.3");
	DW_ASSERT_EQ_STR(g->detector, "exfil.slow");
	/* first report at 1 GB (day 10), then at 4x: 4, 16 GB; the rest at the end */
	DW_ASSERT_EQ_INT(count_kind("exfiltration"), 4);
	DW_ASSERT_EQ_INT(bytes_of("exfil.slow"), total);
	DW_ASSERT(strstr(G.json.p, "\"destinations\":[\"185.220.101.0/24\"]") != NULL);
	DW_ASSERT(strstr(G.json.p, "\"run_bytes\":60000000000") != NULL);
	DW_ASSERT_EQ_INT(count_kind("internal_staging"), 0);
	done(d, c);
	DW_PASS();
}

DW_TEST(exfil_restraint)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char h[32];

	DW_ASSERT(d);
	for (int day = 0; day < 20; day++) {
		office(d, day, day + 1, 12);
		/* a jump host reading 4 GB a day from the file server from the start */
		flow(d, T0 + day * DAY + 12 * HOUR, "10.1.0.99", "10.0.0.10", 445, MB, 4 * GB,
		     3600000);
		/* everyone uploads 5 GB a night to one cloud /24 (backup, sync): prevalent */
		for (int i = 1; day >= 14 && day < 18 && i <= 12; i++) {
			snprintf(h, sizeof(h), "10.1.0.%d", i);
			flow(d, T0 + day * DAY + 22 * HOUR + i * MIN, h, "52.96.1.20", 443, 5 * GB, MB,
			     600000);
		}
	}
	/* an eight-hour 437 MB video call and a 900 MB upload to rare /24s */
	flow(d, T0 + 20 * DAY + 18 * HOUR, "10.1.0.4", "52.112.9.9", 3478, 437 * MB, 430 * MB,
	     8 * 3600000);
	flow(d, T0 + 20 * DAY + 19 * HOUR, "10.1.0.5", "203.0.113.80", 443, 900 * MB, MB, 600000);
	/* downloads of any size are not exfiltration */
	flow(d, T0 + 20 * DAY + 20 * HOUR, "10.1.0.6", "13.107.4.50", 443, MB, 20 * GB, 600000);
	dw_detect_flush(d);
	EXPECT_ONLY(0);
	done(d, c);
	DW_PASS();
}

DW_TEST(exfil_burst_and_staging)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	office(d, 0, 13, 12);
	/* day 12: 10.1.0.7 reads 40 GB from the file server */
	flow(d, T0 + 12 * DAY + 15 * HOUR, "10.1.0.7", "10.0.0.10", 445, MB, 40 * GB, 3600000);
	office(d, 13, 16, 12);
	/* day 15: 10.1.0.8 sends 3 GB in five minutes (the pair counts as a slow run too) */
	flow(d, T0 + 15 * DAY + 15 * HOUR, "10.1.0.8", "45.9.148.3", 443, 3 * GB, MB, 300000);
	office(d, 16, 20, 12);
	dw_detect_flush(d);
	g = find_kind("internal_staging");
	DW_ASSERT(g && strcmp(g->sources, "10.1.0.7") == 0 &&
		  strcmp(g->detector, "staging.reads") == 0);
	DW_ASSERT_EQ_INT(count_kind("internal_staging"), 1);
	DW_ASSERT(strstr(G.json.p, "\"destinations\":[\"10.0.0.10\"]") != NULL);
	DW_ASSERT_EQ_INT(bytes_of("exfil.burst"), 3 * GB);
	DW_ASSERT_EQ_INT(bytes_of("exfil.slow"), 3 * GB);
	DW_ASSERT_EQ_INT(count_kind("exfiltration"), 2);
	done(d, c);
	DW_PASS();
}

/* One-way NetFlow records: the file server's half (from port 445) is the read. */
DW_TEST(exfil_staging_from_oneway_records)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	struct dw_event e;
	const struct got *g;
	char h[32];

	DW_ASSERT(d);
	for (int day = 0; day < 14; day++) {
		for (int i = 1; i <= 12; i++) {
			snprintf(h, sizeof(h), "10.1.0.%d", i);
			for (int half = 0; half < 2; half++) {
				const char *s = half ? "10.0.0.10" : h, *t = half ? h : "10.0.0.10";
				dw_event_clear(&e);
				e.ts = (T0 + day * DAY + 10 * HOUR + i * MIN + half) * DW_NS;
				e.log = DW_LOG_NETFLOW;
				e.action = DW_ACT_FLOW;
				DW_ASSERT(dw_ip_parse(s, strlen(s), &e.src_ip) == DW_OK);
				DW_ASSERT(dw_ip_parse(t, strlen(t), &e.dst_ip) == DW_OK);
				e.src_port = half ? 445 : 50000;
				e.dst_port = half ? 50000 : 445;
				e.bytes_out = half ? (day == 12 && i == 9 ? 30 * GB : 300 * MB) : 2 * MB;
				e.has = DW_EV_HAS_SRC_PORT | DW_EV_HAS_DST_PORT | DW_EV_HAS_BYTES_OUT;
				put(d, &e);
			}
		}
	}
	dw_detect_flush(d);
	g = find_kind("internal_staging");
	DW_ASSERT(g && strcmp(g->sources, "10.1.0.9") == 0);
	DW_ASSERT(strstr(G.json.p, "\"bytes_read\":30000000000") != NULL);
	EXPECT_ONLY(1);
	done(d, c);
	DW_PASS();
}

/*
 * A host that turns producer towards a /24 five hosts use (neither rare nor
 * prevalent), an hour at a time: exfil.host at the end of its day.
 */
DW_TEST(exfil_host_day)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;
	char h[32];

	DW_ASSERT(d);
	for (int day = 0; day < 20; day++) {
		office(d, day, day + 1, 40);
		for (int i = 1; i <= 5; i++) {
			snprintf(h, sizeof(h), "10.1.0.%d", i);
			flow(d, T0 + day * DAY + 11 * HOUR + i, h, "198.51.100.7", 443, 5 * MB,
			     50 * MB, 60000);
		}
		for (int k = 0; day == 18 && k < 12; k++)
			flow(d, T0 + day * DAY + 12 * HOUR + k * HOUR, "10.1.0.2", "198.51.100.8", 443,
			     GB, MB, 3000000);
	}
	dw_detect_flush(d);
	g = find_kind("exfiltration");
	DW_ASSERT(g && strcmp(g->detector, "exfil.host") == 0 && strcmp(g->sources, "10.1.0.2") == 0);
	DW_ASSERT_EQ_INT(count_kind("exfiltration"), 1);
	DW_ASSERT(strstr(G.json.p, "\"destinations\":[\"198.51.100.0/24\"]") != NULL);
	DW_ASSERT(strstr(G.json.p, "\"usual_pcr_percent\":-82") != NULL);
	done(d, c);
	DW_PASS();
}

/* The account of the VPN session that held the address at the time. */
DW_TEST(exfil_vpn_names_the_account)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	struct dw_event e;
	const struct got *g;
	const char *who[] = {"bsmith", "awhite"};

	DW_ASSERT(d);
	office(d, 0, 8, 12);
	for (int s = 0; s < 2; s++) {
		int64_t t0 = T0 + (8 + 2 * s) * DAY + 13 * HOUR;
		office(d, 8 + 2 * s, 9 + 2 * s, 12);
		for (int k = 0; k < 2; k++) {
			dw_event_clear(&e);
			e.ts = (t0 + k * 6 * HOUR) * DW_NS;
			e.log = DW_LOG_NETSCALER;
			e.action = k ? DW_ACT_SESSION_END : DW_ACT_SESSION_START;
			dw_event_set_user(&e, dw_slice_cstr(who[s]));
			DW_ASSERT(dw_ip_parse("203.0.113.50", 12, &e.src_ip) == DW_OK);
			DW_ASSERT(dw_ip_parse("10.8.0.55", 9, &e.assigned_ip) == DW_OK);
			put(d, &e);
			if (!k)
				flow(d, t0 + HOUR, "10.8.0.55", s ? "91.92.240.7" : "52.96.1.10", 443,
				     s ? 4 * GB : 10 * MB, MB, 3600000);
		}
		office(d, 9 + 2 * s, 10 + 2 * s, 12);
	}
	dw_detect_flush(d);
	g = find_kind("exfiltration");
	DW_ASSERT(g && strcmp(g->sources, "10.8.0.55") == 0);
	DW_ASSERT_EQ_STR(g->users, "awhite");
	DW_ASSERT(strstr(G.json.p, "bsmith") == NULL);
	done(d, c);
	DW_PASS();
}

DW_TEST(exfil_config_sizes_and_networks)
{
	struct dw_config *c;
	char err[256];
	struct dw_ip ip;
	struct dw_sb sb;

	DW_ASSERT(dw_config_new(&c) == DW_OK);
	DW_ASSERT_EQ_INT(c->exfil_min_bytes, 1ULL << 30);
	DW_ASSERT(dw_config_set(c, "exfil.min_bytes", "500MB", err, sizeof(err)) == DW_OK);
	DW_ASSERT_EQ_INT(c->exfil_min_bytes, 500 * MB);
	DW_ASSERT(dw_config_set(c, "exfil.min_bytes", "2TiB", err, sizeof(err)) == DW_OK);
	DW_ASSERT_EQ_INT(c->exfil_min_bytes, 2ULL << 40);
	DW_ASSERT(dw_config_set(c, "exfil.min_bytes", "3 GB", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_config_set(c, "exfil.min_bytes", "12XB", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_config_set(c, "exfil.min_bytes", "1KB", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_config_set(c, "exfil.min_bytes", "99999999999999999999GB", err,
				sizeof(err)) == DW_EINVAL);
	/* the default networks; a repeat adds nothing, a new range appends, none empties */
	DW_ASSERT_EQ_INT(c->internal.n, 4);
	DW_ASSERT(dw_ip_parse("172.20.1.1", 10, &ip) == DW_OK && dw_config_internal(c, &ip));
	DW_ASSERT(dw_ip_parse("fd12::1", 7, &ip) == DW_OK && dw_config_internal(c, &ip));
	DW_ASSERT(dw_config_set(c, "networks.internal", "10.0.0.0/8, 100.64.0.0/10", err,
				sizeof(err)) == DW_OK);
	DW_ASSERT_EQ_INT(c->internal.n, 5);
	DW_ASSERT(dw_ip_parse("100.64.3.3", 10, &ip) == DW_OK && dw_config_internal(c, &ip));
	DW_ASSERT(dw_config_set(c, "networks.internal", "none", err, sizeof(err)) == DW_OK);
	DW_ASSERT_EQ_INT(c->internal.n, 0);
	dw_sb_init(&sb, 1 << 20);
	dw_config_dump(c, &sb);
	DW_ASSERT(memmem(sb.p, sb.n, "networks.internal = none\n", 25) != NULL);
	DW_ASSERT(memmem(sb.p, sb.n, "exfil.min_bytes = 2TiB\n", 23) != NULL);
	dw_sb_free(&sb);
	DW_ASSERT(dw_config_set(c, "servers.web", "10.0.5.5", err, sizeof(err)) == DW_OK);
	DW_ASSERT(dw_ip_parse("10.0.5.5", 8, &ip) == DW_OK);
	DW_ASSERT_EQ_INT(dw_config_role(c, &ip), DW_ROLE_WEB);
	dw_config_free(c);
	DW_PASS();
}

static long rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * Ten million distinct (host, destination) pairs, each host and /24 new:
 * the tables stay at their caps, every eviction is counted, the bytes they
 * hold do not change and the process does not grow.
 */
DW_TEST(exfil_flood_stays_within_caps)
{
	static const char *const sets[] = {"limits.flow_pairs=4096", "limits.flow_hosts=1024",
					   "limits.flow_destinations=2048", NULL};
	struct dw_config *c;
	struct dw_detect *d = mk(&c, sets);
	struct dw_detect_stats s0, s1;
	struct dw_event e;
	const uint32_t n = 10000000;
	long rss0 = 0;

	DW_ASSERT(d);
	dw_event_clear(&e);
	e.log = DW_LOG_ZEEK;
	e.action = DW_ACT_FLOW;
	e.has = DW_EV_HAS_BYTES_OUT | DW_EV_HAS_DST_PORT;
	e.dst_port = 443;
	e.bytes_out = 1000;
	e.src_ip.fam = e.dst_ip.fam = 4;
	for (uint32_t i = 0; i < n; i++) {
		e.ts = (T0 + i / 100) * DW_NS; /* 100 flows a second: 27 hours */
		e.src_ip.a[0] = 10;
		e.src_ip.a[1] = (uint8_t)(i >> 16);
		e.src_ip.a[2] = (uint8_t)(i >> 8);
		e.src_ip.a[3] = (uint8_t)i;
		e.dst_ip.a[0] = (uint8_t)(1 + (i >> 24));
		e.dst_ip.a[1] = (uint8_t)(i >> 16);
		e.dst_ip.a[2] = (uint8_t)(i >> 8);
		e.dst_ip.a[3] = 1;
		dw_detect_event(d, &e);
		if (i == 100000) {
			dw_detect_stats(d, &s0);
			rss0 = rss_kib();
		}
	}
	dw_detect_stats(d, &s1);
	DW_ASSERT_EQ_INT(s1.flows, n);
	DW_ASSERT_EQ_INT(s1.table_memuse, s0.table_memuse);
	/* every pair, host and destination past the caps was evicted and counted */
	DW_ASSERT(s1.table_evicted >= (uint64_t)(n - 4096) + (n - 1024) + (n / 256 - 2048));
	DW_ASSERT(rss_kib() - rss0 < 16 * 1024);
	dw_detect_flush(d);
	EXPECT_ONLY(0);
	done(d, c);
	DW_PASS();
}
