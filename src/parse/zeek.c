/*
 * zeek.c - Zeek conn.log (Conn::Info, zeek/zeek scripts/base/protocols/conn/
 * main.zeek) as flow events; reference/exfil-leak.md 1.3, samples/zeek_conn.txt.
 *
 * TSV ("ASCII" writer). Header lines start with '#': "#separator \x09"
 * (the value after one space, \xHH escapes), then, split by the separator,
 * "#set_separator", "#empty_field", "#unset_field", "#path", "#open",
 * "#fields", "#types", "#close". Columns are found by name in "#fields", in
 * any order; columns that are not read (history, pkts, label and
 * detailedlabel of the Stratosphere datasets, ...) are skipped. A record
 * must have exactly as many columns as "#fields": fewer is "truncated", more
 * is "bad_header". A later "#fields" re-maps the columns; the caller resets
 * the map at every new file. A value equal to the unset ("-") or empty
 * ("(empty)") marker is absent.
 *
 * JSON writer (LogAscii::use_json): one object per line, dotted keys
 * ("id.orig_h"), unset fields absent, ts a number or an ISO 8601 string.
 * A Zeek JSON record with none of conn_state, history, orig_bytes and
 * orig_ip_bytes is another Zeek log (dns, http, ssl, ...): refused as
 * bad_header.
 *
 * Mapping: log zeek, action flow, one event per connection.
 *   ts            the connection's end: ts (its first packet; epoch seconds,
 *                 up to 9 decimals kept, Zeek writes 6) + duration (in ms).
 *                 Zeek writes a record when its connection ends, so end
 *                 times come in order where start times do not (a long
 *                 session's record arrives hours after later-started
 *                 ones), and the byte counts are complete only then.
 *   src_ip:port   id.orig_h:id.orig_p (the originator; '^' in history means
 *                 Zeek flipped it, the record is taken as written)
 *   dst_ip:port   id.resp_h:id.resp_p
 *   protocol      proto ("tcp", "udp", "icmp")
 *   target        service, the confirmed analyzers ("ssl", "http,ssl"): the
 *                 application seen; kept apart from protocol so that neither
 *                 needs a composed string
 *   session       uid (joins the other Zeek logs)
 *   code          conn_state; with missed_bytes > 0 (capture loss: the volume
 *                 is a lower bound) "<state>+missed" (static strings, known
 *                 states only; an unknown state with loss stays as written)
 *   duration_ms   duration (truncated to ms); negative, not a number or over
 *                 DUR_MAX (10 years) is refused (bad_header)
 *   bytes_out/in  orig_ip_bytes/resp_ip_bytes (IP level, robust: payload counts
 *                 come from TCP sequence numbers and go wrong on big or
 *                 partially seen connections), else orig_bytes/resp_bytes.
 *                 bytes_out = sent by the originator, bytes_in = sent back.
 * A malformed address, port, count or time is refused (bad_header, bad_time).
 *
 * Cost: one pass over the record (memchr per column); no allocation; state
 * is the caller's struct dw_zeek_tsv (about 180 bytes per parser).
 */
#include "zeek.h"

#include <math.h>
#include <stdlib.h>

#include "../core/tm.h"
#include "parser.h"

#define DUR_MAX 315360000.0 /* seconds: 10 years */

enum {
	F_TS,
	F_UID,
	F_ORIG_H,
	F_ORIG_P,
	F_RESP_H,
	F_RESP_P,
	F_PROTO,
	F_SERVICE,
	F_DURATION,
	F_ORIG_BYTES,
	F_RESP_BYTES,
	F_CONN_STATE,
	F_MISSED,
	F_ORIG_IP_BYTES,
	F_RESP_IP_BYTES,
	F__N
};

static const char *const names[F__N] = {
	"ts",	      "uid",	     "id.orig_h",    "id.orig_p",    "id.resp_h",
	"id.resp_p",  "proto",	     "service",	     "duration",     "orig_bytes",
	"resp_bytes", "conn_state",  "missed_bytes", "orig_ip_bytes", "resp_ip_bytes",
};

static const char *const missed_codes[] = {
	"S0+missed",   "S1+missed",  "SF+missed",	"REJ+missed",	"S2+missed",
	"S3+missed",   "RSTO+missed", "RSTR+missed", "RSTOS0+missed", "RSTRH+missed",
	"SH+missed",   "SHR+missed", "OTH+missed",
};

