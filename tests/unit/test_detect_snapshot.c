/*
 * test_detect_snapshot.c - dw_detect_save / dw_detect_load. Each scenario
 * is recorded on a tape once, then replayed: whole into one detector (the
 * reference JSON), and split at many points k - events [0, k) into d1,
 * save, free d1, load into a fresh d2, events [k, n), flush - each split
 * must give the reference JSON byte for byte, and the loaded d2 must save
 * the very blob it was loaded from. Saving after every event must change
 * nothing either. Then the blob itself: another configuration, a detector
 * that already saw events, every truncation and every damaged byte are
 * refused (with the checksum fixed up too, so the field checks are the
 * ones tested) and never crash.
 *
 * With DW_SNAPSHOT_CORPUS=dir set, detect_snapshot_fuzz_seeds writes the
 * blobs of a few scenarios under fuzz/fuzz_snapshot.c's configuration into
 * dir (how fuzz/corpus/snapshot/ was seeded).
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../src/detect/internal.h"
#include "../../src/parse/parser.h"
#include "detect_harness.h"

/* ---- scenarios ---- */

/* A fuller event than feed(): log, action, reason, ip or name, user, host, event id. */
struct evspec {
	int log, action, reason;
	const char *ip, *name, *user, *host, *code, *protocol, *target, *session, *file;
	const char *dst, *assigned; /* a flow's responder; a VPN session's intranet address */
	uint32_t event_id, has;
	int mfa;
	uint16_t dst_port;
	uint64_t bytes_out, bytes_in, duration_ms, line, record_id;
};

/*
 * Events without a file of their own come from "logs/<log>.log", one line
 * each (Windows ones as .evtx records), so record references cross the
 * split points too.
 */
static uint64_t ev_line;

static void ev(struct dw_detect *d, int64_t t, const struct evspec *s)
{
	static const char *const files[DW_LOG__N] = {
		[DW_LOG_WIN] = "/cases/dc01/Security.evtx", [DW_LOG_OKTA] = "logs/okta.json",
		[DW_LOG_NETSCALER] = "logs/ns.log", [DW_LOG_ENTRA] = "logs/entra.json",
		[DW_LOG_ZEEK] = "logs/conn.log"};
	struct dw_event e;

	dw_event_clear(&e);
	e.ts = t * DW_NS;
	e.log = (uint8_t)s->log;
	e.action = (uint8_t)s->action;
	e.reason = (uint8_t)s->reason;
	e.mfa = (uint8_t)s->mfa;
	e.has = s->has;
	if (s->ip && dw_ip_parse(s->ip, strlen(s->ip), &e.src_ip) != DW_OK)
		return;
	if (s->name)
		e.src_name = dw_slice_cstr(s->name);
	if (s->user)
		dw_event_set_user(&e, dw_slice_cstr(s->user));
	if (s->host)
		e.host = dw_slice_cstr(s->host);
	if (s->code)
		e.code = dw_slice_cstr(s->code);
	if (s->protocol)
		e.protocol = dw_slice_cstr(s->protocol);
	if (s->target)
		e.target = dw_slice_cstr(s->target);
	if (s->session)
		e.session = dw_slice_cstr(s->session);
	if (s->event_id) {
		e.event_id = s->event_id;
		e.has |= DW_EV_HAS_EVENT_ID;
	}
	if (s->bytes_out) {
		e.bytes_out = s->bytes_out;
		e.has |= DW_EV_HAS_BYTES_OUT;
	}
	if (s->bytes_in) {
		e.bytes_in = s->bytes_in;
		e.has |= DW_EV_HAS_BYTES_IN;
	}
	if (s->dst && dw_ip_parse(s->dst, strlen(s->dst), &e.dst_ip) != DW_OK)
		return;
	if (s->assigned && dw_ip_parse(s->assigned, strlen(s->assigned), &e.assigned_ip) != DW_OK)
		return;
	if (s->dst_port) {
		e.dst_port = s->dst_port;
		e.has |= DW_EV_HAS_DST_PORT;
	}
	if (s->duration_ms) {
		e.duration_ms = s->duration_ms;
		e.has |= DW_EV_HAS_DURATION;
	}
	e.file = s->file ? s->file : files[s->log];
	e.line = s->line ? s->line : ++ev_line;
	e.has |= DW_EV_HAS_LINE;
	if (s->record_id || (!s->file && s->log == DW_LOG_WIN)) {
		e.record_id = s->record_id ? s->record_id : e.line; /* an .evtx record */
		e.has |= DW_EV_HAS_RECORD_ID;
	}
	put(d, &e);
}

/* Per-source brute force, one that gets in, and a stuffing run. */
static void sc_brute(struct dw_detect *d)
{
	char u[32];

	warmup(d, T0, 50);
	ok(d, T0 + 100, "10.9.0.1", "deploy");
	for (int i = 0; i < 60; i++)
		fail(d, T0 + HOUR + i * 5, "203.0.113.5", "root");
	for (int i = 0; i < 8; i++)
		fail(d, T0 + HOUR + 400 + i * 15, "198.51.100.23", "deploy");
	ok(d, T0 + HOUR + 530, "198.51.100.23", "deploy");
	for (int i = 0; i < 30; i++)
		fail_unknown(d, T0 + 2 * HOUR + i * 20, "192.0.2.44", userf(u, "user", i));
	tick(d, T0 + 5 * HOUR);
}

/* A slow brute force over three days and a slow spray over half a day. */
static void sc_slow(struct dw_detect *d)
{
	static const char *const names[] = {"root", "admin", "ubuntu"};
	uint32_t x = 99;
	char u[32];
	int n = 0;

	warmup(d, T0, 40);
	for (int i = 0; i < 30; i++)
		fail(d, T0 + HOUR + i * 25 * MIN, "198.51.100.200", userf(u, "emp", i));
	for (int64_t t = T0 + HOUR; t < T0 + 3 * DAY; n++) {
		fail(d, t, "203.0.113.150", names[n % 3]);
		x = x * 1103515245u + 12345u;
		t += 20 * MIN + (int64_t)((x >> 8) % (20 * MIN));
	}
}

