/*
 * detect.c - the detectors' front door (see detect.h and internal.h for the
 * file map): allowlists, the event clock, bucket ticks, and the alert batch.
 *
 * Clock: now = the newest event time seen; an older event is counted in
 * stats.out_of_order and processed with its own time for its own state but
 * never moves the clock back. Time advances in buckets of
 * distributed.bucket (10 min): when an event falls in a later bucket, each
 * bucket in between is ticked in order (distributed windows, campaign
 * state, then the episode queue: episodes quiet for episode.idle close).
 * A gap in the data is ticked bucket by bucket until every window is empty
 * (slow_window / bucket + 2 ticks at most), then jumped over.
 * Events without a time are counted and ignored.
 *
 * Alerts: detectors push finished alerts into the batch; at the end of each
 * dw_detect_event / dw_detect_flush call the batch is sorted by first_seen,
 * kind and first source (byte order) and emitted. Everything depends only
 * on the events, so the same input gives the same alerts in the same order.
 *
 * Record references: an alert's evidence names its key event's record
 * (dw_detect_evidence_ref), so a claim can be checked in the log: the input
 * name is interned once (a copy: events only borrow theirs) and the
 * detectors keep a 64-bit reference (internal.h) where they keep the key
 * event's time. Past DW_FILES_MAX names, events of new inputs get none.
 *
 * Memory: the batch holds the alerts of one call (a handful); the interned
 * names at most DW_FILES_MAX x (8 + DW_FILE_NAME_MAX) = 1 MiB; tables and
 * rings are accounted in source.c, distributed.c and compromise.c.
 */
#include <stdlib.h>

#include "internal.h"

uint64_t dw_detect_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	/* final mix so low bits depend on every byte */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

size_t dw_detect_src_text(const void *key, size_t klen, char *buf, size_t bufsz)
{
	const uint8_t *k = key;
	struct dw_ip ip;
	size_t n;

	if (klen == 5 && k[0] == 4) {
		memset(&ip, 0, sizeof(ip));
		memcpy(&ip, k, 5);
		return dw_ip_format(&ip, buf);
	}
	if (klen == 17 && k[0] == 6) {
		memcpy(&ip, k, 17);
		return dw_ip_format(&ip, buf);
	}
	n = klen > 1 ? klen - 1 : 0;
	if (n >= bufsz)
		n = bufsz - 1;
	memcpy(buf, k + 1, n);
	buf[n] = 0;
	return n;
}

int dw_detect_new(struct dw_detect **out, const struct dw_config *cfg, struct dw_alert_sink sink)
{
	struct dw_detect *d = calloc(1, sizeof(*d));
	int rc;

	*out = NULL;
	if (!d)
		return DW_ENOMEM;
	d->cfg = cfg;
	d->sink = sink;
	d->now = DW_TS_NONE;
	d->bucket = -1;
	d->bucket_ns = cfg->dist_bucket;
	d->files = calloc(DW_FILES_MAX, sizeof(*d->files));
	if (!d->files) {
		rc = DW_ENOMEM;
		goto fail;
	}
	if ((rc = dw_source_init(d)) != DW_OK || (rc = dw_dist_init(d)) != DW_OK ||
	    (rc = dw_comp_init(d)) != DW_OK || (rc = dw_dedupe_init(d)) != DW_OK ||
	    (rc = dw_mfa_init(d)) != DW_OK || (rc = dw_lock_init(d)) != DW_OK ||
	    (rc = dw_access_init(d)) != DW_OK || (rc = dw_expl_init(d)) != DW_OK ||
	    (rc = dw_flow_init(d)) != DW_OK)
		goto fail;
	*out = d;
	return DW_OK;
fail:
	dw_detect_free(d);
	return rc;
}

static void batch_clear(struct dw_detect *d)
{
	for (size_t i = 0; i < d->batch.n; i++)
		dw_alert_free(&d->batch.v[i]);
	d->batch.n = 0;
}

void dw_detect_free(struct dw_detect *d)
{
	if (!d)
		return;
	/* modules whose tables' eviction callbacks push alerts go first */
	dw_flow_free(d);
	dw_access_free(d);
	dw_lock_free(d);
	dw_expl_free(d);
	dw_mfa_free(d);
	dw_dedupe_free(d);
	batch_clear(d);
	free(d->batch.v);
	dw_comp_free(d);
	dw_dist_free(d);
	dw_source_free(d);
	for (uint32_t i = 0; i < d->n_files; i++)
		free(d->files[i]);
	free(d->files);
	free(d);
}

