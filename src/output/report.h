/*
 * report.h - the text report of `dwell report`: plain text for a terminal
 * or a ticket (no colours, columns aligned, long lists wrapped at 78
 * columns). Control bytes and bidirectional overrides in log strings are
 * shown as '?', so a hostile user name cannot drive the terminal.
 */
#ifndef DW_OUTPUT_REPORT_H
#define DW_OUTPUT_REPORT_H

#include "../core/dw.h"
#include "../core/sb.h"
#include "../incident/incident.h"

/*
 * Appends the report to sb. id 0: an overview of every incident held, then
 * each incident in full; else incident id alone. b is borrowed (walked with
 * dw_incidents_view, so views of b are invalidated). Returns DW_OK,
 * DW_ENOENT when no incident has that id, or DW_ERANGE when sb reached its
 * cap (the text is cut).
 */
int dw_report_text(struct dw_incidents *b, uint64_t id, struct dw_sb *sb) DW_WUR;

#endif