/* 300 sources x 1-2 guesses over 500 accounts in one hour, after two quiet days. */
static void sc_distributed(struct dw_detect *d)
{
	char ip[32], u[32];
	int acct = 0;

	warmup(d, T0, 600);
	background(d, T0 + HOUR, T0 + 2 * DAY, 600);
	for (int i = 0; i < 300; i++) {
		int tries = 1 + (i % 3 != 0);
		for (int k = 0; k < tries && acct < 500; k++, acct++) {
			int64_t t = T0 + 2 * DAY + (int64_t)acct * HOUR / 500;
			fail(d, t, ipf(ip, "%d.%d.7.9", 100 + i / 200, 1 + i % 200),
			     userf(u, "emp", acct));
		}
	}
	ok(d, T0 + 2 * DAY + HOUR + 60, "10.1.0.10", "emp000");
	ok(d, T0 + 2 * DAY + HOUR + 30 * MIN, "198.18.0.99", "emp123");
	background(d, T0 + 2 * DAY + 2 * HOUR, T0 + 3 * DAY, 600);
}

/*
 * A spray with logins before its recognition (the pending ring), then an
 * attacked account from a new address (deferred for typo_window) and one
 * whose owner completes a sign-in from the new address (deferred, then
 * cancelled), with a gateway session of the compromised account.
 */
static void sc_defer(struct dw_detect *d)
{
	struct evspec ns = {.log = DW_LOG_NETSCALER,
			    .action = DW_ACT_SESSION_START,
			    .ip = "198.51.100.31",
			    .user = "emp010",
			    .host = "ns1",
			    .target = "67.43.156.1:443",
			    .session = "4242"};

	warmup(d, T0, 100);
	spray_with_early_logins(d);
	ok(d, T0 + HOUR + 40 * MIN, "198.51.100.31", "emp010");
	ev(d, T0 + HOUR + 41 * MIN, &ns);
	ok(d, T0 + HOUR + 45 * MIN, "198.51.100.32", "emp011");
	ok(d, T0 + HOUR + 45 * MIN + 20, "198.51.100.32", "emp011");
	ok(d, T0 + 2 * HOUR, "10.1.0.17", "emp007");
	tick(d, T0 + 6 * HOUR);
}

static void okta(struct dw_detect *d, int64_t t, int action, const char *user)
{
	struct evspec s = {.log = DW_LOG_OKTA,
			   .action = action,
			   .ip = "198.51.100.77",
			   .user = user,
			   .host = "okta"};

	ev(d, t, &s);
}

static void sc_mfa(struct dw_detect *d)
{
	okta(d, T0, S, "carol");
	for (int i = 0; i < 8; i++)
		okta(d, T0 + 60 + i * 45, DW_ACT_MFA_PUSH_DENIED, "carol");
	okta(d, T0 + 60 + 8 * 45 + 20, S, "carol");
	okta(d, T0 + HOUR, DW_ACT_MFA_PUSH_DENIED, "dave");
	okta(d, T0 + HOUR + 30, DW_ACT_MFA_FAILURE, "dave");
	okta(d, T0 + HOUR + 60, S, "dave");
	for (int i = 0; i < 9; i++)
		okta(d, T0 + 5 * HOUR + i * 30, DW_ACT_MFA_PUSH_DENIED, "frank");
	okta(d, T0 + 5 * HOUR + 9 * 30 + 5, S, "frank");
}

static void lock(struct dw_detect *d, int64_t t, const char *user, const char *caller)
{
	struct evspec s = {.log = DW_LOG_WIN,
			   .action = DW_ACT_LOCKOUT,
			   .name = caller,
			   .user = user,
			   .host = "dc01",
			   .event_id = 4740};

	ev(d, t, &s);
}

/* Fifteen accounts locked in 20 minutes: the storm is open for most of the tape. */
static void sc_storm(struct dw_detect *d)
{
	char u[32];

	for (int i = 0; i < 9; i++)
		lock(d, T0 + i * 5 * MIN, userf(u, "acct", i), "WS01");
	for (int i = 0; i < 15; i++)
		lock(d, T0 + 6 * HOUR + i * 80, userf(u, "user", i), i % 2 ? "WS07" : "ws08");
	tick(d, T0 + 6 * HOUR + 20 * MIN);
	lock(d, T0 + 6 * HOUR + 40 * MIN, "late", "WS09");
	tick(d, T0 + 9 * HOUR);
}

/* A gateway spray, the account that got in, its sessions and shares (new_access open). */
static void sc_access(struct dw_detect *d)
{
	struct evspec ns = {.log = DW_LOG_NETSCALER,
			    .action = F,
			    .reason = DW_RSN_BAD_PASSWORD,
			    .ip = "203.0.113.50",
			    .host = "ns1"};
	struct evspec share = {.log = DW_LOG_WIN,
			       .action = DW_ACT_SHARE_ACCESS,
			       .ip = "10.8.0.5",
			       .user = "emp104",
			       .host = "FS01",
			       .event_id = 5140};
	char u[32];

	warmup(d, T0, 50);
	share.target = "\\\\*\\finance";
	ev(d, T0 + 100, &share);
	for (int i = 0; i < 15; i++) {
		ns.user = userf(u, "emp", 100 + i);
		ev(d, T0 + HOUR + i * 20, &ns);
	}
	ns.action = DW_ACT_SESSION_START;
	ns.reason = 0;
	ns.user = "emp104";
	ns.target = "67.43.156.1:443";
	ns.session = "73920";
	ev(d, T0 + HOUR + 400, &ns);
	ev(d, T0 + HOUR + 600, &share);
	share.target = "\\\\*\\C$";
	ev(d, T0 + HOUR + 700, &share);
	share.target = "\\\\*\\hr";
	ev(d, T0 + HOUR + 710, &share);
	ns.action = DW_ACT_SESSION_END;
	ns.bytes_out = 3000000000ULL;
	ns.duration_ms = 3600000;
	ev(d, T0 + 2 * HOUR + 400, &ns);
	tick(d, T0 + 5 * HOUR);
}

/* One NTLM attempt: the DC's 4776 (workstation name only), then the server's 4625 (address). */
static void ntlm(struct dw_detect *d, int64_t t, const char *user, int with_server)
{
	struct evspec dc = {.log = DW_LOG_WIN,
			    .action = F,
			    .reason = DW_RSN_BAD_PASSWORD,
			    .name = "KALI",
			    .user = user,
			    .host = "dc01",
			    .code = "0xc000006a",
			    .protocol = "ntlm",
			    .event_id = 4776};
	struct evspec srv = dc;

	srv.ip = "203.0.113.66";
	srv.host = "srv01";
	srv.event_id = 4625;
	ev(d, t, &dc);
	if (with_server)
		ev(d, t + 1, &srv);
}

