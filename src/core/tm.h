/*
 * tm.h - calendar arithmetic and RFC 3339 timestamps, without the C
 * library's time zone state (no TZ, no locale): every function is pure.
 *
 * Times are int64 nanoseconds since 1970-01-01T00:00:00Z ("ns"). A
 * precision is the number of fractional second digits the source wrote
 * (0..9); output keeps it so a replay prints exactly what was read.
 */
#ifndef DW_CORE_TM_H
#define DW_CORE_TM_H

#include "dw.h"

/* Seconds since the epoch for a proleptic Gregorian UTC date and time. */
int64_t dw_tm_from_civil(int year, int mon, int day, int hour, int min, int sec);

/* Splits seconds since the epoch into UTC fields (mon 1..12). */
void dw_tm_to_civil(int64_t secs, int *year, int *mon, int *day, int *hour, int *min, int *sec);

/* Days in a month of a year (mon 1..12). */
int dw_tm_mdays(int year, int mon);

/* Returns 1..12 for "Jan".."Dec" (exact case), 0 otherwise. Reads 3 bytes. */
int dw_tm_month3(const char *p);

/*
 * Parses "YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|+hh:mm|-hh:mm|+hhmm]" at p (n bytes
 * available). A missing zone means UTC. Fills *ns, *prec, and *used with the
 * bytes consumed. Returns DW_OK or DW_EINVAL (also for impossible dates and
 * years outside 1970..2200: nanoseconds since 1970 overflow int64 in 2262).
 */
int dw_tm_parse_rfc3339(const char *p, size_t n, int64_t *ns, int *prec, size_t *used) DW_WUR;

/* The same when p[0..n) must be a timestamp and nothing else: DW_OK or DW_EINVAL. */
int dw_tm_parse_rfc3339_all(const char *p, size_t n, int64_t *ns, int *prec) DW_WUR;
/*
 * Unix epoch seconds "1654991998.444458" (at most 10 integer digits, value
 * at most 9e9 so ns cannot overflow; fraction digits past 9 are cut), the
 * whole of p[0..n). *prec = fraction digits kept. DW_OK or DW_EINVAL.
 */
int dw_tm_parse_epoch(const char *p, size_t n, int64_t *ns, int *prec) DW_WUR;

/* Longest text dw_tm_format() writes, with the NUL. */
#define DW_TM_BUFSZ 40

/* Writes ns as "YYYY-MM-DDTHH:MM:SS[.fff]Z" with prec digits into buf; returns length. */
size_t dw_tm_format(int64_t ns, int prec, char *buf);

#endif
