/*
 * test_parse.c - unit tests of src/parse: year inference, header styles
 * (RFC 5424 structured data, BOM, journal JSON), each attempt-merging rule of
 * sshd_conn.c, hostile input counted by reason, and a check that parsing
 * allocates nothing per line in steady state.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../src/core/sb.h"
#include "../../src/core/tm.h"
#include "../../src/parse/parser.h"
#include "../../src/parse/sshd.h"
#include "../test.h"

#define MAXEV 64

/* What a test saw: every event as JSON (without file/line/offset) and counts. */
struct seen {
	int n;
	int by_action[DW_ACT__N];
	uint32_t count_sum_fail;
	char json[MAXEV][1024];
};

static void on_event(void *ctx, const struct dw_event *e)
{
	struct seen *s = ctx;
	struct dw_event c = *e;
	struct dw_sb sb;

	s->by_action[e->action]++;
	if (e->action == DW_ACT_AUTH_FAILURE)
		s->count_sum_fail += e->count;
	if (s->n >= MAXEV)
		return;
	c.file = NULL;
	c.has &= ~(uint32_t)(DW_EV_HAS_LINE | DW_EV_HAS_OFFSET);
	dw_sb_init(&sb, 1000);
	dw_event_json(&c, &sb);
	snprintf(s->json[s->n], sizeof(s->json[0]), "%.*s", (int)sb.n, sb.p);
	dw_sb_free(&sb);
	s->n++;
}

static int64_t ns_of(int y, int mo, int d)
{
	return dw_tm_from_civil(y, mo, d, 0, 0, 0) * DW_NS;
}

/* Feeds lines (NUL-terminated strings, NULL-terminated list) as one file. */
static void feed(struct dw_parser *p, int64_t mtime, const char *const *lines)
{
	dw_parser_begin_file(p, "t.log", mtime);
	for (int i = 0; lines[i]; i++)
		dw_parser_line(p, lines[i], strlen(lines[i]), (uint64_t)i + 1, 0);
}

static struct dw_parser *mk(struct seen *s, int year, size_t cap)
{
	struct dw_parser *p = NULL;
	struct dw_parse_opts o = {0};

	memset(s, 0, sizeof(*s));
	o.year = year;
	o.conn_cap = cap;
	if (dw_parser_new(&p, &o, on_event, s) != DW_OK)
		return NULL;
	return p;
}

static int has(const struct seen *s, int i, const char *frag)
{
	return i < s->n && strstr(s->json[i], frag) != NULL;
}

/* --- year inference --- */

DW_TEST(parse_year_new_year)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 0, 0);
	static const char *const l[] = {
		"Dec 31 23:59:58 h sshd[1]: Accepted password for a from 192.0.2.1 port 1 ssh2",
		"Jan  1 00:00:02 h sshd[2]: Accepted password for a from 192.0.2.1 port 2 ssh2",
		"Jan  1 00:00:03 h sshd[3]: Accepted password for a from 192.0.2.1 port 3 ssh2",
		NULL};

	DW_ASSERT(p);
	feed(p, ns_of(2024, 1, 5), l); /* a file written on 5 Jan 2024 */
	DW_ASSERT_EQ_INT(s.n, 3);
	DW_ASSERT(has(&s, 0, "\"ts\":\"2023-12-31T23:59:58Z\""));
	DW_ASSERT(has(&s, 1, "\"ts\":\"2024-01-01T00:00:02Z\""));
	DW_ASSERT(has(&s, 2, "\"ts\":\"2024-01-01T00:00:03Z\""));
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->unparsed[DW_UNP_TIME_BACKWARDS], 0);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_year_from_mtime)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 0, 0);
	static const char *const jul[] = {
		"Jul  1 10:00:00 h cron[1]: job", NULL};
	static const char *const jun[] = {
		"Jun  1 10:00:00 h cron[1]: job", NULL};
	static const char *const feb29[] = {
		"Feb 29 10:00:00 h cron[1]: job", NULL};

	DW_ASSERT(p);
	feed(p, ns_of(2024, 6, 15), jul); /* July is after June: last year */
	feed(p, ns_of(2024, 6, 15), jun);
	feed(p, ns_of(2023, 6, 15), feb29); /* 2023 has no Feb 29 */
	feed(p, ns_of(2024, 6, 15), feb29);
	DW_ASSERT_EQ_INT(s.n, 3);
	DW_ASSERT(has(&s, 0, "\"ts\":\"2023-07-01T10:00:00Z\",\"log\":\"syslog\""));
	DW_ASSERT(has(&s, 1, "\"ts\":\"2024-06-01T10:00:00Z\""));
	DW_ASSERT(has(&s, 2, "\"ts\":\"2024-02-29T10:00:00Z\""));
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->unparsed[DW_UNP_BAD_TIME], 1);
	dw_parser_free(p);
	DW_PASS();
}

