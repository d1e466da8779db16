/*
 * test_core.c - unit tests of src/core: the capped table (including the
 * flood test that proves memory stays at the cap), time, addresses, JSON
 * escaping.
 */
#include <stdlib.h>

#include "../../src/core/ip.h"
#include "../../src/event/alert.h"
#include "../../src/core/sb.h"
#include "../../src/core/table.h"
#include "../../src/core/tm.h"
#include "../test.h"

struct val {
	uint64_t n;
	int64_t t;
};

static int evictions_seen;
static void on_evict(void *ctx, const void *k, size_t kl, void *v)
{
	(void)ctx;
	(void)k;
	(void)kl;
	(void)v;
	evictions_seen++;
}

DW_TEST(table_basic)
{
	struct dw_table *t;
	struct val *v;
	int created;

	DW_ASSERT(dw_table_new(&t, 4, 16, sizeof(struct val)) == DW_OK);
	v = dw_table_upsert(t, "alice", 5, &created);
	DW_ASSERT(created);
	v->n = 7;
	v = dw_table_upsert(t, "alice", 5, &created);
	DW_ASSERT(!created);
	DW_ASSERT_EQ_INT(v->n, 7);
	DW_ASSERT(dw_table_get(t, "bob", 3) == NULL);
	DW_ASSERT(dw_table_del(t, "alice", 5) == DW_OK);
	DW_ASSERT(dw_table_get(t, "alice", 5) == NULL);
	DW_ASSERT(dw_table_del(t, "alice", 5) == DW_ENOENT);
	DW_ASSERT_EQ_INT(dw_table_count(t), 0);
	dw_table_free(t);
	DW_PASS();
}

DW_TEST(table_lru_eviction_order)
{
	struct dw_table *t;
	uint32_t cur = 0;
	const void *k;
	size_t kl;
	char key[8];

	DW_ASSERT(dw_table_new(&t, 3, 8, sizeof(struct val)) == DW_OK);
	dw_table_on_evict(t, on_evict, NULL);
	evictions_seen = 0;
	dw_table_upsert(t, "a", 1, NULL);
	dw_table_upsert(t, "b", 1, NULL);
	dw_table_upsert(t, "c", 1, NULL);
	dw_table_upsert(t, "a", 1, NULL); /* a is now most recent: b is oldest */
	dw_table_upsert(t, "d", 1, NULL); /* evicts b */
	DW_ASSERT(dw_table_get(t, "b", 1) == NULL);
	DW_ASSERT(dw_table_get(t, "a", 1) != NULL);
	DW_ASSERT_EQ_INT(dw_table_evicted(t), 1);
	DW_ASSERT_EQ_INT(evictions_seen, 1);
	/* iteration is oldest first: c, a, d */
	memset(key, 0, sizeof(key));
	DW_ASSERT(dw_table_next(t, &cur, &k, &kl) != NULL);
	DW_ASSERT(kl == 1 && *(const char *)k == 'c');
	DW_ASSERT(dw_table_next(t, &cur, &k, &kl) != NULL);
	DW_ASSERT(kl == 1 && *(const char *)k == 'a');
	DW_ASSERT(dw_table_next(t, &cur, &k, &kl) != NULL);
	DW_ASSERT(kl == 1 && *(const char *)k == 'd');
	DW_ASSERT(dw_table_next(t, &cur, &k, &kl) == NULL);
	dw_table_free(t);
	DW_PASS();
}

DW_TEST(table_long_keys_digest)
{
	struct dw_table *t;
	char a[300], b[300];

	memset(a, 'x', sizeof(a));
	memcpy(b, a, sizeof(b));
	b[299] = 'y'; /* differs only past key_max */
	DW_ASSERT(dw_table_new(&t, 8, 64, sizeof(struct val)) == DW_OK);
	((struct val *)dw_table_upsert(t, a, sizeof(a), NULL))->n = 1;
	((struct val *)dw_table_upsert(t, b, sizeof(b), NULL))->n = 2;
	DW_ASSERT_EQ_INT(dw_table_count(t), 2);
	DW_ASSERT_EQ_INT(((struct val *)dw_table_get(t, a, sizeof(a)))->n, 1);
	DW_ASSERT_EQ_INT(((struct val *)dw_table_get(t, b, sizeof(b)))->n, 2);
	dw_table_free(t);
	DW_PASS();
}

