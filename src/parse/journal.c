/*
 * journal.c - the journalctl -o json record scanner (see journal.h).
 *
 * A recursive-descent walk over one object with an explicit depth bound
 * (DW_JOURNAL_DEPTH), no allocation: wanted string values are unescaped into
 * the caller's scratch buffer (\uXXXX to UTF-8, surrogate pairs joined, a
 * lone surrogate becomes U+FFFD), MESSAGE byte arrays are packed into it,
 * everything else is only validated. Strict JSON: raw control characters in
 * strings, bad escapes, leading zeros, trailing commas and trailing garbage
 * are errors. Running out of input anywhere is "truncated", anything else
 * "bad_json". Work is linear in the input: every byte is looked at a bounded
 * number of times.
 */
#include "journal.h"

#include "parser.h"

struct js {
	const char *p, *e;
	char *o, *oe;  /* scratch buffer cursor and end */
	int mute;      /* validating only: out() writes nothing */
	int cut;
	int why;       /* first error */
};

enum { F_NONE = 0, F_TS, F_SRC_TS, F_HOST, F_IDENT, F_COMM, F_PID, F_SPID, F_MSG };

static int err(struct js *s, int why)
{
	if (!s->why)
		s->why = why;
	return -1;
}

static int eof_err(struct js *s)
{
	return err(s, DW_UNP_TRUNCATED);
}

static void ws(struct js *s)
{
	while (s->p < s->e && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads 4 hex digits after "\u"; returns the code unit or -1. */
static int u4(struct js *s)
{
	int v = 0;

	if (s->e - s->p < 4)
		return eof_err(s);
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)s->p[i]);
		if (h < 0)
			return err(s, DW_UNP_BAD_JSON);
		v = v * 16 + h;
	}
	s->p += 4;
	return v;
}

static void out(struct js *s, char c)
{
	if (s->mute)
		return;
	if (s->o < s->oe)
		*s->o++ = c;
	else
		s->cut = 1;
}

