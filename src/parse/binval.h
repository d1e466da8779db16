/*
 * binval.h - the values of EVTX Binary XML as text and numbers: UTF-16 to
 * UTF-8, integers, hex, FILETIME/SYSTEMTIME, SIDs (binval.c), and the
 * little-endian reads binxml.c and evtx.c share. Pure functions, no state.
 */
#ifndef DW_PARSE_BINVAL_H
#define DW_PARSE_BINVAL_H

#include "../core/dw.h"

static inline uint16_t dw_rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t dw_rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t dw_rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/*
 * UTF-16LE -> UTF-8 of s[0..2*nchars), stopping at the first NUL character;
 * out must hold 3*nchars bytes. Lone surrogates become U+FFFD. simd = 0
 * forces the scalar path (tests compare the two). Returns bytes written.
 */
size_t dw_binval_utf16(const uint8_t *s, size_t nchars, char *out, int simd);
/* Code point c as UTF-8 into o (at most 4 bytes); returns the bytes written. */
size_t dw_binval_put_cp(uint32_t c, char *o);
/* Decimal / "0x..." text of v into o (at most 20 / 18 bytes); return the length. */
size_t dw_binval_u64_text(uint64_t v, char *o);
size_t dw_binval_i64_text(int64_t v, char *o);
size_t dw_binval_hex_text(uint64_t v, char *o);
/* FILETIME / SYSTEMTIME (16 bytes at d) -> ns since 1970; DW_OK or DW_EINVAL. */
int dw_binval_filetime_ns(uint64_t ft, int64_t *ns);
int dw_binval_systemtime_ns(const uint8_t *d, int64_t *ns);
/* Text of a fixed-size value of substitution type t (size bytes at d) into o; 0 if none. */
size_t dw_binval_scalar_text(int t, const uint8_t *d, size_t size, char *o);
/* Bytes of a fixed-size substitution type (0: variable or unknown). */
size_t dw_binval_scalar_size(int t);
/* An NT SID as "S-1-5-21-..." into o (cap bytes); 0 if it does not read. */
size_t dw_binval_sid_text(const uint8_t *d, size_t size, char *o, size_t cap);

#endif
