/*
 * test_netscaler.c - the NetScaler parser (src/parse/netscaler.c):
 *   - tests/parse/netscaler.cases: every record of
 *     ../shared/samples/citrix-netscaler-syslog.txt (and a few more shapes)
 *     with its expected event JSON (file/line/offset cleared), or "! reason"
 *     for a record that must be refused. Format: '#' comments, then pairs of
 *     lines: the input ("\xHH" escapes allowed), the expectation; blank
 *     lines between pairs.
 *   - hostile input: every truncation of every case input (each copied into
 *     a buffer of exactly its length, so ASan sees any over-read), garbage,
 *     huge values, impossible dates, injection through the user name.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../src/core/sb.h"
#include "../../src/core/tm.h"
#include "../../src/parse/netscaler.h"
#include "../../src/parse/parser.h"
#include "../test.h"

#define CASES "tests/parse/netscaler.cases"

/*
 * Parses p[0..n) from an exact-size heap copy and renders the result into sb:
 * the event JSON (file/line/offset cleared) or "! reason". Returns the status.
 */
static int render(const char *p, size_t n, struct dw_sb *sb, const struct dw_netscaler_opts *o)
{
	char *c = malloc(n ? n : 1);
	struct dw_event e;
	int why = -1, rc;

	if (!c)
		abort();
	memcpy(c, p, n);
	dw_event_clear(&e);
	rc = dw_netscaler_parse_opts(c, n, &e, &why, o);
	dw_sb_reset(sb);
	if (rc == DW_OK) {
		e.file = NULL;
		e.has &= ~(uint32_t)(DW_EV_HAS_LINE | DW_EV_HAS_OFFSET);
		dw_event_json(&e, sb);
	} else {
		dw_sb_puts(sb, "! ");
		dw_sb_puts(sb, dw_unparsed_name(why));
		if (rc != DW_EINVAL || why < 0 || why >= DW_UNP__N)
			dw_sb_puts(sb, " (bad status)");
	}
	dw_sb_putc(sb, 0);
	free(c);
	return rc;
}

struct cases {
	char in[64][4096];
	size_t inn[64];
	char want[64][4096];
	int n;
};

static int load_cases(struct cases *cs, char *msg, size_t msgsz)
{
	FILE *f = fopen(CASES, "r");
	char line[4096];
	int state = 0;

	cs->n = 0;
	if (!f) {
		snprintf(msg, msgsz, "cannot open %s (run from the repository root)", CASES);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (state == 0) {
			if (n == 0 || line[0] == '#')
				continue;
			if (cs->n == 64)
				break;
			memcpy(cs->in[cs->n], line, n + 1);
			cs->inn[cs->n] = dw_test_unescape(cs->in[cs->n], n);
			state = 1;
		} else {
			memcpy(cs->want[cs->n], line, n + 1);
			cs->n++;
			state = 0;
		}
	}
	fclose(f);
	if (state) {
		snprintf(msg, msgsz, "%s ends inside a case", CASES);
		return -1;
	}
	return 0;
}

static struct cases cs; /* large: static */

DW_TEST(netscaler_cases)
{
	struct dw_sb sb;
	int fails = 0;

	if (load_cases(&cs, msg_, msgsz_))
		return 1;
	dw_sb_init(&sb, 1 << 20);
	for (int i = 0; i < cs.n; i++) {
		render(cs.in[i], cs.inn[i], &sb, NULL);
		if (strcmp(sb.p, cs.want[i]) != 0) {
			if (!fails)
				snprintf(msg_, msgsz_, "case %d:\n%s\ngot\n%s\nexpected\n%s", i + 1,
					 cs.in[i], sb.p, cs.want[i]);
			fails++;
		}
	}
	printf("# parse cases %s: %d checked, %d ok\n", CASES, cs.n, cs.n - fails);
	dw_sb_free(&sb);
	if (fails)
		return 1;
	DW_ASSERT(cs.n >= 11);
	DW_PASS();
}

