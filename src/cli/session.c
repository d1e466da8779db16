/*
 * session.c - one `dwell scan --db FILE` run: picks up where the database
 * left off and leaves it where this run stopped.
 *
 *   start   open the store (exclusive writer), load the detector state of the
 *           last checkpoint into the fresh detector, and fingerprint every
 *           input to learn how far an earlier run read it;
 *   event   drop an event an earlier run already fed (its byte offset is below
 *           the input's mark), else note how far the input is now read,
 *           count its hour, keep it if it is an event of interest;
 *   alert   keep its JSON line for the next checkpoint, watch its accounts
 *           and attacking sources;
 *   ckpt    in one transaction: the detector state (saved before any flush),
 *           the input marks, the new alerts, the hour counts and the events;
 *           at the end of the run (and while following) also the alerts still
 *           open, from a copy of the detector flushed on the side, and the
 *           incidents rebuilt from every stored alert.
 *
 * So Monday then Tuesday gives the alerts of Monday + Tuesday in one run,
 * a re-scan of Monday adds nothing, and a run killed at any point loses
 * nothing: the next one starts from the last checkpoint and reads again
 * what came after it.
 *
 * Memory: the watch table (WATCH_CAP keys of 96 bytes: ~10 MiB), the events
 * kept between checkpoints (at most EV_PENDING_MAX, ~300 bytes each), the
 * alert lines between checkpoints, one state blob.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/ip.h"
#include "../core/table.h"
#include "../core/tm.h"
#include "../store/alertjson.h"
#include "../store/store.h"
#include "cli.h"

#define WATCH_CAP 65536
#define WATCH_KEY 96
#define EV_PENDING_MAX 20000
#define EV_KEPT_MAX 1000000 /* events of interest a database keeps at most */

struct input {
	char *name;
	int64_t id;       /* 0: not recognised (yet): read whole, no mark kept */
	uint64_t skip;    /* events below this offset were fed by an earlier run */
	uint64_t upto;    /* ... and now below this one */
	int again;        /* identify at its next event (it was empty; or it rotated) */
};

