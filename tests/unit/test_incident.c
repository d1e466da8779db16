/*
 * test_incident.c - unit tests of src/incident: linking (direct and
 * transitive), accounts to reset and their reasons, dwell time, ignored
 * kinds, per-incident caps, determinism, and the flood test that keeps the
 * builder at its incident cap with evictions counted; and a scenario run
 * through the real detectors, their alerts fed straight into the builder.
 */
#include <stdlib.h>

#include "../../src/detect/config.h"
#include "../../src/incident/incident.h"
#include "detect_harness.h" /* T0, fail(), ok(), warmup(), userf() */

/* Fills a with kind/detector, times (seconds) and comma-separated lists ("" or NULL: none). */
static void put_list(struct dw_strlist *l, const char *csv)
{
	while (csv && *csv) {
		const char *c = strchr(csv, ',');
		size_t n = c ? (size_t)(c - csv) : strlen(csv);
		if (dw_strlist_add(l, csv, n) != DW_OK)
			return;
		csv = c ? c + 1 : NULL;
	}
}

static void mk_alert(struct dw_alert *a, const char *kind, const char *det, int64_t t0, int64_t t1,
		     const char *srcs, const char *users, const char *comp, uint64_t attempts)
{
	dw_alert_init(a, kind, "high", det);
	a->first_seen = t0 * DW_NS;
	a->last_seen = t1 * DW_NS;
	put_list(&a->sources, srcs);
	put_list(&a->users, users);
	put_list(&a->compromised, comp);
	a->attempts = attempts;
}

static void add(struct dw_incidents *b, const char *kind, const char *det, int64_t t0, int64_t t1,
		const char *srcs, const char *users, const char *comp, uint64_t attempts)
{
	struct dw_alert a;

	mk_alert(&a, kind, det, t0, t1, srcs, users, comp, attempts);
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
}