/* Windows records held back by the dedupe (name only), dropped or released across splits. */
static void sc_dedupe(struct dw_detect *d)
{
	char u[32];

	warmup(d, T0, 50);
	for (int i = 0; i < 12; i++)
		ntlm(d, T0 + HOUR + i * 10, userf(u, "emp", 100 + i), 1);
	for (int i = 0; i < 20; i++)
		ntlm(d, T0 + 3 * HOUR + i, "svc_backup", 0);
}

static void explicit_use(struct dw_detect *d, int64_t t, const char *host, const char *subject,
			 const char *user, const char *server)
{
	struct evspec s = {.log = DW_LOG_WIN,
			   .action = DW_ACT_EXPLICIT_CREDS,
			   .user = user,
			   .host = host,
			   .session = subject,
			   .target = server,
			   .event_id = 4648};

	ev(d, t, &s);
}

static void sc_explicit(struct dw_detect *d)
{
	char u[32];

	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 14; i++)
			explicit_use(d, T0 + round * 300 + i * 5, "WS-ATTACK", "jwrig",
				     userf(u, "acct", i), "FS01");
	for (int i = 0; i < 30; i++)
		explicit_use(d, T0 + HOUR + i, "RDS01", "RDS01$", userf(u, "user", i), "RDS01");
	for (int i = 0; i < 12; i++)
		explicit_use(d, T0 + 2 * HOUR + i * 600, "WS-2", "eve", userf(u, "acct", i),
			     "FS02");
	tick(d, T0 + 6 * HOUR);
}

/* Tables big enough for the scenarios (no eviction) and quick to make many times. */
static const char *const mid_sets[] = {
	"limits.sources=4096",  "limits.users=4096",  "limits.pairs=8192",
	"limits.known=8192",    "limits.accounts=4096", "limits.shares=4096",
	"limits.explicit=4096", "limits.pending=1024", "limits.compromised=1024", NULL};

/* Flows: a short learning stretch and short histories, so ten days hold everything. */
static const char *const flow_sets[] = {
	"limits.sources=4096",  "limits.users=4096",  "limits.pairs=8192",
	"limits.known=8192",    "limits.accounts=4096", "limits.shares=4096",
	"limits.explicit=4096", "limits.pending=1024", "limits.compromised=1024",
	"limits.flow_hosts=64", "limits.flow_pairs=256", "limits.flow_destinations=128",
	"limits.vpn_addresses=16", "flow.learn=1d", "exfil.history_days=2",
	"staging.history_days=2", NULL};

/*
 * Ten days of eight hosts' flows (cloud uploads, downloads, file-server
 * reads), a slow exfiltration from day 3, a VPN session that bursts 3 GB
 * out on day 5, staging reads on day 6.
 */
static void sc_flow(struct dw_detect *d)
{
	struct evspec f = {.log = DW_LOG_ZEEK, .action = DW_ACT_FLOW, .protocol = "tcp"};
	struct evspec vpn = {.log = DW_LOG_NETSCALER, .user = "awhite", .ip = "203.0.113.50",
			     .host = "ns1", .assigned = "10.8.0.55", .session = "77"};
	char src[32], dst[32];

	for (int day = 0; day < 10; day++) {
		int64_t t = T0 + day * DAY + 9 * HOUR;
		for (int i = 1; i <= 8; i++) {
			snprintf(src, sizeof(src), "10.1.0.%d", i);
			snprintf(dst, sizeof(dst), "52.96.%d.10", i % 3);
			f.ip = src;
			f.dst = dst;
			f.dst_port = 443;
			f.bytes_out = 50000000 + (uint64_t)i * 1000000;
			f.bytes_in = 500000000;
			f.duration_ms = 600000;
			ev(d, t + i * 60, &f);
			f.dst = "10.0.0.10";
			f.dst_port = 445;
			f.bytes_out = 2000000;
			f.bytes_in = day == 6 && i == 3 ? 30000000000ULL : 200000000;
			ev(d, t + HOUR + i * 60, &f);
		}
		for (int k = 0; day >= 3 && k < 4; k++) {
			f.ip = "10.1.0.3";
			f.dst = "185.220.101.9";
			f.dst_port = 443;
			f.bytes_out = 5000000000ULL;
			f.bytes_in = 20000000;
			f.duration_ms = 1800000;
			ev(d, t + 2 * HOUR + k * HOUR, &f);
		}
		if (day == 5) {
			vpn.action = DW_ACT_SESSION_START;
			ev(d, t + HOUR, &vpn);
			for (int k = 0; k < 3; k++) {
				f.ip = "10.8.0.55";
				f.dst = "91.92.240.7";
				f.bytes_out = 1000000000;
				f.bytes_in = 1000000;
				f.duration_ms = 300000;
				ev(d, t + 2 * HOUR + k * 600, &f);
			}
			vpn.action = DW_ACT_SESSION_END;
			ev(d, t + 6 * HOUR, &vpn);
		}
	}
}

/* Small tables: evictions everywhere, so the LRU order decides what the rest sees. */
static const char *const small_sets[] = {
	"limits.sources=32",  "limits.users=32",       "limits.pairs=48",
	"limits.known=32",    "limits.pending=16",     "limits.compromised=16",
	"limits.accounts=16", "limits.shares=16",      "limits.explicit=16",
	"spray.min_users=4",  "lockout.min_users=4",   "mfa.fatigue_min=3",
	"explicit.min_users=4", "distributed.min_sources=4", "distributed.min_users=4",
	"distributed.warmup=0", NULL};

static void sc_crowd(struct dw_detect *d)
{
	struct evspec share = {
		.log = DW_LOG_WIN, .action = DW_ACT_SHARE_ACCESS, .ip = "10.8.0.5", .host = "FS01"};
	char u[32], ip[32], t[32];

	warmup(d, T0, 40);
	for (int i = 0; i < 240; i++) {
		int64_t ts = T0 + HOUR + i * 37;
		snprintf(u, sizeof(u), "u%d", i % 70);
		fail(d, ts, ipf(ip, "100.64.%d.%d", i % 5, i % 41), u);
		if (i % 7 == 0)
			ok(d, ts + 3, ipf(ip, "100.64.%d.%d", i % 5, i % 41), u);
		if (i % 11 == 0)
			ok(d, ts + 5, ipf(ip, "198.18.%d.%d", i % 3, i % 17),
			   userf(t, "emp", i % 40));
		okta(d, ts + 1, DW_ACT_MFA_PUSH_DENIED, u);
		if (i % 5 == 0)
			okta(d, ts + 2, S, u);
		lock(d, ts + 2, u, i % 2 ? "WS01" : "WS02");
		share.user = userf(t, "emp", i % 40);
		snprintf(ip, sizeof(ip), "\\\\*\\s%d", i % 23);
		share.target = ip;
		ev(d, ts + 3, &share);
		explicit_use(d, ts + 4, i % 3 ? "WS09" : "WS10", "mallory", u, "FS01");
		ntlm(d, ts + 5, u, i % 2);
	}
	tick(d, T0 + DAY);
}

