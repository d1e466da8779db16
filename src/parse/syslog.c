/*
 * syslog.c - syslog header parsing and RFC 3164 year inference (see
 * syslog.h for the styles and the year rules).
 *
 * One pass, left to right, no allocation, no state but the caller's
 * dw_syslog_year. A failure says why: the line ended inside the header
 * (truncated), the header has the wrong shape (bad_header), or it has the
 * right shape but an impossible time (bad_time: 25:00, Feb 30, year 1970).
 */
#include "syslog.h"

#include "../core/tm.h"
#include "parser.h"

#define YEAR_MIN 1990
#define YEAR_MAX 2100
#define HOST_MAX 255 /* longest host token accepted */
#define TAG_MAX 64   /* longest program name in a tag */

static int fail(struct dw_syslog_hdr *h, int why)
{
	h->why = why;
	return DW_EINVAL;
}

static int digits2(const char *p)
{
	if (!dw_isdigit((unsigned char)p[0]) || !dw_isdigit((unsigned char)p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Length of the token at p (up to a space). */
static size_t tok(const char *p, size_t n)
{
	const char *s = memchr(p, ' ', n);
	return s ? (size_t)(s - p) : n;
}

/* Bytes that end a program name: '[', ']', ':' and ' '. */
static const unsigned char tag_stop[256] = {[' '] = 1, ['['] = 1, [']'] = 1, [':'] = 1};

/*
 * A tag at p: "name[pid]:", "name:", "name[pid]", "[name]:" or "[name]".
 * With strict set, the tag must be the whole token t[0..tn) (used to tell a
 * missing host from a host). Returns the bytes the tag used (0 = no tag).
 */
static size_t tag(const char *p, size_t n, int strict, struct dw_syslog_hdr *h)
{
	size_t i = 0, name0, name1, d0;
	uint64_t pid = 0;
	int has_pid = 0, bracket = 0, closed = 0; /* closed: "]" or ":" seen */

	if (n && p[0] == '[') {
		bracket = 1;
		i = 1;
	}
	name0 = i;
	while (i < n && i - name0 < TAG_MAX && !tag_stop[(unsigned char)p[i]])
		i++;
	name1 = i;
	if (name1 == name0 || i >= n)
		return 0;
	if (bracket) {
		if (p[i] != ']')
			return 0;
		i++;
		closed = 1;
	} else if (p[i] == '[') {
		size_t end;
		d0 = ++i;
		end = DW_MIN(n, d0 + 10);
		while (i < end && dw_isdigit((unsigned char)p[i]))
			pid = pid * 10 + (uint64_t)(p[i++] - '0');
		if (i >= n || p[i] != ']')
			return 0;
		has_pid = i > d0 && pid <= UINT32_MAX;
		i++;
		closed = 1;
	} else if (p[i] != ':') {
		return 0;
	}
	if (i < n && p[i] == ':') {
		i++;
		closed = 1;
	}
	if (!closed || (strict && i < n))
		return 0;
	h->program = dw_slice_make(p + name0, name1 - name0);
	h->has_pid = (uint8_t)has_pid;
	h->pid = has_pid ? (uint32_t)pid : 0;
	return i;
}

/* After the time: "[host ]tag msg" with every part but the first token optional. */
static int host_tag_msg(const char *p, size_t n, struct dw_syslog_hdr *h)
{
	size_t t, k;

	while (n && *p == ' ') {
		p++;
		n--;
	}
	if (n == 0)
		return fail(h, DW_UNP_TRUNCATED);
	t = tok(p, n);
	/* a host never ends in ':' or ']': only then can the token be a tag */
	if (t == 0 || (p[t - 1] != ':' && p[t - 1] != ']') || (k = tag(p, t, 1, h)) == 0) {
		if (t > HOST_MAX)
			return fail(h, DW_UNP_BAD_HEADER);
		h->host = dw_slice_make(p, t);
		p += t;
		n -= t;
		while (n && *p == ' ') {
			p++;
			n--;
		}
		if (n == 0)
			return fail(h, DW_UNP_TRUNCATED);
		k = tag(p, n, 0, h);
	}
	p += k;
	n -= k;
	if (k && n && *p == ' ') {
		p++;
		n--;
	}
	h->msg = dw_slice_make(p, n);
	return DW_OK;
}

/* Longest day of each month in any year (1-based; the year is checked later). */
static const unsigned char max_mday[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/* "Mmm dd HH:MM:SS[.f]" at p; returns bytes used, or 0 with h->why set. */
static size_t time3164(const char *p, size_t n, struct dw_syslog_hdr *h)
{
	size_t i = 4;
	int mon, day, hh, mm, ss;

	if (n < 3 || !(mon = dw_tm_month3(p)) || (n > 3 && p[3] != ' '))
		return (void)fail(h, DW_UNP_BAD_HEADER), 0;
	if (n < 14)
		return (void)fail(h, DW_UNP_TRUNCATED), 0;
	/* "Jul  3", "Jul 03", "Feb 7 " */
	if (p[i] == ' ' && dw_isdigit((unsigned char)p[i + 1])) {
		day = p[i + 1] - '0';
		i += 2;
	} else if (dw_isdigit((unsigned char)p[i]) && dw_isdigit((unsigned char)p[i + 1])) {
		day = digits2(p + i);
		i += 2;
	} else if (dw_isdigit((unsigned char)p[i]) && p[i + 1] == ' ') {
		day = p[i] - '0';
		i += 1;
	} else {
		return (void)fail(h, DW_UNP_BAD_HEADER), 0;
	}
	if (i + 9 > n)
		return (void)fail(h, DW_UNP_TRUNCATED), 0;
	if (p[i] != ' ' || (hh = digits2(p + i + 1)) < 0 || p[i + 3] != ':' ||
	    (mm = digits2(p + i + 4)) < 0 || p[i + 6] != ':' || (ss = digits2(p + i + 7)) < 0)
		return (void)fail(h, DW_UNP_BAD_HEADER), 0;
	i += 9;
	if (day < 1 || day > max_mday[mon] || hh > 23 || mm > 59 || ss > 60)
		return (void)fail(h, DW_UNP_BAD_TIME), 0;
	h->frac = 0;
	h->prec = 0;
	if (i < n && p[i] == '.') {
		int64_t f = 0;
		int pr = 0;
		i++;
		while (i < n && dw_isdigit((unsigned char)p[i])) {
			if (pr < 9) {
				f = f * 10 + (p[i] - '0');
				pr++;
			}
			i++;
		}
		if (pr == 0)
			return (void)fail(h, DW_UNP_BAD_HEADER), 0;
		h->prec = (uint8_t)pr;
		for (int k = pr; k < 9; k++)
			f *= 10;
		h->frac = f;
	}
	if (i < n && p[i] != ' ')
		return (void)fail(h, DW_UNP_BAD_HEADER), 0;
	h->mon = (uint8_t)mon;
	h->day = (uint8_t)day;
	h->hour = (uint8_t)hh;
	h->min = (uint8_t)mm;
	h->sec = (uint8_t)(ss == 60 ? 59 : ss);
	h->need_year = 1;
	h->style = DW_SYSLOG_3164;
	return i;
}

/* 1 if p[0..n) has the shape of (a prefix of) "dddd-dd-ddTdd:dd:dd". */
static int date_shape(const char *p, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";

	for (size_t i = 0; i < n && i < 19; i++) {
		char s = shape[i];
		if (s == 'd' ? !dw_isdigit((unsigned char)p[i])
			     : s == 'T' ? (p[i] != 'T' && p[i] != ' ') : p[i] != s)
			return 0;
	}
	return 1;
}

/* "YYYY-MM-DD[T ]HH:MM:SS[.f][zone]" of exactly n bytes (n = token length). */
static int time3339(const char *p, size_t n, struct dw_syslog_hdr *h)
{
	int64_t ns;
	int prec, year;

	if (n < 19 || !date_shape(p, n))
		return fail(h, DW_UNP_BAD_HEADER);
	year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	if (year < YEAR_MIN || year > YEAR_MAX)
		return fail(h, DW_UNP_BAD_TIME);
	if (dw_tm_parse_rfc3339_all(p, n, &ns, &prec) != DW_OK)
		return fail(h, DW_UNP_BAD_TIME);
	h->ts = ns;
	h->prec = (uint8_t)prec;
	h->need_year = 0;
	return DW_OK;
}

/* RFC 5424 after "<PRI>1 ". */
static int parse5424(const char *p, size_t n, struct dw_syslog_hdr *h)
{
	struct dw_slice f[4]; /* HOST APP PROCID MSGID */
	size_t t = tok(p, n), i;
	int rc;

	h->style = DW_SYSLOG_5424;
	if (t == n)
		return fail(h, date_shape(p, t) ? DW_UNP_TRUNCATED : DW_UNP_BAD_HEADER);
	if (t == 1 && p[0] == '-')
		return fail(h, DW_UNP_BAD_TIME); /* no time: cannot be placed on the timeline */
	if ((rc = time3339(p, t, h)) != DW_OK)
		return rc;
	p += t + 1;
	n -= t + 1;
	for (int k = 0; k < 4; k++) {
		t = tok(p, n);
		if (t == n || t == 0)
			return fail(h, t == 0 ? DW_UNP_BAD_HEADER : DW_UNP_TRUNCATED);
		f[k] = dw_slice_make(p, t);
		p += t + 1;
		n -= t + 1;
	}
	if (f[0].n > HOST_MAX || f[1].n > TAG_MAX * 4)
		return fail(h, DW_UNP_BAD_HEADER);
	if (!(f[0].n == 1 && f[0].p[0] == '-'))
		h->host = f[0];
	if (!(f[1].n == 1 && f[1].p[0] == '-'))
		h->program = f[1];
	if (f[2].n <= 10 && f[2].p[0] != '-') {
		uint64_t v = 0;
		for (i = 0; i < f[2].n && dw_isdigit((unsigned char)f[2].p[i]); i++)
			v = v * 10 + (uint64_t)(f[2].p[i] - '0');
		if (i == f[2].n && v <= UINT32_MAX) {
			h->pid = (uint32_t)v;
			h->has_pid = 1;
		}
	}
	/* STRUCTURED-DATA: "-" or one or more [id param="value" ...] */
	if (n == 0)
		return fail(h, DW_UNP_TRUNCATED);
	if (p[0] == '-') {
		i = 1;
	} else if (p[0] == '[') {
		int inq = 0;
		i = 0;
		while (i < n && p[i] == '[') {
			i++;
			for (;;) {
				if (i >= n)
					return fail(h, DW_UNP_TRUNCATED);
				if (inq) {
					if (p[i] == '\\' && i + 1 < n)
						i++;
					else if (p[i] == '"')
						inq = 0;
				} else if (p[i] == '"') {
					inq = 1;
				} else if (p[i] == ']') {
					i++;
					break;
				}
				i++;
			}
		}
	} else {
		return fail(h, DW_UNP_BAD_HEADER);
	}
	if (i < n && p[i] != ' ')
		return fail(h, DW_UNP_BAD_HEADER);
	if (i < n)
		i++;
	p += i;
	n -= i;
	if (n >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	    (unsigned char)p[2] == 0xbf) {
		p += 3;
		n -= 3;
	}
	h->msg = dw_slice_make(p, n);
	return DW_OK;
}

int dw_syslog_parse(const char *p, size_t n, struct dw_syslog_hdr *h)
{
	size_t i = 0, t;
	int rc;

	memset(h, 0, sizeof(*h));
	h->pri = -1;
	if (n && p[0] == '<') {
		int v = 0;
		for (i = 1; i < n && i < 5 && dw_isdigit((unsigned char)p[i]); i++)
			v = v * 10 + (p[i] - '0');
		if (i >= n)
			return fail(h, DW_UNP_TRUNCATED);
		if (i == 1 || p[i] != '>' || v > 191)
			return fail(h, DW_UNP_BAD_HEADER);
		h->pri = v;
		i++;
		if (n - i >= 2 && p[i] == '1' && p[i + 1] == ' ')
			return parse5424(p + i + 2, n - i - 2, h);
	}
	p += i;
	n -= i;
	if (n == 0)
		return fail(h, DW_UNP_TRUNCATED);
	if (dw_isdigit((unsigned char)p[0])) {
		h->style = DW_SYSLOG_3339;
		t = tok(p, n);
		if (t == 10 && n > 11 && dw_isdigit((unsigned char)p[11])) /* "2024-01-02 03:04:05" */
			t = 11 + tok(p + 11, n - 11);
		if (t == n)
			return fail(h, date_shape(p, t) ? DW_UNP_TRUNCATED : DW_UNP_BAD_HEADER);
		if ((rc = time3339(p, t, h)) != DW_OK)
			return rc;
		return host_tag_msg(p + t, n - t, h);
	}
	if ((t = time3164(p, n, h)) == 0)
		return DW_EINVAL;
	return host_tag_msg(p + t, n - t, h);
}

void dw_syslog_year_begin(struct dw_syslog_year *y, int fixed, int64_t ref_ns)
{
	int yr, mo, d, hh, mm, ss;

	dw_tm_to_civil(ref_ns / DW_NS, &yr, &mo, &d, &hh, &mm, &ss);
	y->year = 0;
	y->last_mon = 0;
	y->ref_year = yr;
	y->ref_mon = mo;
	y->fixed = fixed;
	y->day_key = 0;
	y->day_base = 0;
	y->anchor_day = 0;
}

void dw_syslog_year_anchor(struct dw_syslog_year *y, int64_t ts)
{
	int64_t day = ts / DW_NS / 86400;
	int yr, mo, d, hh, mm, ss;

	if (y->fixed || day + 1 == y->anchor_day)
		return; /* once per day of full-date records */
	y->anchor_day = day + 1;
	dw_tm_to_civil(ts / DW_NS, &yr, &mo, &d, &hh, &mm, &ss);
	y->year = yr;
	y->last_mon = mo;
}

int dw_syslog_year_apply(struct dw_syslog_year *y, struct dw_syslog_hdr *h, int32_t utc_offset)
{
	int year = y->year, last = y->last_mon, mon = h->mon, stray = 0, key;

	if (year == 0) {
		year = y->fixed ? y->fixed : y->ref_year - (mon > y->ref_mon);
	} else if (last - mon >= 6) {
		year++; /* Dec -> Jan: New Year */
	} else if (mon - last >= 6) {
		year--; /* a stray record of last year: the state stays */
		stray = 1;
	}
	key = year * 512 + mon * 32 + h->day;
	if (key != y->day_key) { /* records come in runs of the same day */
		if (h->day > dw_tm_mdays(year, mon))
			return fail(h, DW_UNP_BAD_TIME);
		y->day_key = key;
		y->day_base = dw_tm_from_civil(year, mon, h->day, 0, 0, 0);
	}
	h->ts = (y->day_base + h->hour * 3600 + h->min * 60 + h->sec - utc_offset) * DW_NS + h->frac;
	h->need_year = 0;
	if (!stray) {
		y->year = year;
		y->last_mon = mon;
	}
	return DW_OK;
}
