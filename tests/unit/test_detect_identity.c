/*
 * test_detect_identity.c - the identity-log detectors: password_validated,
 * legacy_auth_success, mfa_fatigue, lockout_storm, new_access, the 4648
 * spray and the cross-machine Windows dedupe; each with the trap that must
 * stay quiet, and a flood of distinct accounts against their caps.
 */
#include <stdio.h>
#include <stdlib.h>

#include "detect_harness.h"

/* A fuller event than feed(): log, action, reason, ip or name, user, host, event id. */
struct evspec {
	int log, action, reason;
	const char *ip, *name, *user, *host, *code, *protocol, *target, *session;
	uint32_t event_id, has;
	int mfa;
	uint64_t bytes_out, duration_ms;
};

static void ev(struct dw_detect *d, int64_t t, const struct evspec *s)
{
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
	if (s->duration_ms) {
		e.duration_ms = s->duration_ms;
		e.has |= DW_EV_HAS_DURATION;
	}
	dw_detect_event(d, &e);
}

/* An Entra sign-in: result 0 (success) or a failure reason with its code. */
static void entra(struct dw_detect *d, int64_t t, const char *ip, const char *user, int reason,
		  const char *code, int legacy)
{
	struct evspec s = {.log = DW_LOG_ENTRA,
			   .action = reason ? F : S,
			   .reason = reason,
			   .ip = ip,
			   .user = user,
			   .host = "entra",
			   .code = code,
			   .has = legacy ? DW_EV_LEGACY : 0};
	ev(d, t, &s);
}

/* Spray from 203.0.113.9 over accounts emp100.. (not the warmed-up ones). */
static void spray(struct dw_detect *d, int64_t t, int n)
{
	char u[32];

	for (int i = 0; i < n; i++)
		entra(d, t + i * 30, "203.0.113.9", userf(u, "emp", 100 + i), DW_RSN_BAD_PASSWORD,
		      "50126", 0);
}

DW_TEST(detect_password_validated)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 50);
	/* MFA stops an ordinary user's sign-in: no attack, nothing to say */
	entra(d, T0 + HOUR, "10.1.0.12", "emp002", DW_RSN_PASSWORD_VALID_MFA_BLOCKED, "50076", 0);
	spray(d, T0 + 2 * HOUR, 20);
	/* the spray guesses emp120 right, MFA stops it; emp105 (sprayed) expires elsewhere */
	entra(d, T0 + 2 * HOUR + 700, "203.0.113.9", "emp120", DW_RSN_PASSWORD_VALID_MFA_BLOCKED,
	      "50076", 0);
	entra(d, T0 + 2 * HOUR + 800, "198.51.100.4", "emp105", DW_RSN_EXPIRED, "50055", 0);
	dw_detect_flush(d);
	EXPECT_ONLY(3);
	DW_ASSERT_EQ_INT(count_kind("password_validated"), 2);
	DW_ASSERT_EQ_INT(count_kind("password_spray"), 1);
	g = find_kind("password_spray");
	DW_ASSERT_EQ_INT(g->nusers, 21); /* its right guess is one of its tries */
	for (int i = 0; i < G.n; i++) {
		g = &G.v[i];
		if (strcmp(g->kind, "password_validated") != 0)
			continue;
		DW_ASSERT_EQ_INT(g->ncomp, 0);
		DW_ASSERT_EQ_STR(g->severity, "high");
		if (strcmp(g->users, "emp120") == 0) {
			DW_ASSERT_EQ_STR(g->sources, "203.0.113.9");
			DW_ASSERT_EQ_STR(g->detector, "validated.attack_source");
		} else {
			DW_ASSERT_EQ_STR(g->users, "emp105");
			DW_ASSERT_EQ_STR(g->sources, "198.51.100.4");
			DW_ASSERT_EQ_STR(g->detector, "validated.new_source");
		}
	}
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_password_validated_before_recognition)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);

	DW_ASSERT(d);
	warmup(d, T0, 50);
	/* the second account tried is right (MFA stops it) before the spray is recognised */
	entra(d, T0 + HOUR, "203.0.113.9", "emp100", DW_RSN_BAD_PASSWORD, "50126", 0);
	entra(d, T0 + HOUR + 30, "203.0.113.9", "emp101", DW_RSN_PASSWORD_VALID_MFA_BLOCKED,
	      "50074", 0);
	spray(d, T0 + HOUR + 60, 12);
	dw_detect_flush(d);
	EXPECT_ONLY(2);
	DW_ASSERT_EQ_STR(find_kind("password_validated")->users, "emp101");
	DW_ASSERT(find_kind("password_spray") != NULL);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_legacy_auth_success)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 50);
	spray(d, T0 + HOUR, 20);
	entra(d, T0 + HOUR + 650, "203.0.113.9", "emp107", 0, "0", 1); /* IMAP4, single factor */
	dw_detect_flush(d);
	EXPECT_ONLY(2);
	DW_ASSERT_EQ_INT(count_kind("account_compromise"), 0);
	g = find_kind("legacy_auth_success");
	DW_ASSERT(g != NULL);
	DW_ASSERT_EQ_STR(g->comp, "emp107");
	DW_ASSERT_EQ_STR(g->users, "emp107");
	DW_ASSERT_EQ_STR(g->sources, "203.0.113.9");
	DW_ASSERT_EQ_STR(g->detector, "legacy.attack_source");
	done(d, c);
	DW_PASS();
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

