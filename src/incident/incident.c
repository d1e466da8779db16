/*
 * incident.c - links alerts into incidents (issue 6, in-memory part), and
 * renders them as JSON or as read-only views for the report writers.
 *
 * Which alerts link (by kind):
 *   attack      brute_force, password_spray, distributed_spray,
 *               credential_stuffing: sources and compromised
 *               (-> compromised) link; its users (-> targeted) do not - two
 *               sprays over the same staff list are two attacks - but a
 *               compromise, validated password or access of a targeted
 *               account links to the attack; attempts count.
 *   compromise  account_compromise, legacy_auth_success, mfa_fatigue:
 *               sources and users/compromised link; the accounts are
 *               compromised; first_seen starts the dwell clock
 *               (mfa_fatigue's attempts, the denials, count too).
 *   validated   password_validated: sources and users link; the accounts
 *               are password_validated (nothing got in, the password is
 *               known: they must be reset).
 *   access      new_access: users and sources link; destinations and
 *               bytes_out are kept.
 *   exfil       exfiltration, internal_staging: the same (sources are
 *               internal hosts, users the accounts of VPN sessions that
 *               held their address). bytes_out: exfil.slow reports add up
 *               (each carries the bytes since the last); exfil.burst and
 *               exfil.host describe bytes a slow report may also count, so
 *               the incident takes the larger of the two sums, never both.
 *   ignored     stale_credentials (never starts or joins an incident: it is
 *               hygiene, not an intrusion), lockout_storm (its users are up
 *               to thousands of locked accounts and its sources are domain
 *               controllers or caller computers: linking through them would
 *               glue unrelated incidents together), and any kind not listed
 *               here (a new kind must be added deliberately).
 * Any alert of a linking kind starts an incident when it shares nothing with
 * one held: status "intrusion" when some account is compromised (by a
 * compromise alert or an attack alert's compromised list), else
 * "exfiltration" when it holds exfil alerts (data left or was staged, and
 * no login explains it yet), else "attack" (including an incident whose
 * only news is a validated password).
 *
 * Linking: one hash index maps a key ("s" + source or "u" + account, exact
 * bytes) to a node owned by exactly one incident. An alert's keys are looked
 * up; every incident they hit is merged into the one with most nodes (the
 * merged incident keeps the smallest creation number), so linking is
 * transitive (A shares a source with B, B an account with C: one incident).
 * A node carries the account's flags (targeted/compromised/validated) and a
 * source's attempts: an attack alert's attempts are shared evenly among its
 * sources_total, rounded up (exact for single-source alerts).
 * dwell_seconds = last_seen of the incident - first_seen of its earliest
 * compromise alert, in whole seconds; 0 when nothing got in.
 *
 * Limits (exception policy: drop and count, never grow):
 *   - per incident at most DW_INCIDENT_SOURCES_MAX source nodes and
 *     DW_INCIDENT_ACCOUNTS_MAX account nodes; a member past the cap is not
 *     kept and does not link (members_cut). When a merge overflows, flagged
 *     accounts (compromised/validated) move first.
 *   - at most DW_INCIDENT_DEST_MAX destinations per incident (members_cut).
 *   - at most DW_INCIDENT_TIMELINE_MAX timeline entries; when full, a
 *     non-attack alert replaces the most recently kept attack alert,
 *     otherwise the alert is dropped (timeline_cut; "alerts" stays exact).
 *   - at most max_incidents incidents; a new one evicts the incident whose
 *     last activity is oldest (ties: oldest creation), which is handed to
 *     the on_evict callback as a JSON line first (evicted).
 * Memory: a node is ~48 bytes + key (alert members are <= 256 bytes), a
 * timeline entry ~100 bytes + up to 6 member copies. Worst case per
 * incident ~ 512 * 310 + 64 * 260 + 128 * 1.7 KiB ~ 390 KiB, so
 * max_incidents = 1000 bounds the builder at ~ 400 MiB worst case and a few
 * KiB per typical incident; the index has one pointer per node. A timeline
 * entry also copies its alert's evidence "file" (< 64 bytes), "line" and
 * "record_id" (the source log record, printed as "record").
 *
 * Output: the incidents are sorted into b->order once per change (any add
 * clears the mark); dw_incidents_view() fills a view pointing into one
 * fixed scratch per builder (the lists of one incident at their caps:
 * 256 + 256 sources/accounts * 16 bytes + 64 destinations * 8 + 128 events
 * * ~144 bytes ~ 27 KiB), which the JSON writer renders too, so the JSON and
 * the view cannot disagree.
 * Work: an alert costs O(members) lookups; an eviction scans the incidents
 * (O(max_incidents)), which only happens when one is started at the cap.
 */
#include "incident.h"

#include <stdlib.h>

#include "../core/tm.h"

enum role { R_IGNORE, R_ATTACK, R_COMPROMISE, R_VALIDATED, R_ACCESS, R_EXFIL };

enum {
	F_TARGETED = DW_INCIDENT_TARGETED,
	F_COMPROMISED = DW_INCIDENT_COMPROMISED,
	F_VALIDATED = DW_INCIDENT_VALIDATED,
};

struct node {
	struct node *hnext;  /* index chain */
	struct node *inext;  /* the owning incident's list */
	struct inc *inc;
	uint64_t attempts;
	uint32_t hash;
	uint8_t flags;
	size_t klen;         /* key length: type byte + member */
	char key[];          /* 's' or 'u', the member, NUL */
};

