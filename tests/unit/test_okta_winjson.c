/*
 * test_okta_winjson.c - the Okta System Log parser (src/parse/okta.c) and
 * the Windows event JSON parser (src/parse/winjson.c): every record of
 * samples/okta-systemlog.txt, windows-evtx-dump-json.txt and
 * winlogbeat-ecs-json.txt in file order against values checked by hand
 * (only the right parser matches; sshd ECS documents match neither), one
 * XML/JSON parity check through winxml.c, and hostile input: missing
 * fields, wrong JSON types, small or no scratch, every prefix of every
 * sample record in an exact-size heap copy.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../src/core/ip.h"
#include "../../src/core/sb.h"
#include "../../src/core/tm.h"
#include "../../src/parse/json.h"
#include "../../src/parse/okta.h"
#include "../../src/parse/parser.h"
#include "../../src/parse/winjson.h"
#include "../../src/parse/winxml.h"
#include "../test.h"

#define NTOK 4096
#define LINE_MAX_ 65536

static struct dw_json_tok toks[NTOK]; /* test only */
static char sbuf[4096];

/* A NUL-terminated copy of a slice (static rotating buffers, test only). */
static const char *cs(struct dw_slice s)
{
	static char b[4][1024];
	static int k;
	char *o = b[k++ & 3];

	snprintf(o, 1024, "%.*s", (int)s.n, s.p ? s.p : "");
	return o;
}

static const char *ipstr(const struct dw_ip *ip)
{
	static char b[64];

	if (!ip->fam)
		return "";
	b[dw_ip_format(ip, b)] = 0;
	return b;
}

static const char *tsstr(const struct dw_event *e)
{
	static char b[DW_TM_BUFSZ];

	b[dw_tm_format(e->ts, e->ts_prec, b)] = 0;
	return b;
}

/* Expected values of one record; NULL strings are not checked, "" means absent. */
struct exp {
	int okta, win;    /* which match() is 1 */
	int rc, why;      /* DW_OK, or DW_EINVAL + reason */
	const char *ts;
	int action, reason, mfa;
	const char *user, *user_raw, *ip, *code, *session, *target, *ua, *host, *proto;
	long event_id, record_id; /* -1: absent */
	int src_port;             /* -1: absent */
};

static int check(const struct exp *x, const char *line, size_t n, char *msg_, size_t msgsz_)
{
	struct dw_json j;
	struct dw_event e;
	int why = -1, rc;

	dw_json_init(&j, toks, NTOK);
	DW_ASSERT_EQ_INT(dw_json_parse(&j, line, n), DW_OK);
	DW_ASSERT_EQ_INT(dw_okta_match(&j), x->okta);
	DW_ASSERT_EQ_INT(dw_winjson_match(&j), x->win);
	if (!x->okta && !x->win)
		return 0;
	dw_event_clear(&e);
	rc = x->okta ? dw_okta_parse(&j, &e, sbuf, sizeof(sbuf), &why)
		     : dw_winjson_parse(&j, &e, sbuf, sizeof(sbuf), &why);
	DW_ASSERT_EQ_INT(rc, x->rc);
	if (rc != DW_OK) {
		DW_ASSERT_EQ_INT(why, x->why);
		return 0;
	}
	DW_ASSERT_EQ_INT(e.log, x->okta ? DW_LOG_OKTA : DW_LOG_WIN);
	DW_ASSERT_EQ_STR(tsstr(&e), x->ts);
	DW_ASSERT_EQ_STR(dw_action_name(e.action), dw_action_name(x->action));
	DW_ASSERT_EQ_STR(dw_reason_name(e.reason), dw_reason_name(x->reason));
	DW_ASSERT_EQ_INT(e.mfa, x->mfa);
	if (x->user)
		DW_ASSERT_EQ_STR(cs(e.user), x->user);
	if (x->user_raw)
		DW_ASSERT_EQ_STR(cs(e.user_raw), x->user_raw);
	if (x->ip)
		DW_ASSERT_EQ_STR(ipstr(&e.src_ip), x->ip);
	if (x->code)
		DW_ASSERT_EQ_STR(cs(e.code), x->code);
	if (x->session)
		DW_ASSERT_EQ_STR(cs(e.session), x->session);
	if (x->target)
		DW_ASSERT_EQ_STR(cs(e.target), x->target);
	if (x->ua)
		DW_ASSERT_EQ_STR(cs(e.user_agent), x->ua);
	if (x->host)
		DW_ASSERT_EQ_STR(cs(e.host), x->host);
	if (x->proto)
		DW_ASSERT_EQ_STR(cs(e.protocol), x->proto);
	if (x->okta) {
		DW_ASSERT(!(e.has & (DW_EV_HAS_EVENT_ID | DW_EV_HAS_RECORD_ID)));
	} else {
		DW_ASSERT(e.has & DW_EV_HAS_EVENT_ID);
		DW_ASSERT_EQ_INT(e.event_id, x->event_id);
		if (x->record_id < 0)
			DW_ASSERT(!(e.has & DW_EV_HAS_RECORD_ID));
		else {
			DW_ASSERT(e.has & DW_EV_HAS_RECORD_ID);
			DW_ASSERT_EQ_INT(e.record_id, x->record_id);
		}
	}
	if (x->src_port < 0)
		DW_ASSERT(!(e.has & DW_EV_HAS_SRC_PORT));
	else {
		DW_ASSERT(e.has & DW_EV_HAS_SRC_PORT);
		DW_ASSERT_EQ_INT(e.src_port, x->src_port);
	}
	return 0;
}

