/*
 * test_evtx.c - the .evtx decoder (src/parse/evtx.c, binxml.c): every file
 * of ../shared/data/evtx against its .truth.json (records, EventID counts,
 * channels, providers, computers, time and record-id range, failures and
 * successes with their Status/SubStatus/LogonType/IpAddress breakdown),
 * the two inline-BinXML RDP files included; damage (byte flips, truncation
 * at and inside every chunk, a zeroed chunk header, a broken template, a
 * bad record size, a zeroed file header, garbage); the SIMD and scalar
 * UTF-16 converters against each other.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../src/core/tm.h"
#include "../../src/parse/binval.h"
#include "../../src/parse/evtx.h"
#include "../../src/parse/json.h"
#include "../test.h"

/* ---- a small counter map ------------------------------------------------ */

#define MAP_CAP 512

struct map {
	int n;
	struct {
		char k[96];
		long v;
	} e[MAP_CAP];
};

static void map_add(struct map *m, const char *k, size_t kn, long d)
{
	kn = DW_MIN(kn, (size_t)95);
	for (int i = 0; i < m->n; i++)
		if (strlen(m->e[i].k) == kn && memcmp(m->e[i].k, k, kn) == 0) {
			m->e[i].v += d;
			return;
		}
	if (m->n < MAP_CAP) {
		memcpy(m->e[m->n].k, k, kn);
		m->e[m->n].k[kn] = 0;
		m->e[m->n].v = d;
		m->n++;
	}
}

static long map_get(const struct map *m, const char *k)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->e[i].k, k) == 0)
			return m->e[i].v;
	return 0;
}

/* ---- decoding a whole image ---------------------------------------------- */

struct tally {
	struct dw_evtx *x;
	long records;
	struct map eids, channels, providers, computers, fail_eid, succ_eid, status, substatus,
		lt4625, lt4624, ips_fail, ips_succ;
	int64_t tmin, tmax;
	int pmin, pmax;
	uint64_t rmin, rmax;
	int bad_event;
};

static struct dw_slice fld(const struct dw_win_fields *f, int id)
{
	return (f->seen & (1u << id)) ? f->v[id] : dw_slice_make("", 0);
}

static void on_event(void *ctx, const struct dw_event *e)
{
	struct tally *t = ctx;
	const struct dw_win_fields *f = dw_evtx_fields(t->x);
	char k[64];
	int n;
	struct dw_slice st = fld(f, DW_WINF_STATUS), ip;

	t->records++;
	if (e->log != DW_LOG_WIN || e->ts == DW_TS_NONE || !(e->has & DW_EV_HAS_EVENT_ID) ||
	    e->action >= DW_ACT__N || e->host.n > 255)
		t->bad_event = 1;
	n = snprintf(k, sizeof(k), "%u", e->event_id);
	map_add(&t->eids, k, (size_t)n, 1);
	map_add(&t->channels, f->channel.p, f->channel.n, 1);
	map_add(&t->providers, f->provider.p, f->provider.n, 1);
	map_add(&t->computers, e->host.p, e->host.n, 1);
	if (t->records == 1 || e->ts < t->tmin)
		t->tmin = e->ts, t->pmin = e->ts_prec;
	if (t->records == 1 || e->ts > t->tmax)
		t->tmax = e->ts, t->pmax = e->ts_prec;
	if (t->records == 1 || e->record_id < t->rmin)
		t->rmin = e->record_id;
	if (t->records == 1 || e->record_id > t->rmax)
		t->rmax = e->record_id;
	ip = (f->seen & (1u << DW_WINF_IP_ADDRESS)) ? f->v[DW_WINF_IP_ADDRESS]
						     : dw_slice_make("(none)", 6);
	if (e->action == DW_ACT_AUTH_FAILURE) {
		map_add(&t->fail_eid, k, (size_t)n, 1);
		n = snprintf(k, sizeof(k), "%u:%.*s", e->event_id, (int)DW_MIN(st.n, (size_t)40),
			     st.p);
		map_add(&t->status, k, (size_t)n, 1);
		map_add(&t->ips_fail, ip.p, ip.n, 1);
		if (e->event_id == 4625) {
			struct dw_slice s = fld(f, DW_WINF_SUB_STATUS), l = fld(f, DW_WINF_LOGON_TYPE);
			map_add(&t->substatus, s.p, s.n, 1);
			map_add(&t->lt4625, l.p, l.n, 1);
		}
	}
	if (e->event_id == 4624 || ((e->event_id == 4768 || e->event_id == 4776) &&
				    dw_slice_eq(st, "0x0"))) {
		map_add(&t->succ_eid, k, (size_t)snprintf(k, sizeof(k), "%u", e->event_id), 1);
		map_add(&t->ips_succ, ip.p, ip.n, 1);
		if (e->event_id == 4624) {
			struct dw_slice l = fld(f, DW_WINF_LOGON_TYPE);
			map_add(&t->lt4624, l.p, l.n, 1);
		}
	}
}