DW_TEST(detect_mfa_fatigue)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	/* bombed: 8 denials in 6 minutes, then the user gives in */
	okta(d, T0, S, "carol");
	for (int i = 0; i < 8; i++)
		okta(d, T0 + 60 + i * 45, DW_ACT_MFA_PUSH_DENIED, "carol");
	okta(d, T0 + 60 + 8 * 45 + 20, S, "carol");
	/* fumbling: two denials then a success */
	okta(d, T0 + HOUR, DW_ACT_MFA_PUSH_DENIED, "dave");
	okta(d, T0 + HOUR + 30, DW_ACT_MFA_FAILURE, "dave");
	okta(d, T0 + HOUR + 60, S, "dave");
	/* slow: six denials 20 minutes apart, never more than one per window */
	for (int i = 0; i < 6; i++)
		okta(d, T0 + 2 * HOUR + i * 20 * MIN, DW_ACT_MFA_PUSH_DENIED, "erin");
	okta(d, T0 + 4 * HOUR, S, "erin");
	/* bombed but never gave in */
	for (int i = 0; i < 9; i++)
		okta(d, T0 + 5 * HOUR + i * 30, DW_ACT_MFA_PUSH_DENIED, "frank");
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "mfa_fatigue");
	DW_ASSERT_EQ_STR(g->comp, "carol");
	DW_ASSERT_EQ_STR(g->sources, "198.51.100.77");
	DW_ASSERT_EQ_INT(g->attempts, 8);
	done(d, c);
	DW_PASS();
}

static void lock(struct dw_detect *d, int64_t t, const char *user, const char *caller)
{
	struct evspec s = {.log = DW_LOG_WIN,
			   .action = DW_ACT_LOCKOUT,
			   .name = caller,
			   .user = user,
			   .host = "dc01"};

	s.event_id = 4740;
	ev(d, t, &s);
}