/* The bundled sample logs, parsed as `dwell scan` would read them one after the other. */
static void on_event(void *ctx, const struct dw_event *e)
{
	put(ctx, e);
}

static int parse_file(struct dw_detect *d, struct dw_parser *p, const char *path)
{
	FILE *f = fopen(path, "rb");
	char line[65536];
	uint64_t ln = 0, off = 0;

	if (!f)
		return -1;
	dw_parser_begin_file(p, path, 1718409600LL * DW_NS);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line), m = n;
		if (m && line[m - 1] == '\n')
			m--;
		dw_parser_line(p, line, m, ++ln, off);
		off += n;
	}
	fclose(f);
	return 0;
}

static void sc_files(struct dw_detect *d)
{
	struct dw_parser *p = NULL;
	struct dw_parse_opts o = {0};

	if (dw_parser_new(&p, &o, on_event, d) != DW_OK)
		return;
	if (parse_file(d, p, "tests/data/auth-sample.log") == 0)
		(void)parse_file(d, p, "tests/data/gateway-sample.log");
	dw_parser_flush(p);
	dw_parser_free(p);
}

/* ---- split and compare ---- */

/* What a split point cut through (checked from the saving detector's state). */
enum {
	CUT_CAMPAIGN = 1 << 0,
	CUT_STORM = 1 << 1,
	CUT_ACCESS = 1 << 2,
	CUT_EXPLICIT = 1 << 3,
	CUT_DEFER = 1 << 4,
	CUT_PENDING = 1 << 5,
	CUT_EPISODE = 1 << 6,
	CUT_RUN = 1 << 7, /* an exfiltration run reported, with bytes not yet reported */
};

struct scen {
	void (*run)(struct dw_detect *d);
	const char *const *sets;
	const char *kinds; /* every kind the whole tape must report, comma-separated */
	unsigned cuts;     /* CUT_* some split point must have cut through */
	size_t splits;     /* split at about this many points; 0 = at every event */
};

static unsigned cut_of(const struct dw_detect *d)
{
	uint32_t cur = 0;
	const struct dw_src *s;
	unsigned m = 0;

	m |= d->open ? CUT_CAMPAIGN : 0;
	m |= d->storm ? CUT_STORM : 0;
	m |= d->acc_open ? CUT_ACCESS : 0;
	m |= d->expl_open ? CUT_EXPLICIT : 0;
	m |= d->defer_n ? CUT_DEFER : 0;
	m |= d->pend_n ? CUT_PENDING : 0;
	const struct dw_fpair *p;

	while ((s = dw_table_next(d->src, &cur, NULL, NULL)) != NULL)
		if (s->flags & DW_SF_LIVE)
			m |= CUT_EPISODE;
	cur = 0;
	while (d->fpair && (p = dw_table_next(d->fpair, &cur, NULL, NULL)) != NULL)
		if ((p->flags & DW_FP_REP) && p->run > p->rep)
			m |= CUT_RUN;
	return m;
}

/* Offset of the first difference of a[0..na) and b[0..nb). */
static size_t diff_at(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0;

	while (i < na && i < nb && a[i] == b[i])
		i++;
	return i;
}

static int same_stats(const struct dw_detect_stats *a, const struct dw_detect_stats *b)
{
	return a->events == b->events && a->allowlisted == b->allowlisted &&
	       a->flows == b->flows && a->flows_other == b->flows_other &&
	       a->noise == b->noise && a->out_of_order == b->out_of_order &&
	       a->duplicates == b->duplicates && a->dedupe_early == b->dedupe_early &&
	       a->table_evicted == b->table_evicted && a->table_memuse == b->table_memuse;
}

#define CHECK(c, ...)                                          \
	do {                                                   \
		if (!(c)) {                                    \
			snprintf(msg, msgsz, __VA_ARGS__);     \
			goto fail;                             \
		}                                              \
	} while (0)