/* A full-date record anchors the year of the RFC 3164 records after it. */
DW_TEST(parse_year_anchored_by_full_date)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 0, 0);
	static const char *const l[] = {
		"2019-12-31T23:59:00Z h sshd[1]: Accepted password for a from 192.0.2.1 port 1 ssh2",
		"Dec 31 23:59:58 h sshd[2]: Accepted password for a from 192.0.2.1 port 2 ssh2",
		"Jan  1 00:00:02 h sshd[3]: Accepted password for a from 192.0.2.1 port 3 ssh2",
		NULL};

	DW_ASSERT(p);
	feed(p, ns_of(2026, 11, 24), l); /* a fresh checkout: mtime says nothing */
	DW_ASSERT_EQ_INT(s.n, 3);
	DW_ASSERT(has(&s, 1, "\"ts\":\"2019-12-31T23:59:58Z\""));
	DW_ASSERT(has(&s, 2, "\"ts\":\"2020-01-01T00:00:02Z\""));
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_year_override)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2019, 0);
	static const char *const l[] = {
		"Nov 30 10:00:00 h sshd[1]: Connection from 192.0.2.1 port 5 on 192.0.2.2 port 22",
		"Dec 31 23:00:00 h sshd[1]: Connection closed by 192.0.2.1 port 5",
		"Jan  1 01:00:00 h sshd[1]: Connection from 192.0.2.1 port 6 on 192.0.2.2 port 22",
		NULL};

	DW_ASSERT(p);
	feed(p, ns_of(2030, 1, 1), l); /* --year wins over the mtime; New Year still advances */
	DW_ASSERT_EQ_INT(s.n, 3);
	DW_ASSERT(has(&s, 0, "\"ts\":\"2019-11-30T10:00:00Z\""));
	DW_ASSERT(has(&s, 1, "\"ts\":\"2019-12-31T23:00:00Z\""));
	DW_ASSERT(has(&s, 2, "\"ts\":\"2020-01-01T01:00:00Z\""));
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_utc_offset)
{
	struct seen s;
	struct dw_parser *p = NULL;
	struct dw_parse_opts o = {0};
	static const char *const l[] = {"Mar  1 10:00:00 h cron[1]: job", NULL};

	memset(&s, 0, sizeof(s));
	o.year = 2024;
	o.utc_offset = 3600; /* the log was written at UTC+1 */
	DW_ASSERT(dw_parser_new(&p, &o, on_event, &s) == DW_OK);
	feed(p, 0, l);
	DW_ASSERT(has(&s, 0, "\"ts\":\"2024-03-01T09:00:00Z\""));
	dw_parser_free(p);
	DW_PASS();
}

/* --- header styles --- */

