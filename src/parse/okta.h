/*
 * okta.h - Okta System Log LogEvent objects (GET /api/v1/logs, one JSON
 * object per line), camelCase keys or lower-cased ones (Panther exports).
 * The caller tokenises the line once (json.h) and offers the tokens to
 * dw_okta_match() and dw_okta_parse(); the mapping is at the top of okta.c.
 */
#ifndef DW_PARSE_OKTA_H
#define DW_PARSE_OKTA_H

#include "../core/dw.h"
#include "../event/event.h"
#include "json.h"

/* 1 if token 0 of j is an Okta LogEvent (an object with a string eventType and an actor/outcome/published). */
int dw_okta_match(const struct dw_json *j);

/*
 * Fills e (cleared by the caller, file/line set) from the LogEvent in j.
 * Strings holding escapes are decoded into scratch[0..cap) (cut when full;
 * scratch must live as long as e); other slices point into the record.
 * Returns DW_OK, or DW_EINVAL with *why DW_UNP_BAD_JSON (not an object, no
 * string eventType) or DW_UNP_BAD_TIME (published missing or unreadable).
 */
int dw_okta_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		  int *why) DW_WUR;

#endif