struct tl {
	int64_t t;
	uint64_t seq;        /* arrival: ties keep arrival order */
	const char *kind, *detector, *severity; /* static strings of the alert */
	int prio;            /* 0 attack, 1 anything else */
	uint64_t nsrc, nusers;
	char *m[2][DW_INCIDENT_TL_MEMBERS]; /* smallest sources, users */
	char *file;          /* evidence "file", or NULL */
	int has_line, has_rid;
	int64_t line, rid;   /* evidence "line", "record_id" */
};

struct inc {
	uint64_t seq;        /* creation number (the smallest of merged ones) */
	int64_t first, last, first_comp; /* first_comp: INT64_MAX if none */
	struct node *nodes;
	size_t n_src, n_acct;
	int got_in;          /* some account compromised (even if its node was cut) */
	uint32_t exfil;      /* exfiltration and internal_staging alerts */
	uint64_t alerts, bytes_out;
	uint64_t exfil_slow, exfil_other; /* exfiltration bytes (see the top comment) */
	int has_bytes;
	char *dest[DW_INCIDENT_DEST_MAX];
	size_t n_dest;
	struct tl *tl[DW_INCIDENT_TIMELINE_MAX];
	size_t n_tl;
	uint64_t cut_src, cut_acct, cut_dest, cut_tl;
	uint64_t mark;       /* add() stamp: already collected for this alert */
	size_t pos;          /* index in b->inc */
	const char *minsrc;  /* smallest source (computed for output) */
};

/* What a view points into: one incident's members, sorted (fixed size, see the top). */
struct scratch {
	struct dw_incident_source src[DW_INCIDENT_SOURCES_MAX];
	struct dw_incident_account acct[DW_INCIDENT_ACCOUNTS_MAX];
	const char *dest[DW_INCIDENT_DEST_MAX];
	struct dw_incident_event tl[DW_INCIDENT_TIMELINE_MAX];
};

struct dw_incidents {
	struct inc **inc;
	size_t n, max;
	struct inc **order;  /* b->inc in output order, when sorted is set */
	int sorted;          /* order is current (cleared by every add) */
	struct scratch *view;
	struct node **bucket;
	size_t nb, nodes;
	uint64_t seq, tlseq, stamp, emitted;
	size_t mem;
	struct inc **hit;    /* scratch: incidents an alert hits */
	struct dw_incidents_stats st;
	void (*evict_fn)(void *ctx, const char *line, size_t n);
	void *evict_ctx;
};

static const char *const attack_kinds[] = {"brute_force", "password_spray", "distributed_spray",
					    "credential_stuffing"};
static const char *const comp_kinds[] = {"account_compromise", "legacy_auth_success",
					  "mfa_fatigue"};

static enum role role_of(const char *kind)
{
	for (size_t i = 0; i < DW_ARRAY_LEN(attack_kinds); i++)
		if (strcmp(kind, attack_kinds[i]) == 0)
			return R_ATTACK;
	for (size_t i = 0; i < DW_ARRAY_LEN(comp_kinds); i++)
		if (strcmp(kind, comp_kinds[i]) == 0)
			return R_COMPROMISE;
	if (strcmp(kind, "password_validated") == 0)
		return R_VALIDATED;
	if (strcmp(kind, "new_access") == 0)
		return R_ACCESS;
	if (strcmp(kind, "exfiltration") == 0 || strcmp(kind, "internal_staging") == 0)
		return R_EXFIL;
	return R_IGNORE;
}

static const char *status_of(const struct inc *x)
{
	if (x->got_in || x->first_comp != INT64_MAX)
		return "intrusion";
	return x->exfil ? "exfiltration" : "attack";
}

