/*
 * test_store.c - unit tests of src/store and the hour counter: alerts read
 * back from JSON give the same JSON byte for byte (every field, escapes,
 * lists cut at their cap, evidence), hostile lines are refused without
 * harm; inputs are recognised by content (renamed, gzipped, grown);
 * checkpoints are all-or-nothing and the hours add up; the hour table stays
 * at its cap under a flood of forged timestamps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../src/cli/hours.c"
#include "../../src/store/alertjson.h"
#include "../../src/store/store.h"
#include "../test.h"

static void mk_full(struct dw_alert *a)
{
	dw_alert_init(a, "account_compromise", "critical", "compromise.attack_source");
	a->first_seen = 1709626244LL * DW_NS + 123456000;
	a->last_seen = 1709629000LL * DW_NS;
	dw_strlist_add(&a->sources, "185.137.56.40", 13);
	dw_strlist_add(&a->sources, "2001:db8::1", 11);
	dw_strlist_add(&a->users, "we\"ird\\user\n\x01", 13);
	dw_strlist_add(&a->users, "<script>alert(1)</script>", 25);
	a->users.total = 40000; /* cut list */
	dw_strlist_add(&a->compromised, "awood", 5);
	dw_strlist_add(&a->destinations, "198.18.7.10:443", 15);
	a->attempts = 28;
	a->successes = 1;
	a->bytes_out = 309000000;
	a->has_bytes_out = 1;
	a->logs = (1u << DW_LOG_SSHD) | (1u << DW_LOG_NETSCALER);
	dw_alert_evidence_num(a, "attempts_before", 3);
	dw_alert_evidence_num(a, "negative", -5);
	dw_alert_evidence_str(a, "file", "auth \"sample\".log");
}

DW_TEST(alertjson_round_trip)
{
	struct dw_alertjson *r;
	struct dw_alert a, b;
	struct dw_sb s1, s2;
	int same;

	DW_ASSERT(dw_alertjson_new(&r) == DW_OK);
	dw_sb_init(&s1, 1 << 20);
	dw_sb_init(&s2, 1 << 20);
	mk_full(&a);
	dw_alert_json(&a, &s1);
	DW_ASSERT(dw_alertjson_read(r, s1.p, s1.n, &b) == DW_OK);
	dw_alert_json(&b, &s2);
	same = s1.n == s2.n && memcmp(s1.p, s2.p, s1.n) == 0;
	dw_alert_free(&a);
	dw_alert_free(&b);
	/* an alert with nothing optional, and no fractional seconds */
	dw_sb_reset(&s1);
	dw_sb_reset(&s2);
	dw_alert_init(&a, "brute_force", "medium", "bruteforce.per_source");
	a.first_seen = 1709626244LL * DW_NS;
	a.last_seen = DW_TS_NONE;
	dw_alert_json(&a, &s1);
	DW_ASSERT(dw_alertjson_read(r, s1.p, s1.n, &b) == DW_OK);
	dw_alert_json(&b, &s2);
	same = same && s1.n == s2.n && memcmp(s1.p, s2.p, s1.n) == 0;
	dw_alert_free(&a);
	dw_alert_free(&b);
	dw_sb_free(&s1);
	dw_sb_free(&s2);
	dw_alertjson_free(r);
	DW_ASSERT(same);
	return 0;
}

DW_TEST(alertjson_hostile)
{
	static const char *const bad[] = {
		"", "{", "[]", "null", "{\"kind\":1}", "{\"kind\":\"x\"}",
		"{\"kind\":\"x\",\"severity\":\"y\",\"detector\":\"z\",\"first_seen\":\"yesterday\"}",
		"{\"kind\":\"x\",\"severity\":\"y\",\"detector\":\"z\",\"users\":[1,2]}",
		"{\"kind\":\"x\",\"severity\":\"y\",\"detector\":\"z\",\"attempts\":-1}",
		"{\"kind\":\"x\",\"severity\":\"y\",\"detector\":\"z\",\"evidence\":{\"a\":[1]}}",
		"{\"kind\":\"x\",\"severity\":\"y\",\"detector\":\"z\",\"evidence\":[]}",
		"{\"kind\":\"a\\u0000b\",\"severity\":\"y\",\"detector\":\"z\"}",
	};
	struct dw_alertjson *r;
	struct dw_alert a;
	int refused = 0;

	DW_ASSERT(dw_alertjson_new(&r) == DW_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int rc = dw_alertjson_read(r, bad[i], strlen(bad[i]), &a);
		refused += rc != DW_OK;
		dw_alert_free(&a);
	}
	/* a minimal valid one is read */
	{
		const char *min = "{\"kind\":\"x\",\"severity\":\"y\",\"detector\":\"z\"}";
		DW_ASSERT(dw_alertjson_read(r, min, strlen(min), &a) == DW_OK);
	}
	DW_ASSERT_EQ_STR(a.kind, "x");
	dw_alert_free(&a);
	dw_alertjson_free(r);
	DW_ASSERT_EQ_INT(refused, (long long)(sizeof(bad) / sizeof(*bad)));
	return 0;
}

