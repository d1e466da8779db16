/*
 * netscaler.h - Citrix ADC / NetScaler (Gateway, AAA-TM) syslog records:
 * sniffing and a stateless, allocation-free parser into dw_event.
 *
 * Framings read (see netscaler.c for the grammar and every mapping rule):
 *   native   "<PRI> MM/DD/YYYY:HH:MM:SS [TZ] [host] N-PPE-N : [partition ]FEATURE EVENT seq n : body"
 *   RFC 5424 "<PRI>1 TS HOST FEATURE N-PPE-N MSGID SD [partition ]EVENT seq n : body"
 *   relayed  any prefix a collector adds before the native stamp
 *            ("May 31 02:05:23 <local0.info> 10.106.44.21  05/31/2024:...")
 *
 * Slices of the event point into p[0..n); nothing is allocated.
 */
#ifndef DW_PARSE_NETSCALER_H
#define DW_PARSE_NETSCALER_H

#include "../core/dw.h"
#include "../event/event.h"

/* Options of the native time stamp; all-zero is the default. */
struct dw_netscaler_opts {
	/*
	 * Order of an ambiguous native date (both of the first two parts <= 12):
	 * 0 = MM/DD/YYYY (the appliance default), 1 = DD/MM/YYYY. A date with a
	 * part > 12 is read in the only order it allows, whatever this says.
	 */
	int dmy;
	/*
	 * Seconds east of UTC of native stamps without "GMT"/"UTC" (appliance
	 * local time). 0 (default) reads them as UTC.
	 */
	int32_t utc_offset;
};

/* 1 if p[0..n) is a NetScaler record in any supported framing, else 0. */
int dw_netscaler_sniff(const char *p, size_t n);

/*
 * Parses p[0..n) (borrowed; the event's slices point into it) into e, which
 * the caller has cleared (file/line set). Returns DW_OK, or DW_EINVAL with
 * *why = DW_UNP_BAD_HEADER, DW_UNP_BAD_TIME or DW_UNP_TRUNCATED. Default
 * options (see dw_netscaler_parse_opts).
 */
int dw_netscaler_parse(const char *p, size_t n, struct dw_event *e, int *why) DW_WUR;

/* As dw_netscaler_parse, with options (o may be NULL for the defaults). */
int dw_netscaler_parse_opts(const char *p, size_t n, struct dw_event *e, int *why,
			    const struct dw_netscaler_opts *o) DW_WUR;

#endif
