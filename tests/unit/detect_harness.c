/* detect_harness.c - the shared detector test harness (see detect_harness.h). */
#include <stdio.h>
#include <stdlib.h>

#include "detect_harness.h"

struct detect_got G;

static void join(char *buf, size_t sz, const struct dw_strlist *l)
{
	size_t k = 0;

	buf[0] = 0;
	for (size_t i = 0; i < l->n && k + 1 < sz; i++)
		k += (size_t)snprintf(buf + k, sz - k, "%s%s", i ? "," : "", l->v[i]);
}

static void collect(void *ctx, struct dw_alert *a)
{
	struct got *g;

	(void)ctx;
	dw_alert_json(a, &G.json); /* sorts the lists */
	dw_sb_putc(&G.json, '\n');
	dw_sb_putc(&G.json, 0); /* a C string too, for strstr */
	G.json.n--;
	if (G.n >= (int)DW_ARRAY_LEN(G.v))
		return;
	g = &G.v[G.n++];
	g->kind = a->kind;
	g->detector = a->detector;
	g->severity = a->severity;
	join(g->sources, sizeof(g->sources), &a->sources);
	join(g->users, sizeof(g->users), &a->users);
	join(g->comp, sizeof(g->comp), &a->compromised);
	g->nsrc = a->sources.total;
	g->nusers = a->users.total;
	g->ncomp = a->compromised.total;
	g->attempts = a->attempts;
	g->successes = a->successes;
}

static void reset_collect(void)
{
	dw_sb_free(&G.json);
	memset(&G, 0, sizeof(G));
	dw_sb_init(&G.json, 64 << 20);
}

/* Detector with defaults (plus optional overrides "key=value", NULL-ended). */
struct dw_detect *mk(struct dw_config **cfg, const char *const *sets)
{
	struct dw_detect *d = NULL;
	char err[256];
	struct dw_alert_sink sink = {collect, NULL};

	reset_collect();
	if (dw_config_new(cfg) != DW_OK)
		return NULL;
	for (; sets && *sets; sets++) {
		char k[128];
		const char *eq = strchr(*sets, '=');
		snprintf(k, sizeof(k), "%.*s", (int)(eq - *sets), *sets);
		if (dw_config_set(*cfg, k, eq + 1, err, sizeof(err)) != DW_OK)
			return NULL;
	}
	if (dw_detect_new(&d, *cfg, sink) != DW_OK)
		return NULL;
	return d;
}

void done(struct dw_detect *d, struct dw_config *cfg)
{
	dw_detect_free(d);
	dw_config_free(cfg);
}

struct dw_detect *mk_more(const struct dw_config *cfg)
{
	struct dw_detect *d = NULL;
	struct dw_alert_sink sink = {collect, NULL};

	if (!G.json.max)
		dw_sb_init(&G.json, 64 << 20);
	return dw_detect_new(&d, cfg, sink) == DW_OK ? d : NULL;
}

void got_reset(void)
{
	reset_collect();
}

static struct tape *recording;

void tape_record(struct tape *t)
{
	recording = t;
}

/* Copies slice *s into buf at *off and points *s at the copy. */
static void own(struct dw_slice *s, char *buf, size_t *off)
{
	if (s->n)
		memcpy(buf + *off, s->p, s->n);
	s->p = buf + *off;
	*off += s->n;
}

/* Appends a copy of e to the tape being recorded. */
static void record(const struct dw_event *e)
{
	struct taped *x;
	size_t need = 1, off = 0, fn = e->file ? strlen(e->file) + 1 : 0;

	if (recording->n == recording->cap) {
		size_t nc = recording->cap ? 2 * recording->cap : 256;
		struct taped *nv = realloc(recording->v, nc * sizeof(*nv));
		if (!nv)
			abort();
		recording->v = nv;
		recording->cap = nc;
	}
	x = &recording->v[recording->n++];
	x->e = *e;
	/* every slice, the user too, into the copy's own text (the tape's array moves) */
	struct dw_slice *sl[] = {&x->e.user,       &x->e.host,    &x->e.program, &x->e.user_raw,
				 &x->e.src_name,   &x->e.target,  &x->e.protocol,
				 &x->e.user_agent, &x->e.session, &x->e.code};
	for (size_t i = 0; i < DW_ARRAY_LEN(sl); i++)
		need += sl[i]->n;
	x->text = malloc(need + fn);
	if (!x->text)
		abort();
	for (size_t i = 0; i < DW_ARRAY_LEN(sl); i++)
		own(sl[i], x->text, &off);
	if (e->file) {
		memcpy(x->text + need, e->file, fn);
		x->e.file = x->text + need;
	}
}