static int eq(struct dw_slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static int port(struct dw_slice s, uint16_t *out)
{
	uint64_t v;

	if (dw_slice_u64(s, 65535, &v) != DW_OK)
		return DW_EINVAL;
	*out = (uint16_t)v;
	return DW_OK;
}

/* Epoch seconds with up to 9 decimals (more are cut), or an ISO 8601 string. */
static int epoch(struct dw_slice s, int64_t *ns, int *prec)
{
	if (memchr(s.p, '-', s.n) || memchr(s.p, 'T', s.n))
		return dw_tm_parse_rfc3339_all(s.p, s.n, ns, prec);
	return dw_tm_parse_epoch(s.p, s.n, ns, prec);
}

/* Seconds as a decimal (JSON may write 6.9e-05) to ms; refuses negatives and over DUR_MAX. */
static int dur_ms(struct dw_slice s, uint64_t *ms)
{
	char buf[48];
	char *end;
	double d;

	if (s.n == 0 || s.n >= sizeof(buf))
		return DW_EINVAL;
	for (size_t i = 0; i < s.n; i++)
		if (!strchr("0123456789.eE+-", s.p[i]) || s.p[i] == 0)
			return DW_EINVAL;
	memcpy(buf, s.p, s.n);
	buf[s.n] = 0;
	d = strtod(buf, &end);
	if (end != buf + s.n || !isfinite(d) || d < 0 || d > DUR_MAX)
		return DW_EINVAL;
	*ms = (uint64_t)(d * 1000.0);
	return DW_OK;
}

/* The event from the values found (absent: n == 0). */
static int fill(struct dw_slice *v, struct dw_event *e, int *why)
{
	uint64_t b, missed = 0;
	int prec = 0;

	*why = DW_UNP_BAD_HEADER;
	if (!v[F_TS].n || !v[F_ORIG_H].n || !v[F_RESP_H].n)
		return DW_EINVAL;
	if (dw_ip_parse(v[F_ORIG_H].p, v[F_ORIG_H].n, &e->src_ip) != DW_OK ||
	    dw_ip_parse(v[F_RESP_H].p, v[F_RESP_H].n, &e->dst_ip) != DW_OK)
		return DW_EINVAL;
	if (v[F_ORIG_P].n) {
		if (port(v[F_ORIG_P], &e->src_port) != DW_OK)
			return DW_EINVAL;
		e->has |= DW_EV_HAS_SRC_PORT;
	}
	if (v[F_RESP_P].n) {
		if (port(v[F_RESP_P], &e->dst_port) != DW_OK)
			return DW_EINVAL;
		e->has |= DW_EV_HAS_DST_PORT;
	}
	if (v[F_DURATION].n) {
		if (dur_ms(v[F_DURATION], &e->duration_ms) != DW_OK)
			return DW_EINVAL;
		e->has |= DW_EV_HAS_DURATION;
	}
	for (int d = 0; d < 2; d++) {
		struct dw_slice s = v[d ? F_RESP_IP_BYTES : F_ORIG_IP_BYTES];
		struct dw_slice pay = v[d ? F_RESP_BYTES : F_ORIG_BYTES];

		uint64_t bp = 0, bi = 0;

		/* both are checked; the IP-level count wins when logged */
		if ((pay.n && dw_slice_u64(pay, UINT64_MAX, &bp) != DW_OK) ||
		    (s.n && dw_slice_u64(s, UINT64_MAX, &bi) != DW_OK))
			return DW_EINVAL;
		if (!s.n && !pay.n)
			continue;
		b = s.n ? bi : bp;
		if (d) {
			e->bytes_in = b;
			e->has |= DW_EV_HAS_BYTES_IN;
		} else {
			e->bytes_out = b;
			e->has |= DW_EV_HAS_BYTES_OUT;
		}
	}
	if (v[F_MISSED].n && dw_slice_u64(v[F_MISSED], UINT64_MAX, &missed) != DW_OK)
		return DW_EINVAL;
	e->code = v[F_CONN_STATE];
	if (missed && e->code.n) {
		for (size_t i = 0; i < DW_ARRAY_LEN(missed_codes); i++) {
			const char *c = missed_codes[i];
			size_t k = strlen(c) - 7; /* without "+missed" */
			if (e->code.n == k && memcmp(e->code.p, c, k) == 0) {
				e->code = dw_slice_make(c, strlen(c));
				break;
			}
		}
	}
	e->protocol = v[F_PROTO];
	e->target = v[F_SERVICE];
	e->session = v[F_UID];
	*why = DW_UNP_BAD_TIME;
	if (epoch(v[F_TS], &e->ts, &prec) != DW_OK)
		return DW_EINVAL;
	if (e->has & DW_EV_HAS_DURATION) /* the end: see the top comment */
		e->ts += (int64_t)e->duration_ms * 1000000;
	e->ts_prec = (uint8_t)prec;
	e->log = DW_LOG_ZEEK;
	e->action = DW_ACT_FLOW;
	return DW_OK;
}

void dw_zeek_tsv_reset(struct dw_zeek_tsv *z)
{
	memset(z, 0, sizeof(*z));
	z->sep = '\t';
	z->set_sep = ',';
	memcpy(z->unset, "-", 1);
	z->unset_n = 1;
	memcpy(z->empty, "(empty)", 7);
	z->empty_n = 7;
}

static const char *const directives[] = {"separator", "set_separator", "empty_field",
					 "unset_field", "path",	   "open",
					 "close",     "fields",	   "types"};

/*
 * Length of the directive name at p[1..) if it is one, else 0: "#name"
 * followed by the separator ("#separator" by a space).
 */
static size_t directive(const char *p, size_t n)
{
	if (n < 2 || p[0] != '#')
		return 0;
	for (size_t i = 0; i < DW_ARRAY_LEN(directives); i++) {
		size_t k = strlen(directives[i]);
		char c;

		if (n < k + 2 || memcmp(p + 1, directives[i], k) != 0)
			continue;
		c = p[k + 1]; /* the separator (any byte but a name's) */
		if (!(c >= 'a' && c <= 'z') && c != '_' && c != '.')
			return k;
	}
	return 0;
}

int dw_zeek_tsv_is_header(const char *p, size_t n)
{
	return directive(p, n) != 0;
}

/* Unescapes a header value (\xHH) into out (cap bytes); returns the length or -1. */
static int unescape(const char *p, size_t n, char *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\\' && i + 3 < n + 0 && p[i + 1] == 'x') {
			char h[3] = {p[i + 2], p[i + 3], 0};
			char *end;
			long v = strtol(h, &end, 16);
			if (end != h + 2)
				return -1;
			c = (char)v;
			i += 3;
		}
		if (k == cap)
			return -1;
		out[k++] = c;
	}
	return (int)k;
}