DW_TEST(parse_rfc5424_structured_data)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 0, 0);
	static const char *const l[] = {
		/* escaped \] inside a quoted value, and a bare ] inside quotes */
		"<38>1 2019-07-08T17:40:17.954167-04:00 h.example.com sshd 55555 - "
		"[a@1 x=\"p\\]q\" y=\"\\\"\"][b@2 t=\"[brackets]\"] Failed password for root from "
		"192.0.2.2 port 55555 ssh2",
		/* NILVALUE everywhere but the time */
		"<38>1 2019-07-08T17:40:18Z - - - - - Accepted password for bob from 192.0.2.3 port 1 ssh2",
		/* structured data never closed */
		"<38>1 2019-07-08T17:40:19Z h sshd 1 - [a@1 x=\"y] Failed",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	DW_ASSERT_EQ_INT(s.n, 2);
	DW_ASSERT(has(&s, 0, "\"ts\":\"2019-07-08T21:40:17.954167Z\",\"log\":\"sshd\","
			     "\"host\":\"h.example.com\",\"program\":\"sshd\",\"pid\":55555,"
			     "\"action\":\"auth_failure\",\"reason\":\"bad_password\",\"user\":\"root\","
			     "\"src_ip\":\"192.0.2.2\",\"src_port\":55555"));
	/* APP is "-": not sshd, so a plain syslog record */
	DW_ASSERT(has(&s, 1, "\"log\":\"syslog\",\"action\":\"other\""));
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->unparsed[DW_UNP_TRUNCATED], 1);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_rfc5424_bom)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 0, 0);
	/* EF BB BF: the UTF-8 byte-order mark RFC 5424 allows before MSG */
	static const char *const l[] = {
		"<38>1 2024-05-01T10:00:00Z h sshd 7 - - \xef\xbb\xbf"
		"Invalid user admin from 192.0.2.9 port 4",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	DW_ASSERT_EQ_INT(s.n, 1);
	DW_ASSERT(has(&s, 0, "\"action\":\"auth_failure\",\"reason\":\"unknown_user\",\"user\":\"admin\""));
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_header_variants)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	static const char *const l[] = {
		"2024-01-02T03:04:05+0100 h sshd[1]: Failed password for root from 192.0.2.1 port 2 ssh2",
		"Jan 02 03:04:06.123456 h sshd[2]: Failed password for root from 192.0.2.1 port 3 ssh2",
		"Feb 7 16:01:07 h sshd[3]: User root from 192.0.2.5 not allowed because a group is listed in DenyGroups",
		"Jun 25 23:53:34 [sshd] User root from 1.2.3.4 not allowed because not listed in AllowUsers",
		"Jun 25 23:53:35 h sshd[4]:\tFailed password for root from 192.0.2.1 port 3 ssh2",
		"2024-06-25 23:53:36 h sshd[5]: Failed password for root from 192.0.2.1 port 3 ssh2",
		NULL};

	DW_ASSERT(p);
	dw_parser_begin_file(p, "a", 0);
	dw_parser_line(p, l[0], strlen(l[0]), 1, 0);
	dw_parser_line(p, l[1], strlen(l[1]), 2, 0);
	dw_parser_begin_file(p, "b", 0);
	for (int i = 2; l[i]; i++)
		dw_parser_line(p, l[i], strlen(l[i]), (uint64_t)i + 1, 0);
	DW_ASSERT_EQ_INT(s.n, 6);
	DW_ASSERT(has(&s, 5, "\"ts\":\"2024-06-25T23:53:36Z\""));
	DW_ASSERT(has(&s, 0, "\"ts\":\"2024-01-02T02:04:05Z\""));
	DW_ASSERT(has(&s, 1, "\"ts\":\"2024-01-02T03:04:06.123456Z\""));
	DW_ASSERT(has(&s, 2, "\"ts\":\"2024-02-07T16:01:07Z\""));
	DW_ASSERT(has(&s, 3, "\"program\":\"sshd\",\"action\":\"auth_failure\""));
	DW_ASSERT(has(&s, 4, "\"action\":\"other\"")); /* TAB is allowed; no longer a Failed line */
	dw_parser_free(p);
	DW_PASS();
}

/* --- journalctl -o json --- */

DW_TEST(parse_journal_json)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 0, 0);
	static const char *const l[] = {
		"{\"__CURSOR\":\"s=1;i=2\",\"__REALTIME_TIMESTAMP\":\"1700000000123456\","
		"\"_HOSTNAME\":\"web\\u0031\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"4242\","
		"\"MESSAGE\":\"Failed password for \\\"x\\\" from 192.0.2.1 port 22 ssh2\","
		"\"_SYSTEMD_UNIT\":\"ssh.service\",\"nested\":{\"a\":[1,2.5e3,true,null]}}",
		/* MESSAGE as bytes: "Invalid user b from 192.0.2.2" (not valid UTF-8 elsewhere) */
		"{\"__REALTIME_TIMESTAMP\":1700000001000000,\"_COMM\":\"sshd\",\"SYSLOG_PID\":\"7\","
		"\"MESSAGE\":[73,110,118,97,108,105,100,32,117,115,101,114,32,98,32,102,114,111,109,"
		"32,49,57,50,46,48,46,50,46,50]}",
		"{\"__REALTIME_TIMESTAMP\":\"1700000002000000\",\"SYSLOG_IDENTIFIER\":\"cron\","
		"\"MESSAGE\":null}",
		"{\"__REALTIME_TIMESTAMP\":\"1700000003000000\",\"MESSAGE\":\"x\",}", /* bad */
		"{\"__REALTIME_TIMESTAMP\":\"1700000003000000\",\"MESSAGE\":\"unterminated",
		"{\"MESSAGE\":\"no time\"}",
		"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]}", /* too deep */
		"{\"MESSAGE\":\"bad \\q escape\",\"__REALTIME_TIMESTAMP\":\"1700000003000000\"}",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	DW_ASSERT_EQ_INT(s.n, 3);
	DW_ASSERT(has(&s, 0, "{\"ts\":\"2023-11-14T22:13:20.123456Z\",\"log\":\"sshd\",\"host\":\"web1\","
			     "\"program\":\"sshd\",\"pid\":4242,\"action\":\"auth_failure\","
			     "\"reason\":\"bad_password\",\"user\":\"\\\"x\\\"\",\"src_ip\":\"192.0.2.1\""));
	DW_ASSERT(has(&s, 1, "\"program\":\"sshd\",\"pid\":7,\"action\":\"auth_failure\","
			     "\"reason\":\"unknown_user\",\"user\":\"b\",\"src_ip\":\"192.0.2.2\""));
	DW_ASSERT(has(&s, 2, "\"log\":\"syslog\",\"program\":\"cron\",\"action\":\"other\""));
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->unparsed[DW_UNP_BAD_JSON], 3);
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->unparsed[DW_UNP_TRUNCATED], 1);
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->unparsed[DW_UNP_BAD_TIME], 1);
	dw_parser_free(p);
	DW_PASS();
}

