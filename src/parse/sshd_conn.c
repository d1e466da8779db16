/*
 * sshd_conn.c - the sshd attempt merger (see sshd_conn.h): one guess, one
 * event.
 *
 * State per connection (key: syslog host + sshd pid) is the latest attempt:
 *   NONE    nothing pending
 *   HELD    a failure waiting for the connection to decide (a pam_unix
 *           failure), or a definite failure waiting for its source (a line
 *           without an address, e.g. "User root not allowed because account is
 *           locked"); its fields are copied here, the line buffer is gone
 *   OPEN    a failure already delivered ("Invalid user", "User .. not
 *           allowed", "PAM: Authentication failure") whose "Failed" line may
 *           still come and is then folded into it
 *   FAILED  the latest attempt's "Failed" line was seen
 *   PROBE   the latest attempt was a publickey/none probe of a real account
 *
 * Rules, line by line (merged_lines counts each line folded into a guess):
 *   Failed <m> for [invalid user] U  OPEN with the same user: folded (N-1 more
 *       for "message repeated N times"). HELD PAM failure of a compatible user:
 *       the same guess, one event from the Failed line. Otherwise a held
 *       failure is released first and the line is a new guess (reason
 *       unknown_user for "invalid user", else bad_password; protocol = method).
 *       Failed publickey/none of an existing account is a key probe, not a
 *       guess: action other, code "probe".
 *   Invalid user / User not allowed / PAM: Authentication failure  a guess,
 *       delivered at once (reason unknown_user, restriction, locked,
 *       bad_password) and OPEN; without any known source it is HELD until a
 *       line of the connection names one (a Failed line of the same user is
 *       then that guess: one event, with the held reason). A PAM error of the
 *       OPEN guess's user is folded into it.
 *   pam_X(sshd:auth): authentication failure  folded into an OPEN guess;
 *       otherwise HELD. A second PAM failure differing only in "[preauth]"
 *       (the monitor and the child both log the same attempt) is folded; any
 *       other second PAM failure releases the first (it was a failure, since a
 *       success would have ended the authentication) and is held in turn.
 *       Released when the connection ends (Connection closed/reset,
 *       Disconnected, Received disconnect, negotiation/timeout lines), on
 *       eviction, at dw_sshd_conn_flush(), or by a new guess; dropped by
 *       Accepted for the same (or an unknown) user: the PAM stack went on to
 *       succeed (pam_unix + pam_ldap).
 *   PAM N more authentication failures  folded: it summarises failures
 *       already counted.
 *   maximum authentication attempts exceeded / Too many authentication
 *       failures / Change of username not allowed / client "Auth fail"
 *       disconnect  these close an attempt sshd has normally logged already
 *       (auth_log writes the Failed line of the attempt that reached
 *       MaxAuthTries just before). So: after a Failed line or an OPEN guess,
 *       folded; after a HELD PAM failure, they confirm it (released, line
 *       folded); after a key probe, action other; with nothing pending they
 *       stand for a guess nobody logged and count once (held until a source
 *       is known). Further such lines of the same attempt are folded.
 *   Accepted  auth_success (after the held-failure rule above).
 *   Preauth disconnects naming "authenticating user U" or "invalid user U"
 *       without a failure on the connection are action other (a client that
 *       presented a user and gave up, e.g. a publickey probe); counting them
 *       would double-count every guess that ends with such a line and count
 *       benign key probes. Negotiation failures and scanner lines are action
 *       other with the client set.
 * Records without a pid cannot be told apart: they are handled alone (a
 * PAM failure is then action other, a summary line counts as a guess).
 * Every event of a connection without an address of its own gets the
 * connection's client when a previous line named it.
 *
 * Memory arithmetic: each entry is the key (pid + host, KEY_MAX = 68 -> 72
 * bytes; longer hosts are stored as a prefix plus digest), a struct conn
 * (344 bytes: the held failure keeps up to 100 bytes of user and 64 of
 * client name) and 18 bytes of table links, 434 bytes in all, plus 4 bytes of
 * bucket. At the default cap of 16,384 connections: 16,384 * 438 = 7.2 MB
 * (6.8 MiB), allocated once with calloc and touched only as connections are
 * seen; the entries of closed connections are deleted and reused, so a log
 * touches about (connections open at once) * 434 bytes. sshd itself refuses
 * unauthenticated connections beyond MaxStartups (100 by default), so 16,384
 * open at once covers well over a hundred busy servers in one log; beyond
 * the cap the oldest connection is evicted (its held failure is released
 * first) and counted.
 */
