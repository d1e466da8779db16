/*
 * test_entra.c - the Entra ID sign-in parser (src/parse/entra.c) and the
 * Microsoft 365 Unified Audit Log parser (src/parse/o365.c):
 *   - every record of ../shared/samples/entra-signin.txt and
 *     ../shared/samples/o365-ual-azuread-logon.txt: matched by its own
 *     parser and not by the other, parsed, key fields checked against
 *     expectations written by hand from the record and the reference;
 *   - the Log Analytics (PascalCase) shape, which has no public sample;
 *   - hostile input: missing fields, wrong types, bad times, addresses with
 *     ports, huge escaped strings cut by a small scratch buffer (each record
 *     and scratch in exact-size heap copies, so ASan sees any over-read),
 *     invalid escapes refused by the tokenizer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../src/core/ip.h"
#include "../../src/core/tm.h"
#include "../../src/parse/entra.h"
#include "../../src/parse/json.h"
#include "../../src/parse/o365.h"
#include "../../src/parse/parser.h"
#include "../test.h"

#define NTOK 4096
#define MAXREC 32
#define RECSZ 16384

static struct dw_json_tok toks[NTOK];

struct rec {
	char *text;
	size_t n;
};

/* Reads the non-comment, non-empty lines of a sample file into heap copies of exact size. */
static int load(const char *name, struct rec *r, int max)
{
	char path[1024], *line = malloc(RECSZ);
	FILE *f;
	int k = 0;

	if (!line)
		abort();
	snprintf(path, sizeof(path), "%s/samples/%s", dw_test_shared(), name);
	f = fopen(path, "r");
	if (!f) {
		free(line);
		return -1;
	}
	while (k < max && fgets(line, RECSZ, f)) {
		size_t n = strlen(line);

		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		r[k].text = malloc(n);
		if (!r[k].text)
			abort();
		memcpy(r[k].text, line, n);
		r[k].n = n;
		k++;
	}
	fclose(f);
	free(line);
	return k;
}

static void unload(struct rec *r, int k)
{
	for (int i = 0; i < k; i++)
		free(r[i].text);
}

/* NUL-terminated copy of a slice for comparisons ("" for empty). */
static const char *z(struct dw_slice s, char *buf, size_t cap)
{
	size_t n = DW_MIN(s.n, cap - 1);

	if (n)
		memcpy(buf, s.p, n);
	buf[n] = 0;
	return buf;
}

static const char *ts_text(const struct dw_event *e, char *buf)
{
	if (e->ts == DW_TS_NONE)
		return "none";
	dw_tm_format(e->ts, e->ts_prec, buf);
	return buf;
}

static const char *ip_text(const struct dw_ip *ip, char *buf)
{
	if (!ip->fam)
		return "";
	dw_ip_format(ip, buf);
	return buf;
}

enum { ENTRA = 1, O365 = 2 };

/*
 * Tokenises p[0..n) (an exact-size heap copy), checks the match functions and
 * runs the parser `which` with a scratch of exactly cap bytes. Returns the
 * parser's status (or 100 + the tokenizer's error); *m gets the match bits.
 */
static int run(const char *p, size_t n, int which, struct dw_event *e, size_t cap, int *why,
	       int *m)
{
	char *c = malloc(n ? n : 1), *sc = cap ? malloc(cap) : NULL;
	static char keep[RECSZ + 4096]; /* the record and scratch outlive the call for checks */
	struct dw_json j;
	int rc;

	if (!c || (cap && !sc) || n + cap > sizeof(keep))
		abort();
	memcpy(c, p, n);
	dw_event_clear(e);
	*why = -1;
	*m = 0;
	dw_json_init(&j, toks, NTOK);
	rc = dw_json_parse(&j, c, n);
	if (rc != DW_OK) {
		free(c);
		free(sc);
		return 100 + rc;
	}
	*m = (dw_entra_match(&j) ? ENTRA : 0) | (dw_o365_match(&j) ? O365 : 0);
	if (which == ENTRA)
		rc = dw_entra_parse(&j, e, sc, cap, why);
	else
		rc = dw_o365_parse(&j, e, sc, cap, why);
	/*
	 * Move the record and the scratch into one static buffer and repoint the
	 * slices, so the exact-size heap copies can be freed (ASan has seen every
	 * access the parser made) while the test still reads the event.
	 */
	memcpy(keep, c, n);
	if (cap)
		memcpy(keep + n, sc, cap);
	{
		struct dw_slice *sl[] = {&e->host,    &e->program,  &e->user_raw, &e->target,
					 &e->protocol, &e->user_agent, &e->session, &e->code,
					 &e->src_name};

		for (size_t i = 0; i < DW_ARRAY_LEN(sl); i++) {
			const char *q = sl[i]->p;

			if (!q || !sl[i]->n)
				continue;
			if (q >= c && q < c + n)
				sl[i]->p = keep + (q - c);
			else if (sc && q >= sc && q < sc + cap)
				sl[i]->p = keep + n + (q - sc);
		}
	}
	free(c);
	free(sc);
	return rc;
}

