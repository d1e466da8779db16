/*
 * binxml.c - EVTX Binary XML -> the fields dwell reads, never rendering
 * XML. Format: libyal's "Windows XML Event Log (EVTX) format" and
 * [MS-EVEN6] BinXml (tokens 0x00-0x0f, 0x40 = "more data" flag; names
 * and templates stored once per chunk and referenced by chunk offset).
 *
 * Model. Every walk over BinXML tokens ("compile") turns them into a plan:
 * a list of items, each one fact dwell wants - Provider@Name, EventID,
 * TimeCreated@SystemTime, EventRecordID, Channel, Computer, one
 * EventData <Data Name=N>V</Data> or UserData leaf - whose name and value
 * are lists of parts: literal UTF-8 text or "substitution #k". Elements
 * dwell does not read produce nothing. A substitution standing where
 * elements could be (the content of Event, System, EventData, UserData)
 * becomes a NESTED item (its value may be BinXML, type 0x21, decoded in
 * that context), a template instance an INSTANCE item. A template body is
 * compiled once per chunk and context and cached (key: definition offset
 * and context); a record then costs one pass over its substitution
 * descriptors plus the items: the EventID, time, ids and names are read
 * from the substitution values directly (integers and FILETIME without
 * text), strings converted UTF-16 -> UTF-8 (ASCII fast path, SSE2 with a
 * scalar twin). Records without templates (inline BinXML, as WEF writes
 * some) are compiled on the fly into per-record scratch.
 *
 * Laziness. Items are evaluated in document order, so System comes first:
 * when the first EventData/UserData item is reached and the EventID is not
 * one dwell_wincodes_fill maps (or the provider is not the Security
 * auditing one), the rest is skipped (rec.data_skipped); in "all" mode
 * (tests, the oracle dump) every pair is decoded.
 *
 * Dependency ids. In template bodies an element start carries a 2-byte
 * dependency id; in inline BinXML and in BinXML values it may not. Each
 * element start is read both ways and the reading whose name offset points
 * right after the header (a name defined in place), else at a readable
 * earlier name whose hash matches, wins; ties go to the context's default.
 *
 * Bounds. Every read is checked against the current walk's end (record,
 * value or template body) or the chunk; element nesting <= 48 per walk;
 * BinXML values and template instances nest <= 8 deep; <= 512 templates
 * and <= 4 MiB of template bytes compiled per chunk; <= 4096 substitution
 * values live at once; <= 65536 item evaluations per record. Exceeding one
 * makes the record fail with DW_BX_LIMIT; nothing is ever read out of
 * bounds and nothing recurses without a depth count.
 *
 * Memory (fixed at dw_binxml_new): two arenas of 8192 items (40 B), 16384
 * parts (16 B) and 256 KiB of text - one per chunk (cached plans), one per
 * record (inline BinXML, nested values) - 1.3 MiB; 512 KiB of output
 * text; 4096 values (8 B); 1024 pairs (32 B); 1024 cache slots (16 B):
 * about 1.9 MiB in all.
 */
#include "binxml.h"

#include <stdio.h>
#include <stdlib.h>

#include "../core/tm.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define MAX_DEPTH 48
#define MAX_NEST 8
#define MAX_TEMPLATES 512
#define CACHE_SLOTS 1024
#define COMPILE_BUDGET (4u << 20)
#define VALS_CAP 4096
#define PAIRS_CAP 1024
#define OUT_CAP (512u * 1024)
#define WORK_CAP 65536
#define AR_ITEMS 8192
#define AR_PARTS 16384
#define AR_TEXT (256u * 1024)

/* internal result: the arena is full (compile again elsewhere) */
#define BX_FULL 4

/* Roles of elements (and contexts of walks). */
enum {
	R_DOC = 0,   /* outside any element */
	R_EVENT,     /* the root */
	R_SYSTEM,
	R_EVENTDATA,
	R_USERDATA,
	R_USERWRAP,  /* UserData's one child */
	R_IGNORE,
	R_PROVIDER,
	R_EVENTID,
	R_TIMECREATED,
	R_RECID,
	R_CHANNEL,
	R_COMPUTER,
	R_DATA,
	R_USERFIELD, /* a child of UserData's child */
};

enum {
	I_PROVIDER = 1,
	I_EVENTID,
	I_TIME,
	I_RECID,
	I_CHANNEL,
	I_COMPUTER,
	I_DATA,
	I_NESTED,
	I_INSTANCE,
};

enum { P_LIT = 0, P_SUB, P_OPT };

struct part {
	const char *p; /* P_LIT: UTF-8 text */
	uint32_t n;
	uint16_t sub;  /* P_SUB, P_OPT: substitution index */
	uint8_t kind;
	uint8_t pad;
};

struct item {
	uint8_t kind;
	uint8_t ctx;     /* I_NESTED, I_INSTANCE: role of the enclosing element */
	int16_t field;   /* I_DATA: DW_WINF_* of a literal name; -1 none; -2 name not literal */
	uint16_t sub;    /* I_NESTED: substitution index */
	uint8_t rec;     /* compiled into the record arena (else the chunk arena) */
	uint8_t pad;
	uint32_t name0, nname, val0, nval; /* parts */
	uint32_t pos, lim, def; /* I_INSTANCE: its data, the end of its walk, its definition */
};

struct arena {
	struct item *it;
	uint32_t nit;
	struct part *pt;
	uint32_t npt;
	char *tx;
	uint32_t ntx;
};

struct val {
	uint32_t off;
	uint16_t size;
	uint8_t type;
	uint8_t pad;
};

struct slot {
	uint32_t gen;
	uint32_t key;   /* def << 4 | ctx */
	uint32_t item0, nit; /* nit == UINT32_MAX: compile failed */
};

struct dw_binxml {
	const uint8_t *c;
	uint32_t n;
	uint32_t gen;
	uint32_t ntemplates;
	uint32_t budget;
	int all;
	struct arena ch, rec;
	struct slot cache[CACHE_SLOTS];
	char *out;
	uint32_t nout;
	struct val *vals;
	uint32_t nvals;
	struct dw_evtx_pair *pairs;
	uint32_t npairs;
};

struct walk {
	struct dw_binxml *b;
	const uint8_t *c;
	uint32_t end;
	struct arena *a;
	int dep; /* default: element starts carry a dependency id */
};

struct ev {
	struct dw_binxml *b;
	struct dw_binxml_rec *r;
	int want;        /* -1 undecided, 0 skip EventData, 1 decode it */
	uint8_t eid_tried, rid_tried, time_tried, host_tried;
	uint32_t work;
};

static inline uint16_t rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* ---- UTF-16 -> UTF-8 ---------------------------------------------------- */

