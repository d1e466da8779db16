/*
 * test_detect.c - detector units: synthetic events straight into
 * dw_detect_event, alerts collected from the sink. One test per detector
 * kind and per false-positive trap, each asserting exactly which alerts
 * (kind, sources, users, compromised) come out and that nothing else does;
 * the flood test (10x every cap: memory constant, evictions counted) and
 * determinism (same events twice -> the same JSON bytes).
 */
#include <stdio.h>
#include <stdlib.h>

#include "detect_harness.h"

DW_TEST(detect_brute_force)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 50);
	for (int i = 0; i < 60; i++)
		fail(d, T0 + HOUR + i * 5, "203.0.113.5", "root");
	tick(d, T0 + 4 * HOUR);
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "brute_force");
	DW_ASSERT_EQ_STR(g->detector, "bruteforce.per_source");
	DW_ASSERT_EQ_STR(g->severity, "medium");
	DW_ASSERT_EQ_STR(g->sources, "203.0.113.5");
	DW_ASSERT_EQ_STR(g->users, "root");
	DW_ASSERT_EQ_INT(g->attempts, 60);
	DW_ASSERT_EQ_INT(g->ncomp, 0);
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_brute_force_then_success)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 50);
	ok(d, T0 + 100, "10.9.0.1", "deploy");
	for (int i = 0; i < 8; i++)
		fail(d, T0 + HOUR + i * 15, "198.51.100.23", "deploy");
	ok(d, T0 + HOUR + 130, "198.51.100.23", "deploy");
	/* the compromise is reported when the success arrives */
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "account_compromise");
	DW_ASSERT_EQ_STR(g->detector, "compromise.attack_source");
	DW_ASSERT_EQ_STR(g->sources, "198.51.100.23");
	DW_ASSERT_EQ_STR(g->comp, "deploy");
	DW_ASSERT_EQ_INT(g->attempts, 8);
	dw_detect_flush(d);
	EXPECT_ONLY(2);
	g = &G.v[1];
	DW_ASSERT_EQ_STR(g->kind, "brute_force");
	DW_ASSERT_EQ_STR(g->severity, "high");
	DW_ASSERT_EQ_STR(g->users, "deploy");
	DW_ASSERT_EQ_STR(g->comp, "deploy");
	DW_ASSERT_EQ_INT(g->successes, 1);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_password_spray_and_normal_logins)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;
	char u[32];

	DW_ASSERT(d);
	warmup(d, T0, 100);
	/* 40 accounts x 2 guesses over 2 h, while the users log in as usual */
	for (int r = 0; r < 2; r++)
		for (int i = 0; i < 40; i++)
			fail(d, T0 + 2 * HOUR + r * HOUR + i * 90, "203.0.113.77", userf(u, "emp", i));
	background(d, T0 + DAY / 2, T0 + DAY, 100);
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "password_spray");
	DW_ASSERT_EQ_STR(g->detector, "spray.per_source");
	DW_ASSERT_EQ_STR(g->sources, "203.0.113.77");
	DW_ASSERT_EQ_INT(g->nusers, 40);
	DW_ASSERT_EQ_INT(g->attempts, 80);
	DW_ASSERT_EQ_INT(g->ncomp, 0);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_spray_success_before_recognition)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);

	DW_ASSERT(d);
	warmup(d, T0, 100);
	/* account 3 is guessed right before the spray is recognised (at 5 accounts),
	 * and account 2 logs in from a fresh address before recognition too */
	spray_with_early_logins(d);
	/* a sprayed user from a usual address: not compromised */
	ok(d, T0 + 2 * HOUR, "10.1.0.17", "emp007");
	dw_detect_flush(d);
	/* the spray's own success is judged when it is recognised (account 5),
	 * the login from elsewhere when the spray closes, with the spray alert */
	EXPECT_ONLY(3);
	DW_ASSERT_EQ_INT(count_kind("account_compromise"), 2);
	DW_ASSERT_EQ_STR(G.v[0].kind, "account_compromise");
	DW_ASSERT_EQ_STR(G.v[0].comp, "emp003");
	DW_ASSERT_EQ_STR(G.v[0].sources, "203.0.113.9");
	DW_ASSERT_EQ_STR(G.v[1].kind, "password_spray");
	DW_ASSERT_EQ_STR(G.v[1].comp, "emp002,emp003");
	DW_ASSERT_EQ_STR(G.v[1].severity, "critical");
	DW_ASSERT_EQ_STR(G.v[2].comp, "emp002");
	DW_ASSERT_EQ_STR(G.v[2].sources, "198.18.7.7");
	DW_ASSERT_EQ_STR(G.v[2].detector, "compromise.new_source");
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_credential_stuffing)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;
	char u[32];

	DW_ASSERT(d);
	warmup(d, T0, 60);
	for (int i = 0; i < 200; i++) {
		if (i % 10 == 0)
			fail(d, T0 + HOUR + i * 3, "192.0.2.200", userf(u, "emp", i / 10));
		else
			fail_unknown(d, T0 + HOUR + i * 3, "192.0.2.200", userf(u, "leak", i));
	}
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "credential_stuffing");
	DW_ASSERT_EQ_STR(g->sources, "192.0.2.200");
	DW_ASSERT_EQ_INT(g->nusers, 200);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_stale_service_account)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 30);
	ok(d, T0 + 600, "10.2.0.5", "svc_backup");
	for (int64_t t = T0 + DAY; t < T0 + 4 * DAY; t += 5 * MIN)
		fail(d, t, "10.2.0.5", "svc_backup");
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "stale_credentials");
	DW_ASSERT_EQ_STR(g->severity, "low");
	DW_ASSERT_EQ_STR(g->sources, "10.2.0.5");
	DW_ASSERT_EQ_STR(g->users, "svc_backup");
	DW_ASSERT_EQ_INT(g->attempts, 3 * 24 * 12);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_stale_unknown_private_regular)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);

	DW_ASSERT(d);
	/* never succeeded in the data, but private and as regular as cron */
	for (int64_t t = T0; t < T0 + DAY; t += 5 * MIN)
		fail(d, t, "10.2.0.9", "svc_report");
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	DW_ASSERT_EQ_STR(G.v[0].kind, "stale_credentials");
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_office_nat_is_not_a_spray)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char u[32];
	uint32_t x = 7;

	DW_ASSERT(d);
	/* 80 users behind one address over a working day; 15% mistype, then get in */
	for (int i = 0; i < 80; i++) {
		int64_t t = T0 + 8 * HOUR + i * 6 * MIN;
		x = x * 1103515245u + 12345u;
		if ((x >> 8) % 100 < 15) {
			fail(d, t, "198.51.100.80", userf(u, "emp", i));
			if ((x >> 16) % 3 == 0)
				fail(d, t + 10, "198.51.100.80", userf(u, "emp", i));
			ok(d, t + 40, "198.51.100.80", userf(u, "emp", i));
		} else {
			ok(d, t, "198.51.100.80", userf(u, "emp", i));
		}
		/* and again after lunch */
		ok(d, t + 5 * HOUR, "198.51.100.80", userf(u, "emp", i));
	}
	dw_detect_flush(d);
	EXPECT_ONLY(0);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_jump_host_is_not_a_spray)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char u[32];

	DW_ASSERT(d);
	for (int day = 0; day < 3; day++)
		for (int i = 0; i < 30; i++) {
			int64_t t = T0 + day * DAY + 9 * HOUR + i * 11 * MIN;
			if ((i + day) % 7 == 0)
				fail(d, t - 20, "10.0.0.2", userf(u, "adm", i));
			ok(d, t, "10.0.0.2", userf(u, "adm", i));
		}
	dw_detect_flush(d);
	EXPECT_ONLY(0);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_slow_single_source)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;
	static const char *const names[] = {"root", "admin", "ubuntu"};
	uint32_t x = 99;
	int n = 0;

	DW_ASSERT(d);
	warmup(d, T0, 40);
	for (int64_t t = T0 + HOUR; t < T0 + 3 * DAY; n++) {
		fail(d, t, "203.0.113.150", names[n % 3]);
		x = x * 1103515245u + 12345u;
		t += 20 * MIN + (int64_t)((x >> 8) % (20 * MIN));
	}
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "brute_force");
	DW_ASSERT_EQ_STR(g->detector, "bruteforce.slow");
	DW_ASSERT_EQ_STR(g->users, "admin,root,ubuntu");
	DW_ASSERT_EQ_INT(g->attempts, n);
	done(d, c);
	DW_PASS();
}

