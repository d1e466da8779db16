/*
 * test_report.c - unit tests of src/output/html.c and report.c: escaping
 * of hostile strings (markup, quotes, terminal escapes, bidi overrides,
 * invalid UTF-8) in every place a log string lands, the chart with no
 * hour, one hour and years of hours (bucketed within the bar cap), the
 * text report of all incidents, of one, and of an id that is not held,
 * and the evidence of a timeline entry in both.
 */
#include <stdlib.h>

#include "../../src/incident/incident.h"
#include "../../src/output/html.h"
#include "../../src/output/report.h"
#include "../test.h"

#define T0 1709251200LL /* 2024-03-01T00:00:00Z */
#define H0 (T0 / 3600)  /* its hour */

static void list(struct dw_strlist *l, const char *csv)
{
	while (csv && *csv) {
		const char *c = strchr(csv, ',');
		size_t n = c ? (size_t)(c - csv) : strlen(csv);
		if (dw_strlist_add(l, csv, n) != DW_OK)
			return;
		csv = c ? c + 1 : NULL;
	}
}

/* Adds one alert; src/users/comp are comma-separated (a name with a comma cannot be given). */
static void add(struct dw_incidents *b, const char *kind, int64_t t0, int64_t t1, const char *src,
		const char *users, const char *comp, uint64_t attempts)
{
	struct dw_alert a;

	dw_alert_init(&a, kind, "high", "test.detector");
	a.first_seen = t0 * DW_NS;
	a.last_seen = t1 * DW_NS;
	list(&a.sources, src);
	list(&a.users, users);
	list(&a.compromised, comp);
	a.attempts = attempts;
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
}

/* Two incidents: #1 an attack, #2 a spray that got carol in, with a session out. */
static struct dw_incidents *two(void)
{
	struct dw_incidents *b;
	struct dw_alert a;

	if (dw_incidents_new(&b, 8) != DW_OK)
		return NULL;
	add(b, "brute_force", T0 - 600, T0 - 500, "192.0.2.50", "root", NULL, 40);
	add(b, "password_spray", T0, T0 + 600, "203.0.113.7", "alice,bob,carol", NULL, 30);
	dw_alert_init(&a, "account_compromise", "critical", "compromise.attack_source");
	a.first_seen = a.last_seen = (T0 + 500) * DW_NS;
	list(&a.sources, "203.0.113.7");
	list(&a.users, "carol");
	list(&a.compromised, "carol");
	dw_alert_evidence_str(&a, "file", "auth.log");
	dw_alert_evidence_num(&a, "line", 4242);
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
	dw_alert_init(&a, "new_access", "high", "access.after_compromise");
	a.first_seen = (T0 + 3600) * DW_NS;
	a.last_seen = (T0 + 7200) * DW_NS;
	list(&a.sources, "198.51.100.9");
	list(&a.users, "carol");
	list(&a.destinations, "fs1.corp");
	a.bytes_out = 309000000;
	a.has_bytes_out = 1;
	dw_alert_evidence_str(&a, "file", "Security.evtx");
	dw_alert_evidence_num(&a, "record_id", 77);
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
	return b;
}

static const char *html(struct dw_incidents *b, const struct dw_hour *h, size_t n, struct dw_sb *sb,
			int *rc)
{
	dw_sb_init(sb, 16 << 20);
	*rc = dw_html_write(b, h, n, "dwell report", "test", sb);
	dw_sb_putc(sb, 0);
	return sb->p;
}

