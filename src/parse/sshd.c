/*
 * sshd.c - the stateless sshd message classifier (see sshd.h).
 *
 * Shape of the work: strip the prefixes some systems add ("error: ",
 * "fatal: ", Solaris "[ID n auth.info] ", a stray "kernel:[ t]"), then
 * dispatch on the first byte and compare fixed prefixes with memcmp. No
 * regex, no allocation, no state; every loop is bounded by the message
 * length, and "message repeated N times: [ ... ]" recurses exactly once.
 *
 * Client-controlled text. OpenSSH writes the user name (up to 100 bytes) and,
 * for some methods, an "auth info" suffix that the client chose, so a line
 * can contain a forged " from 10.0.0.1 port 22 ssh2". The rules used here:
 *   - "Failed|Accepted|Postponed|Partial <m> for U from H port P ssh2[: info]"
 *     and "maximum authentication attempts exceeded for ...": a candidate is
 *     each " from " followed by HOST [port N] [sshN] and then the end, " [preauth]"
 *     or ": ". For an existing user (a real account name, no client text) the
 *     first candidate is taken; for "invalid user" (the name is the client's)
 *     the last one, since for password and keyboard-interactive sshd writes
 *     no suffix and the true address is the last thing on the line.
 *   - "Invalid user U from H port P", "Connection closed by [invalid user U] H
 *     port P [preauth]" and the like are cut from the end: [preauth], port,
 *     then the last token is the host and what remains is the user, so a user
 *     name with spaces ("test 127.0.0.1") stays a user name.
 */
#include "sshd.h"

#define LIT(s) (s), (sizeof(s) - 1)

static const char *const kind_names[DW_SSHD_K__N] = {
	"other",        "failure",     "invalid_user", "pam_failure", "pam_error",
	"pam_more",     "max_attempts", "not_allowed", "user_change", "success",
	"partial",      "disconnect",  "negotiation",  "connect",     "session_open",
	"session_close", "refused",
};

static const char *const method_names[DW_SSHD_M__N] = {
	"", "password", "publickey", "keyboard-interactive", "hostbased", "gssapi-with-mic",
	"none", "unknown",
};

const char *dw_sshd_kind_name(int kind)
{
	return kind >= 0 && kind < DW_SSHD_K__N ? kind_names[kind] : "other";
}

const char *dw_sshd_method_name(int method)
{
	return method >= 0 && method < DW_SSHD_M__N ? method_names[method] : "";
}

int dw_sshd_is_program(const char *p, size_t n)
{
	if (n < 4 || memcmp(p, "sshd", 4) != 0)
		return 0;
	return n == 4 || (n == 12 && memcmp(p + 4, "-session", 8) == 0) ||
	       (n == 9 && memcmp(p + 4, "-auth", 5) == 0);
}

int dw_sshd_class(const struct dw_sshd_msg *m)
{
	switch (m->kind) {
	case DW_SSHD_K_FAILURE:
		/* a key the agent offered, or the "none" probe, of a real account: not a guess */
		if (!(m->flags & DW_SSHD_F_INVALID) &&
		    (m->method == DW_SSHD_M_PUBLICKEY || m->method == DW_SSHD_M_NONE))
			return DW_SSHD_C_NONE;
		return DW_SSHD_C_FAIL;
	case DW_SSHD_K_INVALID_USER:
	case DW_SSHD_K_PAM_ERROR:
	case DW_SSHD_K_NOT_ALLOWED:
		return DW_SSHD_C_FAIL;
	case DW_SSHD_K_PAM_FAILURE:
		return DW_SSHD_C_HELD;
	case DW_SSHD_K_MAX_ATTEMPTS:
	case DW_SSHD_K_USER_CHANGE:
		return DW_SSHD_C_COND;
	case DW_SSHD_K_DISCONNECT:
		return (m->flags & DW_SSHD_F_AUTH_FAIL) ? DW_SSHD_C_COND : DW_SSHD_C_NONE;
	default:
		return DW_SSHD_C_NONE;
	}
}