static size_t put_cp(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Scalar conversion of s[i..n) chars, appending at out+k; stops at NUL. */
static size_t utf16_tail(const uint8_t *s, size_t i, size_t n, char *out, size_t k)
{
	while (i < n) {
		uint32_t c = rd16(s + 2 * i);
		if (c == 0)
			break;
		i++;
		if (c < 0x80) {
			out[k++] = (char)c;
			continue;
		}
		if (c >= 0xd800 && c <= 0xdbff && i < n) {
			uint32_t d = rd16(s + 2 * i);
			if (d >= 0xdc00 && d <= 0xdfff) {
				i++;
				k += put_cp(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), out + k);
				continue;
			}
		}
		if (c >= 0xd800 && c <= 0xdfff)
			c = 0xfffd;
		k += put_cp(c, out + k);
	}
	return k;
}

size_t dw_binxml_utf16(const uint8_t *s, size_t n, char *out, int simd)
{
	size_t i = 0, k = 0;

	if (simd) {
#if defined(__SSE2__)
		const __m128i hi = _mm_set1_epi16((short)0xff80), z = _mm_setzero_si128();
		while (i + 8 <= n) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 2 * i));
			__m128i ascii = _mm_cmpeq_epi16(_mm_and_si128(v, hi), z);
			__m128i nul = _mm_cmpeq_epi16(v, z);
			if (_mm_movemask_epi8(_mm_andnot_si128(nul, ascii)) != 0xffff)
				break;
			_mm_storel_epi64((__m128i *)(void *)(out + k), _mm_packus_epi16(v, v));
			i += 8;
			k += 8;
		}
#else
		while (i + 4 <= n) {
			uint64_t w = rd64(s + 2 * i);
			if ((w & 0xff80ff80ff80ff80ULL) || !(w & 0xffffULL) ||
			    !(w & 0xffff0000ULL) || !(w & 0xffff00000000ULL) ||
			    !(w & 0xffff000000000000ULL))
				break;
			out[k] = (char)w;
			out[k + 1] = (char)(w >> 16);
			out[k + 2] = (char)(w >> 32);
			out[k + 3] = (char)(w >> 48);
			i += 4;
			k += 4;
		}
#endif
	}
	return utf16_tail(s, i, n, out, k);
}

/* ---- arenas and output ------------------------------------------------ */

static int arena_new(struct arena *a)
{
	a->it = malloc(sizeof(*a->it) * AR_ITEMS);
	a->pt = malloc(sizeof(*a->pt) * AR_PARTS);
	a->tx = malloc(AR_TEXT);
	a->nit = a->npt = a->ntx = 0;
	return a->it && a->pt && a->tx ? DW_OK : DW_ENOMEM;
}

static void arena_free(struct arena *a)
{
	free(a->it);
	free(a->pt);
	free(a->tx);
}

int dw_binxml_new(struct dw_binxml **out)
{
	struct dw_binxml *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (!b)
		return DW_ENOMEM;
	if (arena_new(&b->ch) || arena_new(&b->rec))
		goto fail;
	b->out = malloc(OUT_CAP);
	b->vals = malloc(sizeof(*b->vals) * VALS_CAP);
	b->pairs = malloc(sizeof(*b->pairs) * PAIRS_CAP);
	if (!b->out || !b->vals || !b->pairs)
		goto fail;
	*out = b;
	return DW_OK;
fail:
	dw_binxml_free(b);
	return DW_ENOMEM;
}

void dw_binxml_free(struct dw_binxml *b)
{
	if (!b)
		return;
	arena_free(&b->ch);
	arena_free(&b->rec);
	free(b->out);
	free(b->vals);
	free(b->pairs);
	free(b);
}

void dw_binxml_set_all(struct dw_binxml *b, int all)
{
	b->all = all;
}

void dw_binxml_chunk(struct dw_binxml *b, const uint8_t *c, size_t n)
{
	b->c = c;
	b->n = (uint32_t)DW_MIN(n, (size_t)65536);
	b->gen++;
	if (b->gen == 0) { /* wrapped: clear the stale stamps */
		memset(b->cache, 0, sizeof(b->cache));
		b->gen = 1;
	}
	b->ntemplates = 0;
	b->budget = COMPILE_BUDGET;
	b->ch.nit = b->ch.npt = b->ch.ntx = 0;
}

size_t dw_binxml_templates(const struct dw_binxml *b)
{
	return b->ntemplates;
}

size_t dw_binxml_memuse(void)
{
	return sizeof(struct dw_binxml) +
	       2 * (AR_ITEMS * sizeof(struct item) + AR_PARTS * sizeof(struct part) + AR_TEXT) +
	       OUT_CAP + VALS_CAP * sizeof(struct val) + PAIRS_CAP * sizeof(struct dw_evtx_pair);
}

/* Room for need more output bytes, or NULL. */
static char *out_room(struct dw_binxml *b, size_t need)
{
	if (need > OUT_CAP - b->nout)
		return NULL;
	return b->out + b->nout;
}

/* ---- names -------------------------------------------------------------- */

static int name_is(const uint8_t *s, uint32_t n, const char *lit, uint32_t ln)
{
	if (n != ln)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		if (s[2 * i] != (uint8_t)lit[i] || s[2 * i + 1] != 0)
			return 0;
	return 1;
}

#define NAME_IS(s, n, lit) name_is(s, n, lit, sizeof(lit) - 1)

static uint16_t name_hash(const uint8_t *s, uint32_t n)
{
	uint32_t h = 0;

	for (uint32_t i = 0; i < n; i++)
		h = h * 65599u + rd16(s + 2 * i);
	return (uint16_t)h;
}

/*
 * How well a name offset fits an element or attribute header ending at q
 * (started at start): 3 defined in place, 2 an earlier name with the right
 * hash, 1 a readable name, 0 unreadable.
 */
static int name_score(const struct walk *w, uint32_t off, uint32_t q, uint32_t start)
{
	const uint8_t *c = w->c;
	uint32_t cnt;

	if (off == q) {
		if (q > w->end || w->end - q < 8)
			return 0;
		cnt = rd16(c + q + 6);
		return (w->end - q - 8) / 2 >= (uint32_t)cnt + 1 ? 3 : 0;
	}
	if (off >= w->b->n || w->b->n - off < 8)
		return 0;
	cnt = rd16(c + off + 6);
	if ((w->b->n - off - 8) / 2 < cnt)
		return 0;
	if (off < start && name_hash(c + off + 8, cnt) == rd16(c + off + 4))
		return 2;
	return 1;
}

/*
 * The name at chunk offset off; if it is defined in place (off == *q) *q
 * moves past it. Returns DW_BX_OK or DW_BX_BAD.
 */
static int name_at(const struct walk *w, uint32_t off, uint32_t *q, const uint8_t **s,
		   uint32_t *cnt)
{
	const uint8_t *c = w->c;
	uint32_t n;

	if (off == *q) {
		if (off > w->end || w->end - off < 8)
			return DW_BX_BAD;
		n = rd16(c + off + 6);
		if ((w->end - off - 8) / 2 < n + 1)
			return DW_BX_BAD;
		*q = off + 8 + 2 * n + 2;
	} else {
		if (off >= w->b->n || w->b->n - off < 8)
			return DW_BX_BAD;
		n = rd16(c + off + 6);
		if ((w->b->n - off - 8) / 2 < n)
			return DW_BX_BAD;
	}
	*s = c + off + 8;
	*cnt = n;
	return DW_BX_OK;
}