/* Runs every JSON record of a sample file against xs[0..nx); the counts must agree. */
static int run_file(const char *name, const struct exp *xs, size_t nx, char *msg_, size_t msgsz_)
{
	char path[1024];
	static char line[LINE_MAX_];
	FILE *f;
	size_t k = 0;

	snprintf(path, sizeof(path), "%s/samples/%s", dw_test_shared(), name);
	f = fopen(path, "r");
	DW_ASSERT(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		int r;

		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n == 0 || line[0] == '#')
			continue;
		if (k >= nx) {
			fclose(f);
			DW_ASSERT(!"more records than expected");
		}
		r = check(&xs[k], line, n, msg_, msgsz_);
		if (r) {
			size_t l = strlen(msg_);
			snprintf(msg_ + l, msgsz_ - l, " (%s record %zu)", name, k + 1);
			fclose(f);
			return r;
		}
		k++;
	}
	fclose(f);
	DW_ASSERT_EQ_INT(k, nx);
	return 0;
}

#define OKTA(...) {1, 0, __VA_ARGS__}
#define WIN(...) {0, 1, __VA_ARGS__}

static const struct exp okta_x[] = {
	/* 1 user.session.start SUCCESS */
	OKTA(DW_OK, 0, "2020-02-14T20:18:57.718Z", DW_ACT_AUTH_SUCCESS, DW_RSN_NONE, DW_MFA_NONE,
	     "xxxxxx", "xxxxxx@elastic.co", "175.16.199.1", "SUCCESS", "102bZDNFfWaQSyEZQuDgWt-uQ", "",
	     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:72.0) Gecko/20100101 Firefox/72.0", "",
	     "", -1, -1, -1),
	/* 2 user.session.start SUCCESS with risk data */
	OKTA(DW_OK, 0, "2022-05-11T09:25:18.716Z", DW_ACT_AUTH_SUCCESS, DW_RSN_NONE, DW_MFA_NONE,
	     "test", "test@test.com", "81.2.69.144", "SUCCESS", "xxxxxx", "", "blah", "", "", -1, -1, -1),
	/* 3 user.authentication.verify SUCCESS */
	OKTA(DW_OK, 0, "2022-12-12T22:03:08.791Z", DW_ACT_AUTH_SUCCESS, DW_RSN_NONE, DW_MFA_NONE,
	     "snipped_user", "Snipped_User@domain.com", "81.2.69.144", "SUCCESS",
	     "102qmxOh1EdTHqn1_86CB9fzA", "", "unknown", "", "", -1, -1, -1),
	/* 4 user.authentication.auth_via_mfa SUCCESS: mfa multi, target is the user's displayName */
	OKTA(DW_OK, 0, "2023-02-06T08:56:36.909Z", DW_ACT_AUTH_SUCCESS, DW_RSN_NONE, DW_MFA_MULTI,
	     "user", "user@domain.com", "127.0.0.1", "SUCCESS", "uuid", "first last",
	     "B7FdsdB65BN.com.okta.mobile/7.12.0 OktaVerify/7.12.0 iOS/16.1.2 Apple/iPhone14,2 "
	     "6C743C36-ewew-400D-8FB9-A5F049A745CF",
	     "", "", -1, -1, -1),
	/* 5 Panther fixture: "published":"redacted" */
	OKTA(DW_EINVAL, DW_UNP_BAD_TIME, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	     NULL, NULL, -1, -1, -1),
	/* 6 lower-cased keys, user.account.lock, zone-less published */
	OKTA(DW_OK, 0, "2022-11-22T18:48:49.177Z", DW_ACT_LOCKOUT, DW_RSN_NONE, DW_MFA_NONE,
	     "homer.simpson", "homer.simpson@duff.com", "1.2.3.4", "LOCKED_OUT", "abcd-1234", "",
	     "Chrome", "", "", -1, -1, -1),
	/* 7 lower-cased keys, user.session.start FAILURE INVALID_CREDENTIALS, target Peter Griffin */
	OKTA(DW_OK, 0, "2022-06-22T18:18:29.015Z", DW_ACT_AUTH_FAILURE, DW_RSN_BAD_PASSWORD,
	     DW_MFA_NONE, "homer.simpson", "homer.simpson@duff.com", "1.3.2.4", "INVALID_CREDENTIALS",
	     "100-abc-9999", "Peter Griffin", NULL, "", "", -1, -1, -1),
};

