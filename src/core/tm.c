/*
 * tm.c - calendar conversions (Howard Hinnant's days-from-civil algorithm,
 * written out here from its published description) and RFC 3339 parsing and
 * formatting. No allocation, no global state, no libc time functions.
 */
#include "tm.h"

int64_t dw_tm_from_civil(int year, int mon, int day, int hour, int min, int sec)
{
	int64_t y = year - (mon <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (mon + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;

	return days * 86400 + hour * 3600 + min * 60 + sec;
}

void dw_tm_to_civil(int64_t secs, int *year, int *mon, int *day, int *hour, int *min, int *sec)
{
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t rem = secs - days * 86400;
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(yoe + era * 400 + (m <= 2));
	*mon = (int)m;
	*day = (int)d;
	*hour = (int)(rem / 3600);
	*min = (int)(rem / 60 % 60);
	*sec = (int)(rem % 60);
}

int dw_tm_mdays(int year, int mon)
{
	static const unsigned char md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (mon < 1 || mon > 12)
		return 0;
	return md[mon - 1] + (mon == 2 && leap);
}

int dw_tm_month3(const char *p)
{
	/* switch on the first letter: this runs once per RFC 3164 line */
	switch (p[0]) {
	case 'J':
		if (p[1] == 'a' && p[2] == 'n')
			return 1;
		if (p[1] == 'u')
			return p[2] == 'n' ? 6 : p[2] == 'l' ? 7 : 0;
		return 0;
	case 'F': return p[1] == 'e' && p[2] == 'b' ? 2 : 0;
	case 'M':
		if (p[1] != 'a')
			return 0;
		return p[2] == 'r' ? 3 : p[2] == 'y' ? 5 : 0;
	case 'A':
		if (p[1] == 'p' && p[2] == 'r')
			return 4;
		return p[1] == 'u' && p[2] == 'g' ? 8 : 0;
	case 'S': return p[1] == 'e' && p[2] == 'p' ? 9 : 0;
	case 'O': return p[1] == 'c' && p[2] == 't' ? 10 : 0;
	case 'N': return p[1] == 'o' && p[2] == 'v' ? 11 : 0;
	case 'D': return p[1] == 'e' && p[2] == 'c' ? 12 : 0;
	default: return 0;
	}
}

static int digits(const char *p, size_t n, size_t off, int count, int *out)
{
	int v = 0;

	if (off + (size_t)count > n)
		return -1;
	for (int i = 0; i < count; i++) {
		unsigned c = (unsigned)((unsigned char)p[off + i] - '0');
		if (c > 9)
			return -1;
		v = v * 10 + (int)c;
	}
	*out = v;
	return 0;
}

int dw_tm_parse_rfc3339(const char *p, size_t n, int64_t *ns, int *prec, size_t *used)
{
	int y, mo, d, h, mi, s, zh = 0, zm = 0, sign = 0, pr = 0;
	int64_t frac = 0;
	size_t i = 19;

	if (n < 19 || digits(p, n, 0, 4, &y) || p[4] != '-' || digits(p, n, 5, 2, &mo) ||
	    p[7] != '-' || digits(p, n, 8, 2, &d) || (p[10] != 'T' && p[10] != ' ') ||
	    digits(p, n, 11, 2, &h) || p[13] != ':' || digits(p, n, 14, 2, &mi) || p[16] != ':' ||
	    digits(p, n, 17, 2, &s))
		return DW_EINVAL;
	/* int64 nanoseconds end in April 2262: refuse years that would overflow */
	if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > dw_tm_mdays(y, mo) || h > 23 ||
	    mi > 59 || s > 60)
		return DW_EINVAL;
	if (s == 60)
		s = 59; /* leap second: clamp, keep order */
	if (i < n && (p[i] == '.' || p[i] == ',')) {
		i++;
		while (i < n && dw_isdigit((unsigned char)p[i])) {
			if (pr < 9) {
				frac = frac * 10 + (p[i] - '0');
				pr++;
			}
			i++;
		}
		if (pr == 0)
			return DW_EINVAL;
	}
	for (int k = pr; k < 9; k++)
		frac *= 10;
	if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
		i++;
	} else if (i < n && (p[i] == '+' || p[i] == '-')) {
		sign = p[i] == '-' ? -1 : 1;
		if (digits(p, n, i + 1, 2, &zh))
			return DW_EINVAL;
		i += 3;
		if (i < n && p[i] == ':')
			i++;
		if (digits(p, n, i, 2, &zm))
			return DW_EINVAL;
		i += 2;
		if (zh > 23 || zm > 59)
			return DW_EINVAL;
	}
	*ns = (dw_tm_from_civil(y, mo, d, h, mi, s) - sign * (zh * 3600 + zm * 60)) * DW_NS + frac;
	*prec = pr;
	*used = i;
	return DW_OK;
}

static void put2(char *b, int v)
{
	b[0] = (char)('0' + v / 10);
	b[1] = (char)('0' + v % 10);
}

size_t dw_tm_format(int64_t ns, int prec, char *buf)
{
	int64_t secs = ns >= 0 ? ns / DW_NS : -((-ns + DW_NS - 1) / DW_NS);
	int64_t frac = ns - secs * DW_NS;
	int y, mo, d, h, mi, s;
	size_t n;

	dw_tm_to_civil(secs, &y, &mo, &d, &h, &mi, &s);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	put2(buf + 2, y % 100);
	buf[4] = '-';
	put2(buf + 5, mo);
	buf[7] = '-';
	put2(buf + 8, d);
	buf[10] = 'T';
	put2(buf + 11, h);
	buf[13] = ':';
	put2(buf + 14, mi);
	buf[16] = ':';
	put2(buf + 17, s);
	n = 19;
	if (prec > 9)
		prec = 9;
	if (prec > 0) {
		int64_t div = DW_NS;
		buf[n++] = '.';
		for (int k = 0; k < prec; k++) {
			div /= 10;
			buf[n++] = (char)('0' + (frac / div) % 10);
		}
	}
	buf[n++] = 'Z';
	buf[n] = 0;
	return n;
}

int dw_tm_parse_rfc3339_all(const char *p, size_t n, int64_t *ns, int *prec)
{
	size_t used;

	if (dw_tm_parse_rfc3339(p, n, ns, prec, &used) != DW_OK || used != n)
		return DW_EINVAL;
	return DW_OK;
}

int dw_tm_parse_epoch(const char *p, size_t n, int64_t *ns, int *prec)
{
	int64_t sec = 0, frac = 0;
	size_t i = 0;
	int k = 0;

	for (; i < n && dw_isdigit(p[i]); i++) {
		if (i >= 10)
			return DW_EINVAL;
		sec = sec * 10 + (p[i] - '0');
	}
	if (i == 0 || sec > 9000000000LL)
		return DW_EINVAL; /* no overflow in ns below (the year 2255 at most) */
	if (i < n && p[i] == '.')
		for (i++; i < n && dw_isdigit(p[i]); i++)
			if (k < 9) {
				frac = frac * 10 + (p[i] - '0');
				k++;
			}
	if (i != n)
		return DW_EINVAL;
	*prec = k;
	for (; k < 9; k++)
		frac *= 10;
	*ns = sec * DW_NS + frac;
	return DW_OK;
}