struct dw_session {
	struct dw_store *st;
	struct dw_detect *d;
	const struct dw_config *cfg;
	struct dw_hours *hours;
	struct dw_table *watch; /* "u" + user or "s" + source text -> nothing */
	struct input *in;
	size_t nin;
	const char *last_file;
	struct input *last;
	struct dw_sb alerts; /* JSON lines since the last checkpoint */
	struct dw_sb evarena;
	struct dw_store_event *ev;
	size_t nev;
	uint64_t ev_kept, ev_dropped;
	uint64_t read, skipped, read_ck, skipped_ck;
	double last_ck;
	double every;   /* seconds between checkpoints while scanning */
	const void *pblob; /* the parser state loaded (in the store's buffer) */
	size_t pblob_n;
	struct dw_sb seam; /* state at the end of the input, before the parser's flush */
	size_t seam_alerts; /* alerts found before it (the rest are open) */
	int at_seam;
	int follow;
	int failed;     /* a write failed outside a checkpoint call: the next one reports it */
	char err[512];
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void watch(struct dw_session *s, char tag, const char *v, size_t n)
{
	char key[WATCH_KEY];

	if (n == 0)
		return;
	n = DW_MIN(n, sizeof(key) - 1);
	key[0] = tag;
	memcpy(key + 1, v, n);
	dw_table_upsert(s->watch, key, n + 1, NULL);
}

static int watched(struct dw_session *s, char tag, const char *v, size_t n)
{
	char key[WATCH_KEY];

	if (n == 0)
		return 0;
	n = DW_MIN(n, sizeof(key) - 1);
	key[0] = tag;
	memcpy(key + 1, v, n);
	return dw_table_get(s->watch, key, n + 1) != NULL;
}

/* The accounts and sources an alert names as intruders: their later events are kept. */
static void watch_alert(struct dw_session *s, const struct dw_alert *a)
{
	static const char *const attack[] = {"brute_force", "password_spray", "credential_stuffing",
					     "distributed_spray", "mfa_fatigue"};
	static const char *const comp[] = {"account_compromise", "legacy_auth_success",
					   "password_validated", "new_access", "mfa_fatigue"};
	int is_attack = 0, is_comp = 0;

	for (size_t i = 0; i < sizeof(attack) / sizeof(*attack); i++)
		is_attack |= strcmp(a->kind, attack[i]) == 0;
	for (size_t i = 0; i < sizeof(comp) / sizeof(*comp); i++)
		is_comp |= strcmp(a->kind, comp[i]) == 0;
	for (size_t i = 0; i < a->compromised.n; i++)
		watch(s, 'u', a->compromised.v[i], strlen(a->compromised.v[i]));
	if (is_comp)
		for (size_t i = 0; i < a->users.n; i++)
			watch(s, 'u', a->users.v[i], strlen(a->users.v[i]));
	if (is_attack || is_comp)
		for (size_t i = 0; i < a->sources.n; i++)
			watch(s, 's', a->sources.v[i], strlen(a->sources.v[i]));
}

struct rebuild {
	struct dw_alertjson *rd;
	struct dw_incidents *b;
	struct dw_session *s; /* NULL: do not watch */
	uint64_t bad;
};

static void rebuild_one(void *ctx, const char *json, size_t n)
{
	struct rebuild *rb = ctx;
	struct dw_alert a;

	if (dw_alertjson_read(rb->rd, json, n, &a) != DW_OK) {
		rb->bad++;
		return;
	}
	if (rb->b)
		dw_incidents_add(rb->b, &a);
	if (rb->s)
		watch_alert(rb->s, &a);
	dw_alert_free(&a);
}

void dw_session_keep_line(void *ctx, const char *line, size_t n)
{
	dw_sb_put(ctx, line, n);
}

int dw_session_incidents(struct dw_store *st, struct dw_incidents *b, uint64_t *bad)
{
	struct rebuild rb = {.b = b};
	int rc;

	if (dw_alertjson_new(&rb.rd) != DW_OK)
		return DW_ENOMEM;
	rc = dw_store_alerts(st, rebuild_one, &rb);
	dw_alertjson_free(rb.rd);
	if (bad)
		*bad = rb.bad;
	return rc;
}

/* Recognises in by its content now: its row, and how far an earlier run read it. */
static int identify(struct dw_session *s, struct input *in)
{
	int rc = dw_store_input(s->st, in->name, &in->id, &in->skip);

	in->again = 0;
	if (rc == DW_ENOENT) { /* empty or unreadable now: try again at its first event */
		in->id = 0;
		in->skip = 0;
		in->again = 1;
		rc = DW_OK;
	} else if (rc != DW_OK) {
		fprintf(stderr, "dwell: database: cannot record input %s\n", in->name);
	}
	in->upto = in->skip;
	return rc;
}

/*
 * The state blob: the detector's alone (dw_detect_save), or at the end of a
 * single-stream run SEAM_MAGIC, u64 length + the detector's, u64 length +
 * the parser's (the sshd connections still open, dw_parser_save).
 */
#define SEAM_MAGIC "DWSEAM1\n"

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put64(struct dw_sb *sb, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	dw_sb_put(sb, b, 8);
}

/* Splits a state blob into the detector's and the parser's parts. DW_EINVAL if damaged. */
static int split_state(const void *blob, size_t n, const void **det, size_t *dn, const void **par,
		       size_t *pn)
{
	const unsigned char *p = blob;
	uint64_t a, b;

	*det = blob;
	*dn = n;
	*par = NULL;
	*pn = 0;
	if (n < 8 || memcmp(p, SEAM_MAGIC, 8) != 0)
		return DW_OK;
	if (n < 16 || (a = rd64(p + 8)) > n - 16 || n - 16 - a < 8 ||
	    (b = rd64(p + 16 + a)) != n - 24 - a)
		return DW_EINVAL;
	*det = p + 16;
	*dn = (size_t)a;
	*par = p + 24 + a;
	*pn = (size_t)b;
	return DW_OK;
}

static void on_evict_none(void *ctx, const void *key, size_t klen, void *val)
{
	(void)ctx, (void)key, (void)klen, (void)val;
}

int dw_session_open(struct dw_session **out, const char *path, struct dw_detect *d,
		    const struct dw_config *cfg, const struct dw_reader *inputs, int follow,
		    double every)
{
	struct dw_session *s = calloc(1, sizeof(*s));
	struct rebuild rb = {0};
	const void *blob;
	size_t blen, n = dw_reader_inputs(inputs);
	int rc;

	*out = NULL;
	if (!s)
		goto nomem;
	s->d = d;
	s->cfg = cfg;
	s->follow = follow;
	s->every = every;
	s->last_ck = mono_s();
	dw_sb_init(&s->alerts, (size_t)1 << 31);
	dw_sb_init(&s->seam, (size_t)1 << 31);
	dw_sb_init(&s->evarena, (size_t)1 << 28);
	if (dw_store_open(&s->st, path, DW_STORE_WRITE, s->err, sizeof(s->err)) != DW_OK) {
		fprintf(stderr, "dwell: database %s\n", s->err);
		goto fail;
	}
	if (dw_store_state(s->st, &blob, &blen) != DW_OK) {
		fprintf(stderr, "dwell: database %s: cannot read the detector state\n", path);
		goto fail;
	}
	if (blen && (split_state(blob, blen, &blob, &blen, &s->pblob, &s->pblob_n) != DW_OK ||
		     dw_detect_load(d, blob, blen) != DW_OK)) {
		fprintf(stderr, "dwell: database %s: its detector state was saved by another dwell "
				"version or under other thresholds (config, --set); scan with the same "
				"settings, or into a new database\n", path);
		goto fail;
	}
	if (dw_hours_new(&s->hours) != DW_OK ||
	    dw_table_new(&s->watch, WATCH_CAP, WATCH_KEY, 1) != DW_OK)
		goto nomem;
	dw_table_on_evict(s->watch, on_evict_none, NULL);
	s->in = calloc(n + 1, sizeof(*s->in));
	s->ev = calloc(EV_PENDING_MAX, sizeof(*s->ev));
	if (!s->in || !s->ev)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		const char *p = dw_reader_input(inputs, i, NULL);
		struct input *in = &s->in[s->nin];
		if (strcmp(p, "-") == 0)
			continue; /* stdin: read whole, every time */
		if (!(in->name = strdup(p)))
			goto nomem;
		s->nin++;
		if (identify(s, in) != DW_OK)
			goto fail;
	}
	/* accounts and sources named by earlier runs' alerts are watched from the start */
	rb.s = s;
	if (dw_alertjson_new(&rb.rd) != DW_OK)
		goto nomem;
	rc = dw_store_alerts(s->st, rebuild_one, &rb);
	dw_alertjson_free(rb.rd);
	if (rc != DW_OK)
		goto fail;
	{
		struct dw_store_info info;
		if (dw_store_info(s->st, &info) == DW_OK)
			s->ev_kept = (uint64_t)info.events_kept;
	}
	*out = s;
	return DW_OK;
nomem:
	fprintf(stderr, "dwell: out of memory\n");
fail:
	dw_session_free(s);
	return DW_EIO;
}