static const struct exp evtx_x[] = {
	/* 1 4688 (not read): other */
	WIN(DW_OK, 0, "2018-07-28T07:24:45.754787Z", DW_ACT_OTHER, DW_RSN_NONE, DW_MFA_NONE, "", "",
	    "", "", "", "", "", "WIN-LL0C19JS506", "", 4688, 1, -1),
	/* 2 4608, EventData null */
	WIN(DW_OK, 0, "2016-07-08T18:12:51.681640Z", DW_ACT_OTHER, DW_RSN_NONE, DW_MFA_NONE, "", "",
	    "", "", "", "", "", "37L4247F27-25", "", 4608, 1, -1),
	/* 3 --separate-json-attributes, Application 4625 (EventSystem): not the Security log's
	 * 4625, so no logon failure -> other */
	WIN(DW_OK, 0, "2010-11-10T18:18:51.000000Z", DW_ACT_OTHER, DW_RSN_NONE, DW_MFA_NONE,
	    "", "", "", "", "", "", "", "37L4247D28-05", "", 4625, 1, -1),
};

static const struct exp wlb_x[] = {
	/* 1 ECS 4625 unknown user, IpAddress moved to source.ip by the pipeline */
	WIN(DW_OK, 0, "2019-03-29T21:45:35.177Z", DW_ACT_AUTH_FAILURE, DW_RSN_UNKNOWN_USER,
	    DW_MFA_NONE, "bosch", "bosch", "::1", "0xc0000064", "interactive", "", "",
	    "vagrant-2012-r2", "negotiate", 4625, 1585, -1),
	/* 2 ECS 4624 */
	WIN(DW_OK, 0, "2019-03-29T21:10:40.380Z", DW_ACT_AUTH_SUCCESS, DW_RSN_NONE, DW_MFA_NONE,
	    "vagrant", "vagrant", "127.0.0.1", "", "interactive", "", "", "vagrant-2012-r2",
	    "negotiate", 4624, 1542, -1),
	/* 3 raw Winlogbeat 4624, NTLM network logon, IpAddress "-", 7-digit @timestamp */
	WIN(DW_OK, 0, "2019-03-29T21:10:53.6617957Z", DW_ACT_AUTH_SUCCESS, DW_RSN_NONE, DW_MFA_NONE,
	    "vagrant", "vagrant", "", "", "network", "", "", "vagrant-2012-r2", "ntlm", 4624, 1550, -1),
	/* 4 ECS 5145: ShareName decoded, time_created with 9 digits, source.port number */
	WIN(DW_OK, 0, "2021-06-10T14:22:35.123456700Z", DW_ACT_SHARE_ACCESS, DW_RSN_NONE,
	    DW_MFA_NONE, "dadmin", "dadmin", "192.168.1.50", "", "0x32004", "\\\\*\\Documents", "",
	    "FS01.contoso.local", "", 5145, 887623, 49152),
	/* 5-7 sshd through the Elastic auth pipeline: neither parser */
	{0, 0, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0},
	{0, 0, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0},
	{0, 0, 0, 0, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0},
};

DW_TEST(okta_samples)
{
	return run_file("okta-systemlog.txt", okta_x, DW_ARRAY_LEN(okta_x), msg_, msgsz_);
}

DW_TEST(okta_winjson_evtx_samples)
{
	return run_file("windows-evtx-dump-json.txt", evtx_x, DW_ARRAY_LEN(evtx_x), msg_, msgsz_);
}

