/*
 * entra.h - Microsoft Entra ID (Azure AD) sign-in records, one JSON object
 * per line, in any of the three shapes seen in the wild: the Azure Monitor
 * diagnostic-settings export (envelope with "properties"), the Microsoft
 * Graph signIn object, and Log Analytics SigninLogs /
 * AADNonInteractiveUserSignInLogs rows. The caller tokenises the line once
 * (dw_json_parse, token 0 = root object) and offers it to dw_entra_match();
 * the mapping is described at the top of entra.c.
 */
#ifndef DW_PARSE_ENTRA_H
#define DW_PARSE_ENTRA_H

#include "../core/dw.h"
#include "../event/event.h"
#include "json.h"

/* 1 if the record (token 0 = root object) is an Entra sign-in in any shape. */
int dw_entra_match(const struct dw_json *j);

/*
 * Fills e (already cleared by the caller, file/line set) from the record.
 * Strings with escapes are decoded into scratch[0..cap) (cut when full);
 * other strings point into the record text. Returns DW_OK, or DW_EINVAL with
 * *why = DW_UNP_BAD_JSON (missing required field or wrong type) or
 * DW_UNP_BAD_TIME.
 */
int dw_entra_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		   int *why) DW_WUR;

/*
 * The reason (enum dw_reason) for an Entra / AADSTS result code: 0 gives
 * DW_RSN_NONE (success); unknown codes DW_RSN_OTHER. Shared with o365.c
 * (the Unified Audit Log's ErrorNumber is the same code).
 */
int dw_entra_code_reason(int64_t code);

#endif
