/*
 * sb.h - a growable byte buffer with a mandatory size cap, plus the JSON
 * string escaping every writer of dwell's output uses.
 *
 * Appends past the cap are dropped and set sb->toobig, so a hostile record
 * can never make an output buffer grow without bound; callers check toobig
 * where truncation would matter. Memory: at most cap bytes + 1.
 */
#ifndef DW_CORE_SB_H
#define DW_CORE_SB_H

#include <stdio.h>

#include "dw.h"

struct dw_sb {
	char *p;
	size_t n;
	size_t cap;  /* allocated */
	size_t max;  /* hard limit */
	int toobig;
};

/* Initialises an empty buffer that will never hold more than max bytes. */
void dw_sb_init(struct dw_sb *sb, size_t max);
/* Frees the buffer's memory; sb can be initialised again. */
void dw_sb_free(struct dw_sb *sb);
static inline void dw_sb_reset(struct dw_sb *sb)
{
	sb->n = 0;
	sb->toobig = 0;
}

void dw_sb_put(struct dw_sb *sb, const void *p, size_t n);
void dw_sb_putc(struct dw_sb *sb, char c);
void dw_sb_puts(struct dw_sb *sb, const char *s);
void dw_sb_printf(struct dw_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dw_sb_u64(struct dw_sb *sb, uint64_t v);
void dw_sb_i64(struct dw_sb *sb, int64_t v);

/*
 * Appends p[0..n) as a quoted JSON string. Control characters and quotes are
 * escaped; invalid UTF-8 bytes become U+FFFD so the output stays valid UTF-8
 * JSON whatever the input held.
 */
void dw_sb_json_str(struct dw_sb *sb, const char *p, size_t n);

/* Writes the buffer to f and empties it. Returns DW_OK or DW_EIO. */
int dw_sb_flush(struct dw_sb *sb, FILE *f) DW_WUR;

#endif
