/*
 * report.c - the text report (see report.h).
 *
 * Layout of the whole report (id 0): a headline, "Reset now" (every account
 * to reset with its reason, incident and since when), the incident list,
 * then each incident: a banner, a sentence saying what happened, a block of
 * facts, the accounts to reset, the sources by attempts, the account lists,
 * the access after the compromise, and the timeline (each alert on two or
 * three lines: time and what, then sources and accounts, then the log
 * record it came from). One incident (id > 0) prints only its part.
 *
 * Tables are written twice over the same rows: a first pass measures each
 * column (in characters, capped at COL_MAX so one long name does not push
 * every row right; a longer cell just overflows), the second pads. Lists
 * of names wrap at WIDTH columns. Log strings go through txt(): valid
 * UTF-8 is kept, anything a terminal would act on (controls, escape
 * sequences, bidi overrides, invalid bytes) becomes '?'.
 *
 * Memory: one cell buffer (capped at 4 KiB) besides sb.
 */
#include "report.h"

#include <stdlib.h>

#include "../core/tm.h"
#include "html.h"
#include "human.h"

#define WIDTH 78
#define COL_MAX 40
#define TAB_COLS 8

static const char rule[] = "================================================================="
			   "=============\n";

/* s as safe text (see the top). */
static void txt(struct dw_sb *sb, const char *s)
{
	size_t n = s ? strlen(s) : 0, i = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t l = dw_html_utf8(s + i, n - i, &cp);
		if (l == 0 || dw_html_hidden(cp)) {
			dw_sb_putc(sb, '?');
			i += l ? l : 1;
			continue;
		}
		dw_sb_put(sb, s + i, l);
		i += l;
	}
}

/* Characters (code points) of UTF-8 text. */
static size_t width(const char *p, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)p[i] & 0xc0) != 0x80;
	return w;
}

static void pad(struct dw_sb *sb, size_t n)
{
	while (n--)
		dw_sb_putc(sb, ' ');
}

static const char *reason(unsigned flags)
{
	return flags & DW_INCIDENT_COMPROMISED ? "compromised" : "password validated";
}

static int is_reset(unsigned flags)
{
	return (flags & (DW_INCIDENT_COMPROMISED | DW_INCIDENT_VALIDATED)) != 0;
}

/* The first compromise or validated-password alert naming user (or NULL). */
static const struct dw_incident_event *reset_event(const struct dw_incident_view *v,
						   const char *user)
{
	static const char *const kinds[] = {"account_compromise", "legacy_auth_success",
					    "mfa_fatigue", "password_validated"};

	for (size_t i = 0; i < v->n_timeline; i++) {
		const struct dw_incident_event *e = &v->timeline[i];
		int hit = 0;
		for (size_t k = 0; k < DW_ARRAY_LEN(kinds); k++)
			hit |= !strcmp(e->kind, kinds[k]);
		for (size_t k = 0; hit && k < e->n_users; k++)
			if (!strcmp(e->users[k], user))
				return e;
	}
	return NULL;
}

/* ---- tables ---- */

struct tab {
	struct dw_sb *out;
	struct dw_sb cell; /* the cell being written */
	int pass;          /* 0: measure, 1: print */
	size_t col, ncol;
	size_t w[TAB_COLS];
	unsigned right; /* bit per right-aligned column */
};

static void tab_init(struct tab *t, struct dw_sb *out, unsigned right)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->right = right;
	dw_sb_init(&t->cell, 4096);
}

/* Ends the cell written into t->cell: measures it, or prints it padded. */
static void tab_cell(struct tab *t)
{
	size_t w = width(t->cell.p, t->cell.n), c = t->col++;
	int last = t->col == t->ncol;

	if (c >= TAB_COLS) {
		dw_sb_reset(&t->cell);
		return;
	}
	if (t->pass == 0) {
		t->w[c] = DW_MAX(t->w[c], DW_MIN(w, (size_t)COL_MAX));
	} else {
		size_t fill = t->w[c] > w ? t->w[c] - w : 0;
		dw_sb_puts(t->out, "  ");
		if (t->right & (1u << c))
			pad(t->out, fill);
		dw_sb_put(t->out, t->cell.p, t->cell.n);
		if (!(t->right & (1u << c)) && !last)
			pad(t->out, fill);
	}
	dw_sb_reset(&t->cell);
}