static void out_utf8(struct js *s, unsigned cp)
{
	if (cp < 0x80) {
		out(s, (char)cp);
	} else if (cp < 0x800) {
		out(s, (char)(0xc0 | (cp >> 6)));
		out(s, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		out(s, (char)(0xe0 | (cp >> 12)));
		out(s, (char)(0x80 | ((cp >> 6) & 0x3f)));
		out(s, (char)(0x80 | (cp & 0x3f)));
	} else {
		out(s, (char)(0xf0 | (cp >> 18)));
		out(s, (char)(0x80 | ((cp >> 12) & 0x3f)));
		out(s, (char)(0x80 | ((cp >> 6) & 0x3f)));
		out(s, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * A string at s->p (which is at '"'). With decode set, the unescaped text is
 * written at s->o; *raw gets the bytes between the quotes and *esc whether
 * any escape was seen. Returns 0 or -1.
 */
static int string_body(struct js *s, struct dw_slice *raw, int *esc)
{
	const char *start = ++s->p;

	*esc = 0;
	for (;;) {
		const char *q = s->p;
		int cu;
		unsigned cp;

		/* the plain run up to a quote, a backslash or a control byte */
		while (q < s->e && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
			q++;
		if (!s->mute)
			for (const char *c = s->p; c < q; c++)
				out(s, *c);
		s->p = q;
		if (q >= s->e)
			return eof_err(s);
		if (*q == '"')
			break;
		if ((unsigned char)*q < 0x20)
			return err(s, DW_UNP_BAD_JSON);
		*esc = 1; /* a backslash */
		if (++s->p >= s->e)
			return eof_err(s);
		switch (*s->p++) {
		case '"': out(s, '"'); break;
		case '\\': out(s, '\\'); break;
		case '/': out(s, '/'); break;
		case 'b': out(s, '\b'); break;
		case 'f': out(s, '\f'); break;
		case 'n': out(s, '\n'); break;
		case 'r': out(s, '\r'); break;
		case 't': out(s, '\t'); break;
		case 'u':
			if ((cu = u4(s)) < 0)
				return -1;
			cp = (unsigned)cu;
			if (cp >= 0xd800 && cp <= 0xdbff && s->e - s->p >= 6 && s->p[0] == '\\' &&
			    s->p[1] == 'u') {
				const char *save = s->p;
				int lo;
				s->p += 2;
				if ((lo = u4(s)) < 0)
					return -1;
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned)lo - 0xdc00);
				} else {
					cp = 0xfffd; /* lone high surrogate; the next escape stands alone */
					s->p = save;
				}
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				cp = 0xfffd;
			}
			out_utf8(s, cp);
			break;
		default:
			return err(s, DW_UNP_BAD_JSON);
		}
	}
	raw->p = start;
	raw->n = (size_t)(s->p - start);
	s->p++; /* closing quote */
	return 0;
}

static int string(struct js *s, int decode, struct dw_slice *raw, int *esc)
{
	int rc;

	s->mute = !decode;
	rc = string_body(s, raw, esc);
	s->mute = 0;
	return rc;
}

static int number(struct js *s)
{
	const char *q = s->p;

	if (q < s->e && *q == '-')
		q++;
	if (q >= s->e)
		return eof_err(s);
	if (*q == '0') {
		q++;
	} else if (dw_isdigit((unsigned char)*q)) {
		while (q < s->e && dw_isdigit((unsigned char)*q))
			q++;
	} else {
		return err(s, DW_UNP_BAD_JSON);
	}
	if (q < s->e && *q == '.') {
		q++;
		if (q >= s->e)
			return eof_err(s);
		if (!dw_isdigit((unsigned char)*q))
			return err(s, DW_UNP_BAD_JSON);
		while (q < s->e && dw_isdigit((unsigned char)*q))
			q++;
	}
	if (q < s->e && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < s->e && (*q == '+' || *q == '-'))
			q++;
		if (q >= s->e)
			return eof_err(s);
		if (!dw_isdigit((unsigned char)*q))
			return err(s, DW_UNP_BAD_JSON);
		while (q < s->e && dw_isdigit((unsigned char)*q))
			q++;
	}
	s->p = q;
	return 0;
}

static int literal(struct js *s, const char *lit, size_t n)
{
	size_t have = (size_t)(s->e - s->p);

	if (memcmp(s->p, lit, DW_MIN(have, n)) != 0)
		return err(s, DW_UNP_BAD_JSON);
	if (have < n)
		return eof_err(s);
	s->p += n;
	return 0;
}

static int value(struct js *s, int depth);

static int array_skip(struct js *s, int depth)
{
	s->p++;
	ws(s);
	if (s->p < s->e && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (value(s, depth + 1))
			return -1;
		ws(s);
		if (s->p >= s->e)
			return eof_err(s);
		if (*s->p == ']') {
			s->p++;
			return 0;
		}
		if (*s->p != ',')
			return err(s, DW_UNP_BAD_JSON);
		s->p++;
		ws(s);
	}
}

static int object_skip(struct js *s, int depth)
{
	struct dw_slice raw;
	int esc;

	s->p++;
	ws(s);
	if (s->p < s->e && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (s->p >= s->e)
			return eof_err(s);
		if (*s->p != '"')
			return err(s, DW_UNP_BAD_JSON);
		if (string(s, 0, &raw, &esc))
			return -1;
		ws(s);
		if (s->p >= s->e)
			return eof_err(s);
		if (*s->p++ != ':')
			return err(s, DW_UNP_BAD_JSON);
		if (value(s, depth + 1))
			return -1;
		ws(s);
		if (s->p >= s->e)
			return eof_err(s);
		if (*s->p == '}') {
			s->p++;
			return 0;
		}
		if (*s->p++ != ',')
			return err(s, DW_UNP_BAD_JSON);
		ws(s);
	}
}

/* Validates and skips any value. */
static int value(struct js *s, int depth)
{
	struct dw_slice raw;
	int esc;

	ws(s);
	if (s->p >= s->e)
		return eof_err(s);
	if (depth > DW_JOURNAL_DEPTH)
		return err(s, DW_UNP_BAD_JSON);
	switch (*s->p) {
	case '"':
		return string(s, 0, &raw, &esc);
	case '{':
		return object_skip(s, depth);
	case '[':
		return array_skip(s, depth);
	case 't':
		return literal(s, "true", 4);
	case 'f':
		return literal(s, "false", 5);
	case 'n':
		return literal(s, "null", 4);
	default:
		return number(s);
	}
}

static int key_id(struct dw_slice k)
{
	switch (k.n) {
	case 4:
		return memcmp(k.p, "_PID", 4) == 0 ? F_PID : F_NONE;
	case 5:
		return memcmp(k.p, "_COMM", 5) == 0 ? F_COMM : F_NONE;
	case 7:
		return memcmp(k.p, "MESSAGE", 7) == 0 ? F_MSG : F_NONE;
	case 9:
		return memcmp(k.p, "_HOSTNAME", 9) == 0 ? F_HOST : F_NONE;
	case 10:
		return memcmp(k.p, "SYSLOG_PID", 10) == 0 ? F_SPID : F_NONE;
	case 17:
		return memcmp(k.p, "SYSLOG_IDENTIFIER", 17) == 0 ? F_IDENT : F_NONE;
	case 20:
		return memcmp(k.p, "__REALTIME_TIMESTAMP", 20) == 0 ? F_TS : F_NONE;
	case 26:
		return memcmp(k.p, "_SOURCE_REALTIME_TIMESTAMP", 26) == 0 ? F_SRC_TS : F_NONE;
	default:
		return F_NONE;
	}
}

/* Unsigned decimal of a number or a string of digits (no escapes); -1 if not one. */
static int64_t decimal(struct dw_slice v, int64_t max)
{
	int64_t x = 0;

	if (v.n == 0 || v.n > 19)
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		if (!dw_isdigit((unsigned char)v.p[i]) || x > (max - (v.p[i] - '0')) / 10)
			return -1;
		x = x * 10 + (v.p[i] - '0');
	}
	return x;
}