/* Every sample record of the shared file parses and is sniffed (but the plain httpd one). */
DW_TEST(netscaler_sample_file)
{
	char path[512], line[8192];
	FILE *f;
	int recs = 0, sniffed = 0;
	struct dw_sb sb;

	snprintf(path, sizeof(path), "%s/samples/citrix-netscaler-syslog.txt", dw_test_shared());
	f = fopen(path, "r");
	if (!f) {
		printf("# skip: %s not found\n", path);
		DW_PASS();
	}
	dw_sb_init(&sb, 1 << 20);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (n == 0 || line[0] == '#')
			continue;
		recs++;
		sniffed += dw_netscaler_sniff(line, n);
		if (render(line, n, &sb, NULL) != DW_OK) {
			fclose(f);
			dw_sb_free(&sb);
			DW_FAIL("refused: %s -> %s", line, sb.p);
		}
	}
	fclose(f);
	dw_sb_free(&sb);
	DW_ASSERT_EQ_INT(recs, 11);
	DW_ASSERT_EQ_INT(sniffed, 10); /* the RFC 5424 httpd record is generic syslog */
	DW_PASS();
}

/* Every prefix of every case input: no over-read, a valid status, header cuts refused. */
DW_TEST(netscaler_truncations)
{
	struct dw_sb sb;
	char msg[64];

	if (load_cases(&cs, msg_, msgsz_))
		return 1;
	dw_sb_init(&sb, 1 << 20);
	for (int i = 0; i < cs.n; i++) {
		for (size_t k = 0; k <= cs.inn[i]; k++) {
			render(cs.in[i], k, &sb, NULL);
			if (strstr(sb.p, "bad status")) {
				snprintf(msg, sizeof(msg), "case %d cut at %zu", i + 1, k);
				dw_sb_free(&sb);
				DW_FAIL("%s: %s", msg, sb.p);
			}
			(void)dw_netscaler_sniff(cs.in[i], k);
		}
	}
	/* a record cut inside its header is counted as truncated */
	{
		static const char *cuts[] = {
			"<132> 07/07/2024:15:2",
			"<132> 07/07/2024:15:20:01  ns1 0-PPE-0",
			"<132> 07/07/2024:15:20:01  ns1 0-PPE-0 : default AAA LOGIN_FA",
			"<132> 07/07/2024:15:20:01  ns1 0-PPE-0 : default AAA LOGIN_FAILED 139115982 0",
			"<131>1 2025-01-12T21:06:37Z MY-CITRIX-HOST ICA 0-PPE-0",
		};
		for (size_t i = 0; i < DW_ARRAY_LEN(cuts); i++) {
			render(cuts[i], strlen(cuts[i]), &sb, NULL);
			if (strcmp(sb.p, "! truncated") != 0) {
				dw_sb_free(&sb);
				DW_FAIL("%s -> %s, expected truncated", cuts[i], sb.p);
			}
		}
	}
	dw_sb_free(&sb);
	DW_PASS();
}

static int parse1(const char *s, struct dw_event *e, int *why, const struct dw_netscaler_opts *o)
{
	dw_event_clear(e);
	*why = -1;
	return dw_netscaler_parse_opts(s, strlen(s), e, why, o);
}