/* The JSON of every incident held, NUL-terminated in sb (caller frees). */
static const char *render(struct dw_incidents *b, struct dw_sb *sb)
{
	dw_sb_init(sb, 64 << 20);
	dw_incidents_json(b, sb);
	dw_sb_putc(sb, 0);
	return sb->p;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void spray_then_in(struct dw_incidents *b)
{
	struct dw_alert a;

	add(b, "password_spray", "spray.per_source", T0, T0 + 600, "203.0.113.7",
	    "alice,bob,carol", "carol", 30);
	add(b, "account_compromise", "compromise.attack_source", T0 + 500, T0 + 500, "203.0.113.7",
	    "carol", "carol", 1);
	mk_alert(&a, "new_access", "access.after_compromise", T0 + 3600, T0 + 7200, "198.51.100.9",
		 "carol", NULL, 0);
	put_list(&a.destinations, "fs1.corp,\\\\fs1\\finance");
	a.bytes_out = 123456;
	a.has_bytes_out = 1;
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
}

DW_TEST(incident_spray_compromise_access)
{
	struct dw_incidents *b;
	struct dw_sb sb;
	const char *j;

	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	spray_then_in(b);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 1);
	j = render(b, &sb);
	DW_ASSERT_EQ_STR(
		j,
		"{\"id\":1,\"status\":\"intrusion\",\"first_seen\":\"2024-03-01T00:00:00Z\","
		"\"last_seen\":\"2024-03-01T02:00:00Z\",\"dwell_seconds\":6700,"
		"\"sources\":[{\"source\":\"198.51.100.9\",\"attempts\":0},"
		"{\"source\":\"203.0.113.7\",\"attempts\":30}],"
		"\"targeted\":[\"alice\",\"bob\",\"carol\"],\"compromised\":[\"carol\"],"
		"\"password_validated\":[],"
		"\"accounts_to_reset\":[{\"user\":\"carol\",\"reason\":\"compromised\"}],"
		"\"bytes_out\":123456,\"destinations\":[\"\\\\\\\\fs1\\\\finance\",\"fs1.corp\"],"
		"\"alerts\":3,"
		"\"cut\":{\"sources\":0,\"accounts\":0,\"destinations\":0,\"timeline\":0},"
		"\"timeline\":["
		"{\"time\":\"2024-03-01T00:00:00Z\",\"kind\":\"password_spray\",\"detector\":"
		"\"spray.per_source\",\"sources\":[\"203.0.113.7\"],\"sources_total\":1,"
		"\"users\":[\"alice\",\"bob\",\"carol\"],\"users_total\":3},"
		"{\"time\":\"2024-03-01T00:08:20Z\",\"kind\":\"account_compromise\",\"detector\":"
		"\"compromise.attack_source\",\"sources\":[\"203.0.113.7\"],\"sources_total\":1,"
		"\"users\":[\"carol\"],\"users_total\":1},"
		"{\"time\":\"2024-03-01T01:00:00Z\",\"kind\":\"new_access\",\"detector\":"
		"\"access.after_compromise\",\"sources\":[\"198.51.100.9\"],\"sources_total\":1,"
		"\"users\":[\"carol\"],\"users_total\":1}]}\n");
	DW_ASSERT_EQ_INT(dw_incidents_stats(b)->alerts_added, 3);
	DW_ASSERT_EQ_INT(dw_incidents_stats(b)->merges, 0);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_unrelated_attacks_two_incidents)
{
	struct dw_incidents *b;
	struct dw_sb sb;
	const char *j;

	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	/* added out of time order: ids follow first_seen, not arrival */
	add(b, "brute_force", "bruteforce.per_source", T0 + 100, T0 + 200, "192.0.2.50", "root",
	    NULL, 40);
	add(b, "credential_stuffing", "stuffing.per_source", T0, T0 + 50, "192.0.2.60",
	    "u1,u2,u3", NULL, 12);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 2);
	j = render(b, &sb);
	DW_ASSERT_EQ_INT(count_lines(j), 2);
	DW_ASSERT(starts_with(j, "{\"id\":1,\"status\":\"attack\","
				 "\"first_seen\":\"2024-03-01T00:00:00Z\""));
	DW_ASSERT(strstr(j, "{\"id\":2,\"status\":\"attack\","
			    "\"first_seen\":\"2024-03-01T00:01:40Z\"") != NULL);
	DW_ASSERT(strstr(j, "\"dwell_seconds\":0,\"sources\":[{\"source\":\"192.0.2.50\","
			    "\"attempts\":40}],\"targeted\":[\"root\"],\"compromised\":[],"
			    "\"password_validated\":[],\"accounts_to_reset\":[],"
			    "\"bytes_out\":null") != NULL);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_same_first_seen_orders_by_smallest_source)
{
	struct dw_incidents *b;
	struct dw_sb sb;
	const char *j;

	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	add(b, "brute_force", "bruteforce.per_source", T0, T0 + 9, "192.0.2.9", "a", NULL, 10);
	add(b, "brute_force", "bruteforce.per_source", T0, T0 + 9, "192.0.2.10", "b", NULL, 10);
	j = render(b, &sb);
	DW_ASSERT(strstr(j, "{\"id\":1,") < strstr(j, "192.0.2.10"));
	DW_ASSERT(strstr(j, "192.0.2.10") < strstr(j, "{\"id\":2,"));
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_transitive_link)
{
	struct dw_incidents *b;
	struct dw_sb sb;
	const char *j;

	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	/* A: S1/u1, C: S2/u2 are apart until B (S1/u2) joins them */
	add(b, "brute_force", "bruteforce.per_source", T0, T0 + 60, "10.0.0.1", "u1", NULL, 20);
	add(b, "account_compromise", "compromise.new_source", T0 + 900, T0 + 900, "10.0.0.2", "u2",
	    "u2", 0);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 2);
	/* an attack's targets alone link nothing: a spray of u2 from elsewhere stays apart */
	add(b, "password_spray", "spray.per_source", T0 + 50, T0 + 80, "10.0.0.9", "u2,u3", NULL, 9);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 3);
	add(b, "password_validated", "validated.attack_source", T0 + 100, T0 + 300, "10.0.0.1", "u2",
	    NULL, 0);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 2);
	DW_ASSERT_EQ_INT(dw_incidents_stats(b)->merges, 1);
	j = render(b, &sb);
	DW_ASSERT(strstr(j, "\"status\":\"intrusion\",\"first_seen\":\"2024-03-01T00:00:00Z\","
			    "\"last_seen\":\"2024-03-01T00:15:00Z\",\"dwell_seconds\":0,") != NULL);
	DW_ASSERT(strstr(j, "\"sources\":[{\"source\":\"10.0.0.1\",\"attempts\":20},"
			    "{\"source\":\"10.0.0.2\",\"attempts\":0}],"
			    "\"targeted\":[\"u1\",\"u2\"],"
			    "\"compromised\":[\"u2\"],\"password_validated\":[\"u2\"]") != NULL);
	DW_ASSERT(strstr(j, "\"alerts\":3,") != NULL);
	DW_ASSERT_EQ_INT(count_lines(j), 2);
	/* the timeline is in time order whatever the arrival order */
	DW_ASSERT(strstr(j, "bruteforce.per_source") < strstr(j, "validated.attack_source"));
	DW_ASSERT(strstr(j, "validated.attack_source") < strstr(j, "compromise.new_source"));
	DW_ASSERT(strstr(j, "compromise.new_source") < strstr(j, "spray.per_source"));
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_password_validated_reason)
{
	struct dw_incidents *b;
	struct dw_sb sb;
	const char *j;

	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	add(b, "password_spray", "spray.per_source", T0, T0 + 600, "203.0.113.7", "dave,erin",
	    NULL, 50);
	add(b, "password_validated", "validated.attack_source", T0 + 300, T0 + 300, "203.0.113.7",
	    "erin", NULL, 1);
	add(b, "account_compromise", "compromise.attack_source", T0 + 400, T0 + 400, "203.0.113.7",
	    "dave", "dave", 1);
	j = render(b, &sb);
	DW_ASSERT_EQ_INT(count_lines(j), 1);
	DW_ASSERT(strstr(j, "\"dwell_seconds\":200,") != NULL);
	DW_ASSERT(strstr(j, "\"compromised\":[\"dave\"],\"password_validated\":[\"erin\"],"
			    "\"accounts_to_reset\":[{\"user\":\"dave\",\"reason\":\"compromised\"},"
			    "{\"user\":\"erin\",\"reason\":\"password_validated\"}]") != NULL);
	dw_sb_free(&sb);
	dw_incidents_free(b);

	/* a validated password alone is an incident of status attack, still to reset */
	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	add(b, "password_validated", "validated.new_source", T0, T0, "198.51.100.1", "frank", NULL,
	    1);
	j = render(b, &sb);
	DW_ASSERT(strstr(j, "\"status\":\"attack\"") != NULL);
	DW_ASSERT(strstr(j, "\"dwell_seconds\":0,") != NULL);
	DW_ASSERT(strstr(j, "\"accounts_to_reset\":[{\"user\":\"frank\",\"reason\":"
			    "\"password_validated\"}]") != NULL);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_ignored_kinds)
{
	struct dw_incidents *b;

	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	add(b, "stale_credentials", "stale.account", T0, T0 + 60, "10.1.1.1", "svc_old", NULL, 99);
	add(b, "lockout_storm", "lockout.window", T0, T0 + 60, "dc01", "a,b,c,d,e,f,g,h,i,j", NULL,
	    10);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 0);
	/* nor do they glue incidents: two attacks on accounts both locked stay apart */
	add(b, "brute_force", "bruteforce.per_source", T0, T0 + 60, "10.9.9.1", "a", NULL, 10);
	add(b, "brute_force", "bruteforce.per_source", T0, T0 + 60, "10.9.9.2", "b", NULL, 10);
	add(b, "lockout_storm", "lockout.window", T0, T0 + 60, "dc01", "a,b", NULL, 2);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 2);
	DW_ASSERT_EQ_INT(dw_incidents_stats(b)->alerts_ignored, 3);
	DW_ASSERT_EQ_INT(dw_incidents_stats(b)->alerts_added, 2);
	dw_incidents_free(b);
	DW_ASSERT(dw_incidents_new(&b, 0) == DW_EINVAL);
	DW_PASS();
}

