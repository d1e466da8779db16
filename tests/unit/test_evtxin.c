/*
 * test_evtxin.c - .evtx inputs decoded by a pool of threads (src/cli/evtxin.c,
 * compiled in here with a 3 KiB string arena per slot, so that many slots
 * overflow their buffer and take the decode-again path): for every file of
 * ../shared/data/evtx and a file of their chunks three times over, the
 * events (as JSON), the decoder counters and the events-by-action counters
 * are those of the threadless path, with 2, 3 and 5 threads; several inputs
 * open at once on one pool and read in turns give each the events it gives
 * alone; an input closed early, helpers still busy, counts exactly the
 * slots it delivered; and dw_evtx_slot() in any order matches dw_evtx_next.
 */
#define DW_EVTXIN_SLOT_STRINGS ((size_t)3072)
#include "../../src/cli/evtxin.c"
#include "../../src/cli/summary.c"

#include <dirent.h>
#include <stdio.h>

#include "../test.h"

#define MAXF 64

struct got {
	struct dw_sb json;
	struct dw_evtx_stats st;
	struct dw_parse_stats ps;
	size_t redone;
};

static void on_json(void *ctx, const struct dw_event *e)
{
	struct dw_sb *sb = ctx;

	dw_event_json(e, sb);
	dw_sb_putc(sb, '\n');
}

static void got_init(struct got *g)
{
	memset(g, 0, sizeof(*g));
	dw_sb_init(&g->json, (size_t)1 << 28);
}

static void got_end(struct got *g, struct dw_evtxin *x)
{
	dw_evtxin_stats(x, &g->st);
	g->ps = *dw_evtxin_parse_stats(x);
	g->redone += x->redone;
	dw_evtxin_free(x);
}

/* Reads path through evtxin (pool may be NULL), at most max slots. */
static int read_all(const char *path, struct dw_evtxpool *pool, size_t max, struct got *g)
{
	struct dw_evtxin *x;
	int e;

	got_init(g);
	if (dw_evtxin_open(&x, path, pool, &e) != DW_OK)
		return -1;
	for (size_t k = 0; k < max && dw_evtxin_next(x, on_json, &g->json); k++)
		;
	got_end(g, x);
	return 0;
}

static int same(const struct got *a, const struct got *b)
{
	return a->json.n == b->json.n && (!a->json.n || memcmp(a->json.p, b->json.p, a->json.n) == 0) &&
	       memcmp(&a->st, &b->st, sizeof(a->st)) == 0 &&
	       memcmp(&a->ps, &b->ps, sizeof(a->ps)) == 0;
}

/* The sample files' paths, and a file of all their chunks three times (in tmpdir). */
static size_t inputs(char (*path)[700])
{
	char dir[400];
	struct dirent **ents;
	int n;
	size_t k = 0;

	snprintf(dir, sizeof(dir), "%s/data/evtx", dw_test_shared());
	n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);
		if (k < MAXF - 1 && l > 5 && strcmp(ents[i]->d_name + l - 5, ".evtx") == 0)
			snprintf(path[k++], 700, "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	if (k) {
		FILE *out;
		uint8_t hdr[4096];
		size_t nch = 0;
		snprintf(path[k], 700, "%s/evtxin-big.evtx", dw_test_tmpdir());
		out = fopen(path[k], "wb");
		if (!out)
			return k;
		memset(hdr, 0, sizeof(hdr));
		fwrite(hdr, 1, sizeof(hdr), out); /* a header of zeros: slots read from 4 KiB */
		for (int r = 0; r < 3; r++)
			for (size_t i = 0; i < k; i++) {
				FILE *f = fopen(path[i], "rb");
				static uint8_t c[65536];
				if (!f)
					continue;
				fseek(f, 4096, SEEK_SET);
				while (fread(c, 1, sizeof(c), f) == sizeof(c))
					if (memcmp(c, "ElfChnk", 8) == 0 && fwrite(c, 1, sizeof(c), out))
						nch++;
				fclose(f);
			}
		fclose(out);
		if (nch)
			k++;
	}
	return k;
}

DW_TEST(evtxin_threads_same_events)
{
	static char path[MAXF][700];
	size_t n = inputs(path), redone = 0;
	int threads[3] = {2, 3, 5};

	DW_ASSERT(n >= 2);
	for (size_t i = 0; i < n; i++) {
		struct got one, many;
		DW_ASSERT(read_all(path[i], NULL, SIZE_MAX, &one) == 0);
		DW_ASSERT(one.st.records > 0);
		for (int t = 0; t < 3; t++) {
			struct dw_evtxpool *pool;
			DW_ASSERT(dw_evtxpool_new(&pool, threads[t]) == DW_OK && pool);
			DW_ASSERT(read_all(path[i], pool, SIZE_MAX, &many) == 0);
			dw_evtxpool_free(pool);
			redone += many.redone;
			DW_ASSERT(same(&one, &many));
			dw_sb_free(&many.json);
		}
		dw_sb_free(&one.json);
	}
	DW_ASSERT(redone > 0); /* the overflow path was taken */
	return 0;
}