/* A cell of plain (already safe) text. */
static void tab_s(struct tab *t, const char *s)
{
	dw_sb_puts(&t->cell, s);
	tab_cell(t);
}

static void tab_row_end(struct tab *t)
{
	t->ncol = DW_MAX(t->ncol, t->col);
	t->col = 0;
	if (t->pass)
		dw_sb_putc(t->out, '\n');
}

/* A list of names, wrapped at WIDTH with indent columns of indent. */
struct wrap {
	struct dw_sb *out;
	struct dw_sb item;
	size_t indent, col, n;
};

static void wrap_init(struct wrap *w, struct dw_sb *out, size_t indent)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->indent = indent;
	dw_sb_init(&w->item, 4096);
	pad(out, indent);
	w->col = indent;
}

/* Ends the item written into w->item. */
static void wrap_item(struct wrap *w)
{
	size_t iw = width(w->item.p, w->item.n);

	if (w->n) {
		/* room for ", ", the item and the comma that may follow it */
		if (w->col + 2 + iw + 1 > WIDTH && w->col > w->indent) {
			dw_sb_puts(w->out, ",\n");
			pad(w->out, w->indent);
			w->col = w->indent;
		} else {
			dw_sb_puts(w->out, ", ");
			w->col += 2;
		}
	}
	dw_sb_put(w->out, w->item.p, w->item.n);
	w->col += iw;
	w->n++;
	dw_sb_reset(&w->item);
}

static void wrap_end(struct wrap *w)
{
	dw_sb_putc(w->out, '\n');
	dw_sb_free(&w->item);
}

/* The accounts of v with any of flags, wrapped; "none" if there are none. */
static void account_list(struct dw_sb *sb, const char *title, const struct dw_incident_view *v,
			 unsigned flags, size_t count)
{
	struct wrap w;

	if (!count)
		return;
	dw_sb_printf(sb, "%s (%zu):\n", title, count);
	wrap_init(&w, sb, 2);
	for (size_t i = 0; i < v->n_accounts; i++) {
		if (!(v->accounts[i].flags & flags))
			continue;
		txt(&w.item, v->accounts[i].user);
		wrap_item(&w);
	}
	wrap_end(&w);
}

/* "a, b and 3 more" of the accounts of v with any of flags. */
static void names(struct dw_sb *sb, const struct dw_incident_view *v, unsigned flags, size_t max)
{
	size_t shown = 0, total = 0;

	for (size_t i = 0; i < v->n_accounts; i++)
		total += (v->accounts[i].flags & flags) != 0;
	for (size_t i = 0; i < v->n_accounts && shown < max; i++) {
		if (!(v->accounts[i].flags & flags))
			continue;
		if (shown)
			dw_sb_puts(sb, shown + 1 == total ? " and " : ", ");
		txt(sb, v->accounts[i].user);
		shown++;
	}
	if (total > shown)
		dw_sb_printf(sb, " and %zu more", total - shown);
}

/* Appends text to sb wrapped at WIDTH on spaces, each line indented. */
static void para(struct dw_sb *sb, const struct dw_sb *text, size_t indent)
{
	size_t i = 0;

	while (i < text->n) {
		size_t end = i, brk = 0, w = 0;
		while (end < text->n && w < WIDTH - indent) {
			if (text->p[end] == ' ')
				brk = end;
			w += ((unsigned char)text->p[end] & 0xc0) != 0x80;
			end++;
		}
		if (end < text->n && brk > i)
			end = brk;
		pad(sb, indent);
		dw_sb_put(sb, text->p + i, end - i);
		dw_sb_putc(sb, '\n');
		i = end;
		while (i < text->n && text->p[i] == ' ')
			i++;
	}
}

/* ---- sections ---- */