/* Runs sc whole, saving after every event, and split at many points; 0 if all agree. */
static int check_splits(const struct scen *sc, char *msg, size_t msgsz)
{
	struct dw_config *c = NULL;
	struct dw_detect *d = mk(&c, sc->sets), *d2 = NULL;
	struct dw_detect_stats st1, st2;
	struct tape t = {0};
	struct dw_sb b1, b2;
	char *ref = NULL, kinds[256], *save = NULL;
	size_t nref = 0, step, at;
	unsigned cuts = 0;
	int rc = 1;

	dw_sb_init(&b1, (size_t)256 << 20);
	dw_sb_init(&b2, (size_t)256 << 20);
	CHECK(d, "no detector");
	tape_record(&t);
	sc->run(d);
	tape_record(NULL);
	dw_detect_free(d);
	d = NULL;
	CHECK(t.n > 0, "empty tape");

	/* the reference: one detector, every event, flush */
	got_reset();
	d = mk_more(c);
	CHECK(d, "no detector");
	tape_play(&t, d, 0, t.n);
	dw_detect_flush(d);
	dw_detect_free(d);
	d = NULL;
	nref = G.json.n;
	ref = malloc(nref + 1);
	CHECK(ref, "no memory");
	memcpy(ref, G.json.p ? G.json.p : "", nref);
	ref[nref] = 0;
	snprintf(kinds, sizeof(kinds), "%s", sc->kinds);
	for (char *k = strtok_r(kinds, ",", &save); k; k = strtok_r(NULL, ",", &save))
		CHECK(count_kind(k) > 0, "no %s in the reference: %.1500s", k, ref);

	/* saving after every event (of a long tape: 1,000 times) changes nothing */
	got_reset();
	d = mk_more(c);
	CHECK(d, "no detector");
	step = t.n > 1000 ? t.n / 1000 : 1;
	for (size_t i = 0; i < t.n; i += step) {
		tape_play(&t, d, i, i + step);
		dw_sb_reset(&b1);
		CHECK(dw_detect_save(d, &b1) == DW_OK, "save after event %zu failed", i);
	}
	dw_detect_flush(d);
	dw_detect_free(d);
	d = NULL;
	at = diff_at(ref, nref, G.json.p ? G.json.p : "", G.json.n);
	CHECK(at == nref && G.json.n == nref, "saving changed the alerts at byte %zu: %.300s", at,
	      G.json.p + DW_MIN(at, G.json.n));

	step = sc->splits && t.n > sc->splits ? t.n / sc->splits : 1;
	/* split points 0, step, 2 step, ..., and the end */
	for (size_t k = 0; k <= t.n; k = k < t.n && k + step > t.n ? t.n : k + step) {
		got_reset();
		d = mk_more(c);
		CHECK(d, "no detector");
		tape_play(&t, d, 0, k);
		dw_sb_reset(&b1);
		CHECK(dw_detect_save(d, &b1) == DW_OK, "save at %zu failed", k);
		cuts |= cut_of(d);
		dw_detect_stats(d, &st1);
		dw_detect_free(d);
		d = NULL;
		d2 = mk_more(c);
		CHECK(d2, "no detector");
		CHECK(dw_detect_load(d2, b1.p, b1.n) == DW_OK, "load at %zu (of %zu) refused", k,
		      t.n);
		dw_detect_stats(d2, &st2);
		CHECK(same_stats(&st1, &st2), "stats differ after load at %zu", k);
		dw_sb_reset(&b2);
		CHECK(dw_detect_save(d2, &b2) == DW_OK, "save after load at %zu failed", k);
		at = diff_at(b1.p, b1.n, b2.p, b2.n);
		CHECK(b1.n == b2.n && at == b1.n,
		      "save, load, save at %zu: %zu vs %zu bytes, first difference at %zu", k, b1.n,
		      b2.n, at);
		tape_play(&t, d2, k, t.n);
		dw_detect_flush(d2);
		dw_detect_free(d2);
		d2 = NULL;
		at = diff_at(ref, nref, G.json.p ? G.json.p : "", G.json.n);
		CHECK(at == nref && G.json.n == nref,
		      "split at event %zu of %zu: alerts differ at byte %zu:\n  whole: %.400s\n"
		      "  split: %.400s",
		      k, t.n, at, ref + DW_MIN(at, nref), G.json.p + DW_MIN(at, G.json.n));
	}
	CHECK((cuts & sc->cuts) == sc->cuts, "no split point cut through %#x (saw %#x)", sc->cuts,
	      cuts);
	rc = 0;
fail:
	dw_detect_free(d);
	dw_detect_free(d2);
	dw_config_free(c);
	tape_free(&t);
	dw_sb_free(&b1);
	dw_sb_free(&b2);
	free(ref);
	return rc;
}

#define SPLITS(name, ...)                                                  \
	DW_TEST(detect_snapshot_split_##name)                              \
	{                                                                  \
		static const struct scen sc = {__VA_ARGS__};               \
		if (check_splits(&sc, msg_, msgsz_))                       \
			return 1;                                          \
		DW_PASS();                                                 \
	}

SPLITS(brute_force, sc_brute, mid_sets, "brute_force,account_compromise,credential_stuffing",
       CUT_EPISODE, 0)
SPLITS(slow, sc_slow, mid_sets, "brute_force,password_spray", CUT_EPISODE, 60)
SPLITS(distributed, sc_distributed, mid_sets, "distributed_spray,account_compromise",
       CUT_CAMPAIGN, 80)
SPLITS(deferred_compromise, sc_defer, mid_sets, "password_spray,account_compromise,new_access",
       CUT_PENDING | CUT_DEFER | CUT_ACCESS, 0)
SPLITS(mfa_fatigue, sc_mfa, mid_sets, "mfa_fatigue", 0, 0)
SPLITS(lockout_storm, sc_storm, mid_sets, "lockout_storm", CUT_STORM, 0)
SPLITS(new_access, sc_access, mid_sets, "account_compromise,new_access,password_spray",
       CUT_ACCESS, 0)
SPLITS(windows_dedupe, sc_dedupe, mid_sets, "password_spray,brute_force", CUT_EPISODE, 0)
SPLITS(explicit_credentials, sc_explicit, mid_sets, "password_spray", CUT_EXPLICIT, 0)
SPLITS(small_tables, sc_crowd, small_sets, "password_spray,lockout_storm",
       CUT_STORM | CUT_EXPLICIT, 300)
SPLITS(flows, sc_flow, flow_sets, "exfiltration,internal_staging", CUT_RUN, 100)
SPLITS(sample_logs, sc_files, NULL, "password_spray,distributed_spray,account_compromise",
       CUT_EPISODE, 60)

/* ---- the blob ---- */

/* The blob of sc's tape under sets (every event fed, no flush) into b. */
static int blob_of(void (*run)(struct dw_detect *d), const char *const *sets, struct dw_sb *b)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, sets);
	int rc;

	if (!d) {
		dw_config_free(c);
		return DW_ENOMEM;
	}
	run(d);
	rc = dw_detect_save(d, b);
	done(d, c);
	return rc;
}

/* Loads p[0..n) into a fresh detector with sets; the status. If it loads, runs it on. */
static int try_load_on(const char *const *sets, const void *p, size_t n, int run_on)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, sets);
	struct dw_sb b;
	int rc;

	if (!d) {
		dw_config_free(c);
		return DW_ENOMEM;
	}
	rc = dw_detect_load(d, p, n);
	if (rc == DW_OK && run_on) { /* whatever it holds, the detector must run on */
		dw_sb_init(&b, (size_t)64 << 20);
		okta(d, T0 + DAY, DW_ACT_MFA_PUSH_DENIED, "u1");
		ntlm(d, T0 + DAY + 1, "u1", 0);
		lock(d, T0 + DAY + 2, "u2", "WS01");
		explicit_use(d, T0 + DAY + 3, "WS09", "mallory", "u1", "FS01");
		fail(d, T0 + DAY + 4, "100.64.0.1", "u2");
		okta(d, T0 + DAY + 5, S, "u1");
		if (dw_detect_save(d, &b) != DW_OK)
			rc = DW_ENOMEM;
		dw_sb_free(&b);
		dw_detect_flush(d);
	}
	done(d, c);
	return rc;
}

