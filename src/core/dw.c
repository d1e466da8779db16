/*
 * dw.c - status code messages and the one slice helper that is not inline.
 */
#include "dw.h"

const char *dw_strerror(int err)
{
	switch (err) {
	case DW_OK: return "ok";
	case DW_ENOMEM: return "out of memory";
	case DW_EINVAL: return "invalid input";
	case DW_EIO: return "input/output error";
	case DW_ERANGE: return "out of range";
	case DW_ENOENT: return "not found";
	case DW_EAGAIN: return "no data yet";
	case DW_EOF: return "end of input";
	case DW_ETOOBIG: return "too big";
	default: return "unknown error";
	}
}

int dw_slice_eq_ci(struct dw_slice s, const char *lit)
{
	size_t n = strlen(lit);

	if (s.n != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s.p[i], b = (unsigned char)lit[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b + 32);
		if (a != b)
			return 0;
	}
	return 1;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int dw_slice_u64(struct dw_slice s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	while (s.n && is_ws(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_ws(s.p[s.n - 1]))
		s.n--;
	if (s.n == 0 || s.n > 20)
		return DW_EINVAL;
	for (size_t i = 0; i < s.n; i++) {
		unsigned d = (unsigned)(unsigned char)s.p[i] - '0';
		if (d > 9 || v > (max - d) / 10)
			return DW_EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return DW_OK;
}