DW_TEST(incident_deterministic)
{
	struct dw_incidents *b1, *b2;
	struct dw_sb s1, s2, s3;

	DW_ASSERT(dw_incidents_new(&b1, 4) == DW_OK);
	DW_ASSERT(dw_incidents_new(&b2, 4) == DW_OK);
	for (int k = 0; k < 2; k++) {
		struct dw_incidents *b = k ? b2 : b1;
		char ip[32], u[32];
		spray_then_in(b);
		for (int i = 0; i < 40; i++) {
			snprintf(ip, sizeof(ip), "192.0.2.%d", i % 7);
			snprintf(u, sizeof(u), "user%d", (i * 13) % 11);
			add(b, i % 3 ? "brute_force" : "password_validated", "x.y", T0 + i * 37,
			    T0 + i * 37 + 5, ip, u, NULL, (uint64_t)i);
		}
	}
	render(b1, &s1);
	render(b2, &s2);
	DW_ASSERT_EQ_STR(s1.p, s2.p);
	DW_ASSERT_EQ_INT(dw_incidents_stats(b1)->evicted, dw_incidents_stats(b2)->evicted);
	/* rendering does not change what is held */
	render(b1, &s3);
	DW_ASSERT_EQ_STR(s1.p, s3.p);
	dw_sb_free(&s1);
	dw_sb_free(&s2);
	dw_sb_free(&s3);
	dw_incidents_free(b1);
	dw_incidents_free(b2);
	DW_PASS();
}