static void on_count(void *ctx, const struct dw_event *e)
{
	(void)e;
	(*(long *)ctx)++;
}

/* Decodes p[0..n) and returns the records delivered; *st gets the counters. */
static long count_records(const uint8_t *p, size_t n, struct dw_evtx_stats *st)
{
	struct dw_evtx *x;
	long k = 0;

	if (dw_evtx_open(&x, p, n) != DW_OK)
		return -1;
	while (dw_evtx_next(x, on_count, &k))
		;
	dw_evtx_get_stats(x, st);
	dw_evtx_free(x);
	return k;
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long sz;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)sz + 1);
		if (b && fread(b, 1, (size_t)sz, f) != (size_t)sz) {
			free(b);
			b = NULL;
		}
		*n = (size_t)sz;
	}
	fclose(f);
	return b;
}

/* ---- truth comparison ---------------------------------------------------- */

#define TOKS 65536

/* Compares truth object path (a {key: count} map) with m; keys filtered by keep(). */
static int cmp_map(const struct dw_json *j, const char *path, const struct map *m,
		   int (*keep)(const char *), int exact, char *why, size_t wn)
{
	int o = dw_json_path(j, 0, path), kept = 0;
	char kb[256], vb[64];

	if (o < 0)
		return 0; /* not in this truth file */
	if (dw_json_type(j, o) != DW_JSON_OBJECT) {
		snprintf(why, wn, "%s: not an object", path);
		return 1;
	}
	for (int t = o + 1, i = 0; i < (int)j->t[o].size; i++) {
		struct dw_slice k = dw_json_str(j, t, kb, sizeof(kb) - 1);
		int v = (int)j->t[t].next;
		int64_t want;
		char key[256];
		snprintf(key, sizeof(key), "%.*s", (int)k.n, k.p);
		if (dw_json_type(j, v) == DW_JSON_OBJECT) { /* {"fail": n, "success": m} */
			t = (int)j->t[v].next;
			continue;
		}
		(void)vb;
		if (dw_json_i64(j, v, &want) != DW_OK) {
			snprintf(why, wn, "%s.%s: not a number", path, key);
			return 1;
		}
		t = (int)j->t[v].next;
		if (keep && !keep(key))
			continue;
		kept++;
		if (map_get(m, key) != want) {
			snprintf(why, wn, "%s[%s] = %ld, truth %lld", path, key, map_get(m, key),
				 (long long)want);
			return 1;
		}
	}
	if (exact && !keep && kept != m->n) {
		snprintf(why, wn, "%s: %d keys, truth %d", path, m->n, kept);
		return 1;
	}
	return 0;
}

