/*
 * table.h - a hash table with a hard cap on entries and LRU eviction.
 *
 * Every table keyed by attacker-controlled data (addresses, user names,
 * pairs of them) is one of these. All memory is allocated once, in
 * dw_table_new(); inserting never allocates. When the table is full, the
 * least recently upserted entry is evicted (the optional callback sees it
 * first) and the eviction counter goes up. Values are fixed-size, zeroed on
 * creation, and stay at the same address until their entry is evicted or
 * deleted, so detectors may keep pointers between calls as long as they do
 * not insert into the same table in between.
 *
 * Keys are byte strings of at most key_max bytes; a longer key is stored as
 * its first key_max-8 bytes plus a fixed 64-bit digest of the whole key, so
 * two long keys are equal only if both the prefix and the digest are.
 *
 * Iteration (dw_table_next) walks entries from least to most recently
 * upserted, which depends only on the input order, never on the hash seed:
 * anything printed from a table comes out the same on every run.
 */
#ifndef DW_CORE_TABLE_H
#define DW_CORE_TABLE_H

#include "dw.h"

/* Longest key a table accepts as key_max. */
#define DW_TABLE_KEY_MAX 4096

struct dw_table;

typedef void (*dw_table_evict_fn)(void *ctx, const void *key, size_t klen, void *val);

/*
 * Creates a table for at most cap entries with keys up to key_max bytes
 * (8..DW_TABLE_KEY_MAX) and values of val_size bytes. Returns DW_OK and an owned table
 * in *out (free with dw_table_free), or DW_ENOMEM / DW_EINVAL.
 * Memory: dw_table_memuse() bytes, fixed for the table's life.
 */
int dw_table_new(struct dw_table **out, size_t cap, size_t key_max, size_t val_size) DW_WUR;
void dw_table_free(struct dw_table *t);

/* Sets a callback called with each entry just before it is evicted. Borrows ctx. */
void dw_table_on_evict(struct dw_table *t, dw_table_evict_fn fn, void *ctx);

/*
 * Finds key, or inserts it with a zeroed value (evicting the LRU entry if the
 * table is full), and marks it most recently used. *created (may be NULL) is
 * set to 1 for a new entry. Returns the value; never NULL.
 */
void *dw_table_upsert(struct dw_table *t, const void *key, size_t klen, int *created);

/* Finds key without touching its recency. Returns the value or NULL. */
void *dw_table_get(const struct dw_table *t, const void *key, size_t klen);

/* Deletes key. Returns DW_OK or DW_ENOENT. The evict callback is not called. */
int dw_table_del(struct dw_table *t, const void *key, size_t klen);

/*
 * Iterates from least to most recently used: start with *cursor = 0; each call
 * returns the next value and its stored key (borrowed, valid until the entry
 * goes), or NULL at the end. The table must not be modified while iterating,
 * except by dw_table_del() of the entry just returned.
 */
void *dw_table_next(const struct dw_table *t, uint32_t *cursor, const void **key, size_t *klen);

/* Returns the stored key of a value returned by this table (borrowed). */
const void *dw_table_key(const struct dw_table *t, const void *val, size_t *klen);

size_t dw_table_count(const struct dw_table *t);
size_t dw_table_cap(const struct dw_table *t);
uint64_t dw_table_evicted(const struct dw_table *t);
/* Bytes allocated for the table: constant after dw_table_new(). */
size_t dw_table_memuse(const struct dw_table *t);

#endif
