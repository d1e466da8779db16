/*
 * html.c - the HTML report (see html.h): one document, written top to
 * bottom into a capped dw_sb, with no script at all (a CSP meta forbids
 * any), inline CSS, and the chart as inline SVG.
 *
 * Layout: header; a verdict banner (intrusions, accounts to reset); stat
 * cards; "Reset now" (every account to reset, with its reason, incident and
 * since when); the activity chart; the incident list; one section per
 * incident (id "incident-N", linked from the list, the reset table and the
 * chart's markers); a footer with what was cut.
 *
 * Escaping: every string that comes from the logs goes through
 * dw_html_esc(): & < > " ' become entities, so nothing can open a tag or
 * leave an attribute; control characters, C1 controls, bidirectional
 * overrides (which could make a name read as another) and invalid UTF-8
 * become U+FFFD. Ids and numbers are printed by us.
 *
 * Chart: the hours are bucketed by the smallest width of 1, 2, 3, 6, 12
 * hours, 1, 2 days, 1, 2, 4, 13, 26, 52 weeks (then runs of 52 weeks) that
 * keeps the span within DW_HTML_BARS_MAX bars; days and hours are aligned
 * on UTC midnight, weeks on Monday. Three lanes (failures, successes,
 * sessions) share the time axis, each with its own scale, so a few
 * successes stay visible beside thousands of failures. Incidents are marked
 * on it: an intrusion by a line at its first compromise and a shaded band
 * to its last activity, an attack by a tick at its start.
 *
 * Memory: the chart is 3 * DW_HTML_BARS_MAX counters on the stack; one
 * marker per incident (calloc, ~40 bytes each, bounded by the builder's
 * incident cap); the document itself is bounded by sb's cap.
 */
#include "html.h"
#include "human.h"

#define DASH "\xe2\x80\x94" /* an em dash: an unknown time */

#include <stdlib.h>

#include "../core/tm.h"

#define HOUR_NS (3600 * DW_NS)

static const char *const month3[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* ---- text ---- */

size_t dw_html_utf8(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf && n >= 2 && (p[1] & 0xc0) == 0x80) {
		*cp = (uint32_t)(c & 0x1f) << 6 | (p[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef && n >= 3 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
		*cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		return *cp >= 0x800 && (*cp < 0xd800 || *cp > 0xdfff) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4 && n >= 4 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    (p[3] & 0xc0) == 0x80) {
		*cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
		      (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		return *cp >= 0x10000 && *cp <= 0x10ffff ? 4 : 0;
	}
	return 0;
}

int dw_html_hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c;
}

void dw_html_esc(struct dw_sb *sb, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t l = dw_html_utf8(s + i, n - i, &cp);
		const char *rep = NULL;

		if (l == 0 || dw_html_hidden(cp))
			rep = "\xef\xbf\xbd";
		else if (cp == '&')
			rep = "&amp;";
		else if (cp == '<')
			rep = "&lt;";
		else if (cp == '>')
			rep = "&gt;";
		else if (cp == '"')
			rep = "&quot;";
		else if (cp == '\'')
			rep = "&#39;";
		if (!rep) {
			i += l;
			run += l;
			continue;
		}
		dw_sb_put(sb, s + i - run, run);
		run = 0;
		dw_sb_puts(sb, rep);
		i += l ? l : 1;
	}
	dw_sb_put(sb, s + i - run, run);
}

static void esc(struct dw_sb *sb, const char *s)
{
	if (s)
		dw_html_esc(sb, s, strlen(s));
}

/* An axis label: x with k/M/G..., at most one decimal ("2.5k", "0.5", "300"). */
static void put_compact(struct dw_sb *sb, double x)
{
	static const char unit[] = "\0kMGTPE";
	int u = 0;

	while (x >= 1000 && u < 6) {
		x /= 1000;
		u++;
	}
	dw_sb_printf(sb, x != (double)(int64_t)x ? "%.1f" : "%.0f", x);
	if (u)
		dw_sb_putc(sb, unit[u]);
}

/* ---- incidents ---- */

enum { LV_ATTACK = 1, LV_EXPOSED, LV_EXFIL, LV_INTRUSION };

/* How bad: an intrusion, data leaving, passwords known but nothing got in, or an attack. */
static int level(const struct dw_incident_view *v)
{
	return v->intrusion ? LV_INTRUSION
	       : v->exfil   ? LV_EXFIL
	       : v->n_reset ? LV_EXPOSED
			    : LV_ATTACK;
}

static const char *lv_class(int lv)
{
	return lv >= LV_EXFIL ? "crit" : lv == LV_EXPOSED ? "high" : "med";
}

static const char *lv_label(int lv)
{
	static const char *const l[] = {"Attack", "Attack", "Password known", "Exfiltration",
					"Intrusion"};
	return l[lv];
}

static const char *reason(unsigned flags)
{
	return flags & DW_INCIDENT_COMPROMISED ? "compromised" : "password validated";
}

/* The role of an alert kind, for its colour in the timeline. */
static const char *kind_class(const char *k)
{
	if (!strcmp(k, "account_compromise") || !strcmp(k, "legacy_auth_success") ||
	    !strcmp(k, "mfa_fatigue"))
		return "k-comp";
	if (!strcmp(k, "password_validated"))
		return "k-val";
	if (!strcmp(k, "new_access"))
		return "k-acc";
	return "k-att";
}

/* The alert kind as words: "password_spray" -> "Password spray". */
static void put_kind(struct dw_sb *sb, const char *k)
{
	for (size_t i = 0; k[i] && i < 64; i++) {
		char c = k[i] == '_' ? ' ' : k[i];
		if (i == 0 && c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (c == '<' || c == '>' || c == '&' || c == '"' || c == '\'')
			c = '?';
		dw_sb_putc(sb, c);
	}
}

/* The first timeline entry that makes user an account to reset (or 0). */
static const struct dw_incident_event *reset_event(const struct dw_incident_view *v,
						   const char *user)
{
	for (size_t i = 0; i < v->n_timeline; i++) {
		const struct dw_incident_event *e = &v->timeline[i];
		if (!strcmp(kind_class(e->kind), "k-att") || !strcmp(e->kind, "new_access"))
			continue;
		for (size_t k = 0; k < e->n_users; k++)
			if (!strcmp(e->users[k], user))
				return e;
	}
	return NULL;
}

/* Names of the accounts of v with any of flags, as "a, b and 3 more" (plain words). */
static void put_names(struct dw_sb *sb, const struct dw_incident_view *v, unsigned flags,
		      size_t max)
{
	size_t shown = 0, total = 0;

	for (size_t i = 0; i < v->n_accounts; i++)
		total += (v->accounts[i].flags & flags) != 0;
	for (size_t i = 0; i < v->n_accounts && shown < max; i++) {
		if (!(v->accounts[i].flags & flags))
			continue;
		if (shown)
			dw_sb_puts(sb, shown + 1 == total ? " and " : ", ");
		dw_sb_puts(sb, "<b class=\"mono\">");
		esc(sb, v->accounts[i].user);
		dw_sb_puts(sb, "</b>");
		shown++;
	}
	if (total > shown)
		dw_sb_printf(sb, " and %zu more", total - shown);
}

static void put_members(struct dw_sb *sb, const char *const *m, size_t n, uint64_t total)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			dw_sb_puts(sb, ", ");
		esc(sb, m[i]);
	}
	if (total > n)
		dw_sb_printf(sb, " <span class=\"more\">+%llu</span>",
			     (unsigned long long)(total - n));
	if (n == 0 && total == 0)
		dw_sb_puts(sb, DASH);
}