#include "sshd_conn.h"

#include <stdlib.h>

#include "../core/table.h"

#define KEY_HOST 256 /* longest host used in a key (the table digests long keys) */
#define KEY_MAX 68
#define USER_KEEP 100 /* sshd writes at most 100 bytes of a user name */
#define NAME_KEEP 64  /* longest client host name kept for a held failure */
#define HOST_KEEP 48  /* syslog host kept for events released at eviction/flush */
#define PROG_KEEP 16

enum { ATT_NONE = 0, ATT_HELD, ATT_OPEN, ATT_FAILED, ATT_PROBE };

struct held {
	int64_t ts;
	uint64_t line, offset;
	const char *file;
	const char *code;
	uint32_t count;
	uint32_t has;       /* DW_EV_HAS_LINE/OFFSET/SRC_PORT of the held line */
	uint16_t port;
	uint16_t user_full; /* length of the user as logged (user_n may be less) */
	uint8_t ts_prec, reason, method, definite, preauth, has_user, user_n, name_n;
	struct dw_ip ip;
	char user[USER_KEEP];
	char name[NAME_KEEP];
};

struct conn {
	uint8_t att; /* ATT_* */
	uint8_t host_n, prog_n, has_port;
	uint16_t port;
	uint32_t pid;
	struct dw_ip ip; /* the client, once a line of the connection names it */
	char host[HOST_KEEP];
	char prog[PROG_KEEP];
	struct held h; /* HELD: the failure; OPEN: the user of the open guess */
};

struct dw_sshd_conn {
	struct dw_table *t;
	dw_sshd_emit_fn fn;
	void *ctx;
	struct dw_parse_stats *st;
	struct dw_event hev; /* events released from held state */
	char *names;         /* file names and codes of a loaded state (held events point here) */
	/*
	 * One-entry cache of the last connection looked up: the 3-6 lines of one
	 * attempt come in a row, so most lines skip the hash. Dropped whenever
	 * an entry is deleted or evicted.
	 */
	struct conn *cc;
	size_t ckl;
	unsigned char ck[4 + KEY_HOST];
};

static size_t conn_key(const struct dw_event *ev, unsigned char *k)
{
	size_t hn = DW_MIN(ev->host.n, KEY_HOST);

	memcpy(k, &ev->pid, 4);
	if (hn)
		memcpy(k + 4, ev->host.p, hn);
	return 4 + hn;
}

static void keep_user(struct held *h, const struct dw_sshd_msg *m)
{
	size_t n = (m->flags & DW_SSHD_F_HAS_USER) ? m->user.n : 0;

	h->has_user = (m->flags & DW_SSHD_F_HAS_USER) != 0;
	h->user_full = (uint16_t)DW_MIN(n, UINT16_MAX);
	h->user_n = (uint8_t)DW_MIN(n, USER_KEEP);
	if (h->user_n)
		memcpy(h->user, m->user.p, h->user_n);
}

static int same_user(const struct held *h, const struct dw_sshd_msg *m)
{
	size_t n = m->user.n;

	return (m->flags & DW_SSHD_F_HAS_USER) && h->has_user &&
	       h->user_full == DW_MIN(n, UINT16_MAX) &&
	       (h->user_n == 0 || memcmp(h->user, m->user.p, h->user_n) == 0);
}

