/*
 * alert.c - alert lists and the JSON rendering of the alert contract.
 * Key order is fixed: kind, severity, first_seen, last_seen, sources,
 * sources_total, users, users_total, attempts, successes, compromised,
 * [destinations, bytes_out,] log, detector, evidence.
 */
#include "alert.h"

#include <stdlib.h>

#include "../core/tm.h"
#include "event.h"

void dw_alert_init(struct dw_alert *a, const char *kind, const char *severity,
		   const char *detector)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->severity = severity;
	a->detector = detector;
	a->first_seen = a->last_seen = DW_TS_NONE;
}

void dw_strlist_free(struct dw_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->idx);
	memset(l, 0, sizeof(*l));
}

void dw_alert_free(struct dw_alert *a)
{
	dw_strlist_free(&a->sources);
	dw_strlist_free(&a->users);
	dw_strlist_free(&a->compromised);
	dw_strlist_free(&a->destinations);
}

static uint32_t str_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a: members are short, lookups rare */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Slot of s in the index: where it is, or the empty slot where it would go. */
static size_t find_slot(const struct dw_strlist *l, const char *s, size_t n)
{
	size_t mask = l->idx_cap - 1, i = str_hash(s, n) & mask;

	while (l->idx[i]) {
		const char *m = l->v[l->idx[i] - 1];
		if (strncmp(m, s, n) == 0 && m[n] == 0)
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

int dw_strlist_has(const struct dw_strlist *l, const char *s, size_t n)
{
	return l->idx_cap && l->idx[find_slot(l, s, n)] != 0;
}

static int grow(struct dw_strlist *l)
{
	size_t nc = l->cap ? l->cap * 2 : 8, ni = nc * 2;
	char **nv = realloc(l->v, nc * sizeof(*nv));
	uint32_t *nidx;

	if (!nv)
		return DW_ENOMEM;
	l->v = nv;
	nidx = calloc(ni, sizeof(*nidx));
	if (!nidx)
		return DW_ENOMEM;
	free(l->idx);
	l->idx = nidx;
	l->idx_cap = ni;
	l->cap = nc;
	for (size_t k = 0; k < l->n; k++)
		l->idx[find_slot(l, l->v[k], strlen(l->v[k]))] = (uint32_t)k + 1;
	return DW_OK;
}

int dw_strlist_add(struct dw_strlist *l, const char *s, size_t n)
{
	char *c;

	if (dw_strlist_has(l, s, n))
		return DW_OK;
	l->total++;
	if (l->n >= DW_ALERT_LIST_MAX)
		return DW_OK;
	if (l->n == l->cap && grow(l) != DW_OK)
		return DW_ENOMEM;
	c = malloc(n + 1);
	if (!c)
		return DW_ENOMEM;
	memcpy(c, s, n);
	c[n] = 0;
	l->v[l->n] = c;
	l->idx[find_slot(l, s, n)] = (uint32_t)++l->n;
	return DW_OK;
}

int dw_strlist_add_capped(struct dw_strlist *l, const char *s, size_t n, size_t max)
{
	if (n == 0)
		return DW_OK;
	if (l->n < max)
		return dw_strlist_add(l, s, n);
	if (!dw_strlist_has(l, s, n))
		l->total++;
	return DW_OK;
}

static struct dw_evidence *ev_slot(struct dw_alert *a, const char *key)
{
	for (size_t i = 0; i < a->n_evidence; i++)
		if (strcmp(a->evidence[i].key, key) == 0)
			return &a->evidence[i];
	if (a->n_evidence >= DW_ALERT_EVIDENCE_MAX)
		return NULL;
	a->evidence[a->n_evidence].key = key;
	return &a->evidence[a->n_evidence++];
}

void dw_alert_evidence_num(struct dw_alert *a, const char *key, int64_t v)
{
	struct dw_evidence *e = ev_slot(a, key);

	if (e) {
		e->is_str = 0;
		e->num = v;
	}
}

void dw_alert_evidence_str(struct dw_alert *a, const char *key, const char *v)
{
	struct dw_evidence *e = ev_slot(a, key);

	if (e) {
		e->is_str = 1;
		snprintf(e->str, sizeof(e->str), "%s", v);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void put_key(struct dw_sb *sb, const char *k)
{
	dw_sb_putc(sb, ',');
	dw_sb_json_str(sb, k, strlen(k));
	dw_sb_putc(sb, ':');
}

static void put_list(struct dw_sb *sb, const char *k, struct dw_strlist *l)
{
	if (l->n > 1) {
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
		/* the index refers to positions: rebuild it after sorting */
		memset(l->idx, 0, l->idx_cap * sizeof(*l->idx));
		for (size_t m = 0; m < l->n; m++)
			l->idx[find_slot(l, l->v[m], strlen(l->v[m]))] = (uint32_t)m + 1;
	}
	put_key(sb, k);
	dw_sb_putc(sb, '[');
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			dw_sb_putc(sb, ',');
		dw_sb_json_str(sb, l->v[i], strlen(l->v[i]));
	}
	dw_sb_putc(sb, ']');
}

static void put_ts(struct dw_sb *sb, const char *k, int64_t ts, int prec)
{
	char b[DW_TM_BUFSZ];

	put_key(sb, k);
	if (ts == DW_TS_NONE) {
		dw_sb_puts(sb, "null");
		return;
	}
	dw_sb_putc(sb, '"');
	dw_sb_put(sb, b, dw_tm_format(ts, prec, b));
	dw_sb_putc(sb, '"');
}

void dw_alert_json(struct dw_alert *a, struct dw_sb *sb)
{
	int first = 1, prec;

	dw_sb_puts(sb, "{\"kind\":");
	dw_sb_json_str(sb, a->kind, strlen(a->kind));
	put_key(sb, "severity");
	dw_sb_json_str(sb, a->severity, strlen(a->severity));
	/* both times in whole seconds, or both in microseconds if either has a fraction */
	prec = (a->first_seen != DW_TS_NONE && a->first_seen % DW_NS) ||
			       (a->last_seen != DW_TS_NONE && a->last_seen % DW_NS)
		       ? 6
		       : 0;
	put_ts(sb, "first_seen", a->first_seen, prec);
	put_ts(sb, "last_seen", a->last_seen, prec);
	put_list(sb, "sources", &a->sources);
	put_key(sb, "sources_total");
	dw_sb_u64(sb, a->sources.total);
	put_list(sb, "users", &a->users);
	put_key(sb, "users_total");
	dw_sb_u64(sb, a->users.total);
	put_key(sb, "attempts");
	dw_sb_u64(sb, a->attempts);
	put_key(sb, "successes");
	dw_sb_u64(sb, a->successes);
	put_list(sb, "compromised", &a->compromised);
	if (a->destinations.total)
		put_list(sb, "destinations", &a->destinations);
	if (a->has_bytes_out) {
		put_key(sb, "bytes_out");
		dw_sb_u64(sb, a->bytes_out);
	}
	put_key(sb, "log");
	dw_sb_putc(sb, '[');
	for (int i = 0; i < DW_LOG__N; i++) {
		if (!(a->logs & (1u << i)))
			continue;
		if (!first)
			dw_sb_putc(sb, ',');
		first = 0;
		dw_sb_json_str(sb, dw_log_name(i), strlen(dw_log_name(i)));
	}
	dw_sb_putc(sb, ']');
	put_key(sb, "detector");
	dw_sb_json_str(sb, a->detector, strlen(a->detector));
	put_key(sb, "evidence");
	dw_sb_putc(sb, '{');
	for (size_t i = 0; i < a->n_evidence; i++) {
		struct dw_evidence *e = &a->evidence[i];
		if (i)
			dw_sb_putc(sb, ',');
		dw_sb_json_str(sb, e->key, strlen(e->key));
		dw_sb_putc(sb, ':');
		if (e->is_str)
			dw_sb_json_str(sb, e->str, strlen(e->str));
		else
			dw_sb_i64(sb, e->num);
	}
	dw_sb_puts(sb, "}}");
}