uint32_t dw_detect_file(struct dw_detect *d, const char *f)
{
	uint32_t i;
	size_t n;

	if (!f)
		return 0;
	/* the same input name comes with every record of a file: one compare */
	if (f == d->file_last && strcmp(d->files[d->file_last_id - 1], f) == 0)
		return d->file_last_id;
	n = strnlen(f, DW_FILE_NAME_MAX - 1);
	for (i = 0; i < d->n_files; i++)
		if (strncmp(d->files[i], f, n) == 0 && d->files[i][n] == 0)
			break;
	if (i == d->n_files) {
		if (i == DW_FILES_MAX || (d->files[i] = malloc(n + 1)) == NULL)
			return 0;
		memcpy(d->files[i], f, n);
		d->files[i][n] = 0;
		d->n_files++;
	}
	d->file_last = f;
	d->file_last_id = i + 1;
	return i + 1;
}

const char *dw_detect_file_name(const struct dw_detect *d, uint32_t fid)
{
	return fid && fid <= d->n_files ? d->files[fid - 1] : NULL;
}

uint64_t dw_detect_ref(struct dw_detect *d, const struct dw_event *e)
{
	uint64_t num, flag = 0;
	uint32_t fid;

	/* an .evtx record: its line is its record id; a text record has a line */
	if ((e->has & DW_EV_HAS_RECORD_ID) &&
	    (!(e->has & DW_EV_HAS_LINE) || e->line == e->record_id)) {
		num = e->record_id;
		flag = DW_REF_RECORD;
	} else if (e->has & DW_EV_HAS_LINE) {
		num = e->line;
	} else {
		return 0;
	}
	if ((fid = dw_detect_file(d, e->file)) == 0)
		return 0;
	return (uint64_t)fid << 48 | flag | DW_MIN(num, DW_REF_NUM);
}

void dw_detect_evidence_ref(const struct dw_detect *d, struct dw_alert *a, uint64_t ref)
{
	const char *f = dw_detect_file_name(d, (uint32_t)(ref >> 48)), *slash;

	if (!f)
		return;
	slash = strrchr(f, '/');
	dw_alert_evidence_str(a, "file", slash && slash[1] ? slash + 1 : f);
	dw_alert_evidence_num(a, ref & DW_REF_RECORD ? "record_id" : "line",
			      (int64_t)(ref & DW_REF_NUM));
}

void dw_detect_push(struct dw_detect *d, struct dw_alert *a)
{
	if (d->batch.n == d->batch.cap) {
		size_t nc = d->batch.cap ? d->batch.cap * 2 : 8;
		struct dw_alert *nv = realloc(d->batch.v, nc * sizeof(*nv));
		if (!nv) {
			d->alerts_dropped++;
			dw_alert_free(a);
			return;
		}
		d->batch.v = nv;
		d->batch.cap = nc;
	}
	d->batch.v[d->batch.n++] = *a;
	memset(a, 0, sizeof(*a));
}

static const char *min_member(const struct dw_strlist *l)
{
	const char *m = "";

	for (size_t i = 0; i < l->n; i++)
		if (i == 0 || strcmp(l->v[i], m) < 0)
			m = l->v[i];
	return m;
}

static int cmp_alert(const void *x, const void *y)
{
	const struct dw_alert *a = x, *b = y;
	int r;

	if (a->first_seen != b->first_seen)
		return a->first_seen < b->first_seen ? -1 : 1;
	if ((r = strcmp(a->kind, b->kind)) != 0)
		return r;
	if ((r = strcmp(min_member(&a->sources), min_member(&b->sources))) != 0)
		return r;
	if ((r = strcmp(min_member(&a->users), min_member(&b->users))) != 0)
		return r;
	return strcmp(a->detector, b->detector);
}

static void batch_emit(struct dw_detect *d)
{
	if (d->batch.n == 0)
		return;
	/* qsort is not stable; the key above is total for distinct alerts */
	qsort(d->batch.v, d->batch.n, sizeof(d->batch.v[0]), cmp_alert);
	for (size_t i = 0; i < d->batch.n; i++)
		if (d->sink.emit)
			d->sink.emit(d->sink.ctx, &d->batch.v[i]);
	batch_clear(d);
}

