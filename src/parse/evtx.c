/*
 * evtx.c - the .evtx container: file header, 64 KiB chunk slots, event
 * record framing, damage accounting, and the normalised event of each
 * record (its BinXML is binxml.c's). See evtx.h for the layout and the
 * damage rules.
 *
 * Invariants: every read is bounded by the slot (the image may end inside
 * one); nothing is allocated after dw_evtx_open (the decoder's buffers are
 * fixed, see binxml.c: about 1.9 MiB); one slot is decoded per
 * dw_evtx_next or dw_evtx_slot call, so a caller can stop or interleave
 * between chunks, or (dw_evtx_slot) spread them over threads with a
 * decoder each: a slot's decoding reads only the image and its decoder.
 *
 * Cost: per chunk the header CRC (504 bytes) and the event-records CRC
 * (zlib's crc32 over up to 65024 bytes), a memmem over the slack; per
 * record the framing checks and dw_binxml_record().
 */
#include "binval.h"
#include "evtx.h"

#include <stdlib.h>
#include <zlib.h>

#define FILE_HDR 4096
#define CHUNK 65536
#define CHUNK_HDR 512
#define REC_MIN 28 /* magic, size, number, time, size copy */

struct dw_evtx {
	const uint8_t *p;
	size_t n;
	size_t base;     /* offset of slot 0 */
	size_t nslots;
	size_t next;     /* slots visited */
	size_t wrap_first, wrap_count; /* wrapped log: visit slots first..count-1, 0..first-1 */
	const char *file;
	struct dw_binxml *bx;
	struct dw_binxml_rec rec; /* the record being delivered */
	struct dw_evtx_stats st;
	int slack; /* deliver the records found in chunk slack */
};

int dw_evtx_is(const uint8_t *p, size_t n)
{
	return n >= 8 && memcmp(p, "ElfFile", 8) == 0;
}

/* clang-format off */
static struct dw_evtx *evtx_new(void) { return calloc(1, sizeof(struct dw_evtx)); }
/* clang-format on */

/* Points x at the image p[0..n): slot layout, wrap order, counters reset. */
static void evtx_bind(struct dw_evtx *x, const uint8_t *p, size_t n)
{
	x->p = p;
	x->n = n;
	x->base = FILE_HDR;
	x->next = 0;
	x->wrap_first = x->wrap_count = 0;
	x->file = NULL;
	memset(&x->st, 0, sizeof(x->st));
	if (n >= 8 && memcmp(p, "ElfChnk", 8) == 0) {
		x->base = 0; /* a bare chunk (carved, or a test) */
		x->st.bad_file_header = 1;
	} else if (!dw_evtx_is(p, n) || n < 128 ||
		   crc32(0L, p, 120) != dw_rd32(p + 124)) {
		x->st.bad_file_header = 1;
	}
	x->nslots = n > x->base ? (n - x->base + CHUNK - 1) / CHUNK : 0;
	if (!x->st.bad_file_header) {
		uint64_t first = dw_rd64(p + 8), last = dw_rd64(p + 16);
		uint32_t count = (uint32_t)p[42] | (uint32_t)p[43] << 8;
		if (first > last && count <= x->nslots && first < count && last < count) {
			x->wrap_first = (size_t)first;
			x->wrap_count = count;
		}
	}
}

int dw_evtx_open(struct dw_evtx **out, const uint8_t *p, size_t n)
{
	struct dw_evtx *x = evtx_new();

	*out = NULL;
	if (!x)
		return DW_ENOMEM;
	if (dw_binxml_new(&x->bx) != DW_OK) {
		free(x);
		return DW_ENOMEM;
	}
	evtx_bind(x, p, n);
	*out = x;
	return DW_OK;
}

void dw_evtx_rebind(struct dw_evtx *x, const uint8_t *p, size_t n)
{
	evtx_bind(x, p, n);
}

void dw_evtx_set_name(struct dw_evtx *x, const char *file)
{
	x->file = file;
}

void dw_evtx_set_slack(struct dw_evtx *x, int on)
{
	x->slack = on;
}