/* 300 sources x 1-2 guesses over 500 accounts in one hour, after two quiet days. */
static void distributed(struct dw_detect *d, int64_t t0)
{
	char ip[32], u[32];
	int acct = 0;

	for (int i = 0; i < 300; i++) {
		int tries = 1 + (i % 3 != 0);
		for (int k = 0; k < tries && acct < 500; k++, acct++) {
			int64_t t = t0 + (int64_t)acct * HOUR / 500;
			fail(d, t, ipf(ip, "%d.%d.7.9", 100 + i / 200, 1 + i % 200),
			     userf(u, "emp", acct));
		}
	}
}

DW_TEST(detect_distributed_spray_and_compromise)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 600);
	background(d, T0 + HOUR, T0 + 2 * DAY, 600);
	distributed(d, T0 + 2 * DAY);
	/* sprayed users log in from their usual addresses ... */
	ok(d, T0 + 2 * DAY + HOUR + 60, "10.1.0.10", "emp000");
	ok(d, T0 + 2 * DAY + HOUR + 70, "10.1.0.11", "emp001");
	/* ... and one from a fresh address 30 minutes after the spray */
	ok(d, T0 + 2 * DAY + HOUR + 30 * MIN, "198.18.0.99", "emp123");
	background(d, T0 + 2 * DAY + 2 * HOUR, T0 + 3 * DAY, 600);
	dw_detect_flush(d);
	EXPECT_ONLY(2);
	g = find_kind("account_compromise");
	DW_ASSERT(g);
	DW_ASSERT_EQ_STR(g->sources, "198.18.0.99");
	DW_ASSERT_EQ_STR(g->comp, "emp123");
	g = find_kind("distributed_spray");
	DW_ASSERT(g);
	DW_ASSERT_EQ_STR(g->detector, "distributed.window");
	DW_ASSERT_EQ_INT(g->nsrc, 300);
	DW_ASSERT_EQ_INT(g->nusers, 500);
	DW_ASSERT_EQ_INT(g->attempts, 500);
	DW_ASSERT_EQ_STR(g->comp, "emp123");
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_distributed_spray_source_logs_in)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 600);
	distributed(d, T0 + DAY);
	/* a spray address logs in as an account another address sprayed */
	ok(d, T0 + DAY + 90 * MIN, "100.1.7.9", "emp400");
	dw_detect_flush(d);
	EXPECT_ONLY(2);
	g = find_kind("account_compromise");
	DW_ASSERT(g);
	DW_ASSERT_EQ_STR(g->detector, "compromise.attack_source");
	DW_ASSERT_EQ_STR(g->sources, "100.1.7.9");
	DW_ASSERT_EQ_STR(g->comp, "emp400");
	g = find_kind("distributed_spray");
	DW_ASSERT(g && g->nsrc == 300);
	DW_ASSERT_EQ_STR(g->comp, "emp400");
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_slow_distributed)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;
	char ip[32], u[32];

	DW_ASSERT(d);
	warmup(d, T0, 100);
	background(d, T0 + HOUR, T0 + DAY, 100);
	/* 24 addresses, each one guess an hour for 12 h, each hour a different account */
	for (int h = 0; h < 12; h++)
		for (int i = 0; i < 24; i++)
			fail(d, T0 + DAY + h * HOUR + i * 150 + (i * 37) % 60,
			     ipf(ip, "45.%d.%d.1", 10 + i, 3), userf(u, "emp", (i + h * 24) % 100));
	background(d, T0 + DAY + 13 * HOUR, T0 + 2 * DAY, 100);
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "distributed_spray");
	DW_ASSERT_EQ_STR(g->detector, "distributed.slow");
	DW_ASSERT_EQ_INT(g->nsrc, 24);
	DW_ASSERT_EQ_INT(g->attempts, 24 * 12);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_publickey_is_not_explained_by_a_spray)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char u[32];

	DW_ASSERT(d);
	for (int i = 0; i < 20; i++)
		fail(d, T0 + i * 60, "203.0.113.44", userf(u, "emp", i));
	feed(d, T0 + 3600, S, "198.18.1.1", "emp004", 0, "publickey");
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	DW_ASSERT_EQ_STR(G.v[0].kind, "password_spray");
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_allowlist_skips_and_counts)
{
	static const char *const sets[] = {"allow.ips=203.0.113.0/24", "allow.users=nagios", NULL};
	struct dw_config *c;
	struct dw_detect *d = mk(&c, sets);
	struct dw_detect_stats st;

	DW_ASSERT(d);
	for (int i = 0; i < 60; i++)
		fail(d, T0 + i * 5, "203.0.113.5", "root");
	for (int i = 0; i < 60; i++)
		fail(d, T0 + i * 5, "198.51.100.5", "nagios");
	dw_detect_flush(d);
	EXPECT_ONLY(0);
	dw_detect_stats(d, &st);
	DW_ASSERT_EQ_INT(st.allowlisted, 120);
	DW_ASSERT_EQ_INT(st.events, 120);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_disabled_detectors_stay_quiet)
{
	static const char *const sets[] = {"bruteforce.enabled=no", NULL};
	struct dw_config *c;
	struct dw_detect *d = mk(&c, sets);

	DW_ASSERT(d);
	for (int i = 0; i < 60; i++)
		fail(d, T0 + i * 5, "203.0.113.5", "root");
	dw_detect_flush(d);
	EXPECT_ONLY(0);
	done(d, c);
	DW_PASS();
}