/* Compares {"ip": {"fail": n, "success": m}} with our two maps. */
static int cmp_ips(const struct dw_json *j, const struct tally *t, char *why, size_t wn)
{
	int o = dw_json_path(j, 0, "auth.source_ips_raw");
	char kb[256];

	if (o < 0)
		return 0;
	for (int k = o + 1, i = 0; i < (int)j->t[o].size; i++) {
		struct dw_slice ks = dw_json_str(j, k, kb, sizeof(kb) - 1);
		int v = (int)j->t[k].next, f = dw_json_get(j, v, "fail"), s = dw_json_get(j, v, "success");
		int64_t nf = 0, ns = 0;
		char key[256];
		snprintf(key, sizeof(key), "%.*s", (int)ks.n, ks.p);
		if ((f >= 0 && dw_json_i64(j, f, &nf) != DW_OK) ||
		    (s >= 0 && dw_json_i64(j, s, &ns) != DW_OK))
			nf = ns = -1;
		if (map_get(&t->ips_fail, key) != nf || map_get(&t->ips_succ, key) != ns) {
			snprintf(why, wn, "source_ips_raw[%s] = %ld/%ld, truth %lld/%lld", key,
				 map_get(&t->ips_fail, key), map_get(&t->ips_succ, key),
				 (long long)nf, (long long)ns);
			return 1;
		}
		k = (int)j->t[v].next;
	}
	return 0;
}

static int dwell_auth_eid(const char *k)
{
	int v = atoi(k);
	return v == 4624 || v == 4625 || v == 4768 || v == 4771 || v == 4776;
}

static int dwell_status_key(const char *k)
{
	return dwell_auth_eid(k);
}

/* 1 if every failure/success event id of the truth is one dwell classifies. */
static int auth_all_mapped(const struct dw_json *j)
{
	const char *paths[2] = {"auth.failures.by_event_id", "auth.successes.by_event_id"};
	char kb[64];

	for (int p = 0; p < 2; p++) {
		int o = dw_json_path(j, 0, paths[p]);
		if (o < 0)
			continue;
		for (int k = o + 1, i = 0; i < (int)j->t[o].size; i++) {
			struct dw_slice ks = dw_json_str(j, k, kb, sizeof(kb) - 1);
			char key[64];
			snprintf(key, sizeof(key), "%.*s", (int)ks.n, ks.p);
			if (!dwell_auth_eid(key))
				return 0;
			k = (int)j->t[j->t[k].next].next;
		}
	}
	return 1;
}

static int check_time(const struct dw_json *j, const char *path, int64_t ns, int prec, char *why,
		      size_t wn)
{
	int t = dw_json_path(j, 0, path);
	char tb[DW_TM_BUFSZ], kb[64];
	struct dw_slice want;
	size_t n;

	if (t < 0)
		return 0;
	want = dw_json_str(j, t, kb, sizeof(kb));
	n = dw_tm_format(ns, prec, tb);
	if (n != want.n || memcmp(tb, want.p, n) != 0) {
		snprintf(why, wn, "%s = %.*s, truth %.*s", path, (int)n, tb, (int)want.n, want.p);
		return 1;
	}
	return 0;
}

static int check_u64(const struct dw_json *j, const char *path, uint64_t v, char *why, size_t wn)
{
	int t = dw_json_path(j, 0, path);
	int64_t want;

	if (t < 0)
		return 0;
	if (dw_json_i64(j, t, &want) != DW_OK || (uint64_t)want != v) {
		snprintf(why, wn, "%s = %llu, truth %lld", path, (unsigned long long)v,
			 (long long)want);
		return 1;
	}
	return 0;
}

