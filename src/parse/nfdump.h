/*
 * nfdump.h - NetFlow / IPFIX records as printed by `nfdump -o csv` (both
 * the <= 1.7.4 fixed layout and the >= 1.7.5 named columns) as flow
 * events. The column map is per file: keep one struct dw_nfdump per input
 * and reset it when a new file starts.
 */
#ifndef DW_PARSE_NFDUMP_H
#define DW_PARSE_NFDUMP_H

#include "../core/dw.h"
#include "../event/event.h"

#define DW_NFDUMP_COLS 96 /* header columns looked at */

struct dw_nfdump {
	int mode;                     /* 0 none, 1 in a table, 2 in the summary trailer */
	uint32_t ncols;               /* columns of the header; 0: the fixed layout, no header */
	int8_t field[DW_NFDUMP_COLS]; /* what column i is (a field index), -1 if not read */
};

void dw_nfdump_reset(struct dw_nfdump *z);

/*
 * A line that is not a record: a CSV header (maps the columns), or a line of
 * the "Summary" trailer nfdump prints after the records. Returns 1 if the
 * line was one (it gives no event), 0 if not.
 */
int dw_nfdump_control(struct dw_nfdump *z, const char *p, size_t n);

/*
 * 1 if p[0..n) is a record: of the table a header started, or a line of the
 * fixed <= 1.7.4 layout ("YYYY-MM-DD HH:MM:SS,YYYY-MM-DD HH:MM:SS,", 47 or
 * 48 columns) in a file printed with -q (no header).
 */
int dw_nfdump_sniff(const struct dw_nfdump *z, const char *p, size_t n);

/*
 * Parses one record into e (cleared by the caller; slices point into p).
 * utc_offset: seconds east of UTC of the zone-less local stamps nfdump
 * prints (its collector's zone). DW_OK, or DW_EINVAL with *why.
 */
int dw_nfdump_parse(const struct dw_nfdump *z, const char *p, size_t n, int32_t utc_offset,
		    struct dw_event *e, int *why) DW_WUR;

#endif