/* The headline sentence of an incident. */
static void headline(struct dw_sb *sb, const struct dw_incident_view *v)
{
	dw_sb_puts(sb, "<p class=\"headline\">");
	if (v->intrusion) {
		if (v->n_compromised) {
			put_names(sb, v, DW_INCIDENT_COMPROMISED, 5);
			dw_sb_puts(sb, v->n_compromised > 1 ? " got in" : " got in");
		} else {
			dw_sb_puts(sb, "An account got in");
		}
		if (v->first_compromise != DW_TS_NONE) {
			dw_sb_puts(sb, " at <b>");
			dw_human_time(sb, v->first_compromise, DASH);
			dw_sb_puts(sb, " UTC</b>");
		}
		if (v->dwell_seconds > 0) {
			dw_sb_puts(sb, "; the intruder was active for <b>");
			dw_human_dur(sb, v->dwell_seconds);
			dw_sb_puts(sb, "</b> after that");
		}
		dw_sb_puts(sb, ".");
	} else if (v->exfil) {
		dw_sb_printf(sb, "Data left from %zu host%s", v->n_sources,
			     v->n_sources == 1 ? "" : "s");
		if (v->has_bytes_out) {
			dw_sb_puts(sb, ": <b>");
			dw_human_bytes(sb, v->bytes_out);
			dw_sb_puts(sb, "</b> out");
		}
		dw_sb_puts(sb, v->n_accounts ? "; the accounts below held the address then."
					     : "; no login in these logs explains it.");
	} else if (v->n_reset) {
		dw_sb_puts(sb, "No account got in, but the password of ");
		put_names(sb, v, DW_INCIDENT_VALIDATED, 5);
		dw_sb_puts(sb, " is known to the attacker.");
	} else {
		dw_sb_printf(sb, "Attack from %zu source%s", v->n_sources,
			     v->n_sources == 1 ? "" : "s");
		if (v->n_targeted) {
			dw_sb_printf(sb, " on %zu account%s", v->n_targeted,
				     v->n_targeted == 1 ? "" : "s");
		}
		dw_sb_puts(sb, " (");
		dw_human_count(sb, v->attempts);
		dw_sb_puts(sb, " attempts); no account got in.");
	}
	if (v->n_reset) {
		dw_sb_puts(sb, " <span class=\"reset\">Reset now: ");
		put_names(sb, v, DW_INCIDENT_COMPROMISED | DW_INCIDENT_VALIDATED, 8);
		dw_sb_puts(sb, ".</span>");
	}
	dw_sb_puts(sb, "</p>\n");
}

static void fact(struct dw_sb *sb, const char *name)
{
	dw_sb_printf(sb, "<div><dt>%s</dt><dd>", name);
}

static void facts(struct dw_sb *sb, const struct dw_incident_view *v)
{
	/* as many columns as facts up to 6, else two even rows */
	int n = 5 + (v->intrusion ? 3 : 1) + (v->n_reset > 0) +
		(v->has_bytes_out || v->n_destinations);

	dw_sb_printf(sb, "<dl class=\"facts\" style=\"grid-template-columns:repeat(%d,1fr)\">",
		     n <= 6 ? n : (n + 1) / 2);
	if (v->intrusion) {
		fact(sb, "Who got in");
		if (v->n_compromised)
			put_names(sb, v, DW_INCIDENT_COMPROMISED, 4);
		else
			dw_sb_puts(sb, "an account (not kept)");
		dw_sb_puts(sb, "</dd></div>");
		fact(sb, "Since (first compromise)");
		dw_human_time(sb, v->first_compromise, DASH);
		dw_sb_puts(sb, "</dd></div>");
		fact(sb, "Inside for (dwell)");
		dw_human_dur(sb, v->dwell_seconds);
		dw_sb_puts(sb, "</dd></div>");
	}
	if (v->n_reset) {
		fact(sb, "Accounts to reset");
		dw_sb_printf(sb, "<span class=\"hot\">%zu</span></dd></div>", v->n_reset);
	}
	fact(sb, "Sources");
	dw_human_count(sb, v->n_sources + v->cut_sources);
	dw_sb_puts(sb, " <span class=\"lite\">(");
	dw_human_count(sb, v->attempts);
	dw_sb_puts(sb, " attempts)</span></dd></div>");
	fact(sb, "Accounts tried");
	dw_human_count(sb, v->n_targeted);
	dw_sb_puts(sb, "</dd></div>");
	if (v->has_bytes_out || v->n_destinations) {
		fact(sb, "Data out");
		if (v->has_bytes_out) {
			dw_sb_puts(sb, "<span title=\"");
			dw_human_count(sb, v->bytes_out);
			dw_sb_puts(sb, " bytes\">");
			dw_human_bytes(sb, v->bytes_out);
			dw_sb_puts(sb, "</span>");
		} else {
			dw_sb_puts(sb, "unknown");
		}
		dw_sb_printf(sb, " <span class=\"lite\">to %zu destination%s</span></dd></div>",
			     v->n_destinations, v->n_destinations == 1 ? "" : "s");
	}
	fact(sb, "First seen");
	dw_human_time(sb, v->first_seen, DASH);
	dw_sb_puts(sb, "</dd></div>");
	fact(sb, "Last seen");
	dw_human_time(sb, v->last_seen, DASH);
	dw_sb_puts(sb, "</dd></div>");
	if (!v->intrusion && v->first_seen != DW_TS_NONE && v->last_seen != DW_TS_NONE) {
		fact(sb, "Lasted");
		dw_human_dur(sb, (v->last_seen - v->first_seen) / DW_NS);
		dw_sb_puts(sb, "</dd></div>");
	}
	fact(sb, "Alerts");
	dw_human_count(sb, v->alerts);
	dw_sb_puts(sb, "</dd></div></dl>\n");
}

static void reset_table(struct dw_sb *sb, const struct dw_incident_view *v)
{
	dw_sb_printf(sb, "<div><h3>Accounts to reset <span class=\"cnt\">%zu</span></h3>",
		     v->n_reset);
	dw_sb_puts(sb, "<table class=\"t reset-t\"><thead><tr><th>Account</th><th>Reason</th>"
		       "<th>Since (UTC)</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < v->n_accounts; i++) {
		const struct dw_incident_account *a = &v->accounts[i];
		const struct dw_incident_event *e;
		if (!(a->flags & (DW_INCIDENT_COMPROMISED | DW_INCIDENT_VALIDATED)))
			continue;
		e = reset_event(v, a->user);
		dw_sb_puts(sb, "<tr><td class=\"mono acct\">");
		esc(sb, a->user);
		dw_sb_printf(
			sb, "</td><td><span class=\"tag %s\">%s</span></td><td class=\"mono\">",
			a->flags & DW_INCIDENT_COMPROMISED ? "k-comp" : "k-val", reason(a->flags));
		dw_human_time(sb, e ? e->time : DW_TS_NONE, DASH);
		dw_sb_puts(sb, "</td></tr>\n");
	}
	dw_sb_puts(sb, "</tbody></table></div>\n");
}

static int cmp_attempts(const void *p, const void *q)
{
	const struct dw_incident_source *a = *(const struct dw_incident_source *const *)p;
	const struct dw_incident_source *c = *(const struct dw_incident_source *const *)q;

	if (a->attempts != c->attempts)
		return a->attempts > c->attempts ? -1 : 1;
	return strcmp(a->source, c->source);
}