/* Decodes one sample and checks it against its truth; returns 0 or 1 with why. */
static int check_file(const char *dir, const char *name, char *why, size_t wn)
{
	char path[1024];
	uint8_t *img, *tj;
	size_t n, tn;
	struct tally *t = calloc(1, sizeof(*t));
	struct dw_json_tok *toks = malloc(sizeof(*toks) * TOKS);
	struct dw_json j;
	struct dw_evtx_stats st;
	int bad = 1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	img = slurp(path, &n);
	snprintf(path, sizeof(path), "%s/%s.truth.json", dir, name);
	tj = slurp(path, &tn);
	if (!img || !tj || !t || !toks) {
		snprintf(why, wn, "cannot read %s or its truth", name);
		goto out;
	}
	dw_json_init(&j, toks, TOKS);
	if (dw_json_parse(&j, (const char *)tj, tn) != DW_OK) {
		snprintf(why, wn, "%s: truth does not parse", name);
		goto out;
	}
	if (dw_evtx_open(&t->x, img, n) != DW_OK)
		goto out;
	while (dw_evtx_next(t->x, on_event, t))
		;
	dw_evtx_get_stats(t->x, &st);
	dw_evtx_free(t->x);
	if (t->bad_event) {
		snprintf(why, wn, "%s: an event breaks the invariants", name);
		goto out;
	}
	if (st.bad_binxml || st.bad_record || st.bad_chunk_crc || st.bad_data_crc ||
	    st.bad_file_header || st.no_event_id || st.no_system_time) {
		snprintf(why, wn, "%s: damage counted in a clean file", name);
		goto out;
	}
	if (check_u64(&j, "records", (uint64_t)t->records, why, wn) ||
	    check_u64(&j, "evtx_header.chunks_with_magic", st.chunks, why, wn) ||
	    cmp_map(&j, "event_ids", &t->eids, NULL, 1, why, wn) ||
	    cmp_map(&j, "channels", &t->channels, NULL, 1, why, wn) ||
	    cmp_map(&j, "providers", &t->providers, NULL, 1, why, wn) ||
	    cmp_map(&j, "computers", &t->computers, NULL, 1, why, wn) ||
	    check_time(&j, "time.min", t->tmin, t->pmin, why, wn) ||
	    check_time(&j, "time.max", t->tmax, t->pmax, why, wn) ||
	    check_u64(&j, "event_record_id.min", t->rmin, why, wn) ||
	    check_u64(&j, "event_record_id.max", t->rmax, why, wn) ||
	    cmp_map(&j, "auth.failures.by_event_id", &t->fail_eid, dwell_auth_eid, 0, why, wn) ||
	    cmp_map(&j, "auth.failures.status", &t->status, dwell_status_key, 0, why, wn) ||
	    cmp_map(&j, "auth.failures.substatus_4625", &t->substatus, NULL, 1, why, wn) ||
	    cmp_map(&j, "auth.failures.logon_type_4625", &t->lt4625, NULL, 1, why, wn) ||
	    cmp_map(&j, "auth.successes.by_event_id", &t->succ_eid, dwell_auth_eid, 0, why, wn) ||
	    cmp_map(&j, "auth.successes.logon_type_4624", &t->lt4624, NULL, 1, why, wn) ||
	    (auth_all_mapped(&j) && cmp_ips(&j, t, why, wn)))
		goto out;
	bad = 0;
out:
	if (bad && strncmp(why, name, strlen(name)) != 0) {
		char tmp[1024];
		snprintf(tmp, sizeof(tmp), "%s: %s", name, why);
		snprintf(why, wn, "%s", tmp);
	}
	free(img);
	free(tj);
	free(t);
	free(toks);
	return bad;
}

static int is_evtx_name(const char *s)
{
	size_t n = strlen(s);
	return n > 5 && strcmp(s + n - 5, ".evtx") == 0;
}

DW_TEST(evtx_truth_files)
{
	char dir[512];
	struct dirent **ents;
	int n, files = 0, bad = 0;

	snprintf(dir, sizeof(dir), "%s/data/evtx", dw_test_shared());
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		DW_FAIL("cannot list %s", dir);
	for (int i = 0; i < n; i++) {
		if (!bad && is_evtx_name(ents[i]->d_name)) {
			files++;
			bad = check_file(dir, ents[i]->d_name, msg_, msgsz_);
		}
		free(ents[i]);
	}
	free(ents);
	if (bad)
		return 1;
	DW_ASSERT(files >= 17);
	DW_PASS();
}

