/*
 * nfdump.c - NetFlow v5/v9 and IPFIX flows as printed by `nfdump -o csv`
 * (reference/exfil-leak.md 1.4, samples/netflow.txt).
 *
 * Two layouts:
 *   <= 1.7.4  fixed header "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,
 *             opkt,obyt,in,out,...,eng,exid,tr" (48 columns; public files often
 *             47, without tr). With -q there is no header: a line that starts
 *             with two stamps "YYYY-MM-DD HH:MM:SS," and has 47 or 48 columns is
 *             read in this layout.
 *   >= 1.7.5  named columns, default "firstSeen,duration,proto,srcAddr,srcPort,
 *             dstAddr,dstPort,packets,bytes,flows"; `-o csv:%fmt` chooses others
 *             (lastSeen, inPackets, inBytes, outPackets, outBytes are read too).
 * Both are read by the header's names when there is a header; a header needs
 * a first-seen time, srcAddr/sa and dstAddr/da. Without -q nfdump ends with a
 * trailer ("Summary", "flows,bytes,packets,avg_bps,avg_pps,avg_bpp", one
 * line of values): those lines are consumed silently, as are headers.
 *
 * Time. ts/firstSeen "YYYY-MM-DD HH:MM:SS[.mmm]" is the collector's local
 * time with no zone: read as UTC shifted by the utc_offset option (the same
 * struct dw_parse_opts.utc_offset as zone-less syslog stamps: seconds east of
 * UTC; 0 reads them as UTC). A raw epoch ("%tsr": seconds[.mmm]) is UTC.
 *
 * Mapping: log netflow, action flow, one event per flow record.
 *   ts            the flow's end: first-seen time + td (see zeek.c)
 *   src_ip:port   sa:sp, dst_ip:port da:dp (an ICMP "type.code" port is left out)
 *   protocol      pr as written ("TCP", "UDP", "ICMP", or a number)
 *   code          flg (TCP flags ".AP.SF") when it has a flag set
 *   duration_ms   td (seconds "%.3f", or [H:]MM:SS[.mmm]); negative or over
 *                 10 years is refused
 *   bytes_out     ibyt: bytes sent from sa to da. NetFlow/IPFIX records are
 *                 unidirectional, so a TCP session is two records and the
 *                 bytes a host sent are the ibyt of the records where it is sa.
 *   bytes_in      obyt, only when the column exists and obyt or opkt is
 *                 non-zero (bidirectional / NSEL exporters); a zero there
 *                 means "not exported", not "nothing came back".
 * Wrong column count: fewer is truncated, more is bad_header; a malformed
 * address, number or time is bad_header / bad_time.
 *
 * Cost: one pass (memchr per column), no allocation; per-file state is the
 * caller's struct dw_nfdump (about 100 bytes).
 */
#include "nfdump.h"

#include <math.h>
#include <stdlib.h>

#include "../core/tm.h"
#include "parser.h"

#define DUR_MAX 315360000.0 /* seconds: 10 years */
#define FIXED_MIN 47
#define FIXED_MAX 48

enum {
	F_TS, F_TE, F_TD, F_SA, F_DA, F_SP, F_DP, F_PR, F_FLG, F_IPKT, F_IBYT, F_OPKT, F_OBYT, F__N
};

/* Header names of both layouts. */
static const struct {
	const char *name;
	int f;
} names[] = {
	{"ts", F_TS},	    {"firstSeen", F_TS}, {"te", F_TE},	       {"lastSeen", F_TE},
	{"td", F_TD},	    {"duration", F_TD},	 {"sa", F_SA},	       {"srcAddr", F_SA},
	{"da", F_DA},	    {"dstAddr", F_DA},	 {"sp", F_SP},	       {"srcPort", F_SP},
	{"dp", F_DP},	    {"dstPort", F_DP},	 {"pr", F_PR},	       {"proto", F_PR},
	{"flg", F_FLG},	    {"flags", F_FLG},	 {"ipkt", F_IPKT},     {"packets", F_IPKT},
	{"inPackets", F_IPKT}, {"ibyt", F_IBYT},	 {"bytes", F_IBYT},    {"inBytes", F_IBYT},
	{"opkt", F_OPKT},   {"outPackets", F_OPKT}, {"obyt", F_OBYT},  {"outBytes", F_OBYT},
};

/* The fixed <= 1.7.4 layout: field of columns 0..14. */
static const int8_t fixed[15] = {F_TS, F_TE, F_TD, F_SA,   F_DA, F_SP,   F_DP, F_PR,
				 F_FLG, -1,   -1,   F_IPKT, F_IBYT, F_OPKT, F_OBYT};