/* --- small scanning helpers (all bounded by the length they are given) --- */

/* A cursor over the message: p[0..n). */
struct cur {
	const char *p;
	size_t n;
};

static int pfx(struct cur c, const char *lit, size_t ln)
{
	return c.n >= ln && memcmp(c.p, lit, ln) == 0;
}

/* Consumes lit if c starts with it. */
static int eat(struct cur *c, const char *lit, size_t ln)
{
	if (!pfx(*c, lit, ln))
		return 0;
	c->p += ln;
	c->n -= ln;
	return 1;
}

/* Same, ASCII case-insensitive (lit is lower case). */
static int ieat(struct cur *c, const char *lit, size_t ln)
{
	if (c->n < ln)
		return 0;
	for (size_t i = 0; i < ln; i++) {
		unsigned char a = (unsigned char)c->p[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a + 32);
		if (a != (unsigned char)lit[i])
			return 0;
	}
	c->p += ln;
	c->n -= ln;
	return 1;
}

static int sfx(struct cur c, const char *lit, size_t ln)
{
	return c.n >= ln && memcmp(c.p + c.n - ln, lit, ln) == 0;
}

/* Consumes lit at the end of c. */
static int eat_end(struct cur *c, const char *lit, size_t ln)
{
	if (!sfx(*c, lit, ln))
		return 0;
	c->n -= ln;
	return 1;
}

static const char *cend(struct cur c)
{
	return c.p + c.n;
}

static struct cur upto(const char *p, const char *e)
{
	struct cur c = {p, (size_t)(e - p)};
	return c;
}

/*
 * First occurrence of lit in c, or NULL. memchr on the literal's second byte
 * (the first is often a space, frequent in log text), then memcmp: cheaper
 * than memmem's set-up for these short needles.
 */
static const char *find(struct cur c, const char *lit, size_t ln)
{
	size_t a = ln > 1;
	const char *q, *last;

	if (ln == 0 || ln > c.n)
		return NULL;
	q = c.p + a;
	last = c.p + c.n - ln + a; /* last place the anchor byte can be */
	while (q <= last) {
		q = memchr(q, lit[a], (size_t)(last - q) + 1);
		if (!q)
			return NULL;
		if (memcmp(q - a, lit, ln) == 0)
			return q - a;
		q++;
	}
	return NULL;
}

/* Last occurrence of lit in c, or NULL. */
static const char *rfind(struct cur c, const char *lit, size_t ln)
{
	const char *last = NULL, *q = c.p, *e = cend(c);

	while ((size_t)(e - q) >= ln) {
		const char *f = find(upto(q, e), lit, ln);
		if (!f)
			break;
		last = f;
		q = f + 1;
	}
	return last;
}

/* Length of the token (up to a space) at the start of c. */
static size_t tok_len(struct cur c)
{
	const char *s = memchr(c.p, ' ', c.n);
	return s ? (size_t)(s - c.p) : c.n;
}

/* Parses 1..5 digits <= 65535 at the start of c; returns digits used, 0 if none/too big. */
static size_t port_at(struct cur c, uint16_t *port)
{
	unsigned v = 0;
	size_t i = 0;

	while (i < c.n && i < 6 && dw_isdigit((unsigned char)c.p[i]))
		v = v * 10 + (unsigned)(c.p[i++] - '0');
	if (i == 0 || i > 5 || v > 65535)
		return 0;
	*port = (uint16_t)v;
	return i;
}

static void set_src(struct dw_sshd_msg *m, const char *p, size_t n)
{
	if (n == 0 || n > 255)
		return;
	m->src = dw_slice_make(p, n);
	if (dw_ip_parse(p, n, &m->ip) != DW_OK)
		m->ip.fam = 0;
}

static void set_user(struct dw_sshd_msg *m, const char *p, size_t n)
{
	m->user = dw_slice_make(p, n);
	m->flags |= DW_SSHD_F_HAS_USER;
}