struct want {
	const char *ts, *user, *user_raw, *ip, *code, *target, *protocol, *ua, *session, *host,
		*program;
	int action, reason, legacy, mfa;
};

DW_TEST(entra_samples)
{
	/* Written by hand from samples/entra-signin.txt, record by record. */
	static const struct want w[] = {
		/* (1) diagnostic export, 50140 KMSI interrupt; -05:00 -> 09:45Z */
		{"2019-10-18T09:45:48.0729893Z", "test", "test@elastic.co", "81.2.69.144", "50140",
		 "Office 365", "Browser", "", "8a4de8b5-095c-47d0-a96f-a75130c61d53",
		 "8a4de8b5-095c-47d0-a96f-a75130c61d53", "SignInLogs", DW_ACT_AUTH_FAILURE,
		 DW_RSN_NOISE, 0, DW_MFA_NONE},
		/* (1) non-interactive, GUID user principal name */
		{"2019-10-18T09:45:48.0729893Z", "c3813493-bf92-5123-2717-8a8b2979c38b",
		 "c3813493-bf92-5123-2717-8a8b2979c38b", "81.2.69.144", "50140", "Office 365",
		 "Browser", "", "8a4de8b5-095c-47d0-a96f-a75130c61d53",
		 "8a4de8b5-095c-47d0-a96f-a75130c61d53", "NonInteractiveUserSignInLogs",
		 DW_ACT_AUTH_FAILURE, DW_RSN_NOISE, 0, DW_MFA_NONE},
		/* (1) success, single factor; authenticationProtocol "none" -> clientAppUsed */
		{"2022-01-24T05:10:08.6816663Z", "mpliftrelastic20210901",
		 "mpliftrelastic20210901@outlook.com", "1.128.3.4", "0", "Azure Portal", "Browser",
		 "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		 "Chrome/97.0.4692.99 Safari/537.36 Edg/97.0.1072.69",
		 "7532b99a-06da-4c23-91e5-0f062bc0dcb3", "4bbb79f7-5724-4c9e-95f3-de075f6ec090",
		 "SignInLogs", DW_ACT_AUTH_SUCCESS, DW_RSN_NONE, 0, DW_MFA_SINGLE},
		/* (1) Panther, lower-cased envelope keys; legacy SMTP + BAV2ROPC success;
		 * createdDateTime without zone (UTC), 9 digits; tenant from the envelope */
		{"2023-07-21T05:03:52.160562400Z", "eve", "eve@lexcorp.com", "12.12.12.12", "0",
		 "Office 365 Exchange Online", "rpoc", "BAV2ROPC",
		 "9d5f7dd3-46a7-475a-9cc3-96160551ce49", "c5fd010a-2972-4be2-9c67-986ceca2a042",
		 "SignInLogs", DW_ACT_AUTH_SUCCESS, DW_RSN_NONE, 1, DW_MFA_SINGLE},
		/* (1) failed ROPC 50126 via "Other clients"; correlationId from the envelope */
		{"2025-01-15T15:05:50.6789012Z", "attacker", "attacker@company.com", "192.0.2.250",
		 "50126", "Office Application", "ropc", "curl/7.68.0", "ropc-fail-001", "tenant-ghi",
		 "SignInLogs", DW_ACT_AUTH_FAILURE, DW_RSN_BAD_PASSWORD, 1, DW_MFA_SINGLE},
		/* (2) Graph signIn object: no envelope, no tenant, no authenticationRequirement */
		{"2020-03-13T19:15:41.6195833Z", "testaccount1", "testaccount1@contoso.com",
		 "131.107.159.37", "0", "Graph explorer", "Browser", "",
		 "d79f5bee-5860-4832-928f-3133e22ae912", "entra", "", DW_ACT_AUTH_SUCCESS,
		 DW_RSN_NONE, 0, DW_MFA_NONE},
	};
	struct rec r[MAXREC];
	struct dw_event e;
	char b[512], tb[DW_TM_BUFSZ], ib[DW_IP_BUFSZ];
	int k = load("entra-signin.txt", r, MAXREC), why, m;

	if (k < 0)
		DW_FAIL("cannot read samples/entra-signin.txt under %s", dw_test_shared());
	if (k != (int)DW_ARRAY_LEN(w)) {
		unload(r, k);
		DW_FAIL("%d records, expected %d", k, (int)DW_ARRAY_LEN(w));
	}
	for (int i = 0; i < k; i++) {
		int rc = run(r[i].text, r[i].n, ENTRA, &e, 4096, &why, &m);

		if (rc != DW_OK || m != ENTRA) {
			unload(r, k);
			DW_FAIL("record %d: rc %d why %d match %d", i + 1, rc, why, m);
		}
		if (strcmp(ts_text(&e, tb), w[i].ts) != 0) {
			unload(r, k);
			DW_FAIL("record %d: ts %s, expected %s", i + 1, tb, w[i].ts);
		}
		if (e.log != DW_LOG_ENTRA || e.action != w[i].action || e.reason != w[i].reason ||
		    !!(e.has & DW_EV_LEGACY) != w[i].legacy || e.mfa != w[i].mfa) {
			unload(r, k);
			DW_FAIL("record %d: log %d action %d reason %d legacy %d mfa %d", i + 1,
				e.log, e.action, e.reason, !!(e.has & DW_EV_LEGACY), e.mfa);
		}
		if (strcmp(ip_text(&e.src_ip, ib), w[i].ip) != 0) {
			unload(r, k);
			DW_FAIL("record %d: src_ip %s, expected %s", i + 1, ib, w[i].ip);
		}
		if (strcmp(z(e.user, b, sizeof(b)), w[i].user) != 0 ||
		    strcmp(z(e.user_raw, b, sizeof(b)), w[i].user_raw) != 0 ||
		    strcmp(z(e.code, b, sizeof(b)), w[i].code) != 0 ||
		    strcmp(z(e.target, b, sizeof(b)), w[i].target) != 0 ||
		    strcmp(z(e.protocol, b, sizeof(b)), w[i].protocol) != 0 ||
		    strcmp(z(e.user_agent, b, sizeof(b)), w[i].ua) != 0 ||
		    strcmp(z(e.session, b, sizeof(b)), w[i].session) != 0 ||
		    strcmp(z(e.host, b, sizeof(b)), w[i].host) != 0 ||
		    strcmp(z(e.program, b, sizeof(b)), w[i].program) != 0) {
			unload(r, k);
			DW_FAIL("record %d: string field \"%s\" differs", i + 1, b);
		}
	}
	unload(r, k);
	DW_PASS();
}