DW_TEST(netscaler_dates)
{
	struct dw_event e;
	struct dw_netscaler_opts dmy = {1, 0}, off = {0, 3600};
	int why;
	char b[DW_TM_BUFSZ];
#define NS_LINE(d) "<132> " d " GMT ns1 0-PPE-0 : default AAA LOGIN_FAILED 1 0 : User a"

	DW_ASSERT_EQ_INT(parse1(NS_LINE("13/13/2024:00:00:00"), &e, &why, NULL), DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	DW_ASSERT_EQ_INT(parse1(NS_LINE("02/30/2024:00:00:00"), &e, &why, NULL), DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
	DW_ASSERT_EQ_INT(parse1(NS_LINE("02/29/2023:00:00:00"), &e, &why, NULL), DW_EINVAL);
	DW_ASSERT_EQ_INT(parse1(NS_LINE("00/10/2024:00:00:00"), &e, &why, NULL), DW_EINVAL);
	DW_ASSERT_EQ_INT(parse1(NS_LINE("01/01/1989:00:00:00"), &e, &why, NULL), DW_EINVAL);
	DW_ASSERT_EQ_INT(parse1(NS_LINE("01/01/2024:24:00:00"), &e, &why, NULL), DW_EINVAL);
	DW_ASSERT_EQ_INT(parse1(NS_LINE("01/01/2024:23:60:00"), &e, &why, NULL), DW_EINVAL);
	DW_ASSERT_EQ_INT(parse1(NS_LINE("0a/01/2024:00:00:00"), &e, &why, NULL), DW_EINVAL);
	DW_ASSERT_EQ_INT(parse1(NS_LINE("02/29/2024:01:02:03"), &e, &why, NULL), DW_OK);
	dw_tm_format(e.ts, e.ts_prec, b);
	DW_ASSERT_EQ_STR(b, "2024-02-29T01:02:03Z");
	/* a part > 12 decides the order */
	DW_ASSERT_EQ_INT(parse1(NS_LINE("13/02/2024:00:00:00"), &e, &why, NULL), DW_OK);
	dw_tm_format(e.ts, 0, b);
	DW_ASSERT_EQ_STR(b, "2024-02-13T00:00:00Z");
	DW_ASSERT_EQ_INT(parse1(NS_LINE("02/13/2024:00:00:00"), &e, &why, &dmy), DW_OK);
	dw_tm_format(e.ts, 0, b);
	DW_ASSERT_EQ_STR(b, "2024-02-13T00:00:00Z");
	/* ambiguous: MM/DD unless told */
	DW_ASSERT_EQ_INT(parse1(NS_LINE("03/04/2024:00:00:00"), &e, &why, NULL), DW_OK);
	dw_tm_format(e.ts, 0, b);
	DW_ASSERT_EQ_STR(b, "2024-03-04T00:00:00Z");
	DW_ASSERT_EQ_INT(parse1(NS_LINE("03/04/2024:00:00:00"), &e, &why, &dmy), DW_OK);
	dw_tm_format(e.ts, 0, b);
	DW_ASSERT_EQ_STR(b, "2024-04-03T00:00:00Z");
	DW_ASSERT_EQ_INT(parse1(NS_LINE("2024/04/03:00:00:00"), &e, &why, NULL), DW_OK);
	dw_tm_format(e.ts, 0, b);
	DW_ASSERT_EQ_STR(b, "2024-04-03T00:00:00Z");
	/* GMT ignores utc_offset; a zone-less stamp is local time */
	DW_ASSERT_EQ_INT(parse1(NS_LINE("03/04/2024:00:00:00"), &e, &why, &off), DW_OK);
	dw_tm_format(e.ts, 0, b);
	DW_ASSERT_EQ_STR(b, "2024-03-04T00:00:00Z");
	DW_ASSERT_EQ_INT(
		parse1("<132> 03/04/2024:00:00:00  ns1 0-PPE-0 : default AAA LOGIN_FAILED 1 0 : User a",
		       &e, &why, &off),
		DW_OK);
	dw_tm_format(e.ts, 0, b);
	DW_ASSERT_EQ_STR(b, "2024-03-03T23:00:00Z");
	DW_ASSERT_EQ_STR(e.host.p ? (e.host.n == 3 ? "ns1" : "?") : "-", "ns1");
	/* RFC 5424 stamps are checked too */
	DW_ASSERT_EQ_INT(parse1("<131>1 2025-02-30T21:06:37Z H ICA 0-PPE-0 - - default Message 1 0 : x",
				&e, &why, NULL),
			 DW_EINVAL);
	DW_ASSERT_EQ_INT(why, DW_UNP_BAD_TIME);
#undef NS_LINE
	DW_PASS();
}

DW_TEST(netscaler_hostile)
{
	struct dw_event e;
	int why;
	static char big[70000];
	struct dw_sb sb;
	static const char *garbage[] = {
		"",
		"PPE-",
		"-PPE-1",
		" 0-PPE-0 : ",
		"<1> 0-PPE-0 : AAA LOGIN_FAILED 1 0 : User x",
		"<>1 ",
		"<1>1 ",
		"<1>1 - - - - - - x",
		"<1>1 2024-01-01T00:00:00Z h a 0-PPE-0 - [x=\"]\\",
		"Mar  7 18:53:20 host sshd[1556]: Failed password for root from 1.2.3.4 port 22 ssh2",
		"<132> 07/07/2024:15:20:01 a b c 0-PPE-0 : default AAA LOGIN_FAILED 1 0 : User x",
		"<132> 07/07/2024:15:20:01 GMT ns 0-PPE-0 x default AAA LOGIN_FAILED 1 0 : User x",
		"<132> 07/07/2024:15:20:01 GMT ns 0-PPE-0 : a b c d e f g h : User x",
		"<132> 07/07/2024:15:20:01 GMT ns 0-PPE-0 : default AAA LOGIN_FAILED x y : User x",
	};

	dw_sb_init(&sb, 1 << 20);
	for (size_t i = 0; i < DW_ARRAY_LEN(garbage); i++) {
		if (render(garbage[i], strlen(garbage[i]), &sb, NULL) == DW_OK) {
			dw_sb_free(&sb);
			DW_FAIL("accepted garbage %zu: %s", i, garbage[i]);
		}
		DW_ASSERT(!strstr(sb.p, "bad status"));
		DW_ASSERT(!dw_netscaler_sniff(garbage[i], strlen(garbage[i])));
	}
	/* every byte value after a good header */
	for (int c = 0; c < 256; c++) {
		char l[] = "<132> 07/07/2024:15:20:01 GMT ns 0-PPE-0 : default AAA LOGIN_FAILED 1 0 : User ?";
		l[sizeof(l) - 2] = (char)c;
		render(l, sizeof(l) - 1, &sb, NULL);
		DW_ASSERT(!strstr(sb.p, "bad status"));
	}
	/* huge counters and durations are dropped, the event stays */
	DW_ASSERT_EQ_INT(parse1("<134> 07/07/2024:11:27:48 GMT ns1 0-PPE-0 : default SSLVPN LOGOUT 1 0 : "
				"User u - Client_ip 1.2.3.4 - Duration 1234567:00:00 - "
				"Total_bytes_send 18446744073709551616 - Total_bytes_recv "
				"18446744073709551615",
				&e, &why, NULL),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.action, DW_ACT_SESSION_END);
	DW_ASSERT(!(e.has & DW_EV_HAS_DURATION));
	DW_ASSERT(!(e.has & DW_EV_HAS_BYTES_IN));
	DW_ASSERT(e.has & DW_EV_HAS_BYTES_OUT);
	DW_ASSERT(e.bytes_out == UINT64_MAX);
	DW_ASSERT_EQ_INT(parse1("<134> 07/07/2024:11:27:48 GMT ns1 0-PPE-0 : default SSLVPN LOGOUT 1 0 : "
				"Duration 999999:59:59 - Total_bytes_send -1 - Total_bytes_recv 1x",
				&e, &why, NULL),
			 DW_OK);
	DW_ASSERT(e.has & DW_EV_HAS_DURATION);
	DW_ASSERT(e.duration_ms == 3599999999000ULL);
	DW_ASSERT(!(e.has & (DW_EV_HAS_BYTES_IN | DW_EV_HAS_BYTES_OUT)));
	/* a user name cannot plant a client address; Browser keeps the rest */
	DW_ASSERT_EQ_INT(parse1("<132> 07/07/2024:15:20:01 GMT ns1 0-PPE-0 : default AAA LOGIN_FAILED 1 0 : "
				"User x - Client_ip 6.6.6.6 - Client_ip 2001:db8::7 - Failure_reason "
				"\"Username/Password mismatch\" - Browser ua - Client_ip 9.9.9.9",
				&e, &why, NULL),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.src_ip.fam, 6);
	DW_ASSERT(dw_slice_eq(e.user_raw, "x - Client_ip 6.6.6.6"));
	DW_ASSERT(dw_slice_eq(e.user_agent, "ua - Client_ip 9.9.9.9"));
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_BAD_PASSWORD);
	/* a long user name: key cut at DW_USER_MAX, the raw name kept */
	{
		size_t k = (size_t)snprintf(big, sizeof(big),
			"<132> 07/07/2024:15:20:01 GMT ns1 0-PPE-0 : default AAA LOGIN_FAILED 1 0 : User ");
		memset(big + k, 'A', 60000);
		k += 60000;
		k += (size_t)snprintf(big + k, sizeof(big) - k, " - Client_ip 1.2.3.4");
		DW_ASSERT_EQ_INT(dw_netscaler_sniff(big, k), 1);
		render(big, k, &sb, NULL);
		DW_ASSERT(strstr(sb.p, "\"src_ip\":\"1.2.3.4\""));
		dw_event_clear(&e);
		DW_ASSERT_EQ_INT(dw_netscaler_parse(big, k, &e, &why), DW_OK);
		DW_ASSERT(e.user.n <= DW_USER_MAX);
		DW_ASSERT_EQ_INT(e.user_raw.n, 60000);
		/* the anchor must be near the start */
		memset(big, 'x', 1000);
		DW_ASSERT_EQ_INT(dw_netscaler_parse(big, k, &e, &why), DW_EINVAL);
	}
	/* unterminated quote: the value runs to the end */
	DW_ASSERT_EQ_INT(parse1("<132> 07/07/2024:15:20:01 GMT ns1 0-PPE-0 : default AAA LOGIN_FAILED 1 0 : "
				"User u - Failure_reason \"Account locked - x",
				&e, &why, NULL),
			 DW_OK);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_LOCKED);
	dw_sb_free(&sb);
	DW_PASS();
}