/* Sources by attempts (most first); past the first 12 in a <details>. */
static void source_table(struct dw_sb *sb, const struct dw_incident_view *v)
{
	const struct dw_incident_source *s[DW_INCIDENT_SOURCES_MAX];
	size_t n = DW_MIN(v->n_sources, (size_t)DW_INCIDENT_SOURCES_MAX);
	uint64_t top = 1;

	for (size_t i = 0; i < n; i++)
		s[i] = &v->sources[i];
	qsort(s, n, sizeof(*s), cmp_attempts);
	if (n && s[0]->attempts)
		top = s[0]->attempts;
	dw_sb_printf(sb, "<div><h3>Sources <span class=\"cnt\">%zu</span></h3>", n);
	if (!n) {
		dw_sb_puts(sb, "<p class=\"none\">None kept.</p></div>\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || i == 12) {
			if (i == 12)
				dw_sb_printf(sb,
					     "</tbody></table><details><summary>%zu more "
					     "sources</summary>",
					     n - 12);
			dw_sb_puts(sb, "<table class=\"t\"><thead><tr><th>Source</th>"
				       "<th class=\"n\">Attempts</th><th class=\"barc\"></th>"
				       "</tr></thead><tbody>\n");
		}
		dw_sb_puts(sb, "<tr><td class=\"mono\">");
		esc(sb, s[i]->source);
		dw_sb_puts(sb, "</td><td class=\"n\">");
		dw_human_count(sb, s[i]->attempts);
		dw_sb_printf(sb,
			     "</td><td class=\"barc\"><span class=\"hbar\" style=\"width:%.1f%%\">"
			     "</span></td></tr>\n",
			     100.0 * (double)s[i]->attempts / (double)top);
	}
	dw_sb_puts(sb, n > 12 ? "</tbody></table></details></div>\n" : "</tbody></table></div>\n");
}

/* A list of names as chips; long ones folded into a <details>. */
static void chips(struct dw_sb *sb, const char *title, const char *cls,
		  const struct dw_incident_view *v, unsigned flags, size_t count)
{
	size_t shown = 0;
	int fold = count > 40;

	if (!count)
		return;
	dw_sb_printf(sb, "<div class=\"chipset\"><h4>%s <span class=\"cnt\">%zu</span></h4>", title,
		     count);
	if (fold)
		dw_sb_printf(sb, "<details><summary>Show all %zu</summary>", count);
	dw_sb_printf(sb, "<div class=\"chips %s\">", cls);
	for (size_t i = 0; i < v->n_accounts; i++) {
		if (!(v->accounts[i].flags & flags))
			continue;
		dw_sb_puts(sb, "<span>");
		esc(sb, v->accounts[i].user);
		dw_sb_puts(sb, "</span>");
		shown++;
	}
	dw_sb_puts(sb, fold ? "</div></details></div>\n" : "</div></div>\n");
}

static void accounts(struct dw_sb *sb, const struct dw_incident_view *v)
{
	dw_sb_puts(sb, "<div><h3>Accounts</h3>\n");
	if (!v->n_accounts)
		dw_sb_puts(sb, "<p class=\"none\">None kept.</p>\n");
	chips(sb, "Compromised", "c-comp", v, DW_INCIDENT_COMPROMISED, v->n_compromised);
	chips(sb, "Password validated", "c-val", v, DW_INCIDENT_VALIDATED, v->n_validated);
	chips(sb, "Targeted", "c-tgt", v, DW_INCIDENT_TARGETED, v->n_targeted);
	dw_sb_puts(sb, "</div>\n");
}

static void evidence(struct dw_sb *sb, const struct dw_incident_event *e)
{
	if (!e->file && !e->has_line && !e->has_record_id) {
		dw_sb_puts(sb, "<span class=\"none\">\xe2\x80\x94</span>");
		return;
	}
	esc(sb, e->file);
	if (e->has_line)
		dw_sb_printf(sb, e->file ? ":%lld" : "line %lld", (long long)e->line);
	if (e->has_record_id)
		dw_sb_printf(sb, "%srecord %lld", e->file ? " " : "", (long long)e->record_id);
}

static void timeline(struct dw_sb *sb, const struct dw_incident_view *v)
{
	int ev = 0;

	for (size_t i = 0; i < v->n_timeline; i++)
		ev |= v->timeline[i].file || v->timeline[i].has_line ||
		      v->timeline[i].has_record_id;
	dw_sb_printf(sb, "<h3>Timeline <span class=\"cnt\">%zu</span></h3>\n", v->n_timeline);
	if (!v->n_timeline) {
		dw_sb_puts(sb, "<p class=\"none\">No alert kept.</p>\n");
		return;
	}
	dw_sb_puts(sb, "<table class=\"t tl\"><thead><tr><th>Time (UTC)</th><th>Event</th>"
		       "<th>Sources</th><th>Accounts</th>");
	dw_sb_puts(sb, ev ? "<th>Evidence (log record)</th></tr></thead><tbody>\n"
			  : "</tr></thead><tbody>\n");
	for (size_t i = 0; i < v->n_timeline; i++) {
		const struct dw_incident_event *e = &v->timeline[i];
		dw_sb_puts(sb, "<tr><td class=\"mono nowrap\">");
		dw_human_time(sb, e->time, DASH);
		dw_sb_printf(sb, "</td><td><span class=\"tag %s\">", kind_class(e->kind));
		put_kind(sb, e->kind);
		dw_sb_puts(sb, "</span> <span class=\"det\">");
		esc(sb, e->detector);
		dw_sb_puts(sb, "</span></td><td class=\"mono\">");
		put_members(sb, e->sources, e->n_sources, e->sources_total);
		dw_sb_puts(sb, "</td><td class=\"mono\">");
		put_members(sb, e->users, e->n_users, e->users_total);
		if (ev) {
			dw_sb_puts(sb, "</td><td class=\"mono ev\">");
			evidence(sb, e);
		}
		dw_sb_puts(sb, "</td></tr>\n");
	}
	dw_sb_puts(sb, "</tbody></table>\n");
	if (v->cut_timeline)
		dw_sb_printf(sb,
			     "<p class=\"note\">%llu more alerts of this incident are counted but "
			     "not listed (attack alerts go first when the timeline is full).</p>\n",
			     (unsigned long long)v->cut_timeline);
}

static void incident(struct dw_sb *sb, const struct dw_incident_view *v)
{
	int lv = level(v);

	dw_sb_printf(sb, "<section class=\"card inc sev-%s\" id=\"incident-%llu\">\n", lv_class(lv),
		     (unsigned long long)v->id);
	dw_sb_printf(sb,
		     "<div class=\"inc-head\"><span class=\"badge b-%s\">%s</span>"
		     "<h2>Incident #%llu</h2><span class=\"span\">",
		     lv_class(lv), lv_label(lv), (unsigned long long)v->id);
	dw_human_time(sb, v->first_seen, DASH);
	dw_sb_puts(sb, " \xe2\x86\x92 ");
	dw_human_time(sb, v->last_seen, DASH);
	dw_sb_puts(sb,
		   " UTC</span><a class=\"up\" href=\"#top\">\xe2\x86\x91 Overview</a></div>\n");
	headline(sb, v);
	facts(sb, v);
	/* two columns: what to reset and where from; an attack: where from and whom */
	dw_sb_puts(sb, "<div class=\"cols\">");
	if (v->n_reset)
		reset_table(sb, v);
	source_table(sb, v);
	if (!v->n_reset)
		accounts(sb, v);
	dw_sb_puts(sb, "</div>\n");
	if (v->n_reset)
		accounts(sb, v);
	if (v->has_bytes_out || v->n_destinations) {
		dw_sb_puts(sb, v->intrusion ? "<h3>Access after the compromise</h3>\n<p>"
					    : "<h3>Data out</h3>\n<p>");
		if (v->has_bytes_out) {
			dw_sb_puts(sb, "<b>");
			dw_human_bytes(sb, v->bytes_out);
			dw_sb_puts(sb, "</b> out (");
			dw_human_count(sb, v->bytes_out);
			dw_sb_puts(sb, " bytes)");
		}
		dw_sb_printf(sb, "%s%zu destination%s</p>\n", v->has_bytes_out ? "; " : "",
			     v->n_destinations, v->n_destinations == 1 ? "" : "s");
		if (v->n_destinations) {
			dw_sb_puts(sb, "<div class=\"chips c-dst\">");
			for (size_t i = 0; i < v->n_destinations; i++) {
				dw_sb_puts(sb, "<span>");
				esc(sb, v->destinations[i]);
				dw_sb_puts(sb, "</span>");
			}
			dw_sb_puts(sb, "</div>\n");
		}
	}
	timeline(sb, v);
	if (v->cut_sources || v->cut_accounts || v->cut_destinations)
		dw_sb_printf(sb,
			     "<p class=\"note\">Not kept (per-incident caps): %llu sources, %llu "
			     "accounts, %llu destinations. An account to reset is never the one "
			     "dropped.</p>\n",
			     (unsigned long long)v->cut_sources,
			     (unsigned long long)v->cut_accounts,
			     (unsigned long long)v->cut_destinations);
	dw_sb_puts(sb, "</section>\n");
}