/* A number value or a string value as raw bytes (for timestamps and pids). */
static int scalar(struct js *s, struct dw_slice *v)
{
	int esc;

	if (s->p < s->e && *s->p == '"') {
		if (string(s, 0, v, &esc))
			return -1;
		if (esc)
			v->n = 0;
		return 0;
	}
	v->p = s->p;
	if (value(s, 1))
		return -1;
	v->n = (size_t)(s->p - v->p);
	return 0;
}

/* MESSAGE as [b, b, ...] (byte values 0..255). */
static int bytes(struct js *s, struct dw_slice *msg)
{
	msg->p = s->o;
	s->p++;
	ws(s);
	if (s->p < s->e && *s->p == ']') {
		s->p++;
		msg->n = 0;
		return 0;
	}
	for (;;) {
		const char *q;
		int v = 0;
		ws(s);
		q = s->p;
		while (q < s->e && dw_isdigit((unsigned char)*q) && q - s->p < 3)
			v = v * 10 + (*q++ - '0');
		if (q == s->e)
			return eof_err(s);
		if (q == s->p || v > 255 || dw_isdigit((unsigned char)*q) ||
		    (q - s->p > 1 && *s->p == '0'))
			return err(s, DW_UNP_BAD_JSON);
		out(s, (char)v);
		s->p = q;
		ws(s);
		if (s->p >= s->e)
			return eof_err(s);
		if (*s->p == ']') {
			s->p++;
			break;
		}
		if (*s->p++ != ',')
			return err(s, DW_UNP_BAD_JSON);
	}
	msg->n = (size_t)(s->o - msg->p);
	return 0;
}