static uint32_t key_hash(const char *k, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

static char *copy_str(struct dw_incidents *b, const char *s)
{
	size_t n = strlen(s);
	char *c = malloc(n + 1);

	if (c) {
		memcpy(c, s, n + 1);
		b->mem += n + 1;
	}
	return c;
}

static void free_str(struct dw_incidents *b, char *s)
{
	if (s) {
		b->mem -= strlen(s) + 1;
		free(s);
	}
}

/* ---- index ---- */

static struct node *idx_find(const struct dw_incidents *b, const char *k, size_t n, uint32_t h)
{
	for (struct node *x = b->bucket[h & (b->nb - 1)]; x; x = x->hnext)
		if (x->hash == h && x->klen == n && memcmp(x->key, k, n) == 0)
			return x;
	return NULL;
}

static void idx_grow(struct dw_incidents *b)
{
	size_t nb = b->nb * 2;
	struct node **nbk = calloc(nb, sizeof(*nbk));

	if (!nbk)
		return; /* longer chains, still correct */
	for (size_t i = 0; i < b->nb; i++) {
		struct node *x = b->bucket[i], *nx;
		for (; x; x = nx) {
			nx = x->hnext;
			x->hnext = nbk[x->hash & (nb - 1)];
			nbk[x->hash & (nb - 1)] = x;
		}
	}
	free(b->bucket);
	b->mem += (nb - b->nb) * sizeof(*nbk);
	b->bucket = nbk;
	b->nb = nb;
}

static void idx_del(struct dw_incidents *b, struct node *x)
{
	struct node **pp = &b->bucket[x->hash & (b->nb - 1)];

	while (*pp != x)
		pp = &(*pp)->hnext;
	*pp = x->hnext;
	b->nodes--;
	b->mem -= sizeof(*x) + x->klen + 1;
	free(x);
}

/* ---- incidents ---- */

int dw_incidents_new(struct dw_incidents **out, size_t max_incidents)
{
	struct dw_incidents *b;

	*out = NULL;
	if (max_incidents == 0)
		return DW_EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return DW_ENOMEM;
	b->max = max_incidents;
	b->nb = 64;
	b->inc = calloc(max_incidents, sizeof(*b->inc));
	b->hit = calloc(max_incidents, sizeof(*b->hit));
	b->order = calloc(max_incidents, sizeof(*b->order));
	b->bucket = calloc(b->nb, sizeof(*b->bucket));
	b->view = malloc(sizeof(*b->view));
	if (!b->inc || !b->hit || !b->order || !b->bucket || !b->view) {
		dw_incidents_free(b);
		return DW_ENOMEM;
	}
	b->mem = sizeof(*b) + 3 * max_incidents * sizeof(*b->inc) + b->nb * sizeof(*b->bucket) +
		 sizeof(*b->view);
	*out = b;
	return DW_OK;
}

static void tl_free(struct dw_incidents *b, struct tl *e)
{
	for (int l = 0; l < 2; l++)
		for (int i = 0; i < DW_INCIDENT_TL_MEMBERS; i++)
			free_str(b, e->m[l][i]);
	free_str(b, e->file);
	b->mem -= sizeof(*e);
	free(e);
}

/* Frees an incident's memory and its index entries; the caller unlists it. */
static void inc_destroy(struct dw_incidents *b, struct inc *x)
{
	struct node *nd = x->nodes, *nx;

	for (; nd; nd = nx) {
		nx = nd->inext;
		idx_del(b, nd);
	}
	for (size_t i = 0; i < x->n_dest; i++)
		free_str(b, x->dest[i]);
	for (size_t i = 0; i < x->n_tl; i++)
		tl_free(b, x->tl[i]);
	b->mem -= sizeof(*x);
	free(x);
}

static void inc_unlist(struct dw_incidents *b, struct inc *x)
{
	size_t p = x->pos;

	b->inc[p] = b->inc[--b->n];
	b->inc[p]->pos = p;
}

void dw_incidents_free(struct dw_incidents *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		inc_destroy(b, b->inc[i]);
	free(b->inc);
	free(b->hit);
	free(b->order);
	free(b->bucket);
	free(b->view);
	free(b);
}

void dw_incidents_on_evict(struct dw_incidents *b,
			   void (*fn)(void *ctx, const char *line, size_t n), void *ctx)
{
	b->evict_fn = fn;
	b->evict_ctx = ctx;
}

size_t dw_incidents_count(const struct dw_incidents *b)
{
	return b->n;
}

const struct dw_incidents_stats *dw_incidents_stats(const struct dw_incidents *b)
{
	return &b->st;
}

size_t dw_incidents_memuse(const struct dw_incidents *b)
{
	return b->mem;
}

static void inc_json(struct dw_incidents *b, struct inc *x, uint64_t id, struct dw_sb *sb);

static void evict_one(struct dw_incidents *b)
{
	struct inc *v = b->inc[0];

	for (size_t i = 1; i < b->n; i++) {
		struct inc *c = b->inc[i];
		if (c->last < v->last || (c->last == v->last && c->seq < v->seq))
			v = c;
	}
	b->emitted++;
	if (b->evict_fn) {
		struct dw_sb sb;
		dw_sb_init(&sb, 64u << 20);
		inc_json(b, v, b->emitted, &sb);
		dw_sb_putc(&sb, '\n');
		b->evict_fn(b->evict_ctx, sb.p, sb.n);
		dw_sb_free(&sb);
	}
	inc_unlist(b, v);
	inc_destroy(b, v);
	b->st.evicted++;
}

static struct inc *inc_make(struct dw_incidents *b)
{
	struct inc *x;

	if (b->n == b->max)
		evict_one(b);
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	b->mem += sizeof(*x);
	x->seq = ++b->seq;
	x->first = INT64_MAX;
	x->last = INT64_MIN;
	x->first_comp = INT64_MAX;
	x->pos = b->n;
	b->inc[b->n++] = x;
	b->st.incidents_made++;
	return x;
}

/* Keeps e in x's timeline if there is room or a less important entry to replace. */
static void tl_put(struct dw_incidents *b, struct inc *x, struct tl *e)
{
	if (x->n_tl < DW_INCIDENT_TIMELINE_MAX) {
		x->tl[x->n_tl++] = e;
		return;
	}
	x->cut_tl++;
	b->st.timeline_cut++;
	if (e->prio > 0) {
		for (size_t i = x->n_tl; i-- > 0;) {
			if (x->tl[i]->prio == 0) {
				tl_free(b, x->tl[i]);
				x->tl[i] = e;
				return;
			}
		}
	}
	tl_free(b, e);
}

static void dest_put(struct dw_incidents *b, struct inc *x, const char *s)
{
	char *c;

	for (size_t i = 0; i < x->n_dest; i++)
		if (strcmp(x->dest[i], s) == 0)
			return;
	if (x->n_dest == DW_INCIDENT_DEST_MAX || !(c = copy_str(b, s))) {
		x->cut_dest++;
		b->st.members_cut++;
		return;
	}
	x->dest[x->n_dest++] = c;
}

static int node_is_reset(const struct node *nd)
{
	return nd->key[0] == 'u' && (nd->flags & (F_COMPROMISED | F_VALIDATED));
}

/* Moves everything of src into dst and frees src (it must be unlisted by the caller). */
static void inc_merge(struct dw_incidents *b, struct inc *dst, struct inc *src)
{
	/* two passes: accounts to reset first, so a cap cuts the least important */
	for (int pass = 0; pass < 2; pass++) {
		struct node **pp = &src->nodes;
		while (*pp) {
			struct node *nd = *pp;
			int is_src = nd->key[0] == 's';
			if (pass == 0 && !node_is_reset(nd)) {
				pp = &nd->inext;
				continue;
			}
			*pp = nd->inext;
			if (is_src ? dst->n_src < DW_INCIDENT_SOURCES_MAX
				   : dst->n_acct < DW_INCIDENT_ACCOUNTS_MAX) {
				nd->inc = dst;
				nd->inext = dst->nodes;
				dst->nodes = nd;
				if (is_src)
					dst->n_src++;
				else
					dst->n_acct++;
			} else {
				if (is_src)
					dst->cut_src++;
				else
					dst->cut_acct++;
				b->st.members_cut++;
				idx_del(b, nd);
			}
		}
	}
	src->nodes = NULL;
	for (size_t i = 0; i < src->n_dest; i++) {
		dest_put(b, dst, src->dest[i]);
		free_str(b, src->dest[i]);
	}
	src->n_dest = 0;
	for (size_t i = 0; i < src->n_tl; i++)
		tl_put(b, dst, src->tl[i]);
	src->n_tl = 0;
	dst->seq = DW_MIN(dst->seq, src->seq);
	dst->first = DW_MIN(dst->first, src->first);
	dst->last = DW_MAX(dst->last, src->last);
	dst->first_comp = DW_MIN(dst->first_comp, src->first_comp);
	dst->alerts += src->alerts;
	dst->bytes_out += src->bytes_out;
	dst->exfil_slow += src->exfil_slow;
	dst->exfil_other += src->exfil_other;
	dst->has_bytes |= src->has_bytes;
	dst->got_in |= src->got_in;
	dst->exfil += src->exfil;
	dst->cut_src += src->cut_src;
	dst->cut_acct += src->cut_acct;
	dst->cut_dest += src->cut_dest;
	dst->cut_tl += src->cut_tl;
	inc_destroy(b, src);
	b->st.merges++;
}

/* ---- adding an alert ---- */

/* The incidents that members of l belong to, into b->hit. */
static void collect(struct dw_incidents *b, char type, const struct dw_strlist *l, size_t *nhit,
		    char *kb)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->v[i]);
		struct node *nd;
		uint32_t h;

		if (n == 0 || n > 1024)
			continue;
		kb[0] = type;
		memcpy(kb + 1, l->v[i], n);
		h = key_hash(kb, n + 1);
		nd = idx_find(b, kb, n + 1, h);
		if (nd && nd->inc->mark != b->stamp) {
			nd->inc->mark = b->stamp;
			b->hit[(*nhit)++] = nd->inc;
		}
	}
}