/* ---- chart ---- */

/* Bucket widths tried, smallest first: unit hours, multiple, name. */
static const struct {
	int64_t unit, k;
	const char *name;
} widths[] = {
	{1, 1, "1 hour"},      {1, 2, "2 hours"},   {1, 3, "3 hours"},     {1, 6, "6 hours"},
	{1, 12, "12 hours"},   {24, 1, "1 day"},    {24, 2, "2 days"},     {168, 1, "1 week"},
	{168, 2, "2 weeks"},   {168, 4, "4 weeks"}, {168, 13, "13 weeks"}, {168, 26, "26 weeks"},
	{168, 52, "52 weeks"},
};

/* Hours kept by the chart: far beyond any timestamp dwell reads, so spans cannot overflow. */
#define HOUR_LIM ((int64_t)1 << 40)

struct chart {
	int64_t w, off;  /* bucket width and alignment offset, hours */
	int64_t unit, k; /* w = unit * k */
	int64_t b0;      /* first bucket */
	size_t nb;       /* buckets */
	char name[32];   /* "2 hours" */
	uint64_t v[3][DW_HTML_BARS_MAX];
	uint64_t tot[3];
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Buckets h into c; 0 if there is nothing to draw. */
static int chart_fill(struct chart *c, const struct dw_hour *h, size_t n)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN, span;
	size_t wi = 0;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		if (h[i].hour <= -HOUR_LIM || h[i].hour >= HOUR_LIM)
			continue;
		lo = DW_MIN(lo, h[i].hour);
		hi = DW_MAX(hi, h[i].hour);
	}
	if (lo > hi)
		return 0;
	span = hi - lo;
	for (wi = 0; wi < DW_ARRAY_LEN(widths); wi++) {
		int64_t w = widths[wi].unit * widths[wi].k, off = widths[wi].unit == 168 ? 72 : 0;
		if (floor_div(hi + off, w) - floor_div(lo + off, w) < DW_HTML_BARS_MAX)
			break;
	}
	if (wi < DW_ARRAY_LEN(widths)) {
		c->unit = widths[wi].unit;
		c->k = widths[wi].k;
		snprintf(c->name, sizeof(c->name), "%s", widths[wi].name);
	} else {
		c->unit = 168;
		c->k = 52 * (span / (168 * 52 * (DW_HTML_BARS_MAX - 2)) + 1);
		snprintf(c->name, sizeof(c->name), "%lld weeks", (long long)c->k);
	}
	c->w = c->unit * c->k;
	c->off = c->unit == 168 ? 72 : 0;
	c->b0 = floor_div(lo + c->off, c->w);
	c->nb = (size_t)(floor_div(hi + c->off, c->w) - c->b0 + 1);
	for (size_t i = 0; i < n; i++) {
		size_t j;
		if (h[i].hour <= -HOUR_LIM || h[i].hour >= HOUR_LIM)
			continue;
		j = (size_t)(floor_div(h[i].hour + c->off, c->w) - c->b0);
		if (j >= c->nb)
			continue;
		c->v[0][j] += h[i].failures;
		c->v[1][j] += h[i].successes;
		c->v[2][j] += h[i].sessions;
		c->tot[0] += h[i].failures;
		c->tot[1] += h[i].successes;
		c->tot[2] += h[i].sessions;
	}
	return 1;
}

/* First hour of bucket j. */
static int64_t bucket_hour(const struct chart *c, size_t j)
{
	return (c->b0 + (int64_t)j) * c->w - c->off;
}

/* The smallest of 1, 2, 3, 4, 5, 6, 8 x 10^k that is >= v (>= 1): the top of a lane's scale. */
static uint64_t nice_max(uint64_t v)
{
	static const unsigned m[] = {1, 2, 3, 4, 5, 6, 8};

	for (uint64_t p = 1; p <= UINT64_MAX / 100; p *= 10)
		for (size_t i = 0; i < DW_ARRAY_LEN(m); i++)
			if (v <= m[i] * p)
				return m[i] * p;
	return v;
}

/* Geometry of the SVG (viewBox units). */
enum {
	CW = 1180,  /* width */
	CL = 172,   /* left of the plot: lane names and totals */
	CR = 56,    /* right of the plot: the lanes' scales */
	CT = 44,    /* above the plot: three rows of marker labels */
	LANE = 76,  /* height of a lane */
	GAP = 22,   /* between lanes */
	CH = CT + 3 * LANE + 2 * GAP + 42, /* height, with the time axis */
};

struct mark {
	uint64_t id;
	int lv;
	int64_t t, end; /* ns: first compromise (or first seen), last seen */
};

/* x of time ns on the chart, or -1 outside it. */
static double chart_x(const struct chart *c, int64_t ns)
{
	double pos = ((double)ns / (double)HOUR_NS + (double)c->off) / (double)c->w - (double)c->b0;

	if (ns == DW_TS_NONE || pos < 0 || pos > (double)c->nb)
		return -1;
	return CL + pos * (double)(CW - CL - CR) / (double)c->nb;
}

static void civil_hour(int64_t hour, int *y, int *mo, int *d, int *h)
{
	int mi, s;

	dw_tm_to_civil(hour * 3600, y, mo, d, h, &mi, &s);
}

static void axis_labels(struct dw_sb *sb, const struct chart *c, double bw, int ybase)
{
	/* label intervals, hours: 1 h .. 2 days, 1 .. 52 weeks (doubled past that) */
	static const int64_t steps[] = {1,   2,   3,   6,    12,   24,   48,
					168, 336, 672, 1344, 2184, 4368, 8736};
	int64_t need = (int64_t)(84.0 / bw) + 1, s = 0;
	int py = 0, pmo = 0, pd = 0, first = 1;

	for (size_t i = 0; i < DW_ARRAY_LEN(steps) && !s; i++)
		if (steps[i] % c->w == 0 && steps[i] / c->w >= need)
			s = steps[i];
	for (int64_t m = 8736 * 2; !s; m *= 2)
		if (m % c->w == 0 && m / c->w >= need)
			s = m;
	for (size_t j = 0; j < c->nb; j++) {
		int64_t hr = bucket_hour(c, j), al = s >= 168 ? 72 : 0;
		int y, mo, d, h;
		double x = CL + (double)j * bw;
		if (hr + al - floor_div(hr + al, s) * s != 0)
			continue;
		civil_hour(hr, &y, &mo, &d, &h);
		dw_sb_printf(sb,
			     "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>",
			     x, x, CT - 6, ybase + 4);
		if (s < 24) {
			dw_sb_printf(sb, "<text class=\"ax\" x=\"%.1f\" y=\"%d\">%02d:00</text>", x,
				     ybase + 17, h);
			if (first || d != pd || mo != pmo)
				dw_sb_printf(sb,
					     "<text class=\"ax2\" x=\"%.1f\" y=\"%d\">%s %d</text>",
					     x, ybase + 31, month3[mo - 1], d);
		} else {
			dw_sb_printf(sb, "<text class=\"ax\" x=\"%.1f\" y=\"%d\">%s %d</text>", x,
				     ybase + 17, month3[mo - 1], d);
			if (first || y != py)
				dw_sb_printf(sb,
					     "<text class=\"ax2\" x=\"%.1f\" y=\"%d\">%d</text>", x,
					     ybase + 31, y);
		}
		py = y;
		pmo = mo;
		pd = d;
		first = 0;
	}
}