/* Role of a child element called s (n chars) of an element of role parent. */
static int role_of(int parent, const uint8_t *s, uint32_t n)
{
	switch (parent) {
	case R_DOC:
		return R_EVENT;
	case R_EVENT:
		if (NAME_IS(s, n, "System"))
			return R_SYSTEM;
		if (NAME_IS(s, n, "EventData"))
			return R_EVENTDATA;
		if (NAME_IS(s, n, "UserData"))
			return R_USERDATA;
		return R_IGNORE;
	case R_SYSTEM:
		switch (n) {
		case 7:
			if (NAME_IS(s, n, "EventID"))
				return R_EVENTID;
			if (NAME_IS(s, n, "Channel"))
				return R_CHANNEL;
			break;
		case 8:
			if (NAME_IS(s, n, "Provider"))
				return R_PROVIDER;
			if (NAME_IS(s, n, "Computer"))
				return R_COMPUTER;
			break;
		case 11:
			if (NAME_IS(s, n, "TimeCreated"))
				return R_TIMECREATED;
			break;
		case 13:
			if (NAME_IS(s, n, "EventRecordID"))
				return R_RECID;
			break;
		default:
			break;
		}
		return R_IGNORE;
	case R_EVENTDATA:
		return NAME_IS(s, n, "Data") ? R_DATA : R_IGNORE;
	case R_USERDATA:
		return R_USERWRAP;
	case R_USERWRAP:
		return R_USERFIELD;
	default:
		return R_IGNORE;
	}
}

static int is_container(int role)
{
	return role <= R_USERWRAP;
}

/* The item kind an element of this role collects its content into (0: none). */
static int content_item(int role)
{
	switch (role) {
	case R_EVENTID:
		return I_EVENTID;
	case R_RECID:
		return I_RECID;
	case R_CHANNEL:
		return I_CHANNEL;
	case R_COMPUTER:
		return I_COMPUTER;
	case R_DATA:
	case R_USERFIELD:
		return I_DATA;
	default:
		return 0;
	}
}

/* ---- compile: tokens -> items and parts ---------------------------------- */

static int add_part(struct walk *w, int kind, uint16_t sub)
{
	struct part *p;

	if (w->a->npt >= AR_PARTS)
		return BX_FULL;
	p = &w->a->pt[w->a->npt++];
	p->kind = (uint8_t)kind;
	p->sub = sub;
	p->p = NULL;
	p->n = 0;
	return DW_BX_OK;
}

/* Appends UTF-8 text t[0..n) as a literal part (merged into a literal just before it). */
static int add_text(struct walk *w, uint32_t first_part, const char *t, size_t n)
{
	struct arena *a = w->a;
	struct part *p;

	if (n > AR_TEXT - a->ntx)
		return BX_FULL;
	if (t != a->tx + a->ntx)
		memcpy(a->tx + a->ntx, t, n);
	if (a->npt > first_part) {
		p = &a->pt[a->npt - 1];
		if (p->kind == P_LIT && p->p + p->n == a->tx + a->ntx) {
			p->n += (uint32_t)n;
			a->ntx += (uint32_t)n;
			return DW_BX_OK;
		}
	}
	if (a->npt >= AR_PARTS)
		return BX_FULL;
	p = &a->pt[a->npt++];
	p->kind = P_LIT;
	p->sub = 0;
	p->p = a->tx + a->ntx;
	p->n = (uint32_t)n;
	a->ntx += (uint32_t)n;
	return DW_BX_OK;
}

static int add_utf16(struct walk *w, uint32_t first_part, const uint8_t *s, uint32_t cnt)
{
	struct arena *a = w->a;
	size_t k;

	if ((size_t)cnt * 3 > AR_TEXT - a->ntx)
		return BX_FULL;
	k = dw_binxml_utf16(s, cnt, a->tx + a->ntx, 1);
	return add_text(w, first_part, a->tx + a->ntx, k);
}

static int add_item(struct walk *w, const struct item *it)
{
	if (w->a->nit >= AR_ITEMS)
		return BX_FULL;
	w->a->it[w->a->nit] = *it;
	w->a->it[w->a->nit].rec = w->a == &w->b->rec;
	w->a->nit++;
	return DW_BX_OK;
}

/*
 * Reads an element start at p: *nameoff and *q (after the fixed header),
 * with or without a dependency id as explained at the top.
 */
static int elem_header(const struct walk *w, uint32_t p, uint32_t *nameoff, uint32_t *q)
{
	int sa = 0, sb = 0;
	uint32_t na = 0, nb = 0;

	if (w->end - p >= 11) {
		na = rd32(w->c + p + 7);
		sa = name_score(w, na, p + 11, p);
	}
	if (w->end - p >= 9) {
		nb = rd32(w->c + p + 5);
		sb = name_score(w, nb, p + 9, p);
	}
	if (!sa && !sb)
		return DW_BX_BAD;
	if (sa > sb || (sa == sb && w->dep)) {
		*nameoff = na;
		*q = p + 11;
	} else {
		*nameoff = nb;
		*q = p + 9;
	}
	return DW_BX_OK;
}

/* A template instance at *pp: emits an I_INSTANCE item (unless ctx is ignored), skips its data. */
static int instance(struct walk *w, uint32_t *pp, int ctx)
{
	const uint8_t *c = w->c;
	uint32_t p = *pp, end = w->end, def, size, data, cnt, q, sum = 0;
	struct item it;

	if (end - p < 10)
		return DW_BX_BAD;
	def = rd32(c + p + 6);
	if (def == p + 10) {
		if (end - p < 34)
			return DW_BX_BAD;
		size = rd32(c + p + 30);
		if (size > end - (p + 34))
			return DW_BX_BAD;
		data = p + 34 + size;
	} else {
		if (def >= w->b->n || w->b->n - def < 24)
			return DW_BX_TEMPLATE;
		size = rd32(c + def + 20);
		if (size > w->b->n - def - 24)
			return DW_BX_TEMPLATE;
		data = p + 10;
	}
	if (end - data < 4)
		return DW_BX_BAD;
	cnt = rd32(c + data);
	if (cnt > (end - data - 4) / 4)
		return DW_BX_BAD;
	q = data + 4 + 4 * cnt;
	for (uint32_t i = 0; i < cnt; i++)
		sum += rd16(c + data + 4 + 4 * i);
	if (sum > end - q)
		return DW_BX_BAD;
	*pp = q + sum;
	if (ctx == R_IGNORE)
		return DW_BX_OK;
	memset(&it, 0, sizeof(it));
	it.kind = I_INSTANCE;
	it.ctx = (uint8_t)ctx;
	it.pos = data;
	it.lim = end;
	it.def = def;
	return add_item(w, &it);
}

