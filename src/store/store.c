/*
 * store.c - the SQLite store (see store.h for what it keeps and why).
 *
 * Schema (version DW_STORE_SCHEMA, in PRAGMA user_version; `migrations[k]`
 * takes a database from version k to k + 1, each in its own transaction):
 *
 *   dwell_meta(key, value)         created, writer: marks a dwell database
 *   scans(id, started, finished, events_read, events_skipped, alerts)
 *   inputs(id, fp, fp_len, path, upto, first_scan, last_scan)
 *                                  fp = FNV-1a 64 of the first fp_len bytes
 *                                  (at most FP_MAX) of the decompressed input;
 *                                  upto = how far its events are in the state
 *   state(id = 1, saved, blob)     the detector state (dw_detect_save)
 *   alerts(id, scan, kind, first_seen, last_seen, json)   final alerts, in
 *                                  the order found
 *   open_alerts(...)               the same columns: alerts still open when
 *                                  the last run ended; replaced every run
 *   incidents(id, status, first_seen, last_seen, dwell_seconds,
 *             accounts_to_reset, json)   rebuilt from the alerts
 *   hours(hour, failures, successes, sessions)   hours since the epoch
 *   events(id, ts, action, user, source, file, line, detail)
 *
 * Why these guarantees hold:
 *   - a second writer: flock(LOCK_EX | LOCK_NB) on the database file for the
 *     writer's life (released by the kernel if the process dies);
 *   - a crash: every checkpoint is one BEGIN IMMEDIATE ... COMMIT, so the
 *     database holds the previous checkpoint or the new one, never a mix;
 *   - readers during a scan: WAL journal, readers see the last commit;
 *   - damage: PRAGMA quick_check before a writer touches anything;
 *   - newer schema: refused before any write; older: migrated in a
 *     transaction.
 *
 * Memory: one row at a time, except dw_store_hours (the caller's array: 32
 * bytes per hour with data, 280 KiB per year) and the state blob (its size),
 * plus SQLite's page cache, pinned at 2 MiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "../core/tm.h"
#include "../parse/json.h"
#include "store.h"

#define FP_MAX 4096
#define EVTX_FP_AT 4608 /* first chunk's first record: written once */

struct dw_store {
	sqlite3 *db;
	int lockfd;
	int mode;
	int64_t scan; /* this run's scans row, 0 before its first checkpoint */
	void *state;
	size_t state_n;
	struct dw_json_tok *toks; /* TOKS: enough for an alert's four full lists */
};

#define TOKS 65536

static const char *const migrations[DW_STORE_SCHEMA] = {
	/* 0 -> 1 */
	"CREATE TABLE dwell_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT INTO dwell_meta VALUES('created', strftime('%Y-%m-%dT%H:%M:%SZ','now'));"
	"INSERT INTO dwell_meta VALUES('writer', 'dwell');"
	"CREATE TABLE scans(id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT,"
	" events_read INTEGER NOT NULL DEFAULT 0, events_skipped INTEGER NOT NULL DEFAULT 0,"
	" alerts INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE inputs(id INTEGER PRIMARY KEY, fp TEXT NOT NULL, fp_len INTEGER NOT NULL,"
	" path TEXT NOT NULL, upto INTEGER NOT NULL DEFAULT 0, first_scan INTEGER,"
	" last_scan INTEGER, UNIQUE(fp, fp_len));"
	"CREATE TABLE state(id INTEGER PRIMARY KEY CHECK (id = 1), saved TEXT NOT NULL,"
	" blob BLOB NOT NULL);"
	"CREATE TABLE alerts(id INTEGER PRIMARY KEY, scan INTEGER NOT NULL, kind TEXT NOT NULL,"
	" first_seen TEXT, last_seen TEXT, json TEXT NOT NULL);"
	"CREATE TABLE open_alerts(id INTEGER PRIMARY KEY, scan INTEGER NOT NULL,"
	" kind TEXT NOT NULL, first_seen TEXT, last_seen TEXT, json TEXT NOT NULL);"
	"CREATE TABLE incidents(id INTEGER PRIMARY KEY, status TEXT NOT NULL, first_seen TEXT,"
	" last_seen TEXT, dwell_seconds INTEGER, accounts_to_reset TEXT, json TEXT NOT NULL);"
	"CREATE TABLE hours(hour INTEGER PRIMARY KEY, failures INTEGER NOT NULL,"
	" successes INTEGER NOT NULL, sessions INTEGER NOT NULL);"
	"CREATE TABLE events(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, action TEXT NOT NULL,"
	" user TEXT, source TEXT, file TEXT, line INTEGER, detail TEXT);"
	"CREATE INDEX events_user ON events(user, ts);"
	"CREATE INDEX events_source ON events(source, ts);",
};