/* Could be the same attempt: the same user, or one side does not say. */
static int user_fits(const struct held *h, const struct dw_sshd_msg *m)
{
	if (!h->has_user || h->user_full == 0 || !(m->flags & DW_SSHD_F_HAS_USER) || m->user.n == 0)
		return 1;
	return same_user(h, m);
}

static int has_src(const struct dw_event *e)
{
	return e->src_ip.fam || e->src_name.n;
}

static void hold(struct conn *c, const struct dw_event *ev, const struct dw_sshd_msg *m, int reason,
		 int definite)
{
	struct held *h = &c->h;

	h->ts = ev->ts;
	h->ts_prec = ev->ts_prec;
	h->file = ev->file;
	h->line = ev->line;
	h->offset = ev->offset;
	h->has = ev->has & (DW_EV_HAS_LINE | DW_EV_HAS_OFFSET);
	h->count = m->count;
	h->code = m->code;
	h->reason = (uint8_t)reason;
	h->method = m->method;
	h->definite = (uint8_t)definite;
	h->preauth = (m->flags & DW_SSHD_F_PREAUTH) != 0;
	h->port = 0;
	if (m->flags & DW_SSHD_F_HAS_PORT) {
		h->has |= DW_EV_HAS_SRC_PORT;
		h->port = m->port;
	}
	h->ip = m->ip;
	h->name_n = 0;
	if (!m->ip.fam && m->src.n) {
		h->name_n = (uint8_t)DW_MIN(m->src.n, NAME_KEEP);
		memcpy(h->name, m->src.p, h->name_n);
	}
	keep_user(h, m);
	c->att = ATT_HELD;
}

/* Delivers the held failure of c as an auth_failure. */
static void release(struct dw_sshd_conn *x, struct conn *c)
{
	struct dw_event *e = &x->hev;
	struct held *h = &c->h;

	dw_event_clear(e);
	e->ts = h->ts;
	e->ts_prec = h->ts_prec;
	e->log = DW_LOG_SSHD;
	e->action = DW_ACT_AUTH_FAILURE;
	e->reason = h->reason;
	e->host = dw_slice_make(c->host, c->host_n);
	e->program = dw_slice_make(c->prog, c->prog_n);
	e->pid = c->pid;
	e->has = DW_EV_HAS_PID | (h->has & (DW_EV_HAS_LINE | DW_EV_HAS_OFFSET));
	e->file = h->file;
	e->line = h->line;
	e->offset = h->offset;
	if (h->has_user)
		dw_event_set_user(e, dw_slice_make(h->user, h->user_n));
	if (h->ip.fam || c->ip.fam) {
		e->src_ip = h->ip.fam ? h->ip : c->ip;
		if (h->has & DW_EV_HAS_SRC_PORT) {
			e->src_port = h->port;
			e->has |= DW_EV_HAS_SRC_PORT;
		} else if (!h->ip.fam && c->has_port) {
			e->src_port = c->port;
			e->has |= DW_EV_HAS_SRC_PORT;
		}
	} else if (h->name_n) {
		e->src_name = dw_slice_make(h->name, h->name_n);
	}
	if (h->method)
		e->protocol = dw_slice_cstr(dw_sshd_method_name(h->method));
	if (h->code)
		e->code = dw_slice_cstr(h->code);
	e->count = h->count;
	c->att = ATT_NONE;
	x->fn(x->ctx, e);
}

static void emit(struct dw_sshd_conn *x, struct dw_event *ev, int action, int reason)
{
	ev->action = (uint8_t)action;
	ev->reason = (uint8_t)reason;
	x->fn(x->ctx, ev);
}

static void on_evict(void *ctx, const void *key, size_t klen, void *val)
{
	struct dw_sshd_conn *x = ctx;
	struct conn *c = val;

	(void)key;
	(void)klen;
	x->cc = NULL;
	x->st->conn_evicted++;
	if (c->att == ATT_HELD)
		release(x, c);
}

int dw_sshd_conn_new(struct dw_sshd_conn **out, size_t cap, dw_sshd_emit_fn fn, void *ctx,
		     struct dw_parse_stats *st)
{
	struct dw_sshd_conn *x;