static void set_port(struct dw_sshd_msg *m, uint16_t port)
{
	m->port = port;
	m->flags |= DW_SSHD_F_HAS_PORT;
}

/* Removes a trailing " [preauth]"; sets the flag. */
static void strip_preauth(struct dw_sshd_msg *m, struct cur *c)
{
	if (eat_end(c, LIT(" [preauth]")))
		m->flags |= DW_SSHD_F_PREAUTH;
}

/* Removes a trailing " port N"; sets port. */
static void strip_port(struct dw_sshd_msg *m, struct cur *c)
{
	size_t i = c->n;
	uint16_t port;

	while (i > 0 && dw_isdigit((unsigned char)c->p[i - 1]))
		i--;
	if (i == c->n || i < 6 || memcmp(c->p + i - 6, " port ", 6) != 0)
		return;
	if (port_at(upto(c->p + i, cend(*c)), &port) != c->n - i)
		return;
	set_port(m, port);
	c->n = i - 6;
}

/*
 * "U H" with H the last token: sets user (everything before the last space,
 * possibly empty) and src.
 */
static void user_then_host(struct dw_sshd_msg *m, struct cur c)
{
	size_t i = c.n;

	while (i > 0 && c.p[i - 1] != ' ')
		i--;
	set_src(m, c.p + i, c.n - i);
	set_user(m, c.p, i > 0 ? i - 1 : 0);
}

/* After "authenticating user " / "invalid user " / "user ", or none: "U H" or "H". */
static void maybe_user_host(struct dw_sshd_msg *m, struct cur c)
{
	if (eat(&c, LIT("authenticating user "))) {
		user_then_host(m, c);
	} else if (eat(&c, LIT("invalid user "))) {
		m->flags |= DW_SSHD_F_INVALID;
		user_then_host(m, c);
	} else if (eat(&c, LIT("user "))) {
		user_then_host(m, c);
	} else {
		set_src(m, c.p, tok_len(c));
	}
}

/* "[authenticating user U |invalid user U |user U ]H[ port P][ [preauth]]" */
static void disc_tail(struct dw_sshd_msg *m, struct cur c)
{
	m->kind = DW_SSHD_K_DISCONNECT;
	m->flags |= DW_SSHD_F_CONN_END;
	strip_preauth(m, &c);
	strip_port(m, &c);
	maybe_user_host(m, c);
	m->code = m->flags & DW_SSHD_F_PREAUTH ? "preauth_disconnect" : "disconnect";
}

/* "U from H..." where H is the token after the last " from ". */
static void user_from_last(struct dw_sshd_msg *m, struct cur c)
{
	const char *f = rfind(c, LIT(" from "));
	struct cur h;

	if (!f) {
		set_user(m, c.p, tok_len(c));
		return;
	}
	set_user(m, c.p, (size_t)(f - c.p));
	h = upto(f + 6, cend(c));
	set_src(m, h.p, tok_len(h));
}

struct cand {
	const char *host;
	size_t hn;
	uint16_t port;
	int has_port;
};

/*
 * Checks the candidate " from " at f (inside ..e): "HOST[ port N][ sshN]"
 * then the end, " [preauth]" or ": ".
 */
static int cand_ok(const char *f, const char *e, struct cand *k)
{
	struct cur c = upto(f + 6, e);
	size_t t = tok_len(c), d;

	if (t == 0)
		return 0;
	k->host = c.p;
	k->hn = t;
	k->has_port = 0;
	c.p += t;
	c.n -= t;
	if (eat(&c, LIT(" port "))) {
		if (!(d = port_at(c, &k->port)))
			return 0;
		k->has_port = 1;
		c.p += d;
		c.n -= d;
	}
	if (eat(&c, LIT(" ssh")))
		while (c.n && dw_isdigit((unsigned char)*c.p)) {
			c.p++;
			c.n--;
		}
	return c.n == 0 || pfx(c, LIT(": ")) || (c.n == 10 && pfx(c, LIT(" [preauth]")));
}

