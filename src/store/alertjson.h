/*
 * alertjson.h - reads alerts back from their JSON lines (see alertjson.c).
 */
#ifndef DW_STORE_ALERTJSON_H
#define DW_STORE_ALERTJSON_H

#include "../core/dw.h"
#include "../event/alert.h"

struct dw_alertjson;

/* Creates a reader. Returns DW_OK and an owned *out (free with dw_alertjson_free), or DW_ENOMEM. */
int dw_alertjson_new(struct dw_alertjson **out) DW_WUR;
/* Frees the reader (the names in alerts it filled stay valid: see alertjson.c). */
void dw_alertjson_free(struct dw_alertjson *r);

/*
 * Fills *a (initialised here; the caller frees it with dw_alert_free) from one
 * alert's JSON p[0..n). Returns DW_OK, DW_EINVAL for a line that is not an
 * alert (a is then empty), DW_ENOMEM. Names in a borrow from r.
 */
int dw_alertjson_read(struct dw_alertjson *r, const char *p, size_t n, struct dw_alert *a) DW_WUR;

#endif