DW_TEST(okta_winjson_winlogbeat_samples)
{
	return run_file("winlogbeat-ecs-json.txt", wlb_x, DW_ARRAY_LEN(wlb_x), msg_, msgsz_);
}

/* Tokenises s; returns the parse result of the given parser (1 okta, 0 win). */
static int one(const char *s, int okta, struct dw_event *e, char *buf, size_t cap, int *why)
{
	static struct dw_json j;

	dw_json_init(&j, toks, NTOK);
	if (dw_json_parse(&j, s, strlen(s)) != DW_OK)
		return 99;
	dw_event_clear(e);
	*why = -1;
	return okta ? dw_okta_parse(&j, e, buf, cap, why) : dw_winjson_parse(&j, e, buf, cap, why);
}

static int match_of(const char *s, int okta)
{
	struct dw_json j;

	dw_json_init(&j, toks, NTOK);
	if (dw_json_parse(&j, s, strlen(s)) != DW_OK)
		return -1;
	return okta ? dw_okta_match(&j) : dw_winjson_match(&j);
}

DW_TEST(okta_hostile)
{
	struct dw_event e;
	int why;
	char small[8];

	/* not Okta */
	DW_ASSERT_EQ_INT(match_of("{}", 1), 0);
	DW_ASSERT_EQ_INT(match_of("[1,2]", 1), 0);
	DW_ASSERT_EQ_INT(match_of("\"x\"", 1), 0);
	DW_ASSERT_EQ_INT(match_of("{\"eventType\":5,\"actor\":{}}", 1), 0);
	DW_ASSERT_EQ_INT(match_of("{\"eventType\":\"x\"}", 1), 0);
	DW_ASSERT_EQ_INT(match_of("{\"EVENTTYPE\":\"x\",\"Published\":1}", 1), 1);
	DW_ASSERT_EQ_INT(one("[]", 1, &e, sbuf, sizeof(sbuf), &why), DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(one("{\"eventType\":null}", 1, &e, sbuf, sizeof(sbuf), &why), DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	/* times */
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"user.session.start\"}", 1, &e, sbuf, 0, &why),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"x\",\"published\":20200101}", 1, &e, sbuf, 0, &why),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"x\",\"published\":\"2020-01-01T00:00:00Zjunk\"}", 1,
			     &e, sbuf, 0, &why),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"x\",\"published\":\"9999-01-01T00:00:00Z\"}", 1, &e,
			     sbuf, 0, &why),
			 DW_EINVAL);
	/* minimal record, everything else missing: other, no fields */
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"user.session.start\",\"published\":"
			     "\"2024-01-02T03:04:05Z\"}",
			     1, &e, NULL, 0, &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_OTHER);
	DW_ASSERT_EQ_INT(e.user.n + e.code.n + e.session.n + e.target.n + e.user_agent.n, 0);
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);
	/* wrong types everywhere: ignored, never a crash */
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"user.session.start\",\"published\":\"2024-01-02T03:04:05Z\","
			     "\"actor\":\"bob\",\"client\":[1],\"outcome\":{\"result\":1,\"reason\":{}},"
			     "\"target\":{\"displayName\":\"x\"},\"authenticationContext\":7}",
			     1, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_OTHER);
	DW_ASSERT_EQ_INT(e.user.n + e.code.n + e.session.n + e.target.n, 0);
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"user.session.start\",\"published\":\"2024-01-02T03:04:05Z\","
			     "\"target\":[1,null,{\"type\":\"User\"},{\"displayName\":3}],"
			     "\"client\":{\"ipAddress\":\"not an ip\"},\"outcome\":{\"result\":\"DENY\"}}",
			     1, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_AUTH_FAILURE);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_OTHER);
	DW_ASSERT_EQ_STR(cs(e.code), "DENY");
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);
	/* the Panther VERIFICATION_ERROR fixture with a real time: unknown actor -> unknown_user */
	DW_ASSERT_EQ_INT(one("{\"actor\":{\"alternateId\":\"admin\",\"displayName\":\"unknown\",\"id\":"
			     "\"unknown\",\"type\":\"User\"},\"eventType\":\"user.session.start\","
			     "\"outcome\":{\"reason\":\"VERIFICATION_ERROR\",\"result\":\"FAILURE\"},"
			     "\"published\":\"2024-01-02T03:04:05.5Z\"}",
			     1, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_AUTH_FAILURE);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_UNKNOWN_USER);
	DW_ASSERT_EQ_STR(cs(e.user), "admin");
	DW_ASSERT_EQ_STR(cs(e.code), "VERIFICATION_ERROR");
	DW_ASSERT_EQ_INT(e.ts_prec, 1);
	/* LOCKED_OUT failure, deny_push, auth_via_mfa failure, policy event */
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"user.session.start\",\"published\":\"2024-01-02T03:04:05Z\","
			     "\"outcome\":{\"reason\":\"LOCKED_OUT\",\"result\":\"FAILURE\"}}",
			     1, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_LOCKED);
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"user.mfa.okta_verify.deny_push\",\"published\":"
			     "\"2024-01-02T03:04:05Z\",\"actor\":{\"alternateId\":\"a@b.c\",\"type\":"
			     "\"User\"},\"outcome\":{\"result\":\"FAILURE\"}}",
			     1, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_MFA_PUSH_DENIED);
	DW_ASSERT_EQ_STR(cs(e.user), "a");
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"user.authentication.auth_via_mfa\",\"published\":"
			     "\"2024-01-02T03:04:05Z\",\"outcome\":{\"reason\":\"INVALID_CREDENTIALS\","
			     "\"result\":\"FAILURE\"}}",
			     1, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_MFA_FAILURE);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_OTHER);
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"policy.evaluate_sign_on\",\"published\":"
			     "\"2024-01-02T03:04:05Z\",\"outcome\":{\"result\":\"DENY\"}}",
			     1, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_OTHER);
	/* system actor: the user is the User target; the app is the target */
	DW_ASSERT_EQ_INT(one("{\"eventType\":\"user.account.lock\",\"published\":\"2024-01-02T03:04:05Z\","
			     "\"actor\":{\"alternateId\":\"system@okta.com\",\"type\":\"SystemPrincipal\"},"
			     "\"target\":[{\"type\":\"User\",\"alternateId\":\"Carol@x.org\",\"displayName\":\"C\"},"
			     "{\"type\":\"AppInstance\",\"displayName\":\"Salesforce\"}]}",
			     1, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_LOCKOUT);
	DW_ASSERT_EQ_STR(cs(e.user), "carol");
	DW_ASSERT_EQ_STR(cs(e.target), "Salesforce");
	/* escapes: decoded into scratch; a small scratch cuts, no scratch empties */
	{
		const char *r = "{\"eventType\":\"user.session.start\",\"published\":\"2024-01-02T03:04:05Z\","
				"\"actor\":{\"alternateId\":\"d\\u00e9j\\u00e0@x.org\"},"
				"\"client\":{\"userAgent\":{\"rawUserAgent\":\"A\\/B \\\"q\\\" long agent\"}},"
				"\"outcome\":{\"result\":\"SUCCESS\"}}";
		DW_ASSERT_EQ_INT(one(r, 1, &e, sbuf, sizeof(sbuf), &why), DW_OK);
		DW_ASSERT_EQ_STR(cs(e.user_raw), "d\xc3\xa9j\xc3\xa0@x.org");
		DW_ASSERT_EQ_STR(cs(e.user_agent), "A/B \"q\" long agent");
		memset(small, 'Z', sizeof(small));
		DW_ASSERT_EQ_INT(one(r, 1, &e, small, 6, &why), DW_OK);
		DW_ASSERT_EQ_STR(cs(e.user_raw), "d\xc3\xa9j\xc3\xa0"); /* cut at 6 bytes */
		DW_ASSERT_EQ_INT(e.user_agent.n, 0);
		DW_ASSERT(small[6] == 'Z' && small[7] == 'Z');
		DW_ASSERT_EQ_INT(one(r, 1, &e, NULL, 0, &why), DW_OK);
		DW_ASSERT_EQ_INT(e.user_raw.n + e.user_agent.n, 0);
		DW_ASSERT_EQ_INT(e.action, DW_ACT_AUTH_SUCCESS);
	}
	return 0;
}

