/*
 * table.c - capped hash table with LRU eviction (see table.h).
 *
 * Layout: one slab of cap fixed-size entries plus a bucket array of
 * 2^k >= cap uint32 heads (chains through the entries). Each entry is
 *
 *   struct hdr (20 bytes: chain, lru prev/next, hash, key length)
 *   key bytes  (key_max, rounded up to 8)
 *   value      (val_size, rounded up to 8)
 *
 * Memory arithmetic: cap * (24 + round8(key_max) + round8(val_size)) +
 * 4 * buckets. Example: the per-source table of the sshd detectors, cap
 * 65,536, 17-byte key, 96-byte value: 65,536 * (24 + 24 + 96) + 4 * 65,536 =
 * 9.7 MiB, allocated once and touched only as entries fill.
 *
 * Chains are singly linked and stay short because buckets >= cap (load
 * factor <= 1). Bucket hashing is a keyed multiply-fold hash (two 64x64->128
 * multiplies per 16 bytes; keys here are 5-300 bytes) with a key drawn from
 * getrandom() once per process, so an attacker cannot aim records at one
 * chain without learning the key; nothing the program prints depends on it
 * (iteration follows LRU order). SipHash-1-3 with a fixed key makes the
 * digest stored for over-long keys, which must not vary between runs.
 */
#include "table.h"

#include <stdlib.h>
#include <sys/random.h>

#define NIL UINT32_MAX

struct hdr {
	uint32_t chain;
	uint32_t prev;
	uint32_t next;
	uint32_t hash;
	uint16_t klen;
	uint16_t pad;
	uint32_t pad2;
};

struct dw_table {
	unsigned char *slab;
	uint32_t *buckets;
	uint32_t mask;
	uint32_t cap;
	uint32_t used;   /* entries ever handed out from the slab (bump) */
	uint32_t count;  /* live entries */
	uint32_t freel;  /* free list through hdr.chain */
	uint32_t head;   /* least recently used */
	uint32_t tail;   /* most recently used */
	size_t key_max;
	size_t key_sz;
	size_t esz;
	size_t memuse;
	uint64_t evicted;
	dw_table_evict_fn evict_fn;
	void *evict_ctx;
};

static uint64_t sip_k0, sip_k1;
static int sip_ready;

static void sip_init(void)
{
	uint64_t k[2] = {0x736f6d6570736575ULL, 0x646f72616e646f6dULL};

	if (sip_ready)
		return;
	/* A short read keeps the fixed key: only chain balance depends on it. */
	if (getrandom(k, sizeof(k), GRND_NONBLOCK) != (ssize_t)sizeof(k)) {
		k[0] ^= (uint64_t)(uintptr_t)&k;
	}
	sip_k0 = k[0];
	sip_k1 = k[1];
	sip_ready = 1;
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                        \
	do {                                                                            \
		v0 += v1;                                                               \
		v1 = ROTL(v1, 13);                                                      \
		v1 ^= v0;                                                               \
		v0 = ROTL(v0, 32);                                                      \
		v2 += v3;                                                               \
		v3 = ROTL(v3, 16);                                                      \
		v3 ^= v2;                                                               \
		v0 += v3;                                                               \
		v3 = ROTL(v3, 21);                                                      \
		v3 ^= v0;                                                               \
		v2 += v1;                                                               \
		v1 = ROTL(v1, 17);                                                      \
		v1 ^= v2;                                                               \
		v2 = ROTL(v2, 32);                                                      \
	} while (0)

/* SipHash-1-3 over p[0..n). */
static uint64_t siphash13(const unsigned char *p, size_t n, uint64_t k0, uint64_t k1)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)n << 56, m;
	size_t i, left = n & 7;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&m, p + i, 8);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; j < left; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static struct hdr *ent(const struct dw_table *t, uint32_t i)
{
	return (struct hdr *)(t->slab + (size_t)i * t->esz);
}

static unsigned char *ekey(const struct dw_table *t, uint32_t i)
{
	return (unsigned char *)ent(t, i) + sizeof(struct hdr);
}

