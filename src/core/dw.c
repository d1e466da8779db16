/*
 * dw.c - status code messages. Nothing else lives here.
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
