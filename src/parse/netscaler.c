/*
 * netscaler.c - Citrix ADC / NetScaler syslog records (Gateway = SSL VPN,
 * AAA-TM / nFactor, admin audit, everything else as "other").
 *
 * Grammar (reference/identity-logs.md 1d; samples/citrix-netscaler-syslog.txt):
 *
 *   native   [<PRI>] STAMP [TZ] [HOST] [N-]PPE-N : [PARTITION ]FEATURE EVENT SEQ [N] : BODY
 *   RFC 5424 <PRI>1 TS HOST FEATURE N-PPE-N MSGID SD [BOM][PARTITION ]EVENT SEQ N : BODY
 *   relayed  PREFIX STAMP ...   (a collector's "Mmm dd HH:MM:SS <fac.sev> ip " or any other
 *            prefix: the native stamp is the last date-shaped token before the PPE token)
 *
 * The anchor of a native record is its "[N-]PPE-N" token (searched with memmem
 * in the first HDR_MAX bytes). Between the stamp and the anchor there are 0-2
 * tokens: 1 token is the zone when it is "GMT"/"UTC", otherwise the host
 * (the zone and the host may each be missing: double spaces); 2 tokens are
 * zone and host. In RFC 5424 framing APP-NAME is the feature, PROCID the PPE;
 * an RFC 5424 record without a PPE PROCID (the appliance's httpd access log)
 * is still read, as an "other" event with program = APP-NAME (sniff says 0
 * for it: nothing in it is NetScaler-specific).
 *
 * Time. STAMP is MM/DD/YYYY:HH:MM:SS, DD/MM/YYYY:... or YYYY/MM/DD:... (an
 * appliance setting). A first or second part > 12 decides the order; when
 * both are <= 12 the order is MM/DD (the default), or DD/MM with opts.dmy.
 * Impossible dates (13/13/2024, 02/30/2024) and years outside 1990..2100 are
 * bad_time. A stamp followed by "GMT" or "UTC" is UTC; otherwise it is the
 * appliance's local time, which the record does not say: it is read as UTC
 * shifted by opts.utc_offset (0 by default, i.e. taken as UTC).
 *
 * Body: "Key value" pairs separated by " - ". A value starting with '"' runs
 * to the next '"' (so it may hold " - "). Two values are attacker-controlled
 * in LOGIN_FAILED, User (first) and Browser (last): Browser, when unquoted,
 * takes the rest of the record, and User extends up to the last Client_ip
 * key (the last Client_ip wins), so a user name such as
 * "x - Client_ip 6.6.6.6" cannot plant a client address. Bounded: every scan
 * is memchr/memmem within p[0..n); no allocation, no recursion.
 *
 * Mapping (log = netscaler, host = appliance, program = FEATURE):
 *   EVENT LOGIN_FAILED -> auth_failure, reason from Failure_reason (case-insensitive:
 *       "locked" -> locked; "disabled" -> disabled; "expired" -> expired;
 *       "does not exist"/"unknown user"/"no such user"/"not found" -> unknown_user;
 *       "mismatch"/"invalid credentials"/"invalid password"/"bad password"/
 *       "wrong password" -> bad_password; anything else or none -> other);
 *       code = the Failure_reason text (the raw result), "LOGIN_FAILED" without one.
 *   EVENT LOGIN  -> session_start (SSLVPN/AAATM: a gateway session: auth succeeded)
 *   EVENT LOGOUT -> session_end, with duration (Duration hh:mm:ss) and bytes.
 *   anything else (HTTPREQUEST, TCPCONNSTAT, CMD_EXECUTED, Message, ...) -> other.
 *   code = EVENT except for LOGIN_FAILED (above). mfa is never set (no record says).
 *   user = User, else the user part of "Context user@ip"; src_ip = Client_ip, else
 *   Remote_ip (CLI/API audit), else the ip of Context; user_agent = Browser_type or
 *   Browser; session = "SessionId:"; target = Vserver (ip:port as written).
 *   assigned_ip = Nat_ip, the intranet address the gateway gave the VPN client
 *   (SSLVPN/AAATM LOGIN, LOGOUT, TCPCONNSTAT, ...), when it is an IPv4/IPv6
 *   address; "Mapped Ip" (no address assigned), "-", an empty value, an
 *   unterminated quote or anything else leaves it unset (not an error). A
 *   Nat_ip inside the span a later Client_ip extends User over is part of the
 *   user name, not a field, and is dropped (a name cannot plant an address).
 *   X-Forwarded-For_ip (client-controlled unless the proxy is trusted) is not
 *   mapped: no event field.
 *
 * Byte direction. Total_bytes_send / Total_bytes_recv are named from the
 * client's (the session's) side: "send" is what the VPN client sent into the
 * organisation, "recv" what it received from it. Evidence: the reference's
 * samples and public parsers that map these counters (send -> bytes_out of
 * the *client* src, recv -> bytes_in of the client); an SSLVPN TCPCONNSTAT to an
 * internal FTP-data port with send 1 / recv 122881 is a download. dwell's
 * bytes_out is defined as bytes that left the organisation towards the
 * client, so:  bytes_out = Total_bytes_recv,  bytes_in = Total_bytes_send.
 * They (and duration) are set on session_end only: the per-connection
 * TCPCONNSTAT/UDPFLOWSTAT counters are already inside the LOGOUT totals and
 * would be counted twice.
 */