/* A mix of everything, in time order; used twice by the determinism test. */
static void mix(struct dw_detect *d)
{
	char u[32];

	warmup(d, T0, 600);
	background(d, T0 + HOUR, T0 + 5 * HOUR, 600);
	for (int i = 0; i < 60; i++)
		fail(d, T0 + 5 * HOUR + i * 5, "203.0.113.5", "root");
	background(d, T0 + 5 * HOUR + 10 * MIN, T0 + 7 * HOUR, 600);
	for (int i = 0; i < 40; i++)
		fail(d, T0 + 7 * HOUR + i * 90, "203.0.113.77", userf(u, "emp", i));
	background(d, T0 + 8 * HOUR + 10 * MIN, T0 + DAY, 600);
	distributed(d, T0 + DAY);
	ok(d, T0 + DAY + HOUR + 30 * MIN, "198.18.0.99", "emp123");
	for (int i = 0; i < 8; i++)
		fail(d, T0 + DAY + 5 * HOUR + i * 15, "198.51.100.23", "deploy");
	ok(d, T0 + DAY + 5 * HOUR + 130, "198.51.100.23", "deploy");
	background(d, T0 + DAY + 6 * HOUR, T0 + 2 * DAY, 600);
	dw_detect_flush(d);
}

DW_TEST(detect_deterministic)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char *first;
	size_t n1;

	DW_ASSERT(d);
	mix(d);
	done(d, c);
	if (G.n < 5)
		DW_FAIL("%d alerts: %.*s", G.n, (int)DW_MIN(G.json.n, 3000), G.json.p ? G.json.p : "");
	n1 = G.json.n;
	first = malloc(n1 + 1);
	DW_ASSERT(first);
	memcpy(first, G.json.p, n1);
	d = mk(&c, NULL);
	DW_ASSERT(d);
	mix(d);
	done(d, c);
	DW_ASSERT(G.json.n == n1 && memcmp(G.json.p, first, n1) == 0);
	free(first);
	DW_PASS();
}