int dw_zeek_tsv_header(struct dw_zeek_tsv *z, const char *p, size_t n)
{
	size_t k = directive(p, n);
	const char *name = p + 1, *val = p + k + 2;
	size_t vn = n - k - 2;
	char buf[16];
	int m;

	if (!k)
		return DW_EINVAL;
	if (k == 9 && memcmp(name, "separator", 9) == 0) {
		m = unescape(val, vn, buf, sizeof(buf));
		if (m != 1 || buf[0] == '\n' || buf[0] == 0)
			return DW_EINVAL;
		dw_zeek_tsv_reset(z); /* a new header block */
		z->sep = buf[0];
		return DW_OK;
	}
	if (p[k + 1] != z->sep)
		return DW_EINVAL;
	if (k == 13 && memcmp(name, "set_separator", 13) == 0) {
		m = unescape(val, vn, buf, sizeof(buf));
		if (m != 1)
			return DW_EINVAL;
		z->set_sep = buf[0];
	} else if (k == 11 && (memcmp(name, "empty_field", 11) == 0 ||
			       memcmp(name, "unset_field", 11) == 0)) {
		m = unescape(val, vn, buf, sizeof(buf));
		if (m < 1)
			return DW_EINVAL;
		if (name[0] == 'e') {
			memcpy(z->empty, buf, (size_t)m);
			z->empty_n = (uint8_t)m;
		} else {
			memcpy(z->unset, buf, (size_t)m);
			z->unset_n = (uint8_t)m;
		}
	} else if (k == 5 && memcmp(name, "close", 5) == 0) {
		z->ready = 0;
	} else if (k == 6 && memcmp(name, "fields", 6) == 0) {
		int seen = 0;
		uint32_t col = 0;
		size_t i = 0;

		z->ready = 0;
		memset(z->field, -1, sizeof(z->field));
		while (i <= vn) {
			const char *q = memchr(val + i, z->sep, vn - i);
			size_t e = q ? (size_t)(q - val) : vn;
			struct dw_slice s = dw_slice_make(val + i, e - i);

			for (int f = 0; f < F__N && col < DW_ZEEK_COLS; f++)
				if (eq(s, names[f]) && !(seen & (1 << f))) {
					z->field[col] = (int8_t)f;
					seen |= 1 << f;
				}
			col++;
			if (col > 4096)
				return DW_EINVAL;
			i = e + 1;
		}
		z->ncols = col;
		if (!(seen & (1 << F_TS)) || !(seen & (1 << F_ORIG_H)) || !(seen & (1 << F_RESP_H)))
			return DW_EINVAL;
		z->ready = 1;
	}
	return DW_OK; /* path, open, types: nothing to keep */
}