/* 10x the cap in distinct keys: count and memory stay at the cap. */
DW_TEST(table_flood_stays_at_cap)
{
	struct dw_table *t;
	size_t cap = 10000, mem0;
	char key[32];

	DW_ASSERT(dw_table_new(&t, cap, 32, sizeof(struct val)) == DW_OK);
	mem0 = dw_table_memuse(t);
	for (size_t i = 0; i < 10 * cap; i++) {
		int n = snprintf(key, sizeof(key), "198.51.%zu.%zu", i / 256, i % 256);
		struct val *v = dw_table_upsert(t, key, (size_t)n, NULL);
		v->n++;
		DW_ASSERT(dw_table_count(t) <= cap);
	}
	DW_ASSERT_EQ_INT(dw_table_count(t), cap);
	DW_ASSERT_EQ_INT(dw_table_evicted(t), 9 * cap);
	DW_ASSERT_EQ_INT(dw_table_memuse(t), mem0);
	/* the newest keys survived */
	DW_ASSERT(dw_table_get(t, "198.51.390.159", 14) != NULL);
	dw_table_free(t);
	DW_PASS();
}

DW_TEST(table_delete_during_iteration)
{
	struct dw_table *t;
	uint32_t cur = 0;
	struct val *v;
	const void *k;
	size_t kl;
	char key[8];

	DW_ASSERT(dw_table_new(&t, 16, 8, sizeof(struct val)) == DW_OK);
	for (int i = 0; i < 10; i++) {
		key[0] = (char)('a' + i);
		((struct val *)dw_table_upsert(t, key, 1, NULL))->n = (uint64_t)i;
	}
	while ((v = dw_table_next(t, &cur, &k, &kl)) != NULL)
		if (v->n % 2 == 0)
			DW_ASSERT(dw_table_del(t, k, kl) == DW_OK);
	DW_ASSERT_EQ_INT(dw_table_count(t), 5);
	/* freed slots are reused before eviction */
	for (int i = 0; i < 5; i++) {
		key[0] = (char)('A' + i);
		dw_table_upsert(t, key, 1, NULL);
	}
	DW_ASSERT_EQ_INT(dw_table_evicted(t), 0);
	dw_table_free(t);
	DW_PASS();
}

DW_TEST(tm_civil_roundtrip)
{
	int y, mo, d, h, mi, s;
	int64_t t = dw_tm_from_civil(2019, 3, 8, 23, 59, 58);

	DW_ASSERT_EQ_INT(t, 1552089598);
	dw_tm_to_civil(t, &y, &mo, &d, &h, &mi, &s);
	DW_ASSERT(y == 2019 && mo == 3 && d == 8 && h == 23 && mi == 59 && s == 58);
	DW_ASSERT_EQ_INT(dw_tm_from_civil(1970, 1, 1, 0, 0, 0), 0);
	DW_ASSERT_EQ_INT(dw_tm_mdays(2024, 2), 29);
	DW_ASSERT_EQ_INT(dw_tm_mdays(1900, 2), 28);
	DW_ASSERT_EQ_INT(dw_tm_month3("Dec"), 12);
	DW_ASSERT_EQ_INT(dw_tm_month3("dec"), 0);
	DW_PASS();
}

DW_TEST(tm_rfc3339)
{
	int64_t ns;
	int prec;
	size_t used;
	char b[DW_TM_BUFSZ];
	const char *s1 = "2019-07-08T17:40:16.954167-04:00 host";

	DW_ASSERT(dw_tm_parse_rfc3339(s1, strlen(s1), &ns, &prec, &used) == DW_OK);
	DW_ASSERT_EQ_INT(used, 32);
	DW_ASSERT_EQ_INT(prec, 6);
	dw_tm_format(ns, prec, b);
	DW_ASSERT_EQ_STR(b, "2019-07-08T21:40:16.954167Z");
	DW_ASSERT(dw_tm_parse_rfc3339("2003-10-11T22:14:15.003Z", 24, &ns, &prec, &used) == 0);
	dw_tm_format(ns, prec, b);
	DW_ASSERT_EQ_STR(b, "2003-10-11T22:14:15.003Z");
	DW_ASSERT(dw_tm_parse_rfc3339("2023-02-30T00:00:00Z", 20, &ns, &prec, &used) != 0);
	DW_ASSERT(dw_tm_parse_rfc3339("2023-02-01T00:00", 16, &ns, &prec, &used) != 0);
	DW_ASSERT(dw_tm_parse_rfc3339("9999-12-31T23:59:59Z", 20, &ns, &prec, &used) != 0);
	DW_ASSERT(dw_tm_parse_rfc3339("2200-12-31T23:59:59Z", 20, &ns, &prec, &used) == 0);
	DW_ASSERT(dw_tm_parse_rfc3339("2023-02-01 10:00:00+0130", 24, &ns, &prec, &used) == 0);
	dw_tm_format(ns, prec, b);
	DW_ASSERT_EQ_STR(b, "2023-02-01T08:30:00Z");
	DW_PASS();
}