/* --- attempt merging (sshd_conn.c) --- */

DW_TEST(parse_merge_invalid_user_guess)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	/* the 6 lines OpenSSH 9.2 + PAM write for one guess of a non-existent user */
	static const char *const l[] = {
		"Mar  1 10:00:00 h sshd[900]: Invalid user oracle from 198.51.100.10 port 40000",
		"Mar  1 10:00:00 h sshd[900]: pam_unix(sshd:auth): check pass; user unknown",
		"Mar  1 10:00:00 h sshd[900]: pam_unix(sshd:auth): authentication failure; logname= "
		"uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.10",
		"Mar  1 10:00:02 h sshd[900]: Failed password for invalid user oracle from 198.51.100.10 "
		"port 40000 ssh2",
		"Mar  1 10:00:02 h sshd[900]: Received disconnect from 198.51.100.10 port 40000:11: Bye "
		"Bye [preauth]",
		"Mar  1 10:00:02 h sshd[900]: Disconnected from invalid user oracle 198.51.100.10 port "
		"40000 [preauth]",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	dw_parser_flush(p);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 1);
	DW_ASSERT(has(&s, 0, "\"action\":\"auth_failure\",\"reason\":\"unknown_user\",\"user\":\"oracle\""));
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->merged_lines, 2);
	DW_ASSERT_EQ_INT(s.n, 4); /* + check pass, Received disconnect, Disconnected: other */
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_merge_valid_user_guess)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	static const char *const l[] = {
		"Mar  1 10:00:00 h sshd[901]: pam_unix(sshd:auth): authentication failure; logname= "
		"uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.11  user=root",
		"Mar  1 10:00:02 h sshd[901]: Failed password for root from 198.51.100.11 port 40001 ssh2",
		"Mar  1 10:00:02 h sshd[901]: Connection closed by authenticating user root "
		"198.51.100.11 port 40001 [preauth]",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	dw_parser_flush(p);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 1);
	DW_ASSERT(has(&s, 0, "\"ts\":\"2024-03-01T10:00:02Z\"")); /* from the Failed line */
	DW_ASSERT(has(&s, 0, "\"protocol\":\"password\""));
	DW_ASSERT(has(&s, 1, "\"action\":\"other\",\"user\":\"root\""));
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_merge_pam_then_accepted)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	static const char *const l[] = {
		"Mar  7 18:53:20 bar sshd[1556]: pam_unix(sshd:auth): authentication failure; logname= "
		"uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.113  user=rda",
		"Mar  7 18:53:20 bar sshd[1556]: pam_unix(sshd:auth): authentication failure; logname= "
		"uid=0 euid=0 tty=ssh ruser=rda rhost=192.0.2.113 [preauth]",
		"Mar  7 18:53:20 bar sshd[1556]: Accepted password for rda from 192.0.2.113 port 52100 ssh2",
		"Mar  7 18:53:20 bar sshd[1556]: Connection closed by 192.0.2.113",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	dw_parser_flush(p);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 0);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_SUCCESS], 1);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_merge_pam_other_user_then_accepted)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	/* fail2ban gh-2070: failures for other users are not forgotten by a success */
	static const char *const l[] = {
		"Mar  7 18:53:22 bar sshd[1558]: pam_unix(sshd:auth): authentication failure; logname= "
		"uid=0 euid=0 tty=ssh ruser=root rhost=192.0.2.114",
		"Mar  7 18:53:23 bar sshd[1558]: pam_unix(sshd:auth): authentication failure; logname= "
		"uid=0 euid=0 tty=ssh ruser=sudoer rhost=192.0.2.114",
		"Mar  7 18:53:24 bar sshd[1558]: Accepted password for known from 192.0.2.114 port 52100 ssh2",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	dw_parser_flush(p);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 2);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_SUCCESS], 1);
	DW_ASSERT(has(&s, 0, "\"user\":\"root\""));
	DW_ASSERT(has(&s, 1, "\"user\":\"sudoer\""));
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_merge_repeated)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	static const char *const l[] = {
		"Dec 10 07:13:43 gw sshd[24227]: Failed password for root from 203.0.113.76 port 42393 ssh2",
		"Dec 10 07:13:56 gw sshd[24227]: message repeated 5 times: [ Failed password for root "
		"from 203.0.113.76 port 42393 ssh2]",
		"Dec 10 07:13:56 gw sshd[24227]: Disconnecting: Too many authentication failures for root "
		"[preauth]",
		"Dec 10 07:13:56 gw sshd[24227]: PAM 5 more authentication failures; logname= uid=0 "
		"euid=0 tty=ssh ruser= rhost=203.0.113.76  user=root",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	dw_parser_flush(p);
	DW_ASSERT_EQ_INT(s.n, 2);
	DW_ASSERT(has(&s, 1, "\"count\":5"));
	DW_ASSERT_EQ_INT(s.count_sum_fail, 6);
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->merged_lines, 2);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_merge_pam_then_preauth_close)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	static const char *const l[] = {
		"2015-04-16T18:02:50.321974+00:00 host sshd[2716]: pam_unix(sshd:auth): authentication "
		"failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.112  user=root",
		"2015-04-16T18:02:50.568798+00:00 host sshd[2716]: Connection closed by 192.0.2.112 [preauth]",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 1); /* released by the close */
	dw_parser_flush(p);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 1);
	DW_ASSERT(has(&s, 0, "\"ts\":\"2015-04-16T18:02:50.321974Z\""));
	DW_ASSERT(has(&s, 0, "\"user\":\"root\",\"src_ip\":\"192.0.2.112\",\"code\":\"pam_failure\""));
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_merge_max_attempts)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	static const char *const l[] = {
		/* logged after the Failed line of the same attempt: not another guess */
		"Nov 23 21:50:30 h sshd[10]: Failed password for root from 61.0.0.1 port 49940 ssh2",
		"Nov 23 21:50:37 h sshd[10]: error: maximum authentication attempts exceeded for root "
		"from 61.0.0.1 port 49940 ssh2 [preauth]",
		"Nov 23 21:50:37 h sshd[10]: Disconnecting authenticating user root 61.0.0.1 port 49940: "
		"Too many authentication failures [preauth]",
		/* alone (the Failed lines were not logged): one guess */
		"Nov 23 21:50:38 h sshd[11]: error: maximum authentication attempts exceeded for root "
		"from 61.0.0.2 port 49941 ssh2 [preauth]",
		"Nov 23 21:50:38 h sshd[11]: Disconnecting authenticating user root 61.0.0.2 port 49941: "
		"Too many authentication failures [preauth]",
		/* after key probes of a real account: other */
		"Nov 23 21:51:05 h sshd[12]: Failed publickey for git from 192.0.2.111 port 57910 ssh2: "
		"ECDSA 1e:fe",
		"Nov 23 21:51:05 h sshd[12]: Disconnecting: Too many authentication failures for git [preauth]",
		/* no address on the line nor before: held until the connection names one */
		"Nov 23 21:51:19 h sshd[13]: Disconnecting: Too many authentication failures for root [preauth]",
		"Nov 23 21:51:37 h sshd[13]: Connection closed by 61.0.0.3 [preauth]",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	dw_parser_flush(p);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 3);
	DW_ASSERT(has(&s, 0, "\"src_ip\":\"61.0.0.1\""));
	DW_ASSERT(has(&s, 1, "\"src_ip\":\"61.0.0.2\",\"src_port\":49941,\"code\":\"max_attempts\""));
	DW_ASSERT(has(&s, 2, "\"action\":\"other\",\"user\":\"git\""));
	DW_ASSERT(has(&s, 3, "\"action\":\"other\",\"user\":\"git\""));
	DW_ASSERT(has(&s, 4, "\"action\":\"auth_failure\",\"reason\":\"bad_password\",\"user\":\"root\","
			     "\"src_ip\":\"61.0.0.3\""));
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->merged_lines, 3);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_merge_eviction_and_flush)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 4); /* 4 connections at most */
	char line[256];

	DW_ASSERT(p);
	dw_parser_begin_file(p, "t.log", 0);
	for (int i = 0; i < 10; i++) {
		int n = snprintf(line, sizeof(line),
				 "Mar  1 10:00:%02d h sshd[%d]: pam_unix(sshd:auth): authentication "
				 "failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.%d  user=u%d",
				 i, 1000 + i, i + 1, i);
		dw_parser_line(p, line, (size_t)n, (uint64_t)i + 1, 0);
	}
	/* held failures come out when their state is evicted */
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 6);
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->conn_evicted, 6);
	DW_ASSERT(has(&s, 0, "\"user\":\"u0\",\"src_ip\":\"192.0.2.1\""));
	dw_parser_flush(p);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 10);
	dw_parser_flush(p); /* nothing twice */
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 10);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_merge_not_allowed_and_pam_error)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	static const char *const l[] = {
		/* not allowed, then its Failed line (sshd treats it like an unknown account) */
		"Feb 25 14:34:11 h sshd[31607]: User root from 192.0.2.40 not allowed because not "
		"listed in AllowUsers",
		"Feb 25 14:34:13 h sshd[31607]: Failed password for invalid user root from 192.0.2.40 "
		"port 1 ssh2",
		/* keyboard-interactive: the PAM error, then the Failed line of the same guess */
		"Feb 25 14:35:00 h sshd[31608]: error: PAM: Authentication failure for alice from "
		"192.0.2.41",
		"Feb 25 14:35:00 h sshd[31608]: Failed keyboard-interactive/pam for alice from 192.0.2.41 "
		"port 2 ssh2",
		/* a second guess on the same connection counts */
		"Feb 25 14:35:05 h sshd[31608]: Failed keyboard-interactive/pam for alice from 192.0.2.41 "
		"port 2 ssh2",
		/* a locked account: held until the Failed line names the client, one guess */
		"Feb 25 14:35:30 h sshd[31610]: User bob not allowed because account is locked",
		"Feb 25 14:35:32 h sshd[31610]: Failed password for invalid user bob from 192.0.2.43 "
		"port 4 ssh2",
		/* an existing user trying "none" first: not a guess */
		"Feb 25 14:36:00 h sshd[31609]: Failed none for alice from 192.0.2.42 port 3 ssh2",
		NULL};

	DW_ASSERT(p);
	feed(p, 0, l);
	dw_parser_flush(p);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_AUTH_FAILURE], 4);
	DW_ASSERT(has(&s, 0, "\"reason\":\"restriction\""));
	DW_ASSERT(has(&s, 1, "\"reason\":\"bad_password\",\"user\":\"alice\""));
	DW_ASSERT(has(&s, 2, "\"protocol\":\"keyboard-interactive\""));
	DW_ASSERT(has(&s, 3, "\"reason\":\"locked\",\"user\":\"bob\",\"src_ip\":\"192.0.2.43\""));
	DW_ASSERT(has(&s, 3, "\"code\":\"account_locked\""));
	DW_ASSERT(has(&s, 4, "\"action\":\"other\""));
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->merged_lines, 3);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_sshd_classifier)
{
	struct dw_sshd_msg m;
	static const char inj[] = "Failed password for invalid user x from 1.2.3.4 port 5 ssh2: y "
				  "from 9.9.9.9 port 7 ssh2";
	static const char rep[] = "message repeated 3 times: [ Invalid user a from 192.0.2.1]";

	dw_sshd_classify(inj, sizeof(inj) - 1, &m);
	DW_ASSERT_EQ_INT(m.kind, DW_SSHD_K_FAILURE);
	DW_ASSERT(m.src.n == 7 && memcmp(m.src.p, "9.9.9.9", 7) == 0); /* end of line wins */
	DW_ASSERT_EQ_INT(m.port, 7);
	dw_sshd_classify(rep, sizeof(rep) - 1, &m);
	DW_ASSERT_EQ_INT(m.kind, DW_SSHD_K_INVALID_USER);
	DW_ASSERT_EQ_INT(m.count, 3);
	dw_sshd_classify("Failed", 6, &m);
	DW_ASSERT_EQ_INT(m.kind, DW_SSHD_K_OTHER);
	dw_sshd_classify("", 0, &m);
	DW_ASSERT_EQ_INT(m.kind, DW_SSHD_K_OTHER);
	DW_ASSERT_EQ_STR(dw_sshd_kind_name(DW_SSHD_K_PAM_FAILURE), "pam_failure");
	DW_ASSERT_EQ_STR(dw_sshd_method_name(DW_SSHD_M_KBDINT), "keyboard-interactive");
	DW_ASSERT(dw_sshd_is_program("sshd-session", 12));
	DW_ASSERT(!dw_sshd_is_program("sshdx", 5));
	DW_PASS();
}