DW_TEST(entra_o365_samples)
{
	/* samples/o365-ual-azuread-logon.txt in file order (CreationTime is out of order) */
	static const struct {
		const char *ts, *user;
		int ok;
	} w[] = {
		{"2023-07-23T06:25:34Z", "henrietta", 0}, {"2023-07-23T06:25:35Z", "johanna", 0},
		{"2023-07-23T06:25:37Z", "lynne", 0},     {"2023-07-23T06:25:36Z", "matt", 0},
		{"2023-07-23T06:25:36Z", "megan", 0},     {"2023-07-23T06:25:34Z", "alex", 0},
		{"2023-07-23T06:25:35Z", "lidia", 1},     {"2023-07-23T06:25:37Z", "miriam", 0},
		{"2023-07-23T06:25:33Z", "adele", 0},
	};
	struct rec r[MAXREC];
	struct dw_event e;
	char b[512], tb[DW_TM_BUFSZ], ib[DW_IP_BUFSZ];
	int k = load("o365-ual-azuread-logon.txt", r, MAXREC), why, m;

	if (k < 0)
		DW_FAIL("cannot read samples/o365-ual-azuread-logon.txt under %s", dw_test_shared());
	if (k != (int)DW_ARRAY_LEN(w)) {
		unload(r, k);
		DW_FAIL("%d records, expected %d", k, (int)DW_ARRAY_LEN(w));
	}
	for (int i = 0; i < k; i++) {
		int rc = run(r[i].text, r[i].n, O365, &e, 4096, &why, &m), bad = 0;

		if (rc != DW_OK || m != O365) {
			unload(r, k);
			DW_FAIL("record %d: rc %d why %d match %d", i + 1, rc, why, m);
		}
		bad |= strcmp(ts_text(&e, tb), w[i].ts) != 0 || e.ts_prec != 0;
		bad |= e.log != DW_LOG_O365;
		bad |= strcmp(z(e.user, b, sizeof(b)), w[i].user) != 0;
		bad |= strcmp(ip_text(&e.src_ip, ib), "2a09:bac5:111:105::1a:89") != 0;
		bad |= (e.has & DW_EV_HAS_SRC_PORT) != 0 || (e.has & DW_EV_LEGACY) != 0;
		bad |= e.mfa != DW_MFA_NONE;
		/* "python-requests\/2.28.2": decoded into the scratch */
		bad |= strcmp(z(e.user_agent, b, sizeof(b)), "python-requests/2.28.2") != 0;
		bad |= strcmp(z(e.protocol, b, sizeof(b)), "OAuth2:Token") != 0;
		bad |= strcmp(z(e.target, b, sizeof(b)), "1b730954-1685-4b74-9bfd-dac224a7b894") != 0;
		bad |= strcmp(z(e.host, b, sizeof(b)), "8d4121ed-0008-406d-bff9-0d5bb312183c") != 0;
		if (w[i].ok) {
			bad |= e.action != DW_ACT_AUTH_SUCCESS || e.reason != DW_RSN_NONE;
			bad |= strcmp(z(e.code, b, sizeof(b)), "0") != 0;
			bad |= strcmp(z(e.session, b, sizeof(b)),
				      "0ba02c9d-fab5-4701-9f64-4facc08edb9c") != 0;
		} else {
			bad |= e.action != DW_ACT_AUTH_FAILURE || e.reason != DW_RSN_BAD_PASSWORD;
			bad |= strcmp(z(e.code, b, sizeof(b)), "InvalidUserNameOrPassword") != 0;
			bad |= e.session.n != 0;
		}
		if (bad) {
			unload(r, k);
			DW_FAIL("record %d (%s): ts %s action %d reason %d", i + 1, w[i].user, tb,
				e.action, e.reason);
		}
	}
	unload(r, k);
	DW_PASS();
}