static void *eval(const struct dw_table *t, uint32_t i)
{
	return ekey(t, i) + t->key_sz;
}

int dw_table_new(struct dw_table **out, size_t cap, size_t key_max, size_t val_size)
{
	struct dw_table *t = NULL;
	size_t nb = 1;

	*out = NULL;
	if (cap == 0 || cap >= NIL / 2 || key_max < 8 || key_max > DW_TABLE_KEY_MAX)
		return DW_EINVAL;
	while (nb < cap)
		nb <<= 1;
	sip_init();
	t = calloc(1, sizeof(*t));
	if (!t)
		goto fail;
	t->key_max = key_max;
	t->key_sz = round8(key_max);
	t->esz = sizeof(struct hdr) + t->key_sz + round8(val_size ? val_size : 1);
	t->cap = (uint32_t)cap;
	t->mask = (uint32_t)(nb - 1);
	t->slab = calloc(cap, t->esz);
	t->buckets = malloc(nb * sizeof(uint32_t));
	if (!t->slab || !t->buckets)
		goto fail;
	memset(t->buckets, 0xff, nb * sizeof(uint32_t));
	t->freel = t->head = t->tail = NIL;
	t->memuse = sizeof(*t) + cap * t->esz + nb * sizeof(uint32_t);
	*out = t;
	return DW_OK;
fail:
	if (t) {
		free(t->slab);
		free(t->buckets);
		free(t);
	}
	return DW_ENOMEM;
}

void dw_table_free(struct dw_table *t)
{
	if (!t)
		return;
	free(t->slab);
	free(t->buckets);
	free(t);
}

void dw_table_on_evict(struct dw_table *t, dw_table_evict_fn fn, void *ctx)
{
	t->evict_fn = fn;
	t->evict_ctx = ctx;
}

/* Builds the stored form of a key: itself, or prefix + digest when too long. */
static const unsigned char *stored_key(const struct dw_table *t, const void *key, size_t klen,
				       unsigned char *tmp, size_t *slen)
{
	uint64_t d;

	if (klen <= t->key_max) {
		*slen = klen;
		return key;
	}
	d = siphash13(key, klen, 0x6477656c6c, 0x6b6579); /* fixed: the digest is stored */
	memcpy(tmp, key, t->key_max - 8);
	memcpy(tmp + t->key_max - 8, &d, 8);
	*slen = t->key_max;
	return tmp;
}

static uint32_t find(const struct dw_table *t, const unsigned char *k, size_t klen, uint32_t h)
{
	for (uint32_t i = t->buckets[h & t->mask]; i != NIL; i = ent(t, i)->chain) {
		struct hdr *e = ent(t, i);
		if (e->hash == h && e->klen == klen && memcmp(ekey(t, i), k, klen) == 0)
			return i;
	}
	return NIL;
}

static void lru_unlink(struct dw_table *t, uint32_t i)
{
	struct hdr *e = ent(t, i);

	if (e->prev != NIL)
		ent(t, e->prev)->next = e->next;
	else
		t->head = e->next;
	if (e->next != NIL)
		ent(t, e->next)->prev = e->prev;
	else
		t->tail = e->prev;
	e->prev = e->next = NIL;
}

static void lru_push(struct dw_table *t, uint32_t i)
{
	struct hdr *e = ent(t, i);

	e->prev = t->tail;
	e->next = NIL;
	if (t->tail != NIL)
		ent(t, t->tail)->next = i;
	else
		t->head = i;
	t->tail = i;
}

static void chain_unlink(struct dw_table *t, uint32_t i)
{
	uint32_t *pp = &t->buckets[ent(t, i)->hash & t->mask];

	while (*pp != NIL && *pp != i)
		pp = &ent(t, *pp)->chain;
	if (*pp == i)
		*pp = ent(t, i)->chain;
}

static void remove_entry(struct dw_table *t, uint32_t i)
{
	chain_unlink(t, i);
	lru_unlink(t, i);
	ent(t, i)->chain = t->freel;
	t->freel = i;
	t->count--;
}