DW_TEST(detect_lockout_storm)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	struct evspec krb = {.log = DW_LOG_WIN,
			     .action = F,
			     .reason = DW_RSN_LOCKED,
			     .ip = "10.9.9.9",
			     .host = "dc01",
			     .code = "0x12",
			     .protocol = "kerberos"};
	char u[32];
	const struct got *g;

	DW_ASSERT(d);
	/* nine lockouts in a morning: a bad day, not a storm */
	for (int i = 0; i < 9; i++)
		lock(d, T0 + i * 5 * MIN, userf(u, "acct", i), "WS01");
	/* a kerbrute enumeration answering 0x12 for 30 accounts: no lockout evidence */
	for (int i = 0; i < 30; i++) {
		krb.user = userf(u, "krb", i);
		ev(d, T0 + 3 * HOUR + i, &krb);
	}
	/* fifteen accounts locked in 20 minutes by two machines */
	for (int i = 0; i < 15; i++)
		lock(d, T0 + 6 * HOUR + i * 80, userf(u, "user", i), i % 2 ? "WS07" : "ws08");
	dw_detect_flush(d);
	g = find_kind("lockout_storm");
	DW_ASSERT_EQ_INT(count_kind("lockout_storm"), 1);
	DW_ASSERT_EQ_INT(g->nusers, 15);
	DW_ASSERT_EQ_STR(g->sources, "ws07,ws08");
	DW_ASSERT_EQ_INT(g->attempts, 15);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_new_access_after_gateway_compromise)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	struct evspec ns = {.log = DW_LOG_NETSCALER,
			    .action = F,
			    .reason = DW_RSN_BAD_PASSWORD,
			    .ip = "203.0.113.50",
			    .host = "ns1"};
	struct evspec share = {.log = DW_LOG_WIN,
			       .action = DW_ACT_SHARE_ACCESS,
			       .ip = "10.8.0.5",
			       .user = "emp104",
			       .host = "FS01"};
	char u[32];
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 50);
	/* the account used the finance share before: not new */
	share.target = "\\\\*\\finance";
	share.event_id = 5140;
	ev(d, T0 + 100, &share);
	for (int i = 0; i < 15; i++) {
		ns.user = userf(u, "emp", 100 + i);
		ev(d, T0 + HOUR + i * 20, &ns);
	}
	/* emp104 gets in through the gateway, opens shares, logs out with 3 GB */
	ns.action = DW_ACT_SESSION_START;
	ns.reason = 0;
	ns.user = "emp104";
	ns.target = "67.43.156.1:443";
	ns.session = "73920";
	ev(d, T0 + HOUR + 400, &ns);
	ev(d, T0 + HOUR + 600, &share); /* finance: known */
	share.target = "\\\\*\\C$";
	ev(d, T0 + HOUR + 700, &share);
	ev(d, T0 + HOUR + 710, &share); /* the same share again */
	ns.action = DW_ACT_SESSION_END;
	ns.bytes_out = 3000000000ULL;
	ns.duration_ms = 3600000;
	ev(d, T0 + 2 * HOUR + 400, &ns);
	tick(d, T0 + 5 * HOUR); /* quiet for access.idle: reported */
	EXPECT_ONLY(3);
	DW_ASSERT_EQ_INT(count_kind("account_compromise"), 1);
	DW_ASSERT_EQ_STR(find_kind("account_compromise")->comp, "emp104");
	g = find_kind("new_access");
	DW_ASSERT(g != NULL);
	DW_ASSERT_EQ_STR(g->users, "emp104");
	DW_ASSERT_EQ_INT(g->ncomp, 0);
	DW_ASSERT_EQ_STR(g->sources, "10.8.0.5,203.0.113.50");
	DW_ASSERT_EQ_INT(g->attempts, 2); /* one session, one new share */
	DW_ASSERT(strstr(G.json.p,
			 "\"destinations\":[\"67.43.156.1:443\",\"\\\\\\\\FS01\\\\C$\"]") != NULL);
	DW_ASSERT(strstr(G.json.p, "\"bytes_out\":3000000000") != NULL);
	dw_detect_flush(d);
	DW_ASSERT_EQ_INT(G.n, 3);
	done(d, c);
	DW_PASS();
}

/* One NTLM attempt: the DC's 4776 (workstation name only), then the server's 4625 (address). */
static void ntlm_attempt(struct dw_detect *d, int64_t t, const char *user, int with_server)
{
	struct evspec dc = {.log = DW_LOG_WIN,
			    .action = F,
			    .reason = DW_RSN_BAD_PASSWORD,
			    .name = "KALI",
			    .user = user,
			    .host = "dc01",
			    .code = "0xc000006a",
			    .protocol = "ntlm"};
	struct evspec srv = {.log = DW_LOG_WIN,
			     .action = F,
			     .reason = DW_RSN_BAD_PASSWORD,
			     .ip = "203.0.113.66",
			     .name = "KALI",
			     .user = user,
			     .host = "srv01",
			     .code = "0xc000006a",
			     .protocol = "ntlm"};

	dc.event_id = 4776;
	srv.event_id = 4625;
	ev(d, t, &dc);
	if (with_server)
		ev(d, t + 1, &srv);
}