static void headline(struct dw_sb *sb, const struct dw_incident_view *v)
{
	struct dw_sb s;

	dw_sb_init(&s, 8192);
	if (v->intrusion) {
		if (v->n_compromised) {
			names(&s, v, DW_INCIDENT_COMPROMISED, 5);
			dw_sb_puts(&s, " got in");
		} else {
			dw_sb_puts(&s, "An account got in");
		}
		if (v->first_compromise != DW_TS_NONE) {
			dw_sb_puts(&s, " at ");
			dw_human_time(&s, v->first_compromise, "-");
			dw_sb_puts(&s, " UTC");
		}
		if (v->dwell_seconds > 0) {
			dw_sb_puts(&s, "; the intruder was active for ");
			dw_human_dur(&s, v->dwell_seconds);
			dw_sb_puts(&s, " after that");
		}
		dw_sb_puts(&s, ".");
	} else if (v->exfil) {
		dw_sb_printf(&s, "Data left from %zu host%s", v->n_sources + (size_t)v->cut_sources,
			     v->n_sources + v->cut_sources == 1 ? "" : "s");
		if (v->has_bytes_out) {
			dw_sb_puts(&s, ": ");
			dw_human_bytes(&s, v->bytes_out);
			dw_sb_puts(&s, " out");
		}
		dw_sb_puts(&s, v->n_accounts ? "; the accounts named held the address then."
					     : "; no login in these logs explains it.");
	} else if (v->n_reset) {
		dw_sb_puts(&s, "No account got in, but the password of ");
		names(&s, v, DW_INCIDENT_VALIDATED, 5);
		dw_sb_puts(&s, " is known to the attacker.");
	} else {
		dw_sb_printf(&s, "Attack from %zu source%s", v->n_sources + (size_t)v->cut_sources,
			     v->n_sources + v->cut_sources == 1 ? "" : "s");
		if (v->n_targeted)
			dw_sb_printf(&s, " on %zu account%s", v->n_targeted,
				     v->n_targeted == 1 ? "" : "s");
		dw_sb_puts(&s, " (");
		dw_human_count(&s, v->attempts);
		dw_sb_puts(&s, " attempts); no account got in.");
	}
	if (v->n_reset) {
		dw_sb_puts(&s, " RESET NOW: ");
		names(&s, v, DW_INCIDENT_COMPROMISED | DW_INCIDENT_VALIDATED, 8);
		dw_sb_puts(&s, ".");
	}
	para(sb, &s, 0);
	dw_sb_free(&s);
}

static void fact(struct dw_sb *sb, const char *name)
{
	dw_sb_printf(sb, "  %-19s", name);
}

static void facts(struct dw_sb *sb, const struct dw_incident_view *v)
{
	if (v->intrusion) {
		fact(sb, "Who got in");
		if (v->n_compromised)
			names(sb, v, DW_INCIDENT_COMPROMISED, 4);
		else
			dw_sb_puts(sb, "an account (not kept)");
		dw_sb_putc(sb, '\n');
		fact(sb, "Since");
		dw_human_time(sb, v->first_compromise, "-");
		dw_sb_puts(sb, v->first_compromise != DW_TS_NONE ? " (first compromise)\n" : "\n");
		fact(sb, "Inside for");
		dw_human_dur(sb, v->dwell_seconds);
		dw_sb_printf(sb, " (%lld s)\n", (long long)v->dwell_seconds);
	}
	if (v->n_reset) {
		fact(sb, "Accounts to reset");
		dw_sb_printf(sb, "%zu\n", v->n_reset);
	}
	fact(sb, "Sources");
	dw_human_count(sb, v->n_sources + v->cut_sources);
	dw_sb_puts(sb, " (");
	dw_human_count(sb, v->attempts);
	dw_sb_puts(sb, " attempts)\n");
	fact(sb, "Accounts tried");
	dw_human_count(sb, v->n_targeted);
	dw_sb_putc(sb, '\n');
	if (v->has_bytes_out || v->n_destinations) {
		fact(sb, "Data out");
		if (v->has_bytes_out) {
			dw_human_bytes(sb, v->bytes_out);
			if (v->bytes_out >= 1000) {
				dw_sb_puts(sb, " (");
				dw_human_count(sb, v->bytes_out);
				dw_sb_puts(sb, " bytes)");
			}
		} else {
			dw_sb_puts(sb, "unknown");
		}
		dw_sb_printf(sb, " to %zu destination%s\n", v->n_destinations,
			     v->n_destinations == 1 ? "" : "s");
	}
	fact(sb, "First seen");
	dw_human_time(sb, v->first_seen, "-");
	dw_sb_putc(sb, '\n');
	fact(sb, "Last seen");
	dw_human_time(sb, v->last_seen, "-");
	dw_sb_putc(sb, '\n');
	if (!v->intrusion && v->first_seen != DW_TS_NONE && v->last_seen != DW_TS_NONE) {
		fact(sb, "Lasted");
		dw_human_dur(sb, (v->last_seen - v->first_seen) / DW_NS);
		dw_sb_putc(sb, '\n');
	}
	fact(sb, "Alerts");
	dw_human_count(sb, v->alerts);
	dw_sb_putc(sb, '\n');
}