DW_TEST(detect_flood_stays_within_caps)
{
	static const char *const sets[] = {"limits.sources=1024", "limits.users=1024",
					   "limits.pairs=2048",   "limits.known=1024",
					   "limits.pending=64",   "limits.compromised=64",
					   NULL};
	struct dw_config *c;
	struct dw_detect *d = mk(&c, sets);
	struct dw_detect_stats st0, st;
	char ip[32], u[32];

	DW_ASSERT(d);
	dw_detect_stats(d, &st0);
	DW_ASSERT(st0.table_memuse > 0);
	/* 10x the caps of distinct sources, users and pairs, failures and successes */
	for (int i = 0; i < 20480; i++) {
		snprintf(ip, sizeof(ip), "100.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		snprintf(u, sizeof(u), "u%d", i);
		fail(d, T0 + i, ip, u);
		fail(d, T0 + i, ip, "root");
		if (i % 3 == 0)
			ok(d, T0 + i, ip, u);
		if (i % 5 == 0) {
			snprintf(u, sizeof(u), "x%d", i);
			ok(d, T0 + i, "198.18.0.1", u);
		}
	}
	dw_detect_stats(d, &st);
	DW_ASSERT_EQ_INT(st.table_memuse, st0.table_memuse);
	DW_ASSERT(st.table_evicted > 0);
	dw_detect_flush(d);
	dw_detect_stats(d, &st);
	DW_ASSERT_EQ_INT(st.table_memuse, st0.table_memuse);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_out_of_order_and_untimed)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	struct dw_detect_stats st;
	struct dw_event e;

	DW_ASSERT(d);
	fail(d, T0 + 100, "203.0.113.5", "root");
	fail(d, T0 + 50, "203.0.113.5", "root");
	dw_event_clear(&e); /* no time */
	e.action = DW_ACT_AUTH_FAILURE;
	dw_detect_event(d, &e);
	dw_detect_stats(d, &st);
	DW_ASSERT_EQ_INT(st.events, 3);
	DW_ASSERT_EQ_INT(st.out_of_order, 1);
	dw_detect_flush(d);
	EXPECT_ONLY(0);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_very_slow_distributed)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;
	char ip[32], u[32];

	DW_ASSERT(d);
	warmup(d, T0, 200);
	/* the long window needs its own background: full after a day, learned the next */
	background(d, T0 + HOUR, T0 + 2 * DAY, 200);
	/* 24 addresses, each one guess every 4 hours for a day: only the long window sees it */
	for (int r = 0; r < 6; r++)
		for (int i = 0; i < 24; i++)
			fail(d, T0 + 2 * DAY + r * 4 * HOUR + i * 600, ipf(ip, "45.%d.%d.1", 10 + i, 7),
			     userf(u, "emp", (i * 7 + r * 31) % 200));
	background(d, T0 + 3 * DAY, T0 + 4 * DAY, 200);
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "distributed_spray");
	DW_ASSERT_EQ_STR(g->detector, "distributed.slow");
	DW_ASSERT_EQ_INT(g->nsrc, 24);
	DW_ASSERT_EQ_INT(g->attempts, 144);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_evicted_attack_is_reported)
{
	static const char *const sets[] = {"limits.sources=64", NULL};
	struct dw_config *c;
	struct dw_detect *d = mk(&c, sets);
	char ip[32];

	DW_ASSERT(d);
	for (int i = 0; i < 60; i++)
		fail(d, T0 + i, "203.0.113.5", "root");
	/* a flood of new sources pushes the brute-forcer out of the table */
	for (int i = 0; i < 200; i++)
		fail(d, T0 + 100 + i, ipf(ip, "100.64.%d.%d", i / 250, 1 + i % 250), "admin");
	EXPECT_ONLY(1);
	DW_ASSERT_EQ_STR(G.v[0].kind, "brute_force");
	DW_ASSERT_EQ_STR(G.v[0].sources, "203.0.113.5");
	DW_ASSERT_EQ_INT(G.v[0].attempts, 60);
	dw_detect_flush(d);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_nat_typo_burst_is_not_a_spray)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char u[32];

	DW_ASSERT(d);
	/* an office NAT with history, then 15 people mistype within two minutes
	 * (a password change day): for a moment 15 users fail unexplained */
	for (int i = 0; i < 40; i++)
		ok(d, T0 + i * 60, "198.51.100.80", userf(u, "emp", i));
	for (int i = 0; i < 15; i++)
		fail(d, T0 + DAY + i * 8, "198.51.100.80", userf(u, "emp", i));
	for (int i = 0; i < 15; i++)
		ok(d, T0 + DAY + 200 + i * 8, "198.51.100.80", userf(u, "emp", i));
	dw_detect_flush(d);
	EXPECT_ONLY(0);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_reported_source_success_later)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);

	DW_ASSERT(d);
	warmup(d, T0, 20);
	for (int i = 0; i < 30; i++)
		fail(d, T0 + HOUR + i * 10, "203.0.113.5", "root");
	tick(d, T0 + 4 * HOUR); /* the brute force is reported */
	EXPECT_ONLY(1);
	/* five hours later the same address gets in, as another user */
	ok(d, T0 + 9 * HOUR, "203.0.113.5", "emp003");
	EXPECT_ONLY(2);
	DW_ASSERT_EQ_STR(G.v[1].kind, "account_compromise");
	DW_ASSERT_EQ_STR(G.v[1].detector, "compromise.attack_source");
	DW_ASSERT_EQ_STR(G.v[1].comp, "emp003");
	/* the next day, past the horizon: nothing */
	ok(d, T0 + 2 * DAY, "203.0.113.5", "emp004");
	dw_detect_flush(d);
	EXPECT_ONLY(2);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_compromise_reported_once)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);

	DW_ASSERT(d);
	warmup(d, T0, 20);
	for (int i = 0; i < 10; i++)
		fail(d, T0 + HOUR + i * 10, "203.0.113.99", "deploy");
	for (int i = 0; i < 5; i++)
		ok(d, T0 + HOUR + 200 + i * 60, "203.0.113.99", "deploy");
	dw_detect_flush(d);
	EXPECT_ONLY(2);
	DW_ASSERT_EQ_INT(count_kind("account_compromise"), 1);
	DW_ASSERT_EQ_INT(find_kind("brute_force")->successes, 5);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_brute_force_aims_at_few_accounts)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char u[32];

	DW_ASSERT(d);
	warmup(d, T0, 20);
	/* a bot: mostly root, once each at a few real users */
	for (int i = 0; i < 30; i++)
		fail(d, T0 + HOUR + i * 20, "203.0.113.7", i % 10 == 3 ? userf(u, "emp", i) : "root");
	/* one of those users logs in from a new address: the bot did not aim at her */
	ok(d, T0 + 3 * HOUR, "198.18.3.3", "emp003");
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	DW_ASSERT_EQ_STR(G.v[0].kind, "brute_force");
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_own_typo_does_not_make_home_new)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char u[32];

	DW_ASSERT(d);
	warmup(d, T0, 60);
	/* a typo at the office, then the first login from home the same evening */
	fail(d, T0 + 10 * HOUR, "10.1.0.13", "emp003");
	ok(d, T0 + 10 * HOUR + 20, "10.1.0.13", "emp003");
	ok(d, T0 + 20 * HOUR, "81.2.3.4", "emp003");
	/* the next day a spray; she logs in from home again */
	for (int i = 0; i < 30; i++)
		fail(d, T0 + DAY + 8 * HOUR + i * 60, "203.0.113.9", userf(u, "emp", i));
	ok(d, T0 + DAY + 12 * HOUR, "81.2.3.4", "emp003");
	/* and from a neighbour address of home (new DHCP lease): same /24 */
	ok(d, T0 + DAY + 13 * HOUR, "81.2.3.77", "emp003");
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	DW_ASSERT_EQ_STR(G.v[0].kind, "password_spray");
	DW_ASSERT_EQ_INT(G.v[0].ncomp, 0);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_spray_shaped_start_of_a_brute_force)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char u[32];
	int64_t t = T0 + HOUR;

	DW_ASSERT(d);
	warmup(d, T0, 20);
	/* a bot: ten accounts once each (with root twice), which looks like a
	 * spray at account ten, then root over and over */
	for (int i = 0; i < 10; i++) {
		fail(d, t += 4, "203.0.113.66", userf(u, "emp", i));
		if (i % 5 == 0)
			fail(d, t += 4, "203.0.113.66", "root");
		if (i == 2) /* emp002 logs in from a new address before recognition */
			ok(d, t += 4, "198.18.9.9", "emp002");
	}
	for (int i = 0; i < 13; i++)
		fail(d, t += 4, "203.0.113.66", "root");
	ok(d, t += 30, "198.18.9.10", "emp005"); /* and emp005 after */
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	DW_ASSERT_EQ_STR(G.v[0].kind, "brute_force");
	DW_ASSERT_EQ_INT(G.v[0].nusers, 11);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_trickling_bot_is_one_episode)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	uint32_t x = 5;
	int n = 0;

	DW_ASSERT(d);
	warmup(d, T0, 20);
	/* one guess at root every 1-5 hours for four days: gaps longer than episode.idle */
	for (int64_t t = T0 + HOUR; t < T0 + 4 * DAY; n++) {
		fail(d, t, "203.0.113.200", "root");
		x = x * 1103515245u + 12345u;
		t += HOUR + (int64_t)((x >> 8) % (4 * HOUR));
		if (n % 5 == 0)
			tick(d, t - 60); /* time passes between guesses */
	}
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	DW_ASSERT_EQ_STR(G.v[0].kind, "brute_force");
	DW_ASSERT_EQ_STR(G.v[0].detector, "bruteforce.slow");
	DW_ASSERT_EQ_INT(G.v[0].attempts, n);
	done(d, c);
	DW_PASS();
}
