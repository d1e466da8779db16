/*
 * dw.h - the few definitions every layer of dwell shares.
 *
 * Status convention: functions that can fail return int, 0 on success and a
 * negative DW_E* code otherwise. Untrusted input never makes a function
 * abort; it returns DW_EINVAL (or a module-specific reason) and the caller
 * bumps a named counter. DW_BUG_ON() is for internal invariants only.
 *
 * A dw_slice is a borrowed view into someone else's buffer: it never owns
 * memory and is valid only as long as the buffer it points into.
 */
#ifndef DW_CORE_DW_H
#define DW_CORE_DW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum {
	DW_OK = 0,
	DW_ENOMEM = -1,   /* allocation failed */
	DW_EINVAL = -2,   /* malformed input or argument */
	DW_EIO = -3,      /* read/write/open failed; errno is kept */
	DW_ERANGE = -4,   /* value or size out of range */
	DW_ENOENT = -5,   /* not found */
	DW_EAGAIN = -6,   /* no data yet (follow mode) */
	DW_EOF = -7,      /* end of input */
	DW_ETOOBIG = -8,  /* record longer than the configured maximum */
};

#define DW_WUR __attribute__((warn_unused_result))
#define DW_LIKELY(x) __builtin_expect(!!(x), 1)
#define DW_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define DW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define DW_MIN(a, b) ((a) < (b) ? (a) : (b))
#define DW_MAX(a, b) ((a) > (b) ? (a) : (b))

#ifdef NDEBUG
#define DW_BUG_ON(c) ((void)0)
#else
#include <stdio.h>
#include <stdlib.h>
#define DW_BUG_ON(c)                                                                   \
	do {                                                                           \
		if (c) {                                                               \
			fprintf(stderr, "dwell: internal error %s:%d: %s\n", __FILE__, \
				__LINE__, #c);                                         \
			abort();                                                       \
		}                                                                      \
	} while (0)
#endif

/* a + b, saturating at UINT64_MAX (byte counters fed by hostile logs). */
static inline uint64_t dw_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* A double as a uint64_t: negative or NaN -> 0, past the range -> UINT64_MAX. */
static inline uint64_t dw_u64_of(double x)
{
	if (!(x > 0))
		return 0;
	return x >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)x;
}

/* Decimal digit test that never depends on locale or signedness. */
static inline int dw_isdigit(int c)
{
	return (unsigned)(c - '0') <= 9u;
}

/* ASCII lower case that never depends on locale. */
static inline int dw_tolower(int c)
{
	return (unsigned)(c - 'A') <= 25u ? c + 32 : c;
}

/* Nanoseconds per second, and the "no time" marker. */
#define DW_NS 1000000000LL
#define DW_TS_NONE INT64_MIN

struct dw_slice {
	const char *p;
	size_t n;
};

static inline struct dw_slice dw_slice_make(const char *p, size_t n)
{
	struct dw_slice s = {p, n};
	return s;
}

static inline struct dw_slice dw_slice_cstr(const char *s)
{
	return dw_slice_make(s, strlen(s));
}

static inline int dw_slice_eq(struct dw_slice a, const char *lit)
{
	size_t n = strlen(lit);
	return a.n == n && memcmp(a.p, lit, n) == 0;
}

/* Drops spaces and tabs at both ends of s. */
static inline struct dw_slice dw_slice_trim(struct dw_slice s)
{
	while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.n--;
	}
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	return s;
}

/* The same for any ASCII white space of text formats (also CR and LF). */
static inline struct dw_slice dw_slice_trim_space(struct dw_slice s)
{
	while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n')) {
		s.p++;
		s.n--;
	}
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' ||
		       s.p[s.n - 1] == '\n'))
		s.n--;
	return s;
}

/*
 * Reads s (white space - space, tab, CR, LF - trimmed at both ends) as a
 * decimal number of at most max. Returns DW_OK or DW_EINVAL (empty, a
 * non-digit, or more than max).
 */
int dw_slice_u64(struct dw_slice s, uint64_t max, uint64_t *out) DW_WUR;

/* 1 if s equals the NUL-terminated lit, ignoring ASCII case. */
int dw_slice_eq_ci(struct dw_slice s, const char *lit);

/* Returns the message text for a DW_E* code; static storage. */
const char *dw_strerror(int err);

#endif