static void reset_table(struct dw_sb *sb, const struct dw_incident_view *v)
{
	struct tab t;

	dw_sb_printf(sb, "\nAccounts to reset (%zu)%s\n", v->n_reset, v->n_reset ? "" : ": none");
	if (!v->n_reset)
		return;
	tab_init(&t, sb, 0);
	for (t.pass = 0; t.pass < 2; t.pass++) {
		tab_s(&t, "ACCOUNT");
		tab_s(&t, "REASON");
		tab_s(&t, "SINCE (UTC)");
		tab_row_end(&t);
		for (size_t i = 0; i < v->n_accounts; i++) {
			const struct dw_incident_account *a = &v->accounts[i];
			const struct dw_incident_event *e;
			if (!is_reset(a->flags))
				continue;
			e = reset_event(v, a->user);
			txt(&t.cell, a->user);
			tab_cell(&t);
			tab_s(&t, reason(a->flags));
			dw_human_time(&t.cell, e ? e->time : DW_TS_NONE, "-");
			tab_cell(&t);
			tab_row_end(&t);
		}
	}
	dw_sb_free(&t.cell);
}

static int cmp_attempts(const void *p, const void *q)
{
	const struct dw_incident_source *a = *(const struct dw_incident_source *const *)p;
	const struct dw_incident_source *c = *(const struct dw_incident_source *const *)q;

	if (a->attempts != c->attempts)
		return a->attempts > c->attempts ? -1 : 1;
	return strcmp(a->source, c->source);
}

static void source_table(struct dw_sb *sb, const struct dw_incident_view *v)
{
	const struct dw_incident_source *s[DW_INCIDENT_SOURCES_MAX];
	size_t n = DW_MIN(v->n_sources, (size_t)DW_INCIDENT_SOURCES_MAX);
	struct tab t;

	dw_sb_printf(sb, "\nSources (%zu, most attempts first)%s\n", n, n ? "" : ": none");
	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		s[i] = &v->sources[i];
	qsort(s, n, sizeof(*s), cmp_attempts);
	tab_init(&t, sb, 2);
	for (t.pass = 0; t.pass < 2; t.pass++) {
		tab_s(&t, "SOURCE");
		tab_s(&t, "ATTEMPTS");
		tab_row_end(&t);
		for (size_t i = 0; i < n; i++) {
			txt(&t.cell, s[i]->source);
			tab_cell(&t);
			dw_human_count(&t.cell, s[i]->attempts);
			tab_cell(&t);
			tab_row_end(&t);
		}
	}
	dw_sb_free(&t.cell);
	if (v->cut_sources)
		dw_sb_printf(sb, "  (%llu more not kept)\n", (unsigned long long)v->cut_sources);
}

