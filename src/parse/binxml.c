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
 * text), strings converted UTF-16 -> UTF-8 (binval.c: ASCII fast path,
 * SSE2 with a scalar twin). Records without templates (inline BinXML, as WEF writes
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
#include "binval.h"

#include <stdio.h>
#include <stdlib.h>

#include "../core/tm.h"

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
		h = h * 65599u + dw_rd16(s + 2 * i);
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
		cnt = dw_rd16(c + q + 6);
		return (w->end - q - 8) / 2 >= (uint32_t)cnt + 1 ? 3 : 0;
	}
	if (off >= w->b->n || w->b->n - off < 8)
		return 0;
	cnt = dw_rd16(c + off + 6);
	if ((w->b->n - off - 8) / 2 < cnt)
		return 0;
	if (off < start && name_hash(c + off + 8, cnt) == dw_rd16(c + off + 4))
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
		n = dw_rd16(c + off + 6);
		if ((w->end - off - 8) / 2 < n + 1)
			return DW_BX_BAD;
		*q = off + 8 + 2 * n + 2;
	} else {
		if (off >= w->b->n || w->b->n - off < 8)
			return DW_BX_BAD;
		n = dw_rd16(c + off + 6);
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
	k = dw_binval_utf16(s, cnt, a->tx + a->ntx, 1);
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
		na = dw_rd32(w->c + p + 7);
		sa = name_score(w, na, p + 11, p);
	}
	if (w->end - p >= 9) {
		nb = dw_rd32(w->c + p + 5);
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
	def = dw_rd32(c + p + 6);
	if (def == p + 10) {
		if (end - p < 34)
			return DW_BX_BAD;
		size = dw_rd32(c + p + 30);
		if (size > end - (p + 34))
			return DW_BX_BAD;
		data = p + 34 + size;
	} else {
		if (def >= w->b->n || w->b->n - def < 24)
			return DW_BX_TEMPLATE;
		size = dw_rd32(c + def + 20);
		if (size > w->b->n - def - 24)
			return DW_BX_TEMPLATE;
		data = p + 10;
	}
	if (end - data < 4)
		return DW_BX_BAD;
	cnt = dw_rd32(c + data);
	if (cnt > (end - data - 4) / 4)
		return DW_BX_BAD;
	q = data + 4 + 4 * cnt;
	for (uint32_t i = 0; i < cnt; i++)
		sum += dw_rd16(c + data + 4 + 4 * i);
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
		cnt = dw_rd16(c + p + 2);
		if ((end - p - 4) / 2 < cnt)
			return DW_BX_BAD;
		*pp = p + 4 + 2 * cnt;
		return collect ? add_utf16(w, first_part, c + p + 4, cnt) : DW_BX_OK;
	case 0x07:
	case 0x47:
		if (end - p < 3)
			return DW_BX_BAD;
		cnt = dw_rd16(c + p + 1);
		if ((end - p - 3) / 2 < cnt)
			return DW_BX_BAD;
		*pp = p + 3 + 2 * cnt;
		return collect ? add_utf16(w, first_part, c + p + 3, cnt) : DW_BX_OK;
	case 0x08:
	case 0x48: {
		uint32_t cp;
		if (end - p < 3)
			return DW_BX_BAD;
		cp = dw_rd16(c + p + 1);
		*pp = p + 3;
		if (!collect)
			return DW_BX_OK;
		if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		return add_text(w, first_part, tmp, dw_binval_put_cp(cp, tmp));
	}
	case 0x09:
	case 0x49: {
		const uint8_t *s;
		uint32_t n, q = p + 5;
		int r;
		if (end - p < 5)
			return DW_BX_BAD;
		r = name_at(w, dw_rd32(c + p + 1), &q, &s, &n);
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
		if (name_at(w, dw_rd32(c + p + 1), &q, &s, &n))
			return DW_BX_BAD;
		*pp = q;
		return DW_BX_OK;
	}
	if (end - p < 3)
		return DW_BX_BAD;
	cnt = dw_rd16(c + p + 1);
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
			if (collect && (r = add_part(w, t == 0x0d ? P_SUB : P_OPT, dw_rd16(c + *pp + 1))))
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
				r = add_part(w, t == 0x0d ? P_SUB : P_OPT, dw_rd16(c + *pp + 1));
			} else if (is_container(role)) {
				struct item it;
				memset(&it, 0, sizeof(it));
				it.kind = I_NESTED;
				it.ctx = (uint8_t)role;
				it.sub = dw_rd16(c + *pp + 1);
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
			if ((r = name_at(w, dw_rd32(c + q + 1), &aq, &an, &anc)))
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
		else
			it.field = DW_WINF_DATA; /* <Data> without a Name */
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
	size = dw_rd32(b->c + def + 20);
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
	cnt = dw_rd32(c + pos);
	if (cnt > (lim - pos - 4) / 4)
		return DW_BX_BAD;
	if (cnt > VALS_CAP - b->nvals)
		return DW_BX_LIMIT;
	v = b->vals + b->nvals;
	q = pos + 4 + 4 * cnt;
	for (uint32_t i = 0; i < cnt; i++) {
		const uint8_t *d = c + pos + 4 + 4 * i;
		v[i].off = q;
		v[i].size = dw_rd16(d);
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
			b->nout += (uint32_t)dw_binval_utf16(d, size / 2, o, 1);
		return;
	case 0x02:
		o = out_room(b, size * 2);
		if (!o)
			return;
		for (size_t i = 0; i < size && d[i]; i++)
			k += dw_binval_put_cp(d[i], o + k); /* code page 1252 read as Latin-1 */
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
			b->nout += (uint32_t)dw_binval_sid_text(d, size, o, 32 + 11 * 256);
		return;
	case 0x81:
	case 0x82: { /* arrays of strings: NUL-separated, shown joined by ", " */
		size_t w = t == 0x81 ? 2 : 1, i = 0, first = 1;
		o = out_room(b, size * 3 + 2);
		if (!o)
			return;
		while (i + w <= size) {
			size_t j = i;
			while (j + w <= size && (w == 2 ? dw_rd16(d + j) : d[j]) != 0)
				j += w;
			if (!first && j > i) {
				o[k++] = ',';
				o[k++] = ' ';
			}
			if (j > i) {
				first = 0;
				if (w == 2)
					k += dw_binval_utf16(d + i, (j - i) / 2, o + k, 1);
				else
					for (size_t m = i; m < j; m++)
						k += dw_binval_put_cp(d[m], o + k);
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
		size_t es = dw_binval_scalar_size(t & 0x7f);
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
			k += dw_binval_scalar_text(t == 0x90 ? 0x10 : t & 0x7f, d + i, es, o + k);
			b->nout += (uint32_t)k;
		}
		return;
	}
	o = out_room(b, 80);
	if (o)
		b->nout += (uint32_t)dw_binval_scalar_text(t, d, size, o);
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
		case 0x06: u = x->size >= 2 ? dw_rd16(d) : UINT64_MAX; break;
		case 0x08:
		case 0x14: u = x->size >= 4 ? dw_rd32(d) : UINT64_MAX; break;
		case 0x0a:
		case 0x15: u = x->size >= 8 ? dw_rd64(d) : UINT64_MAX; break;
		case 0x03: s = x->size >= 1 ? (int8_t)d[0] : -1; u = s < 0 ? UINT64_MAX : (uint64_t)s; break;
		case 0x05: s = x->size >= 2 ? (int16_t)dw_rd16(d) : -1; u = s < 0 ? UINT64_MAX : (uint64_t)s; break;
		case 0x07: s = x->size >= 4 ? (int32_t)dw_rd32(d) : -1; u = s < 0 ? UINT64_MAX : (uint64_t)s; break;
		case 0x09: s = x->size >= 8 ? (int64_t)dw_rd64(d) : -1; u = s < 0 ? UINT64_MAX : (uint64_t)s; break;
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
	int p;

	if (x && x->type == 0x11) {
		if (x->size < 8 || !dw_binval_filetime_ns(dw_rd64(b->c + x->off), ns))
			return DW_EINVAL;
		*prec = 7;
		return DW_OK;
	}
	if (x && x->type == 0x12) {
		if (x->size < 16 || !dw_binval_systemtime_ns(b->c + x->off, ns))
			return DW_EINVAL;
		*prec = 3;
		return DW_OK;
	}
	t = trim_ws(parts_text(b, pt, n, v, nv));
	/* as winxml: years past 2261 overflow int64 ns */
	if (t.n >= 4 && (t.p[0] > '2' || (t.p[0] == '2' && memcmp(t.p, "2261", 4) > 0)))
		return DW_EINVAL;
	if (dw_tm_parse_rfc3339_all(t.p, t.n, ns, &p) != DW_OK)
		return DW_EINVAL;
	*prec = (uint8_t)p;
	return DW_OK;
}

/* Whether EventData is worth decoding (decided once, when first needed). */
static int want_data(struct ev *e)
{
	const struct dw_win_fields *f = &e->r->f;

	if (e->want >= 0)
		return e->want;
	if (e->b->all || !e->r->has_eid)
		e->want = 1;
	else
		e->want = dw_wincodes_wanted(e->r->event_id, f->provider, f->channel);
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
