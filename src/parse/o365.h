/*
 * o365.h - Microsoft 365 Unified Audit Log sign-in records (Management
 * Activity API, Workload AzureActiveDirectory, RecordType 15, Operation
 * UserLoggedIn / UserLoginFailed), one JSON object per line. The caller
 * tokenises the line once (dw_json_parse, token 0 = root object); the
 * mapping is described at the top of o365.c.
 */
#ifndef DW_PARSE_O365_H
#define DW_PARSE_O365_H

#include "../core/dw.h"
#include "../event/event.h"
#include "json.h"

/* 1 if the record (token 0 = root object) is a UAL UserLoggedIn / UserLoginFailed. */
int dw_o365_match(const struct dw_json *j);

/*
 * Fills e (already cleared by the caller) from the record; strings with
 * escapes are decoded into scratch[0..cap) (cut when full). Returns DW_OK,
 * or DW_EINVAL with *why = DW_UNP_BAD_JSON or DW_UNP_BAD_TIME.
 */
int dw_o365_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		  int *why) DW_WUR;

#endif
