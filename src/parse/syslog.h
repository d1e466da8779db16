/*
 * syslog.h - syslog header parsing: every header style dwell reads, and the
 * year inference RFC 3164 needs.
 *
 * Styles (an optional "<PRI>" may precede the first three):
 *   RFC 3164 / BSD      "Mmm dd HH:MM:SS host prog[pid]: msg" (day space-padded or
 *                       not; host may be absent; journalctl -o short-precise adds
 *                       ".ffffff" to the seconds)
 *   RFC 3339 full date  "2015-04-16T18:02:50.321974+00:00 host prog[pid]: msg"
 *                       (rsyslog high precision, journalctl -o short-iso "+0100")
 *   RFC 5424            "<PRI>1 TS HOST APP PROCID MSGID SD [BOM]MSG" (NILVALUE "-";
 *                       SD elements with escaped or quoted "]")
 * The tag may be "prog[pid]:", "prog:", "[prog]:" or "[prog]"; a record with
 * no tag at all keeps its text as the message and no program.
 *
 * Year inference (RFC 3164 carries no year), per input file:
 *   - the first record's year is opts.year when given; otherwise the year of
 *     the reference time (the file's mtime, or now for stdin), minus one if
 *     the record's month is later than the reference month (a log cannot be
 *     newer than its file);
 *   - a month going backwards by six months or more (Dec -> Jan) starts the
 *     next year, so archives that cross New Year stay in order;
 *   - a month jumping forwards by six months or more (Jan -> Dec) is taken as
 *     a stray record of the previous year and does not move the state.
 * RFC 3164 times carry no zone: they are read as UTC plus a fixed offset
 * (opts utc_offset, seconds east of UTC; 0 by default).
 *
 * Nothing here allocates; slices point into the line.
 */
#ifndef DW_PARSE_SYSLOG_H
#define DW_PARSE_SYSLOG_H

#include "../core/dw.h"

enum dw_syslog_style {
	DW_SYSLOG_3164 = 1,
	DW_SYSLOG_3339,
	DW_SYSLOG_5424,
};

struct dw_syslog_hdr {
	uint8_t style;     /* enum dw_syslog_style */
	uint8_t need_year; /* RFC 3164: ts is not set yet, see dw_syslog_year_apply */
	uint8_t prec;      /* fractional digits of the time */
	uint8_t has_pid;
	uint8_t mon, day, hour, min, sec; /* RFC 3164 fields */
	int64_t frac;      /* RFC 3164 fraction, ns */
	int64_t ts;        /* ns UTC (when !need_year) */
	int pri;           /* -1 if absent */
	uint32_t pid;
	struct dw_slice host, program, msg;
	int why;           /* enum dw_unparsed when dw_syslog_parse fails */
};

/*
 * Parses the header of p[0..n) (borrowed) into *h. Returns DW_OK, or
 * DW_EINVAL with h->why set to DW_UNP_BAD_HEADER, DW_UNP_BAD_TIME or
 * DW_UNP_TRUNCATED. Full-date times must fall in 1990..2100.
 */
int dw_syslog_parse(const char *p, size_t n, struct dw_syslog_hdr *h) DW_WUR;

/* Per-file year state of RFC 3164 records. */
struct dw_syslog_year {
	int year;       /* current year; 0 until the first record */
	int last_mon;
	int ref_year, ref_mon;
	int fixed;      /* opts.year, 0 = infer */
	int day_key;    /* year*512 + mon*32 + day of day_base (0 = none) */
	int64_t day_base; /* seconds of that day's midnight */
	int64_t anchor_day; /* day number of the last full-date record + 1 (0 = none) */
};

/* Starts a file: fixed year (0 = infer) and the reference time in ns (mtime or now). */
void dw_syslog_year_begin(struct dw_syslog_year *y, int fixed, int64_t ref_ns);

/*
 * A record with a full date (RFC 3339, RFC 5424, journal) at ts ns sets the
 * year later RFC 3164 records of the same file continue from, unless the
 * year is fixed (--year): a file that mixes header styles needs no guess.
 */
void dw_syslog_year_anchor(struct dw_syslog_year *y, int64_t ts);

/*
 * Gives an RFC 3164 header its year and sets h->ts (utc_offset seconds east
 * of UTC are subtracted). Returns DW_OK, or DW_EINVAL (h->why = DW_UNP_BAD_TIME)
 * for a date the year makes impossible (Feb 29 of a common year); the state
 * moves only for good records.
 */
int dw_syslog_year_apply(struct dw_syslog_year *y, struct dw_syslog_hdr *h,
			 int32_t utc_offset) DW_WUR;

#endif