static void bucket_title(struct dw_sb *sb, const struct chart *c, size_t j)
{
	int y, mo, d, h;

	civil_hour(bucket_hour(c, j), &y, &mo, &d, &h);
	dw_sb_printf(sb, "<title>%04d-%02d-%02d", y, mo, d);
	if (c->unit == 1)
		dw_sb_printf(sb, " %02d:00", h);
	dw_sb_printf(sb, " UTC, %s: ", c->name);
	dw_human_count(sb, c->v[0][j]);
	dw_sb_puts(sb, " failed, ");
	dw_human_count(sb, c->v[1][j]);
	dw_sb_puts(sb, " successful sign-ins, ");
	dw_human_count(sb, c->v[2][j]);
	dw_sb_puts(sb, " sessions</title>");
}

static const char *const lane_name[3] = {"Failed sign-ins", "Successful sign-ins", "Sessions"};
static const char *const lane_cls[3] = {"s-fail", "s-succ", "s-sess"};

/* The markers' label rows: at most 3, each remembering where its last label ends. */
static void marks_svg(struct dw_sb *sb, const struct chart *c, const struct mark *m, size_t nm,
		      int ybase)
{
	double row_end[3] = {-1e9, -1e9, -1e9};

	/* dwell bands first, under everything else of the markers */
	for (size_t i = 0; i < nm; i++) {
		double x0, x1;
		if (m[i].lv != LV_INTRUSION || (x0 = chart_x(c, m[i].t)) < 0)
			continue;
		x1 = chart_x(c, m[i].end);
		if (x1 < 0)
			x1 = CW - CR;
		dw_sb_printf(sb,
			     "<rect class=\"dwell\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
			     "height=\"%d\"/>",
			     x0, CT, DW_MAX(x1 - x0, 2.0), ybase - CT);
	}
	for (size_t i = 0; i < nm; i++) {
		double x = chart_x(c, m[i].t), lw;
		int row = -1, digits = 1;
		if (x < 0)
			continue;
		for (uint64_t v = m[i].id; v >= 10; v /= 10)
			digits++;
		lw = 12 + 7.0 * digits;
		for (int r = 0; r < 3 && row < 0; r++)
			if (row_end[r] < x - lw / 2 - 2)
				row = r;
		dw_sb_printf(
			sb, "<a href=\"#incident-%llu\" class=\"mk mk-%s\"><title>Incident #%llu: ",
			(unsigned long long)m[i].id, lv_class(m[i].lv),
			(unsigned long long)m[i].id);
		dw_sb_puts(sb, m[i].lv == LV_INTRUSION ? "first compromise "
			       : m[i].lv == LV_EXFIL   ? "data out from "
						       : "attack starts ");
		dw_human_time(sb, m[i].t, DASH);
		dw_sb_puts(sb, " UTC</title>");
		if (m[i].lv == LV_INTRUSION)
			dw_sb_printf(sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", x,
				     x, CT - 4, ybase);
		else
			dw_sb_printf(sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", x,
				     x, CT - 4, CT + 8);
		if (row >= 0) {
			row_end[row] = x + lw / 2;
			dw_sb_printf(sb,
				     "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"13\" "
				     "rx=\"3\"/><text x=\"%.1f\" y=\"%d\">#%llu</text>",
				     x - lw / 2, 2 + row * 13, lw, x, 12 + row * 13,
				     (unsigned long long)m[i].id);
		}
		dw_sb_puts(sb, "</a>");
	}
}

static void chart_svg(struct dw_sb *sb, const struct chart *c, const struct mark *m, size_t nm)
{
	double plot = CW - CL - CR, bw = plot / (double)c->nb;
	double barw = DW_MIN(DW_MAX(bw * 0.78, 1.0), 28.0);
	int ybase = CT + 3 * LANE + 2 * GAP;

	dw_sb_printf(sb,
		     "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
		     "aria-label=\"Failed sign-ins, successful sign-ins and sessions per %s\">\n",
		     CW, CH, c->name);
	for (int l = 0; l < 3; l++) {
		int top = CT + l * (LANE + GAP), base = top + LANE;
		uint64_t mx = 0, nm_ = 0;
		for (size_t j = 0; j < c->nb; j++)
			mx = DW_MAX(mx, c->v[l][j]);
		nm_ = nice_max(mx);
		/* lane name, total and scale */
		dw_sb_printf(sb,
			     "<rect class=\"sw %s\" x=\"0\" y=\"%d\" width=\"10\" height=\"10\" "
			     "rx=\"2\"/><text class=\"ln\" x=\"16\" y=\"%d\">%s</text>"
			     "<text class=\"lt\" x=\"16\" y=\"%d\">",
			     lane_cls[l], top + 3, top + 12, lane_name[l], top + 30);
		dw_human_count(sb, c->tot[l]);
		dw_sb_puts(sb, " total</text>");
		dw_sb_printf(sb,
			     "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
			     "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
			     "<line class=\"base\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>",
			     CL, CW - CR, top, top, CL, CW - CR, top + LANE / 2.0, top + LANE / 2.0,
			     CL, CW - CR, base, base);
		dw_sb_printf(sb, "<text class=\"ay\" x=\"%d\" y=\"%d\">", CW - CR + 6, top + 4);
		put_compact(sb, (double)nm_);
		dw_sb_puts(sb, "</text>");
		if (nm_ % 2 == 0) { /* counts: no half an event on the scale */
			dw_sb_printf(sb, "<text class=\"ay\" x=\"%d\" y=\"%d\">", CW - CR + 6,
				     top + LANE / 2 + 4);
			put_compact(sb, (double)nm_ / 2);
			dw_sb_puts(sb, "</text>");
		}
		dw_sb_printf(sb, "<text class=\"ay\" x=\"%d\" y=\"%d\">0</text>\n", CW - CR + 6,
			     base + 4);
		dw_sb_printf(sb, "<g class=\"%s\">", lane_cls[l]);
		for (size_t j = 0; j < c->nb; j++) {
			double hgt;
			if (!c->v[l][j])
				continue;
			hgt = (double)LANE * (double)c->v[l][j] / (double)nm_;
			hgt = DW_MAX(hgt, 1.5);
			dw_sb_printf(sb,
				     "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
				     CL + (double)j * bw + (bw - barw) / 2, base - hgt, barw, hgt);
		}
		dw_sb_puts(sb, "</g>\n");
	}
	axis_labels(sb, c, bw, ybase);
	dw_sb_puts(sb, "\n");
	marks_svg(sb, c, m, nm, ybase);
	/* hover targets: one per bucket, over the three lanes */
	dw_sb_puts(sb, "\n<g class=\"hit\">");
	for (size_t j = 0; j < c->nb; j++) {
		if (!c->v[0][j] && !c->v[1][j] && !c->v[2][j])
			continue;
		dw_sb_printf(sb, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\">",
			     CL + (double)j * bw, CT, bw, ybase - CT);
		bucket_title(sb, c, j);
		dw_sb_puts(sb, "</rect>");
	}
	dw_sb_puts(sb, "</g>\n</svg>\n");
}