/* --- hostile input --- */

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

DW_TEST(parse_hostile_input)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 2024, 0);
	const struct dw_parse_stats *st;
	static char big[65536];
	uint32_t seed = 42;
	static const char nul[] = "Mar  1 10:00:00 h sshd[1]: Failed\0password";
	static const char *const trunc[] = {
		"Dec 10 06:55", "<34>", "<34>1 2003-10-11T22:14:15Z host", "Dec 10 06:55:46 gw01",
		"2024-01-02T03:04:05",
	};
	static const char *const absurd[] = {
		"Feb 30 10:00:00 h sshd[1]: x", "Dec 10 25:00:00 h sshd[1]: x",
		"1969-12-31T23:59:59Z h sshd[1]: x", "2150-01-01T00:00:00Z h sshd[1]: x",
		"1989-06-01T00:00:00Z h sshd[1]: x", "2024-02-30T00:00:00Z h sshd[1]: x",
		"<38>1 - h sshd 1 - - x",
	};
	static const char *const badhdr[] = {
		"Foo 10 06:55:46 h sshd[1]: x", "hello world", "<999>Dec 10 06:55:46 h x: y",
		"Dec 1x 06:55:46 h x: y",
	};

	DW_ASSERT(p);
	dw_parser_begin_file(p, "hostile", 0);
	dw_parser_line(p, nul, sizeof(nul) - 1, 1, 0);
	dw_parser_line(p, "", 0, 2, 0);
	dw_parser_line(p, "   \t ", 5, 3, 0);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(lcg(&seed) & 0xff);
	dw_parser_line(p, big, sizeof(big), 4, 0); /* random bytes: has control bytes */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(' ' + lcg(&seed) % 95); /* printable garbage */
	big[0] = 'x';
	dw_parser_line(p, big, sizeof(big), 5, 0);
	for (size_t i = 0; i < DW_ARRAY_LEN(trunc); i++)
		dw_parser_line(p, trunc[i], strlen(trunc[i]), 10 + i, 0);
	for (size_t i = 0; i < DW_ARRAY_LEN(absurd); i++)
		dw_parser_line(p, absurd[i], strlen(absurd[i]), 20 + i, 0);
	for (size_t i = 0; i < DW_ARRAY_LEN(badhdr); i++)
		dw_parser_line(p, badhdr[i], strlen(badhdr[i]), 30 + i, 0);
	/* time going backwards by more than a day within one file */
	dw_parser_line(p, "Mar  5 10:00:00 h cron[1]: a", 28, 40, 0);
	dw_parser_line(p, "Mar  3 10:00:00 h cron[1]: b", 28, 41, 0);
	dw_parser_line(p, "Mar  5 09:00:00 h cron[1]: c", 28, 42, 0); /* an hour back: fine */
	/* a huge sshd line: long user, many " from " */
	memcpy(big, "Mar  5 10:00:01 h sshd[2]: Failed password for invalid user ", 60);
	for (size_t i = 60; i + 6 < sizeof(big); i += 6)
		memcpy(big + i, " from ", 6);
	dw_parser_line(p, big, sizeof(big), 43, 0);
	dw_parser_flush(p);
	st = dw_parser_stats(p);
	DW_ASSERT_EQ_INT(st->unparsed[DW_UNP_BINARY], 2);
	DW_ASSERT_EQ_INT(st->unparsed[DW_UNP_EMPTY], 2);
	DW_ASSERT_EQ_INT(st->unparsed[DW_UNP_TRUNCATED], (long long)DW_ARRAY_LEN(trunc));
	DW_ASSERT_EQ_INT(st->unparsed[DW_UNP_BAD_TIME], (long long)DW_ARRAY_LEN(absurd));
	DW_ASSERT_EQ_INT(st->unparsed[DW_UNP_BAD_HEADER], (long long)DW_ARRAY_LEN(badhdr) + 1);
	DW_ASSERT_EQ_INT(st->unparsed[DW_UNP_TIME_BACKWARDS], 1);
	DW_ASSERT_EQ_INT(s.n, 3);
	DW_ASSERT_EQ_INT(st->records, 25); /* every line offered is counted */
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_outlier_does_not_hide_file)
{
	struct seen s;
	struct dw_parser *p = mk(&s, 0, 0);
	char line[128];
	const char *bad = "2099-01-01T00:00:00Z h cron[1]: clock far in the future";

	DW_ASSERT(p);
	dw_parser_begin_file(p, "t", 0);
	dw_parser_line(p, bad, strlen(bad), 1, 0);
	for (int i = 0; i < 100; i++) {
		int n = snprintf(line, sizeof(line), "2024-03-01T10:00:%02dZ h cron[1]: ok", i % 60);
		dw_parser_line(p, line, (size_t)n, (uint64_t)i + 2, 0);
	}
	DW_ASSERT_EQ_INT(dw_parser_stats(p)->unparsed[DW_UNP_TIME_BACKWARDS], 63);
	DW_ASSERT_EQ_INT(s.by_action[DW_ACT_OTHER], 1 + 37);
	dw_parser_free(p);
	DW_PASS();
}