void dw_evtx_set_all(struct dw_evtx *x, int all)
{
	dw_binxml_set_all(x->bx, all);
}

void dw_evtx_free(struct dw_evtx *x)
{
	if (!x)
		return;
	dw_binxml_free(x->bx);
	free(x);
}

void dw_evtx_get_stats(const struct dw_evtx *x, struct dw_evtx_stats *st)
{
	*st = x->st;
}

size_t dw_evtx_memuse(const struct dw_evtx *x)
{
	return sizeof(*x) + dw_binxml_memuse();
}

const struct dw_win_fields *dw_evtx_fields(const struct dw_evtx *x)
{
	return &x->rec.f;
}

size_t dw_evtx_pairs(const struct dw_evtx *x, const struct dw_evtx_pair **out)
{
	*out = x->rec.pairs;
	return x->rec.npairs;
}

/* Size of a well-framed record at c+off (reads below end), or 0. */
static uint32_t frame(const uint8_t *c, size_t off, size_t end)
{
	uint32_t size;

	if (end - off < REC_MIN || memcmp(c + off, "**\0\0", 4) != 0)
		return 0;
	size = dw_rd32(c + off + 4);
	if (size < REC_MIN || size > end - off || dw_rd32(c + off + size - 4) != size)
		return 0;
	return size;
}

/* The next offset >= off, 8-aligned like off0, holding a well-framed record; end if none. */
static size_t resync(const uint8_t *c, size_t off0, size_t off, size_t end)
{
	while (off < end) {
		const uint8_t *m = memmem(c + off, end - off, "**\0\0", 4);
		size_t k;
		if (!m)
			return end;
		k = (size_t)(m - c);
		if ((k - off0) % 8 == 0 && frame(c, k, end))
			return k;
		off = k + 1;
	}
	return end;
}

static int all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

#define FT_EPOCH 116444736000000000ULL

/* One record: decode and deliver. */
static void record(struct dw_evtx *x, const uint8_t *c, size_t off, uint32_t size,
		   int recovered, dw_event_fn fn, void *ctx)
{
	struct dw_binxml_rec *r = &x->rec;
	struct dw_event e;
	int rc = dw_binxml_record(x->bx, (uint32_t)off + 24, size - REC_MIN, r);

	if (rc != DW_BX_OK) {
		x->st.bad_binxml++;
		if (rc == DW_BX_TEMPLATE)
			x->st.bad_template++;
		else if (rc == DW_BX_LIMIT)
			x->st.limit++;
		return;
	}
	dw_event_clear(&e);
	if (r->has_time) {
		e.ts = r->ts;
		e.ts_prec = r->ts_prec;
	} else {
		uint64_t ft = dw_rd64(c + off + 16);
		if (ft < FT_EPOCH || ft - FT_EPOCH > (uint64_t)INT64_MAX / 100 - 1) {
			x->st.bad_time++;
			return;
		}
		x->st.no_system_time++;
		e.ts = (int64_t)(ft - FT_EPOCH) * 100;
		e.ts_prec = 7;
	}
	e.host = dw_slice_make(r->host.p, DW_MIN(r->host.n, (size_t)255));
	if (r->has_eid) {
		e.event_id = r->event_id;
		e.has |= DW_EV_HAS_EVENT_ID;
	} else {
		x->st.no_event_id++;
	}
	e.record_id = r->has_rid ? r->record_id : dw_rd64(c + off + 8);
	e.has |= DW_EV_HAS_RECORD_ID | DW_EV_HAS_LINE | DW_EV_HAS_OFFSET;
	e.file = x->file;
	e.line = e.record_id;
	e.offset = (uint64_t)(c - x->p) + off;
	dw_wincodes_fill(&e, r->has_eid ? r->event_id : 0, &r->f);
	x->st.records++;
	x->st.recovered_records += (uint64_t)recovered;
	x->st.data_skipped += r->data_skipped;
	fn(ctx, &e);
}