/* The node for a member of x, made if x has room; NULL if cut. */
static struct node *node_get(struct dw_incidents *b, struct inc *x, char type, const char *s,
			     char *kb)
{
	size_t n = strlen(s);
	struct node *nd;
	uint32_t h;
	int is_src = type == 's', full;

	if (n == 0 || n > 1024)
		return NULL;
	kb[0] = type;
	memcpy(kb + 1, s, n);
	h = key_hash(kb, n + 1);
	nd = idx_find(b, kb, n + 1, h);
	if (nd)
		return nd; /* after the merge every hit belongs to x */
	full = is_src ? x->n_src >= DW_INCIDENT_SOURCES_MAX : x->n_acct >= DW_INCIDENT_ACCOUNTS_MAX;
	if (full || !(nd = calloc(1, sizeof(*nd) + n + 2))) {
		if (is_src)
			x->cut_src++;
		else
			x->cut_acct++;
		b->st.members_cut++;
		return NULL;
	}
	b->mem += sizeof(*nd) + n + 2;
	memcpy(nd->key, kb, n + 1);
	nd->key[n + 1] = 0;
	nd->klen = n + 1;
	nd->hash = h;
	nd->inc = x;
	nd->inext = x->nodes;
	x->nodes = nd;
	if (is_src)
		x->n_src++;
	else
		x->n_acct++;
	nd->hnext = b->bucket[h & (b->nb - 1)];
	b->bucket[h & (b->nb - 1)] = nd;
	if (++b->nodes > b->nb)
		idx_grow(b);
	return nd;
}

/*
 * Makes room in a full x for an account that must be reset: drops a
 * merely targeted account (the first found), counted as cut. 1 if it did.
 */
static int drop_targeted(struct dw_incidents *b, struct inc *x)
{
	for (struct node **pp = &x->nodes; *pp; pp = &(*pp)->inext) {
		struct node *nd = *pp;
		if (nd->key[0] != 'u' || (nd->flags & (F_COMPROMISED | F_VALIDATED)))
			continue;
		*pp = nd->inext;
		x->n_acct--;
		x->cut_acct++;
		b->st.members_cut++;
		idx_del(b, nd); /* frees it */
		return 1;
	}
	return 0;
}

static void flag_accounts(struct dw_incidents *b, struct inc *x, const struct dw_strlist *l,
			  uint8_t flag, char *kb)
{
	for (size_t i = 0; i < l->n; i++) {
		struct node *nd;
		/* an account to reset is never the one cut: a targeted one goes instead */
		if ((flag & (F_COMPROMISED | F_VALIDATED)) && x->n_acct >= DW_INCIDENT_ACCOUNTS_MAX) {
			size_t n = strlen(l->v[i]);
			kb[0] = 'u';
			memcpy(kb + 1, l->v[i], DW_MIN(n, (size_t)1024));
			if (n <= 1024 && !idx_find(b, kb, n + 1, key_hash(kb, n + 1)))
				(void)drop_targeted(b, x);
		}
		nd = node_get(b, x, 'u', l->v[i], kb);
		if (flag & F_COMPROMISED)
			x->got_in = 1;
		if (nd)
			nd->flags |= flag;
	}
}