	*out = NULL;
	x = calloc(1, sizeof(*x)); /* once, in _new */
	if (!x)
		return DW_ENOMEM;
	if (dw_table_new(&x->t, cap ? cap : DW_SSHD_CONN_CAP, KEY_MAX, sizeof(struct conn)) !=
	    DW_OK) {
		free(x);
		return DW_ENOMEM;
	}
	dw_table_on_evict(x->t, on_evict, x);
	x->fn = fn;
	x->ctx = ctx;
	x->st = st;
	*out = x;
	return DW_OK;
}

void dw_sshd_conn_free(struct dw_sshd_conn *x)
{
	if (!x)
		return;
	dw_table_free(x->t);
	free(x->names);
	free(x);
}

size_t dw_sshd_conn_memuse(const struct dw_sshd_conn *x)
{
	return dw_table_memuse(x->t);
}

void dw_sshd_conn_flush(struct dw_sshd_conn *x)
{
	uint32_t cur = 0;
	const void *k;
	size_t kl;
	struct conn *c;

	while ((c = dw_table_next(x->t, &cur, &k, &kl)) != NULL)
		if (c->att == ATT_HELD)
			release(x, c);
}

/* The message's own fields into ev. */
static void fill(struct dw_event *ev, const struct dw_sshd_msg *m)
{
	ev->log = DW_LOG_SSHD;
	if (m->flags & DW_SSHD_F_HAS_USER)
		dw_event_set_user(ev, m->user);
	if (m->ip.fam)
		ev->src_ip = m->ip;
	else if (m->src.n)
		ev->src_name = m->src;
	if (m->flags & DW_SSHD_F_HAS_PORT) {
		ev->src_port = m->port;
		ev->has |= DW_EV_HAS_SRC_PORT;
	}
	if (m->method)
		ev->protocol = dw_slice_cstr(dw_sshd_method_name(m->method));
	if (m->code)
		ev->code = dw_slice_cstr(m->code);
	ev->count = m->count;
}

/* Kinds that may create state; the others only look it up. */
static int creates(const struct dw_sshd_msg *m, int cls)
{
	switch (m->kind) {
	case DW_SSHD_K_FAILURE:
	case DW_SSHD_K_INVALID_USER:
	case DW_SSHD_K_PAM_FAILURE:
	case DW_SSHD_K_PAM_ERROR:
	case DW_SSHD_K_MAX_ATTEMPTS:
	case DW_SSHD_K_NOT_ALLOWED:
	case DW_SSHD_K_USER_CHANGE:
	case DW_SSHD_K_SUCCESS:
	case DW_SSHD_K_CONNECT:
		return 1;
	default:
		return cls == DW_SSHD_C_COND;
	}
}

static int fail_reason(const struct dw_sshd_msg *m)
{
	if (m->flags & DW_SSHD_F_INVALID)
		return DW_RSN_UNKNOWN_USER;
	switch (m->kind) {
	case DW_SSHD_K_NOT_ALLOWED:
		return m->flags & DW_SSHD_F_LOCKED ? DW_RSN_LOCKED : DW_RSN_RESTRICTION;
	case DW_SSHD_K_USER_CHANGE:
	case DW_SSHD_K_DISCONNECT:
		return DW_RSN_OTHER;
	case DW_SSHD_K_PAM_FAILURE:
		return (m->flags & DW_SSHD_F_HAS_USER) && m->user.n ? DW_RSN_BAD_PASSWORD
								    : DW_RSN_UNKNOWN_USER;
	default:
		return DW_RSN_BAD_PASSWORD;
	}
}

