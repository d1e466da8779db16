/*
 * winjson.h - Windows Security events in their JSON renderings: evtx_dump
 * (omerbenamram/evtx, default "#attributes" layout and
 * --separate-json-attributes), raw Winlogbeat documents (winlog.*) and ECS
 * documents from the Elastic ingest pipelines (event.code, source.ip,
 * winlog.event_data). The EventData fields go through dw_wincodes_fill(),
 * so each rendering yields the event the XML parser (winxml.c) gives for
 * the same record. Layouts and decisions are at the top of winjson.c.
 */
#ifndef DW_PARSE_WINJSON_H
#define DW_PARSE_WINJSON_H

#include "../core/dw.h"
#include "../event/event.h"
#include "json.h"

/* 1 if token 0 of j is a Windows event: Event.System (evtx_dump) or winlog.* with an event id. */
int dw_winjson_match(const struct dw_json *j);

/*
 * Fills e (cleared by the caller, file/line set) from the record in j.
 * Strings holding escapes are decoded into scratch[0..cap) (cut when full;
 * scratch must live as long as e); other slices point into the record.
 * Returns DW_OK, or DW_EINVAL with *why DW_UNP_BAD_JSON (no usable event
 * id, not an object) or DW_UNP_BAD_TIME (no time, or unreadable).
 */
int dw_winjson_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		     int *why) DW_WUR;

#endif