struct evicted {
	int lines;
	int ids_in_order;
};

static void on_evict(void *ctx, const char *line, size_t n)
{
	struct evicted *e = ctx;
	char want[32];
	int k = snprintf(want, sizeof(want), "{\"id\":%d,", e->lines + 1);

	if (n > (size_t)k && memcmp(line, want, (size_t)k) == 0 && line[n - 1] == '\n')
		e->ids_in_order++;
	e->lines++;
}

DW_TEST(incident_flood_stays_at_cap)
{
	enum { CAP = 32, N = 10 * CAP };
	struct dw_incidents *b;
	struct evicted ev = {0, 0};
	size_t at_cap = 0, peak = 0, idx;
	struct dw_sb sb;
	const char *j;

	DW_ASSERT(dw_incidents_new(&b, CAP) == DW_OK);
	dw_incidents_on_evict(b, on_evict, &ev);
	for (int i = 0; i < N; i++) {
		char ip[32], u[32];
		snprintf(ip, sizeof(ip), "10.%d.%d.1", i / 256, i % 256);
		snprintf(u, sizeof(u), "flood%04d", i);
		add(b, "brute_force", "bruteforce.per_source", T0 + i, T0 + i + 1, ip, u, NULL, 5);
		DW_ASSERT(dw_incidents_count(b) <= CAP);
		if (i == CAP - 1)
			at_cap = dw_incidents_memuse(b);
		peak = DW_MAX(peak, dw_incidents_memuse(b));
	}
	DW_ASSERT_EQ_INT(dw_incidents_count(b), CAP);
	DW_ASSERT_EQ_INT(dw_incidents_stats(b)->evicted, N - CAP);
	DW_ASSERT_EQ_INT(ev.lines, N - CAP);
	DW_ASSERT_EQ_INT(ev.ids_in_order, N - CAP);
	/* same-sized incidents: memory at the end is what it was at the cap (+ index growth) */
	DW_ASSERT(peak <= at_cap + 4096);
	/* the oldest went first: the survivors are the last CAP, numbered after the evicted */
	j = render(b, &sb);
	DW_ASSERT(strstr(j, "flood0287") == NULL);
	DW_ASSERT(strstr(j, "{\"id\":289,") != NULL);
	DW_ASSERT(strstr(j, "\"flood0288\"") < strstr(j, "\"flood0319\""));
	DW_ASSERT(strstr(j, "{\"id\":320,") != NULL);
	/* an evicted id is not found; the survivors' are */
	DW_ASSERT(dw_incidents_find(b, 288, &idx) == DW_ENOENT);
	DW_ASSERT(dw_incidents_find(b, 289, &idx) == DW_OK && idx == 0);
	DW_ASSERT(dw_incidents_find(b, 320, &idx) == DW_OK && idx == CAP - 1);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_member_caps)
{
	struct dw_incidents *b;
	struct dw_alert a;
	char u[32];
	struct dw_sb sb;
	const char *j;

	DW_ASSERT(dw_incidents_new(&b, 4) == DW_OK);
	dw_alert_init(&a, "distributed_spray", "high", "distributed.window");
	a.first_seen = T0 * DW_NS;
	a.last_seen = (T0 + 60) * DW_NS;
	for (int i = 0; i < 1000; i++) {
		snprintf(u, sizeof(u), "u%04d", i);
		DW_ASSERT(dw_strlist_add(&a.users, u, strlen(u)) == DW_OK);
		snprintf(u, sizeof(u), "172.16.%d.%d", i / 256, i % 256);
		DW_ASSERT(dw_strlist_add(&a.sources, u, strlen(u)) == DW_OK);
	}
	a.attempts = 2500;
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
	/* many alerts for one incident: the timeline keeps its cap, a compromise still gets in */
	for (int i = 0; i < 2 * DW_INCIDENT_TIMELINE_MAX; i++)
		add(b, "brute_force", "bruteforce.per_source", T0 + 100 + i, T0 + 101 + i,
		    "172.16.0.0", "u0000", NULL, 3);
	add(b, "account_compromise", "compromise.attack_source", T0 + 9000, T0 + 9000,
	    "172.16.0.0", "u0001", "u0001", 1);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 1);
	j = render(b, &sb);
	DW_ASSERT(strstr(j, "\"cut\":{\"sources\":744,\"accounts\":744,\"destinations\":0,"
			    "\"timeline\":130}") != NULL);
	DW_ASSERT(strstr(j, "\"alerts\":258,") != NULL);
	DW_ASSERT(strstr(j, "\"kind\":\"account_compromise\"") != NULL);
	DW_ASSERT(strstr(j, "{\"source\":\"172.16.0.0\",\"attempts\":771}") != NULL);
	DW_ASSERT(strstr(j, "\"accounts_to_reset\":"
			    "[{\"user\":\"u0001\",\"reason\":\"compromised\"}]") != NULL);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

