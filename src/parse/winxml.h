/*
 * winxml.h - Windows Security events in their single-line XML renderings:
 * native (EvtRender, Event Viewer "XML view", WEF, Splunk XmlWinEventLog;
 * single or double quotes) and python-evtx. One record per line.
 *
 * What is read: System/EventID, TimeCreated@SystemTime, EventRecordID,
 * Computer, and the EventData <Data Name="X">value</Data> fields listed in
 * wincodes.h; their meaning (action, reason, user, source, ...) is
 * dw_wincodes_fill()'s, see wincodes.h for the field mapping.
 *
 * XML entities (&amp; &lt; &gt; &quot; &apos; &#N; &#xH;): dw_winxml_parse()
 * keeps values that contain them as logged (raw), except the user key,
 * which is always computed from the decoded name (so "O&apos;Brien" and a
 * JSON rendering's "O'Brien" are one account). dw_winxml_parse_buf() decodes
 * them into the caller's scratch buffer, which then must live as long as
 * the event; values that do not fit stay raw.
 */
#ifndef DW_PARSE_WINXML_H
#define DW_PARSE_WINXML_H

#include "../core/dw.h"
#include "../event/event.h"

/* Bytes of decoded values one record can hold. */
#define DW_WINXML_SCRATCH 1024

struct dw_winxml_scratch {
	char b[DW_WINXML_SCRATCH];
};

/* 1 if the line looks like an <Event ...> XML record (leading blanks, BOM, <?xml?> allowed). */
int dw_winxml_sniff(const char *p, size_t n);

/*
 * Parses one record p[0..n) (no NUL needed, never read past n) into e,
 * which the caller has cleared (file/line set). The event's slices point
 * into p (and static strings). Returns DW_OK, or DW_EINVAL with *why a
 * DW_UNP_* reason: bad_header (not XML, not an Event, no EventID),
 * truncated (no closing </Event>, or cut inside a tag or value), bad_time
 * (TimeCreated missing or unreadable).
 */
int dw_winxml_parse(const char *p, size_t n, struct dw_event *e, int *why) DW_WUR;

/* As dw_winxml_parse, with entity-bearing values decoded into s (may be NULL). */
int dw_winxml_parse_buf(const char *p, size_t n, struct dw_event *e,
			struct dw_winxml_scratch *s, int *why) DW_WUR;

#endif