DW_TEST(ip_parse_format)
{
	struct dw_ip ip;
	struct dw_cidr c;
	char b[DW_IP_BUFSZ];

	DW_ASSERT(dw_ip_parse("192.0.2.1", 9, &ip) == DW_OK && ip.fam == 4);
	dw_ip_format(&ip, b);
	DW_ASSERT_EQ_STR(b, "192.0.2.1");
	DW_ASSERT(dw_ip_parse("::ffff:10.1.2.3", 15, &ip) == DW_OK && ip.fam == 4);
	dw_ip_format(&ip, b);
	DW_ASSERT_EQ_STR(b, "10.1.2.3");
	DW_ASSERT(dw_ip_is_private(&ip));
	DW_ASSERT(dw_ip_parse("aaaa:bbbb:cccc:1234::1:1", 24, &ip) == DW_OK && ip.fam == 6);
	dw_ip_format(&ip, b);
	DW_ASSERT_EQ_STR(b, "aaaa:bbbb:cccc:1234::1:1");
	DW_ASSERT(dw_ip_parse("256.1.1.1", 9, &ip) != DW_OK);
	DW_ASSERT(dw_ip_parse("1.2.3", 5, &ip) != DW_OK);
	DW_ASSERT(dw_ip_parse("1.2.3.4.5", 9, &ip) != DW_OK);
	DW_ASSERT(dw_ip_parse("example.com", 11, &ip) != DW_OK);
	DW_ASSERT(dw_cidr_parse("203.0.113.0/24", 14, &c) == DW_OK);
	DW_ASSERT(dw_ip_parse("203.0.113.77", 12, &ip) == DW_OK && dw_cidr_match(&c, &ip));
	DW_ASSERT(dw_ip_parse("203.0.114.77", 12, &ip) == DW_OK && !dw_cidr_match(&c, &ip));
	DW_ASSERT(dw_cidr_parse("2001:db8::/33", 13, &c) == DW_OK);
	DW_ASSERT(dw_ip_parse("2001:db8:7fff::1", 16, &ip) == DW_OK && dw_cidr_match(&c, &ip));
	DW_ASSERT(dw_ip_parse("2001:db8:8000::1", 16, &ip) == DW_OK && !dw_cidr_match(&c, &ip));
	DW_ASSERT(dw_cidr_parse("10.0.0.0/33", 11, &c) != DW_OK);
	DW_PASS();
}

DW_TEST(sb_json_escape)
{
	struct dw_sb sb;

	dw_sb_init(&sb, 1 << 20);
	dw_sb_json_str(&sb, "a\"b\\c\n\x01\xff\xc3\xa9", 10);
	dw_sb_putc(&sb, 0);
	DW_ASSERT_EQ_STR(sb.p, "\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd\xc3\xa9\"");
	dw_sb_free(&sb);
	dw_sb_init(&sb, 8);
	dw_sb_puts(&sb, "0123456789");
	DW_ASSERT(sb.toobig);
	DW_ASSERT(sb.n <= 8);
	dw_sb_free(&sb);
	DW_PASS();
}

DW_TEST(alert_strlist_dedupe_and_sort)
{
	struct dw_alert a;
	struct dw_sb sb;
	char name[32];

	dw_alert_init(&a, "brute_force", "medium", "test");
	for (int i = 0; i < 3000; i++) {
		int n = snprintf(name, sizeof(name), "u%d", i % 1000);
		DW_ASSERT(dw_strlist_add(&a.users, name, (size_t)n) == DW_OK);
	}
	DW_ASSERT_EQ_INT(a.users.n, 1000);
	DW_ASSERT_EQ_INT(a.users.total, 1000);
	DW_ASSERT(dw_strlist_has(&a.users, "u999", 4));
	DW_ASSERT(!dw_strlist_has(&a.users, "u1000", 5));
	DW_ASSERT(!dw_strlist_has(&a.sources, "x", 1)); /* empty list */
	dw_sb_init(&sb, 1 << 20);
	dw_alert_json(&a, &sb); /* empty lists must not trip UBSan */
	dw_sb_putc(&sb, 0);
	DW_ASSERT(strstr(sb.p, "\"users\":[\"u0\",\"u1\",\"u10\",") != NULL);
	DW_ASSERT(strstr(sb.p, "\"sources\":[],\"sources_total\":0") != NULL);
	/* still deduplicates after the sort rebuilt the index */
	DW_ASSERT(dw_strlist_add(&a.users, "u5", 2) == DW_OK);
	DW_ASSERT_EQ_INT(a.users.total, 1000);
	dw_sb_free(&sb);
	dw_alert_free(&a);
	DW_PASS();
}

DW_TEST(tm_month3_all)
{
	static const char *m[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

	for (int i = 0; i < 12; i++)
		DW_ASSERT_EQ_INT(dw_tm_month3(m[i]), i + 1);
	DW_ASSERT_EQ_INT(dw_tm_month3("Jux"), 0);
	DW_ASSERT_EQ_INT(dw_tm_month3("Max"), 0);
	DW_ASSERT_EQ_INT(dw_tm_month3("Aux"), 0);
	DW_ASSERT_EQ_INT(dw_tm_month3("JAN"), 0);
	DW_PASS();
}