/* The up to DW_INCIDENT_TL_MEMBERS smallest members of l, in order, into m. */
static void smallest(struct dw_incidents *b, const struct dw_strlist *l, char **m)
{
	const char *pick[DW_INCIDENT_TL_MEMBERS] = {0};
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++) {
		const char *s = l->v[i];
		size_t j;
		if (k == DW_INCIDENT_TL_MEMBERS && strcmp(s, pick[k - 1]) >= 0)
			continue;
		if (k < DW_INCIDENT_TL_MEMBERS)
			k++;
		for (j = k - 1; j > 0 && strcmp(s, pick[j - 1]) < 0; j--)
			pick[j] = pick[j - 1];
		pick[j] = s;
	}
	for (size_t i = 0; i < k; i++)
		m[i] = copy_str(b, pick[i]); /* NULL on failure: the entry names fewer */
}

static void add_timeline(struct dw_incidents *b, struct inc *x, const struct dw_alert *a,
			 enum role r)
{
	struct tl *e = calloc(1, sizeof(*e));

	if (!e) {
		x->cut_tl++;
		b->st.timeline_cut++;
		return;
	}
	b->mem += sizeof(*e);
	e->t = a->first_seen;
	e->seq = ++b->tlseq;
	e->kind = a->kind;
	e->detector = a->detector;
	e->severity = a->severity;
	e->prio = r != R_ATTACK;
	e->nsrc = a->sources.total;
	/* a compromise alert may name its account only in compromised */
	e->nusers = a->users.total ? a->users.total : a->compromised.total;
	smallest(b, &a->sources, e->m[0]);
	smallest(b, a->users.total ? &a->users : &a->compromised, e->m[1]);
	/* the source log record, when the detector named it */
	for (size_t i = 0; i < a->n_evidence; i++) {
		const struct dw_evidence *v = &a->evidence[i];
		if (v->is_str && strcmp(v->key, "file") == 0 && !e->file) {
			e->file = copy_str(b, v->str); /* NULL on failure: no file named */
		} else if (!v->is_str && strcmp(v->key, "line") == 0) {
			e->has_line = 1;
			e->line = v->num;
		} else if (!v->is_str && strcmp(v->key, "record_id") == 0) {
			e->has_rid = 1;
			e->rid = v->num;
		}
	}
	tl_put(b, x, e);
}

void dw_incidents_add(struct dw_incidents *b, const struct dw_alert *a)
{
	enum role r = role_of(a->kind);
	char kb[1 + 1024 + 1];
	size_t nhit = 0;
	struct inc *x;

	if (r == R_IGNORE) {
		b->st.alerts_ignored++;
		return;
	}
	b->sorted = 0;
	b->stamp++;
	collect(b, 's', &a->sources, &nhit, kb);
	if (r != R_ATTACK) /* an attack's targets link nothing (see the top comment) */
		collect(b, 'u', &a->users, &nhit, kb);
	collect(b, 'u', &a->compromised, &nhit, kb);
	if (nhit == 0) {
		x = inc_make(b);
		if (!x) {
			b->st.alerts_ignored++;
			return;
		}
	} else {
		/* the survivor is the incident with most nodes (cheapest to keep) */
		size_t best = 0;
		for (size_t i = 1; i < nhit; i++) {
			size_t ni = b->hit[i]->n_src + b->hit[i]->n_acct;
			size_t nb = b->hit[best]->n_src + b->hit[best]->n_acct;
			if (ni > nb || (ni == nb && b->hit[i]->seq < b->hit[best]->seq))
				best = i;
		}
		x = b->hit[best];
		for (size_t i = 0; i < nhit; i++) {
			if (i == best)
				continue;
			inc_unlist(b, b->hit[i]);
			inc_merge(b, x, b->hit[i]);
		}
	}
	b->st.alerts_added++;
	x->alerts++;
	if (a->first_seen != DW_TS_NONE)
		x->first = DW_MIN(x->first, a->first_seen);
	if (a->last_seen != DW_TS_NONE)
		x->last = DW_MAX(x->last, a->last_seen);
	else if (a->first_seen != DW_TS_NONE)
		x->last = DW_MAX(x->last, a->first_seen);
	if (r == R_COMPROMISE && a->first_seen != DW_TS_NONE)
		x->first_comp = DW_MIN(x->first_comp, a->first_seen);

	/* sources, with attempts of attacks (and mfa_fatigue's denials) shared among them */
	{
		uint64_t share = 0;
		if ((r == R_ATTACK || strcmp(a->kind, "mfa_fatigue") == 0) && a->sources.total)
			share = (a->attempts + a->sources.total - 1) / a->sources.total;
		for (size_t i = 0; i < a->sources.n; i++) {
			struct node *nd = node_get(b, x, 's', a->sources.v[i], kb);
			if (nd)
				nd->attempts += share;
		}
	}
	switch (r) {
	case R_ATTACK:
		flag_accounts(b, x, &a->users, F_TARGETED, kb);
		flag_accounts(b, x, &a->compromised, F_COMPROMISED, kb);
		break;
	case R_COMPROMISE:
		flag_accounts(b, x, &a->users, F_COMPROMISED, kb);
		flag_accounts(b, x, &a->compromised, F_COMPROMISED, kb);
		break;
	case R_VALIDATED:
		flag_accounts(b, x, &a->users, F_VALIDATED, kb);
		flag_accounts(b, x, &a->compromised, F_COMPROMISED, kb);
		break;
	default: /* R_ACCESS, R_EXFIL */
		if (r == R_EXFIL)
			x->exfil++;
		flag_accounts(b, x, &a->users, 0, kb);
		flag_accounts(b, x, &a->compromised, F_COMPROMISED, kb);
		for (size_t i = 0; i < a->destinations.n; i++)
			if (a->destinations.v[i][0])
				dest_put(b, x, a->destinations.v[i]);
		if (a->has_bytes_out) {
			if (r == R_ACCESS)
				x->bytes_out += a->bytes_out;
			else if (strcmp(a->detector, "exfil.slow") == 0)
				x->exfil_slow += a->bytes_out;
			else
				x->exfil_other += a->bytes_out;
			x->has_bytes = 1;
		}
		break;
	}
	add_timeline(b, x, a, r);
}