/* "[invalid user ]U from H[ port P][ ssh2][: info| [preauth]]" (see the top comment). */
static void for_from(struct dw_sshd_msg *m, struct cur c)
{
	const char *e = cend(c), *q;
	struct cand best = {NULL, 0, 0, 0}, k;
	int last;

	if (sfx(c, LIT(" [preauth]")))
		m->flags |= DW_SSHD_F_PREAUTH;
	if (eat(&c, LIT("invalid user ")) || eat(&c, LIT("illegal user ")))
		m->flags |= DW_SSHD_F_INVALID;
	last = (m->flags & DW_SSHD_F_INVALID) != 0;
	/* a user name may be empty: then " from " starts right here */
	for (q = c.p; q < e;) {
		const char *f = find(upto(q, e), LIT(" from "));
		if (!f)
			break;
		if (cand_ok(f, e, &k)) {
			best = k;
			set_user(m, c.p, (size_t)(f - c.p));
			if (!last)
				break;
		}
		q = f + 1;
	}
	if (!best.host) {
		q = find(c, LIT(" from "));
		set_user(m, c.p, q ? (size_t)(q - c.p) : tok_len(c));
		return;
	}
	set_src(m, best.host, best.hn);
	if (best.has_port)
		set_port(m, best.port);
	/* Solaris writes this for an unknown account */
	if (m->user.n == 18 && memcmp(m->user.p, "<invalid username>", 18) == 0) {
		m->user.n = 0;
		m->flags |= DW_SSHD_F_INVALID;
	}
}

static int method_of(struct cur c)
{
	if (c.n == 8 && pfx(c, LIT("password")))
		return DW_SSHD_M_PASSWORD;
	if (c.n == 9 && pfx(c, LIT("publickey")))
		return DW_SSHD_M_PUBLICKEY;
	if (pfx(c, LIT("keyboard-interactive")))
		return DW_SSHD_M_KBDINT;
	if (c.n == 9 && pfx(c, LIT("hostbased")))
		return DW_SSHD_M_HOSTBASED;
	if (pfx(c, LIT("gssapi")))
		return DW_SSHD_M_GSSAPI;
	if (c.n == 4 && pfx(c, LIT("none")))
		return DW_SSHD_M_NONE;
	return DW_SSHD_M_UNKNOWN;
}

/* "<method> for ..." after "Failed " and friends. */
static void method_for(struct dw_sshd_msg *m, int kind, struct cur c)
{
	struct cur meth = {c.p, tok_len(c)};

	if (meth.n == 0)
		return;
	c.p += meth.n;
	c.n -= meth.n;
	if (!eat(&c, LIT(" for ")))
		return; /* stays OTHER */
	m->kind = (uint8_t)kind;
	m->method = (uint8_t)method_of(meth);
	m->method_raw = dw_slice_make(meth.p, meth.n);
	for_from(m, c);
}

/* At "Authentication failure for ..." (after "PAM: " or alone): the PAM error family. */
static void pam_error(struct dw_sshd_msg *m, struct cur c)
{
	if (!ieat(&c, LIT("authentication failure for ")) &&
	    !ieat(&c, LIT("authentication error for ")) &&
	    !ieat(&c, LIT("authentication failed for ")) &&
	    !eat(&c, LIT("User not known to the underlying authentication module for ")))
		return;
	if (eat(&c, LIT("illegal user ")) || eat(&c, LIT("invalid user ")))
		m->flags |= DW_SSHD_F_INVALID;
	m->kind = DW_SSHD_K_PAM_ERROR;
	m->code = "pam_error";
	strip_preauth(m, &c);
	user_from_last(m, c);
}

/* Value of "key=" (key includes the leading space) up to the next space. */
static struct cur kv(struct cur c, const char *key, size_t kn)
{
	const char *f = find(c, key, kn);
	struct cur v = {NULL, 0};