DW_TEST(detect_windows_dedupe)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	struct dw_detect_stats st;
	char u[32];
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 50);
	for (int i = 0; i < 12; i++)
		ntlm_attempt(d, T0 + HOUR + i * 10, userf(u, "emp", 100 + i), 1);
	/* the DC alone, hammering one account: no second machine, nothing merged */
	for (int i = 0; i < 20; i++)
		ntlm_attempt(d, T0 + 3 * HOUR + i, "svc_backup", 0);
	dw_detect_flush(d);
	dw_detect_stats(d, &st);
	DW_ASSERT_EQ_INT(st.duplicates, 12);
	EXPECT_ONLY(2);
	g = find_kind("password_spray");
	DW_ASSERT_EQ_STR(g->sources, "203.0.113.66");
	DW_ASSERT_EQ_INT(g->attempts, 12);
	g = find_kind("brute_force");
	DW_ASSERT_EQ_STR(g->sources, "kali");
	DW_ASSERT_EQ_INT(g->attempts, 20);
	done(d, c);
	DW_PASS();
}

static void explicit_use(struct dw_detect *d, int64_t t, const char *host, const char *subject,
			 const char *user, const char *server)
{
	struct evspec s = {
	    .log = DW_LOG_WIN, .action = DW_ACT_EXPLICIT_CREDS, .user = user, .host = host};

	s.event_id = 4648;
	s.session = subject;
	s.target = server;
	ev(d, t, &s);
}

DW_TEST(detect_explicit_credential_spray)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	char u[32];
	const struct got *g;

	DW_ASSERT(d);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 14; i++)
			explicit_use(d, T0 + round * 300 + i * 5, "WS-ATTACK", "jwrig",
				     userf(u, "acct", i), "FS01");
	/* a machine account and local runas: never a spray */
	for (int i = 0; i < 30; i++) {
		explicit_use(d, T0 + HOUR + i, "RDS01", "RDS01$", userf(u, "user", i), "RDS01");
		explicit_use(d, T0 + HOUR + i, "WS02", "alice", userf(u, "adm", i), "localhost");
	}
	dw_detect_flush(d);
	EXPECT_ONLY(1);
	g = &G.v[0];
	DW_ASSERT_EQ_STR(g->kind, "password_spray");
	DW_ASSERT_EQ_STR(g->detector, "spray.explicit_credentials");
	DW_ASSERT_EQ_STR(g->sources, "ws-attack");
	DW_ASSERT_EQ_INT(g->nusers, 14);
	DW_ASSERT_EQ_INT(g->attempts, 42);
	done(d, c);
	DW_PASS();
}

DW_TEST(detect_identity_flood_stays_within_caps)
{
	static const char *const sets[] = {"limits.accounts=512", "limits.shares=512",
					   "limits.explicit=512", "limits.compromised=64", NULL};
	struct dw_config *c;
	struct dw_detect *d = mk(&c, sets);
	struct dw_detect_stats st0, st;
	struct evspec share = {
	    .log = DW_LOG_WIN, .action = DW_ACT_SHARE_ACCESS, .ip = "10.8.0.5", .host = "FS01"};
	char u[32], t[32];

	DW_ASSERT(d);
	dw_detect_stats(d, &st0);
	/* 10x the caps: distinct accounts denied MFA, locked, sharing, tried explicitly */
	for (int i = 0; i < 5120; i++) {
		snprintf(u, sizeof(u), "flood%d", i);
		okta(d, T0 + i, DW_ACT_MFA_PUSH_DENIED, u);
		lock(d, T0 + i, u, "WS01");
		share.user = u;
		snprintf(t, sizeof(t), "\\\\*\\s%d", i);
		share.target = t;
		ev(d, T0 + i, &share);
		explicit_use(d, T0 + i, "WS09", "mallory", u, "FS01");
		ntlm_attempt(d, T0 + i, u, 1);
	}
	dw_detect_stats(d, &st);
	DW_ASSERT_EQ_INT(st.table_memuse, st0.table_memuse);
	DW_ASSERT(st.table_evicted >= 4 * 4608);
	dw_detect_flush(d);
	DW_ASSERT_EQ_INT(count_kind("lockout_storm"), 1);
	DW_ASSERT_EQ_INT(count_kind("password_spray"), 2); /* explicit + the NTLM spray */
	done(d, c);
	DW_PASS();
}