DW_TEST(parse_format_names)
{
	DW_ASSERT_EQ_STR(dw_format_name(DW_FMT_SYSLOG), "syslog");
	DW_ASSERT_EQ_INT(dw_format_from_name("journal-json"), DW_FMT_JOURNAL_JSON);
	DW_ASSERT_EQ_INT(dw_format_from_name("sshd"), DW_FMT_SYSLOG);
	DW_ASSERT_EQ_INT(dw_format_from_name("evtx"), -1);
	DW_ASSERT_EQ_STR(dw_unparsed_name(DW_UNP_TIME_BACKWARDS), "time_backwards");
	DW_ASSERT_EQ_STR(dw_unparsed_name(99), "unknown");
	DW_PASS();
}

/* --- no allocation per line --- */

/* Provided by the sanitizer runtime when there is one (weak: absent otherwise). */
int __sanitizer_install_malloc_and_free_hooks(void (*m)(const volatile void *, size_t),
					      void (*f)(const volatile void *))
	__attribute__((weak));

static volatile int counting;
static volatile long allocs;

static void on_malloc(const volatile void *ptr, size_t size)
{
	(void)ptr;
	(void)size;
	if (counting)
		allocs++;
}

static void on_free(const volatile void *ptr)
{
	(void)ptr;
}