	if (f) {
		v = upto(f + kn, cend(c));
		v.n = tok_len(v);
	}
	return v;
}

/* "pam_X(svc:auth): authentication failure; ..." and the session lines. */
static void pam_module(struct dw_sshd_msg *m, struct cur c)
{
	const char *o = memchr(c.p, '(', DW_MIN(c.n, 64)), *k, *e = cend(c);
	struct cur r, u;

	if (!o || !(k = memchr(o, ')', (size_t)(e - o))))
		return;
	r = upto(k + 1, e);
	if (!eat(&r, LIT(": ")))
		return;
	if ((size_t)(k - o) > 5 && memcmp(k - 5, ":auth", 5) == 0) {
		if (!eat(&r, LIT("authentication failure;")))
			return;
		m->kind = DW_SSHD_K_PAM_FAILURE;
		m->code = "pam_failure";
		strip_preauth(m, &r);
		u = kv(r, LIT(" rhost="));
		set_src(m, u.p, u.n);
		u = kv(r, LIT(" user="));
		if (!u.n)
			u = kv(r, LIT(" ruser="));
		if (u.n)
			set_user(m, u.p, u.n);
	} else if ((size_t)(k - o) > 8 && memcmp(k - 8, ":session", 8) == 0) {
		size_t i;
		if (eat(&r, LIT("session opened for user ")))
			m->kind = DW_SSHD_K_SESSION_OPEN;
		else if (eat(&r, LIT("session closed for user ")))
			m->kind = DW_SSHD_K_SESSION_CLOSE;
		else
			return;
		for (i = 0; i < r.n && r.p[i] != ' ' && r.p[i] != '('; i++)
			;
		set_user(m, r.p, i);
	}
}

/* "Received disconnect from H[ port P]:CODE: text" or "... from H: CODE: text". */
static void received_disconnect(struct dw_sshd_msg *m, struct cur c)
{
	size_t t, d;
	unsigned code = 0;
	int have_code = 0;
	uint16_t port;
	struct cur r;

	m->kind = DW_SSHD_K_DISCONNECT;
	m->flags |= DW_SSHD_F_CONN_END;
	strip_preauth(m, &c);
	t = tok_len(c);
	r = upto(c.p + t, cend(c));
	if (eat(&r, LIT(" port ")) && (d = port_at(r, &port))) {
		set_port(m, port);
		set_src(m, c.p, t);
		r.p += d;
		r.n -= d;
	} else {
		/* "H:" - an IPv6 address without a port also ends with the colon */
		if (t > 0 && c.p[t - 1] == ':')
			t--;
		set_src(m, c.p, t);
		r = upto(c.p + t, cend(c));
	}
	eat(&r, LIT(":"));
	while (r.n && *r.p == ' ') {
		r.p++;
		r.n--;
	}
	while (r.n && dw_isdigit((unsigned char)*r.p) && code < 1000) {
		code = code * 10 + (unsigned)(*r.p - '0');
		have_code = 1;
		r.p++;
		r.n--;
	}
	m->code = m->flags & DW_SSHD_F_PREAUTH ? "preauth_disconnect" : "disconnect";
	if (have_code && code == 3 && sfx(r, LIT("Auth fail"))) {
		m->flags |= DW_SSHD_F_AUTH_FAIL;
		m->code = "client_auth_fail";
	}
}