/* Parses a literal with parser `which`; scratch of 256 bytes. */
#define RUN(lit, which) run(lit, sizeof(lit) - 1, which, &e, 256, &why, &m)

DW_TEST(entra_log_analytics_and_codes)
{
	struct dw_event e;
	char b[256], ib[DW_IP_BUFSZ], tb[DW_TM_BUFSZ];
	int why, m;

	/* (3) Log Analytics row: PascalCase, ResultType string, Status kept as a string */
	DW_ASSERT_EQ_INT(RUN("{\"TimeGenerated\":\"2024-05-01T10:00:00.123Z\",\"Type\":\"AADNonInteractiveUserSignInLogs\","
			     "\"UserPrincipalName\":\"Bob@Contoso.com\",\"IPAddress\":\"::ffff:198.51.100.9\","
			     "\"ResultType\":\"50074\",\"Status\":\"{\\\"errorCode\\\":50074}\","
			     "\"ClientAppUsed\":\"IMAP4\",\"AuthenticationRequirement\":\"multiFactorAuthentication\","
			     "\"AppDisplayName\":\"Office 365 Exchange Online\",\"CorrelationId\":\"c-1\","
			     "\"TenantId\":\"t-1\"}", ENTRA),
			 DW_OK);
	DW_ASSERT_EQ_INT(m, ENTRA);
	DW_ASSERT_EQ_STR(ts_text(&e, tb), "2024-05-01T10:00:00.123Z");
	DW_ASSERT_EQ_INT(e.action, DW_ACT_AUTH_FAILURE);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_PASSWORD_VALID_MFA_BLOCKED);
	DW_ASSERT_EQ_STR(z(e.code, b, sizeof(b)), "50074");
	DW_ASSERT_EQ_STR(ip_text(&e.src_ip, ib), "198.51.100.9"); /* IPv4-mapped unwrapped */
	DW_ASSERT_EQ_STR(z(e.user, b, sizeof(b)), "bob");
	DW_ASSERT_EQ_INT(e.mfa, DW_MFA_MULTI);
	DW_ASSERT(e.has & DW_EV_LEGACY); /* IMAP4 */
	DW_ASSERT_EQ_STR(z(e.protocol, b, sizeof(b)), "IMAP4");
	DW_ASSERT_EQ_STR(z(e.session, b, sizeof(b)), "c-1");
	DW_ASSERT_EQ_STR(z(e.host, b, sizeof(b)), "t-1");
	DW_ASSERT_EQ_STR(z(e.program, b, sizeof(b)), "AADNonInteractiveUserSignInLogs");

	/* resultType as a number (third-party fixtures); codes of the table */
	{
		static const struct {
			const char *code;
			int reason;
		} c[] = {
			{"50126", DW_RSN_BAD_PASSWORD},  {"50056", DW_RSN_BAD_PASSWORD},
			{"50064", DW_RSN_BAD_PASSWORD},  {"50034", DW_RSN_UNKNOWN_USER},
			{"50053", DW_RSN_LOCKED},        {"50057", DW_RSN_DISABLED},
			{"50055", DW_RSN_EXPIRED},       {"50072", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
			{"50074", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
			{"50076", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
			{"50079", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
			{"500121", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
			{"50158", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
			{"53003", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
			{"53004", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
			{"530032", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
			{"50140", DW_RSN_NOISE},         {"81016", DW_RSN_OTHER},
			{"50133", DW_RSN_OTHER},
		};
		for (size_t i = 0; i < DW_ARRAY_LEN(c); i++) {
			char rec[256];
			int n = snprintf(rec, sizeof(rec),
					 "{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a@b\","
					 "\"resultType\":%s}", c[i].code);

			DW_ASSERT_EQ_INT(run(rec, (size_t)n, ENTRA, &e, 64, &why, &m), DW_OK);
			DW_ASSERT_EQ_INT(e.reason, c[i].reason);
			DW_ASSERT_EQ_INT(e.action, DW_ACT_AUTH_FAILURE);
			DW_ASSERT_EQ_STR(z(e.code, b, sizeof(b)), c[i].code);
		}
	}
	DW_ASSERT_EQ_INT(dw_entra_code_reason(0), DW_RSN_NONE);
	/* status.errorCode wins over the envelope resultType; errorCode as a string */
	DW_ASSERT_EQ_INT(RUN("{\"time\":\"2024-05-01T10:00:00Z\",\"category\":\"SignInLogs\",\"resultType\":\"0\","
			     "\"properties\":{\"status\":{\"errorCode\":\"50053\"}}}", ENTRA),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_LOCKED);
	DW_ASSERT_EQ_INT(e.user.n, 0);
	DW_ASSERT_EQ_STR(z(e.host, b, sizeof(b)), "entra");
	/* operationName alone identifies the envelope; envelope time and callerIpAddress used */
	DW_ASSERT_EQ_INT(RUN("{\"time\":\"2024-05-01T10:00:00Z\",\"operationName\":\"Sign-in activity\","
			     "\"resultType\":\"0\",\"callerIpAddress\":\"2001:db8::1\",\"properties\":{}}",
			     ENTRA),
			 DW_OK);
	DW_ASSERT_EQ_INT(m, ENTRA);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_AUTH_SUCCESS);
	DW_ASSERT_EQ_STR(ip_text(&e.src_ip, ib), "2001:db8::1");
	/* not a number: the integer is kept as the code */
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\","
			     "\"resultType\":50126.0}", ENTRA),
			 DW_OK);
	DW_ASSERT_EQ_STR(z(e.code, b, sizeof(b)), "50126");
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_BAD_PASSWORD);
	DW_PASS();
}

DW_TEST(entra_hostile)
{
	struct dw_event e;
	char b[256], ib[DW_IP_BUFSZ];
	int why, m;

	/* not sign-ins: other Azure categories, arrays, scalars, empty object */
	DW_ASSERT_EQ_INT(RUN("{\"category\":\"AuditLogs\",\"operationName\":\"Add user\",\"properties\":{}}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(m, 0);
	DW_ASSERT_EQ_INT(RUN("[{\"userPrincipalName\":\"a\"}]", ENTRA), DW_EINVAL);
	DW_ASSERT_EQ_INT(m, 0);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("\"x\"", O365), DW_EINVAL);
	DW_ASSERT_EQ_INT(RUN("{}", ENTRA), DW_EINVAL);
	DW_ASSERT_EQ_INT(m, 0);
	/* category "signin" but properties not an object: not an envelope */
	DW_ASSERT_EQ_INT(RUN("{\"category\":\"SignInLogs\",\"properties\":\"x\"}", ENTRA), DW_EINVAL);
	DW_ASSERT_EQ_INT(m, 0);

	/* missing time, time of the wrong type, impossible time */
	DW_ASSERT_EQ_INT(RUN("{\"category\":\"SignInLogs\",\"resultType\":\"0\",\"properties\":{}}", ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":20240501,\"userPrincipalName\":\"a\",\"resultType\":0}", ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-02-30T10:00:00Z\",\"userPrincipalName\":\"a\",\"resultType\":0}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Zjunk\",\"userPrincipalName\":\"a\",\"resultType\":0}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"\",\"userPrincipalName\":\"a\",\"resultType\":0}", ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	/* a bad createdDateTime is not rescued by a good envelope time */
	DW_ASSERT_EQ_INT(RUN("{\"time\":\"2024-05-01T10:00:00Z\",\"category\":\"SignInLogs\",\"resultType\":\"0\","
			     "\"properties\":{\"createdDateTime\":\"yesterday\"}}", ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);

	/* result: missing, an object, an array, null, true, a non-numeric string */
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\",\"status\":{}}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(m, ENTRA);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\",\"resultType\":{\"v\":0}}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\",\"status\":{\"errorCode\":[0]}}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\",\"resultType\":null}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\",\"resultType\":true}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\",\"resultType\":\"fail\"}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);

	/* user and address of the wrong type; null user is no user; bad address left out */
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":{\"x\":1},\"resultType\":0}",
			     ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\",\"resultType\":0,"
			     "\"ipAddress\":[1,2,3,4]}", ENTRA),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":null,\"resultType\":0,"
			     "\"ipAddress\":\"999.1.1.1\",\"userAgent\":42,\"clientAppUsed\":{}}", ENTRA),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.user.n, 0);
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);
	DW_ASSERT_EQ_INT(e.user_agent.n, 0);
	DW_ASSERT_EQ_INT(e.protocol.n, 0);

	/* invalid escapes and raw control bytes never reach the parser */
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\\x\",\"resultType\":0}",
			     ENTRA),
			 100 + DW_EINVAL);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\\u12\",\"resultType\":0}",
			     ENTRA),
			 100 + DW_EINVAL);
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"userPrincipalName\":\"a\tb\",\"resultType\":0}",
			     ENTRA),
			 100 + DW_EINVAL);

	/* escaped strings decode into the scratch; escaped time and code too */
	DW_ASSERT_EQ_INT(RUN("{\"createdDateTime\":\"2024-05-01T10:00:00\\u005a\",\"userPrincipalName\":\"J\\u00f6rg@x\","
			     "\"resultType\":\"5012\\u0036\",\"userAgent\":\"a\\/b\",\"clientAppUsed\":\"POP\\u0033\"}",
			     ENTRA),
			 DW_OK);
	DW_ASSERT_EQ_STR(z(e.user_raw, b, sizeof(b)), "J\xc3\xb6rg@x");
	DW_ASSERT_EQ_STR(z(e.code, b, sizeof(b)), "50126");
	DW_ASSERT_EQ_STR(z(e.user_agent, b, sizeof(b)), "a/b");
	DW_ASSERT(e.has & DW_EV_LEGACY); /* POP3 after decoding */
	(void)ib;
	DW_PASS();
}