static void to_incidents(void *ctx, struct dw_alert *a)
{
	dw_incidents_add(ctx, a);
}

DW_TEST(incident_from_detectors)
{
	struct dw_incidents *b;
	struct dw_config *c;
	struct dw_detect *d;
	struct dw_sb sb;
	const char *j;

	DW_ASSERT(dw_incidents_new(&b, 16) == DW_OK);
	DW_ASSERT(dw_config_new(&c) == DW_OK);
	DW_ASSERT(dw_detect_new(&d, c, (struct dw_alert_sink){to_incidents, b}) == DW_OK);
	warmup(d, T0, 100);
	/* the scenario of detect_spray_success_before_recognition: emp003 guessed by the
	 * sprayer, emp002 logged in from a fresh address during the spray */
	spray_with_early_logins(d);
	/* an unrelated brute force later */
	for (int i = 0; i < 60; i++)
		fail(d, T0 + 5 * HOUR + i * 5, "192.0.2.66", "root");
	dw_detect_flush(d);
	dw_detect_free(d);
	dw_config_free(c);
	DW_ASSERT_EQ_INT(dw_incidents_stats(b)->alerts_added, 4);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 2);
	j = render(b, &sb);
	DW_ASSERT_EQ_INT(count_lines(j), 2);
	DW_ASSERT(starts_with(j, "{\"id\":1,\"status\":\"intrusion\","
			      "\"first_seen\":\"2024-03-01T01:00:00Z\","
			      "\"last_seen\":\"2024-03-01T01:29:00Z\",\"dwell_seconds\":1600,"));
	DW_ASSERT(strstr(j, "\"compromised\":[\"emp002\",\"emp003\"],\"password_validated\":[],"
			    "\"accounts_to_reset\":"
			    "[{\"user\":\"emp002\",\"reason\":\"compromised\"},"
			    "{\"user\":\"emp003\",\"reason\":\"compromised\"}]") != NULL);
	DW_ASSERT(strstr(j, "{\"source\":\"198.18.7.7\",\"attempts\":0},"
			    "{\"source\":\"203.0.113.9\",\"attempts\":") != NULL);
	DW_ASSERT(strstr(j, "{\"id\":2,\"status\":\"attack\",") != NULL);
	DW_ASSERT(strstr(j, "\"sources\":[{\"source\":\"192.0.2.66\",\"attempts\":60}],"
			    "\"targeted\":[\"root\"]") != NULL);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_merge_over_cap_keeps_accounts_to_reset)
{
	struct dw_incidents *b;
	struct dw_alert a;
	struct dw_sb sb;
	const char *j;
	char u[32];

	DW_ASSERT(dw_incidents_new(&b, 4) == DW_OK);
	for (int k = 0; k < 2; k++) {
		dw_alert_init(&a, "password_spray", "high", "spray.per_source");
		a.first_seen = (T0 + k) * DW_NS;
		a.last_seen = (T0 + 600) * DW_NS;
		for (int i = 0; i < 200; i++) {
			snprintf(u, sizeof(u), "%c%03d", k ? 'b' : 'a', i);
			DW_ASSERT(dw_strlist_add(&a.users, u, strlen(u)) == DW_OK);
		}
		DW_ASSERT(dw_strlist_add(&a.sources, k ? "10.0.0.2" : "10.0.0.1", 8) == DW_OK);
		a.attempts = 200;
		dw_incidents_add(b, &a);
		dw_alert_free(&a);
	}
	add(b, "account_compromise", "compromise.attack_source", T0 + 700, T0 + 700, "10.0.0.2",
	    "b199", "b199", 1);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 2);
	/* links both (the source of one, an account targeted by the other): 400 accounts
	 * into one incident of at most 256 */
	add(b, "account_compromise", "compromise.attack_source", T0 + 800, T0 + 900, "10.0.0.1",
	    "b000", "b000", 0);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 1);
	DW_ASSERT_EQ_INT(dw_incidents_stats(b)->merges, 1);
	j = render(b, &sb);
	DW_ASSERT(strstr(j, "\"status\":\"intrusion\"") != NULL);
	DW_ASSERT(strstr(j, "\"compromised\":[\"b000\",\"b199\"]") != NULL);
	DW_ASSERT(strstr(j, "\"cut\":{\"sources\":0,\"accounts\":145,") != NULL);
	DW_ASSERT(strstr(j, "{\"source\":\"10.0.0.1\",\"attempts\":200},"
			    "{\"source\":\"10.0.0.2\",\"attempts\":200}") != NULL);
	DW_ASSERT(strstr(j, "\"dwell_seconds\":200,") != NULL);
	dw_sb_free(&sb);
	/* a cut account no longer links: an alert naming it from a new source starts anew */
	add(b, "brute_force", "bruteforce.per_source", T0 + 950, T0 + 960, "10.0.0.3", "b010", NULL,
	    10);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 2);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_timeline_record_evidence)
{
	struct dw_incidents *b;
	struct dw_alert a;
	struct dw_incident_view v;
	struct dw_sb sb;
	const char *j;

	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	/* a text log: file and line */
	mk_alert(&a, "brute_force", "bruteforce.per_source", T0, T0 + 60, "192.0.2.7", "root",
		 NULL, 40);
	dw_alert_evidence_str(&a, "file", "auth.log");
	dw_alert_evidence_num(&a, "line", 123);
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
	/* an .evtx file: file and record id */
	mk_alert(&a, "account_compromise", "compromise.attack_source", T0 + 90, T0 + 90,
		 "192.0.2.7", "root", "root", 1);
	dw_alert_evidence_str(&a, "file", "Security.evtx");
	dw_alert_evidence_num(&a, "record_id", 987654);
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
	/* no evidence: no "record" key */
	add(b, "new_access", "access.after_compromise", T0 + 120, T0 + 400, "192.0.2.7", "root",
	    NULL, 0);
	j = render(b, &sb);
	DW_ASSERT(strstr(j, "\"users\":[\"root\"],\"users_total\":1,"
			    "\"record\":{\"file\":\"auth.log\",\"line\":123}},") != NULL);
	DW_ASSERT(strstr(j, "\"users_total\":1,\"record\":{\"file\":\"Security.evtx\","
			    "\"record_id\":987654}},") != NULL);
	DW_ASSERT(strstr(j, "\"detector\":\"access.after_compromise\","
			    "\"sources\":[\"192.0.2.7\"],\"sources_total\":1,"
			    "\"users\":[\"root\"],\"users_total\":1}]}\n") != NULL);
	DW_ASSERT_EQ_INT(count_lines(j), 1);
	dw_sb_free(&sb);
	/* the view carries the same */
	DW_ASSERT(dw_incidents_view(b, 0, &v) == DW_OK);
	DW_ASSERT_EQ_INT(v.n_timeline, 3);
	DW_ASSERT_EQ_STR(v.timeline[0].file, "auth.log");
	DW_ASSERT(v.timeline[0].has_line && !v.timeline[0].has_record_id);
	DW_ASSERT_EQ_INT(v.timeline[0].line, 123);
	DW_ASSERT_EQ_STR(v.timeline[1].file, "Security.evtx");
	DW_ASSERT(!v.timeline[1].has_line && v.timeline[1].has_record_id);
	DW_ASSERT_EQ_INT(v.timeline[1].record_id, 987654);
	DW_ASSERT(v.timeline[2].file == NULL && !v.timeline[2].has_line);
	DW_ASSERT_EQ_STR(v.timeline[1].severity, "high");
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_view_matches_json)
{
	struct dw_incidents *b;
	struct dw_incident_view v;
	size_t i;

	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	DW_ASSERT(dw_incidents_view(b, 0, &v) == DW_ENOENT);
	add(b, "brute_force", "bruteforce.per_source", T0 - 50, T0 - 40, "192.0.2.50", "root", NULL,
	    40);
	spray_then_in(b);
	add(b, "password_validated", "validated.attack_source", T0 + 300, T0 + 300, "203.0.113.7",
	    "bob", NULL, 1);
	DW_ASSERT_EQ_INT(dw_incidents_count(b), 2);
	DW_ASSERT(dw_incidents_find(b, 2, &i) == DW_OK);
	DW_ASSERT_EQ_INT(i, 1);
	DW_ASSERT(dw_incidents_find(b, 0, &i) == DW_ENOENT);
	DW_ASSERT(dw_incidents_find(b, 3, &i) == DW_ENOENT);
	DW_ASSERT(dw_incidents_view(b, 2, &v) == DW_ENOENT);
	DW_ASSERT(dw_incidents_view(b, 0, &v) == DW_OK);
	DW_ASSERT_EQ_INT(v.id, 1);
	DW_ASSERT_EQ_STR(v.status, "attack");
	DW_ASSERT(dw_incidents_view(b, 1, &v) == DW_OK);
	/* the incident of incident_spray_compromise_access, plus bob's validated password */
	DW_ASSERT_EQ_INT(v.id, 2);
	DW_ASSERT_EQ_STR(v.status, "intrusion");
	DW_ASSERT(v.intrusion);
	DW_ASSERT_EQ_INT(v.first_seen, T0 * DW_NS);
	DW_ASSERT_EQ_INT(v.last_seen, (T0 + 7200) * DW_NS);
	DW_ASSERT_EQ_INT(v.first_compromise, (T0 + 500) * DW_NS);
	DW_ASSERT_EQ_INT(v.dwell_seconds, 6700);
	DW_ASSERT_EQ_INT(v.n_sources, 2);
	DW_ASSERT_EQ_STR(v.sources[0].source, "198.51.100.9");
	DW_ASSERT_EQ_STR(v.sources[1].source, "203.0.113.7");
	DW_ASSERT_EQ_INT(v.sources[1].attempts, 30);
	DW_ASSERT_EQ_INT(v.attempts, 30);
	DW_ASSERT_EQ_INT(v.n_accounts, 3);
	DW_ASSERT_EQ_STR(v.accounts[1].user, "bob");
	DW_ASSERT_EQ_INT(v.accounts[1].flags, DW_INCIDENT_TARGETED | DW_INCIDENT_VALIDATED);
	DW_ASSERT_EQ_INT(v.accounts[2].flags, DW_INCIDENT_TARGETED | DW_INCIDENT_COMPROMISED);
	DW_ASSERT_EQ_INT(v.n_targeted, 3);
	DW_ASSERT_EQ_INT(v.n_compromised, 1);
	DW_ASSERT_EQ_INT(v.n_validated, 1);
	DW_ASSERT_EQ_INT(v.n_reset, 2);
	DW_ASSERT(v.has_bytes_out);
	DW_ASSERT_EQ_INT(v.bytes_out, 123456);
	DW_ASSERT_EQ_INT(v.n_destinations, 2);
	DW_ASSERT_EQ_STR(v.destinations[1], "fs1.corp");
	DW_ASSERT_EQ_INT(v.alerts, 4);
	DW_ASSERT_EQ_INT(v.cut_timeline, 0);
	DW_ASSERT_EQ_INT(v.n_timeline, 4);
	DW_ASSERT_EQ_STR(v.timeline[1].kind, "password_validated");
	DW_ASSERT_EQ_STR(v.timeline[1].users[0], "bob");
	DW_ASSERT_EQ_INT(v.timeline[0].n_users, 3);
	DW_ASSERT_EQ_INT(v.timeline[0].users_total, 3);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(incident_text_no_terminal_escapes)
{
	struct dw_incidents *b;
	struct dw_sb sb;

	DW_ASSERT(dw_incidents_new(&b, 4) == DW_OK);
	add(b, "account_compromise", "compromise.attack_source", T0, T0, "10.0.0.1\x1b[2J",
	    "\x1b]0;x\x07" "ev\xc2\x9bil", "\x1b]0;x\x07" "ev\xc2\x9bil", 1);
	dw_sb_init(&sb, 4096);
	dw_incidents_text(b, &sb, 5);
	dw_sb_putc(&sb, 0);
	DW_ASSERT(strstr(sb.p, "1 sources (10.0.0.1?[2J), 1 accounts tried, reset: ?]0;x?ev?il "
			       "(compromised)\n") != NULL);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}
