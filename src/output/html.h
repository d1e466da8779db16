/*
 * html.h - the HTML report: one self-contained document (inline CSS and
 * SVG, no script, no external asset, no network) with an overview - the
 * headline numbers, the accounts to reset, a chart of failures, successes
 * and sessions over time, the list of incidents - and one section per
 * incident (headline, accounts to reset with reasons, sources, accounts,
 * access, the timeline with its evidence), linked from the overview.
 *
 * Every string from the logs is attacker-controlled: all of them are
 * HTML-escaped, and a Content-Security-Policy forbids scripts anyway.
 */
#ifndef DW_OUTPUT_HTML_H
#define DW_OUTPUT_HTML_H

#include "../core/dw.h"
#include "../core/sb.h"
#include "../incident/incident.h"

/* Events per clock hour, for the overview chart. */
struct dw_hour {
	int64_t hour; /* hours since the Unix epoch (UTC) */
	uint64_t failures, successes, sessions;
};

/* At most this many bars in the chart: each of 1..12 hours, 1..2 days or 1..52 weeks (or more). */
#define DW_HTML_BARS_MAX 168

/*
 * Writes the whole report as one self-contained HTML document to sb
 * (appended). b: the incidents (borrowed; walked with dw_incidents_view, so
 * views of b are invalidated). h: n hours sorted by hour (borrowed; n may be
 * 0, hours may have gaps and span years: the chart buckets them by hour,
 * day or week to stay within DW_HTML_BARS_MAX bars and says which). title:
 * e.g. "dwell report"; sub: a line such as the inputs and the scan time
 * (may be NULL). Returns DW_OK, DW_EINVAL (NULL b or sb, or h NULL with
 * n > 0), or DW_ERANGE when sb reached its cap (the document is cut).
 */
int dw_html_write(struct dw_incidents *b, const struct dw_hour *h, size_t n, const char *title,
		  const char *sub, struct dw_sb *sb) DW_WUR;

/*
 * Appends s[0..n) (borrowed) as HTML text, safe in element content and in
 * quoted attributes: & < > " ' as entities; control characters, C1
 * controls, bidirectional marks and overrides and invalid UTF-8 as U+FFFD.
 */
void dw_html_esc(struct dw_sb *sb, const char *s, size_t n);

/*
 * The code point of the valid UTF-8 sequence at s (n > 0 bytes readable)
 * into *cp; returns its length (1..4), or 0 when the bytes are not valid
 * UTF-8. Shared with the text report.
 */
size_t dw_html_utf8(const char *s, size_t n, uint32_t *cp);

/* 1 for what neither report shows as itself: controls, C1 controls, bidi marks and overrides. */
int dw_html_hidden(uint32_t cp);

#endif