DW_TEST(entra_scratch_cut)
{
	/* a 20000-byte escaped user principal name and user agent, with small scratches */
	enum { BIG = 20000 };
	static char rec[2 * 6 * BIG + 512];
	static const size_t caps[] = {0, 1, 7, 64, 1000};
	struct dw_event e;
	char b[256];
	size_t n = 0;
	int why, m;

	n += (size_t)snprintf(rec + n, sizeof(rec) - n,
			      "{\"createdDateTime\":\"2024-05-01T10:00:00Z\",\"resultType\":\"50126\","
			      "\"userPrincipalName\":\"");
	for (int i = 0; i < BIG; i++)
		n += (size_t)snprintf(rec + n, sizeof(rec) - n, "\\u0041");
	n += (size_t)snprintf(rec + n, sizeof(rec) - n, "\",\"userAgent\":\"");
	for (int i = 0; i < BIG; i++)
		n += (size_t)snprintf(rec + n, sizeof(rec) - n, "\\/");
	n += (size_t)snprintf(rec + n, sizeof(rec) - n, "\"}");
	for (size_t c = 0; c < DW_ARRAY_LEN(caps); c++) {
		char *big = malloc(n);

		if (!big)
			abort();
		memcpy(big, rec, n);
		/* run() keeps at most RECSZ + 4096 bytes: check this one by hand */
		{
			struct dw_json j;
			char *sc = caps[c] ? malloc(caps[c]) : NULL;

			dw_event_clear(&e);
			dw_json_init(&j, toks, NTOK);
			DW_ASSERT(dw_json_parse(&j, big, n) == DW_OK);
			DW_ASSERT(dw_entra_match(&j));
			DW_ASSERT_EQ_INT(dw_entra_parse(&j, &e, sc, caps[c], &why), DW_OK);
			DW_ASSERT_EQ_INT(e.reason, DW_RSN_BAD_PASSWORD);
			DW_ASSERT_EQ_INT(e.user_raw.n, caps[c]); /* the user takes the whole scratch */
			DW_ASSERT_EQ_INT(e.user_agent.n, 0);      /* nothing left for the agent */
			for (size_t i = 0; i < e.user_raw.n; i++)
				DW_ASSERT(e.user_raw.p[i] == 'A');
			DW_ASSERT_EQ_INT(e.user.n, DW_MIN(caps[c], DW_USER_MAX));
			free(sc);
		}
		free(big);
	}
	(void)b;
	(void)m;
	DW_PASS();
}