/* fuzz/fuzz_snapshot.c's configuration (keep the two alike): tiny tables, short blobs. */
static const char *const fuzz_sets[] = {
	"limits.sources=16",  "limits.users=16",        "limits.pairs=16",
	"limits.known=16",    "limits.pending=16",      "limits.compromised=16",
	"limits.accounts=16", "limits.shares=16",       "limits.explicit=16",
	"spray.min_users=3",  "lockout.min_users=3",    "mfa.fatigue_min=2",
	"explicit.min_users=3", "distributed.min_sources=3", "distributed.min_users=3",
	"distributed.warmup=0", "limits.flow_hosts=16", "limits.flow_pairs=16",
	"limits.flow_destinations=16", "limits.vpn_addresses=16", "flow.learn=1d",
	"exfil.history_days=2", "staging.history_days=2", NULL};

static int try_load(const char *const *sets, const void *p, size_t n)
{
	return try_load_on(sets, p, n, 1);
}

/* The same with short windows (small rings): the blob every cut and damaged byte runs on. */
static const char *const tiny_sets[] = {
	"limits.sources=16",  "limits.users=16",        "limits.pairs=16",
	"limits.known=16",    "limits.pending=16",      "limits.compromised=16",
	"limits.accounts=16", "limits.shares=16",       "limits.explicit=16",
	"spray.min_users=3",  "lockout.min_users=3",    "mfa.fatigue_min=2",
	"explicit.min_users=3", "distributed.min_sources=3", "distributed.min_users=3",
	"distributed.warmup=0", "distributed.slow_window=2h", NULL};

/* The identity and sshd scenarios one after the other: every section has something. */
static void sc_all(struct dw_detect *d)
{
	sc_crowd(d);
	sc_defer(d);
	sc_storm(d);
	sc_access(d);
	sc_explicit(d);
	lock(d, T0 + 9 * HOUR, "one", "WS01");
	ntlm(d, T0 + 9 * HOUR + 60, "emp123", 0);
}

/* Writes the blob's checksum (its last 8 bytes) for the bytes before it. */
static void fix_sum(uint8_t *p, size_t n)
{
	uint64_t h = dw_detect_hash(p, n - 8);

	for (int i = 0; i < 8; i++)
		p[n - 8 + (size_t)i] = (uint8_t)(h >> (8 * i));
}

DW_TEST(detect_snapshot_config_mismatch)
{
	static const char *const spray[] = {"spray.min_users=11", NULL};
	static const char *const caps[] = {"limits.sources=65535", NULL};
	static const char *const window[] = {"distributed.window=2h", NULL};
	static const char *const sigma[] = {"distributed.sigma=3.0001", NULL};
	static const char *const off[] = {"lockout.enabled=no", NULL};
	static const char *const allow[] = {"allow.users=carol", "allow.ips=192.0.2.0/24", NULL};
	struct dw_sb b;

	dw_sb_init(&b, (size_t)64 << 20);
	DW_ASSERT_EQ_INT(blob_of(sc_brute, NULL, &b), DW_OK);
	DW_ASSERT_EQ_INT(try_load(NULL, b.p, b.n), DW_OK);
	DW_ASSERT_EQ_INT(try_load(spray, b.p, b.n), DW_EINVAL);
	DW_ASSERT_EQ_INT(try_load(caps, b.p, b.n), DW_EINVAL);
	DW_ASSERT_EQ_INT(try_load(window, b.p, b.n), DW_EINVAL);
	DW_ASSERT_EQ_INT(try_load(sigma, b.p, b.n), DW_EINVAL);
	DW_ASSERT_EQ_INT(try_load(off, b.p, b.n), DW_EINVAL);
	/* the allowlists only filter events: the state stays usable */
	DW_ASSERT_EQ_INT(try_load(allow, b.p, b.n), DW_OK);
	dw_sb_free(&b);
	DW_PASS();
}

DW_TEST(detect_snapshot_needs_a_fresh_detector)
{
	struct dw_config *c;
	struct dw_detect *d;
	struct dw_sb b;
	int rc;

	dw_sb_init(&b, (size_t)64 << 20);
	DW_ASSERT_EQ_INT(blob_of(sc_mfa, NULL, &b), DW_OK);
	d = mk(&c, NULL);
	DW_ASSERT(d);
	tick(d, T0);
	rc = dw_detect_load(d, b.p, b.n);
	done(d, c);
	dw_sb_free(&b);
	DW_ASSERT_EQ_INT(rc, DW_EINVAL);
	DW_PASS();
}

DW_TEST(detect_snapshot_buffer_full)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	struct dw_sb b;
	int rc;

	DW_ASSERT(d);
	sc_brute(d);
	dw_sb_init(&b, 4096);
	dw_sb_puts(&b, "kept");
	rc = dw_detect_save(d, &b);
	done(d, c);
	DW_ASSERT_EQ_INT(rc, DW_ENOMEM);
	DW_ASSERT_EQ_INT(b.n, 4); /* no half blob */
	DW_ASSERT(memcmp(b.p, "kept", 4) == 0);
	dw_sb_free(&b);
	DW_PASS();
}

DW_TEST(detect_snapshot_truncated)
{
	struct dw_sb b;
	uint8_t *p;
	int bad = 0;

	dw_sb_init(&b, (size_t)64 << 20);
	DW_ASSERT_EQ_INT(blob_of(sc_all, tiny_sets, &b), DW_OK);
	DW_ASSERT(b.n > 1000);
	DW_ASSERT_EQ_INT(try_load(tiny_sets, b.p, b.n), DW_OK);
	p = malloc(b.n);
	DW_ASSERT(p);
	for (size_t n = 0; n < b.n; n++) {
		/* every cut with its checksum made right, so that the field reads meet the end */
		if (n >= 8) {
			memcpy(p, b.p, n - 8);
			fix_sum(p, n);
			bad += try_load(tiny_sets, p, n) != DW_EINVAL;
		}
		/* and some as cut (the checksum refuses those) */
		if (n % 61 == 0) {
			memcpy(p, b.p, n);
			bad += try_load(tiny_sets, p, n) != DW_EINVAL;
		}
	}
	free(p);
	dw_sb_free(&b);
	DW_ASSERT_EQ_INT(bad, 0);
	DW_PASS();
}