/*
 * One text-like token at *pp (value, CDATA, character or entity reference):
 * appended as a literal part when collect, else skipped. Returns DW_BX_OK,
 * an error, or -1 if the token is not one of these.
 */
static int text_token(struct walk *w, uint32_t *pp, int collect, uint32_t first_part)
{
	const uint8_t *c = w->c;
	uint32_t p = *pp, end = w->end, cnt;
	char tmp[8];

	switch (c[p]) {
	case 0x05:
	case 0x45:
		if (end - p < 4)
			return DW_BX_BAD;
		if (c[p + 1] != 0x01)
			return DW_BX_BAD; /* only string values appear as text */
		cnt = rd16(c + p + 2);
		if ((end - p - 4) / 2 < cnt)
			return DW_BX_BAD;
		*pp = p + 4 + 2 * cnt;
		return collect ? add_utf16(w, first_part, c + p + 4, cnt) : DW_BX_OK;
	case 0x07:
	case 0x47:
		if (end - p < 3)
			return DW_BX_BAD;
		cnt = rd16(c + p + 1);
		if ((end - p - 3) / 2 < cnt)
			return DW_BX_BAD;
		*pp = p + 3 + 2 * cnt;
		return collect ? add_utf16(w, first_part, c + p + 3, cnt) : DW_BX_OK;
	case 0x08:
	case 0x48: {
		uint32_t cp;
		if (end - p < 3)
			return DW_BX_BAD;
		cp = rd16(c + p + 1);
		*pp = p + 3;
		if (!collect)
			return DW_BX_OK;
		if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		return add_text(w, first_part, tmp, put_cp(cp, tmp));
	}
	case 0x09:
	case 0x49: {
		const uint8_t *s;
		uint32_t n, q = p + 5;
		int r;
		if (end - p < 5)
			return DW_BX_BAD;
		r = name_at(w, rd32(c + p + 1), &q, &s, &n);
		if (r)
			return r;
		*pp = q;
		if (!collect)
			return DW_BX_OK;
		if (NAME_IS(s, n, "amp"))
			return add_text(w, first_part, "&", 1);
		if (NAME_IS(s, n, "lt"))
			return add_text(w, first_part, "<", 1);
		if (NAME_IS(s, n, "gt"))
			return add_text(w, first_part, ">", 1);
		if (NAME_IS(s, n, "quot"))
			return add_text(w, first_part, "\"", 1);
		if (NAME_IS(s, n, "apos"))
			return add_text(w, first_part, "'", 1);
		if ((r = add_text(w, first_part, "&", 1)) || (r = add_utf16(w, first_part, s, n)))
			return r;
		return add_text(w, first_part, ";", 1);
	}
	default:
		return -1;
	}
}

/* Processing instruction target (0x0a) or data (0x0b) at *pp: skipped. */
static int pi_token(struct walk *w, uint32_t *pp)
{
	const uint8_t *c = w->c;
	uint32_t p = *pp, end = w->end, cnt;

	if (c[p] == 0x0a) {
		const uint8_t *s;
		uint32_t n, q = p + 5;
		if (end - p < 5)
			return DW_BX_BAD;
		if (name_at(w, rd32(c + p + 1), &q, &s, &n))
			return DW_BX_BAD;
		*pp = q;
		return DW_BX_OK;
	}
	if (end - p < 3)
		return DW_BX_BAD;
	cnt = rd16(c + p + 1);
	if ((end - p - 3) / 2 < cnt)
		return DW_BX_BAD;
	*pp = p + 3 + 2 * cnt;
	return DW_BX_OK;
}

/* Which attribute of an element of this role dwell reads: 1 Data@Name, 2 Provider@Name, 3 TimeCreated@SystemTime. */
static int attr_target(int role, const uint8_t *s, uint32_t n)
{
	if ((role == R_DATA || role == R_PROVIDER) && NAME_IS(s, n, "Name"))
		return role == R_DATA ? 1 : 2;
	if (role == R_TIMECREATED && NAME_IS(s, n, "SystemTime"))
		return 3;
	return 0;
}

/* Attribute value tokens from *pp; collected as parts when collect. */
static int attr_value(struct walk *w, uint32_t *pp, int collect, uint32_t first_part)
{
	const uint8_t *c = w->c;
	int r;

	while (*pp < w->end) {
		uint8_t t = c[*pp];
		if (t == 0x0d || t == 0x0e) {
			if (w->end - *pp < 4)
				return DW_BX_BAD;
			if (collect && (r = add_part(w, t == 0x0d ? P_SUB : P_OPT, rd16(c + *pp + 1))))
				return r;
			*pp += 4;
			continue;
		}
		r = text_token(w, pp, collect, first_part);
		if (r < 0)
			return DW_BX_OK; /* not a value token: the attribute ends */
		if (r)
			return r;
	}
	return DW_BX_OK;
}

static int element(struct walk *w, uint32_t *pp, int parent, int depth);

/* Element content from *pp up to and including the end-element token. */
static int content(struct walk *w, uint32_t *pp, int role, int collect, uint32_t first_part,
		   int depth)
{
	const uint8_t *c = w->c;
	int r;

	for (;;) {
		uint8_t t;
		if (*pp >= w->end)
			return DW_BX_BAD;
		t = c[*pp];
		switch (t) {
		case 0x04:
			(*pp)++;
			return DW_BX_OK;
		case 0x01:
		case 0x41:
			if ((r = element(w, pp, role, depth + 1)))
				return r;
			break;
		case 0x0d:
		case 0x0e:
			if (w->end - *pp < 4)
				return DW_BX_BAD;
			if (collect) {
				r = add_part(w, t == 0x0d ? P_SUB : P_OPT, rd16(c + *pp + 1));
			} else if (is_container(role)) {
				struct item it;
				memset(&it, 0, sizeof(it));
				it.kind = I_NESTED;
				it.ctx = (uint8_t)role;
				it.sub = rd16(c + *pp + 1);
				r = add_item(w, &it);
			} else {
				r = DW_BX_OK;
			}
			if (r)
				return r;
			*pp += 4;
			break;
		case 0x0c:
			if ((r = instance(w, pp, is_container(role) ? role : R_IGNORE)))
				return r;
			break;
		case 0x0a:
		case 0x0b:
			if ((r = pi_token(w, pp)))
				return r;
			break;
		default:
			r = text_token(w, pp, collect, first_part);
			if (r < 0)
				return DW_BX_BAD; /* unknown token */
			if (r)
				return r;
			break;
		}
	}
}