int dw_zeek_tsv_sniff(const struct dw_zeek_tsv *z, const char *p, size_t n)
{
	return z->ready && n && p[0] >= '0' && p[0] <= '9' && memchr(p, z->sep, n) != NULL;
}

int dw_zeek_tsv_parse(const struct dw_zeek_tsv *z, const char *p, size_t n, struct dw_event *e,
		      int *why)
{
	struct dw_slice v[F__N];
	uint32_t col = 0;
	size_t i = 0;

	*why = DW_UNP_BAD_HEADER;
	if (!z->ready)
		return DW_EINVAL;
	memset(v, 0, sizeof(v));
	while (i <= n) {
		const char *q = memchr(p + i, z->sep, n - i);
		size_t end = q ? (size_t)(q - p) : n;
		struct dw_slice s = dw_slice_make(p + i, end - i);

		if (col >= z->ncols) {
			*why = DW_UNP_BAD_HEADER; /* more columns than #fields */
			return DW_EINVAL;
		}
		if (col < DW_ZEEK_COLS && z->field[col] >= 0 &&
		    !(s.n == z->unset_n && memcmp(s.p, z->unset, s.n) == 0) &&
		    !(s.n == z->empty_n && memcmp(s.p, z->empty, s.n) == 0))
			v[z->field[col]] = s;
		col++;
		i = end + 1;
	}
	if (col != z->ncols) {
		*why = DW_UNP_TRUNCATED;
		return DW_EINVAL;
	}
	return fill(v, e, why);
}

int dw_zeek_match(const struct dw_json *j)
{
	return dw_json_get(j, 0, "id.orig_h") >= 0;
}

int dw_zeek_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		  int *why)
{
	struct dw_json_scratch sc = {scratch, cap, 0};
	struct dw_slice v[F__N];

	*why = DW_UNP_BAD_HEADER;
	if (dw_json_get(j, 0, "conn_state") < 0 && dw_json_get(j, 0, "history") < 0 &&
	    dw_json_get(j, 0, "orig_bytes") < 0 && dw_json_get(j, 0, "orig_ip_bytes") < 0)
		return DW_EINVAL; /* another Zeek log (dns and ssl have proto too) */
	memset(v, 0, sizeof(v));
	for (int f = 0; f < F__N; f++) {
		int t = dw_json_get(j, 0, names[f]);
		int ty = dw_json_type(j, t);

		if (t < 0 || ty == DW_JSON_NULL)
			continue;
		if (ty == DW_JSON_STRING)
			v[f] = dw_json_take(j, t, &sc);
		else if (ty == DW_JSON_NUMBER)
			v[f] = dw_json_raw(j, t);
		else
			return DW_EINVAL; /* objects, arrays, booleans are no value of ours */
		if (!v[f].n)
			continue;
		if (ty == DW_JSON_NUMBER && f != F_TS && f != F_DURATION && f != F_ORIG_P &&
		    f != F_RESP_P && f != F_ORIG_BYTES && f != F_RESP_BYTES && f != F_MISSED &&
		    f != F_ORIG_IP_BYTES && f != F_RESP_IP_BYTES)
			return DW_EINVAL;
	}
	return fill(v, e, why);
}