void dw_session_free(struct dw_session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nin; i++)
		free(s->in[i].name);
	free(s->in);
	free(s->ev);
	dw_sb_free(&s->alerts);
	dw_sb_free(&s->seam);
	dw_sb_free(&s->evarena);
	dw_hours_free(s->hours);
	dw_table_free(s->watch);
	dw_store_close(s->st);
	free(s);
}

static struct input *find_input(struct dw_session *s, const char *file)
{
	if (!file)
		return NULL;
	if (file == s->last_file)
		return s->last;
	s->last_file = file;
	s->last = NULL;
	for (size_t i = 0; i < s->nin; i++)
		if (strcmp(s->in[i].name, file) == 0) {
			s->last = &s->in[i];
			break;
		}
	return s->last;
}

/* Copies s[0..n) into the event arena as a C string; NULL when the arena is full. */
static const char *keep_str(struct dw_session *s, const char *p, size_t n)
{
	size_t at = s->evarena.n;

	dw_sb_put(&s->evarena, p, n);
	dw_sb_putc(&s->evarena, 0);
	if (s->evarena.n != at + n + 1)
		return NULL;
	return (const char *)(uintptr_t)(at + 1); /* offset + 1 until the checkpoint fixes it up */
}

static void keep_event(struct dw_session *s, const struct dw_event *e)
{
	char src[DW_IP_BUFSZ + 64], detail[160];
	size_t sn = 0;
	struct dw_store_event *k;
	const char *base;

	if (e->action != DW_ACT_AUTH_SUCCESS && e->action != DW_ACT_SESSION_START &&
	    e->action != DW_ACT_SESSION_END && e->action != DW_ACT_SHARE_ACCESS &&
	    e->action != DW_ACT_EXPLICIT_CREDS && e->action != DW_ACT_FLOW)
		return;
	if (e->src_ip.fam)
		sn = dw_ip_format(&e->src_ip, src);
	else if (e->src_name.n)
		sn = (size_t)snprintf(src, sizeof(src), "%.*s", (int)DW_MIN(e->src_name.n, 60),
				      e->src_name.p);
	if (!watched(s, 'u', e->user.p, e->user.n) && !watched(s, 's', src, sn))
		return;
	if (s->ev_kept + s->nev >= EV_KEPT_MAX || s->nev == EV_PENDING_MAX) {
		s->ev_dropped++;
		return;
	}
	if (e->bytes_out)
		snprintf(detail, sizeof(detail), "%.*s%sbytes_out=%llu", (int)DW_MIN(e->target.n, 80),
			 e->target.p, e->target.n ? " " : "", (unsigned long long)e->bytes_out);
	else
		snprintf(detail, sizeof(detail), "%.*s", (int)DW_MIN(e->target.n, 80), e->target.p);
	base = e->file ? strrchr(e->file, '/') : NULL;
	base = base ? base + 1 : e->file ? e->file : "";
	k = &s->ev[s->nev];
	k->ts = e->ts;
	k->action = dw_action_name(e->action);
	k->user = keep_str(s, e->user.p, e->user.n);
	k->source = keep_str(s, src, sn);
	k->file = keep_str(s, base, strlen(base));
	k->detail = keep_str(s, detail, strlen(detail));
	k->line = e->line;
	if (!k->user || !k->source || !k->file || !k->detail) {
		s->ev_dropped++;
		return;
	}
	s->nev++;
}