static void write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(s, 1, n, f);
		fclose(f);
	}
}

static void count_alert(void *ctx, const char *json, size_t n)
{
	(void)json;
	(void)n;
	(*(int *)ctx)++;
}

DW_TEST(store_inputs_by_content)
{
	char db[512], a[512], b[512], c[512], text[6000];
	struct dw_store *s;
	int64_t ida, idb, idc, idd;
	uint64_t skip;
	char err[256];
	gzFile z;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i * 7 % 26);
	for (size_t i = 80; i < sizeof(text); i += 81)
		text[i] = '\n';
	snprintf(db, sizeof(db), "%s/inputs.db", dw_test_tmpdir());
	snprintf(a, sizeof(a), "%s/in.log", dw_test_tmpdir());
	snprintf(b, sizeof(b), "%s/in.log.1", dw_test_tmpdir());
	snprintf(c, sizeof(c), "%s/in.log.2.gz", dw_test_tmpdir());
	remove(db);
	DW_ASSERT(dw_store_open(&s, db, DW_STORE_WRITE, err, sizeof(err)) == DW_OK);
	write_file(a, text, 1000); /* short: fingerprinted on 1000 bytes */
	DW_ASSERT(dw_store_input(s, a, &ida, &skip) == DW_OK);
	DW_ASSERT_EQ_INT(skip, 0);
	{
		struct dw_store_mark m = {ida, 900};
		struct dw_store_ckpt ck = {.marks = &m, .nmarks = 1};
		DW_ASSERT(dw_store_checkpoint(s, &ck, err, sizeof(err)) == DW_OK);
	}
	write_file(a, text, sizeof(text)); /* grown: still the same input */
	DW_ASSERT(dw_store_input(s, a, &idb, &skip) == DW_OK);
	DW_ASSERT_EQ_INT(idb, ida);
	DW_ASSERT_EQ_INT(skip, 900);
	write_file(b, text, sizeof(text)); /* renamed copy */
	DW_ASSERT(dw_store_input(s, b, &idc, &skip) == DW_OK);
	DW_ASSERT_EQ_INT(idc, ida);
	z = gzopen(c, "wb");
	DW_ASSERT(z != NULL);
	gzwrite(z, text, sizeof(text));
	gzclose(z);
	DW_ASSERT(dw_store_input(s, c, &idd, &skip) == DW_OK);
	DW_ASSERT_EQ_INT(idd, ida);
	DW_ASSERT_EQ_INT(skip, 900);
	text[10] ^= 1; /* another file */
	write_file(b, text, sizeof(text));
	DW_ASSERT(dw_store_input(s, b, &idc, &skip) == DW_OK);
	DW_ASSERT(idc != ida);
	DW_ASSERT_EQ_INT(skip, 0);
	DW_ASSERT(dw_store_input(s, "-", &idc, &skip) == DW_ENOENT);
	dw_store_close(s);
	return 0;
}

