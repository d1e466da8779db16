/*
 * table.c - capped hash table with LRU eviction (see table.h).
 *
 * Layout: one slab of cap fixed-size entries (key bytes, rounded up to 8,
 * then the value, rounded up to 8), a bucket array of 2^k >= cap uint32
 * chain heads, and parallel per-entry arrays of the chain link, the 32-bit
 * hash, the LRU links and the key length. Walking a chain or relinking the
 * LRU list touches only those compact arrays (18 bytes per entry, so about
 * 1.1 MiB for 65,536 entries, which stays in cache); the entry itself is read
 * only when its hash matches. A lookup of an absent key therefore costs no
 * access to the slab at all, which matters because the detectors probe
 * several tables per login and most probes miss.
 *
 * Memory arithmetic: cap * (round8(key_max) + round8(val_size) + 18) +
 * 4 * buckets. Example: cap 65,536, 17-byte key, 96-byte value:
 * 65,536 * (24 + 96 + 18) + 4 * 65,536 = 8.9 MiB, allocated once and touched
 * only as entries fill.
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

struct link {
	uint32_t hash;  /* full hash of the entry */
	uint32_t chain; /* next entry in the bucket chain, or the free list */
};

struct dw_table {
	unsigned char *slab;
	uint32_t *buckets;
	struct link *lk;  /* per entry: hash and next in the bucket chain, one load */
	uint32_t *prev;   /* LRU list, towards the least recent */
	uint32_t *next;   /* LRU list, towards the most recent */
	uint16_t *klen;
	uint32_t mask;
	uint32_t cap;
	uint32_t used;   /* entries ever handed out from the slab (bump) */
	uint32_t count;  /* live entries */
	uint32_t freel;  /* free list through lk[].chain */
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

static unsigned char *ekey(const struct dw_table *t, uint32_t i)
{
	return t->slab + (size_t)i * t->esz;
}

static void *eval(const struct dw_table *t, uint32_t i)
{
	return ekey(t, i) + t->key_sz;
}

static void free_arrays(struct dw_table *t)
{
	free(t->slab);
	free(t->buckets);
	free(t->lk);
	free(t->prev);
	free(t->next);
	free(t->klen);
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
	t->esz = t->key_sz + round8(val_size ? val_size : 1);
	t->cap = (uint32_t)cap;
	t->mask = (uint32_t)(nb - 1);
	t->slab = calloc(cap, t->esz);
	t->buckets = malloc(nb * sizeof(uint32_t));
	t->lk = malloc(cap * sizeof(struct link));
	t->prev = malloc(cap * sizeof(uint32_t));
	t->next = malloc(cap * sizeof(uint32_t));
	t->klen = malloc(cap * sizeof(uint16_t));
	if (!t->slab || !t->buckets || !t->lk || !t->prev || !t->next || !t->klen)
		goto fail;
	memset(t->buckets, 0xff, nb * sizeof(uint32_t));
	t->freel = t->head = t->tail = NIL;
	t->memuse = sizeof(*t) + cap * (t->esz + 4 * sizeof(uint32_t) + sizeof(uint16_t)) +
		    nb * sizeof(uint32_t);
	*out = t;
	return DW_OK;
fail:
	if (t) {
		free_arrays(t);
		free(t);
	}
	return DW_ENOMEM;
}

void dw_table_free(struct dw_table *t)
{
	if (!t)
		return;
	free_arrays(t);
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
	for (uint32_t i = t->buckets[h & t->mask]; i != NIL; i = t->lk[i].chain)
		if (t->lk[i].hash == h && t->klen[i] == klen && memcmp(ekey(t, i), k, klen) == 0)
			return i;
	return NIL;
}

static void lru_unlink(struct dw_table *t, uint32_t i)
{
	uint32_t p = t->prev[i], n = t->next[i];

	if (p != NIL)
		t->next[p] = n;
	else
		t->head = n;
	if (n != NIL)
		t->prev[n] = p;
	else
		t->tail = p;
	t->prev[i] = t->next[i] = NIL;
}

static void lru_push(struct dw_table *t, uint32_t i)
{
	t->prev[i] = t->tail;
	t->next[i] = NIL;
	if (t->tail != NIL)
		t->next[t->tail] = i;
	else
		t->head = i;
	t->tail = i;
}

static void chain_unlink(struct dw_table *t, uint32_t i)
{
	uint32_t *pp = &t->buckets[t->lk[i].hash & t->mask];

	while (*pp != NIL && *pp != i)
		pp = &t->lk[*pp].chain;
	if (*pp == i)
		*pp = t->lk[i].chain;
}

static void remove_entry(struct dw_table *t, uint32_t i)
{
	chain_unlink(t, i);
	lru_unlink(t, i);
	t->lk[i].chain = t->freel;
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
		t->freel = t->lk[i].chain;
	} else if (t->used < t->cap) {
		i = t->used++;
	} else {
		i = t->head;
		if (t->evict_fn)
			t->evict_fn(t->evict_ctx, ekey(t, i), t->klen[i], eval(t, i));
		remove_entry(t, i);
		t->freel = t->lk[i].chain;
		t->evicted++;
	}
	memset(ekey(t, i), 0, t->esz);
	t->lk[i].hash = h;
	t->klen[i] = (uint16_t)slen;
	memcpy(ekey(t, i), k, slen);
	t->lk[i].chain = t->buckets[h & t->mask];
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
	*cursor = t->next[i] == NIL ? NIL : t->next[i] + 1;
	if (key)
		*key = ekey(t, i);
	if (klen)
		*klen = t->klen[i];
	return eval(t, i);
}

const void *dw_table_key(const struct dw_table *t, const void *val, size_t *klen)
{
	size_t off = (size_t)((const unsigned char *)val - t->slab);
	uint32_t i = (uint32_t)(off / t->esz);

	if (klen)
		*klen = t->klen[i];
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