DW_TEST(entra_o365_hostile)
{
	struct dw_event e;
	char b[256], ib[DW_IP_BUFSZ], tb[DW_TM_BUFSZ];
	int why, m;

#define UAL(rest) "{\"CreationTime\":\"2023-07-23T06:25:34\",\"Operation\":\"UserLoginFailed\"," rest "}"
	/* address with port, bracketed IPv6 with port, ClientIP fallback */
	DW_ASSERT_EQ_INT(RUN(UAL("\"UserId\":\"a@b\",\"ClientIP\":\"203.0.113.5:50123\",\"ErrorNumber\":\"50053\""), O365),
			 DW_OK);
	DW_ASSERT_EQ_INT(m, O365);
	DW_ASSERT_EQ_STR(ip_text(&e.src_ip, ib), "203.0.113.5");
	DW_ASSERT(e.has & DW_EV_HAS_SRC_PORT);
	DW_ASSERT_EQ_INT(e.src_port, 50123);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_LOCKED);
	DW_ASSERT_EQ_STR(z(e.code, b, sizeof(b)), "50053");
	DW_ASSERT_EQ_STR(z(e.target, b, sizeof(b)), ""); /* no ApplicationId, no Workload */
	DW_ASSERT_EQ_STR(z(e.host, b, sizeof(b)), "o365");
	DW_ASSERT_EQ_INT(RUN(UAL("\"ActorIpAddress\":\"[2001:db8::7]:443\",\"Workload\":\"AzureActiveDirectory\""), O365),
			 DW_OK);
	DW_ASSERT_EQ_STR(ip_text(&e.src_ip, ib), "2001:db8::7");
	DW_ASSERT_EQ_INT(e.src_port, 443);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_OTHER);
	DW_ASSERT_EQ_INT(e.user.n, 0);
	DW_ASSERT_EQ_STR(z(e.target, b, sizeof(b)), "AzureActiveDirectory");
	DW_ASSERT_EQ_INT(RUN(UAL("\"ActorIpAddress\":\"not-an-ip\",\"ClientIP\":\"[::ffff:10.0.0.1]\""), O365), DW_OK);
	DW_ASSERT_EQ_STR(ip_text(&e.src_ip, ib), "10.0.0.1");
	DW_ASSERT(!(e.has & DW_EV_HAS_SRC_PORT));
	DW_ASSERT_EQ_INT(RUN(UAL("\"ClientIP\":\"1.2.3.4:99999\""), O365), DW_OK);
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);
	DW_ASSERT_EQ_INT(RUN(UAL("\"ClientIP\":\"[2001:db8::1\""), O365), DW_OK);
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);
	DW_ASSERT_EQ_INT(RUN(UAL("\"ClientIP\":\"[2001:db8::1]x\""), O365), DW_OK);
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);
	DW_ASSERT_EQ_INT(RUN(UAL("\"ClientIP\":\"[]:80\""), O365), DW_OK);
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);
	DW_ASSERT_EQ_INT(RUN(UAL("\"ClientIP\":\":80\""), O365), DW_OK);
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);

	/* reasons from LogonError names when there is no (known) ErrorNumber */
	DW_ASSERT_EQ_INT(RUN(UAL("\"LogonError\":\"UserStrongAuthClientAuthNRequired\""), O365), DW_OK);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_PASSWORD_VALID_MFA_BLOCKED);
	DW_ASSERT_EQ_STR(z(e.code, b, sizeof(b)), "UserStrongAuthClientAuthNRequired");
	DW_ASSERT_EQ_INT(RUN(UAL("\"LogonError\":\"UserAccountNotFound\",\"ErrorNumber\":\"99999\""), O365), DW_OK);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_UNKNOWN_USER);
	DW_ASSERT_EQ_INT(RUN(UAL("\"LogonError\":\"IdsLocked\""), O365), DW_OK);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_LOCKED);
	DW_ASSERT_EQ_INT(RUN(UAL("\"ErrorNumber\":500121"), O365), DW_OK);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_PASSWORD_VALID_MFA_BLOCKED);
	DW_ASSERT_EQ_STR(z(e.code, b, sizeof(b)), "500121");
	/* BAV2ROPC user agent is legacy; lower-cased keys are read too */
	DW_ASSERT_EQ_INT(RUN("{\"creationtime\":\"2023-07-23T06:25:34Z\",\"operation\":\"UserLoggedIn\","
			     "\"userid\":\"X@Y\",\"extendedproperties\":[1,{\"name\":\"UserAgent\",\"value\":\"BAV2ROPC\"}]}",
			     O365),
			 DW_OK);
	DW_ASSERT_EQ_INT(m, O365);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_AUTH_SUCCESS);
	DW_ASSERT(e.has & DW_EV_LEGACY);
	DW_ASSERT_EQ_STR(z(e.user, b, sizeof(b)), "x");
	DW_ASSERT_EQ_STR(ts_text(&e, tb), "2023-07-23T06:25:34Z");

	/* not sign-ins, missing or bad fields */
	DW_ASSERT_EQ_INT(RUN("{\"CreationTime\":\"2023-07-23T06:25:34\",\"Operation\":\"MailItemsAccessed\"}", O365),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(m, 0);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"Operation\":\"UserLoginFailed\",\"UserId\":\"a\"}", O365), DW_EINVAL);
	DW_ASSERT_EQ_INT(m, 0);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"CreationTime\":1690093534,\"Operation\":\"UserLoginFailed\"}", O365), DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"CreationTime\":\"2023-07-23 25:00:00\",\"Operation\":\"UserLoginFailed\"}", O365),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	DW_ASSERT_EQ_INT(RUN("{\"CreationTime\":\"1969-12-31T23:59:59\",\"Operation\":\"UserLoginFailed\"}", O365),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	DW_ASSERT_EQ_INT(RUN(UAL("\"UserId\":[\"a\"]"), O365), DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(RUN("{\"CreationTime\":\"2023-07-23T06:25:34\",\"Operation\":42}", O365), DW_EINVAL);
	DW_ASSERT_EQ_INT(m, 0);
	DW_ASSERT_EQ_INT(RUN(UAL("\"ExtendedProperties\":{\"Name\":\"UserAgent\"},\"DeviceProperties\":[[]],"
				 "\"LogonError\":{}"), O365),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.user_agent.n, 0);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_OTHER);
	/* a tiny scratch cuts the escaped user agent, never overflows */
	DW_ASSERT_EQ_INT(run(UAL("\"ExtendedProperties\":[{\"Name\":\"UserAgent\",\"Value\":\"python-requests\\/2.28.2\"}]"),
			     sizeof(UAL("\"ExtendedProperties\":[{\"Name\":\"UserAgent\",\"Value\":\"python-requests\\/2.28.2\"}]")) - 1,
			     O365, &e, 4, &why, &m),
			 DW_OK);
	DW_ASSERT_EQ_STR(z(e.user_agent, b, sizeof(b)), "pyth");
	/* the Entra parser refuses a UAL record (no time it knows, no result) */
	DW_ASSERT_EQ_INT(RUN(UAL("\"UserId\":\"a\""), ENTRA), DW_EINVAL);
	DW_ASSERT_EQ_INT(m, O365);
#undef UAL
	DW_PASS();
}

