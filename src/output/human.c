/*
 * human.c - see human.h. Pure functions of their arguments (UTC, no locale),
 * so a report is the same bytes wherever it is written.
 */
#include "human.h"

#include "../core/tm.h"

void dw_human_count(struct dw_sb *sb, uint64_t v)
{
	char d[24];
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n--) {
		dw_sb_putc(sb, d[n]);
		if (n && n % 3 == 0)
			dw_sb_putc(sb, ',');
	}
}

void dw_human_time(struct dw_sb *sb, int64_t ns, const char *none)
{
	int y, mo, d, h, mi, s;

	if (ns == DW_TS_NONE) {
		dw_sb_puts(sb, none);
		return;
	}
	dw_tm_to_civil(ns >= 0 ? ns / DW_NS : -((-ns + DW_NS - 1) / DW_NS), &y, &mo, &d, &h, &mi,
		       &s);
	dw_sb_printf(sb, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
}

void dw_human_dur(struct dw_sb *sb, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		dw_sb_printf(sb, "%lld s", (long long)secs);
	else if (secs < 3600)
		dw_sb_printf(sb, "%lld min %lld s", (long long)(secs / 60), (long long)(secs % 60));
	else if (secs < 86400)
		dw_sb_printf(sb, "%lld h %lld min", (long long)(secs / 3600),
			     (long long)(secs % 3600 / 60));
	else
		dw_sb_printf(sb, "%lld d %lld h", (long long)(secs / 86400),
			     (long long)(secs % 86400 / 3600));
}

void dw_human_bytes(struct dw_sb *sb, uint64_t v)
{
	static const char *const unit[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
	double x = (double)v;
	int u = 0;

	if (v < 1000) {
		dw_sb_printf(sb, "%llu bytes", (unsigned long long)v);
		return;
	}
	while (x >= 1000 && u < 6) {
		x /= 1000;
		u++;
	}
	dw_sb_printf(sb, "%.1f %s", x, unit[u]);
}