void dw_session_rotated(struct dw_session *s)
{
	for (size_t i = 0; i < s->nin; i++)
		s->in[i].again = 1;
}

int dw_session_event(struct dw_session *s, const struct dw_event *e)
{
	struct input *in = find_input(s, e->file);

	if (in && in->again) {
		/* keep the mark of what the path held so far, then learn what it holds now */
		if (in->id && in->upto > in->skip &&
		    dw_session_checkpoint(s, 0, (struct dw_alert_sink){0}) != DW_OK)
			s->failed = 1;
		if (identify(s, in) != DW_OK)
			s->failed = 1;
		in->again = 0;
	}
	if (in && e->offset < in->skip) {
		s->skipped++;
		return 1;
	}
	if (in && e->offset + 1 > in->upto)
		in->upto = e->offset + 1;
	s->read++;
	dw_hours_add(s->hours, e);
	keep_event(s, e);
	return 0;
}

void dw_session_alert(struct dw_session *s, struct dw_alert *a)
{
	dw_alert_json(a, &s->alerts);
	dw_sb_putc(&s->alerts, '\n');
	watch_alert(s, a);
}

struct sink_sb {
	struct dw_sb *sb;
	struct dw_alert_sink out; /* also printed (end of run), or not */
};

static void open_alert(void *ctx, struct dw_alert *a)
{
	struct sink_sb *k = ctx;

	dw_alert_json(a, k->sb);
	dw_sb_putc(k->sb, '\n');
	if (k->out.emit)
		k->out.emit(k->out.ctx, a);
}