static void chart_section(struct dw_sb *sb, const struct dw_hour *h, size_t n, const struct mark *m,
			  size_t nm)
{
	struct chart c;

	dw_sb_puts(sb, "<section class=\"card\" id=\"activity\"><div class=\"sec-head\">"
		       "<h2>Activity</h2>");
	if (!chart_fill(&c, h, n)) {
		dw_sb_puts(sb, "</div><p class=\"none\">No event counts were recorded for this "
			       "report, so there is no activity chart.</p></section>\n");
		return;
	}
	dw_sb_printf(sb,
		     "<span class=\"muted\">one bar per %s (UTC), %zu bar%s; each lane has its "
		     "own scale</span></div>\n",
		     c.name, c.nb, c.nb == 1 ? "" : "s");
	dw_sb_puts(sb, "<div class=\"legend\"><span><i class=\"s-fail\"></i>Failed sign-ins</span>"
		       "<span><i class=\"s-succ\"></i>Successful sign-ins</span>"
		       "<span><i class=\"s-sess\"></i>Sessions started</span>"
		       "<span><i class=\"l-crit\"></i>First compromise (shaded: intruder active)"
		       "</span><span><i class=\"l-med\"></i>Attack starts</span></div>\n");
	chart_svg(sb, &c, m, nm);
	dw_sb_puts(sb, "</section>\n");
}

/* ---- the document ---- */

static const char css[] =
	":root{--fg:#1c2430;--muted:#667085;--line:#e4e7ec;--bg:#f3f4f6;--card:#fff;"
	"--crit:#c0262d;--crit-bg:#fdecec;--high:#d4570b;--high-bg:#fff1e5;--med:#b7791f;"
	"--med-bg:#fdf6e3;--ok:#16803c;--ok-bg:#ecfdf3;--fail:#e8833a;--succ:#2f9e66;"
	"--sess:#3b73d1;--link:#1d4ed8;--acc:#7c3aed}\n*{box-sizing:border-box}\nbody{margin:0;"
	"background:var(--bg);color:var(--fg);"
	"font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
	"'Liberation Sans','DejaVu Sans',sans-serif}\n"
	".wrap{max-width:1240px;margin:0 auto;padding:28px 28px 56px}\n"
	"a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}\n"
	".mono{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,'DejaVu Sans Mono',"
	"'Liberation Mono',monospace;"
	"font-size:12.5px}\nheader.top{display:flex;align-items:flex-end;"
	"justify-content:space-between;gap:24px;border-bottom:1px solid var(--line);"
	"padding-bottom:16px;margin-bottom:18px}\n.brand{font-weight:800;letter-spacing:.14em;"
	"text-transform:uppercase;font-size:11px;color:var(--muted)}\n"
	"h1{font-size:26px;line-height:1.2;margin:2px 0 4px}h2{font-size:19px;margin:0}\n"
	"h3{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);"
	"margin:22px 0 8px}h4{font-size:13px;margin:10px 0 6px}\n"
	".sub{color:var(--muted);margin:0}.muted{color:var(--muted);font-size:12.5px}\n"
	".utc{color:var(--muted);font-size:12.5px;text-align:right;white-space:nowrap}\n"
	".verdict{border-radius:10px;padding:14px 18px;font-size:16px;margin:0 0 18px;"
	"border:1px solid}\n.v-crit{background:var(--crit-bg);border-color:#f5c2c4;color:#7f1d1d}"
	".v-high{background:var(--high-bg);border-color:#fbd3b0;color:#7c2d12}"
	".v-med{background:var(--med-bg);border-color:#f1dea7;color:#713f12}"
	".v-ok{background:var(--ok-bg);border-color:#b7e4c7;color:#14532d}\n"
	".cards{display:grid;grid-template-columns:repeat(5,1fr);gap:14px;margin-bottom:18px}\n"
	".stat{background:var(--card);border:1px solid var(--line);border-radius:10px;"
	"padding:14px 16px}"
	".stat b{display:block;font-size:26px;line-height:1.2;font-variant-numeric:tabular-nums}"
	".stat span{color:var(--muted);font-size:12.5px}\n.stat.hot b{color:var(--crit)}"
	".hot{color:var(--crit)}.lite{font-weight:400;color:var(--muted)}\n"
	".card{background:var(--card);border:1px solid var(--line);border-radius:10px;"
	"padding:18px 22px;margin:0 0 18px;box-shadow:0 1px 2px rgba(16,24,40,.04)}\n"
	".sec-head{display:flex;align-items:baseline;gap:14px;margin-bottom:8px}\n"
	"table.t{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}\n"
	".t th{text-align:left;font-size:11.5px;font-weight:600;text-transform:uppercase;"
	"letter-spacing:.05em;color:var(--muted);border-bottom:1px solid var(--line);"
	"padding:6px 10px;white-space:nowrap}\n.t td{padding:6px 10px;"
	"border-bottom:1px solid #eef0f3;vertical-align:top;overflow-wrap:anywhere}\n"
	".t tbody tr:nth-child(even) td{background:#fafbfc}"
	".t tbody tr:hover td{background:#f1f5ff}\n.t .n{text-align:right}"
	".nowrap{white-space:nowrap}\n.badge{display:inline-block;padding:2px 9px;"
	"border-radius:999px;font-size:11px;font-weight:700;letter-spacing:.05em;"
	"text-transform:uppercase;white-space:nowrap;color:#fff}\n.b-crit{background:var(--crit)}"
	".b-high{background:var(--high)}.b-med{background:var(--med)}\n.tag{display:inline-block;"
	"padding:0 7px;border-radius:4px;font-size:12px;font-weight:600;white-space:nowrap}\n"
	".k-att{background:var(--med-bg);color:#8a5a00}"
	".k-comp{background:var(--crit-bg);color:var(--crit)}"
	".k-val{background:var(--high-bg);color:#b4470a}"
	".k-acc{background:#f3edff;color:var(--acc)}\n.det{color:var(--muted);font-size:12px}"
	".more{color:var(--muted);font-size:11.5px}\n.none{color:var(--muted)}"
	".note{color:var(--muted);font-size:12.5px;margin:8px 0 0}\n.acct{font-weight:700}\n"
	"section.inc{border-left:6px solid var(--sev);scroll-margin-top:12px}\n"
	".sev-crit{--sev:var(--crit)}.sev-high{--sev:var(--high)}.sev-med{--sev:var(--med)}\n"
	".inc-head{display:flex;align-items:center;gap:12px;flex-wrap:wrap}\n"
	".inc-head .span{color:var(--muted);font-size:13px}"
	".inc-head .up{margin-left:auto;font-size:12.5px}\n"
	".headline{font-size:16px;margin:12px 0 14px;line-height:1.55}"
	".headline .reset{color:var(--crit);font-weight:600}.headline .mono{font-size:15px}"
	".facts .mono{font-size:13.5px}\n.facts{display:grid;"
	"grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px 18px;margin:0;"
	"padding:12px 14px;background:#f8f9fb;border:1px solid #eef0f3;border-radius:8px}\n"
	".facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.05em;"
	"color:var(--muted)}\n.facts dd{margin:0;font-weight:600;"
	"font-variant-numeric:tabular-nums;overflow-wrap:anywhere}\n"
	".cols{display:grid;grid-template-columns:1fr 1fr;gap:28px}\n.cnt{display:inline-block;"
	"min-width:20px;padding:0 6px;border-radius:999px;background:#eef0f3;color:var(--fg);"
	"font-size:11px;text-align:center;letter-spacing:0}\n.barc{width:34%}.hbar{display:block;"
	"height:8px;margin-top:6px;border-radius:4px;background:var(--fail);min-width:2px}\n"
	".chips{display:flex;flex-wrap:wrap;gap:5px}"
	".chips span{font-family:ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',monospace;"
	"font-size:12px;padding:1px 8px;border-radius:4px;border:1px solid var(--line);"
	"background:#f9fafb;overflow-wrap:anywhere}\n.c-comp span{background:var(--crit-bg);"
	"border-color:#f5c2c4;color:var(--crit);font-weight:700}"
	".c-val span{background:var(--high-bg);border-color:#fbd3b0;color:#b4470a;"
	"font-weight:700}.c-dst span{background:#f3edff;border-color:#ddd0fb;color:var(--acc)}\n"
	"details summary{cursor:pointer;color:var(--link);margin:6px 0;font-size:13px}\n"
	".legend{display:flex;flex-wrap:wrap;gap:18px;font-size:12.5px;color:var(--muted);"
	"margin:4px 0 10px}.legend i{display:inline-block;width:11px;height:11px;"
	"border-radius:2px;margin-right:6px;vertical-align:-1px}\n"
	"i.s-fail{background:var(--fail)}i.s-succ{background:var(--succ)}"
	"i.s-sess{background:var(--sess)}i.l-crit{background:var(--crit);width:3px}"
	"i.l-med{background:#475467;width:3px}\n"
	"svg.chart{width:100%;height:auto;display:block;font-family:inherit}\n"
	".chart .s-fail rect,.chart rect.s-fail{fill:var(--fail)}"
	".chart .s-succ rect,.chart rect.s-succ{fill:var(--succ)}"
	".chart .s-sess rect,.chart rect.s-sess{fill:var(--sess)}\n.chart .grid{stroke:#eef0f3}"
	".chart .base{stroke:#98a2b3}.chart .tick{stroke:#e4e7ec;stroke-dasharray:2 3}\n"
	".chart text{font-size:11px;fill:var(--muted)}"
	".chart .ln{font-size:12.5px;font-weight:600;fill:var(--fg)}.chart .lt{font-size:11.5px}"
	".chart .ax{text-anchor:middle;fill:#475467}"
	".chart .ax2{text-anchor:middle;font-weight:600;fill:var(--fg)}\n"
	".chart .dwell{fill:var(--crit);fill-opacity:.07}\n.chart .mk line{stroke-width:1.6}"
	".chart .mk-crit line{stroke:var(--crit);stroke-dasharray:4 3}"
	".chart .mk-high line,.chart .mk-med line{stroke:#475467}\n.chart .mk rect{fill:#475467}"
	".chart .mk-crit rect{fill:var(--crit)}.chart .mk-high rect{fill:var(--high)}"
	".chart .mk text{fill:#fff;font-size:10px;font-weight:700;text-anchor:middle}\n"
	".chart .hit rect{fill:#1d4ed8;fill-opacity:0}.chart .hit rect:hover{fill-opacity:.06}\n"
	"footer{color:var(--muted);font-size:12px;margin-top:28px;text-align:center}\n"
	"@media (max-width:900px){.cards{grid-template-columns:repeat(2,1fr)}"
	".cols{grid-template-columns:1fr}header.top{display:block}}\n"
	"@media print{body{background:#fff}.card{box-shadow:none;break-inside:avoid-page}"
	".up{display:none}}\n";