DW_TEST(store_checkpoint_and_read_back)
{
	char db[512], err[256];
	struct dw_store *s, *r;
	struct dw_hour h1[2] = {{100, 5, 1, 0}, {101, 1, 0, 2}}, h2[1] = {{100, 2, 2, 2}};
	struct dw_hour *hv;
	size_t nh;
	const void *blob;
	size_t bn;
	int n = 0;
	const char *al = "{\"kind\":\"brute_force\",\"first_seen\":\"2024-01-01T00:00:00Z\"}\n"
			 "{\"kind\":\"password_spray\"}\n";
	struct dw_store_ckpt ck = {.state = "S1", .state_n = 2, .alerts = al, .alerts_n = strlen(al),
				   .open = "{\"kind\":\"x\"}\n", .open_n = 13, .hours = h1,
				   .nhours = 2};

	snprintf(db, sizeof(db), "%s/ckpt.db", dw_test_tmpdir());
	remove(db);
	DW_ASSERT(dw_store_open(&s, db, DW_STORE_READ, err, sizeof(err)) == DW_ENOENT);
	DW_ASSERT(dw_store_open(&s, db, DW_STORE_WRITE, err, sizeof(err)) == DW_OK);
	DW_ASSERT(dw_store_state(s, &blob, &bn) == DW_OK);
	DW_ASSERT_EQ_INT(bn, 0);
	DW_ASSERT(dw_store_checkpoint(s, &ck, err, sizeof(err)) == DW_OK);
	/* a second writer is refused while the first holds the database */
	DW_ASSERT(dw_store_open(&r, db, DW_STORE_WRITE, err, sizeof(err)) != DW_OK);
	DW_ASSERT(strstr(err, "locked") != NULL);
	/* a reader is not */
	DW_ASSERT(dw_store_open(&r, db, DW_STORE_READ, err, sizeof(err)) == DW_OK);
	ck = (struct dw_store_ckpt){.state = "S2", .state_n = 2, .hours = h2, .nhours = 1};
	DW_ASSERT(dw_store_checkpoint(s, &ck, err, sizeof(err)) == DW_OK);
	DW_ASSERT(dw_store_alerts(r, count_alert, &n) == DW_OK);
	DW_ASSERT_EQ_INT(n, 3); /* two final + the open one (kept: open was NULL) */
	DW_ASSERT(dw_store_hours(r, &hv, &nh) == DW_OK);
	DW_ASSERT_EQ_INT(nh, 2);
	DW_ASSERT_EQ_INT(hv[0].hour, 100);
	DW_ASSERT_EQ_INT(hv[0].failures, 7);
	DW_ASSERT_EQ_INT(hv[0].successes, 3);
	DW_ASSERT_EQ_INT(hv[1].sessions, 2);
	free(hv);
	dw_store_close(r);
	dw_store_close(s);
	DW_ASSERT(dw_store_open(&s, db, DW_STORE_WRITE, err, sizeof(err)) == DW_OK);
	DW_ASSERT(dw_store_state(s, &blob, &bn) == DW_OK);
	DW_ASSERT(bn == 2 && memcmp(blob, "S2", 2) == 0);
	dw_store_close(s);
	return 0;
}

DW_TEST(hours_capped_under_forged_times)
{
	struct dw_hours *h;
	struct dw_event e;
	struct dw_hour *v;
	size_t n, mem;

	DW_ASSERT(dw_hours_new(&h) == DW_OK);
	mem = dw_table_memuse(h->t);
	dw_event_clear(&e);
	e.action = DW_ACT_AUTH_FAILURE;
	for (int64_t i = 0; i < 3 * HOURS_CAP; i++) {
		e.ts = (i * 7919 % (4 * HOURS_CAP) - HOURS_CAP) * 3600 * DW_NS;
		dw_hours_add(h, &e);
	}
	DW_ASSERT_EQ_INT(dw_table_count(h->t), HOURS_CAP);
	DW_ASSERT(dw_hours_evicted(h) > 0);
	DW_ASSERT_EQ_INT(dw_table_memuse(h->t), mem);
	DW_ASSERT(dw_hours_take(h, &v, &n) == DW_OK);
	DW_ASSERT_EQ_INT(n, HOURS_CAP);
	for (size_t i = 1; i < n; i++)
		DW_ASSERT(v[i - 1].hour < v[i].hour);
	free(v);
	DW_ASSERT_EQ_INT(dw_table_count(h->t), 0);
	/* a negative time lands in the hour before the epoch */
	e.ts = -1;
	dw_hours_add(h, &e);
	DW_ASSERT(dw_hours_take(h, &v, &n) == DW_OK);
	DW_ASSERT(n == 1 && v[0].hour == -1);
	free(v);
	dw_hours_free(h);
	return 0;
}