/* The two files no Debian parser reads: every record, 9-digit text times. */
DW_TEST(evtx_inline_binxml)
{
	const char *names[2] = {"rdp-brute-131-inline.evtx", "rdp-success-1149-inline.evtx"};
	const long want[2] = {154, 11};

	for (int i = 0; i < 2; i++) {
		char path[512];
		size_t n;
		uint8_t *img;
		struct dw_evtx_stats st;
		snprintf(path, sizeof(path), "%s/data/evtx/%s", dw_test_shared(), names[i]);
		img = slurp(path, &n);
		DW_ASSERT(img != NULL);
		DW_ASSERT_EQ_INT(count_records(img, n, &st), want[i]);
		DW_ASSERT_EQ_INT(st.bad_binxml, 0);
		free(img);
	}
	DW_PASS();
}

/* ---- damage ------------------------------------------------------------ */

static uint8_t *sample(const char *name, size_t *n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/data/evtx/%s", dw_test_shared(), name);
	return slurp(path, n);
}

/* Records per chunk slot of an intact image (up to cap slots); returns the slot count. */
static int per_slot(const uint8_t *img, size_t n, long *cnt, int cap)
{
	int k = 0;

	for (size_t off = 4096; off < n && k < cap; off += 65536, k++) {
		struct dw_evtx_stats st;
		uint8_t *c = malloc(65536);
		size_t len = DW_MIN((size_t)65536, n - off);
		if (!c)
			return -1;
		memcpy(c, img + off, len); /* a bare chunk decodes from offset 0 */
		cnt[k] = count_records(c, len, &st);
		free(c);
	}
	return k;
}

DW_TEST(evtx_truncate_every_chunk)
{
	size_t n;
	uint8_t *img = sample("share-admin-sliver-5140.evtx", &n);
	long cnt[64], total = 0, before = 0;
	int k;
	struct dw_evtx_stats st;

	DW_ASSERT(img != NULL);
	k = per_slot(img, n, cnt, 64);
	DW_ASSERT(k == 17);
	for (int i = 0; i < k; i++)
		total += cnt[i];
	DW_ASSERT_EQ_INT(total, 528);
	for (int i = 0; i < k; i++) {
		size_t at = 4096 + (size_t)i * 65536;
		uint8_t *cut = malloc(at + 1);
		static const size_t inside[] = {1, 8, 511, 512, 600, 1000, 4000, 20000, 65535};
		long got;
		DW_ASSERT(cut != NULL);
		memcpy(cut, img, at);
		DW_ASSERT_EQ_INT(count_records(cut, at, &st), before);
		free(cut);
		for (size_t m = 0; m < DW_ARRAY_LEN(inside); m++) {
			size_t len = at + inside[m];
			cut = malloc(len); /* exact size: ASan sees any overread */
			DW_ASSERT(cut != NULL);
			memcpy(cut, img, len);
			got = count_records(cut, len, &st);
			free(cut);
			DW_ASSERT(got >= before && got <= before + cnt[i]);
			DW_ASSERT_EQ_INT(st.truncated_chunk, 1);
		}
		before += cnt[i];
	}
	free(img);
	DW_PASS();
}

DW_TEST(evtx_zeroed_chunk_header_recovered)
{
	size_t n;
	uint8_t *img = sample("smb-loot-donpapi-5145.evtx", &n);
	long cnt[64];
	struct dw_evtx_stats st;

	DW_ASSERT(img != NULL);
	DW_ASSERT(per_slot(img, n, cnt, 64) >= 3);
	memset(img + 4096 + 65536, 0, 512); /* chunk 1 */
	DW_ASSERT_EQ_INT(count_records(img, n, &st), 750);
	DW_ASSERT_EQ_INT(st.bad_chunk_magic, 1);
	DW_ASSERT_EQ_INT(st.recovered_records, cnt[1]);
	/* a wrong header CRC: same */
	free(img);
	img = sample("smb-loot-donpapi-5145.evtx", &n);
	DW_ASSERT(img != NULL);
	img[4096 + 2 * 65536 + 130] ^= 0x55;
	DW_ASSERT_EQ_INT(count_records(img, n, &st), 750);
	DW_ASSERT_EQ_INT(st.bad_chunk_crc, 1);
	DW_ASSERT_EQ_INT(st.recovered_records, cnt[2]);
	/* a zeroed file header: every chunk still read */
	memset(img, 0, 4096);
	DW_ASSERT_EQ_INT(count_records(img, n, &st), 750);
	DW_ASSERT_EQ_INT(st.bad_file_header, 1);
	free(img);
	DW_PASS();
}