static void discard(void *ctx, const struct dw_event *e)
{
	(void)e;
	(*(long *)ctx)++;
}

DW_TEST(parse_no_alloc_per_line)
{
	static int hooked;
	struct dw_parser *p = NULL;
	struct dw_parse_opts o = {0};
	long events = 0;
	char line[512];
	struct mallinfo2 before, after;
	static const char *const shapes[] = {
		"Mar %2d 10:%02d:%02d h%d sshd[%d]: Failed password for root from 198.51.100.%d port 4%04d ssh2",
		"Mar %2d 10:%02d:%02d h%d sshd[%d]: Invalid user admin%d from 198.51.100.%d port 4%04d",
		"Mar %2d 10:%02d:%02d h%d sshd[%d]: pam_unix(sshd:auth): authentication failure; "
		"logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.%d  user=u%d",
		"Mar %2d 10:%02d:%02d h%d sshd[%d]: Connection closed by 198.51.100.%d port 4%04d [preauth]",
		"Mar %2d 10:%02d:%02d h%d sshd[%d]: Accepted publickey for u%d from 198.51.100.%d port 4%04d ssh2",
		"Mar %2d 10:%02d:%02d h%d CRON[%d]: pam_unix(cron:session): session opened for user %d %d",
	};

	o.year = 2024;
	o.conn_cap = 1024; /* small, so eviction runs too */
	DW_ASSERT(dw_parser_new(&p, &o, discard, &events) == DW_OK);
	dw_parser_begin_file(p, "a.log", 0);
	if (__sanitizer_install_malloc_and_free_hooks && !hooked)
		hooked = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) != 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			before = mallinfo2();
			allocs = 0;
			counting = 1;
		}
		for (int i = 0; i < 10000; i++) {
			int k = i % 6, pid = 1000 + (i * 7) % 3000, ip = i % 250 + 1;
			int n = snprintf(line, sizeof(line), shapes[k], 1 + pass, i / 3600 % 24 % 60,
					 i % 60, i % 3, pid, k == 2 ? ip : i % 50, k == 2 ? i % 9 : ip,
					 i % 10000);
			dw_parser_line(p, line, (size_t)n, (uint64_t)i + 1, 0);
		}
	}
	counting = 0;
	after = mallinfo2();
	dw_parser_flush(p);
	dw_parser_free(p);
	DW_ASSERT(events > 10000);
	DW_ASSERT_EQ_INT(allocs, 0);
	DW_ASSERT_EQ_INT((long long)after.uordblks, (long long)before.uordblks);
	if (!hooked)
		printf("# parse_no_alloc_per_line: no sanitizer hooks, checked mallinfo2 only\n");
	DW_PASS();
}