DW_TEST(detect_snapshot_damaged)
{
	static const uint8_t flips[] = {0xff, 0x01, 0x80};
	struct dw_sb b;
	uint8_t *p;
	int bad = 0, loaded = 0;

	dw_sb_init(&b, (size_t)64 << 20);
	DW_ASSERT_EQ_INT(blob_of(sc_all, tiny_sets, &b), DW_OK);
	p = malloc(b.n);
	DW_ASSERT(p);
	for (size_t i = 0; i < b.n; i++) {
		memcpy(p, b.p, b.n);
		p[i] ^= flips[i % DW_ARRAY_LEN(flips)];
		if (i % 61 == 0 || i >= b.n - 8)
			bad += try_load(tiny_sets, p, b.n) != DW_EINVAL; /* the checksum sees it */
		if (i >= b.n - 8)
			continue;
		/*
		 * Past the checksum: refused, or loaded and (every fifth) run on, ASan
		 * watching; a damaged header (magic, version, configuration) is refused.
		 */
		fix_sum(p, b.n);
		if (try_load_on(tiny_sets, p, b.n, i % 5 == 0) == DW_OK) {
			loaded++;
			bad += i < 20;
		}
	}
	free(p);
	dw_sb_free(&b);
	DW_ASSERT_EQ_INT(bad, 0);
	DW_ASSERT(loaded > 0); /* most fields take any value: those loads ran on */
	DW_PASS();
}


/*
 * The fuzz target's seeds: with DW_SNAPSHOT_CORPUS=dir, writes a blob of
 * each scenario there; always, every seed in fuzz/corpus/snapshot/ must
 * still load (a format change needs new seeds).
 */
DW_TEST(detect_snapshot_fuzz_seeds)
{
	static const struct {
		const char *name;
		void (*run)(struct dw_detect *d);
	} sc[] = {{"brute", sc_brute},     {"slow", sc_slow},       {"defer", sc_defer},
		  {"mfa", sc_mfa},         {"storm", sc_storm},     {"access", sc_access},
		  {"dedupe", sc_dedupe},   {"explicit", sc_explicit}, {"crowd", sc_crowd},
		  {"all", sc_all},         {"flow", sc_flow}};
	const char *dir = getenv("DW_SNAPSHOT_CORPUS");
	char path[512];
	struct dw_sb b;
	int checked = 0;

	dw_sb_init(&b, (size_t)64 << 20);
	for (size_t i = 0; i < DW_ARRAY_LEN(sc); i++) {
		FILE *f;
		long n;

		if (dir && *dir) {
			dw_sb_reset(&b);
			DW_ASSERT_EQ_INT(blob_of(sc[i].run, fuzz_sets, &b), DW_OK);
			snprintf(path, sizeof(path), "%s/seed-%s", dir, sc[i].name);
			f = fopen(path, "wb");
			DW_ASSERT(f && fwrite(b.p, 1, b.n, f) == b.n);
			fclose(f);
		}
		snprintf(path, sizeof(path), "fuzz/corpus/snapshot/seed-%s", sc[i].name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		dw_sb_reset(&b);
		while ((n = (long)fread(path, 1, sizeof(path), f)) > 0)
			dw_sb_put(&b, path, (size_t)n);
		fclose(f);
		if (try_load_on(fuzz_sets, b.p, b.n, 0) != DW_OK)
			DW_FAIL("fuzz/corpus/snapshot/seed-%s does not load: make new seeds",
				sc[i].name);
		checked++;
	}
	dw_sb_free(&b);
	DW_ASSERT(checked > 0);
	DW_PASS();
}

/* ---- record references (evidence "file" + "line" or "record_id") ---- */

/* The JSON line of the first alert of kind in G that holds text (if not NULL), or "". */
static const char *alert_json(const char *kind, const char *text, char *buf, size_t sz)
{
	char k[128];
	const char *p = G.json.p, *end = G.json.p + G.json.n;

	snprintf(k, sizeof(k), "{\"kind\":\"%s\"", kind);
	buf[0] = 0;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n < sz && strncmp(p, k, strlen(k)) == 0) {
			memcpy(buf, p, n);
			buf[n] = 0;
			if (!text || strstr(buf, text))
				return buf;
		}
		p += n + 1;
	}
	buf[0] = 0;
	return buf;
}

#define EXPECT_REF(kind, text, ref)                                                        \
	do {                                                                               \
		const char *j_ = alert_json(kind, text, buf, sizeof(buf));                 \
		if (!strstr(j_, ref))                                                      \
			DW_FAIL("%s: no %s in %s (all: %.2000s)", kind, ref, j_, G.json.p); \
	} while (0)

static void sshd_line(struct dw_detect *d, int64_t t, int action, const char *ip,
		      const char *user, const char *file, uint64_t line)
{
	struct evspec s = {.log = DW_LOG_SSHD,
			   .action = action,
			   .reason = action == F ? DW_RSN_BAD_PASSWORD : 0,
			   .ip = ip,
			   .user = user,
			   .host = "srv01",
			   .protocol = "password",
			   .file = file,
			   .line = line};

	ev(d, t, &s);
}