static void head(struct dw_sb *sb, const char *title, const char *sub)
{
	dw_sb_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		       "style-src 'unsafe-inline'; img-src data:\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<meta name=\"generator\" content=\"dwell\">\n<title>");
	esc(sb, title);
	dw_sb_puts(sb, "</title>\n<style>\n");
	dw_sb_put(sb, css, sizeof(css) - 1);
	dw_sb_puts(sb, "</style>\n</head>\n<body>\n<div class=\"wrap\">\n"
		       "<header class=\"top\" id=\"top\"><div><div class=\"brand\">dwell \xc2\xb7 "
		       "incident report</div><h1>");
	esc(sb, title);
	dw_sb_puts(sb, "</h1>");
	if (sub && *sub) {
		dw_sb_puts(sb, "<p class=\"sub\">");
		esc(sb, sub);
		dw_sb_puts(sb, "</p>");
	}
	dw_sb_puts(sb, "</div><div class=\"utc\">All times are UTC</div></header>\n");
}

/* Totals over the incidents, for the verdict and the cards. */
struct totals {
	size_t n, intrusions, exposed, resets, sources, exfil;
	uint64_t attempts, exfil_bytes;
	int64_t dwell_max;
	uint64_t dwell_id;
};

static void verdict(struct dw_sb *sb, const struct totals *t)
{
	if (t->intrusions) {
		dw_sb_printf(sb, "<div class=\"verdict v-crit\"><b>%zu intrusion%s.</b> ",
			     t->intrusions, t->intrusions == 1 ? "" : "s");
		dw_sb_printf(sb, "%zu account%s must be reset now; the longest stay inside lasted ",
			     t->resets, t->resets == 1 ? "" : "s");
		dw_human_dur(sb, t->dwell_max);
		dw_sb_puts(sb, ".</div>\n");
	} else if (t->exfil) {
		dw_sb_printf(sb, "<div class=\"verdict v-crit\"><b>Data left the network: %zu incident%s",
			     t->exfil, t->exfil == 1 ? "" : "s");
		if (t->exfil_bytes) {
			dw_sb_puts(sb, ", ");
			dw_human_bytes(sb, t->exfil_bytes);
			dw_sb_puts(sb, " out");
		}
		dw_sb_puts(sb, ".</b> No login in these logs explains it: find who used the hosts "
			       "named below.</div>\n");
	} else if (t->resets) {
		dw_sb_printf(sb,
			     "<div class=\"verdict v-high\"><b>No account got in, but %zu "
			     "password%s %s known to an attacker.</b> Reset %s now.</div>\n",
			     t->resets, t->resets == 1 ? "" : "s", t->resets == 1 ? "is" : "are",
			     t->resets == 1 ? "it" : "them");
	} else if (t->n) {
		dw_sb_printf(sb,
			     "<div class=\"verdict v-med\"><b>%zu attack%s, no account got in.</b> "
			     "Nothing to reset.</div>\n",
			     t->n, t->n == 1 ? "" : "s");
	} else {
		dw_sb_puts(sb,
			   "<div class=\"verdict v-ok\"><b>No incidents.</b> No attack, compromise "
			   "or exposed password was found.</div>\n");
	}
}

static void cards(struct dw_sb *sb, const struct totals *t)
{
	dw_sb_printf(sb,
		     "<div class=\"cards\"><div class=\"stat%s\"><b>%zu</b><span>intrusions"
		     "</span></div>",
		     t->intrusions ? " hot" : "", t->intrusions);
	dw_sb_printf(sb, "<div class=\"stat%s\"><b>%zu</b><span>accounts to reset</span></div>",
		     t->resets ? " hot" : "", t->resets);
	dw_sb_puts(sb, "<div class=\"stat\"><b>");
	if (t->dwell_max > 0)
		dw_human_dur(sb, t->dwell_max);
	else
		dw_sb_puts(sb, DASH);
	dw_sb_puts(sb, "</b><span>longest dwell");
	if (t->dwell_max > 0)
		dw_sb_printf(sb, " (<a href=\"#incident-%llu\">#%llu</a>)",
			     (unsigned long long)t->dwell_id, (unsigned long long)t->dwell_id);
	dw_sb_printf(sb, "</span></div><div class=\"stat\"><b>%zu</b><span>incidents</span></div>",
		     t->n);
	dw_sb_puts(sb, "<div class=\"stat\"><b>");
	dw_human_count(sb, t->attempts);
	dw_sb_printf(sb, "</b><span>attempts from %zu sources</span></div></div>\n", t->sources);
}