/* The SIMD control-byte scan agrees with its scalar twin at every length and position. */
DW_TEST(parse_ctl_scan_simd_equals_scalar)
{
	char buf[80];
	static const unsigned char probes[] = {0, 1, '\t', '\n', 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0x9f, 0xff};

	for (size_t n = 0; n <= sizeof(buf); n++)
		for (size_t pos = 0; pos < n; pos++)
			for (size_t k = 0; k < sizeof(probes); k++) {
				memset(buf, 'a', sizeof(buf));
				buf[pos] = (char)probes[k];
				if (n > 20)
					buf[3] = '\t';
				DW_ASSERT(dw_parser_ctl_check(buf, n) == 0);
			}
	DW_PASS();
}

DW_TEST(parse_user_normalise)
{
	char b[DW_USER_MAX + 1];

	DW_ASSERT_EQ_INT(dw_user_normalise(dw_slice_cstr("CORP\\Alice"), b), 5);
	DW_ASSERT_EQ_STR(b, "alice");
	DW_ASSERT_EQ_INT(dw_user_normalise(dw_slice_cstr("Bob@Example.COM"), b), 3);
	DW_ASSERT_EQ_STR(b, "bob");
	DW_ASSERT_EQ_INT(dw_user_normalise(dw_slice_cstr("@weird"), b), 6);
	DW_ASSERT_EQ_INT(dw_user_normalise(dw_slice_cstr("-"), b), 0);
	DW_ASSERT_EQ_INT(dw_user_normalise(dw_slice_cstr("A\\B\\cD@x@y"), b), 2);
	DW_ASSERT_EQ_STR(b, "cd");
	DW_ASSERT_EQ_INT(dw_user_normalise(dw_slice_cstr("\xc3\x89LISE"), b), 6);
	DW_ASSERT_EQ_STR(b, "\xc3\x89lise");
	DW_PASS();
}