/* After "Disconnecting": the too-many and change-of-user shapes. */
static void disconnecting(struct dw_sshd_msg *m, struct cur c)
{
	const char *f;

	if (eat(&c, LIT(": Too many authentication failures"))) {
		m->kind = DW_SSHD_K_MAX_ATTEMPTS;
		m->code = "max_attempts";
		strip_preauth(m, &c);
		if (eat(&c, LIT(" for ")))
			set_user(m, c.p, c.n);
		return;
	}
	if (!eat(&c, LIT(" ")))
		return;
	if ((f = rfind(c, LIT(": Too many authentication failures")))) {
		m->kind = DW_SSHD_K_MAX_ATTEMPTS;
		m->code = "max_attempts";
	} else if ((f = find(c, LIT(": Change of username or service not allowed")))) {
		m->kind = DW_SSHD_K_USER_CHANGE;
		m->code = "user_change";
	} else {
		return;
	}
	if (sfx(c, LIT(" [preauth]")))
		m->flags |= DW_SSHD_F_PREAUTH;
	c = upto(c.p, f);
	strip_port(m, &c);
	if (pfx(c, LIT("invalid user ")) || pfx(c, LIT("authenticating user ")) ||
	    pfx(c, LIT("user ")))
		maybe_user_host(m, c);
	else
		user_then_host(m, c);
}

/* "U [from H] not allowed because ..." after "User ". */
static void user_not_allowed(struct dw_sshd_msg *m, struct cur c)
{
	const char *f = find(c, LIT(" not allowed because "));
	struct cur why, who;

	if (!f)
		return;
	m->kind = DW_SSHD_K_NOT_ALLOWED;
	m->code = "not_allowed";
	why = upto(f, cend(c));
	eat(&why, LIT(" not allowed because "));
	if (pfx(why, LIT("account is locked"))) {
		m->flags |= DW_SSHD_F_LOCKED;
		m->code = "account_locked";
	}
	who = upto(c.p, f);
	if (rfind(who, LIT(" from ")))
		user_from_last(m, who);
	else
		set_user(m, who.p, who.n);
	if (sfx(c, LIT(" [preauth]")))
		m->flags |= DW_SSHD_F_PREAUTH;
}

/* The host and optional port at c (negotiation lines). */
static void host_port(struct dw_sshd_msg *m, struct cur c)
{
	size_t t = tok_len(c), d;
	uint16_t port;

	while (t > 0 && (c.p[t - 1] == ':' || c.p[t - 1] == ',') &&
	       !(t >= 2 && c.p[t - 2] == ':' && c.p[t - 1] == ':'))
		t--;
	set_src(m, c.p, t);
	c = upto(c.p + t, cend(c));
	while (c.n && (*c.p == ':' || *c.p == ',')) {
		c.p++;
		c.n--;
	}
	if (eat(&c, LIT(" port ")) && (d = port_at(c, &port)))
		set_port(m, port);
}

static void negotiation(struct dw_sshd_msg *m, const char *code)
{
	m->kind = DW_SSHD_K_NEGOTIATION;
	m->flags |= DW_SSHD_F_CONN_END;
	m->code = code;
}

/* Strips the prefixes some systems put before the OpenSSH text. */
static void strip_prefixes(struct cur *c)
{
	if (pfx(*c, LIT("[ID "))) {
		const char *k = memchr(c->p, ']', DW_MIN(c->n, 64));
		if (k && k + 1 < cend(*c) && k[1] == ' ')
			*c = upto(k + 2, cend(*c));
	}
	if (eat(c, LIT("kernel:"))) {
		while (c->n && *c->p == ' ')
			c->p++, c->n--;
		if (c->n && *c->p == '[') {
			const char *k = memchr(c->p, ']', c->n);
			if (k)
				*c = upto(k + 1, cend(*c));
		}
		eat(c, LIT(":"));
		while (c->n && *c->p == ' ')
			c->p++, c->n--;
	}
	if (!eat(c, LIT("error: ")))
		eat(c, LIT("fatal: "));
}

static void classify(struct cur c, struct dw_sshd_msg *m, int depth);

/* "N times: [ inner]" after "message repeated " (rsyslog de-duplication). */
static void repeated(struct dw_sshd_msg *m, struct cur c, int depth)
{
	uint32_t cnt = 0;
	int digits = 0;

	while (c.n && dw_isdigit((unsigned char)*c.p) && cnt < 100000000) {
		cnt = cnt * 10 + (uint32_t)(*c.p - '0');
		c.p++;
		c.n--;
		digits = 1;
	}
	if (!digits || cnt == 0 || depth > 0 || !eat(&c, LIT(" times: [")))
		return;
	eat(&c, LIT(" "));
	eat_end(&c, LIT("]"));
	classify(c, m, depth + 1);
	m->count = cnt;
}