/* Every account to reset, incident by incident. */
static void reset_now(struct dw_incidents *b, struct dw_sb *sb, const struct totals *t)
{
	size_t n = dw_incidents_count(b);

	if (!t->resets)
		return;
	dw_sb_puts(sb, "<section class=\"card\" id=\"reset\"><div class=\"sec-head\"><h2>Reset now"
		       "</h2><span class=\"muted\">change the password, end the sessions and "
		       "tokens of these accounts</span></div>\n<table class=\"t\"><thead><tr>"
		       "<th>Account</th><th>Reason</th><th>Incident</th><th>Since (UTC)</th>"
		       "<th>Attacker sources</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		struct dw_incident_view v;
		if (dw_incidents_view(b, i, &v) != DW_OK || !v.n_reset)
			continue;
		for (size_t k = 0; k < v.n_accounts; k++) {
			const struct dw_incident_account *a = &v.accounts[k];
			const struct dw_incident_event *e;
			if (!(a->flags & (DW_INCIDENT_COMPROMISED | DW_INCIDENT_VALIDATED)))
				continue;
			e = reset_event(&v, a->user);
			dw_sb_puts(sb, "<tr><td class=\"mono acct\">");
			esc(sb, a->user);
			dw_sb_printf(sb,
				     "</td><td><span class=\"tag %s\">%s</span></td>"
				     "<td><a href=\"#incident-%llu\">#%llu</a> <span class=\"badge "
				     "b-%s\">%s</span></td><td class=\"mono\">",
				     a->flags & DW_INCIDENT_COMPROMISED ? "k-comp" : "k-val",
				     reason(a->flags), (unsigned long long)v.id,
				     (unsigned long long)v.id, lv_class(level(&v)),
				     lv_label(level(&v)));
			dw_human_time(sb, e ? e->time : DW_TS_NONE, DASH);
			dw_sb_puts(sb, "</td><td class=\"mono\">");
			if (e)
				put_members(sb, e->sources, e->n_sources, e->sources_total);
			else
				dw_sb_puts(sb, DASH);
			dw_sb_puts(sb, "</td></tr>\n");
		}
	}
	dw_sb_puts(sb, "</tbody></table></section>\n");
}

static void overview(struct dw_incidents *b, struct dw_sb *sb)
{
	size_t n = dw_incidents_count(b);

	dw_sb_printf(sb,
		     "<section class=\"card\" id=\"incidents\"><div class=\"sec-head\"><h2>"
		     "Incidents</h2><span class=\"muted\">%zu, in order of first activity; "
		     "click one for its details</span></div>\n",
		     n);
	if (!n) {
		dw_sb_puts(sb, "<p class=\"none\">No incident.</p></section>\n");
		return;
	}
	dw_sb_puts(sb, "<table class=\"t\"><thead><tr><th>#</th><th>Status</th><th>First seen"
		       "</th><th>Last seen</th><th>Who got in</th><th class=\"n\">Dwell</th>"
		       "<th class=\"n\">Reset</th><th class=\"n\">Sources</th><th class=\"n\">"
		       "Attempts</th><th class=\"n\">Tried</th><th class=\"n\">Alerts</th></tr>"
		       "</thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		struct dw_incident_view v;
		if (dw_incidents_view(b, i, &v) != DW_OK)
			continue;
		dw_sb_printf(sb,
			     "<tr><td><a href=\"#incident-%llu\"><b>#%llu</b></a></td><td><span "
			     "class=\"badge b-%s\">%s</span></td><td class=\"mono nowrap\">",
			     (unsigned long long)v.id, (unsigned long long)v.id,
			     lv_class(level(&v)), lv_label(level(&v)));
		dw_human_time(sb, v.first_seen, DASH);
		dw_sb_puts(sb, "</td><td class=\"mono nowrap\">");
		dw_human_time(sb, v.last_seen, DASH);
		dw_sb_puts(sb, "</td><td>");
		if (v.n_compromised)
			put_names(sb, &v, DW_INCIDENT_COMPROMISED, 3);
		else
			dw_sb_puts(sb, "<span class=\"none\">nobody</span>");
		dw_sb_puts(sb, "</td><td class=\"n nowrap\">");
		if (v.intrusion && v.dwell_seconds > 0)
			dw_human_dur(sb, v.dwell_seconds);
		else
			dw_sb_puts(sb, "<span class=\"none\">\xe2\x80\x94</span>");
		dw_sb_printf(sb, "</td><td class=\"n\">%s%zu%s</td><td class=\"n\">",
			     v.n_reset ? "<b>" : "", v.n_reset, v.n_reset ? "</b>" : "");
		dw_human_count(sb, v.n_sources + v.cut_sources);
		dw_sb_puts(sb, "</td><td class=\"n\">");
		dw_human_count(sb, v.attempts);
		dw_sb_puts(sb, "</td><td class=\"n\">");
		dw_human_count(sb, v.n_targeted);
		dw_sb_puts(sb, "</td><td class=\"n\">");
		dw_human_count(sb, v.alerts);
		dw_sb_puts(sb, "</td></tr>\n");
	}
	dw_sb_puts(sb, "</tbody></table></section>\n");
}

/* Markers in time order (their labels are placed left to right). */
static int cmp_mark(const void *p, const void *q)
{
	const struct mark *a = p, *c = q;

	if (a->t != c->t)
		return a->t < c->t ? -1 : 1;
	return a->id < c->id ? -1 : a->id > c->id;
}

int dw_html_write(struct dw_incidents *b, const struct dw_hour *h, size_t n, const char *title,
		  const char *sub, struct dw_sb *sb)
{
	size_t ninc;
	struct mark *m = NULL;
	struct totals t;
	int rc = DW_OK;

	if (!b || !sb || (!h && n))
		return DW_EINVAL;
	ninc = dw_incidents_count(b);
	memset(&t, 0, sizeof(t));
	if (ninc && !(m = calloc(ninc, sizeof(*m)))) {
		rc = DW_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < ninc; i++) {
		struct dw_incident_view v;
		if (dw_incidents_view(b, i, &v) != DW_OK)
			continue;
		t.n++;
		t.intrusions += v.intrusion;
		t.exposed += !v.intrusion && v.n_reset;
		if (!v.intrusion && v.exfil) {
			t.exfil++;
			t.exfil_bytes += v.has_bytes_out ? v.bytes_out : 0;
		}
		t.resets += v.n_reset;
		t.sources += v.n_sources + v.cut_sources;
		t.attempts += v.attempts;
		if (v.intrusion && v.dwell_seconds > t.dwell_max) {
			t.dwell_max = v.dwell_seconds;
			t.dwell_id = v.id;
		}
		m[i].id = v.id;
		m[i].lv = level(&v);
		m[i].t = v.intrusion ? v.first_compromise : v.first_seen;
		m[i].end = v.last_seen;
	}
	if (ninc)
		qsort(m, ninc, sizeof(*m), cmp_mark);
	head(sb, title ? title : "dwell report", sub);
	verdict(sb, &t);
	cards(sb, &t);
	reset_now(b, sb, &t);
	chart_section(sb, h, n, m, ninc);
	overview(b, sb);
	for (size_t i = 0; i < ninc; i++) {
		struct dw_incident_view v;
		if (dw_incidents_view(b, i, &v) == DW_OK)
			incident(sb, &v);
	}
	dw_sb_puts(sb,
		   "<footer>Written by dwell. Every name and address above comes from the logs "
		   "and is shown as text, never as markup.</footer>\n</div>\n</body>\n</html>\n");
	if (sb->toobig)
		rc = DW_ERANGE;
fail:
	free(m);
	return rc;
}