/* An Entra sign-in with a user agent, an MFA requirement and flags (interactivity). */
static void entra_ua(struct dw_detect *d, int64_t t, const char *ip, const char *user, int reason,
		     const char *code, const char *ua, int mfa, uint32_t has)
{
	struct dw_event e;

	dw_event_clear(&e);
	e.ts = t * DW_NS;
	e.log = DW_LOG_ENTRA;
	e.action = (uint8_t)(reason ? F : S);
	e.reason = (uint8_t)reason;
	e.mfa = (uint8_t)mfa;
	e.has = has;
	if (dw_ip_parse(ip, strlen(ip), &e.src_ip) != DW_OK)
		return;
	dw_event_set_user(&e, dw_slice_cstr(user));
	e.host = dw_slice_cstr("entra");
	e.code = dw_slice_cstr(code);
	e.user_agent = dw_slice_cstr(ua);
	dw_detect_event(d, &e);
}

#define PHONE "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X)"

DW_TEST(detect_roaming_owner_is_not_compromised)
{
	struct dw_config *c;
	struct dw_detect *d = mk(&c, NULL);
	const struct got *g;

	DW_ASSERT(d);
	warmup(d, T0, 50);
	/* emp103 and emp104 use their phones from home first */
	entra_ua(d, T0 + 600, "81.2.69.10", "emp103", 0, "0", PHONE, DW_MFA_SINGLE, 0);
	entra_ua(d, T0 + 610, "81.2.69.11", "emp104", 0, "0", PHONE, DW_MFA_SINGLE, 0);
	spray(d, T0 + HOUR, 20);
	/* a carrier address never seen: the same phone (known client), single factor */
	entra_ua(d, T0 + 2 * HOUR, "172.56.1.2", "emp103", 0, "0", PHONE, DW_MFA_SINGLE, 0);
	/* a new address, 50076, then MFA completed from there within a minute: the owner */
	entra_ua(d, T0 + 2 * HOUR + 100, "172.58.9.9", "emp105", DW_RSN_PASSWORD_VALID_MFA_BLOCKED,
		 "50076", "Chrome/1", DW_MFA_MULTI, 0);
	entra_ua(d, T0 + 2 * HOUR + 130, "172.58.9.9", "emp105", 0, "0", "Chrome/1", DW_MFA_MULTI,
		 0);
	/* a token refresh (non-interactive) from a new address passed no password */
	entra_ua(d, T0 + 2 * HOUR + 200, "92.40.1.1", "emp106", 0, "0", "Outlook/1", DW_MFA_SINGLE,
		 DW_EV_NONINTERACTIVE);
	/* a stale token failing at a new address is no guess */
	entra_ua(d, T0 + 2 * HOUR + 300, "92.40.1.2", "emp107", DW_RSN_OTHER, "50173", "Outlook/1",
		 DW_MFA_SINGLE, DW_EV_NONINTERACTIVE);
	/* the attacker: a new client from a new address, single factor */
	entra_ua(d, T0 + 2 * HOUR + 400, "198.51.100.66", "emp104", 0, "0", "python-requests/2.31",
		 DW_MFA_SINGLE, 0);
	dw_detect_flush(d);
	EXPECT_ONLY(2);
	g = find_kind("legacy_auth_success");
	DW_ASSERT(g != NULL);
	DW_ASSERT_EQ_STR(g->comp, "emp104");
	DW_ASSERT_EQ_STR(g->sources, "198.51.100.66");
	g = find_kind("password_spray");
	DW_ASSERT_EQ_INT(g->nusers, 20);
	DW_ASSERT_EQ_STR(g->comp, "emp104");
	done(d, c);
	DW_PASS();
}