void put(struct dw_detect *d, const struct dw_event *e)
{
	if (recording)
		record(e);
	else
		dw_detect_event(d, e);
}

void tape_play(const struct tape *t, struct dw_detect *d, size_t from, size_t to)
{
	for (size_t i = from; i < to && i < t->n; i++)
		dw_detect_event(d, &t->v[i].e);
}

void tape_free(struct tape *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	memset(t, 0, sizeof(*t));
}


/* One event at t seconds: action, source ip, user (NULL: none), unknown user?, method. */
void feed(struct dw_detect *d, int64_t t, int action, const char *ip, const char *user,
		 int unknown, const char *method)
{
	struct dw_event e;

	dw_event_clear(&e);
	e.ts = t * DW_NS;
	e.log = DW_LOG_SSHD;
	e.action = (uint8_t)action;
	if (action == F)
		e.reason = unknown ? DW_RSN_UNKNOWN_USER : DW_RSN_BAD_PASSWORD;
	if (ip && dw_ip_parse(ip, strlen(ip), &e.src_ip) != DW_OK)
		return;
	if (user)
		dw_event_set_user(&e, dw_slice_cstr(user));
	if (method)
		e.protocol = dw_slice_cstr(method);
	else if (action != O)
		e.protocol = dw_slice_cstr("password");
	put(d, &e);
}

void fail(struct dw_detect *d, int64_t t, const char *ip, const char *user)
{
	feed(d, t, F, ip, user, 0, NULL);
}

void fail_unknown(struct dw_detect *d, int64_t t, const char *ip, const char *user)
{
	feed(d, t, F, ip, user, 1, NULL);
}

void ok(struct dw_detect *d, int64_t t, const char *ip, const char *user)
{
	feed(d, t, S, ip, user, 0, "password");
}

void tick(struct dw_detect *d, int64_t t)
{
	feed(d, t, O, NULL, NULL, 0, NULL);
}

const char *ipf(char *buf, const char *fmt, int a, int b)
{
	snprintf(buf, 32, fmt, a, b);
	return buf;
}

const char *userf(char *buf, const char *prefix, int i)
{
	snprintf(buf, 32, "%s%03d", prefix, i);
	return buf;
}

/* Background: n internal users, each logging in from its own address a few times a day. */
void background(struct dw_detect *d, int64_t from, int64_t to, int n)
{
	char ip[32], u[32];
	uint32_t x = 12345;

	for (int64_t t = from; t < to; t += 20 * MIN) {
		for (int k = 0; k < 3; k++) {
			int i;
			x = x * 1103515245u + 12345u;
			i = (int)((x >> 8) % (uint32_t)n);
			ok(d, t + k * 7, ipf(ip, "10.1.%d.%d", i / 200, 10 + i % 200),
			   userf(u, "emp", i));
		}
	}
}

/* Every internal user logs in once from its usual address (teaches the known pairs). */
void warmup(struct dw_detect *d, int64_t t, int n)
{
	char ip[32], u[32];

	for (int i = 0; i < n; i++)
		ok(d, t + i, ipf(ip, "10.1.%d.%d", i / 200, 10 + i % 200), userf(u, "emp", i));
}

int count_kind(const char *kind)
{
	int n = 0;

	for (int i = 0; i < G.n; i++)
		n += strcmp(G.v[i].kind, kind) == 0;
	return n;
}

const struct got *find_kind(const char *kind)
{
	for (int i = 0; i < G.n; i++)
		if (strcmp(G.v[i].kind, kind) == 0)
			return &G.v[i];
	return NULL;
}

void spray_with_early_logins(struct dw_detect *d)
{
	char u[32];

	for (int i = 0; i < 30; i++) {
		fail(d, T0 + HOUR + i * 60, "203.0.113.9", userf(u, "emp", i));
		if (i == 3)
			ok(d, T0 + HOUR + i * 60 + 5, "203.0.113.9", "emp003");
		if (i == 2)
			ok(d, T0 + HOUR + i * 60 + 20, "198.18.7.7", "emp002");
	}
}