/* "a, b, c +7" of a timeline entry's members. */
static void members(struct dw_sb *sb, const char *const *m, size_t n, uint64_t total)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			dw_sb_puts(sb, ", ");
		txt(sb, m[i]);
	}
	if (total > n)
		dw_sb_printf(sb, " +%llu", (unsigned long long)(total - n));
	if (!n && !total)
		dw_sb_puts(sb, "-");
}

static void timeline(struct dw_sb *sb, const struct dw_incident_view *v)
{
	struct dw_sb s;

	dw_sb_printf(sb, "\nTimeline (%zu alert%s, UTC)%s\n", v->n_timeline,
		     v->n_timeline == 1 ? "" : "s", v->n_timeline ? "" : ": none kept");
	dw_sb_init(&s, 8192);
	for (size_t i = 0; i < v->n_timeline; i++) {
		const struct dw_incident_event *e = &v->timeline[i];
		dw_sb_puts(sb, "  ");
		dw_human_time(sb, e->time, "-");
		dw_sb_puts(sb, "  ");
		for (const char *k = e->kind; *k; k++)
			dw_sb_putc(sb, *k == '_' ? ' ' : *k);
		dw_sb_puts(sb, " (");
		txt(sb, e->detector);
		dw_sb_puts(sb, ")\n");
		dw_sb_reset(&s);
		dw_sb_puts(&s, "sources  ");
		members(&s, e->sources, e->n_sources, e->sources_total);
		para(sb, &s, 23);
		dw_sb_reset(&s);
		dw_sb_puts(&s, "accounts ");
		members(&s, e->users, e->n_users, e->users_total);
		para(sb, &s, 23);
		if (e->file || e->has_line || e->has_record_id) {
			pad(sb, 23);
			dw_sb_puts(sb, "record   ");
			txt(sb, e->file);
			if (e->has_line)
				dw_sb_printf(sb, e->file ? ":%lld" : "line %lld", (long long)e->line);
			if (e->has_record_id)
				dw_sb_printf(sb, "%srecord %lld", e->file ? " " : "",
					     (long long)e->record_id);
			dw_sb_putc(sb, '\n');
		}
	}
	dw_sb_free(&s);
	if (v->cut_timeline)
		dw_sb_printf(sb, "  (%llu more alerts counted but not listed)\n",
			     (unsigned long long)v->cut_timeline);
}

static void incident(struct dw_sb *sb, const struct dw_incident_view *v)
{
	dw_sb_puts(sb, rule);
	dw_sb_printf(sb, "INCIDENT #%llu  %s%s\n", (unsigned long long)v->id,
		     v->intrusion ? "INTRUSION" : v->exfil ? "EXFILTRATION" : "ATTACK",
		     !v->intrusion && v->n_reset ? " (PASSWORDS KNOWN)" : "");
	dw_sb_puts(sb, rule);
	headline(sb, v);
	dw_sb_putc(sb, '\n');
	facts(sb, v);
	reset_table(sb, v);
	source_table(sb, v);
	dw_sb_putc(sb, '\n');
	account_list(sb, "Compromised", v, DW_INCIDENT_COMPROMISED, v->n_compromised);
	account_list(sb, "Password validated", v, DW_INCIDENT_VALIDATED, v->n_validated);
	account_list(sb, "Targeted", v, DW_INCIDENT_TARGETED, v->n_targeted);
	if (v->cut_accounts)
		dw_sb_printf(sb, "  (%llu more accounts not kept)\n",
			     (unsigned long long)v->cut_accounts);
	if (v->n_destinations) {
		struct wrap w;
		dw_sb_printf(sb, "Destinations (%zu):\n", v->n_destinations);
		wrap_init(&w, sb, 2);
		for (size_t i = 0; i < v->n_destinations; i++) {
			txt(&w.item, v->destinations[i]);
			wrap_item(&w);
		}
		wrap_end(&w);
	}
	timeline(sb, v);
	dw_sb_putc(sb, '\n');
}