/* A line that closes the latest attempt (see the rules at the top). */
static void closing(struct dw_sshd_conn *x, struct conn *c, struct dw_event *ev,
		    const struct dw_sshd_msg *m, int can_hold)
{
	switch (c->att) {
	case ATT_OPEN:
	case ATT_FAILED:
		x->st->merged_lines++;
		c->att = ATT_FAILED;
		break;
	case ATT_HELD:
		release(x, c);
		x->st->merged_lines++;
		c->att = ATT_FAILED;
		break;
	case ATT_PROBE:
		c->att = ATT_NONE;
		emit(x, ev, DW_ACT_OTHER, DW_RSN_NONE);
		break;
	default:
		if (!has_src(ev) && can_hold) {
			hold(c, ev, m, fail_reason(m), 1);
			break;
		}
		c->att = ATT_FAILED;
		emit(x, ev, DW_ACT_AUTH_FAILURE, fail_reason(m));
		break;
	}
}

void dw_sshd_conn_line(struct dw_sshd_conn *x, struct dw_event *ev, const struct dw_sshd_msg *m)
{
	unsigned char key[4 + KEY_HOST];
	size_t klen = 0;
	struct conn local, *c = NULL;
	int cls = dw_sshd_class(m), created = 0, can_hold = 0;

	fill(ev, m);
	if (ev->has & DW_EV_HAS_PID) {
		klen = conn_key(ev, key);
		if (x->cc && klen == x->ckl && memcmp(key, x->ck, klen) == 0)
			c = x->cc;
		else if (creates(m, cls))
			c = dw_table_upsert(x->t, key, klen, &created);
		else
			c = dw_table_get(x->t, key, klen);
		if (c && c != x->cc) {
			x->cc = c;
			x->ckl = klen;
			memcpy(x->ck, key, klen);
		}
		can_hold = c != NULL;
	}
	if (created) {
		c->host_n = (uint8_t)DW_MIN(ev->host.n, HOST_KEEP);
		if (c->host_n)
			memcpy(c->host, ev->host.p, c->host_n);
		c->prog_n = (uint8_t)DW_MIN(ev->program.n, PROG_KEEP);
		if (c->prog_n)
			memcpy(c->prog, ev->program.p, c->prog_n);
		c->pid = ev->pid;
	}
	if (!c) {
		memset(&local, 0, sizeof(local));
		c = &local;
	}
	/* the connection's client: learn it, or lend it to lines without one */
	if (m->ip.fam) {
		c->ip = m->ip;
		c->has_port = (m->flags & DW_SSHD_F_HAS_PORT) != 0;
		c->port = m->port;
	} else if (!has_src(ev) && c->ip.fam) {
		ev->src_ip = c->ip;
		if (c->has_port && !(ev->has & DW_EV_HAS_SRC_PORT)) {
			ev->src_port = c->port;
			ev->has |= DW_EV_HAS_SRC_PORT;
		}
	}

	switch (m->kind) {
	case DW_SSHD_K_FAILURE:
		if (cls == DW_SSHD_C_NONE) { /* key probe of a real account */
			if (c->att != ATT_HELD)
				c->att = ATT_PROBE;
			ev->code = dw_slice_cstr("probe");
			emit(x, ev, DW_ACT_OTHER, DW_RSN_NONE);
			break;
		}
		if (c->att == ATT_OPEN && same_user(&c->h, m)) {
			x->st->merged_lines++;
			c->att = ATT_FAILED;
			if (m->count > 1) {
				ev->count = m->count - 1;
				emit(x, ev, DW_ACT_AUTH_FAILURE, fail_reason(m));
			}
			break;
		}
		if (c->att == ATT_HELD && c->h.definite && same_user(&c->h, m)) {
			/* "User U not allowed because account is locked" was waiting for its source */
			x->st->merged_lines++;
			c->att = ATT_FAILED;
			if (c->h.code)
				ev->code = dw_slice_cstr(c->h.code);
			emit(x, ev, DW_ACT_AUTH_FAILURE, c->h.reason);
			break;
		}
		if (c->att == ATT_HELD && !c->h.definite && user_fits(&c->h, m)) {
			x->st->merged_lines++; /* the held PAM line was this guess */
			c->att = ATT_NONE;
		} else if (c->att == ATT_HELD) {
			release(x, c);
		}
		c->att = ATT_FAILED;
		emit(x, ev, DW_ACT_AUTH_FAILURE, fail_reason(m));
		break;

	case DW_SSHD_K_INVALID_USER:
	case DW_SSHD_K_NOT_ALLOWED:
	case DW_SSHD_K_PAM_ERROR:
		if (m->kind == DW_SSHD_K_PAM_ERROR && c->att == ATT_OPEN && user_fits(&c->h, m)) {
			x->st->merged_lines++;
			break;
		}
		if (c->att == ATT_HELD && !c->h.definite && m->kind == DW_SSHD_K_PAM_ERROR &&
		    user_fits(&c->h, m)) {
			x->st->merged_lines++; /* the PAM error confirms the held failure */
			c->att = ATT_NONE;
		} else if (c->att == ATT_HELD) {
			release(x, c);
		}
		if (!has_src(ev) && can_hold) {
			hold(c, ev, m, fail_reason(m), 1);
			break;
		}
		emit(x, ev, DW_ACT_AUTH_FAILURE, fail_reason(m));
		keep_user(&c->h, m);
		c->att = ATT_OPEN;
		break;

	case DW_SSHD_K_PAM_FAILURE:
		if (c->att == ATT_OPEN && user_fits(&c->h, m)) {
			x->st->merged_lines++;
			break;
		}
		if (c->att == ATT_HELD && !c->h.definite &&
		    c->h.preauth != ((m->flags & DW_SSHD_F_PREAUTH) != 0) && user_fits(&c->h, m)) {
			x->st->merged_lines++; /* the same attempt, logged by both processes */
			break;
		}
		if (c->att == ATT_HELD)
			release(x, c);
		if (!can_hold) {
			emit(x, ev, DW_ACT_OTHER, DW_RSN_NONE);
			break;
		}
		hold(c, ev, m, fail_reason(m), 0);
		break;

	case DW_SSHD_K_PAM_MORE:
		x->st->merged_lines++;
		break;

	case DW_SSHD_K_MAX_ATTEMPTS:
	case DW_SSHD_K_USER_CHANGE:
		closing(x, c, ev, m, can_hold);
		break;

	case DW_SSHD_K_SUCCESS:
		if (c->att == ATT_HELD) {
			if (!c->h.definite && user_fits(&c->h, m))
				x->st->merged_lines++; /* PAM went on to succeed */
			else
				release(x, c);
		}
		c->att = ATT_NONE;
		emit(x, ev, DW_ACT_AUTH_SUCCESS, DW_RSN_NONE);
		break;

	case DW_SSHD_K_SESSION_OPEN:
		emit(x, ev, DW_ACT_SESSION_START, DW_RSN_NONE);
		break;

	case DW_SSHD_K_SESSION_CLOSE:
		emit(x, ev, DW_ACT_SESSION_END, DW_RSN_NONE);
		break;

	default:
		if (cls == DW_SSHD_C_COND) {
			closing(x, c, ev, m, 0);
		} else {
			if ((m->flags & DW_SSHD_F_CONN_END) && c->att == ATT_HELD)
				release(x, c);
			emit(x, ev, DW_ACT_OTHER, DW_RSN_NONE);
		}
		break;
	}
	if ((m->flags & DW_SSHD_F_CONN_END) && c != &local) {
		if (c->att == ATT_HELD)
			release(x, c);
		dw_table_del(x->t, key, klen);
		x->cc = NULL;
	}
}