DW_TEST(netscaler_reasons)
{
	static const struct {
		const char *text;
		int reason;
	} r[] = {
		{"Username/Password mismatch", DW_RSN_BAD_PASSWORD},
		{"Invalid credentials", DW_RSN_BAD_PASSWORD},
		{"User does not exist", DW_RSN_UNKNOWN_USER},
		{"Unknown user", DW_RSN_UNKNOWN_USER},
		{"Account locked", DW_RSN_LOCKED},
		{"User is locked out", DW_RSN_LOCKED},
		{"Account disabled", DW_RSN_DISABLED},
		{"Password expired", DW_RSN_EXPIRED},
		{"Account expired", DW_RSN_EXPIRED},
		{"Something else", DW_RSN_OTHER},
		{"", DW_RSN_OTHER},
	};
	char l[512];
	struct dw_event e;
	int why;

	for (size_t i = 0; i < DW_ARRAY_LEN(r); i++) {
		snprintf(l, sizeof(l),
			 "<132> 07/07/2024:15:20:01 GMT ns1 0-PPE-0 : default AAA LOGIN_FAILED 1 0 : "
			 "User u - Client_ip 1.2.3.4 - Failure_reason \"%s\" - Browser b",
			 r[i].text);
		DW_ASSERT_EQ_INT(parse1(l, &e, &why, NULL), DW_OK);
		DW_ASSERT_EQ_INT(e.action, DW_ACT_AUTH_FAILURE);
		if (e.reason != r[i].reason)
			DW_FAIL("\"%s\" -> %s", r[i].text, dw_reason_name(e.reason));
		if (r[i].text[0])
			DW_ASSERT(dw_slice_eq(e.code, r[i].text));
		else
			DW_ASSERT(dw_slice_eq(e.code, "LOGIN_FAILED"));
	}
	DW_PASS();
}