static inline uint64_t mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint32_t hash_of(const unsigned char *p, size_t n)
{
	uint64_t h = sip_k0 ^ mum((uint64_t)n ^ sip_k1, 0x9e3779b97f4a7c15ULL), a = 0, b = 0;

	while (n > 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		h = mum(a ^ sip_k1, b ^ h);
		p += 16;
		n -= 16;
	}
	a = b = 0;
	if (n > 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, n - 8);
	} else {
		memcpy(&a, p, n);
	}
	h = mum(a ^ sip_k1 ^ 0xa0761d6478bd642fULL, b ^ h ^ 0xe7037ed1a0b428dbULL);
	return (uint32_t)(h ^ (h >> 32));
}

void *dw_table_upsert(struct dw_table *t, const void *key, size_t klen, int *created)
{
	unsigned char tmp[DW_TABLE_KEY_MAX];
	size_t slen;
	const unsigned char *k = stored_key(t, key, klen, tmp, &slen);
	uint32_t h = hash_of(k, slen), i = find(t, k, slen, h);
	struct hdr *e;

	if (created)
		*created = 0;
	if (i != NIL) {
		if (t->tail != i) {
			lru_unlink(t, i);
			lru_push(t, i);
		}
		return eval(t, i);
	}
	if (t->freel != NIL) {
		i = t->freel;
		t->freel = ent(t, i)->chain;
	} else if (t->used < t->cap) {
		i = t->used++;
	} else {
		i = t->head;
		if (t->evict_fn)
			t->evict_fn(t->evict_ctx, ekey(t, i), ent(t, i)->klen, eval(t, i));
		remove_entry(t, i);
		t->freel = ent(t, i)->chain;
		t->evicted++;
	}
	e = ent(t, i);
	memset(e, 0, t->esz);
	e->hash = h;
	e->klen = (uint16_t)slen;
	memcpy(ekey(t, i), k, slen);
	e->chain = t->buckets[h & t->mask];
	t->buckets[h & t->mask] = i;
	lru_push(t, i);
	t->count++;
	if (created)
		*created = 1;
	return eval(t, i);
}

void *dw_table_get(const struct dw_table *t, const void *key, size_t klen)
{
	unsigned char tmp[DW_TABLE_KEY_MAX];
	size_t slen;
	const unsigned char *k = stored_key(t, key, klen, tmp, &slen);
	uint32_t i = find(t, k, slen, hash_of(k, slen));

	return i == NIL ? NULL : eval(t, i);
}

int dw_table_del(struct dw_table *t, const void *key, size_t klen)
{
	unsigned char tmp[DW_TABLE_KEY_MAX];
	size_t slen;
	const unsigned char *k = stored_key(t, key, klen, tmp, &slen);
	uint32_t i = find(t, k, slen, hash_of(k, slen));

	if (i == NIL)
		return DW_ENOENT;
	remove_entry(t, i);
	return DW_OK;
}

void *dw_table_next(const struct dw_table *t, uint32_t *cursor, const void **key, size_t *klen)
{
	/* cursor holds index+1 of the next entry, 0 = start, NIL = done */
	uint32_t i;

	if (*cursor == NIL)
		return NULL;
	i = *cursor == 0 ? t->head : *cursor - 1;
	if (i == NIL) {
		*cursor = NIL;
		return NULL;
	}
	*cursor = ent(t, i)->next == NIL ? NIL : ent(t, i)->next + 1;
	if (key)
		*key = ekey(t, i);
	if (klen)
		*klen = ent(t, i)->klen;
	return eval(t, i);
}

const void *dw_table_key(const struct dw_table *t, const void *val, size_t *klen)
{
	size_t off = (size_t)((const unsigned char *)val - t->slab);
	uint32_t i = (uint32_t)(off / t->esz);

	if (klen)
		*klen = ent(t, i)->klen;
	return ekey(t, i);
}

size_t dw_table_count(const struct dw_table *t)
{
	return t->count;
}

size_t dw_table_cap(const struct dw_table *t)
{
	return t->cap;
}

uint64_t dw_table_evicted(const struct dw_table *t)
{
	return t->evicted;
}

size_t dw_table_memuse(const struct dw_table *t)
{
	return t->memuse;
}