/*
 * Every byte of every sample record replaced by a few hostile bytes: whatever
 * still tokenises is offered to both parsers (matched or not) with a 64-byte
 * scratch; ASan and UBSan watch every access, the parsers must return DW_OK
 * or DW_EINVAL with a valid reason, and a successful parse must leave every
 * slice inside the record or the scratch.
 */
static int mutate_file(const char *name, long *parsed, char *msg_, size_t msgsz_)
{
	static const char repl[] = {'"', '0', '{', '\\', ':', 'x', '9', ' '};
	struct rec r[MAXREC];
	int k = load(name, r, MAXREC);

	if (k <= 0)
		DW_FAIL("cannot read samples/%s", name);
	for (int ri = 0; ri < k; ri++) {
		for (size_t i = 0; i < r[ri].n; i++) {
			for (size_t v = 0; v < sizeof(repl); v++) {
				char *c = malloc(r[ri].n), *sc = malloc(64);
				struct dw_json j;
				struct dw_event e;
				int why = -1, rc;

				if (!c || !sc)
					abort();
				memcpy(c, r[ri].text, r[ri].n);
				c[i] = repl[v];
				dw_json_init(&j, toks, NTOK);
				if (dw_json_parse(&j, c, r[ri].n) == DW_OK) {
					for (int which = ENTRA; which <= O365; which++) {
						dw_event_clear(&e);
						rc = which == ENTRA ? dw_entra_parse(&j, &e, sc, 64, &why)
								    : dw_o365_parse(&j, &e, sc, 64, &why);
						if (rc != DW_OK && (rc != DW_EINVAL || why < 0 || why >= DW_UNP__N)) {
							free(c);
							free(sc);
							unload(r, k);
							DW_FAIL("%s record %d byte %zu: rc %d why %d", name, ri + 1, i, rc, why);
						}
						if (rc == DW_OK) {
							const struct dw_slice *sl[] = {&e.host, &e.program, &e.user_raw,
										       &e.target, &e.protocol,
										       &e.user_agent, &e.session, &e.code};

							(*parsed)++;
							for (size_t q = 0; q < DW_ARRAY_LEN(sl); q++) {
								const char *p = sl[q]->p;

								if (!sl[q]->n)
									continue;
								if (!((p >= c && p + sl[q]->n <= c + r[ri].n) ||
								      (p >= sc && p + sl[q]->n <= sc + 64) ||
								      dw_slice_eq(*sl[q], "entra") ||
								      dw_slice_eq(*sl[q], "o365"))) {
									free(c);
									free(sc);
									unload(r, k);
									DW_FAIL("%s record %d byte %zu: slice %zu outside",
										name, ri + 1, i, q);
								}
							}
						}
					}
				}
				free(c);
				free(sc);
			}
		}
	}
	unload(r, k);
	return 0;
}

DW_TEST(entra_mutations)
{
	long parsed = 0;

	if (mutate_file("entra-signin.txt", &parsed, msg_, msgsz_) ||
	    mutate_file("o365-ual-azuread-logon.txt", &parsed, msg_, msgsz_))
		return 1;
	DW_ASSERT(parsed > 1000); /* most one-byte changes inside strings still parse */
	DW_PASS();
}