DW_TEST(okta_winjson_hostile)
{
	struct dw_event e;
	int why;
	char small[8];

	DW_ASSERT_EQ_INT(match_of("{}", 0), 0);
	DW_ASSERT_EQ_INT(match_of("{\"Event\":{\"System\":1}}", 0), 0);
	DW_ASSERT_EQ_INT(match_of("{\"winlog\":{\"channel\":\"Security\"}}", 0), 0);
	DW_ASSERT_EQ_INT(match_of("{\"winlog\":[],\"event\":{\"code\":\"4625\"}}", 0), 0);
	DW_ASSERT_EQ_INT(match_of("{\"winlog\":{},\"event\":{\"code\":\"4625\"}}", 0), 1);
	DW_ASSERT_EQ_INT(one("[]", 0, &e, sbuf, sizeof(sbuf), &why), DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	DW_ASSERT_EQ_INT(one("{\"a\":1}", 0, &e, sbuf, sizeof(sbuf), &why), DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	/* event ids: missing, float, negative, too big, array, object without #text */
	static const char *const bad_id[] = {
		"{\"Event\":{\"System\":{\"TimeCreated_attributes\":{\"SystemTime\":\"2020-01-01T00:00:00Z\"}}}}",
		"{\"Event\":{\"System\":{\"EventID\":4625.5}}}",
		"{\"Event\":{\"System\":{\"EventID\":-1}}}",
		"{\"Event\":{\"System\":{\"EventID\":4294967296}}}",
		"{\"Event\":{\"System\":{\"EventID\":[4625]}}}",
		"{\"Event\":{\"System\":{\"EventID\":{\"#attributes\":{}}}}}",
		"{\"winlog\":{\"event_id\":\"46x5\"}}",
		"{\"winlog\":{\"event_id\":null}}",
		"{\"winlog\":{\"event_id\":\"\"}}",
	};
	for (size_t i = 0; i < DW_ARRAY_LEN(bad_id); i++) {
		DW_ASSERT_EQ_INT(one(bad_id[i], 0, &e, sbuf, sizeof(sbuf), &why), DW_EINVAL);
		DW_ASSERT_EQ_INT(why, DW_UNP_BAD_JSON);
	}
	static const char *const bad_time[] = {
		"{\"Event\":{\"System\":{\"EventID\":4625}}}",
		"{\"Event\":{\"System\":{\"EventID\":4625,\"TimeCreated\":{\"#attributes\":{\"SystemTime\":5}}}}}",
		"{\"Event\":{\"System\":{\"EventID\":4625,\"TimeCreated\":null}}}",
		"{\"Event\":{\"System\":{\"EventID\":4625,\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"yesterday\"}}}}}",
		"{\"winlog\":{\"event_id\":4625},\"@timestamp\":\"2019-13-29T21:45:35.177Z\"}",
		"{\"winlog\":{\"event_id\":4625}}",
	};
	for (size_t i = 0; i < DW_ARRAY_LEN(bad_time); i++) {
		DW_ASSERT_EQ_INT(one(bad_time[i], 0, &e, sbuf, sizeof(sbuf), &why), DW_EINVAL);
		DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	}
	/* EventID with Qualifiers, record id as string, fields of the wrong type ignored */
	DW_ASSERT_EQ_INT(one("{\"Event\":{\"System\":{\"EventID\":{\"#attributes\":{\"Qualifiers\":\"\"},"
			     "\"#text\":4625},\"EventRecordID\":\"77\",\"Computer\":[1],\"TimeCreated\":"
			     "{\"#attributes\":{\"SystemTime\":\"2020-07-22 20:29:36.425364+00:00\"}}},"
			     "\"EventData\":{\"TargetUserName\":{\"x\":1},\"TargetUserName\":\"Eve\","
			     "\"IpAddress\":[\"1.2.3.4\"],\"Status\":\"0xC000006D\",\"SubStatus\":"
			     "\"0xC000006A\",\"LogonType\":3,\"IpPort\":\"99999\"}}}",
			     0, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.event_id, 4625);
	DW_ASSERT_EQ_INT(e.record_id, 77);
	DW_ASSERT_EQ_INT(e.host.n, 0);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_AUTH_FAILURE);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_BAD_PASSWORD);
	DW_ASSERT_EQ_STR(cs(e.user), "eve");
	DW_ASSERT_EQ_STR(cs(e.code), "0xc000006a");
	DW_ASSERT_EQ_STR(cs(e.session), "network");
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);
	DW_ASSERT(!(e.has & DW_EV_HAS_SRC_PORT));
	DW_ASSERT_EQ_STR(tsstr(&e), "2020-07-22T20:29:36.425364Z");
	/* bad record id: left out */
	DW_ASSERT_EQ_INT(one("{\"winlog\":{\"event_id\":\"4740\",\"record_id\":\"-3\",\"computer_name\":7,"
			     "\"event_data\":{\"TargetUserName\":\"bob\",\"TargetDomainName\":\"WS1\"}},"
			     "\"host\":{\"name\":\"  dc1 \"},\"@timestamp\":\"2020-01-01T00:00:00Z\"}",
			     0, &e, sbuf, sizeof(sbuf), &why),
			 DW_OK);
	DW_ASSERT(!(e.has & DW_EV_HAS_RECORD_ID));
	DW_ASSERT_EQ_INT(e.action, DW_ACT_LOCKOUT);
	DW_ASSERT_EQ_STR(cs(e.src_name), "WS1");
	DW_ASSERT_EQ_STR(cs(e.host), "dc1");
	/* escaped values: decoded; small scratch cuts without overrun; none empties */
	{
		const char *r = "{\"winlog\":{\"event_id\":5140,\"event_data\":{\"SubjectUserName\":"
				"\"O\\u0027Brien\",\"ShareName\":\"\\\\\\\\*\\\\IPC$\"}},"
				"\"@timestamp\":\"2020-01-01T00:00:00Z\"}";
		DW_ASSERT_EQ_INT(one(r, 0, &e, sbuf, sizeof(sbuf), &why), DW_OK);
		DW_ASSERT_EQ_STR(cs(e.user_raw), "O'Brien");
		DW_ASSERT_EQ_STR(cs(e.target), "\\\\*\\IPC$");
		memset(small, 'Z', sizeof(small));
		DW_ASSERT_EQ_INT(one(r, 0, &e, small, 4, &why), DW_OK);
		DW_ASSERT_EQ_STR(cs(e.user_raw), "O'Br");
		DW_ASSERT_EQ_INT(e.target.n, 0);
		DW_ASSERT(small[4] == 'Z');
		DW_ASSERT_EQ_INT(one(r, 0, &e, NULL, 0, &why), DW_OK);
		DW_ASSERT_EQ_INT(e.user_raw.n, 0);
		DW_ASSERT_EQ_INT(e.action, DW_ACT_OTHER); /* no account: noise */
	}
	return 0;
}