static int element(struct walk *w, uint32_t *pp, int parent, int depth)
{
	const uint8_t *c = w->c, *nm;
	uint32_t p = *pp, nameoff, q, nc;
	uint8_t tok = c[p];
	int role, kind, r;
	struct item it;

	if (depth >= MAX_DEPTH)
		return DW_BX_LIMIT;
	if ((r = elem_header(w, p, &nameoff, &q)) || (r = name_at(w, nameoff, &q, &nm, &nc)))
		return r;
	role = role_of(parent, nm, nc);
	kind = content_item(role);
	memset(&it, 0, sizeof(it));
	it.kind = (uint8_t)kind;
	it.name0 = w->a->npt;
	if (kind && role == R_USERFIELD && (r = add_utf16(w, it.name0, nm, nc)))
		return r;
	if (tok & 0x40) {
		if (w->end - q < 4)
			return DW_BX_BAD;
		q += 4; /* attribute list size: the tokens say where it ends */
		while (q < w->end && (c[q] == 0x06 || c[q] == 0x46)) {
			const uint8_t *an;
			uint32_t anc, aq = q + 5, first;
			int tgt;
			struct item at;
			if (w->end - q < 5)
				return DW_BX_BAD;
			if ((r = name_at(w, rd32(c + q + 1), &aq, &an, &anc)))
				return r;
			q = aq;
			tgt = attr_target(role, an, anc);
			first = w->a->npt;
			if (tgt == 1 && it.nname == 0 && w->a->npt == it.name0) {
				if ((r = attr_value(w, &q, 1, first)))
					return r;
				it.nname = w->a->npt - it.name0;
				continue;
			}
			if ((r = attr_value(w, &q, tgt >= 2, first)))
				return r;
			if (tgt >= 2) {
				memset(&at, 0, sizeof(at));
				at.kind = tgt == 2 ? I_PROVIDER : I_TIME;
				at.val0 = first;
				at.nval = w->a->npt - first;
				if ((r = add_item(w, &at)))
					return r;
			}
		}
	}
	if (kind && role == R_USERFIELD)
		it.nname = 1;
	if (q >= w->end)
		return DW_BX_BAD;
	it.val0 = w->a->npt;
	if (c[q] == 0x03) {
		q++;
	} else if (c[q] == 0x02) {
		q++;
		if ((r = content(w, &q, role, kind != 0, it.val0, depth)))
			return r;
	} else {
		return DW_BX_BAD;
	}
	*pp = q;
	if (!kind)
		return DW_BX_OK;
	it.nval = w->a->npt - it.val0;
	it.field = -1;
	if (kind == I_DATA) {
		const struct part *np = &w->a->pt[it.name0];
		if (it.nname == 1 && np->kind == P_LIT)
			it.field = (int16_t)dw_wincodes_field(np->p, np->n);
		else if (it.nname)
			it.field = -2;
	}
	return add_item(w, &it);
}

/* A fragment (record, BinXML value or template body) from p: header, element(s), instance. */
static int fragment(struct walk *w, uint32_t p, int ctx)
{
	const uint8_t *c = w->c;
	int r, seen = 0;

	while (p < w->end) {
		switch (c[p]) {
		case 0x0f:
			if (w->end - p < 4)
				return DW_BX_BAD;
			p += 4;
			break;
		case 0x00:
			return DW_BX_OK;
		case 0x0c:
			if ((r = instance(w, &p, ctx)))
				return r;
			seen = 1;
			break;
		case 0x01:
		case 0x41:
			if ((r = element(w, &p, ctx, 0)))
				return r;
			seen = 1;
			break;
		case 0x0a:
		case 0x0b:
			if ((r = pi_token(w, &p)))
				return r;
			break;
		default:
			return seen ? DW_BX_OK : DW_BX_BAD;
		}
	}
	return DW_BX_OK;
}

/* ---- templates -------------------------------------------------------- */

/*
 * The compiled items of the template defined at chunk offset def, used in
 * context ctx: from the cache, or compiled now (into the chunk arena, or
 * the record arena when that is full).
 */
static int template_plan(struct dw_binxml *b, uint32_t def, int ctx, const struct item **it,
			 uint32_t *nit)
{
	uint32_t key = def << 4 | (uint32_t)ctx, h = (key * 2654435761u) >> 22, size;
	struct slot *s = NULL;
	struct walk w;
	uint32_t m_it, m_pt, m_tx;
	int r;

	for (uint32_t i = 0; i < CACHE_SLOTS; i++) {
		struct slot *t = &b->cache[(h + i) & (CACHE_SLOTS - 1)];
		if (t->gen != b->gen) {
			s = t;
			break;
		}
		if (t->key == key) {
			if (t->nit == UINT32_MAX)
				return DW_BX_TEMPLATE;
			*it = b->ch.it + t->item0;
			*nit = t->nit;
			return DW_BX_OK;
		}
	}
	if (def >= b->n || b->n - def < 24)
		return DW_BX_TEMPLATE;
	size = rd32(b->c + def + 20);
	if (size > b->n - def - 24)
		return DW_BX_TEMPLATE;
	if (!s || b->ntemplates >= MAX_TEMPLATES || size > b->budget)
		return DW_BX_LIMIT;
	b->budget -= size;
	b->ntemplates++;
	w.b = b;
	w.c = b->c;
	w.end = def + 24 + size;
	w.a = &b->ch;
	w.dep = 1;
	m_it = b->ch.nit, m_pt = b->ch.npt, m_tx = b->ch.ntx;
	r = fragment(&w, def + 24, ctx);
	if (r == BX_FULL) { /* compile it again, uncached, in the record arena */
		b->ch.nit = m_it, b->ch.npt = m_pt, b->ch.ntx = m_tx;
		m_it = b->rec.nit;
		w.a = &b->rec;
		r = fragment(&w, def + 24, ctx);
		if (r == DW_BX_OK) {
			*it = b->rec.it + m_it;
			*nit = b->rec.nit - m_it;
			return DW_BX_OK;
		}
		return r == BX_FULL ? DW_BX_LIMIT : r;
	}
	s->gen = b->gen;
	s->key = key;
	if (r) {
		b->ch.nit = m_it, b->ch.npt = m_pt, b->ch.ntx = m_tx;
		s->nit = UINT32_MAX;
		return DW_BX_TEMPLATE;
	}
	s->item0 = m_it;
	s->nit = b->ch.nit - m_it;
	*it = b->ch.it + m_it;
	*nit = s->nit;
	return DW_BX_OK;
}

/* The substitution values of the instance data at pos (its walk ended at lim). */
static int values(struct dw_binxml *b, uint32_t pos, uint32_t lim, struct val **out, uint32_t *nv)
{
	const uint8_t *c = b->c;
	uint32_t cnt, q;
	struct val *v;

	if (lim > b->n || pos > lim || lim - pos < 4)
		return DW_BX_BAD;
	cnt = rd32(c + pos);
	if (cnt > (lim - pos - 4) / 4)
		return DW_BX_BAD;
	if (cnt > VALS_CAP - b->nvals)
		return DW_BX_LIMIT;
	v = b->vals + b->nvals;
	q = pos + 4 + 4 * cnt;
	for (uint32_t i = 0; i < cnt; i++) {
		const uint8_t *d = c + pos + 4 + 4 * i;
		v[i].off = q;
		v[i].size = rd16(d);
		v[i].type = d[2];
		q += v[i].size;
	}
	if (q > lim)
		return DW_BX_BAD;
	b->nvals += cnt;
	*out = v;
	*nv = cnt;
	return DW_BX_OK;
}

