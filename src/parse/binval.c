/*
 * binval.c - EVTX substitution values as text (see binval.h): UTF-16 to
 * UTF-8 with an ASCII fast path (SSE2 with a scalar twin that a unit test
 * compares), and the renderings Event Viewer uses for integers, hex
 * values, times and SIDs. Pure functions; nothing is allocated.
 */
#include <stdio.h>

#include "../core/tm.h"
#include "binval.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- UTF-16 -> UTF-8 ---------------------------------------------------- */

size_t dw_binval_put_cp(uint32_t c, char *o)
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
static size_t dw_binval_utf16_tail(const uint8_t *s, size_t i, size_t n, char *out, size_t k)
{
	while (i < n) {
		uint32_t c = dw_rd16(s + 2 * i);
		if (c == 0)
			break;
		i++;
		if (c < 0x80) {
			out[k++] = (char)c;
			continue;
		}
		if (c >= 0xd800 && c <= 0xdbff && i < n) {
			uint32_t d = dw_rd16(s + 2 * i);
			if (d >= 0xdc00 && d <= 0xdfff) {
				i++;
				k += dw_binval_put_cp(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), out + k);
				continue;
			}
		}
		if (c >= 0xd800 && c <= 0xdfff)
			c = 0xfffd;
		k += dw_binval_put_cp(c, out + k);
	}
	return k;
}

size_t dw_binval_utf16(const uint8_t *s, size_t n, char *out, int simd)
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
			uint64_t w = dw_rd64(s + 2 * i);
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
	return dw_binval_utf16_tail(s, i, n, out, k);
}

/* ---- values -> text ------------------------------------------------------ */

size_t dw_binval_u64_text(uint64_t v, char *o)
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

size_t dw_binval_i64_text(int64_t v, char *o)
{
	if (v < 0) {
		o[0] = '-';
		return 1 + dw_binval_u64_text((uint64_t)0 - (uint64_t)v, o + 1);
	}
	return dw_binval_u64_text((uint64_t)v, o);
}

size_t dw_binval_hex_text(uint64_t v, char *o)
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
int dw_binval_filetime_ns(uint64_t ft, int64_t *ns)
{
	if (ft < FT_EPOCH || ft - FT_EPOCH > (uint64_t)INT64_MAX / 100 - 1)
		return 0;
	*ns = (int64_t)(ft - FT_EPOCH) * 100;
	return 1;
}

int dw_binval_systemtime_ns(const uint8_t *d, int64_t *ns)
{
	int y = dw_rd16(d), mo = dw_rd16(d + 2), da = dw_rd16(d + 6), h = dw_rd16(d + 8), mi = dw_rd16(d + 10),
	    s = dw_rd16(d + 12), ms = dw_rd16(d + 14);

	if (y < 1970 || y > 2261 || mo < 1 || mo > 12 || da < 1 || da > dw_tm_mdays(y, mo) ||
	    h > 23 || mi > 59 || s > 59 || ms > 999)
		return 0;
	*ns = dw_tm_from_civil(y, mo, da, h, mi, s) * DW_NS + (int64_t)ms * 1000000;
	return 1;
}

/* Appends the text of one scalar value of type t (size bytes at d) at o; returns its length (o holds 80 bytes). */
size_t dw_binval_scalar_text(int t, const uint8_t *d, size_t size, char *o)
{
	static const char HX[] = "0123456789ABCDEF";
	int64_t ns;

	switch (t) {
	case 0x03:
		return size >= 1 ? dw_binval_i64_text((int8_t)d[0], o) : 0;
	case 0x04:
		return size >= 1 ? dw_binval_u64_text(d[0], o) : 0;
	case 0x05:
		return size >= 2 ? dw_binval_i64_text((int16_t)dw_rd16(d), o) : 0;
	case 0x06:
		return size >= 2 ? dw_binval_u64_text(dw_rd16(d), o) : 0;
	case 0x07:
		return size >= 4 ? dw_binval_i64_text((int32_t)dw_rd32(d), o) : 0;
	case 0x08:
		return size >= 4 ? dw_binval_u64_text(dw_rd32(d), o) : 0;
	case 0x09:
		return size >= 8 ? dw_binval_i64_text((int64_t)dw_rd64(d), o) : 0;
	case 0x0a:
		return size >= 8 ? dw_binval_u64_text(dw_rd64(d), o) : 0;
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
		if ((size >= 4 ? dw_rd32(d) : d[0]) != 0) {
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
			return dw_binval_hex_text(dw_rd64(d), o);
		return size >= 4 ? dw_binval_hex_text(dw_rd32(d), o) : 0;
	case 0x11:
		if (size < 8 || !dw_binval_filetime_ns(dw_rd64(d), &ns))
			return 0;
		return dw_tm_format(ns, 7, o);
	case 0x12:
		if (size < 16 || !dw_binval_systemtime_ns(d, &ns))
			return 0;
		return dw_tm_format(ns, 3, o);
	case 0x14:
		return size >= 4 ? dw_binval_hex_text(dw_rd32(d), o) : 0;
	case 0x15:
		return size >= 8 ? dw_binval_hex_text(dw_rd64(d), o) : 0;
	default:
		return 0;
	}
}

size_t dw_binval_scalar_size(int t)
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
size_t dw_binval_sid_text(const uint8_t *d, size_t size, char *o, size_t cap)
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
	k = 2 + dw_binval_u64_text(d[0], o + 2);
	o[k++] = '-';
	if (auth >> 32)
		k += dw_binval_hex_text(auth, o + k);
	else
		k += dw_binval_u64_text(auth, o + k);
	for (uint32_t i = 0; i < n; i++) {
		o[k++] = '-';
		k += dw_binval_u64_text(dw_rd32(d + 8 + 4 * i), o + k);
	}
	return k;
}