/* ---- output ---- */

static int cmp_cstr(const void *p, const void *q)
{
	return strcmp(*(char *const *)p, *(char *const *)q);
}

static int cmp_src(const void *p, const void *q)
{
	return strcmp(((const struct dw_incident_source *)p)->source,
		      ((const struct dw_incident_source *)q)->source);
}

static int cmp_acct(const void *p, const void *q)
{
	return strcmp(((const struct dw_incident_account *)p)->user,
		      ((const struct dw_incident_account *)q)->user);
}

static int cmp_tl(const void *p, const void *q)
{
	const struct tl *a = *(struct tl *const *)p, *c = *(struct tl *const *)q;

	if (a->t != c->t)
		return a->t < c->t ? -1 : 1;
	return a->seq < c->seq ? -1 : a->seq > c->seq;
}

/*
 * Fills v with x (numbered id), pointing into b->view. Sorts x's timeline
 * in place. The caps bound every list by the scratch's arrays.
 */
static void fill_view(struct dw_incidents *b, struct inc *x, uint64_t id,
		      struct dw_incident_view *v)
{
	struct scratch *w = b->view;
	size_t ns = 0, na = 0;

	memset(v, 0, sizeof(*v));
	v->id = id;
	v->intrusion = x->got_in || x->first_comp != INT64_MAX;
	v->status = status_of(x);
	v->exfil = x->exfil > 0;
	v->first_seen = x->first == INT64_MAX ? DW_TS_NONE : x->first;
	v->last_seen = x->last == INT64_MIN ? DW_TS_NONE : x->last;
	v->first_compromise = x->first_comp == INT64_MAX ? DW_TS_NONE : x->first_comp;
	v->dwell_seconds = x->first_comp != INT64_MAX && x->last > x->first_comp
				   ? (x->last - x->first_comp) / DW_NS
				   : 0;
	for (struct node *nd = x->nodes; nd; nd = nd->inext) {
		if (nd->key[0] == 's' && ns < DW_INCIDENT_SOURCES_MAX) {
			w->src[ns].source = nd->key + 1;
			w->src[ns++].attempts = nd->attempts;
			v->attempts += nd->attempts;
		} else if (nd->key[0] == 'u' && na < DW_INCIDENT_ACCOUNTS_MAX) {
			w->acct[na].user = nd->key + 1;
			w->acct[na++].flags = nd->flags;
			v->n_targeted += !!(nd->flags & F_TARGETED);
			v->n_compromised += !!(nd->flags & F_COMPROMISED);
			v->n_validated += !!(nd->flags & F_VALIDATED);
			v->n_reset += !!(nd->flags & (F_COMPROMISED | F_VALIDATED));
		}
	}
	qsort(w->src, ns, sizeof(*w->src), cmp_src);
	qsort(w->acct, na, sizeof(*w->acct), cmp_acct);
	v->sources = w->src;
	v->n_sources = ns;
	v->accounts = w->acct;
	v->n_accounts = na;
	v->has_bytes_out = x->has_bytes;
	v->bytes_out = x->has_bytes ? x->bytes_out + DW_MAX(x->exfil_slow, x->exfil_other) : 0;
	memcpy(w->dest, x->dest, x->n_dest * sizeof(*w->dest));
	qsort(w->dest, x->n_dest, sizeof(*w->dest), cmp_cstr);
	v->destinations = w->dest;
	v->n_destinations = x->n_dest;
	v->alerts = x->alerts;
	v->cut_sources = x->cut_src;
	v->cut_accounts = x->cut_acct;
	v->cut_destinations = x->cut_dest;
	v->cut_timeline = x->cut_tl;
	qsort(x->tl, x->n_tl, sizeof(*x->tl), cmp_tl);
	for (size_t i = 0; i < x->n_tl; i++) {
		const struct tl *e = x->tl[i];
		struct dw_incident_event *o = &w->tl[i];
		memset(o, 0, sizeof(*o));
		o->time = e->t;
		o->kind = e->kind;
		o->detector = e->detector;
		o->severity = e->severity;
		for (int k = 0; k < DW_INCIDENT_TL_MEMBERS; k++) {
			if (e->m[0][k])
				o->sources[o->n_sources++] = e->m[0][k];
			if (e->m[1][k])
				o->users[o->n_users++] = e->m[1][k];
		}
		o->sources_total = e->nsrc;
		o->users_total = e->nusers;
		o->file = e->file;
		o->has_line = e->has_line;
		o->line = e->line;
		o->has_record_id = e->has_rid;
		o->record_id = e->rid;
	}
	v->timeline = w->tl;
	v->n_timeline = x->n_tl;
}