/* The 4771 of the reference (python-evtx XML) and its evtx_dump JSON rendering give one event. */
DW_TEST(okta_winjson_xml_parity)
{
	static const char xml[] =
		"<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider "
		"Name=\"Microsoft-Windows-Security-Auditing\" Guid=\"{54849625-5478-4994-a5ba-3e3b0328c30d}\">"
		"</Provider><EventID Qualifiers=\"\">4771</EventID><Version>0</Version><Level>0</Level><Task>"
		"14339</Task><Opcode>0</Opcode><Keywords>0x8010000000000000</Keywords><TimeCreated "
		"SystemTime=\"2020-07-22 20:29:36.425364+00:00\"></TimeCreated><EventRecordID>887114"
		"</EventRecordID><Correlation ActivityID=\"\" RelatedActivityID=\"\"></Correlation><Execution "
		"ProcessID=\"568\" ThreadID=\"2356\"></Execution><Channel>Security</Channel><Computer>"
		"01566s-win16-ir.threebeesco.com</Computer><Security UserID=\"\"></Security></System>"
		"<EventData><Data Name=\"TargetUserName\">Administrator</Data><Data Name=\"TargetSid\">"
		"S-1-5-21-308926384-506822093-3341789130-500</Data><Data Name=\"ServiceName\">krbtgt/"
		"THREEBEESCO.COM</Data><Data Name=\"TicketOptions\">0x00000010</Data><Data Name=\"Status\">"
		"0x00000018</Data><Data Name=\"PreAuthType\">2</Data><Data Name=\"IpAddress\">172.16.66.1"
		"</Data><Data Name=\"IpPort\">55967</Data><Data Name=\"CertIssuerName\"></Data></EventData>"
		"</Event>";
	static const char *const json[] = {
		"{\"Event\":{\"#attributes\":{\"xmlns\":\"http://schemas.microsoft.com/win/2004/08/events/event\"},"
		"\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Microsoft-Windows-Security-Auditing\"}},"
		"\"EventID\":{\"#attributes\":{\"Qualifiers\":\"\"},\"#text\":4771},\"TimeCreated\":"
		"{\"#attributes\":{\"SystemTime\":\"2020-07-22 20:29:36.425364+00:00\"}},\"EventRecordID\":887114,"
		"\"Channel\":\"Security\",\"Computer\":\"01566s-win16-ir.threebeesco.com\"},\"EventData\":"
		"{\"TargetUserName\":\"Administrator\",\"TargetSid\":\"S-1-5-21-308926384-506822093-3341789130-500\","
		"\"ServiceName\":\"krbtgt/THREEBEESCO.COM\",\"TicketOptions\":\"0x00000010\",\"Status\":"
		"\"0x00000018\",\"PreAuthType\":\"2\",\"IpAddress\":\"172.16.66.1\",\"IpPort\":\"55967\","
		"\"CertIssuerName\":\"\"}}}",
		"{\"Event_attributes\":{},\"Event\":{\"System\":{\"EventID_attributes\":{\"Qualifiers\":\"\"},"
		"\"EventID\":4771,\"TimeCreated_attributes\":{\"SystemTime\":\"2020-07-22 20:29:36.425364+00:00\"},"
		"\"EventRecordID\":887114,\"Computer\":\"01566s-win16-ir.threebeesco.com\"},\"EventData\":"
		"{\"TargetUserName\":\"Administrator\",\"ServiceName\":\"krbtgt\\/THREEBEESCO.COM\",\"Status\":"
		"\"0x00000018\",\"IpAddress\":\"172.16.66.1\",\"IpPort\":\"55967\"}}}",
		"{\"@timestamp\":\"2020-07-22T20:29:36.425Z\",\"winlog\":{\"event_id\":\"4771\",\"record_id\":"
		"\"887114\",\"computer_name\":\"01566s-win16-ir.threebeesco.com\",\"time_created\":"
		"\"2020-07-22 20:29:36.425364+00:00\",\"event_data\":{\"TargetUserName\":\"Administrator\","
		"\"ServiceName\":\"krbtgt/THREEBEESCO.COM\",\"Status\":\"0x00000018\",\"IpAddress\":"
		"\"172.16.66.1\",\"IpPort\":\"55967\"}}}",
	};
	struct dw_event e;
	struct dw_sb a, b;
	int why = -1;

	dw_event_clear(&e);
	DW_ASSERT_EQ_INT(dw_winxml_parse(xml, sizeof(xml) - 1, &e, &why), DW_OK);
	dw_sb_init(&a, 1 << 20);
	dw_sb_init(&b, 1 << 20);
	dw_event_json(&e, &a);
	for (size_t i = 0; i < DW_ARRAY_LEN(json); i++) {
		DW_ASSERT_EQ_INT(one(json[i], 0, &e, sbuf, sizeof(sbuf), &why), DW_OK);
		dw_sb_reset(&b);
		dw_event_json(&e, &b);
		dw_sb_putc(&a, 0);
		dw_sb_putc(&b, 0);
		a.n--;
		if (strcmp(a.p, b.p) != 0) {
			snprintf(msg_, msgsz_, "json %zu: %s != xml %s", i, b.p, a.p);
			dw_sb_free(&a);
			dw_sb_free(&b);
			return 1;
		}
	}
	dw_sb_free(&a);
	dw_sb_free(&b);
	return 0;
}

