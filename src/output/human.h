/*
 * human.h - numbers, times, durations and sizes written for a person, the
 * same way in the text and the HTML reports.
 */
#ifndef DW_OUTPUT_HUMAN_H
#define DW_OUTPUT_HUMAN_H

#include "../core/dw.h"
#include "../core/sb.h"

/* v with thousands separators: "12,345". */
void dw_human_count(struct dw_sb *sb, uint64_t v);
/* "2024-03-05 08:36:32" (UTC, whole seconds, floored), or none for DW_TS_NONE. */
void dw_human_time(struct dw_sb *sb, int64_t ns, const char *none);
/* "45 s", "58 min 54 s", "3 h 12 min", "9 d 4 h" (negative: 0 s). */
void dw_human_dur(struct dw_sb *sb, int64_t secs);
/* "512 bytes", "309.0 MB" (SI units, one decimal). */
void dw_human_bytes(struct dw_sb *sb, uint64_t v);

#endif