/* ---- values -> text ------------------------------------------------------ */

static size_t u64_text(uint64_t v, char *o)
{
	char t[20];
	size_t n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		o[i] = t[n - 1 - i];
	return n;
}

static size_t i64_text(int64_t v, char *o)
{
	if (v < 0) {
		o[0] = '-';
		return 1 + u64_text((uint64_t)0 - (uint64_t)v, o + 1);
	}
	return u64_text((uint64_t)v, o);
}

static size_t hex_text(uint64_t v, char *o)
{
	static const char hx[] = "0123456789abcdef";
	char t[16];
	size_t n = 0;

	o[0] = '0';
	o[1] = 'x';
	do {
		t[n++] = hx[v & 15];
		v >>= 4;
	} while (v);
	for (size_t i = 0; i < n; i++)
		o[2 + i] = t[n - 1 - i];
	return 2 + n;
}

#define FT_EPOCH 116444736000000000ULL /* 1970-01-01 in FILETIME ticks */

/* FILETIME -> ns since 1970; 0 if before 1970 or past int64 ns. */
static int filetime_ns(uint64_t ft, int64_t *ns)
{
	if (ft < FT_EPOCH || ft - FT_EPOCH > (uint64_t)INT64_MAX / 100 - 1)
		return 0;
	*ns = (int64_t)(ft - FT_EPOCH) * 100;
	return 1;
}

static int systemtime_ns(const uint8_t *d, int64_t *ns)
{
	int y = rd16(d), mo = rd16(d + 2), da = rd16(d + 6), h = rd16(d + 8), mi = rd16(d + 10),
	    s = rd16(d + 12), ms = rd16(d + 14);

	if (y < 1970 || y > 2261 || mo < 1 || mo > 12 || da < 1 || da > dw_tm_mdays(y, mo) ||
	    h > 23 || mi > 59 || s > 59 || ms > 999)
		return 0;
	*ns = dw_tm_from_civil(y, mo, da, h, mi, s) * DW_NS + (int64_t)ms * 1000000;
	return 1;
}

/* Appends the text of one scalar value of type t (size bytes at d) at o; returns its length (o holds 80 bytes). */
static size_t scalar_text(int t, const uint8_t *d, size_t size, char *o)
{
	static const char HX[] = "0123456789ABCDEF";
	int64_t ns;

	switch (t) {
	case 0x03:
		return size >= 1 ? i64_text((int8_t)d[0], o) : 0;
	case 0x04:
		return size >= 1 ? u64_text(d[0], o) : 0;
	case 0x05:
		return size >= 2 ? i64_text((int16_t)rd16(d), o) : 0;
	case 0x06:
		return size >= 2 ? u64_text(rd16(d), o) : 0;
	case 0x07:
		return size >= 4 ? i64_text((int32_t)rd32(d), o) : 0;
	case 0x08:
		return size >= 4 ? u64_text(rd32(d), o) : 0;
	case 0x09:
		return size >= 8 ? i64_text((int64_t)rd64(d), o) : 0;
	case 0x0a:
		return size >= 8 ? u64_text(rd64(d), o) : 0;
	case 0x0b: {
		float f;
		if (size < 4)
			return 0;
		memcpy(&f, d, 4);
		return (size_t)snprintf(o, 80, "%g", (double)f);
	}
	case 0x0c: {
		double f;
		if (size < 8)
			return 0;
		memcpy(&f, d, 8);
		return (size_t)snprintf(o, 80, "%.15g", f);
	}
	case 0x0d:
		if (size < 1)
			return 0;
		if ((size >= 4 ? rd32(d) : d[0]) != 0) {
			memcpy(o, "true", 4);
			return 4;
		}
		memcpy(o, "false", 5);
		return 5;
	case 0x0f: {
		size_t k = 0;
		static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
		if (size < 16)
			return 0;
		o[k++] = '{';
		for (int i = 0; i < 16; i++) {
			if (i == 4 || i == 6 || i == 8 || i == 10)
				o[k++] = '-';
			o[k++] = HX[d[order[i]] >> 4];
			o[k++] = HX[d[order[i]] & 15];
		}
		o[k++] = '}';
		return k;
	}
	case 0x10:
		if (size >= 8)
			return hex_text(rd64(d), o);
		return size >= 4 ? hex_text(rd32(d), o) : 0;
	case 0x11:
		if (size < 8 || !filetime_ns(rd64(d), &ns))
			return 0;
		return dw_tm_format(ns, 7, o);
	case 0x12:
		if (size < 16 || !systemtime_ns(d, &ns))
			return 0;
		return dw_tm_format(ns, 3, o);
	case 0x14:
		return size >= 4 ? hex_text(rd32(d), o) : 0;
	case 0x15:
		return size >= 8 ? hex_text(rd64(d), o) : 0;
	default:
		return 0;
	}
}

static size_t scalar_size(int t)
{
	switch (t) {
	case 0x03:
	case 0x04:
		return 1;
	case 0x05:
	case 0x06:
		return 2;
	case 0x07:
	case 0x08:
	case 0x0b:
	case 0x0d:
	case 0x14:
		return 4;
	case 0x09:
	case 0x0a:
	case 0x0c:
	case 0x11:
	case 0x15:
		return 8;
	case 0x0f:
	case 0x12:
		return 16;
	default:
		return 0;
	}
}

/* NT SID -> "S-1-5-21-..." */
static size_t sid_text(const uint8_t *d, size_t size, char *o, size_t cap)
{
	uint64_t auth = 0;
	size_t k;
	uint32_t n;

	if (size < 8)
		return 0;
	n = d[1];
	if (size < 8 + 4 * (size_t)n || cap < 32 + 11 * (size_t)n)
		return 0;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | d[i];
	o[0] = 'S';
	o[1] = '-';
	k = 2 + u64_text(d[0], o + 2);
	o[k++] = '-';
	if (auth >> 32)
		k += hex_text(auth, o + k);
	else
		k += u64_text(auth, o + k);
	for (uint32_t i = 0; i < n; i++) {
		o[k++] = '-';
		k += u64_text(rd32(d + 8 + 4 * i), o + k);
	}
	return k;
}