static int count(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The number before " bar" in "(UTC), N bars;" (0 if absent). */
static long bars(const char *doc)
{
	const char *p = strstr(doc, "(UTC), ");

	return p ? strtol(p + 7, NULL, 10) : 0;
}

DW_TEST(html_escape)
{
	struct dw_sb sb;
	const char in[] = "<script>alert(\"x\")</script>'&\x1b[31m\xe2\x80\xae\xff\xc3\xa9\x00!";

	dw_sb_init(&sb, 4096);
	dw_html_esc(&sb, in, sizeof(in) - 1);
	dw_sb_putc(&sb, 0);
	DW_ASSERT_EQ_STR(sb.p, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;"
			       "\xef\xbf\xbd[31m\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd!");
	dw_sb_free(&sb);
	DW_PASS();
}

DW_TEST(html_hostile_strings_stay_text)
{
	struct dw_incidents *b;
	struct dw_alert a;
	struct dw_sb sb;
	struct dw_hour h = {H0, 5, 1, 1};
	const char *d;

	DW_ASSERT(dw_incidents_new(&b, 8) == DW_OK);
	dw_alert_init(&a, "account_compromise", "critical", "compromise.attack_source");
	a.first_seen = T0 * DW_NS;
	a.last_seen = (T0 + 60) * DW_NS;
	list(&a.sources, "\"><img src=x onerror=alert(1)>");
	list(&a.users, "<script>alert(1)</script>");
	list(&a.compromised, "<script>alert(1)</script>");
	dw_alert_evidence_str(&a, "file", "<b onclick=x>.log");
	dw_alert_evidence_num(&a, "line", 1);
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
	dw_alert_init(&a, "new_access", "high", "access.after_compromise");
	a.first_seen = a.last_seen = (T0 + 90) * DW_NS;
	list(&a.users, "<script>alert(1)</script>");
	list(&a.destinations, "</style><script>x()</script>");
	dw_incidents_add(b, &a);
	dw_alert_free(&a);
	dw_sb_init(&sb, 16 << 20);
	DW_ASSERT(dw_html_write(b, &h, 1, "<title>x</title>", "a\"b<i>", &sb) == DW_OK);
	dw_sb_putc(&sb, 0);
	d = sb.p;
	DW_ASSERT(strncmp(d, "<!DOCTYPE html>\n", 16) == 0);
	DW_ASSERT(strstr(d, "</html>\n") == d + sb.n - 9);
	/* no markup of the logs: no script, img, b or i element, no extra title or style end */
	DW_ASSERT(strstr(d, "<script") == NULL);
	DW_ASSERT(strstr(d, "<img") == NULL);
	DW_ASSERT(strstr(d, "<b onclick") == NULL);
	DW_ASSERT(strstr(d, "<i>") == NULL);
	DW_ASSERT_EQ_INT(count(d, "</style>"), 1);
	DW_ASSERT(strstr(d, "<title>x</title>") == NULL);
	DW_ASSERT(strstr(d, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	DW_ASSERT(strstr(d, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") != NULL);
	DW_ASSERT(strstr(d, "&lt;/style&gt;&lt;script&gt;x()&lt;/script&gt;") != NULL);
	DW_ASSERT(strstr(d, "&lt;b onclick=x&gt;.log:1") != NULL);
	DW_ASSERT(strstr(d, "<title>&lt;title&gt;x&lt;/title&gt;</title>") != NULL);
	DW_ASSERT(strstr(d, "a&quot;b&lt;i&gt;") != NULL);
	/* and scripts are forbidden anyway */
	DW_ASSERT(strstr(d, "Content-Security-Policy\" content=\"default-src 'none';") != NULL);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(html_chart_no_hours)
{
	struct dw_incidents *b = two();
	struct dw_sb sb;
	const char *d;
	int rc;

	DW_ASSERT(b != NULL);
	d = html(b, NULL, 0, &sb, &rc);
	DW_ASSERT_EQ_INT(rc, DW_OK);
	DW_ASSERT(strstr(d, "No event counts were recorded") != NULL);
	DW_ASSERT(strstr(d, "<svg") == NULL);
	/* the rest is there: both incidents, linked from the list */
	DW_ASSERT(strstr(d, "<a href=\"#incident-2\"><b>#2</b></a>") != NULL);
	DW_ASSERT(strstr(d, "id=\"incident-1\"") != NULL);
	DW_ASSERT(strstr(d, "id=\"incident-2\"") != NULL);
	dw_sb_free(&sb);
	/* NULL hours with a count is a caller error */
	dw_sb_init(&sb, 1024);
	DW_ASSERT(dw_html_write(b, NULL, 3, "t", NULL, &sb) == DW_EINVAL);
	dw_sb_free(&sb);
	/* no incident at all still makes a page */
	dw_incidents_free(b);
	DW_ASSERT(dw_incidents_new(&b, 4) == DW_OK);
	d = html(b, NULL, 0, &sb, &rc);
	DW_ASSERT_EQ_INT(rc, DW_OK);
	DW_ASSERT(strstr(d, "No incidents.") != NULL);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(html_chart_one_hour)
{
	struct dw_incidents *b = two();
	struct dw_hour h = {H0, 120, 3, 2};
	struct dw_sb sb;
	const char *d;
	int rc;

	DW_ASSERT(b != NULL);
	d = html(b, &h, 1, &sb, &rc);
	DW_ASSERT_EQ_INT(rc, DW_OK);
	DW_ASSERT(strstr(d, "one bar per 1 hour (UTC), 1 bar;") != NULL);
	DW_ASSERT_EQ_INT(bars(d), 1);
	/* three lanes, each with its bar; 120 failures on a scale of 200 */
	DW_ASSERT(strstr(d, "<g class=\"s-fail\"><rect ") != NULL);
	DW_ASSERT(strstr(d, "<g class=\"s-succ\"><rect ") != NULL);
	DW_ASSERT(strstr(d, "<g class=\"s-sess\"><rect ") != NULL);
	DW_ASSERT(strstr(d, ">200</text>") != NULL);
	DW_ASSERT(strstr(d, "<title>2024-03-01 00:00 UTC, 1 hour: 120 failed, 3 successful "
			    "sign-ins, 2 sessions</title>") != NULL);
	/* carol's compromise, 500 s into the hour, is marked and links to its incident */
	DW_ASSERT(strstr(d, "<a href=\"#incident-2\" class=\"mk mk-crit\">") != NULL);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(html_chart_years_of_hours)
{
	struct dw_incidents *b = two();
	struct dw_hour *h = calloc(40000, sizeof(*h));
	struct dw_sb sb;
	const char *d;
	size_t n = 0;
	int rc;

	DW_ASSERT(b != NULL && h != NULL);
	/* four years, every 3rd day, with a gap of a year */
	for (int64_t k = 0; k < 4 * 8766; k += 72)
		if (k < 8766 || k > 2 * 8766) {
			h[n].hour = H0 - 4 * 8766 + k;
			h[n].failures = (uint64_t)k % 97;
			h[n++].successes = 1;
		}
	d = html(b, h, n, &sb, &rc);
	DW_ASSERT_EQ_INT(rc, DW_OK);
	DW_ASSERT(strstr(d, "one bar per 2 weeks (UTC), ") != NULL);
	DW_ASSERT(bars(d) > 52 && bars(d) <= DW_HTML_BARS_MAX);
	/* hover boxes: one per non-empty bar, never more than the cap */
	DW_ASSERT(count(d, "<title>") - 1 - 2 <= DW_HTML_BARS_MAX);
	dw_sb_free(&sb);

	/* a day and a half: 2-hour bars would be 18; hours fit */
	h[0].hour = H0;
	h[1].hour = H0 + 35;
	d = html(b, h, 2, &sb, &rc);
	DW_ASSERT(strstr(d, "one bar per 1 hour (UTC), 36 bars;") != NULL);
	dw_sb_free(&sb);

	/* centuries (out of any log's range, still bounded): runs of 52 weeks */
	h[0].hour = -200000;
	h[1].hour = H0;
	h[2].hour = H0 + 2000000;
	d = html(b, h, 3, &sb, &rc);
	DW_ASSERT_EQ_INT(rc, DW_OK);
	DW_ASSERT(bars(d) >= 2 && bars(d) <= DW_HTML_BARS_MAX);
	DW_ASSERT(strstr(d, "one bar per 104 weeks (UTC), ") != NULL);
	dw_sb_free(&sb);

	/* absurd hours are left out rather than overflowing the span */
	h[0].hour = INT64_MIN;
	h[1].hour = H0;
	h[2].hour = INT64_MAX;
	d = html(b, h, 3, &sb, &rc);
	DW_ASSERT_EQ_INT(rc, DW_OK);
	DW_ASSERT(strstr(d, "one bar per 1 hour (UTC), 1 bar;") != NULL);
	dw_sb_free(&sb);
	free(h);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(html_capped_buffer)
{
	struct dw_incidents *b = two();
	struct dw_sb sb;

	DW_ASSERT(b != NULL);
	dw_sb_init(&sb, 2000);
	DW_ASSERT(dw_html_write(b, NULL, 0, "t", NULL, &sb) == DW_ERANGE);
	DW_ASSERT(sb.n <= 2000);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(html_incident_sections)
{
	struct dw_incidents *b = two();
	struct dw_sb sb;
	const char *d, *i2;
	int rc;

	DW_ASSERT(b != NULL);
	d = html(b, NULL, 0, &sb, &rc);
	i2 = strstr(d, "id=\"incident-2\"");
	DW_ASSERT(i2 != NULL);
	/* the overview says what to do first */
	DW_ASSERT(strstr(d, "<b>1 intrusion.</b> 1 account must be reset now") != NULL);
	DW_ASSERT(strstr(d, "<h2>Reset now</h2>") != NULL);
	/* the incident: headline, reset table with reason, sources, access, evidence */
	DW_ASSERT(strstr(i2, "<b class=\"mono\">carol</b> got in at <b>2024-03-01 00:08:20 UTC</b>;"
			     " the intruder was active for <b>1 h 51 min</b>") != NULL);
	DW_ASSERT(strstr(i2,
			 "<td class=\"mono acct\">carol</td><td><span class=\"tag k-comp\">"
			 "compromised</span></td><td class=\"mono\">2024-03-01 00:08:20</td>") !=
		  NULL);
	DW_ASSERT(strstr(i2, "<b>309.0 MB</b> out (309,000,000 bytes)") != NULL);
	DW_ASSERT(strstr(i2, "auth.log:4242") != NULL);
	DW_ASSERT(strstr(i2, "Security.evtx record 77") != NULL);
	DW_ASSERT(strstr(i2, "<span>fs1.corp</span>") != NULL);
	/* the attack has no evidence column (none of its alerts has a record) */
	DW_ASSERT(strstr(d, "Evidence (log record)") > i2);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

DW_TEST(report_text_all_one_missing)
{
	struct dw_incidents *b = two();
	struct dw_sb sb;

	DW_ASSERT(b != NULL);
	dw_sb_init(&sb, 1 << 20);
	DW_ASSERT(dw_report_text(b, 0, &sb) == DW_OK);
	dw_sb_putc(&sb, 0);
	DW_ASSERT(strncmp(sb.p,
			  "dwell report: 2 incidents, 1 intrusion, 1 account to reset\n"
			  "All times are UTC.\n\n",
			  79) == 0);
	DW_ASSERT(strstr(sb.p, "RESET NOW\n  ACCOUNT  REASON       INCIDENT  SINCE (UTC)\n"
			       "  carol    compromised  #2        2024-03-01 00:08:20\n") != NULL);
	DW_ASSERT(strstr(sb.p, "INCIDENT #1  ATTACK\n") != NULL);
	DW_ASSERT(strstr(sb.p, "INCIDENT #2  INTRUSION\n") != NULL);
	DW_ASSERT(strstr(sb.p, "  Inside for         1 h 51 min (6700 s)\n") != NULL);
	DW_ASSERT(strstr(sb.p, "  Data out           309.0 MB (309,000,000 bytes) to 1 "
			       "destination\n") != NULL);
	DW_ASSERT(strstr(sb.p, "record   auth.log:4242\n") != NULL);
	DW_ASSERT(strstr(sb.p, "record   Security.evtx record 77\n") != NULL);
	DW_ASSERT(strchr(sb.p, '\x1b') == NULL);

	/* one incident: its part only */
	dw_sb_reset(&sb);
	DW_ASSERT(dw_report_text(b, 2, &sb) == DW_OK);
	dw_sb_putc(&sb, 0);
	DW_ASSERT(strstr(sb.p, "INCIDENT #2  INTRUSION") != NULL);
	DW_ASSERT(strstr(sb.p, "INCIDENT #1") == NULL);
	DW_ASSERT(strstr(sb.p, "dwell report:") == NULL);
	DW_ASSERT(strstr(sb.p, "carol got in at 2024-03-01 00:08:20 UTC;") != NULL);

	/* an id not held */
	dw_sb_reset(&sb);
	DW_ASSERT(dw_report_text(b, 3, &sb) == DW_ENOENT);
	DW_ASSERT_EQ_INT(sb.n, 0);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}

/* A user name that clears the screen, sets the window title and reverses the line. */
#define EVIL                                                                                       \
	"\x1b[2J\x1b]0;pwned\x07\xe2\x80\xae"                                                      \
	"evil"

DW_TEST(report_text_hostile_and_wrapped)
{
	struct dw_incidents *b;
	struct dw_sb sb;
	char users[4096] = "";
	size_t n = 0, col = 0, widest = 0;

	DW_ASSERT(dw_incidents_new(&b, 4) == DW_OK);
	for (int i = 0; i < 120; i++)
		n += (size_t)snprintf(users + n, sizeof(users) - n, "%suser%03d", i ? "," : "", i);
	add(b, "password_spray", T0, T0 + 60, "10.0.0.1", users, NULL, 120);
	add(b, "account_compromise", T0 + 30, T0 + 30, "10.0.0.1", EVIL, EVIL, 1);
	dw_sb_init(&sb, 1 << 20);
	DW_ASSERT(dw_report_text(b, 0, &sb) == DW_OK);
	dw_sb_putc(&sb, 0);
	/* nothing a terminal acts on: the escapes and the override are '?' */
	DW_ASSERT(strchr(sb.p, '\x1b') == NULL && strchr(sb.p, '\x07') == NULL);
	DW_ASSERT(strstr(sb.p, "\xe2\x80\xae") == NULL);
	DW_ASSERT(strstr(sb.p, "?[2J?]0;pwned??evil") != NULL);
	/* the 120 targets wrap at 78 columns */
	DW_ASSERT(strstr(sb.p, "Targeted (120):\n  user000, user001,") != NULL);
	for (const char *p = sb.p; *p; p++) {
		if (*p == '\n') {
			widest = DW_MAX(widest, col);
			col = 0;
		} else {
			col += ((unsigned char)*p & 0xc0) != 0x80;
		}
	}
	DW_ASSERT(widest <= 78);
	dw_sb_free(&sb);
	dw_incidents_free(b);
	DW_PASS();
}