DW_TEST(evtx_broken_template_and_record)
{
	size_t n;
	uint8_t *img = sample("share-admin-sliver-5140.evtx", &n);
	long cnt[64], got;
	struct dw_evtx_stats st;
	uint8_t *c, *bx;
	uint32_t def, size;

	DW_ASSERT(img != NULL);
	DW_ASSERT(per_slot(img, n, cnt, 64) == 17);
	/* chunk 0, record 0: fragment header, template instance with its definition inline */
	c = img + 4096;
	bx = c + 512 + 24;
	DW_ASSERT(bx[0] == 0x0f && bx[4] == 0x0c);
	memcpy(&def, bx + 10, 4);
	DW_ASSERT_EQ_INT(def, 512 + 24 + 14);
	memcpy(&size, c + def + 20, 4);
	DW_ASSERT(c[def + 24] == 0x0f && (c[def + 28] & 0x1f) == 0x01);
	c[def + 28] = 0xff; /* the root element's token: unknown */
	got = count_records(img, n, &st);
	DW_ASSERT(got < 528 && got >= 528 - cnt[0]);
	DW_ASSERT(st.bad_template >= 1 && st.bad_binxml == (uint64_t)(528 - got));
	DW_ASSERT_EQ_INT(st.bad_data_crc, 1);
	c[def + 28] = 0x41;
	/* a template offset outside the chunk */
	memcpy(bx + 10, "\xf0\xff\x00\x00", 4);
	got = count_records(img, n, &st);
	DW_ASSERT(got < 528 && st.bad_binxml >= 1);
	memcpy(bx + 10, &def, 4);
	DW_ASSERT_EQ_INT(count_records(img, n, &st), 528);
	/* a record size that breaks the framing: that record only */
	c[512 + 4] ^= 0x10;
	got = count_records(img, n, &st);
	DW_ASSERT(got >= 528 - cnt[0] && got < 528);
	DW_ASSERT(st.bad_record >= 1);
	free(img);
	DW_PASS();
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* Byte flips anywhere (headers, records, templates, names): never a crash, never more records. */
DW_TEST(evtx_byte_flips)
{
	const char *names[3] = {"kerbrute-enum-4768-4771.evtx", "rdp-success-1149-inline.evtx",
				"win-sshd-brute-valid-security.evtx"};
	uint64_t seed = 42;

	for (int f = 0; f < 3; f++) {
		size_t n;
		uint8_t *img = sample(names[f], &n), *cp;
		struct dw_evtx_stats st;
		long full;
		DW_ASSERT(img != NULL);
		full = count_records(img, n, &st);
		cp = malloc(n);
		DW_ASSERT(cp != NULL);
		for (int round = 0; round < 300; round++) {
			memcpy(cp, img, n);
			int flips = 1 + (int)(lcg(&seed) % 16);
			for (int k = 0; k < flips; k++) {
				/* mostly inside the used part of chunk 0 */
				size_t at = round % 4 == 0 ? lcg(&seed) % n
							   : 4096 + lcg(&seed) % DW_MIN(n - 4096, (size_t)12000);
				cp[at] ^= (uint8_t)(1 + lcg(&seed) % 255);
			}
			DW_ASSERT(count_records(cp, n, &st) <= full + 64);
		}
		free(cp);
		free(img);
	}
	DW_PASS();
}

DW_TEST(evtx_garbage)
{
	uint64_t seed = 7;
	struct dw_evtx_stats st;
	static const char heads[3][8] = {"ElfFile", "ElfChnk", "**\0\0\0\0\0"};

	DW_ASSERT_EQ_INT(count_records(NULL, 0, &st), 0);
	DW_ASSERT_EQ_INT(st.bad_file_header, 1);
	for (int round = 0; round < 200; round++) {
		size_t n = lcg(&seed) % 70000;
		uint8_t *b = malloc(n ? n : 1);
		DW_ASSERT(b != NULL);
		for (size_t i = 0; i < n; i++)
			b[i] = (uint8_t)(round % 2 ? lcg(&seed) : lcg(&seed) % 3 == 0 ? 0x2a : 0);
		if (n >= 8)
			memcpy(b, heads[round % 3], 8);
		DW_ASSERT(count_records(b, n, &st) >= 0);
		free(b);
	}
	DW_ASSERT(dw_evtx_is((const uint8_t *)"ElfFile\0xxxx", 12));
	DW_ASSERT(!dw_evtx_is((const uint8_t *)"ElfChnk\0xxxx", 12));
	DW_ASSERT(!dw_evtx_is((const uint8_t *)"ElfFile", 7));
	DW_PASS();
}

DW_TEST(evtx_utf16_simd_scalar)
{
	uint64_t seed = 99;
	static const uint16_t pool[] = {'a', 'Z', '0', ' ', 0x7f, 0x80, 0xe9, 0x20ac, 0xd83d,
					0xde00, 0xdc00, 0xffff, 0};

	for (int round = 0; round < 3000; round++) {
		size_t n = lcg(&seed) % 80;
		uint8_t s[160];
		char a[240], b[240];
		size_t ka, kb;
		int ascii = round % 3 != 0;
		for (size_t i = 0; i < n; i++) {
			uint16_t c = ascii && lcg(&seed) % 40 ? (uint16_t)(0x20 + lcg(&seed) % 95)
							      : pool[lcg(&seed) % DW_ARRAY_LEN(pool)];
			s[2 * i] = (uint8_t)c;
			s[2 * i + 1] = (uint8_t)(c >> 8);
		}
		ka = dw_binval_utf16(s, n, a, 1);
		kb = dw_binval_utf16(s, n, b, 0);
		DW_ASSERT_EQ_INT(ka, kb);
		DW_ASSERT(memcmp(a, b, ka) == 0);
		DW_ASSERT(ka <= 3 * n);
	}
	DW_PASS();
}

/* EventData of unmapped events is skipped unless all mode asks for it. */
DW_TEST(evtx_lazy_eventdata)
{
	size_t n;
	uint8_t *img = sample("share-admin-sliver-5140.evtx", &n);
	struct dw_evtx *x;
	struct dw_evtx_stats st;
	long k = 0;

	DW_ASSERT(img != NULL);
	DW_ASSERT(dw_evtx_open(&x, img, n) == DW_OK);
	while (dw_evtx_next(x, on_count, &k))
		;
	dw_evtx_get_stats(x, &st);
	dw_evtx_free(x);
	/* 5140 x264 and 4624 x10 are mapped: the other 254 records skip EventData */
	DW_ASSERT_EQ_INT(st.data_skipped, 528 - 264 - 10);
	DW_ASSERT(dw_evtx_open(&x, img, n) == DW_OK);
	dw_evtx_set_all(x, 1);
	while (dw_evtx_next(x, on_count, &k))
		;
	dw_evtx_get_stats(x, &st);
	DW_ASSERT_EQ_INT(st.data_skipped, 0);
	DW_ASSERT(dw_evtx_memuse(x) > 0 && dw_evtx_memuse(x) < (4u << 20));
	dw_evtx_free(x);
	free(img);
	DW_PASS();
}