/* Appends the text of value v to the output; returns DW_BX_OK (a value that does not fit is cut). */
static void render(struct dw_binxml *b, const struct val *v)
{
	const uint8_t *d = b->c + v->off;
	size_t size = v->size, k = 0;
	int t = v->type;
	char *o;

	switch (t) {
	case 0x00:
	case 0x21:
		return;
	case 0x01:
		o = out_room(b, size / 2 * 3);
		if (o)
			b->nout += (uint32_t)dw_binxml_utf16(d, size / 2, o, 1);
		return;
	case 0x02:
		o = out_room(b, size * 2);
		if (!o)
			return;
		for (size_t i = 0; i < size && d[i]; i++)
			k += put_cp(d[i], o + k); /* code page 1252 read as Latin-1 */
		b->nout += (uint32_t)k;
		return;
	case 0x0e:
		o = out_room(b, size * 2);
		if (!o)
			return;
		for (size_t i = 0; i < size; i++) {
			o[2 * i] = "0123456789ABCDEF"[d[i] >> 4];
			o[2 * i + 1] = "0123456789ABCDEF"[d[i] & 15];
		}
		b->nout += (uint32_t)(size * 2);
		return;
	case 0x13:
		o = out_room(b, 32 + 11 * 256);
		if (o)
			b->nout += (uint32_t)sid_text(d, size, o, 32 + 11 * 256);
		return;
	case 0x81:
	case 0x82: { /* arrays of strings: NUL-separated, shown joined by ", " */
		size_t w = t == 0x81 ? 2 : 1, i = 0, first = 1;
		o = out_room(b, size * 3 + 2);
		if (!o)
			return;
		while (i + w <= size) {
			size_t j = i;
			while (j + w <= size && (w == 2 ? rd16(d + j) : d[j]) != 0)
				j += w;
			if (!first && j > i) {
				o[k++] = ',';
				o[k++] = ' ';
			}
			if (j > i) {
				first = 0;
				if (w == 2)
					k += dw_binxml_utf16(d + i, (j - i) / 2, o + k, 1);
				else
					for (size_t m = i; m < j; m++)
						k += put_cp(d[m], o + k);
			}
			i = j + w;
		}
		b->nout += (uint32_t)k;
		return;
	}
	default:
		break;
	}
	if (t & 0x80) { /* arrays of scalars */
		size_t es = scalar_size(t & 0x7f);
		if (t == 0x90)
			es = size % 8 == 0 ? 8 : 4;
		if (!es)
			return;
		for (size_t i = 0; i + es <= size; i += es) {
			o = out_room(b, 84);
			if (!o)
				return;
			k = 0;
			if (i) {
				o[k++] = ',';
				o[k++] = ' ';
			}
			k += scalar_text(t == 0x90 ? 0x10 : t & 0x7f, d + i, es, o + k);
			b->nout += (uint32_t)k;
		}
		return;
	}
	o = out_room(b, 80);
	if (o)
		b->nout += (uint32_t)scalar_text(t, d, size, o);
}

/* ---- evaluation ------------------------------------------------------- */

static const char empty[1] = "";

/* The text of parts pt[0..n) with values v[0..nv). */
static struct dw_slice parts_text(struct dw_binxml *b, const struct part *pt, uint32_t n,
				  const struct val *v, uint32_t nv)
{
	uint32_t start = b->nout;

	if (n == 0)
		return dw_slice_make(empty, 0);
	if (n == 1 && pt[0].kind == P_LIT)
		return dw_slice_make(pt[0].p, pt[0].n);
	for (uint32_t i = 0; i < n; i++) {
		if (pt[i].kind == P_LIT) {
			char *o = out_room(b, pt[i].n);
			if (o) {
				memcpy(o, pt[i].p, pt[i].n);
				b->nout += pt[i].n;
			}
		} else if (pt[i].sub < nv) {
			render(b, &v[pt[i].sub]);
		}
	}
	return dw_slice_make(b->out + start, b->nout - start);
}

/* The one substitution value the parts stand for, or NULL. */
static const struct val *single_val(const struct part *pt, uint32_t n, const struct val *v,
				    uint32_t nv)
{
	if (n == 1 && pt[0].kind != P_LIT && pt[0].sub < nv)
		return &v[pt[0].sub];
	return NULL;
}

static struct dw_slice trim_ws(struct dw_slice s)
{
	while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n'))
		s.p++, s.n--;
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' ||
		       s.p[s.n - 1] == '\n'))
		s.n--;
	return s;
}

/* An unsigned number from parts: integer values directly, text parsed as decimal. */
static int parts_u64(struct dw_binxml *b, const struct part *pt, uint32_t n, const struct val *v,
		     uint32_t nv, uint64_t max, uint64_t *out)
{
	const struct val *x = single_val(pt, n, v, nv);
	const uint8_t *d;
	uint64_t u;
	int64_t s;

	if (x && x->type != 0x01 && x->type != 0x02) {
		d = b->c + x->off;
		switch (x->type) {
		case 0x04: u = x->size >= 1 ? d[0] : UINT64_MAX; break;
		case 0x06: u = x->size >= 2 ? rd16(d) : UINT64_MAX; break;
		case 0x08:
		case 0x14: u = x->size >= 4 ? rd32(d) : UINT64_MAX; break;
		case 0x0a:
		case 0x15: u = x->size >= 8 ? rd64(d) : UINT64_MAX; break;
		case 0x03: s = x->size >= 1 ? (int8_t)d[0] : -1; u = s < 0 ? UINT64_MAX : (uint64_t)s; break;
		case 0x05: s = x->size >= 2 ? (int16_t)rd16(d) : -1; u = s < 0 ? UINT64_MAX : (uint64_t)s; break;
		case 0x07: s = x->size >= 4 ? (int32_t)rd32(d) : -1; u = s < 0 ? UINT64_MAX : (uint64_t)s; break;
		case 0x09: s = x->size >= 8 ? (int64_t)rd64(d) : -1; u = s < 0 ? UINT64_MAX : (uint64_t)s; break;
		default: return DW_EINVAL;
		}
		if (u > max || (u == UINT64_MAX && max != UINT64_MAX))
			return DW_EINVAL;
		*out = u;
		return DW_OK;
	}
	return dw_slice_u64(parts_text(b, pt, n, v, nv), max, out);
}

/* TimeCreated@SystemTime: FILETIME/SYSTEMTIME values directly, text as RFC 3339. */
static int parts_time(struct dw_binxml *b, const struct part *pt, uint32_t n, const struct val *v,
		      uint32_t nv, int64_t *ns, uint8_t *prec)
{
	const struct val *x = single_val(pt, n, v, nv);
	struct dw_slice t;
	size_t used;
	int p;

	if (x && x->type == 0x11) {
		if (x->size < 8 || !filetime_ns(rd64(b->c + x->off), ns))
			return DW_EINVAL;
		*prec = 7;
		return DW_OK;
	}
	if (x && x->type == 0x12) {
		if (x->size < 16 || !systemtime_ns(b->c + x->off, ns))
			return DW_EINVAL;
		*prec = 3;
		return DW_OK;
	}
	t = trim_ws(parts_text(b, pt, n, v, nv));
	/* as winxml: years past 2261 overflow int64 ns */
	if (t.n >= 4 && (t.p[0] > '2' || (t.p[0] == '2' && memcmp(t.p, "2261", 4) > 0)))
		return DW_EINVAL;
	if (dw_tm_parse_rfc3339(t.p, t.n, ns, &p, &used) != DW_OK || used != t.n)
		return DW_EINVAL;
	*prec = (uint8_t)p;
	return DW_OK;
}