DW_TEST(detect_evidence_names_the_key_records)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, mid_sets);
	struct evspec xml = {.log = DW_LOG_WIN,
			     .action = F,
			     .reason = DW_RSN_BAD_PASSWORD,
			     .ip = "192.0.2.80",
			     .host = "srv02",
			     .code = "0xc000006a",
			     .event_id = 4625,
			     .file = "exports/srv02-security.xml"};
	char u[32], buf[8192];

	DW_ASSERT(d);
	warmup(d, T0, 50);
	/* a brute force that gets in: the episode's first failure, the success */
	for (int i = 0; i < 10; i++)
		sshd_line(d, T0 + HOUR + i * 5, F, "203.0.113.5", "deploy", "/var/log/auth.log",
			  100 + (uint64_t)i);
	sshd_line(d, T0 + HOUR + 60, S, "203.0.113.5", "deploy", "/var/log/auth.log", 110);
	/* Windows XML text: a line of its own besides the record id */
	for (int i = 0; i < 12; i++) {
		xml.user = userf(u, "emp", 200 + i);
		xml.line = 40 + (uint64_t)i;
		xml.record_id = 9000 + (uint64_t)i;
		ev(d, T0 + 2 * HOUR + i * 30, &xml);
	}
	/* .evtx records (ev's default): the lockouts, the 4648s */
	ev_line = 4999;
	for (int i = 0; i < 12; i++)
		lock(d, T0 + 3 * HOUR + i * 60, userf(u, "user", i), "WS07");
	ev_line = 699;
	for (int i = 0; i < 12; i++)
		explicit_use(d, T0 + 4 * HOUR + i * 5, "WS-ATTACK", "jwrig", userf(u, "acct", i),
			     "FS01");
	ev_line = 0;
	sc_mfa(d); /* logs/okta.json, lines 1..: carol's success is line 10 */
	dw_detect_flush(d);
	EXPECT_REF("brute_force", NULL, "\"file\":\"auth.log\",\"line\":100}");
	EXPECT_REF("account_compromise", NULL, "\"file\":\"auth.log\",\"line\":110}");
	EXPECT_REF("password_spray", "spray.per_source\"",
		   "\"file\":\"srv02-security.xml\",\"line\":40}");
	EXPECT_REF("lockout_storm", NULL, "\"file\":\"Security.evtx\",\"record_id\":5000}");
	EXPECT_REF("password_spray", "spray.explicit_credentials\"",
		   "\"file\":\"Security.evtx\",\"record_id\":700}");
	EXPECT_REF("mfa_fatigue", NULL, "\"file\":\"okta.json\",\"line\":10}");
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_evidence_of_deferred_pending_and_access)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, mid_sets);
	struct evspec ns = {.log = DW_LOG_NETSCALER,
			    .action = DW_ACT_SESSION_START,
			    .ip = "198.51.100.31",
			    .user = "emp010",
			    .host = "ns1",
			    .target = "67.43.156.1:443",
			    .session = "4242",
			    .file = "logs/ns.log",
			    .line = 77};
	char u[32], buf[8192];

	DW_ASSERT(d);
	warmup(d, T0, 100);
	for (int i = 0; i < 30; i++) {
		sshd_line(d, T0 + HOUR + i * 60, F, "203.0.113.9", userf(u, "emp", i), "a.log",
			  1000 + (uint64_t)i);
		/* a login before the spray is recognised: kept in the pending ring */
		if (i == 2)
			sshd_line(d, T0 + HOUR + i * 60 + 20, S, "198.18.7.7", "emp002", "b.log", 5);
	}
	/* an attacked account from a new address: deferred for the typo window */
	sshd_line(d, T0 + HOUR + 40 * MIN, S, "198.51.100.31", "emp010", "c.log", 7);
	ev(d, T0 + HOUR + 41 * MIN, &ns);
	tick(d, T0 + 6 * HOUR);
	dw_detect_flush(d);
	EXPECT_REF("password_spray", NULL, "\"file\":\"a.log\",\"line\":1000}");
	EXPECT_REF("account_compromise", "\"users\":[\"emp002\"]",
		   "\"file\":\"b.log\",\"line\":5}");
	EXPECT_REF("account_compromise", "\"users\":[\"emp010\"]",
		   "\"file\":\"c.log\",\"line\":7}");
	EXPECT_REF("new_access", NULL, "\"file\":\"ns.log\",\"line\":77}");
	done(d, c);
	DW_PASS();
}

/* A held Windows record keeps its own input name, whatever becomes of the reader's. */
DW_TEST(detect_evidence_of_held_records)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, mid_sets);
	struct evspec dc = {.log = DW_LOG_WIN,
			    .action = F,
			    .reason = DW_RSN_BAD_PASSWORD,
			    .name = "KALI",
			    .user = "svc_backup",
			    .host = "dc01",
			    .protocol = "ntlm",
			    .event_id = 4776};
	char name[64], buf[8192];

	DW_ASSERT(d);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "dc01-part%d.xml", i);
		dc.file = name;
		dc.line = 3 + (uint64_t)i;
		ev(d, T0 + HOUR + i, &dc);
		memset(name, 'x', sizeof(name) - 1); /* the reader moves on */
	}
	dw_detect_flush(d);
	EXPECT_REF("brute_force", NULL, "\"file\":\"dc01-part0.xml\",\"line\":3}");
	done(d, c);
	DW_PASS();
}

/* Past DW_FILES_MAX input names, events of new inputs carry no reference. */
DW_TEST(detect_evidence_names_are_capped)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, mid_sets);
	char ip[32], name[32], buf[8192];
	struct dw_sb b;

	DW_ASSERT(d);
	for (int i = 0; i < DW_FILES_MAX + 8; i++) {
		snprintf(name, sizeof(name), "f%04d.log", i);
		sshd_line(d, T0 + i, F, ipf(ip, "100.64.%d.%d", i / 200, i % 200), "x", name, 1);
	}
	DW_ASSERT_EQ_INT(d->n_files, DW_FILES_MAX);
	/* the names go into the blob and come back */
	dw_sb_init(&b, (size_t)64 << 20);
	DW_ASSERT_EQ_INT(dw_detect_save(d, &b), DW_OK);
	done(d, c);
	d = mk(&c, mid_sets);
	DW_ASSERT(d);
	DW_ASSERT_EQ_INT(dw_detect_load(d, b.p, b.n), DW_OK);
	dw_sb_free(&b);
	DW_ASSERT_EQ_INT(d->n_files, DW_FILES_MAX);
	for (int i = 0; i < 10; i++) {
		sshd_line(d, T0 + 3 * HOUR + i, F, "203.0.113.5", "root", "new.log", 50);
		sshd_line(d, T0 + 3 * HOUR + i, F, "203.0.113.6", "root", "f0007.log", 60);
	}
	dw_detect_flush(d);
	EXPECT_REF("brute_force", "203.0.113.6", "\"file\":\"f0007.log\",\"line\":60}");
	DW_ASSERT(strstr(G.json.p, "new.log") == NULL);
	DW_ASSERT_EQ_INT(count_kind("brute_force"), 2);
	done(d, c);
	DW_PASS();
}

/* Every alert of the bundled sample logs names a record of its file. */
DW_TEST(detect_evidence_in_the_sample_logs)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const char *p;
	int n = 0;

	DW_ASSERT(d);
	sc_files(d);
	dw_detect_flush(d);
	DW_ASSERT(G.n >= 10);
	for (p = G.json.p; p && (p = strstr(p, "{\"kind\"")) != NULL; p++, n++) {
		static const char a[] = "\"file\":\"auth-sample.log\",\"line\":";
		static const char g[] = "\"file\":\"gateway-sample.log\",\"line\":";
		const char *nl = strchr(p, '\n'), *f = strstr(p, "\"file\":");
		if (!f || (nl && f > nl) ||
		    (strncmp(f, a, sizeof(a) - 1) && strncmp(f, g, sizeof(g) - 1)))
			DW_FAIL("alert %d names no record: %.600s", n, p);
	}
	DW_ASSERT_EQ_INT(n, G.n);
	done(d, c);
	DW_PASS();
}
