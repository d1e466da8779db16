/*
 * alertjson.c - reads an alert back from its JSON line (the Alert contract
 * that dw_alert_json writes), so incidents can be rebuilt from the alerts a
 * database keeps. dw_alert_json(dw_alertjson_read(line)) gives the line
 * back byte for byte; a test holds it to that.
 *
 * struct dw_alert keeps kind, severity, detector and evidence keys as
 * pointers it does not own (static strings when a detector builds it), and
 * so does the incident builder. Here they point at names interned in one
 * static table, so they stay valid for the life of the process like the
 * detectors' own strings. At most ALJ_NAMES distinct names are interned
 * (kinds, detectors and evidence keys come from a few dozen in the code);
 * past that a line is refused rather than the table growing. Not
 * thread-safe: one thread reads alerts back.
 *
 * Memory: the token array (ALJ_TOKS * 20 bytes = 1.3 MiB) per reader, and
 * the static names (ALJ_NAMES * ALJ_NAME_MAX = 32 KiB).
 */
#include <stdlib.h>
#include <string.h>

#include "../core/tm.h"
#include "../event/event.h"
#include "../parse/json.h"
#include "alertjson.h"

#define ALJ_TOKS 65536
#define ALJ_NAMES 512
#define ALJ_NAME_MAX 64

struct dw_alertjson {
	struct dw_json_tok *toks;
	char buf[4096]; /* one decoded string */
};

static char names[ALJ_NAMES][ALJ_NAME_MAX];
static size_t nnames;

int dw_alertjson_new(struct dw_alertjson **out)
{
	struct dw_alertjson *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r || !(r->toks = malloc(sizeof(*r->toks) * ALJ_TOKS))) {
		free(r);
		return DW_ENOMEM;
	}
	*out = r;
	return DW_OK;
}

void dw_alertjson_free(struct dw_alertjson *r)
{
	if (!r)
		return;
	free(r->toks);
	free(r);
}

/* The interned copy of s[0..n), or NULL (too long, too many names, no memory). */
static const char *intern(const char *s, size_t n)
{
	if (n == 0 || n >= ALJ_NAME_MAX)
		return NULL;
	/* kinds, severities, detectors and evidence keys are identifiers */
	for (size_t i = 0; i < n; i++)
		if (!dw_isdigit(s[i]) && !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') &&
		    s[i] != '_' && s[i] != '.' && s[i] != '-')
			return NULL;
	for (size_t i = 0; i < nnames; i++)
		if (strncmp(names[i], s, n) == 0 && names[i][n] == 0)
			return names[i];
	if (nnames == ALJ_NAMES)
		return NULL;
	memcpy(names[nnames], s, n);
	names[nnames][n] = 0;
	return names[nnames++];
}

static struct dw_slice str(struct dw_alertjson *r, const struct dw_json *j, int t)
{
	return dw_json_str(j, t, r->buf, sizeof(r->buf));
}

static const char *name(struct dw_alertjson *r, const struct dw_json *j, int obj, const char *key)
{
	int t = dw_json_get(j, obj, key);
	struct dw_slice v;

	if (dw_json_type(j, t) != DW_JSON_STRING)
		return NULL;
	v = str(r, j, t);
	return intern(v.p, v.n);
}

static int get_u64(const struct dw_json *j, int obj, const char *key, uint64_t *v)
{
	int t = dw_json_get(j, obj, key);
	int64_t x;

	*v = 0;
	if (t < 0)
		return DW_OK;
	if (dw_json_type(j, t) != DW_JSON_NUMBER || dw_json_i64(j, t, &x) != DW_OK || x < 0)
		return DW_EINVAL;
	*v = (uint64_t)x;
	return DW_OK;
}

static int get_ts(struct dw_alertjson *r, const struct dw_json *j, int obj, const char *key,
		  int64_t *ts)
{
	int t = dw_json_get(j, obj, key);
	struct dw_slice v;
	int prec;

	*ts = DW_TS_NONE;
	if (t < 0 || dw_json_type(j, t) == DW_JSON_NULL)
		return DW_OK;
	if (dw_json_type(j, t) != DW_JSON_STRING)
		return DW_EINVAL;
	v = str(r, j, t);
	return dw_tm_parse_rfc3339_all(v.p, v.n, ts, &prec) == DW_OK ? DW_OK : DW_EINVAL;
}