static void put_key(struct dw_sb *sb, const char *k)
{
	dw_sb_putc(sb, ',');
	dw_sb_json_str(sb, k, strlen(k));
	dw_sb_putc(sb, ':');
}

static void put_s(struct dw_sb *sb, const char *s)
{
	dw_sb_json_str(sb, s, strlen(s));
}

static void put_ts(struct dw_sb *sb, int64_t ts)
{
	char buf[DW_TM_BUFSZ];

	if (ts == DW_TS_NONE || ts == INT64_MAX) {
		dw_sb_puts(sb, "null");
		return;
	}
	dw_sb_putc(sb, '"');
	dw_sb_put(sb, buf, dw_tm_format(ts, ts % DW_NS ? 6 : 0, buf));
	dw_sb_putc(sb, '"');
}

/* The accounts of v with any of flags, as a JSON array of names. */
static void put_accounts(struct dw_sb *sb, const struct dw_incident_view *v, unsigned flags)
{
	int first = 1;

	dw_sb_putc(sb, '[');
	for (size_t i = 0; i < v->n_accounts; i++) {
		if (!(v->accounts[i].flags & flags))
			continue;
		if (!first)
			dw_sb_putc(sb, ',');
		first = 0;
		put_s(sb, v->accounts[i].user);
	}
	dw_sb_putc(sb, ']');
}

/* A string list of a timeline entry and its total. */
static void put_members(struct dw_sb *sb, const char *key, const char *const *m, size_t n,
			const char *tkey, uint64_t total)
{
	put_key(sb, key);
	dw_sb_putc(sb, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			dw_sb_putc(sb, ',');
		put_s(sb, m[i]);
	}
	dw_sb_putc(sb, ']');
	put_key(sb, tkey);
	dw_sb_u64(sb, total);
}

static void view_json(const struct dw_incident_view *v, struct dw_sb *sb)
{
	int first;

	dw_sb_puts(sb, "{\"id\":");
	dw_sb_u64(sb, v->id);
	put_key(sb, "status");
	put_s(sb, v->status);
	put_key(sb, "first_seen");
	put_ts(sb, v->first_seen);
	put_key(sb, "last_seen");
	put_ts(sb, v->last_seen);
	put_key(sb, "dwell_seconds");
	dw_sb_i64(sb, v->dwell_seconds);
	put_key(sb, "sources");
	dw_sb_putc(sb, '[');
	for (size_t i = 0; i < v->n_sources; i++) {
		if (i)
			dw_sb_putc(sb, ',');
		dw_sb_puts(sb, "{\"source\":");
		put_s(sb, v->sources[i].source);
		dw_sb_puts(sb, ",\"attempts\":");
		dw_sb_u64(sb, v->sources[i].attempts);
		dw_sb_putc(sb, '}');
	}
	dw_sb_putc(sb, ']');
	put_key(sb, "targeted");
	put_accounts(sb, v, F_TARGETED);
	put_key(sb, "compromised");
	put_accounts(sb, v, F_COMPROMISED);
	put_key(sb, "password_validated");
	put_accounts(sb, v, F_VALIDATED);
	put_key(sb, "accounts_to_reset");
	dw_sb_putc(sb, '[');
	first = 1;
	for (size_t i = 0; i < v->n_accounts; i++) {
		unsigned f = v->accounts[i].flags;
		if (!(f & (F_COMPROMISED | F_VALIDATED)))
			continue;
		if (!first)
			dw_sb_putc(sb, ',');
		first = 0;
		dw_sb_puts(sb, "{\"user\":");
		put_s(sb, v->accounts[i].user);
		dw_sb_puts(sb, ",\"reason\":");
		put_s(sb, f & F_COMPROMISED ? "compromised" : "password_validated");
		dw_sb_putc(sb, '}');
	}
	dw_sb_putc(sb, ']');
	put_key(sb, "bytes_out");
	if (v->has_bytes_out)
		dw_sb_u64(sb, v->bytes_out);
	else
		dw_sb_puts(sb, "null");
	put_key(sb, "destinations");
	dw_sb_putc(sb, '[');
	for (size_t i = 0; i < v->n_destinations; i++) {
		if (i)
			dw_sb_putc(sb, ',');
		put_s(sb, v->destinations[i]);
	}
	dw_sb_putc(sb, ']');
	put_key(sb, "alerts");
	dw_sb_u64(sb, v->alerts);
	put_key(sb, "cut");
	dw_sb_printf(sb,
		     "{\"sources\":%llu,\"accounts\":%llu,\"destinations\":%llu,\"timeline\":%llu}",
		     (unsigned long long)v->cut_sources, (unsigned long long)v->cut_accounts,
		     (unsigned long long)v->cut_destinations, (unsigned long long)v->cut_timeline);
	put_key(sb, "timeline");
	dw_sb_putc(sb, '[');
	for (size_t i = 0; i < v->n_timeline; i++) {
		const struct dw_incident_event *e = &v->timeline[i];
		if (i)
			dw_sb_putc(sb, ',');
		dw_sb_puts(sb, "{\"time\":");
		put_ts(sb, e->time);
		dw_sb_puts(sb, ",\"kind\":");
		put_s(sb, e->kind);
		dw_sb_puts(sb, ",\"detector\":");
		put_s(sb, e->detector);
		put_members(sb, "sources", e->sources, e->n_sources, "sources_total",
			    e->sources_total);
		put_members(sb, "users", e->users, e->n_users, "users_total", e->users_total);
		if (e->file || e->has_line || e->has_record_id) {
			const char *sep = "";
			dw_sb_puts(sb, ",\"record\":{");
			if (e->file) {
				dw_sb_puts(sb, "\"file\":");
				put_s(sb, e->file);
				sep = ",";
			}
			if (e->has_line) {
				dw_sb_printf(sb, "%s\"line\":", sep);
				dw_sb_i64(sb, e->line);
				sep = ",";
			}
			if (e->has_record_id) {
				dw_sb_printf(sb, "%s\"record_id\":", sep);
				dw_sb_i64(sb, e->record_id);
			}
			dw_sb_putc(sb, '}');
		}
		dw_sb_putc(sb, '}');
	}
	dw_sb_puts(sb, "]}");
}