/* Ticks every bucket boundary up to (not including) bucket b. */
static void advance(struct dw_detect *d, int64_t b)
{
	int64_t steps = 0;

	if (d->bucket < 0) {
		d->bucket = b;
		return;
	}
	while (d->bucket < b) {
		if (steps > d->ring_len + 1) {
			/* every window is empty by now: jump over the rest of the gap */
			d->bucket = b;
			dw_source_expire(d, b * d->bucket_ns, 0);
			dw_access_tick(d, b * d->bucket_ns, 0);
			dw_expl_tick(d, b * d->bucket_ns, 0);
			break;
		}
		dw_dist_tick(d, d->bucket, 0);
		dw_lock_tick(d, d->bucket, 0);
		d->bucket++;
		dw_source_expire(d, d->bucket * d->bucket_ns, 0);
		dw_access_tick(d, d->bucket * d->bucket_ns, 0);
		dw_expl_tick(d, d->bucket * d->bucket_ns, 0);
		steps++;
	}
}

static int allowlisted(const struct dw_detect *d, const struct dw_event *e)
{
	const struct dw_config *c = d->cfg;

	if (c->allow_ips.n && e->src_ip.fam && dw_config_allow_ip(c, &e->src_ip))
		return 1;
	if (c->n_allow_users && e->user.n && dw_config_allow_user(c, e->user.p, e->user.n))
		return 1;
	return 0;
}

/*
 * A NetScaler gateway login (SSLVPN / AAATM LOGIN) is the appliance's
 * record that the credentials (and any further factor) were accepted: it
 * is the success that follows a spray of AAA LOGIN_FAILED.
 */
static int gateway_login(const struct dw_event *e)
{
	return e->action == DW_ACT_SESSION_START && e->log == DW_LOG_NETSCALER;
}

/* 1 if a failure says the account is locked out (Kerberos 0x12 does not say: left out). */
static int lockout(const struct dw_event *e)
{
	return e->action == DW_ACT_LOCKOUT ||
	       (e->action == DW_ACT_AUTH_FAILURE && e->reason == DW_RSN_LOCKED &&
		!dw_slice_eq(e->protocol, "kerberos"));
}

/* 1 if a failure is a denied or failed MFA step (Entra 500121: strong authentication failed). */
static int mfa_denied(const struct dw_event *e)
{
	return e->action == DW_ACT_MFA_FAILURE || e->action == DW_ACT_MFA_PUSH_DENIED ||
	       (e->action == DW_ACT_AUTH_FAILURE && (e->log == DW_LOG_ENTRA || e->log == DW_LOG_O365) &&
		dw_slice_eq(e->code, "500121"));
}

/*
 * A non-interactive sign-in that failed (an expired or revoked refresh
 * token: Entra 50173, 50089, 70043, ...) is a client's token going stale,
 * not a guessed password: it feeds no attack detector. A legacy client
 * sends the password even there, so its failures still count.
 */
static int token_failure(const struct dw_event *e)
{
	return (e->has & DW_EV_NONINTERACTIVE) && !(e->has & DW_EV_LEGACY);
}

void dw_detect_auth(struct dw_detect *d, const struct dw_event *e)
{
	uint8_t key[DW_SRC_KEY_MAX];
	size_t klen = dw_source_key(e, key);

	if (e->action == DW_ACT_AUTH_SUCCESS || gateway_login(e)) {
		if (klen)
			dw_source_success(d, e, key, klen);
		dw_mfa_success(d, e, key, klen);
	} else if (dw_comp_proves_password(e)) {
		if (klen)
			dw_source_validated(d, e, key, klen);
	} else if (klen && !token_failure(e)) {
		dw_source_failure(d, e, key, klen);
	}
	if (mfa_denied(e))
		dw_mfa_failure(d, e);
	if (lockout(e))
		dw_lock_event(d, e, key, klen);
}