/* A wanted string member: decoded into the scratch buffer. */
static int text(struct js *s, struct dw_slice *v)
{
	struct dw_slice raw;
	int esc;
	char *o0 = s->o;

	if (s->p < s->e && *s->p == '"') {
		if (string(s, 1, &raw, &esc))
			return -1;
		v->p = o0;
		v->n = (size_t)(s->o - o0);
		return 0;
	}
	v->p = NULL;
	v->n = 0;
	return value(s, 1); /* null, or a type we do not use */
}

int dw_journal_parse(const char *p, size_t n, char *buf, size_t bufsz, struct dw_journal_rec *r)
{
	struct js s = {p, p + n, buf, buf + bufsz, 0, 0, 0};
	struct dw_slice k, ts = {NULL, 0}, sts = {NULL, 0}, pid = {NULL, 0}, spid = {NULL, 0};
	int esc, id;
	int64_t x;

	memset(r, 0, sizeof(*r));
	r->ts = DW_TS_NONE;
	ws(&s);
	if (s.p >= s.e)
		return (r->why = DW_UNP_TRUNCATED), DW_EINVAL;
	if (*s.p != '{')
		return (r->why = DW_UNP_BAD_JSON), DW_EINVAL;
	s.p++;
	ws(&s);
	if (s.p < s.e && *s.p == '}') {
		s.p++;
		goto end;
	}
	for (;;) {
		if (s.p >= s.e) {
			eof_err(&s);
			goto bad;
		}
		if (*s.p != '"') {
			err(&s, DW_UNP_BAD_JSON);
			goto bad;
		}
		if (string(&s, 0, &k, &esc))
			goto bad;
		id = esc ? F_NONE : key_id(k);
		ws(&s);
		if (s.p >= s.e) {
			eof_err(&s);
			goto bad;
		}
		if (*s.p++ != ':') {
			err(&s, DW_UNP_BAD_JSON);
			goto bad;
		}
		ws(&s);
		if (s.p >= s.e) {
			eof_err(&s);
			goto bad;
		}
		switch (id) {
		case F_TS:
			if (scalar(&s, &ts))
				goto bad;
			break;
		case F_SRC_TS:
			if (scalar(&s, &sts))
				goto bad;
			break;
		case F_PID:
			if (scalar(&s, &pid))
				goto bad;
			break;
		case F_SPID:
			if (scalar(&s, &spid))
				goto bad;
			break;
		case F_HOST:
			if (text(&s, &r->host))
				goto bad;
			break;
		case F_IDENT:
			if (text(&s, &r->ident))
				goto bad;
			break;
		case F_COMM:
			if (text(&s, &r->comm))
				goto bad;
			break;
		case F_MSG:
			if (*s.p == '[') {
				if (bytes(&s, &r->msg))
					goto bad;
			} else if (text(&s, &r->msg)) {
				goto bad;
			}
			break;
		default:
			if (value(&s, 1))
				goto bad;
			break;
		}
		ws(&s);
		if (s.p >= s.e) {
			eof_err(&s);
			goto bad;
		}
		if (*s.p == '}') {
			s.p++;
			break;
		}
		if (*s.p++ != ',') {
			err(&s, DW_UNP_BAD_JSON);
			goto bad;
		}
		ws(&s);
	}
end:
	ws(&s);
	if (s.p != s.e) {
		err(&s, DW_UNP_BAD_JSON);
		goto bad;
	}
	/* microseconds: at most 9.2e15 fit in ns */
	x = decimal(ts.n ? ts : sts, INT64_MAX / 1000);
	if (x < 0 && ts.n)
		x = decimal(sts, INT64_MAX / 1000);
	if (x >= 0)
		r->ts = x * 1000;
	x = decimal(pid.n ? pid : spid, UINT32_MAX);
	if (x < 0 && pid.n)
		x = decimal(spid, UINT32_MAX);
	if (x >= 0) {
		r->pid = (uint32_t)x;
		r->has_pid = 1;
	}
	r->cut = (uint8_t)s.cut;
	return DW_OK;
bad:
	r->why = s.why ? s.why : DW_UNP_BAD_JSON;
	return DW_EINVAL;
}