/* Members of array key into l; total from key_total when given, else the members. */
static int get_list(struct dw_alertjson *r, const struct dw_json *j, int obj, const char *key,
		    const char *total_key, struct dw_strlist *l)
{
	int t = dw_json_get(j, obj, key);
	uint64_t total;

	if (t < 0)
		return DW_OK;
	if (dw_json_type(j, t) != DW_JSON_ARRAY)
		return DW_EINVAL;
	for (uint32_t i = 0;; i++) {
		int m = dw_json_index(j, t, i);
		struct dw_slice v;
		if (m < 0)
			break;
		if (dw_json_type(j, m) != DW_JSON_STRING)
			return DW_EINVAL;
		v = str(r, j, m);
		if (dw_strlist_add(l, v.p, v.n) == DW_ENOMEM)
			return DW_ENOMEM;
	}
	if (total_key) {
		if (get_u64(j, obj, total_key, &total) != DW_OK)
			return DW_EINVAL;
		if (total > l->total)
			l->total = total;
	}
	return DW_OK;
}

int dw_alertjson_read(struct dw_alertjson *r, const char *p, size_t n, struct dw_alert *a)
{
	struct dw_json j;
	const char *kind, *sev, *det;
	int t, rc;

	dw_json_init(&j, r->toks, ALJ_TOKS);
	memset(a, 0, sizeof(*a));
	if (dw_json_parse(&j, p, n) != DW_OK || dw_json_type(&j, 0) != DW_JSON_OBJECT)
		return DW_EINVAL;
	kind = name(r, &j, 0, "kind");
	sev = name(r, &j, 0, "severity");
	det = name(r, &j, 0, "detector");
	if (!kind || !sev || !det)
		return DW_EINVAL;
	dw_alert_init(a, kind, sev, det);
	rc = DW_EINVAL;
	if (get_ts(r, &j, 0, "first_seen", &a->first_seen) != DW_OK ||
	    get_ts(r, &j, 0, "last_seen", &a->last_seen) != DW_OK ||
	    get_u64(&j, 0, "attempts", &a->attempts) != DW_OK ||
	    get_u64(&j, 0, "successes", &a->successes) != DW_OK ||
	    get_list(r, &j, 0, "sources", "sources_total", &a->sources) != DW_OK ||
	    get_list(r, &j, 0, "users", "users_total", &a->users) != DW_OK ||
	    get_list(r, &j, 0, "compromised", NULL, &a->compromised) != DW_OK ||
	    get_list(r, &j, 0, "destinations", NULL, &a->destinations) != DW_OK)
		goto fail;
	if ((t = dw_json_get(&j, 0, "bytes_out")) >= 0) {
		if (get_u64(&j, 0, "bytes_out", &a->bytes_out) != DW_OK)
			goto fail;
		a->has_bytes_out = 1;
	}
	if ((t = dw_json_get(&j, 0, "log")) >= 0) {
		if (dw_json_type(&j, t) != DW_JSON_ARRAY)
			goto fail;
		for (uint32_t i = 0;; i++) {
			int m = dw_json_index(&j, t, i), lg;
			struct dw_slice v;
			char nm[32];
			if (m < 0)
				break;
			v = str(r, &j, m);
			if (dw_json_type(&j, m) != DW_JSON_STRING || v.n >= sizeof(nm))
				goto fail;
			memcpy(nm, v.p, v.n);
			nm[v.n] = 0;
			if ((lg = dw_log_from_name(nm)) >= 0 && lg < 32)
				a->logs |= 1u << lg;
		}
	}
	if ((t = dw_json_get(&j, 0, "evidence")) >= 0) {
		if (dw_json_type(&j, t) != DW_JSON_OBJECT)
			goto fail;
		/* members: key token then value token, walked in order */
		for (uint32_t k = (uint32_t)t + 1, i = 0; i < j.t[t].size; i++) {
			struct dw_slice kv = str(r, &j, (int)k);
			const char *key = intern(kv.p, kv.n);
			int v = (int)j.t[k].next;
			int64_t x;
			if (!key || v >= (int)j.n)
				goto fail;
			if (dw_json_type(&j, v) == DW_JSON_STRING) {
				struct dw_slice sv = str(r, &j, v);
				char tmp[64];
				size_t c = DW_MIN(sv.n, sizeof(tmp) - 1);
				/* cut where a character starts, as the writer would read it back */
				while (c < sv.n && c > 0 && ((unsigned char)sv.p[c] & 0xc0) == 0x80)
					c--;
				memcpy(tmp, sv.p, c);
				tmp[c] = 0;
				dw_alert_evidence_str(a, key, tmp);
			} else if (dw_json_i64(&j, v, &x) == DW_OK) {
				dw_alert_evidence_num(a, key, x);
			} else {
				goto fail;
			}
			k = j.t[v].next;
		}
	}
	return DW_OK;
fail:
	dw_alert_free(a);
	memset(a, 0, sizeof(*a));
	return rc;
}
