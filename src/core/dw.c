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