/* The alerts a flush would give now, from a copy of the detector (d is not changed). */
static int open_alerts(struct dw_session *s, const struct dw_sb *blob, struct dw_sb *out,
		       struct dw_alert_sink print)
{
	struct sink_sb k = {out, print};
	struct dw_detect *c = NULL;

	if (dw_detect_new(&c, s->cfg, (struct dw_alert_sink){open_alert, &k}) != DW_OK)
		return DW_ENOMEM;
	if (dw_detect_load(c, blob->p, blob->n) != DW_OK) {
		dw_detect_free(c);
		return DW_EINVAL;
	}
	dw_detect_flush(c);
	dw_detect_free(c);
	return DW_OK;
}

int dw_session_parser_pending(const struct dw_session *s)
{
	return s->pblob_n != 0;
}

int dw_session_parser(struct dw_session *s, struct dw_parser *p)
{
	int rc;

	if (!s->pblob_n)
		return DW_OK;
	rc = dw_parser_load(p, s->pblob, s->pblob_n);
	s->pblob_n = 0; /* one parser takes it */
	if (rc != DW_OK)
		fprintf(stderr, "dwell: database: the saved sshd connection state is damaged\n");
	return rc;
}

int dw_session_seam(struct dw_session *s, const struct dw_parser *p)
{
	struct dw_sb det;
	size_t at;
	int rc;

	dw_sb_init(&det, (size_t)1 << 31);
	dw_sb_reset(&s->seam);
	dw_sb_put(&s->seam, SEAM_MAGIC, 8);
	rc = dw_detect_save(s->d, &det);
	put64(&s->seam, det.n);
	dw_sb_put(&s->seam, det.p, det.n);
	at = s->seam.n;
	put64(&s->seam, 0);
	if (rc == DW_OK)
		rc = dw_parser_save(p, &s->seam);
	if (rc == DW_OK && !s->seam.toobig) {
		uint64_t pn = s->seam.n - at - 8;
		for (int i = 0; i < 8; i++)
			s->seam.p[at + (size_t)i] = (char)(pn >> (8 * i));
		s->seam_alerts = s->alerts.n;
		s->at_seam = 1;
	} else {
		rc = DW_ENOMEM;
		fprintf(stderr, "dwell: out of memory saving the state\n");
	}
	dw_sb_free(&det);
	return rc;
}

