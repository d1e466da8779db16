/*
 * hours.c - failures, successes and sessions per clock hour of event time,
 * for the report's chart (kept in the database with --db, else for --html).
 *
 * Event times are attacker-influenced (a forged far-future timestamp is a
 * new hour), so the hours live in a capped table: HOURS_CAP entries of an
 * 8-byte key and 24-byte counts, about 6 MiB at most (dw_table_memuse),
 * enough for 7.5 years of busy hours at once; past it the least recently
 * counted hour is dropped and counted in evicted.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/table.h"
#include "../output/html.h"
#include "cli.h"

#define HOURS_CAP 65536

struct dw_hours {
	struct dw_table *t;
};

struct counts {
	uint64_t failures, successes, sessions;
};

int dw_hours_new(struct dw_hours **out)
{
	struct dw_hours *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h || dw_table_new(&h->t, HOURS_CAP, 8, sizeof(struct counts)) != DW_OK) {
		free(h);
		return DW_ENOMEM;
	}
	*out = h;
	return DW_OK;
}

void dw_hours_free(struct dw_hours *h)
{
	if (!h)
		return;
	dw_table_free(h->t);
	free(h);
}

void dw_hours_add(struct dw_hours *h, const struct dw_event *e)
{
	struct counts *c;
	int64_t hour;

	if (e->ts == DW_TS_NONE || (e->action != DW_ACT_AUTH_FAILURE &&
				    e->action != DW_ACT_AUTH_SUCCESS &&
				    e->action != DW_ACT_SESSION_START))
		return;
	hour = e->ts >= 0 ? e->ts / (3600 * DW_NS) : -((-e->ts + 3600 * DW_NS - 1) / (3600 * DW_NS));
	c = dw_table_upsert(h->t, &hour, sizeof(hour), NULL);
	if (e->action == DW_ACT_AUTH_FAILURE)
		c->failures += e->count ? e->count : 1;
	else if (e->action == DW_ACT_AUTH_SUCCESS)
		c->successes++;
	else
		c->sessions++;
}

static int by_hour(const void *a, const void *b)
{
	const struct dw_hour *x = a, *y = b;

	return x->hour < y->hour ? -1 : x->hour > y->hour;
}

int dw_hours_take(struct dw_hours *h, struct dw_hour **v, size_t *n)
{
	size_t k = 0, cnt = dw_table_count(h->t);
	uint32_t cur = 0;
	const void *key;
	size_t klen;
	struct counts *c;

	*v = NULL;
	*n = 0;
	if (cnt == 0)
		return DW_OK;
	*v = malloc(cnt * sizeof(**v));
	if (!*v)
		return DW_ENOMEM;
	while ((c = dw_table_next(h->t, &cur, &key, &klen)) != NULL) {
		memcpy(&(*v)[k].hour, key, sizeof(int64_t));
		(*v)[k].failures = c->failures;
		(*v)[k].successes = c->successes;
		(*v)[k].sessions = c->sessions;
		k++;
	}
	qsort(*v, k, sizeof(**v), by_hour);
	*n = k;
	/* empty the table for the next delta */
	cur = 0;
	while ((c = dw_table_next(h->t, &cur, &key, &klen)) != NULL)
		(void)dw_table_del(h->t, key, klen);
	return DW_OK;
}

uint64_t dw_hours_evicted(const struct dw_hours *h)
{
	return dw_table_evicted(h->t);
}