static void classify(struct cur c, struct dw_sshd_msg *m, int depth)
{
	while (c.n && (c.p[c.n - 1] == ' ' || c.p[c.n - 1] == '\t'))
		c.n--;
	strip_prefixes(&c);
	if (c.n == 0)
		return;
	switch (c.p[0]) {
	case 'F':
		if (eat(&c, LIT("Failed ")))
			method_for(m, DW_SSHD_K_FAILURE, c);
		break;
	case 'A':
		if (eat(&c, LIT("Accepted "))) {
			method_for(m, DW_SSHD_K_SUCCESS, c);
		} else if (eat(&c, LIT("Address "))) {
			/* "Address IP maps to NAME, but this does not map back ..." */
			m->code = "reverse_mapping";
			set_src(m, c.p, tok_len(c));
		} else {
			pam_error(m, c);
		}
		break;
	case 'a':
		pam_error(m, c);
		break;
	case 'I':
		if (eat(&c, LIT("Invalid user ")) || eat(&c, LIT("Illegal user "))) {
			m->kind = DW_SSHD_K_INVALID_USER;
			m->code = "invalid_user";
			m->flags |= DW_SSHD_F_INVALID;
			strip_preauth(m, &c);
			strip_port(m, &c);
			user_from_last(m, c);
		}
		break;
	case 'p':
		if (pfx(c, LIT("pam_")))
			pam_module(m, c);
		break;
	case 'P':
		if (eat(&c, LIT("PAM: "))) {
			pam_error(m, c);
		} else if (eat(&c, LIT("PAM ")) && c.n && dw_isdigit((unsigned char)*c.p)) {
			while (c.n && dw_isdigit((unsigned char)*c.p))
				c.p++, c.n--;
			if (pfx(c, LIT(" more authentication failure"))) {
				m->kind = DW_SSHD_K_PAM_MORE;
				m->code = "pam_more";
			}
		} else if (eat(&c, LIT("Postponed "))) {
			method_for(m, DW_SSHD_K_PARTIAL, c);
			m->code = "postponed";
		} else if (eat(&c, LIT("Partial "))) {
			method_for(m, DW_SSHD_K_PARTIAL, c);
			m->code = "partial";
		}
		break;
	case 'C':
		if (eat(&c, LIT("Connection closed by ")) || eat(&c, LIT("Connection reset by "))) {
			disc_tail(m, c);
		} else if (eat(&c, LIT("Connection from "))) {
			m->kind = DW_SSHD_K_CONNECT;
			m->code = "connect";
			host_port(m, c);
		}
		break;
	case 'D':
		if (eat(&c, LIT("Disconnected from "))) {
			disc_tail(m, c);
		} else if (eat(&c, LIT("Disconnecting"))) {
			disconnecting(m, c);
		} else if (eat(&c, LIT("Did not receive identification string from "))) {
			negotiation(m, "no_ident");
			host_port(m, c);
		}
		break;
	case 'R':
		if (eat(&c, LIT("Received disconnect from "))) {
			received_disconnect(m, c);
		} else if (pfx(c, LIT("ROOT LOGIN REFUSED FROM "))) {
			m->kind = DW_SSHD_K_NOT_ALLOWED;
			m->code = "root_refused";
			set_user(m, c.p, 4);
			eat(&c, LIT("ROOT LOGIN REFUSED FROM "));
			strip_preauth(m, &c);
			host_port(m, c);
		} else if (eat(&c, LIT("Read from socket failed: "))) {
			m->kind = DW_SSHD_K_DISCONNECT;
			m->flags |= DW_SSHD_F_CONN_END;
			strip_preauth(m, &c);
			m->code = m->flags & DW_SSHD_F_PREAUTH ? "preauth_disconnect" : "disconnect";
		}
		break;
	case 'U':
		if (eat(&c, LIT("User "))) {
			user_not_allowed(m, c);
		} else if (eat(&c, LIT("Unable to negotiate with "))) {
			negotiation(m, "no_matching_algorithm");
			host_port(m, c);
		} else if (pfx(c, LIT("Unable to negotiate "))) {
			negotiation(m, "no_matching_algorithm");
		}
		break;
	case 'T':
		if (eat(&c, LIT("Timeout before authentication for "))) {
			negotiation(m, "auth_timeout");
			eat(&c, LIT("connection from "));
			host_port(m, c);
		}
		break;
	case 'B':
		if (pfx(c, LIT("Bad protocol version identification "))) {
			const char *f = rfind(c, LIT(" from "));
			negotiation(m, "bad_version");
			if (f)
				host_port(m, upto(f + 6, cend(c)));
		}
		break;
	case 'b':
		if (eat(&c, LIT("banner exchange: Connection from "))) {
			negotiation(m, "bad_banner");
			host_port(m, c);
		}
		break;
	case 'k':
		if (pfx(c, LIT("kex_exchange_identification: ")))
			negotiation(m, "bad_banner");
		break;
	case 'm':
		if (eat(&c, LIT("maximum authentication attempts exceeded for "))) {
			m->kind = DW_SSHD_K_MAX_ATTEMPTS;
			m->code = "max_attempts";
			for_from(m, c);
		} else if (eat(&c, LIT("message repeated "))) {
			repeated(m, c, depth);
		}
		break;
	case 'n':
		if (pfx(c, LIT("no matching ")))
			negotiation(m, "no_matching_algorithm");
		break;
	case 'r':
		if (pfx(c, LIT("reverse mapping checking getaddrinfo for "))) {
			/* "... for NAME [IP] failed - POSSIBLE BREAK-IN ATTEMPT!" */
			const char *o = memchr(c.p, '[', c.n), *k;
			m->code = "reverse_mapping";
			if (o && (k = memchr(o, ']', (size_t)(cend(c) - o))) != NULL)
				set_src(m, o + 1, (size_t)(k - o - 1));
		} else if (pfx(c, LIT("refused connect from "))) {
			const char *o = memrchr(c.p, '(', c.n);
			m->kind = DW_SSHD_K_REFUSED;
			m->code = "refused_connect";
			if (o && c.p[c.n - 1] == ')')
				set_src(m, o + 1, (size_t)(cend(c) - 1 - (o + 1)));
		}
		break;
	case 's':
		if (eat(&c, LIT("ssh_dispatch_run_fatal: Connection from "))) {
			negotiation(m, "protocol_error");
			host_port(m, c);
		}
		break;
	case 'd':
		if (pfx(c, LIT("drop connection #"))) {
			const char *f = find(c, LIT(" from ["));
			negotiation(m, "maxstartups");
			m->flags &= (uint8_t)~DW_SSHD_F_CONN_END; /* written by the listener */
			if (f) {
				struct cur h = upto(f + 7, cend(c));
				const char *k = memchr(h.p, ']', h.n);
				uint16_t port;
				if (k) {
					set_src(m, h.p, (size_t)(k - h.p));
					h = upto(k + 1, cend(c));
					if (eat(&h, LIT(":")) && port_at(h, &port))
						set_port(m, port);
				}
			}
		}
		break;
	case 'i':
		if (eat(&c, LIT("input_userauth_request: invalid user "))) {
			strip_preauth(m, &c);
			m->flags |= DW_SSHD_F_INVALID;
			set_user(m, c.p, c.n);
		}
		break;
	default:
		break;
	}
}

void dw_sshd_classify(const char *p, size_t n, struct dw_sshd_msg *m)
{
	struct cur c = {p, n};

	memset(m, 0, sizeof(*m));
	m->count = 1;
	if (p)
		classify(c, m, 0);
}