/* Fixed-width number of k digits at p, or -1. */
static int num(const char *p, int k)
{
	int v = 0;

	for (int i = 0; i < k; i++) {
		if (!dw_isdigit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD HH:MM:SS" at p (19 bytes available): 1 if shaped so. */
static int stamp_shape(const char *p)
{
	return dw_isdigit(p[0]) && dw_isdigit(p[3]) && p[4] == '-' && p[7] == '-' && p[10] == ' ' &&
	       p[13] == ':' && p[16] == ':' && dw_isdigit(p[18]);
}

/* Local stamp with optional .fff, or epoch seconds[.fff]. */
static int stamp(struct dw_slice s, int32_t off, int64_t *ns, int *prec)
{
	int64_t frac = 0, secs;
	size_t i;
	int k = 0, y, mo, d, h, mi, se;

	if (s.n >= 19 && stamp_shape(s.p)) {
		y = num(s.p, 4), mo = num(s.p + 5, 2), d = num(s.p + 8, 2);
		h = num(s.p + 11, 2), mi = num(s.p + 14, 2), se = num(s.p + 17, 2);
		if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 ||
		    d > dw_tm_mdays(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 ||
		    se > 60)
			return DW_EINVAL;
		secs = dw_tm_from_civil(y, mo, d, h, mi, se) - off;
		i = 19;
	} else {
		return dw_tm_parse_epoch(s.p, s.n, ns, prec); /* epoch seconds, UTC */
	}
	if (i < s.n && s.p[i] == '.')
		for (i++; i < s.n && dw_isdigit(s.p[i]); i++)
			if (k < 9) {
				frac = frac * 10 + (s.p[i] - '0');
				k++;
			}
	if (i != s.n)
		return DW_EINVAL;
	*prec = k;
	for (; k < 9; k++)
		frac *= 10;
	*ns = secs * DW_NS + frac;
	return DW_OK;
}

/* Seconds ("289.028") or [H:]MM:SS[.fff] to ms. */
static int dur_ms(struct dw_slice s, uint64_t *ms)
{
	char buf[40];
	double d = 0, part;
	char *q, *end;

	if (s.n == 0 || s.n >= sizeof(buf))
		return DW_EINVAL;
	for (size_t i = 0; i < s.n; i++)
		if (!dw_isdigit(s.p[i]) && s.p[i] != '.' && s.p[i] != ':')
			return DW_EINVAL;
	memcpy(buf, s.p, s.n);
	buf[s.n] = 0;
	for (q = buf;; q = end + 1) {
		part = strtod(q, &end);
		if (end == q)
			return DW_EINVAL;
		d = d * 60 + part;
		if (*end != ':')
			break;
	}
	if (*end || !isfinite(d) || d > DUR_MAX)
		return DW_EINVAL;
	*ms = (uint64_t)(d * 1000.0);
	return DW_OK;
}

void dw_nfdump_reset(struct dw_nfdump *z)
{
	memset(z, 0, sizeof(*z));
	memset(z->field, -1, sizeof(z->field));
}

/* Maps a header line; 1 if it is one (first-seen, source and destination named). */
static int header(struct dw_nfdump *z, const char *p, size_t n)
{
	int8_t field[DW_NFDUMP_COLS];
	unsigned seen = 0;
	uint32_t col = 0;
	size_t i = 0;

	memset(field, -1, sizeof(field));
	while (i <= n) {
		const char *q = memchr(p + i, ',', n - i);
		size_t e = q ? (size_t)(q - p) : n;

		for (size_t k = 0; k < DW_ARRAY_LEN(names) && col < DW_NFDUMP_COLS; k++) {
			size_t l = strlen(names[k].name);
			if (l == e - i && memcmp(p + i, names[k].name, l) == 0 &&
			    !(seen & (1u << names[k].f))) {
				field[col] = (int8_t)names[k].f;
				seen |= 1u << names[k].f;
			}
		}
		if (++col > 4096)
			return 0;
		i = e + 1;
	}
	if (!(seen & (1u << F_TS)) || !(seen & (1u << F_SA)) || !(seen & (1u << F_DA)))
		return 0;
	memcpy(z->field, field, sizeof(field));
	z->ncols = col;
	z->mode = 1;
	return 1;
}

int dw_nfdump_control(struct dw_nfdump *z, const char *p, size_t n)
{
	if (n == 0)
		return 0;
	if (z->mode == 2) {
		if (n >= 6 && memcmp(p, "flows,", 6) == 0)
			return 1;
		if (dw_isdigit(p[0])) {
			for (size_t i = 0; i < n; i++)
				if (!dw_isdigit(p[i]) && p[i] != ',' && p[i] != '.')
					return 0;
			z->mode = 0; /* the values line ends the trailer */
			return 1;
		}
	}
	if (n >= 7 && memcmp(p, "Summary", 7) == 0 && z->mode) {
		z->mode = 2;
		return 1;
	}
	if (dw_isdigit(p[0]) || memchr(p, ' ', n) || !memchr(p, ',', n))
		return 0;
	return header(z, p, n);
}

/* Commas in p[0..n). */
static size_t commas(const char *p, size_t n)
{
	size_t c = 0;
	const char *q = p, *end = p + n;

	while ((q = memchr(q, ',', (size_t)(end - q))) != NULL) {
		c++;
		q++;
	}
	return c;
}

int dw_nfdump_sniff(const struct dw_nfdump *z, const char *p, size_t n)
{
	size_t c;

	if (n < 40 || !dw_isdigit(p[0]))
		return z->mode == 1 && z->ncols && n && dw_isdigit(p[0]) && memchr(p, ',', n);
	if (z->mode == 1 && z->ncols)
		return memchr(p, ',', n) != NULL;
	if (!stamp_shape(p) || p[19] != ',' || !stamp_shape(p + 20) || p[39] != ',')
		return 0;
	c = commas(p, n);
	return c + 1 >= FIXED_MIN && c + 1 <= FIXED_MAX;
}

int dw_nfdump_parse(const struct dw_nfdump *z, const char *p, size_t n, int32_t utc_offset,
		    struct dw_event *e, int *why)
{
	struct dw_slice v[F__N];
	uint32_t col = 0, want = z->ncols;
	uint64_t pk = 0, ob = 0;
	size_t i = 0;
	int prec = 0;

	*why = DW_UNP_BAD_HEADER;
	memset(v, 0, sizeof(v));
	while (i <= n) {
		const char *q = memchr(p + i, ',', n - i);
		size_t end = q ? (size_t)(q - p) : n;
		int f = -1;

		if (want ? col >= want : col >= FIXED_MAX)
			return DW_EINVAL; /* more columns than the header */
		if (want)
			f = col < DW_NFDUMP_COLS ? z->field[col] : -1;
		else if (col < DW_ARRAY_LEN(fixed))
			f = fixed[col];
		if (f >= 0)
			v[f] = dw_slice_make(p + i, end - i);
		col++;
		i = end + 1;
	}
	if (want ? col != want : col < FIXED_MIN) {
		*why = DW_UNP_TRUNCATED;
		return DW_EINVAL;
	}
	if (!v[F_SA].n || !v[F_DA].n ||
	    dw_ip_parse(v[F_SA].p, v[F_SA].n, &e->src_ip) != DW_OK ||
	    dw_ip_parse(v[F_DA].p, v[F_DA].n, &e->dst_ip) != DW_OK)
		return DW_EINVAL;
	for (int k = 0; k < 2; k++) {
		struct dw_slice s = v[k ? F_DP : F_SP];
		uint64_t port;

		if (!s.n || memchr(s.p, '.', s.n))
			continue; /* ICMP type.code */
		if (dw_slice_u64(s, 65535, &port) != DW_OK)
			return DW_EINVAL;
		if (k) {
			e->dst_port = (uint16_t)port;
			e->has |= DW_EV_HAS_DST_PORT;
		} else {
			e->src_port = (uint16_t)port;
			e->has |= DW_EV_HAS_SRC_PORT;
		}
	}
	if (v[F_TD].n) {
		if (dur_ms(v[F_TD], &e->duration_ms) != DW_OK)
			return DW_EINVAL;
		e->has |= DW_EV_HAS_DURATION;
	}
	if (v[F_IBYT].n) {
		if (dw_slice_u64(v[F_IBYT], UINT64_MAX, &e->bytes_out) != DW_OK)
			return DW_EINVAL;
		e->has |= DW_EV_HAS_BYTES_OUT;
	}
	if ((v[F_OPKT].n && dw_slice_u64(v[F_OPKT], UINT64_MAX, &pk) != DW_OK) ||
	    (v[F_OBYT].n && dw_slice_u64(v[F_OBYT], UINT64_MAX, &ob) != DW_OK) ||
	    (v[F_IPKT].n && dw_slice_u64(v[F_IPKT], UINT64_MAX, &(uint64_t){0}) != DW_OK))
		return DW_EINVAL;
	if (v[F_OBYT].n && (ob || pk)) {
		e->bytes_in = ob;
		e->has |= DW_EV_HAS_BYTES_IN;
	}
	e->protocol = v[F_PR];
	for (size_t k = 0; k < v[F_FLG].n; k++)
		if (v[F_FLG].p[k] != '.') {
			e->code = v[F_FLG];
			break;
		}
	*why = DW_UNP_BAD_TIME;
	if (!v[F_TS].n || stamp(v[F_TS], utc_offset, &e->ts, &prec) != DW_OK)
		return DW_EINVAL;
	if (e->has & DW_EV_HAS_DURATION) /* the end, as for Zeek (zeek.c) */
		e->ts += (int64_t)e->duration_ms * 1000000;
	e->ts_prec = (uint8_t)prec;
	e->log = DW_LOG_NETFLOW;
	e->action = DW_ACT_FLOW;
	return DW_OK;
}