#include "netscaler.h"

#include "../core/ip.h"
#include "../core/tm.h"
#include "parser.h"

#define HDR_MAX 512   /* the PPE anchor must start within this many bytes */
#define PRE_TOK 3     /* tokens kept after the stamp (zone, host, one too many) */
#define PAY_TOK 6     /* tokens before the payload's " : " */
#define YEAR_MIN 1990
#define YEAR_MAX 2100

struct hdr {
	int64_t ts;
	int prec;
	int is5424;
	uint32_t pid; /* RFC 5424 numeric PROCID */
	int has_pid;
	int ppe;      /* a NetScaler record (not a plain RFC 5424 one) */
	struct dw_slice host, feature, event, body;
};

static int isdig(char c)
{
	return dw_isdigit((unsigned char)c);
}

static struct dw_slice sl(const char *p, size_t a, size_t b)
{
	return dw_slice_make(p + a, b > a ? b - a : 0);
}

/* Value of exactly k digits at p, or -1. */
static int num(const char *p, int k)
{
	int v = 0;

	for (int i = 0; i < k; i++) {
		if (!isdig(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* Whole slice as an unsigned decimal; 0 on success, -1 if empty, non-digit or > UINT64_MAX. */
static int u64(struct dw_slice s, uint64_t *out)
{
	uint64_t v = 0;

	if (s.n == 0 || s.n > 20)
		return -1;
	for (size_t i = 0; i < s.n; i++) {
		unsigned d = (unsigned)(unsigned char)s.p[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* "h:mm:ss" (hours 1..6 digits) -> ms; -1 if malformed. */
static int duration_ms(struct dw_slice s, uint64_t *ms)
{
	size_t h = 0;
	uint64_t hv = 0;
	int m, sec;

	while (h < s.n && h < 7 && isdig(s.p[h]))
		hv = hv * 10 + (uint64_t)(s.p[h++] - '0');
	if (h == 0 || h > 6 || s.n != h + 6 || s.p[h] != ':' || s.p[h + 3] != ':')
		return -1;
	m = num(s.p + h + 1, 2);
	sec = num(s.p + h + 4, 2);
	if (m < 0 || m > 59 || sec < 0 || sec > 60)
		return -1;
	*ms = ((hv * 60 + (uint64_t)m) * 60 + (uint64_t)sec) * 1000;
	return 0;
}

/* 1 if t[0..k) has the shape of a native stamp (either date order). */
static int stamp_shape(const char *t, size_t k)
{
	if (k != 19 || t[10] != ':' || t[13] != ':' || t[16] != ':')
		return 0;
	return (t[2] == '/' && t[5] == '/') || (t[4] == '/' && t[7] == '/');
}

/* Parses a stamp_shape token into seconds since the epoch; DW_EINVAL for impossible values. */
static int stamp_time(const char *t, int dmy, int64_t *secs)
{
	int y, a, b, mon, day, hh, mm, ss;

	if (t[4] == '/') { /* YYYY/MM/DD */
		y = num(t, 4);
		mon = num(t + 5, 2);
		day = num(t + 8, 2);
	} else {
		a = num(t, 2);
		b = num(t + 3, 2);
		y = num(t + 6, 4);
		if (a < 0 || b < 0)
			return DW_EINVAL;
		if (a > 12 || (b <= 12 && dmy)) {
			day = a;
			mon = b;
		} else {
			mon = a;
			day = b;
		}
	}
	hh = num(t + 11, 2);
	mm = num(t + 14, 2);
	ss = num(t + 17, 2);
	if (y < YEAR_MIN || y > YEAR_MAX || mon < 1 || mon > 12 || day < 1 ||
	    day > dw_tm_mdays(y, mon) || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
	    ss > 60)
		return DW_EINVAL;
	*secs = dw_tm_from_civil(y, mon, day, hh, mm, ss > 59 ? 59 : ss);
	return DW_OK;
}

/*
 * The payload "[PARTITION ]FEATURE EVENT SEQ [N] : BODY" from pos. app is the
 * RFC 5424 APP-NAME (empty for native). Fills feature, event, body.
 */
static int payload(const char *p, size_t n, size_t pos, struct dw_slice app, struct hdr *h,
		   int *why)
{
	struct dw_slice t[PAY_TOK];
	int k = 0, nd = 0, w;

	for (;;) {
		size_t s;
		while (pos < n && p[pos] == ' ')
			pos++;
		if (pos >= n) {
			*why = DW_UNP_TRUNCATED;
			return DW_EINVAL;
		}
		if (p[pos] == ':' && (pos + 1 == n || p[pos + 1] == ' '))
			break;
		if (k == PAY_TOK) {
			*why = DW_UNP_BAD_HEADER;
			return DW_EINVAL;
		}
		s = pos;
		while (pos < n && p[pos] != ' ')
			pos++;
		if (pos >= n) { /* the record ends inside the event tokens */
			*why = DW_UNP_TRUNCATED;
			return DW_EINVAL;
		}
		t[k++] = sl(p, s, pos);
	}
	pos++; /* ':' */
	while (nd < 2 && nd < k) {
		struct dw_slice d = t[k - 1 - nd];
		size_t i = 0;
		while (i < d.n && isdig(d.p[i]))
			i++;
		if (i != d.n)
			break;
		nd++;
	}
	w = k - nd;
	if (nd == 0 || w < 1 || w > 3) {
		*why = DW_UNP_BAD_HEADER;
		return DW_EINVAL;
	}
	h->event = t[w - 1];
	if (w == 3)
		h->feature = t[1];
	else if (w == 2 && (!app.n || (t[0].n == app.n && memcmp(t[0].p, app.p, app.n) == 0)))
		h->feature = t[0];
	else
		h->feature = app; /* RFC 5424: "default EVENT" or "EVENT" */
	while (pos < n && p[pos] == ' ')
		pos++;
	h->body = sl(p, pos, n);
	return DW_OK;
}

/* Start of the "[N-]PPE-N" token within p[0..n) searched from 'from' (<= lim); *end after it. */
static int find_ppe(const char *p, size_t n, size_t from, size_t lim, size_t *start, size_t *end)
{
	while (from + 4 <= lim) {
		const char *a = memmem(p + from, lim - from, "PPE-", 4);
		size_t i, s, e;

		if (!a)
			return 0;
		i = (size_t)(a - p);
		s = i;
		if (s > 0 && p[s - 1] == '-') {
			size_t j = s - 1;
			while (j > 0 && isdig(p[j - 1]))
				j--;
			if (j < s - 1)
				s = j;
		}
		e = i + 4;
		if ((s == 0 || p[s - 1] == ' ') && e < n && isdig(p[e])) {
			while (e < n && isdig(p[e]))
				e++;
			if (e == n || p[e] == ' ') {
				*start = s;
				*end = e;
				return 1;
			}
		}
		from = i + 1;
	}
	return 0;
}

static int is_utc(struct dw_slice t)
{
	return dw_slice_eq(t, "GMT") || dw_slice_eq(t, "UTC") || dw_slice_eq(t, "Z");
}

/* Native (possibly relayed) header. */
static int native_hdr(const char *p, size_t n, const struct dw_netscaler_opts *o, struct hdr *h,
		      int *why)
{
	size_t a, b, pos = 0, lim = DW_MIN(n, (size_t)HDR_MAX);
	const char *stamp = NULL;
	struct dw_slice after[PRE_TOK];
	int na = 0, utc = 0;
	int64_t secs;

	if (!find_ppe(p, n, 0, lim, &a, &b)) {
		/* A cut record: "<PRI> " and a (partial) stamp, nothing else. */
		size_t i = 0;
		if (i < n && p[0] == '<') {
			i++;
			while (i < n && i < 5 && isdig(p[i]))
				i++;
			if (i < n && p[i] == '>')
				i++;
		}
		while (i < n && p[i] == ' ')
			i++;
		if (i < n && isdig(p[i]) && n - i < 64 &&
		    (n <= i + 2 || p[i + 2] == '/' || (i + 4 < n && p[i + 4] == '/') || n <= i + 4))
			*why = DW_UNP_TRUNCATED;
		else
			*why = DW_UNP_BAD_HEADER;
		return DW_EINVAL;
	}
	while (pos < a) {
		size_t s;
		const char *t;
		size_t k;
		while (pos < a && p[pos] == ' ')
			pos++;
		if (pos >= a)
			break;
		s = pos;
		while (pos < a && p[pos] != ' ')
			pos++;
		t = p + s;
		k = pos - s;
		if (k > 2 && t[0] == '<') { /* "<PRI>" glued to the stamp */
			size_t j = 1;
			while (j < k && j < 5 && isdig(t[j]))
				j++;
			if (j < k && t[j] == '>') {
				t += j + 1;
				k -= j + 1;
			}
		}
		if (stamp_shape(t, k)) {
			stamp = t;
			na = 0;
		} else if (stamp && na < PRE_TOK) {
			after[na++] = dw_slice_make(t, k);
		} else if (stamp) {
			na = PRE_TOK;
		}
	}
	if (!stamp || na > 2) {
		*why = DW_UNP_BAD_HEADER;
		return DW_EINVAL;
	}
	if (na == 2) {
		utc = is_utc(after[0]);
		h->host = after[1];
	} else if (na == 1) {
		if (is_utc(after[0]))
			utc = 1;
		else
			h->host = after[0];
	}
	if (stamp_time(stamp, o->dmy, &secs) != DW_OK) {
		*why = DW_UNP_BAD_TIME;
		return DW_EINVAL;
	}
	if (!utc)
		secs -= o->utc_offset;
	h->ts = secs * DW_NS;
	h->prec = 0;
	h->ppe = 1;
	pos = b;
	while (pos < n && p[pos] == ' ')
		pos++;
	if (pos >= n) {
		*why = DW_UNP_TRUNCATED;
		return DW_EINVAL;
	}
	if (p[pos] != ':') {
		*why = DW_UNP_BAD_HEADER;
		return DW_EINVAL;
	}
	return payload(p, n, pos + 1, dw_slice_make(NULL, 0), h, why);
}

/* Next space-delimited RFC 5424 field from *pos (exactly one space after it). */
static int field5424(const char *p, size_t n, size_t *pos, struct dw_slice *f)
{
	const char *sp;
	size_t s = *pos;

	if (s >= n)
		return 0;
	sp = memchr(p + s, ' ', n - s);
	if (!sp)
		return 0;
	*f = sl(p, s, (size_t)(sp - p));
	*pos = (size_t)(sp - p) + 1;
	return f->n > 0;
}

/* RFC 5424 header from pos (after "<PRI>1 "). */
static int hdr5424(const char *p, size_t n, size_t pos, struct hdr *h, int *why)
{
	struct dw_slice ts, host, app, proc, msgid;
	int64_t ns;
	int prec, y, mo, d, hh, mi, ss;

	h->is5424 = 1;
	if (!field5424(p, n, &pos, &ts) || !field5424(p, n, &pos, &host) ||
	    !field5424(p, n, &pos, &app) || !field5424(p, n, &pos, &proc) ||
	    !field5424(p, n, &pos, &msgid) || pos >= n) {
		*why = pos >= n || !memchr(p + pos, ' ', n - pos) ? DW_UNP_TRUNCATED
								 : DW_UNP_BAD_HEADER;
		return DW_EINVAL;
	}
	/* year first: dw_tm_parse_rfc3339 takes years to 9999, past int64 ns */
	y = ts.n >= 4 ? num(ts.p, 4) : -1;
	if (y < YEAR_MIN || y > YEAR_MAX ||
	    dw_tm_parse_rfc3339_all(ts.p, ts.n, &ns, &prec) != DW_OK) {
		*why = DW_UNP_BAD_TIME;
		return DW_EINVAL;
	}
	dw_tm_to_civil(ns / DW_NS - (ns % DW_NS < 0), &y, &mo, &d, &hh, &mi, &ss);
	if (y < YEAR_MIN || y > YEAR_MAX) {
		*why = DW_UNP_BAD_TIME;
		return DW_EINVAL;
	}
	h->ts = ns;
	h->prec = prec;
	if (!dw_slice_eq(host, "-"))
		h->host = host;
	/* SD: "-" or one or more [id k="v" ...] elements (']' and '"' escaped by '\') */
	if (p[pos] == '-') {
		pos++;
	} else if (p[pos] == '[') {
		int inq = 0;
		while (pos < n) {
			char c = p[pos++];
			if (c == '\\' && inq) {
				pos++;
			} else if (c == '"') {
				inq = !inq;
			} else if (c == ']' && !inq) {
				if (pos < n && p[pos] == '[')
					continue;
				break;
			}
		}
		if (pos > n)
			pos = n;
	} else {
		*why = DW_UNP_BAD_HEADER;
		return DW_EINVAL;
	}
	if (pos < n && p[pos] == ' ')
		pos++;
	if (n - pos >= 3 && memcmp(p + pos, "\xEF\xBB\xBF", 3) == 0)
		pos += 3;
	if (proc.n >= 5 && memmem(proc.p, proc.n, "PPE-", 4)) {
		h->ppe = 1;
		return payload(p, n, pos, dw_slice_eq(app, "-") ? dw_slice_make(NULL, 0) : app, h,
			       why);
	}
	/* a plain RFC 5424 record of the appliance (httpd, ...) */
	if (!dw_slice_eq(app, "-"))
		h->feature = app;
	{
		uint64_t v;
		if (u64(proc, &v) == 0 && v <= UINT32_MAX) {
			h->pid = (uint32_t)v;
			h->has_pid = 1;
		}
	}
	h->body = sl(p, pos, n);
	return DW_OK;
}

static int header(const char *p, size_t n, const struct dw_netscaler_opts *o, struct hdr *h,
		  int *why)
{
	size_t i = 0;

	memset(h, 0, sizeof(*h));
	if (n == 0) {
		*why = DW_UNP_EMPTY;
		return DW_EINVAL;
	}
	if (p[0] == '<') {
		i = 1;
		while (i < n && i < 4 && isdig(p[i]))
			i++;
		if (i > 1 && i + 2 < n && p[i] == '>' && p[i + 1] == '1' && p[i + 2] == ' ')
			return hdr5424(p, n, i + 3, h, why);
	}
	return native_hdr(p, n, o, h, why);
}

int dw_netscaler_sniff(const char *p, size_t n)
{
	static const struct dw_netscaler_opts o0;
	struct hdr h;
	int why;

	if (header(p, n, &o0, &h, &why) == DW_OK)
		return h.ppe;
	return 0;
}

/* Case-insensitive: does s contain the lower-case ASCII needle? */
static int ci_has(struct dw_slice s, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= s.n; i++) {
		size_t j = 0;
		while (j < k) {
			char c = s.p[i + j];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != needle[j])
				break;
			j++;
		}
		if (j == k)
			return 1;
	}
	return 0;
}

static int reason_of(struct dw_slice r)
{
	if (r.n == 0)
		return DW_RSN_OTHER;
	if (ci_has(r, "locked"))
		return DW_RSN_LOCKED;
	if (ci_has(r, "disabled"))
		return DW_RSN_DISABLED;
	if (ci_has(r, "expired"))
		return DW_RSN_EXPIRED;
	if (ci_has(r, "does not exist") || ci_has(r, "unknown user") || ci_has(r, "no such user") ||
	    ci_has(r, "not found"))
		return DW_RSN_UNKNOWN_USER;
	if (ci_has(r, "mismatch") || ci_has(r, "invalid credentials") ||
	    ci_has(r, "invalid password") || ci_has(r, "bad password") ||
	    ci_has(r, "wrong password"))
		return DW_RSN_BAD_PASSWORD;
	return DW_RSN_OTHER;
}

struct body {
	struct dw_slice user, client, reason, browser, browser_type, session, context, vserver,
		duration, sent, recv, remote, nat;
	size_t user_vs;   /* offset of the unquoted User value (0 = none) */
	size_t nat_ks;    /* offset of the Nat_ip key */
	int has_reason;
};

static int key_is(const char *p, size_t ks, size_t ke, const char *lit)
{
	size_t k = strlen(lit);
	return ke - ks == k && memcmp(p + ks, lit, k) == 0;
}

/* Splits the body p[pos..n) into the pairs we map. */
static void body_scan(const char *p, size_t n, size_t pos, struct body *f)
{
	while (pos < n) {
		size_t ks, ke, vs, next;
		const char *sep, *sp;
		struct dw_slice v;
		int quoted = 0, unclosed = 0;

		while (pos < n && p[pos] == ' ')
			pos++;
		if (pos >= n)
			break;
		ks = pos;
		sp = memchr(p + ks, ' ', n - ks);
		ke = sp ? (size_t)(sp - p) : n;
		vs = ke < n ? ke + 1 : n;
		while (vs < n && p[vs] == ' ' && !(vs + 2 < n && p[vs + 1] == '-' && p[vs + 2] == ' '))
			vs++;
		if (vs < n && p[vs] == '"') {
			const char *q = memchr(p + vs + 1, '"', n - vs - 1);
			size_t qe = q ? (size_t)(q - p) : n;
			quoted = 1;
			unclosed = q == NULL;
			v = sl(p, vs + 1, qe);
			sep = qe < n ? memmem(p + qe, n - qe, " - ", 3) : NULL;
		} else if (key_is(p, ks, ke, "Browser")) {
			v = sl(p, vs, n); /* attacker-controlled, last: the rest */
			sep = NULL;
		} else {
			sep = ke < n ? memmem(p + ke, n - ke, " - ", 3) : NULL;
			v = sl(p, vs, sep ? (size_t)(sep - p) : n);
		}
		next = sep ? (size_t)(sep - p) + 3 : n;
		v = dw_slice_trim(v);
		if (key_is(p, ks, ke, "User")) {
			f->user = v;
			f->user_vs = quoted ? 0 : vs;
		} else if (key_is(p, ks, ke, "Client_ip")) {
			f->client = v;
			if (f->user_vs && ks >= f->user_vs + 3) { /* User runs up to here */
				f->user = dw_slice_trim(sl(p, f->user_vs, ks - 3));
				if (f->nat.n && f->nat_ks > f->user_vs) /* was inside User */
					f->nat = dw_slice_make(NULL, 0);
			}
		} else if (key_is(p, ks, ke, "Failure_reason")) {
			f->reason = v;
			f->has_reason = 1;
		} else if (key_is(p, ks, ke, "Browser")) {
			f->browser = v;
		} else if (key_is(p, ks, ke, "Browser_type")) {
			f->browser_type = v;
		} else if (key_is(p, ks, ke, "SessionId:")) {
			/* old firmware: "SessionId: 651173- User u": the id is a word */
			size_t k = 0;
			while (k < v.n && v.p[k] != ' ' && v.p[k] != '-')
				k++;
			if (!quoted && k + 1 < v.n && v.p[k] == '-' && v.p[k + 1] == ' ') {
				next = (size_t)(v.p + k - p) + 2;
				v.n = k;
			}
			f->session = v;
		} else if (key_is(p, ks, ke, "Context")) {
			f->context = v;
		} else if (key_is(p, ks, ke, "Vserver")) {
			f->vserver = v;
		} else if (key_is(p, ks, ke, "Duration")) {
			f->duration = v;
		} else if (key_is(p, ks, ke, "Total_bytes_send")) {
			f->sent = v;
		} else if (key_is(p, ks, ke, "Total_bytes_recv")) {
			f->recv = v;
		} else if (key_is(p, ks, ke, "Remote_ip")) {
			f->remote = v;
		} else if (key_is(p, ks, ke, "Nat_ip")) {
			f->nat = unclosed ? dw_slice_make(NULL, 0) : v; /* "Mapped Ip": no address */
			f->nat_ks = ks;
		}
		pos = next;
	}
}

static int set_ip(struct dw_ip *ip, struct dw_slice v)
{
	return v.n && v.n < 64 && dw_ip_parse(v.p, v.n, ip) == DW_OK;
}

int dw_netscaler_parse_opts(const char *p, size_t n, struct dw_event *e, int *why,
			    const struct dw_netscaler_opts *o)
{
	static const struct dw_netscaler_opts o0;
	struct hdr h;
	struct body f;
	struct dw_slice ctx_user = {NULL, 0}, ctx_ip = {NULL, 0};
	int why0;

	if (!why)
		why = &why0;
	if (!o)
		o = &o0;
	if (header(p, n, o, &h, why) != DW_OK)
		return DW_EINVAL;
	e->log = DW_LOG_NETSCALER;
	e->ts = h.ts;
	e->ts_prec = (uint8_t)h.prec;
	e->host = h.host;
	e->program = h.feature;
	if (h.has_pid) {
		e->pid = h.pid;
		e->has |= DW_EV_HAS_PID;
	}
	e->action = DW_ACT_OTHER;
	if (!h.ppe) /* plain RFC 5424 record: header fields only */
		return DW_OK;
	memset(&f, 0, sizeof(f));
	body_scan(p, n, (size_t)(h.body.p - p), &f);
	if (f.context.n) { /* "user@ip": the last '@' splits (user names hold '@') */
		const char *at = NULL;
		for (size_t i = f.context.n; i-- > 0;)
			if (f.context.p[i] == '@') {
				at = f.context.p + i;
				break;
			}
		if (at) {
			ctx_user = dw_slice_make(f.context.p, (size_t)(at - f.context.p));
			ctx_ip = dw_slice_make(at + 1, f.context.n - ctx_user.n - 1);
		}
	}
	e->code = h.event;
	if (dw_slice_eq(h.event, "LOGIN_FAILED")) {
		e->action = DW_ACT_AUTH_FAILURE;
		e->reason = (uint8_t)reason_of(f.reason);
		if (f.reason.n)
			e->code = f.reason;
	} else if (dw_slice_eq(h.event, "LOGIN")) {
		e->action = DW_ACT_SESSION_START;
	} else if (dw_slice_eq(h.event, "LOGOUT")) {
		uint64_t v;
		e->action = DW_ACT_SESSION_END;
		if (duration_ms(f.duration, &v) == 0) {
			e->duration_ms = v;
			e->has |= DW_EV_HAS_DURATION;
		}
		if (u64(f.recv, &v) == 0) { /* appliance -> client: left the organisation */
			e->bytes_out = v;
			e->has |= DW_EV_HAS_BYTES_OUT;
		}
		if (u64(f.sent, &v) == 0) { /* client -> appliance */
			e->bytes_in = v;
			e->has |= DW_EV_HAS_BYTES_IN;
		}
	}
	if (f.user.n)
		dw_event_set_user(e, f.user);
	else if (ctx_user.n)
		dw_event_set_user(e, ctx_user);
	if (!set_ip(&e->src_ip, f.client) && !set_ip(&e->src_ip, f.remote) &&
	    !set_ip(&e->src_ip, ctx_ip))
		e->src_ip.fam = 0;
	if (!set_ip(&e->assigned_ip, f.nat))
		e->assigned_ip.fam = 0;
	e->user_agent = f.browser_type.n ? f.browser_type : f.browser;
	e->session = f.session;
	e->target = f.vserver;
	return DW_OK;
}

int dw_netscaler_parse(const char *p, size_t n, struct dw_event *e, int *why)
{
	return dw_netscaler_parse_opts(p, n, e, why, NULL);
}