static int mapped_event(uint32_t id)
{
	switch (id) {
	case 4624: case 4625: case 4648: case 4740: case 4768: case 4771: case 4776:
	case 5140: case 5145:
		return 1;
	default:
		return 0;
	}
}

/* Whether EventData is worth decoding (decided once, when first needed). */
static int want_data(struct ev *e)
{
	const struct dw_win_fields *f = &e->r->f;

	if (e->want >= 0)
		return e->want;
	if (e->b->all || !e->r->has_eid)
		e->want = 1;
	else if (!mapped_event(e->r->event_id))
		e->want = 0;
	else if (f->provider.n)
		e->want = dw_slice_eq_ci(f->provider, "Microsoft-Windows-Security-Auditing");
	else
		e->want = !(f->channel.n && !dw_slice_eq_ci(f->channel, "Security"));
	e->r->data_skipped = (uint8_t)!e->want;
	return e->want;
}

static int eval(struct ev *e, const struct item *it, uint32_t nit, const struct val *v,
		uint32_t nv, int depth);

static int eval_data(struct ev *e, const struct item *x, const struct val *v, uint32_t nv)
{
	struct dw_binxml *b = e->b;
	const struct arena *a = x->rec ? &b->rec : &b->ch; /* where its parts live */
	struct dw_slice name, val;
	int id = x->field;

	if (!want_data(e))
		return DW_BX_OK;
	if (id == -1 && !b->all)
		return DW_BX_OK;
	if (id == -2 || b->all) {
		name = parts_text(b, a->pt + x->name0, x->nname, v, nv);
		if (id == -2)
			id = dw_wincodes_field(name.p, name.n);
	} else {
		name = dw_slice_make(empty, 0);
	}
	if (id < 0 && !b->all)
		return DW_BX_OK;
	if (id >= 0 && (e->r->f.seen & (1u << id)) && !b->all)
		return DW_BX_OK;
	val = parts_text(b, a->pt + x->val0, x->nval, v, nv);
	if (id >= 0 && !(e->r->f.seen & (1u << id))) {
		e->r->f.seen |= 1u << id;
		e->r->f.v[id] = val;
	}
	if (b->all && b->npairs < PAIRS_CAP) {
		b->pairs[b->npairs].name = name;
		b->pairs[b->npairs].value = val;
		b->npairs++;
	}
	return DW_BX_OK;
}

static int eval(struct ev *e, const struct item *it, uint32_t nit, const struct val *v,
		uint32_t nv, int depth)
{
	struct dw_binxml *b = e->b;
	struct dw_binxml_rec *r = e->r;
	int rc;

	if (depth > MAX_NEST)
		return DW_BX_LIMIT;
	for (uint32_t i = 0; i < nit; i++) {
		const struct item *x = &it[i];
		const struct arena *a = x->rec ? &b->rec : &b->ch;
		const struct part *vp = a->pt + x->val0;
		uint64_t u;

		if (++e->work > WORK_CAP)
			return DW_BX_LIMIT;
		switch (x->kind) {
		case I_PROVIDER:
			if (!r->f.provider.n)
				r->f.provider = trim_ws(parts_text(b, vp, x->nval, v, nv));
			break;
		case I_CHANNEL:
			if (!r->f.channel.n)
				r->f.channel = trim_ws(parts_text(b, vp, x->nval, v, nv));
			break;
		case I_COMPUTER:
			if (!e->host_tried) {
				e->host_tried = 1;
				r->host = trim_ws(parts_text(b, vp, x->nval, v, nv));
			}
			break;
		case I_EVENTID:
			if (!e->eid_tried) {
				e->eid_tried = 1;
				if (parts_u64(b, vp, x->nval, v, nv, UINT32_MAX, &u) == DW_OK) {
					r->event_id = (uint32_t)u;
					r->has_eid = 1;
				}
			}
			break;
		case I_RECID:
			if (!e->rid_tried) {
				e->rid_tried = 1;
				if (parts_u64(b, vp, x->nval, v, nv, UINT64_MAX, &u) == DW_OK) {
					r->record_id = u;
					r->has_rid = 1;
				}
			}
			break;
		case I_TIME:
			if (!e->time_tried) {
				e->time_tried = 1;
				r->has_time = parts_time(b, vp, x->nval, v, nv, &r->ts, &r->ts_prec) ==
					      DW_OK;
			}
			break;
		case I_DATA:
			if ((rc = eval_data(e, x, v, nv)))
				return rc;
			break;
		case I_NESTED: {
			struct walk w;
			uint32_t m;
			const struct val *y;
			if (x->sub >= nv)
				break;
			y = &v[x->sub];
			if (y->type != 0x21 || y->size == 0)
				break;
			if ((x->ctx == R_EVENTDATA || x->ctx == R_USERDATA || x->ctx == R_USERWRAP) &&
			    !want_data(e))
				break;
			if (depth >= MAX_NEST)
				return DW_BX_LIMIT;
			w.b = b;
			w.c = b->c;
			w.end = y->off + y->size;
			w.a = &b->rec;
			w.dep = 0;
			m = b->rec.nit;
			rc = fragment(&w, y->off, x->ctx);
			if (rc)
				return rc == BX_FULL ? DW_BX_LIMIT : rc;
			if ((rc = eval(e, b->rec.it + m, b->rec.nit - m, v, nv, depth + 1)))
				return rc;
			break;
		}
		case I_INSTANCE: {
			const struct item *ti;
			uint32_t tn, vn, mark = b->nvals;
			struct val *tv;
			if (depth >= MAX_NEST)
				return DW_BX_LIMIT;
			if ((rc = template_plan(b, x->def, x->ctx, &ti, &tn)))
				return rc;
			if ((rc = values(b, x->pos, x->lim, &tv, &vn)))
				return rc;
			rc = eval(e, ti, tn, tv, vn, depth + 1);
			b->nvals = mark;
			if (rc)
				return rc;
			break;
		}
		default:
			break;
		}
	}
	return DW_BX_OK;
}

int dw_binxml_record(struct dw_binxml *b, uint32_t off, uint32_t len, struct dw_binxml_rec *r)
{
	struct walk w;
	struct ev e;
	uint32_t n0;
	int rc;

	memset(r, 0, sizeof(*r));
	b->rec.nit = b->rec.npt = b->rec.ntx = 0;
	b->nout = 0;
	b->nvals = 0;
	b->npairs = 0;
	if (!b->c || off > b->n || len > b->n - off)
		return DW_BX_BAD;
	w.b = b;
	w.c = b->c;
	w.end = off + len;
	w.a = &b->rec;
	w.dep = 0;
	rc = fragment(&w, off, R_DOC);
	if (rc)
		return rc == BX_FULL ? DW_BX_LIMIT : rc;
	n0 = b->rec.nit;
	memset(&e, 0, sizeof(e));
	e.b = b;
	e.r = r;
	e.want = -1;
	rc = eval(&e, b->rec.it, n0, NULL, 0, 0);
	r->pairs = b->pairs;
	r->npairs = b->npairs;
	return rc;
}