static int checkpoint(struct dw_session *s, int final, struct dw_alert_sink print)
{
	struct dw_store_ckpt c;
	struct dw_sb blob, open;
	struct dw_store_mark *marks = calloc(s->nin + 1, sizeof(*marks));
	struct dw_hour *hv = NULL;
	size_t nh = 0, nm = 0;
	int rc = DW_ENOMEM, with_open = final || s->follow;

	dw_sb_init(&blob, (size_t)1 << 31);
	dw_sb_init(&open, (size_t)1 << 31);
	memset(&c, 0, sizeof(c));
	if (final && s->at_seam) {
		/*
		 * the state is the seam's; the parser's flush went into the live
		 * detector after it: flush that too, and what came after the seam
		 * (printed as it came) is open
		 */
		dw_detect_flush(s->d);
		if (!marks || dw_hours_take(s->hours, &hv, &nh))
			goto fail;
		dw_sb_put(&blob, s->seam.p, s->seam.n);
		dw_sb_put(&open, s->alerts.p + s->seam_alerts, s->alerts.n - s->seam_alerts);
		s->alerts.n = s->seam_alerts;
		if (blob.toobig || open.toobig)
			goto fail;
	} else {
		if (!marks || dw_detect_save(s->d, &blob) != DW_OK ||
		    dw_hours_take(s->hours, &hv, &nh))
			goto fail;
		if (with_open && (rc = open_alerts(s, &blob, &open,
						   final ? print : (struct dw_alert_sink){0})))
			goto fail;
	}
	for (size_t i = 0; i < s->nin; i++)
		if (s->in[i].id && (s->in[i].upto > s->in[i].skip || final))
			marks[nm++] = (struct dw_store_mark){s->in[i].id, s->in[i].upto};
	for (size_t i = 0; i < s->nev; i++) { /* arena offsets to pointers */
		struct dw_store_event *e = &s->ev[i];
		e->user = s->evarena.p + (uintptr_t)e->user - 1;
		e->source = s->evarena.p + (uintptr_t)e->source - 1;
		e->file = s->evarena.p + (uintptr_t)e->file - 1;
		e->detail = s->evarena.p + (uintptr_t)e->detail - 1;
	}
	c.state = blob.p;
	c.state_n = blob.n;
	c.marks = marks;
	c.nmarks = nm;
	c.alerts = s->alerts.p;
	c.alerts_n = s->alerts.n;
	c.open = with_open ? (open.p ? open.p : "") : NULL;
	c.open_n = open.n;
	c.hours = hv;
	c.nhours = nh;
	c.events = s->ev;
	c.nevents = s->nev;
	c.events_read = s->read - s->read_ck;
	c.events_skipped = s->skipped - s->skipped_ck;
	rc = dw_store_checkpoint(s->st, &c, s->err, sizeof(s->err));
	if (rc != DW_OK) {
		fprintf(stderr, "dwell: database: %s\n", s->err);
		goto fail;
	}
	s->ev_kept += s->nev;
	s->nev = 0;
	dw_sb_reset(&s->evarena);
	dw_sb_reset(&s->alerts);
	s->read_ck = s->read;
	s->skipped_ck = s->skipped;
	s->last_ck = mono_s();
	if (with_open) {
		struct dw_incidents *b = NULL;
		struct dw_sb lines;
		dw_sb_init(&lines, (size_t)1 << 31);
		rc = dw_incidents_new(&b, DW_CLI_INCIDENTS_MAX);
		if (rc == DW_OK) {
			/* incidents evicted at the cap keep their lines (and the first ids) */
			dw_incidents_on_evict(b, dw_session_keep_line, &lines);
			rc = dw_session_incidents(s->st, b, NULL);
		}
		if (rc == DW_OK) {
			dw_incidents_json(b, &lines);
			rc = dw_store_put_incidents(s->st, lines.p ? lines.p : "", lines.n, s->err,
						    sizeof(s->err));
			if (rc != DW_OK)
				fprintf(stderr, "dwell: database: %s\n", s->err);
		}
		dw_incidents_free(b);
		dw_sb_free(&lines);
	}
fail:
	if (rc == DW_ENOMEM)
		fprintf(stderr, "dwell: out of memory while writing the database\n");
	free(marks);
	free(hv);
	dw_sb_free(&blob);
	dw_sb_free(&open);
	return rc;
}

int dw_session_checkpoint(struct dw_session *s, int final, struct dw_alert_sink print)
{
	if (s->failed)
		return DW_EIO;
	return checkpoint(s, final, print);
}

int dw_session_tick(struct dw_session *s, int idle)
{
	double age = mono_s() - s->last_ck;

	if (s->failed)
		return DW_EIO;
	/* caught up with a followed log: at most one a second, so a restart loses little */
	if (age < (idle ? DW_MIN(1.0, s->every) : s->every))
		return DW_OK;
	if (s->read == s->read_ck && s->alerts.n == 0)
		return DW_OK;
	return dw_session_checkpoint(s, 0, (struct dw_alert_sink){0});
}

void dw_session_counts(const struct dw_session *s, uint64_t *skipped, uint64_t *kept,
		       uint64_t *dropped)
{
	*skipped = s->skipped;
	*kept = s->ev_kept;
	*dropped = s->ev_dropped;
}

struct dw_store *dw_session_store(struct dw_session *s)
{
	return s->st;
}