static void say(char *err, size_t errsz, const char *fmt, const char *a, const char *b)
{
	if (err && errsz)
		snprintf(err, errsz, fmt, a, b ? b : "");
}

static int exec(struct dw_store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? DW_OK : DW_EIO;
}

/* One integer from a query (*v untouched if no row). */
static int query_i64(struct dw_store *s, const char *sql, int64_t *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return DW_EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DW_OK : DW_EIO;
}

/* The schema checks and migrations of a writer. */
static int prepare_schema(struct dw_store *s, const char *path, char *err, size_t errsz)
{
	int64_t ver = -1, tables = 0, ours = 0;

	if (query_i64(s, "PRAGMA user_version", &ver) != DW_OK ||
	    query_i64(s, "SELECT count(*) FROM sqlite_master", &tables) != DW_OK) {
		say(err, errsz, "%s: not a dwell database (or damaged): %s", path,
		    sqlite3_errmsg(s->db));
		return DW_EINVAL;
	}
	if (ver > DW_STORE_SCHEMA) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", (long long)ver);
		say(err, errsz, "%s: written by a newer dwell (schema %s); upgrade dwell to use it",
		    path, v);
		return DW_EINVAL;
	}
	if (tables > 0 &&
	    query_i64(s, "SELECT count(*) FROM sqlite_master WHERE name = 'dwell_meta'", &ours) !=
		    DW_OK)
		return DW_EIO;
	if (tables > 0 && (!ours || ver < 1)) {
		say(err, errsz, "%s: a SQLite database, but not dwell's: not touching it%s", path,
		    NULL);
		return DW_EINVAL;
	}
	if (s->mode != DW_STORE_WRITE) {
		if (ver < 1) {
			say(err, errsz, "%s: no dwell database here (run dwell scan --db first)%s",
			    path, NULL);
			return DW_ENOENT;
		}
		if (ver < DW_STORE_SCHEMA) {
			say(err, errsz, "%s: an older schema; open it once with dwell scan --db to "
					"migrate it%s", path, NULL);
			return DW_EINVAL;
		}
		return DW_OK;
	}
	if (ver > 0) {
		sqlite3_stmt *st;
		int ok = 0;

		if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK) {
			ok = sqlite3_step(st) == SQLITE_ROW &&
			     strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
			sqlite3_finalize(st);
		}
		if (!ok) {
			say(err, errsz, "%s: the database is damaged (quick_check failed); keep it for "
					"inspection and scan into a new one%s", path, NULL);
			return DW_EINVAL;
		}
	}
	if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
		goto io;
	for (int64_t v = ver; v < DW_STORE_SCHEMA; v++) {
		char sql[64];
		if (exec(s, "BEGIN IMMEDIATE") != DW_OK)
			goto io;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %lld", (long long)(v + 1));
		if (exec(s, migrations[v]) != DW_OK || exec(s, sql) != DW_OK) {
			say(err, errsz, "%s: migrating the schema failed: %s", path,
			    sqlite3_errmsg(s->db));
			exec(s, "ROLLBACK");
			return DW_EIO;
		}
		if (exec(s, "COMMIT") != DW_OK)
			goto io;
	}
	return DW_OK;
io:
	say(err, errsz, "%s: %s", path, sqlite3_errmsg(s->db));
	return DW_EIO;
}