/* Every prefix of every sample record, in an exact-size heap copy: no read past the end. */
DW_TEST(okta_winjson_prefixes)
{
	static const char *const files[] = {"okta-systemlog.txt", "windows-evtx-dump-json.txt",
					    "winlogbeat-ecs-json.txt"};
	static char line[LINE_MAX_];

	for (size_t fi = 0; fi < DW_ARRAY_LEN(files); fi++) {
		char path[1024];
		FILE *f;

		snprintf(path, sizeof(path), "%s/samples/%s", dw_test_shared(), files[fi]);
		f = fopen(path, "r");
		DW_ASSERT(f != NULL);
		while (fgets(line, sizeof(line), f)) {
			size_t n = strlen(line);
			while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				n--;
			if (n == 0 || line[0] == '#')
				continue;
			for (size_t k = 1; k <= n; k++) {
				char *c = malloc(k);
				struct dw_json j;
				struct dw_event e;
				int why;
				char sc[16];

				if (!c) {
					fclose(f);
					DW_ASSERT(!"oom");
				}
				memcpy(c, line, k);
				dw_json_init(&j, toks, NTOK);
				if (dw_json_parse(&j, c, k) == DW_OK) {
					dw_event_clear(&e);
					if (dw_okta_match(&j) &&
					    dw_okta_parse(&j, &e, sc, sizeof(sc), &why) != DW_OK)
						DW_ASSERT(why == DW_UNP_BAD_TIME || why == DW_UNP_BAD_JSON);
					dw_event_clear(&e);
					if (dw_winjson_match(&j) &&
					    dw_winjson_parse(&j, &e, sc, sizeof(sc), &why) != DW_OK)
						DW_ASSERT(why == DW_UNP_BAD_TIME || why == DW_UNP_BAD_JSON);
				}
				free(c);
			}
		}
		fclose(f);
	}
	return 0;
}