static void inc_json(struct dw_incidents *b, struct inc *x, uint64_t id, struct dw_sb *sb)
{
	struct dw_incident_view v;

	fill_view(b, x, id, &v);
	view_json(&v, sb);
}

/* Smallest source of x ("" if none), for ordering incidents. */
static const char *min_source(const struct inc *x)
{
	const char *m = NULL;

	for (const struct node *nd = x->nodes; nd; nd = nd->inext)
		if (nd->key[0] == 's' && (!m || strcmp(nd->key + 1, m) < 0))
			m = nd->key + 1;
	return m ? m : "";
}

static int cmp_inc(const void *p, const void *q)
{
	const struct inc *a = *(struct inc *const *)p, *c = *(struct inc *const *)q;
	int r;

	if (a->first != c->first)
		return a->first < c->first ? -1 : 1;
	r = strcmp(a->minsrc, c->minsrc);
	if (r)
		return r;
	return a->seq < c->seq ? -1 : a->seq > c->seq;
}

/* b->order: the incidents in output order (id order), sorted once per change. */
static struct inc **sorted(struct dw_incidents *b)
{
	if (b->sorted)
		return b->order;
	for (size_t i = 0; i < b->n; i++) {
		b->order[i] = b->inc[i];
		b->order[i]->minsrc = min_source(b->order[i]);
	}
	qsort(b->order, b->n, sizeof(*b->order), cmp_inc);
	b->sorted = 1;
	return b->order;
}

int dw_incidents_view(struct dw_incidents *b, size_t i, struct dw_incident_view *v)
{
	if (i >= b->n)
		return DW_ENOENT;
	fill_view(b, sorted(b)[i], b->emitted + i + 1, v);
	return DW_OK;
}

int dw_incidents_find(struct dw_incidents *b, uint64_t id, size_t *i)
{
	if (id <= b->emitted || id - b->emitted > b->n)
		return DW_ENOENT;
	*i = (size_t)(id - b->emitted - 1);
	return DW_OK;
}

void dw_incidents_json(struct dw_incidents *b, struct dw_sb *sb)
{
	struct inc **v = sorted(b);

	for (size_t i = 0; i < b->n; i++) {
		inc_json(b, v[i], b->emitted + i + 1, sb);
		dw_sb_putc(sb, '\n');
	}
}

/*
 * s for a terminal: C0 and C1 control characters (ESC, CSI, BEL ...) of a
 * hostile name become '?', so the summary cannot drive the terminal.
 */
static void put_text(struct dw_sb *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
		if (*p < 0x20 || *p == 0x7f || c1) {
			dw_sb_putc(sb, '?');
			p += c1;
		} else {
			dw_sb_putc(sb, (char)*p);
		}
	}
}

void dw_incidents_text(struct dw_incidents *b, struct dw_sb *sb, size_t max)
{
	struct inc **v = sorted(b);
	char t1[DW_TM_BUFSZ], t2[DW_TM_BUFSZ];

	for (size_t i = 0; i < b->n && i < max; i++) {
		const struct inc *x = v[i];
		size_t ns = 0, nt = 0, nr = 0, shown = 0;
		int intr = x->got_in || x->first_comp != INT64_MAX;

		for (const struct node *nd = x->nodes; nd; nd = nd->inext) {
			if (nd->key[0] == 's')
				ns++;
			else if (nd->flags & (F_COMPROMISED | F_VALIDATED))
				nr++;
			else
				nt++;
		}
		dw_tm_format(x->first, 0, t1);
		dw_tm_format(x->last, 0, t2);
		dw_sb_printf(sb, "#%llu %s %s .. %s, %zu sources (",
			     (unsigned long long)(b->emitted + i + 1), status_of(x), t1,
			     t2, ns + (size_t)x->cut_src);
		put_text(sb, x->minsrc ? x->minsrc : "-");
		dw_sb_printf(sb, x->exfil && !intr ? "), %zu accounts named" : "), %zu accounts tried",
			     nt + nr);
		if (intr && x->first_comp != INT64_MAX && x->last > x->first_comp)
			dw_sb_printf(sb, ", dwell %lld s",
				     (long long)((x->last - x->first_comp) / DW_NS));
		if (nr) {
			dw_sb_puts(sb, ", reset:");
			for (const struct node *nd = x->nodes; nd; nd = nd->inext) {
				if (nd->key[0] == 's' || !(nd->flags & (F_COMPROMISED | F_VALIDATED)))
					continue;
				if (shown++ == 5) {
					dw_sb_printf(sb, " +%zu more", nr - 5);
					break;
				}
				dw_sb_putc(sb, ' ');
				put_text(sb, nd->key + 1);
				dw_sb_printf(sb, " (%s)",
					     nd->flags & F_COMPROMISED ? "compromised" : "password valid");
			}
		}
		dw_sb_putc(sb, '\n');
	}
	if (b->n > max)
		dw_sb_printf(sb, "... and %zu more incidents\n", b->n - max);
}