int dw_store_open(struct dw_store **out, const char *path, int mode, char *err, size_t errsz)
{
	struct dw_store *s;
	int flags, rc;
	struct stat sb;
	int exists = stat(path, &sb) == 0;

	*out = NULL;
	if (mode == DW_STORE_READ && !exists) {
		say(err, errsz, "%s: %s", path, strerror(errno));
		return DW_ENOENT;
	}
	if (exists && !S_ISREG(sb.st_mode)) {
		say(err, errsz, "%s: not a regular file%s", path, NULL);
		return DW_EINVAL;
	}
	if (mode == DW_STORE_WRITE && exists && access(path, W_OK) != 0) {
		say(err, errsz, "%s: read-only (%s): a scan must be able to write its database", path,
		    strerror(errno));
		return DW_EIO;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		say(err, errsz, "%s: out of memory%s", path, NULL);
		return DW_ENOMEM;
	}
	s->lockfd = -1;
	s->mode = mode;
	s->toks = malloc(sizeof(*s->toks) * TOKS);
	if (!s->toks) {
		free(s);
		say(err, errsz, "%s: out of memory%s", path, NULL);
		return DW_ENOMEM;
	}
	flags = mode == DW_STORE_WRITE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
				       : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		say(err, errsz, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
		rc = DW_EIO;
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	/* the page cache: 2 MiB whatever the file's size (SQLite's default, pinned here) */
	exec(s, "PRAGMA cache_size = -2000");
	if (mode == DW_STORE_WRITE) {
		s->lockfd = open(path, O_RDWR | O_CLOEXEC);
		if (s->lockfd < 0 || flock(s->lockfd, LOCK_EX | LOCK_NB) != 0) {
			if (errno == EWOULDBLOCK)
				say(err, errsz, "%s: locked: another dwell scan is writing it%s", path,
				    NULL);
			else
				say(err, errsz, "%s: %s", path, strerror(errno));
			rc = DW_EIO;
			goto fail;
		}
		if (sqlite3_db_readonly(s->db, "main") == 1) {
			say(err, errsz, "%s: read-only: a scan must be able to write its database%s",
			    path, NULL);
			rc = DW_EIO;
			goto fail;
		}
		exec(s, "PRAGMA synchronous=NORMAL");
	}
	rc = prepare_schema(s, path, err, errsz);
	if (rc != DW_OK)
		goto fail;
	*out = s;
	return DW_OK;
fail:
	/* a database file we created but never initialised is left empty: remove it */
	dw_store_close(s);
	if (mode == DW_STORE_WRITE && !exists)
		unlink(path);
	return rc;
}

void dw_store_close(struct dw_store *s)
{
	if (!s)
		return;
	if (s->db)
		sqlite3_close(s->db);
	if (s->lockfd >= 0)
		close(s->lockfd); /* releases the flock */
	free(s->state);
	free(s->toks);
	free(s);
}

int dw_store_state(struct dw_store *s, const void **p, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*p = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT blob FROM state WHERE id = 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return DW_EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		const void *b = sqlite3_column_blob(st, 0);
		free(s->state);
		s->state = malloc(len ? len : 1);
		if (!s->state) {
			sqlite3_finalize(st);
			return DW_ENOMEM;
		}
		if (len)
			memcpy(s->state, b, len);
		s->state_n = len;
		*p = s->state;
		*n = len;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DW_OK : DW_EIO;
}

static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The first (up to) FP_MAX bytes of the input's content; returns how many, -1 on error. */
static long read_head(const char *path, unsigned char *buf)
{
	unsigned char magic[8];
	FILE *f = fopen(path, "rb");
	size_t got;
	gzFile z;
	long n;

	if (!f)
		return -1;
	got = fread(magic, 1, sizeof(magic), f);
	if (got == 8 && memcmp(magic, "ElfFile", 8) == 0) {
		/* .evtx: the file header changes as the log grows; the first record does not */
		n = fseek(f, EVTX_FP_AT, SEEK_SET) == 0 ? (long)fread(buf, 1, 512, f) : 0;
		fclose(f);
		return n;
	}
	fclose(f);
	z = gzopen(path, "rb");
	if (!z)
		return -1;
	n = gzread(z, buf, FP_MAX);
	gzclose(z);
	return n;
}

int dw_store_input(struct dw_store *s, const char *path, int64_t *id, uint64_t *skip)
{
	unsigned char head[FP_MAX];
	char fp[17];
	long n;
	sqlite3_stmt *lens = NULL, *find = NULL, *st = NULL;
	int rc = DW_EIO, found = 0;

	*id = 0;
	*skip = 0;
	if (!strcmp(path, "-"))
		return DW_ENOENT;
	n = read_head(path, head);
	if (n <= 0)
		return DW_ENOENT;
	/* rows fingerprinted while their file was shorter than FP_MAX match a prefix */
	if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT fp_len FROM inputs WHERE fp_len <= ?1"
				      " ORDER BY fp_len DESC", -1, &lens, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "SELECT id, upto FROM inputs WHERE fp = ?1 AND fp_len = ?2",
			       -1, &find, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(lens, 1, n);
	while (!found && sqlite3_step(lens) == SQLITE_ROW) {
		long len = (long)sqlite3_column_int64(lens, 0);
		if (len <= 0 || len > n)
			continue;
		snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)fnv(head, (size_t)len));
		sqlite3_reset(find);
		sqlite3_bind_text(find, 1, fp, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(find, 2, len);
		if (sqlite3_step(find) == SQLITE_ROW) {
			*id = sqlite3_column_int64(find, 0);
			*skip = (uint64_t)sqlite3_column_int64(find, 1);
			found = len == n ? 1 : 2; /* 2: grown since: fingerprint the longer head */
		}
	}
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)fnv(head, (size_t)n));
	if (found == 2) {
		if (sqlite3_prepare_v2(s->db, "UPDATE OR IGNORE inputs SET fp = ?1, fp_len = ?2,"
					      " path = ?3 WHERE id = ?4", -1, &st, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(st, 4, *id);
	} else if (found) {
		if (sqlite3_prepare_v2(s->db, "UPDATE inputs SET path = ?3 WHERE id = ?4", -1, &st,
				       NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(st, 4, *id);
	} else if (sqlite3_prepare_v2(s->db, "INSERT INTO inputs(fp, fp_len, path) VALUES(?1, ?2, ?3)",
				      -1, &st, NULL) != SQLITE_OK) {
		goto fail;
	}
	if (found != 1) {
		sqlite3_bind_text(st, 1, fp, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, n);
	}
	sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	if (!found)
		*id = sqlite3_last_insert_rowid(s->db);
	rc = DW_OK;
fail:
	sqlite3_finalize(lens);
	sqlite3_finalize(find);
	sqlite3_finalize(st);
	return rc;
}

/* The next line of p[0..*n) (without its '\n') into *line; advances p and n. 0 at the end. */
static int next_line(const char **p, size_t *n, struct dw_slice *line)
{
	const char *nl;
	size_t len;

	if (*n == 0)
		return 0;
	nl = memchr(*p, '\n', *n);
	len = nl ? (size_t)(nl - *p) : *n;
	line->p = *p;
	line->n = len;
	len += nl ? 1 : 0;
	*p += len;
	*n -= len;
	return 1;
}

/* kind, first_seen and last_seen of an alert's JSON, for the columns. */
static void alert_cols(struct dw_store *s, const char *p, size_t n, struct dw_slice *kind,
		       struct dw_slice *fs, struct dw_slice *ls)
{
	struct dw_json j;
	int t;

	kind->p = fs->p = ls->p = "";
	kind->n = fs->n = ls->n = 0;
	dw_json_init(&j, s->toks, TOKS);
	if (dw_json_parse(&j, p, n) != DW_OK)
		return;
	if ((t = dw_json_get(&j, 0, "kind")) > 0)
		*kind = dw_json_raw(&j, t);
	if ((t = dw_json_get(&j, 0, "first_seen")) > 0)
		*fs = dw_json_raw(&j, t);
	if ((t = dw_json_get(&j, 0, "last_seen")) > 0)
		*ls = dw_json_raw(&j, t);
}

/* Inserts the JSON lines of p[0..n) into table (alerts or open_alerts). */
static int put_alerts(struct dw_store *s, const char *table, const char *p, size_t n,
		      int64_t *count)
{
	char sql[160];
	sqlite3_stmt *st;
	int rc = DW_OK;

	snprintf(sql, sizeof(sql), "INSERT INTO %s(scan, kind, first_seen, last_seen, json)"
				   " VALUES(?1, ?2, ?3, ?4, ?5)", table);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return DW_EIO;
	struct dw_slice line;

	while (rc == DW_OK && next_line(&p, &n, &line)) {
		struct dw_slice k, fs, ls;

		if (line.n == 0)
			continue;
		alert_cols(s, line.p, line.n, &k, &fs, &ls);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, s->scan);
		sqlite3_bind_text(st, 2, k.p, (int)k.n, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, fs.p, (int)fs.n, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, ls.p, (int)ls.n, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, line.p, (int)line.n, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = DW_EIO;
		(*count)++;
	}
	sqlite3_finalize(st);
	return rc;
}

static int put_rows(struct dw_store *s, const struct dw_store_ckpt *c)
{
	sqlite3_stmt *st = NULL;
	int rc = DW_EIO;

	if (sqlite3_prepare_v2(s->db, "UPDATE inputs SET upto = max(upto, ?1), last_scan = ?2,"
				      " first_scan = coalesce(first_scan, ?2) WHERE id = ?3",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < c->nmarks; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (int64_t)c->marks[i].upto);
		sqlite3_bind_int64(st, 2, s->scan);
		sqlite3_bind_int64(st, 3, c->marks[i].id);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db, "INSERT INTO hours VALUES(?1, ?2, ?3, ?4) ON CONFLICT(hour)"
				      " DO UPDATE SET failures = failures + ?2,"
				      " successes = successes + ?3, sessions = sessions + ?4",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < c->nhours; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, c->hours[i].hour);
		sqlite3_bind_int64(st, 2, (int64_t)c->hours[i].failures);
		sqlite3_bind_int64(st, 3, (int64_t)c->hours[i].successes);
		sqlite3_bind_int64(st, 4, (int64_t)c->hours[i].sessions);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db, "INSERT INTO events(ts, action, user, source, file, line,"
				      " detail) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < c->nevents; i++) {
		const struct dw_store_event *e = &c->events[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, e->ts);
		sqlite3_bind_text(st, 2, e->action, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, e->user, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, e->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, e->file, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, (int64_t)e->line);
		sqlite3_bind_text(st, 7, e->detail, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
	}
	rc = DW_OK;
fail:
	sqlite3_finalize(st);
	return rc;
}

/*
 * Ends a write transaction: finalizes st (may be NULL), then COMMIT if ok,
 * else (or if the commit fails) ROLLBACK with a sentence in err. DW_OK / DW_EIO.
 */
static int end_write(struct dw_store *s, sqlite3_stmt *st, int ok, char *err, size_t errsz)
{
	sqlite3_finalize(st);
	if (ok && exec(s, "COMMIT") == DW_OK)
		return DW_OK;
	say(err, errsz, "writing the database failed: %s%s", sqlite3_errmsg(s->db), NULL);
	exec(s, "ROLLBACK");
	return DW_EIO;
}

int dw_store_checkpoint(struct dw_store *s, const struct dw_store_ckpt *c, char *err,
			size_t errsz)
{
	sqlite3_stmt *st = NULL;
	int64_t nalerts = 0, nopen = 0;

	if (exec(s, "BEGIN IMMEDIATE") != DW_OK)
		goto fail;
	if (!s->scan) {
		if (exec(s, "INSERT INTO scans(started) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'))") !=
		    DW_OK)
			goto fail;
		s->scan = sqlite3_last_insert_rowid(s->db);
	}
	if (c->state &&
	    (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO state VALUES(1,"
				       " strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?1)",
				-1, &st, NULL) != SQLITE_OK ||
	     sqlite3_bind_blob64(st, 1, c->state, c->state_n, SQLITE_STATIC) != SQLITE_OK ||
	     sqlite3_step(st) != SQLITE_DONE))
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (put_rows(s, c) != DW_OK || put_alerts(s, "alerts", c->alerts, c->alerts_n, &nalerts))
		goto fail;
	if (c->open && (exec(s, "DELETE FROM open_alerts") != DW_OK ||
			put_alerts(s, "open_alerts", c->open, c->open_n, &nopen) != DW_OK))
		goto fail;
	if (sqlite3_prepare_v2(s->db, "UPDATE scans SET finished = strftime('%Y-%m-%dT%H:%M:%SZ',"
				      "'now'), events_read = events_read + ?1, events_skipped ="
				      " events_skipped + ?2, alerts = alerts + ?3 WHERE id = ?4",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, (int64_t)c->events_read);
	sqlite3_bind_int64(st, 2, (int64_t)c->events_skipped);
	sqlite3_bind_int64(st, 3, nalerts);
	sqlite3_bind_int64(st, 4, s->scan);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	return end_write(s, st, 1, err, errsz);
fail:
	return end_write(s, st, 0, err, errsz);
}

int dw_store_put_incidents(struct dw_store *s, const char *p, size_t n, char *err, size_t errsz)
{
	static const char *const keys[] = {"id", "status", "first_seen", "last_seen",
					   "dwell_seconds", "accounts_to_reset"};
	sqlite3_stmt *st = NULL;
	struct dw_slice line;
	struct dw_json j;

	if (exec(s, "BEGIN IMMEDIATE") != DW_OK || exec(s, "DELETE FROM incidents") != DW_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO incidents VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while (next_line(&p, &n, &line)) {
		dw_json_init(&j, s->toks, TOKS);
		if (line.n > 0 && dw_json_parse(&j, line.p, line.n) == DW_OK) {
			sqlite3_reset(st);
			for (int k = 0; k < 6; k++) {
				int t = dw_json_get(&j, 0, keys[k]);
				struct dw_slice v = t > 0 ? dw_json_raw(&j, t) : (struct dw_slice){"", 0};
				int64_t x;
				if (t > 0 && (k == 0 || k == 4) && dw_json_i64(&j, t, &x) == DW_OK)
					sqlite3_bind_int64(st, k + 1, x);
				else if (t > 0 && dw_json_type(&j, t) != DW_JSON_NULL)
					sqlite3_bind_text(st, k + 1, v.p, (int)v.n, SQLITE_TRANSIENT);
				else
					sqlite3_bind_null(st, k + 1);
			}
			sqlite3_bind_text(st, 7, line.p, (int)line.n, SQLITE_TRANSIENT);
			if (sqlite3_step(st) != SQLITE_DONE)
				goto fail;
		}
	}
	return end_write(s, st, 1, err, errsz);
fail:
	return end_write(s, st, 0, err, errsz);
}

int dw_store_alerts(struct dw_store *s, void (*fn)(void *ctx, const char *json, size_t n),
		    void *ctx)
{
	sqlite3_stmt *st;
	int rc;

	/* one read transaction: the final and the open alerts of the same checkpoint */
	if (exec(s, "BEGIN") != DW_OK)
		return DW_EIO;
	if (sqlite3_prepare_v2(s->db, "SELECT json FROM alerts UNION ALL"
				      " SELECT json FROM (SELECT json FROM open_alerts ORDER BY id)",
			       -1, &st, NULL) != SQLITE_OK) {
		exec(s, "ROLLBACK");
		return DW_EIO;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	exec(s, "COMMIT");
	return rc == SQLITE_DONE ? DW_OK : DW_EIO;
}

int dw_store_hours(struct dw_store *s, struct dw_hour **v, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT hour, failures, successes, sessions FROM hours"
				      " ORDER BY hour", -1, &st, NULL) != SQLITE_OK)
		return DW_EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct dw_hour *nv = realloc(*v, nc * sizeof(*nv));
			if (!nv) {
				sqlite3_finalize(st);
				return DW_ENOMEM;
			}
			*v = nv;
			cap = nc;
		}
		(*v)[*n].hour = sqlite3_column_int64(st, 0);
		(*v)[*n].failures = (uint64_t)sqlite3_column_int64(st, 1);
		(*v)[*n].successes = (uint64_t)sqlite3_column_int64(st, 2);
		(*v)[*n].sessions = (uint64_t)sqlite3_column_int64(st, 3);
		(*n)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? DW_OK : DW_EIO;
}

int dw_store_info(struct dw_store *s, struct dw_store_info *info)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	memset(info, 0, sizeof(*info));
	if (query_i64(s, "SELECT count(*) FROM scans", &info->scans) != DW_OK ||
	    query_i64(s, "SELECT count(*) FROM inputs", &info->inputs) != DW_OK ||
	    query_i64(s, "SELECT count(*) FROM alerts", &info->alerts) != DW_OK ||
	    query_i64(s, "SELECT count(*) FROM events", &info->events_kept) != DW_OK ||
	    query_i64(s, "SELECT coalesce(sum(events_read), 0) FROM scans", &v) != DW_OK)
		return DW_EIO;
	info->events_read = (uint64_t)v;
	if (sqlite3_prepare_v2(s->db, "SELECT finished FROM scans WHERE finished IS NOT NULL"
				      " ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return DW_EIO;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(info->last_scan, sizeof(info->last_scan), "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return DW_OK;
}

int dw_store_events(struct dw_store *s, const char *user, const char *source, size_t max,
		    void (*fn)(void *ctx, const struct dw_store_event *e), void *ctx)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, user ? "SELECT ts, action, user, source, file, line, detail"
					     " FROM events WHERE user = ?1 ORDER BY ts, id LIMIT ?2"
					   : "SELECT ts, action, user, source, file, line, detail"
					     " FROM events WHERE source = ?1 ORDER BY ts, id LIMIT ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return DW_EIO;
	sqlite3_bind_text(st, 1, user ? user : source ? source : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dw_store_event e;
		e.ts = sqlite3_column_int64(st, 0);
		e.action = (const char *)sqlite3_column_text(st, 1);
		e.user = (const char *)sqlite3_column_text(st, 2);
		e.source = (const char *)sqlite3_column_text(st, 3);
		e.file = (const char *)sqlite3_column_text(st, 4);
		e.line = (uint64_t)sqlite3_column_int64(st, 5);
		e.detail = (const char *)sqlite3_column_text(st, 6);
		fn(ctx, &e);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? DW_OK : DW_EIO;
}