/*
 * ---- saved state (a run that stops and the next that goes on, --db) ----
 *
 * Format: "DWCONN\r\n", u32 version, u32 entries, then per entry in LRU
 * order: u16 key length, the stored key, the fields of struct conn one by
 * one, the held file name and code as u16 length + bytes. Integers little
 * endian. Loading checks every length and enum against the limits above,
 * so a damaged blob is refused (DW_EINVAL) and never read past; the names
 * go into one allocation the merger owns (held events point into it).
 * Size: at most cap * (2 + 68 + ~380 + file name) bytes.
 */
#define SAVE_MAGIC "DWCONN\r\n"
#define SAVE_VERSION 1
#define SAVE_NAME_MAX 1023

static void put_n(struct dw_sb *sb, uint64_t v, int width)
{
	unsigned char b[8];

	for (int i = 0; i < width; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	dw_sb_put(sb, b, (size_t)width);
}

static void put_str(struct dw_sb *sb, const char *s)
{
	size_t n = s ? strnlen(s, SAVE_NAME_MAX) : 0;

	put_n(sb, n, 2);
	dw_sb_put(sb, s ? s : "", n);
}

static void put_ip(struct dw_sb *sb, const struct dw_ip *ip)
{
	put_n(sb, ip->fam, 1);
	dw_sb_put(sb, ip->a, sizeof(ip->a));
}

int dw_sshd_conn_save(const struct dw_sshd_conn *x, struct dw_sb *sb)
{
	uint32_t cur = 0;
	const void *k;
	size_t kl, at = sb->n;
	const struct conn *c;

	dw_sb_put(sb, SAVE_MAGIC, 8);
	put_n(sb, SAVE_VERSION, 4);
	put_n(sb, dw_table_count(x->t), 4);
	while ((c = dw_table_next(x->t, &cur, &k, &kl)) != NULL) {
		const struct held *h = &c->h;
		put_n(sb, kl, 2);
		dw_sb_put(sb, k, kl);
		put_n(sb, c->att, 1);
		put_n(sb, c->host_n, 1);
		put_n(sb, c->prog_n, 1);
		put_n(sb, c->has_port, 1);
		put_n(sb, c->port, 2);
		put_n(sb, c->pid, 4);
		put_ip(sb, &c->ip);
		dw_sb_put(sb, c->host, c->host_n);
		dw_sb_put(sb, c->prog, c->prog_n);
		put_n(sb, (uint64_t)h->ts, 8);
		put_n(sb, h->line, 8);
		put_n(sb, h->offset, 8);
		put_str(sb, h->file);
		put_str(sb, h->code);
		put_n(sb, h->count, 4);
		put_n(sb, h->has, 4);
		put_n(sb, h->port, 2);
		put_n(sb, h->user_full, 2);
		put_n(sb, h->ts_prec, 1);
		put_n(sb, h->reason, 1);
		put_n(sb, h->method, 1);
		put_n(sb, h->definite, 1);
		put_n(sb, h->preauth, 1);
		put_n(sb, h->has_user, 1);
		put_n(sb, h->user_n, 1);
		put_n(sb, h->name_n, 1);
		put_ip(sb, &h->ip);
		dw_sb_put(sb, h->user, h->user_n);
		dw_sb_put(sb, h->name, h->name_n);
	}
	if (sb->toobig) {
		sb->n = at;
		return DW_ENOMEM;
	}
	return DW_OK;
}

struct rd {
	const unsigned char *p, *end;
	int bad;
};

static const unsigned char *take(struct rd *r, size_t n)
{
	const unsigned char *q = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	return q;
}

static uint64_t get_n(struct rd *r, int width, uint64_t max)
{
	const unsigned char *b = take(r, (size_t)width);
	uint64_t v = 0;

	if (!b)
		return 0;
	for (int i = 0; i < width; i++)
		v |= (uint64_t)b[i] << (8 * i);
	if (v > max) {
		r->bad = 1;
		return 0;
	}
	return v;
}

static void get_bytes(struct rd *r, void *dst, size_t n)
{
	const unsigned char *b = take(r, n);

	if (b && n)
		memcpy(dst, b, n);
}

static void get_ip(struct rd *r, struct dw_ip *ip)
{
	ip->fam = (uint8_t)get_n(r, 1, 6);
	if (ip->fam != 0 && ip->fam != 4 && ip->fam != 6)
		r->bad = 1;
	get_bytes(r, ip->a, sizeof(ip->a));
}

/*
 * A saved name into the arena (NUL-terminated); NULL for an empty one. The
 * arena has room for the whole blob, so it cannot overflow.
 */
static const char *get_str(struct rd *r, char *arena, size_t *used)
{
	size_t n = (size_t)get_n(r, 2, SAVE_NAME_MAX);
	const unsigned char *b = take(r, n);
	char *s;

	if (!b || n == 0)
		return NULL;
	if (memchr(b, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	s = arena + *used;
	memcpy(s, b, n);
	s[n] = 0;
	*used += n + 1;
	return s;
}

int dw_sshd_conn_load(struct dw_sshd_conn *x, const void *p, size_t n)
{
	struct rd r = {p, (const unsigned char *)p + n, 0};
	const unsigned char *magic = take(&r, 8);
	uint32_t count;
	size_t used = 0;

	if (!magic || memcmp(magic, SAVE_MAGIC, 8) != 0 || get_n(&r, 4, SAVE_VERSION) != SAVE_VERSION ||
	    dw_table_count(x->t) != 0 || x->names)
		return DW_EINVAL;
	count = (uint32_t)get_n(&r, 4, dw_table_cap(x->t));
	/* every name is in the blob: the arena never needs more than the blob */
	if (r.bad || !(x->names = malloc(n + 1)))
		return r.bad ? DW_EINVAL : DW_ENOMEM;
	for (uint32_t i = 0; i < count && !r.bad; i++) {
		size_t kl = (size_t)get_n(&r, 2, KEY_MAX);
		const unsigned char *key = take(&r, kl);
		struct conn c, *v;
		struct held *h = &c.h;

		memset(&c, 0, sizeof(c));
		c.att = (uint8_t)get_n(&r, 1, ATT_PROBE);
		c.host_n = (uint8_t)get_n(&r, 1, HOST_KEEP);
		c.prog_n = (uint8_t)get_n(&r, 1, PROG_KEEP);
		c.has_port = (uint8_t)get_n(&r, 1, 1);
		c.port = (uint16_t)get_n(&r, 2, UINT16_MAX);
		c.pid = (uint32_t)get_n(&r, 4, UINT32_MAX);
		get_ip(&r, &c.ip);
		get_bytes(&r, c.host, c.host_n);
		get_bytes(&r, c.prog, c.prog_n);
		h->ts = (int64_t)get_n(&r, 8, UINT64_MAX);
		h->line = get_n(&r, 8, UINT64_MAX);
		h->offset = get_n(&r, 8, UINT64_MAX);
		h->file = get_str(&r, x->names, &used);
		h->code = get_str(&r, x->names, &used);
		h->count = (uint32_t)get_n(&r, 4, UINT32_MAX);
		h->has = (uint32_t)get_n(&r, 4, UINT32_MAX);
		h->port = (uint16_t)get_n(&r, 2, UINT16_MAX);
		h->user_full = (uint16_t)get_n(&r, 2, UINT16_MAX);
		h->ts_prec = (uint8_t)get_n(&r, 1, 9);
		h->reason = (uint8_t)get_n(&r, 1, DW_RSN__N - 1);
		h->method = (uint8_t)get_n(&r, 1, UINT8_MAX);
		h->definite = (uint8_t)get_n(&r, 1, 1);
		h->preauth = (uint8_t)get_n(&r, 1, 1);
		h->has_user = (uint8_t)get_n(&r, 1, 1);
		h->user_n = (uint8_t)get_n(&r, 1, USER_KEEP);
		h->name_n = (uint8_t)get_n(&r, 1, NAME_KEEP);
		get_ip(&r, &h->ip);
		get_bytes(&r, h->user, h->user_n);
		get_bytes(&r, h->name, h->name_n);
		if (r.bad || kl == 0 || dw_table_get(x->t, key, kl))
			break;
		v = dw_table_upsert(x->t, key, kl, NULL);
		*v = c;
	}
	x->cc = NULL;
	if (r.bad || r.p != r.end || dw_table_count(x->t) != count)
		return DW_EINVAL;
	return DW_OK;
}