/* The headline of the whole report, "Reset now" and the incident list. */
static void overview(struct dw_incidents *b, struct dw_sb *sb)
{
	size_t n = dw_incidents_count(b), intr = 0, resets = 0;
	struct dw_incident_view v;
	struct tab t;

	for (size_t i = 0; i < n; i++)
		if (dw_incidents_view(b, i, &v) == DW_OK) {
			intr += v.intrusion;
			resets += v.n_reset;
		}
	dw_sb_printf(sb,
		     "dwell report: %zu incident%s, %zu intrusion%s, %zu account%s to reset\n"
		     "All times are UTC.\n\n",
		     n, n == 1 ? "" : "s", intr, intr == 1 ? "" : "s", resets,
		     resets == 1 ? "" : "s");
	if (!n)
		return;
	tab_init(&t, sb, 0);
	if (resets) {
		dw_sb_puts(sb, "RESET NOW\n");
		for (t.pass = 0; t.pass < 2; t.pass++) {
			tab_s(&t, "ACCOUNT");
			tab_s(&t, "REASON");
			tab_s(&t, "INCIDENT");
			tab_s(&t, "SINCE (UTC)");
			tab_row_end(&t);
			for (size_t i = 0; i < n; i++) {
				if (dw_incidents_view(b, i, &v) != DW_OK)
					continue;
				for (size_t k = 0; k < v.n_accounts; k++) {
					const struct dw_incident_event *e;
					if (!is_reset(v.accounts[k].flags))
						continue;
					e = reset_event(&v, v.accounts[k].user);
					txt(&t.cell, v.accounts[k].user);
					tab_cell(&t);
					tab_s(&t, reason(v.accounts[k].flags));
					dw_sb_printf(&t.cell, "#%llu", (unsigned long long)v.id);
					tab_cell(&t);
					dw_human_time(&t.cell, e ? e->time : DW_TS_NONE, "-");
					tab_cell(&t);
					tab_row_end(&t);
				}
			}
		}
		dw_sb_putc(sb, '\n');
	}
	dw_sb_puts(sb, "INCIDENTS\n");
	memset(t.w, 0, sizeof(t.w));
	t.ncol = 0;
	t.right = 1u << 0 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6;
	for (t.pass = 0; t.pass < 2; t.pass++) {
		tab_s(&t, "#");
		tab_s(&t, "STATUS");
		tab_s(&t, "FIRST SEEN (UTC)");
		tab_s(&t, "DWELL");
		tab_s(&t, "RESET");
		tab_s(&t, "SOURCES");
		tab_s(&t, "ATTEMPTS");
		tab_row_end(&t);
		for (size_t i = 0; i < n; i++) {
			if (dw_incidents_view(b, i, &v) != DW_OK)
				continue;
			dw_sb_printf(&t.cell, "%llu", (unsigned long long)v.id);
			tab_cell(&t);
			tab_s(&t, v.status);
			dw_human_time(&t.cell, v.first_seen, "-");
			tab_cell(&t);
			if (v.intrusion && v.dwell_seconds > 0)
				dw_human_dur(&t.cell, v.dwell_seconds);
			else
				dw_sb_puts(&t.cell, "-");
			tab_cell(&t);
			dw_sb_printf(&t.cell, "%zu", v.n_reset);
			tab_cell(&t);
			dw_human_count(&t.cell, v.n_sources + v.cut_sources);
			tab_cell(&t);
			dw_human_count(&t.cell, v.attempts);
			tab_cell(&t);
			tab_row_end(&t);
		}
	}
	dw_sb_free(&t.cell);
	dw_sb_putc(sb, '\n');
}

int dw_report_text(struct dw_incidents *b, uint64_t id, struct dw_sb *sb)
{
	struct dw_incident_view v;
	size_t i, n = dw_incidents_count(b);

	if (id) {
		if (dw_incidents_find(b, id, &i) != DW_OK || dw_incidents_view(b, i, &v) != DW_OK)
			return DW_ENOENT;
		incident(sb, &v);
		return sb->toobig ? DW_ERANGE : DW_OK;
	}
	overview(b, sb);
	for (i = 0; i < n; i++)
		if (dw_incidents_view(b, i, &v) == DW_OK)
			incident(sb, &v);
	return sb->toobig ? DW_ERANGE : DW_OK;
}