DW_TEST(evtxin_threads_interleaved_inputs)
{
	static char path[MAXF][700];
	static struct got solo[MAXF], mixed[MAXF];
	struct dw_evtxin *x[MAXF];
	struct dw_evtxpool *pool;
	size_t n = inputs(path), open = 0;
	int e;

	DW_ASSERT(n >= 2);
	DW_ASSERT(dw_evtxpool_new(&pool, 3) == DW_OK && pool);
	for (size_t i = 0; i < n; i++) {
		DW_ASSERT(read_all(path[i], NULL, SIZE_MAX, &solo[i]) == 0);
		got_init(&mixed[i]);
		DW_ASSERT(dw_evtxin_open(&x[i], path[i], pool, &e) == DW_OK);
		open++;
	}
	/* one slot of each open input in turn, the last file first */
	while (open)
		for (size_t j = n; j-- > 0;)
			if (x[j] && !dw_evtxin_next(x[j], on_json, &mixed[j].json)) {
				got_end(&mixed[j], x[j]);
				x[j] = NULL;
				open--;
			}
	dw_evtxpool_free(pool);
	for (size_t i = 0; i < n; i++) {
		DW_ASSERT(same(&solo[i], &mixed[i]));
		dw_sb_free(&solo[i].json);
		dw_sb_free(&mixed[i].json);
	}
	return 0;
}

DW_TEST(evtxin_threads_close_early)
{
	static char path[MAXF][700];
	size_t n = inputs(path);

	DW_ASSERT(n >= 2);
	for (size_t stop = 0; stop < 6; stop++) {
		struct got one, many;
		struct dw_evtxpool *pool;
		DW_ASSERT(dw_evtxpool_new(&pool, 5) == DW_OK);
		DW_ASSERT(read_all(path[n - 1], NULL, stop, &one) == 0);
		DW_ASSERT(read_all(path[n - 1], pool, stop, &many) == 0);
		/* a second input on the same pool after the first closed early */
		dw_sb_free(&many.json);
		DW_ASSERT(read_all(path[n - 1], pool, stop, &many) == 0);
		dw_evtxpool_free(pool);
		DW_ASSERT(same(&one, &many));
		DW_ASSERT(one.st.chunks <= stop);
		dw_sb_free(&one.json);
		dw_sb_free(&many.json);
	}
	return 0;
}

DW_TEST(evtx_slot_any_order)
{
	static char path[MAXF][700];
	size_t n = inputs(path);
	struct dw_sb a, b, *per;
	struct dw_evtx *x, *y;
	struct dw_evtx_stats sx, sy, sum;
	uint8_t *img;
	size_t len, ns;
	FILE *f;

	DW_ASSERT(n >= 2);
	f = fopen(path[n - 1], "rb");
	DW_ASSERT(f);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	img = malloc(len);
	DW_ASSERT(img && fread(img, 1, len, f) == len);
	fclose(f);
	dw_sb_init(&a, (size_t)1 << 28);
	dw_sb_init(&b, (size_t)1 << 28);
	DW_ASSERT(dw_evtx_open(&x, img, len) == DW_OK);
	while (dw_evtx_next(x, on_json, &a))
		;
	dw_evtx_get_stats(x, &sx);
	/* slots decoded last to first by a decoder first bound to another image */
	DW_ASSERT(dw_evtx_open(&y, (const uint8_t *)"ElfChnk", 8) == DW_OK);
	dw_evtx_rebind(y, img, len);
	ns = dw_evtx_slots(y);
	DW_ASSERT(ns == dw_evtx_slots(x) && ns > 10);
	DW_ASSERT(dw_evtx_slot_offset(y, 0) == 4096 && dw_evtx_slot_offset(y, ns) == len);
	per = calloc(ns, sizeof(*per));
	DW_ASSERT(per);
	for (size_t k = ns; k-- > 0;) {
		dw_sb_init(&per[k], (size_t)1 << 24);
		dw_evtx_slot(y, k, on_json, &per[k]);
	}
	for (size_t k = 0; k < ns; k++) {
		dw_sb_put(&b, per[k].p, per[k].n);
		dw_sb_free(&per[k]);
	}
	free(per);
	dw_evtx_get_stats(y, &sy);
	memset(&sum, 0, sizeof(sum));
	dw_cli_add_evtx(&sum, &sy);
	DW_ASSERT(a.n == b.n && memcmp(a.p, b.p, a.n) == 0);
	DW_ASSERT(memcmp(&sx, &sum, sizeof(sx)) == 0);
	DW_ASSERT(!dw_evtx_next(x, on_json, &a));
	dw_evtx_free(x);
	dw_evtx_free(y);
	dw_sb_free(&a);
	dw_sb_free(&b);
	free(img);
	return 0;
}