void dw_detect_event(struct dw_detect *d, const struct dw_event *e)
{
	uint8_t key[DW_SRC_KEY_MAX];
	size_t klen;

	d->st.events++;
	if (e->ts == DW_TS_NONE || e->ts < 0)
		return;
	if (d->now == DW_TS_NONE)
		d->first_ts = e->ts;
	if (d->now != DW_TS_NONE && e->ts < d->now)
		d->st.out_of_order++;
	else
		d->now = e->ts;
	advance(d, d->now / d->bucket_ns);
	if (d->hold)
		dw_dedupe_release(d, d->now, 0);
	if (d->defer_n)
		dw_comp_defer_run(d, d->now, 0);

	switch (e->action) {
	case DW_ACT_AUTH_FAILURE:
	case DW_ACT_AUTH_SUCCESS:
		if (e->action == DW_ACT_AUTH_FAILURE && e->reason == DW_RSN_NOISE) {
			d->st.noise++; /* machine accounts, ANONYMOUS LOGON, infrastructure statuses */
		} else if (allowlisted(d, e)) {
			d->st.allowlisted++;
		} else if (!dw_dedupe_check(d, e)) {
			dw_detect_auth(d, e);
		}
		break;
	case DW_ACT_MFA_FAILURE:
	case DW_ACT_MFA_PUSH_DENIED:
	case DW_ACT_MFA_SUCCESS:
	case DW_ACT_LOCKOUT:
		if (allowlisted(d, e)) {
			d->st.allowlisted++;
			break;
		}
		klen = dw_source_key(e, key);
		if (e->action == DW_ACT_MFA_SUCCESS)
			dw_mfa_success(d, e, key, klen);
		else if (e->action == DW_ACT_LOCKOUT)
			dw_lock_event(d, e, key, klen);
		else
			dw_mfa_failure(d, e);
		break;
	case DW_ACT_SESSION_START:
	case DW_ACT_SESSION_END:
	case DW_ACT_SHARE_ACCESS:
	case DW_ACT_EXPLICIT_CREDS:
		if (allowlisted(d, e)) {
			d->st.allowlisted++;
			break;
		}
		if (gateway_login(e))
			dw_detect_auth(d, e); /* judged first: a compromise opens the access report */
		if (e->action == DW_ACT_EXPLICIT_CREDS)
			dw_expl_event(d, e);
		klen = dw_source_key(e, key);
		dw_access_event(d, e, key, klen);
		if (e->assigned_ip.fam)
			dw_flow_vpn(d, e);
		break;
	case DW_ACT_FLOW:
		/* a flow is allowlisted by either end (a backup service's range, say) */
		if (allowlisted(d, e) ||
		    (d->cfg->allow_ips.n && dw_config_allow_ip(d->cfg, &e->dst_ip)))
			d->st.allowlisted++;
		else
			dw_flow_event(d, e);
		break;
	default:
		break;
	}
	batch_emit(d);
}

void dw_detect_flush(struct dw_detect *d)
{
	if (d->hold)
		dw_dedupe_release(d, d->now, 1);
	if (d->bucket >= 0) {
		dw_dist_tick(d, d->bucket, 1);
		dw_source_expire(d, d->now, 1);
		dw_lock_tick(d, d->bucket, 1);
		dw_comp_defer_run(d, d->now, 1);
		dw_access_tick(d, d->now, 1);
		dw_expl_tick(d, d->now, 1);
	}
	dw_flow_flush(d);
	batch_emit(d);
}

void dw_detect_stats(const struct dw_detect *d, struct dw_detect_stats *st)
{
	struct dw_table *t[] = {d->src,    d->pair, d->user, d->known, d->queue, d->qslow, d->comp,
				d->dedupe, d->mfa,  d->lock, d->acc,   d->share, d->expl,  d->explu,
				d->fhost,  d->fpair, d->fdest, d->vpn};

	*st = d->st;
	st->table_evicted = d->pend_overwritten + d->evicted_base;
	st->table_memuse = d->pend_cap * sizeof(struct dw_pend) +
			   (size_t)d->ring_len * (4 * sizeof(int32_t) + sizeof(uint32_t)) +
			   (size_t)(d->lock_len + 1) * sizeof(int32_t) + dw_dedupe_memuse(d);
	for (size_t i = 0; i < DW_ARRAY_LEN(t); i++) {
		if (!t[i])
			continue;
		st->table_evicted += dw_table_evicted(t[i]);
		st->table_memuse += dw_table_memuse(t[i]);
	}
}