/* Records of c[512..end), delivered; recovered = the chunk header was not trusted. */
static void records(struct dw_evtx *x, const uint8_t *c, size_t end, int recovered,
		    dw_event_fn fn, void *ctx)
{
	size_t off = CHUNK_HDR;

	while (off < end) {
		uint32_t size = frame(c, off, end);
		size_t next;
		if (size) {
			record(x, c, off, size, recovered, fn, ctx);
			off += size;
			continue;
		}
		next = resync(c, CHUNK_HDR, off + 1, end);
		/* in an untrusted chunk a run of zeros is just the end of the records */
		if (!recovered || !all_zero(c + off, DW_MIN(end - off, (size_t)8)))
			x->st.bad_record++;
		off = next;
	}
}

/*
 * Valid records in the slack c[from..len): counted; with slack on also
 * decoded and delivered (older generations of a reused chunk: history a
 * cleared or wrapped log still holds; their templates may be gone, then
 * they count as bad_binxml).
 */
static void slack(struct dw_evtx *x, const uint8_t *c, size_t from, size_t len, dw_event_fn fn,
		  void *ctx)
{
	size_t off = resync(c, CHUNK_HDR, from + ((8 - (from - CHUNK_HDR) % 8) % 8), len);

	while (off < len) {
		uint32_t size = frame(c, off, len);
		x->st.slack_records++;
		if (x->slack) {
			uint64_t before = x->st.records;
			record(x, c, off, size, 0, fn, ctx);
			x->st.slack_delivered += x->st.records - before;
		}
		off = resync(c, CHUNK_HDR, off + size, len);
	}
}

static void chunk(struct dw_evtx *x, const uint8_t *c, size_t len, dw_event_fn fn, void *ctx)
{
	uint32_t crc, free_off;

	if (len < CHUNK)
		x->st.truncated_chunk++;
	dw_binxml_chunk(x->bx, c, len);
	if (len < 8 || memcmp(c, "ElfChnk", 8) != 0) {
		if (len <= CHUNK_HDR || resync(c, CHUNK_HDR, CHUNK_HDR, len) >= len) {
			if (all_zero(c, len))
				x->st.empty_slots++;
			else
				x->st.bad_chunk_magic++;
			return;
		}
		x->st.bad_chunk_magic++;
		x->st.chunks++;
		records(x, c, len, 1, fn, ctx);
		return;
	}
	x->st.chunks++;
	if (len < CHUNK_HDR)
		return;
	crc = (uint32_t)crc32(0L, c, 120);
	crc = (uint32_t)crc32(crc, c + 128, CHUNK_HDR - 128);
	free_off = dw_rd32(c + 48);
	if (crc != dw_rd32(c + 124) || free_off < CHUNK_HDR || free_off > len) {
		x->st.bad_chunk_crc++;
		records(x, c, len, 1, fn, ctx);
		return;
	}
	if ((uint32_t)crc32(0L, c + CHUNK_HDR, free_off - CHUNK_HDR) != dw_rd32(c + 52))
		x->st.bad_data_crc++;
	records(x, c, free_off, 0, fn, ctx);
	slack(x, c, free_off, len, fn, ctx);
}

size_t dw_evtx_slots(const struct dw_evtx *x)
{
	return x->nslots;
}

/* File offset of slot k of the visiting order (k < nslots). */
static size_t slot_off(const struct dw_evtx *x, size_t k)
{
	if (x->wrap_count && k < x->wrap_count)
		k = (x->wrap_first + k) % x->wrap_count;
	return x->base + k * CHUNK;
}

size_t dw_evtx_slot_offset(const struct dw_evtx *x, size_t k)
{
	return k < x->nslots ? slot_off(x, k) : x->n;
}

void dw_evtx_slot(struct dw_evtx *x, size_t k, dw_event_fn fn, void *ctx)
{
	size_t off;

	if (k >= x->nslots)
		return;
	off = slot_off(x, k);
	chunk(x, x->p + off, DW_MIN((size_t)CHUNK, x->n - off), fn, ctx);
}

int dw_evtx_next(struct dw_evtx *x, dw_event_fn fn, void *ctx)
{
	if (x->next >= x->nslots)
		return 0;
	dw_evtx_slot(x, x->next++, fn, ctx);
	return 1;
}
