/*
 * source.c - what the detectors remember about sources, users and pairs of
 * them, and what one failure or one success does to it. Every table is a
 * capped dw_table (LRU eviction, counted); nothing here iterates a table
 * per event: a failure costs four upserts (source, queue, pair, user); a
 * success one upsert (source) and three or four lookups (pair, user, known
 * pair, known subnet), plus one upsert when it teaches a new known pair.
 *
 * Tables (caps from [limits]; bytes per entry = 24 header + key + value,
 * each rounded up to 8, plus 4 bytes of bucket per entry; sizes for x86-64):
 *   src    key <= 48 B (dw_ip_key: fam+4 or fam+16 bytes; 'n'+host name cut
 *          at 40), value struct dw_src 168 B  -> 65,536 x 244 = 15.25 MiB
 *   queue  key <= 48 B, value 8 B (last failure) -> 65,536 x 84 = 5.25 MiB
 *   qslow  the same for slow-paced episodes, a quarter of the entries
 *                                               -> 16,384 x 84 = 1.3 MiB
 *   pair   key <= 64 B ([len][source key][user]), value struct dw_pair 88 B
 *                                               -> 131,072 x 180 = 22.5 MiB
 *   user   key <= 32 B (longer names: prefix + digest), value 112 B
 *                                               -> 65,536 x 172 = 10.75 MiB
 *   known  key <= 32 B ([len][user][source key or its /24, /64]), value 16 B
 *                                               -> 131,072 x 76 = 9.5 MiB
 * With compromise.c (1.8 MiB) and distributed.c (3 KiB): 66 MiB at the
 * default caps; the identity detectors (dedupe.c, mfa.c, lockout.c,
 * access.c, explicit.c) add 28 MiB: 94 MiB in all, the figure the summary
 * prints. Slabs are calloc'd once and touched only as entries fill,
 * so resident memory follows the number of distinct keys seen (the 1M-line
 * benchmark: 53 MiB peak RSS for the whole process).
 *
 * Episode: a source's failures since its last report, or since it was
 * forgotten (quiet for episode.forget, 24 h). The queue table holds every
 * source with a failure that has not been judged since; its LRU order is
 * the order of last failure, so the tick walks it from the oldest and stops
 * at the first one still inside episode.idle: closing episodes costs one
 * step per closed episode. A slow-paced source (median interval >=
 * slow.pace, 30 min) past episode.idle moves to a second queue (qslow)
 * walked with slow.idle (24 h), so a bot that trickles guesses for days is
 * one episode; an entry pushed out of qslow at its cap is closed at once. A
 * closed episode that was no attack keeps its counts (a slow attacker adds
 * to them hours later) until forgotten.
 *
 * Pairs of a source are linked in a list through their values (values never
 * move while their entry lives; the eviction callbacks unlink a pair, and
 * detach every pair of an evicted source), so an alert can list a source's
 * users without scanning the pair table. Pairs and users carry the
 * source's episode number; a pair of an older episode counts as new.
 *
 * Typo: a success for (source, user) after 1..episode.typo_max failures
 * within episode.typo_window "redeems" the pair; most failing users of a
 * source redeemed = an office NAT or a jump host, not an attack.
 * Clean success: not judged a compromise, not suspicious (see
 * compromise.c): it teaches the (user, source) pair as known (the known
 * table) and counts the user in the source's good_users; a source with
 * compromise.established_users good users (office NAT, VPN gateway, jump
 * host) is known for every user.
 */
#include <stdlib.h>

#include "internal.h"

#define DAY_NS (86400 * DW_NS)

static void src_evicted(void *ctx, const void *key, size_t klen, void *val)
{
	struct dw_detect *d = ctx;
	struct dw_src *s = val;
	struct dw_pair *p, *next;

	/* an open attack is reported rather than silently lost */
	if (s->fails)
		dw_classify_close(d, s, key, klen, d->now, 1);
	for (p = s->pairs; p; p = next) {
		next = p->next;
		p->src = NULL;
		p->prev = p->next = NULL;
	}
	s->pairs = NULL;
	if (s->flags & DW_SF_QUEUED)
		(void)dw_table_del(d->queue, key, klen);
	if (s->flags & DW_SF_QSLOW)
		(void)dw_table_del(d->qslow, key, klen);
}

/* A slow episode pushed out of its queue is closed now rather than forgotten. */
static void qslow_evicted(void *ctx, const void *key, size_t klen, void *val)
{
	struct dw_detect *d = ctx;
	struct dw_src *s = dw_table_get(d->src, key, klen);

	(void)val;
	if (!s)
		return;
	s->flags &= (uint8_t)~DW_SF_QSLOW;
	if (s->fails)
		dw_classify_close(d, s, key, klen, d->now, 1);
}

static void pair_unlink(struct dw_pair *p)
{
	if (!p->src)
		return;
	if (p->prev)
		p->prev->next = p->next;
	else
		p->src->pairs = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->src = NULL;
	p->prev = p->next = NULL;
}

static void pair_link(struct dw_src *s, struct dw_pair *p)
{
	p->src = s;
	p->prev = NULL;
	p->next = s->pairs;
	if (s->pairs)
		s->pairs->prev = p;
	s->pairs = p;
}

static void pair_evicted(void *ctx, const void *key, size_t klen, void *val)
{
	(void)ctx;
	(void)key;
	(void)klen;
	pair_unlink(val);
}

int dw_source_init(struct dw_detect *d)
{
	const struct dw_config *c = d->cfg;
	int rc;

	if ((rc = dw_table_new(&d->src, c->lim_sources, DW_SRC_KEY_MAX, sizeof(struct dw_src))) ||
	    (rc = dw_table_new(&d->queue, c->lim_sources, DW_SRC_KEY_MAX,
			       sizeof(struct dw_qent))) ||
	    (rc = dw_table_new(&d->qslow, DW_MAX(c->lim_sources / 4, 16u), DW_SRC_KEY_MAX,
			       sizeof(struct dw_qent))) ||
	    (rc = dw_table_new(&d->pair, c->lim_pairs, DW_PAIR_KEY_MAX, sizeof(struct dw_pair))) ||
	    (rc = dw_table_new(&d->user, c->lim_users, DW_USER_KEY_MAX, sizeof(struct dw_user))) ||
	    (rc = dw_table_new(&d->known, c->lim_known, DW_KNOWN_KEY_MAX,
			       sizeof(struct dw_known))))
		return rc;
	dw_table_on_evict(d->src, src_evicted, d);
	dw_table_on_evict(d->qslow, qslow_evicted, d);
	dw_table_on_evict(d->pair, pair_evicted, d);
	return DW_OK;
}

void dw_source_free(struct dw_detect *d)
{
	dw_table_free(d->src);
	dw_table_free(d->queue);
	dw_table_free(d->qslow);
	dw_table_free(d->pair);
	dw_table_free(d->user);
	dw_table_free(d->known);
	d->src = d->queue = d->qslow = d->pair = d->user = d->known = NULL;
}

size_t dw_source_key(const struct dw_event *e, uint8_t *key)
{
	if (e->src_ip.fam == 4 || e->src_ip.fam == 6) {
		const void *k;
		size_t n = dw_ip_key(&e->src_ip, &k);
		memcpy(key, k, n);
		return n;
	}
	if (e->src_name.n) {
		size_t n = DW_MIN(e->src_name.n, (size_t)DW_SRC_NAME_MAX);
		key[0] = 'n'; /* host names are case-blind: WIN10-PC and win10-pc are one source */
		for (size_t i = 0; i < n; i++)
			key[1 + i] = (uint8_t)dw_tolower((unsigned char)e->src_name.p[i]);
		return n + 1;
	}
	return 0;
}

size_t dw_source_pair_key(const uint8_t *skey, size_t sklen, const char *u, size_t un,
			  uint8_t *buf)
{
	buf[0] = (uint8_t)sklen;
	memcpy(buf + 1, skey, sklen);
	memcpy(buf + 1 + sklen, u, un);
	return 1 + sklen + un;
}

const char *dw_source_pair_user(const struct dw_detect *d, const struct dw_pair *p, size_t *n)
{
	size_t klen;
	const uint8_t *k = dw_table_key(d->pair, p, &klen);
	size_t end = (p->flags & DW_PF_LONG) ? klen - 8 : klen;

	if (end < 1u + p->srclen) {
		*n = 0;
		return "";
	}
	*n = end - 1 - p->srclen;
	return (const char *)k + 1 + p->srclen;
}

size_t dw_source_us_key(const char *u, size_t un, const uint8_t *skey, size_t sklen,
			uint8_t *buf)
{
	if (un > DW_USER_MAX)
		un = DW_USER_MAX;
	buf[0] = (uint8_t)un;
	memcpy(buf + 1, u, un);
	memcpy(buf + 1 + un, skey, sklen);
	return 1 + un + sklen;
}

/* The /24 (IPv4) or /64 (IPv6) of an address key, as a key of its own; 0 for names. */
static size_t subnet_key(const uint8_t *skey, size_t sklen, uint8_t *out)
{
	if (sklen == 5 && skey[0] == 4) {
		out[0] = 0x84;
		memcpy(out + 1, skey + 1, 3);
		return 4;
	}
	if (sklen == 17 && skey[0] == 6) {
		out[0] = 0x86;
		memcpy(out + 1, skey + 1, 8);
		return 9;
	}
	return 0;
}

/* How well skey is known for user u: 1 if known (exact pair, established source, subnet). */
static int known_level(struct dw_detect *d, const struct dw_src *s, const uint8_t *skey,
		       size_t sklen, const char *u, size_t un, struct dw_known **exact)
{
	uint8_t k[DW_USER_MAX + DW_SRC_KEY_MAX + 2], net[DW_SRC_KEY_MAX];
	size_t nl;

	*exact = dw_table_get(d->known, k, dw_source_us_key(u, un, skey, sklen, k));
	if (*exact)
		return 1;
	if (s && s->good_users >= d->cfg->comp_established_users)
		return 1;
	if (!d->cfg->comp_known_subnet || (nl = subnet_key(skey, sklen, net)) == 0)
		return 0;
	return dw_table_get(d->known, k, dw_source_us_key(u, un, net, nl, k)) != NULL;
}

/* The known-table source key of e's user agent: 'a' + its 64-bit hash; 0 if it has none. */
static size_t ua_key(const struct dw_event *e, uint8_t *key)
{
	uint64_t h;

	if (e->user_agent.n == 0)
		return 0;
	h = dw_detect_hash(e->user_agent.p, e->user_agent.n);
	key[0] = 'a';
	memcpy(key + 1, &h, sizeof(h));
	return 1 + sizeof(h);
}

int dw_source_ua_known(struct dw_detect *d, const struct dw_event *e)
{
	uint8_t k[DW_USER_MAX + DW_SRC_KEY_MAX + 2], ua[16];
	size_t n = ua_key(e, ua);

	if (!n || !d->cfg->comp_known_ua || e->user.n == 0)
		return 0;
	return dw_table_get(d->known, k, dw_source_us_key(e->user.p, e->user.n, ua, n, k)) != NULL;
}

int dw_source_known(struct dw_detect *d, const struct dw_src *s, const uint8_t *skey,
		    size_t sklen, const char *u, size_t un)
{
	struct dw_known *kn;

	return known_level(d, s, skey, sklen, u, un, &kn);
}

int dw_source_known_before(struct dw_detect *d, const uint8_t *skey, size_t sklen, const char *u,
			   size_t un, int64_t before)
{
	uint8_t k[DW_USER_MAX + DW_SRC_KEY_MAX + 2], net[DW_SRC_KEY_MAX];
	struct dw_known *kn = dw_table_get(d->known, k, dw_source_us_key(u, un, skey, sklen, k));
	size_t nl;

	if (kn && kn->first < before)
		return 1;
	if (!d->cfg->comp_known_subnet || (nl = subnet_key(skey, sklen, net)) == 0)
		return 0;
	kn = dw_table_get(d->known, k, dw_source_us_key(u, un, net, nl, k));
	return kn && kn->first < before;
}

/* Remembers that user u logs in from skey (and its subnet); 1 if the pair is new. */
int dw_source_learn(struct dw_detect *d, const char *u, size_t un, const uint8_t *skey,
		       size_t sklen, int64_t ts)
{
	uint8_t k[DW_USER_MAX + DW_SRC_KEY_MAX + 2], net[DW_SRC_KEY_MAX];
	size_t nl;
	int created;
	struct dw_known *kn = dw_table_upsert(d->known, k, dw_source_us_key(u, un, skey, sklen, k),
					      &created);

	if (created)
		kn->first = ts;
	kn->last = ts;
	/* the subnet entry is taught with a new pair (a returning pair needs no second lookup) */
	if (created && d->cfg->comp_known_subnet && (nl = subnet_key(skey, sklen, net)) != 0) {
		int c2;
		struct dw_known *kn2 = dw_table_upsert(d->known, k,
						       dw_source_us_key(u, un, net, nl, k), &c2);
		if (c2)
			kn2->first = ts;
		kn2->last = ts;
	}
	return created;
}

void dw_source_reset(struct dw_detect *d, struct dw_src *s)
{
	struct dw_pair *p, *next;

	(void)d;
	/* the list holds only pairs of the open episode: detach the rest */
	for (p = s->pairs; p; p = next) {
		next = p->next;
		p->src = NULL;
		p->prev = p->next = NULL;
	}
	s->pairs = NULL;
	s->epoch++;
	s->first_fail = s->last_fail = 0;
	s->first_ref = 0;
	s->last_succ = 0;
	s->fails = s->users = s->red_users = s->red_fails = s->unk_users = 0;
	s->maxpu = s->nouser_fails = s->succ = 0;
	s->hour_n = 0;
	s->reasons = 0;
	s->logs = 0;
	s->camp_fails = 0;
	s->flags &= (uint8_t)~(DW_SF_LIVE | DW_SF_LOUD);
	s->live_kind = 0;
	s->ivl_n = s->ivl_pos = 0;
}

static struct dw_src *src_get(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
			      size_t klen)
{
	int created;
	struct dw_src *s = dw_table_upsert(d->src, key, klen, &created);

	if (created) {
		s->bucket_last = -1;
		if (e->src_ip.fam && dw_ip_is_private(&e->src_ip))
			s->flags |= DW_SF_PRIVATE;
	}
	return s;
}

/* The pair (s, user of e), linked into s's list and belonging to s's episode. */
static struct dw_pair *pair_get(struct dw_detect *d, struct dw_src *s, const struct dw_event *e,
				const uint8_t *key, size_t klen)
{
	uint8_t pk[1 + DW_SRC_KEY_MAX + DW_USER_MAX + 1];
	size_t pklen = dw_source_pair_key(key, klen, e->user.p, e->user.n, pk);
	int created;
	struct dw_pair *p = dw_table_upsert(d->pair, pk, pklen, &created);

	if (created) {
		p->srclen = (uint8_t)klen;
		p->epoch = s->epoch;
		if (pklen > DW_PAIR_KEY_MAX)
			p->flags |= DW_PF_LONG;
	}
	if (!p->src)
		pair_link(s, p);
	if (p->epoch != s->epoch) {
		p->epoch = s->epoch;
		p->fails = 0;
		p->flags &= DW_PF_LONG;
	}
	return p;
}

static struct dw_user *user_get(struct dw_detect *d, const struct dw_event *e)
{
	int created;
	struct dw_user *u = dw_table_upsert(d->user, e->user.p, e->user.n, &created);

	if (created)
		u->bucket_last = -1;
	return u;
}

static void push_interval(struct dw_src *s, int64_t dt)
{
	int64_t sec = dt > 0 ? dt / DW_NS : 0;

	s->ivl[s->ivl_pos] = sec > UINT32_MAX ? UINT32_MAX : (uint32_t)sec;
	s->ivl_pos = (uint8_t)((s->ivl_pos + 1) % DW_IVL_N);
	if (s->ivl_n < DW_IVL_N)
		s->ivl_n++;
}

static void set_att_key(struct dw_user *u, const uint8_t *key, size_t klen)
{
	size_t n = DW_MIN(klen, sizeof(u->att_key));

	memcpy(u->att_key, key, n);
	u->att_keylen = (uint8_t)n;
}

void dw_source_mark_users(struct dw_detect *d, struct dw_src *s, const uint8_t *skey,
			  size_t sklen, int kind)
{
	for (struct dw_pair *p = s->pairs; p; p = p->next) {
		size_t un;
		const char *un_p;
		struct dw_user *u;

		if (p->epoch != s->epoch || p->fails == 0)
			continue;
		if (kind == DW_CL_BRUTE && p->fails < d->cfg->comp_brute_user_failures)
			continue; /* not what the brute force aimed at */
		un_p = dw_source_pair_user(d, p, &un);
		u = dw_table_get(d->user, un_p, un);
		if (!u)
			continue;
		if (p->last_fail > u->att_ts || u->att_id != s->att_id) {
			u->att_ts = DW_MAX(u->att_ts, p->last_fail);
			u->att_id = s->att_id;
			u->att_kind = (uint8_t)kind;
			set_att_key(u, skey, sklen);
		}
	}
}

void dw_source_failure(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		       size_t klen)
{
	const struct dw_config *c = d->cfg;
	struct dw_src *s = src_get(d, e, key, klen);
	int64_t ts = e->ts;
	uint32_t cnt = e->count ? e->count : 1;
	uint32_t hour = (uint32_t)(ts / (3600 * DW_NS));
	struct dw_qent *q;
	struct dw_pair *p;
	struct dw_user *u;
	uint64_t h;

	/* a long silence ends an unreported episode (its queue entry may be gone) */
	if (s->fails && ts - s->last_fail >= c->forget)
		dw_classify_close(d, s, key, klen, ts, 0);
	if (s->fails) {
		push_interval(s, ts - s->last_fail);
		if (ts > s->last_fail)
			s->last_fail = ts;
		if (ts < s->first_fail) {
			s->first_fail = ts;
			s->first_ref = dw_detect_ref(d, e);
		}
	} else {
		s->first_fail = s->last_fail = ts;
		s->first_ref = dw_detect_ref(d, e);
	}
	s->fails = s->fails + cnt < s->fails ? UINT32_MAX : s->fails + cnt;
	s->reasons |= (uint16_t)(1u << (e->reason < 16 ? e->reason : 15));
	s->logs |= 1u << (e->log < 32 ? e->log : 0);
	if (s->hour != hour) {
		s->hour = hour;
		s->hour_n = 0;
	}
	s->hour_n += cnt;
	if (s->hour_n > c->dist_quiet_per_hour)
		s->flags |= DW_SF_LOUD;

	if (s->flags & DW_SF_QSLOW) {
		(void)dw_table_del(d->qslow, key, klen);
		s->flags &= (uint8_t)~DW_SF_QSLOW;
	}
	q = dw_table_upsert(d->queue, key, klen, NULL);
	q->last_fail = s->last_fail;
	s->flags |= DW_SF_QUEUED;

	if (e->user.n == 0) {
		s->nouser_fails += cnt;
		if (!(s->flags & DW_SF_LIVE))
			dw_classify_live(d, s, key, klen);
		return;
	}

	p = pair_get(d, s, e, key, klen);
	if (p->fails == 0) {
		p->first_fail = p->last_fail = ts;
		s->users++;
	}
	p->fails += cnt;
	if (ts > p->last_fail)
		p->last_fail = ts;
	p->since_succ = (uint16_t)DW_MIN((uint32_t)p->since_succ + cnt, 65535u);
	if (e->reason == DW_RSN_UNKNOWN_USER && !(p->flags & DW_PF_UNKNOWN)) {
		p->flags |= DW_PF_UNKNOWN;
		s->unk_users++;
	}
	if (p->fails > s->maxpu)
		s->maxpu = p->fails;

	u = user_get(d, e);
	h = dw_detect_hash(key, klen);
	if (u->fh[0] == h) {
		u->ft[0] = DW_MAX(u->ft[0], ts);
	} else {
		u->fh[1] = u->fh[0];
		u->ft[1] = u->ft[0];
		u->fh[0] = h;
		u->ft[0] = ts;
	}
	u->last_fail = DW_MAX(u->last_fail, ts);
	if ((s->flags & DW_SF_LIVE) &&
	    (s->live_kind != DW_CL_BRUTE || p->fails >= c->comp_brute_user_failures)) {
		u->att_ts = DW_MAX(u->att_ts, ts);
		u->att_id = s->att_id;
		u->att_kind = s->live_kind;
		set_att_key(u, key, klen);
	}
	dw_dist_failure(d, s, u, ts, cnt);
	if (!(s->flags & DW_SF_LIVE))
		dw_classify_live(d, s, key, klen);
	else
		dw_classify_relive(d, s, key, klen);
}

void dw_source_success(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		       size_t klen)
{
	const struct dw_config *c = d->cfg;
	struct dw_src *s = src_get(d, e, key, klen);
	int64_t ts = e->ts;
	struct dw_pair *p = NULL;
	struct dw_user *u;
	struct dw_known *kn;
	uint32_t before = 0;
	int known;

	if (s->fails && ts - s->last_fail >= c->forget)
		dw_classify_close(d, s, key, klen, ts, 0);
	if (s->fails) {
		s->succ++;
		if (ts > s->last_succ)
			s->last_succ = ts;
	}
	if (e->user.n == 0)
		return;

	/*
	 * The common case - a user logging in from a source with no failures -
	 * costs lookups only: a pair is created only for a source in an episode
	 * (its successes matter if it turns out to attack), a user entry only
	 * by failures.
	 */
	if (s->fails) {
		p = pair_get(d, s, e, key, klen);
	} else {
		uint8_t pk[1 + DW_SRC_KEY_MAX + DW_USER_MAX + 1];
		p = dw_table_get(d->pair, pk, dw_source_pair_key(key, klen, e->user.p, e->user.n, pk));
	}
	if (p) {
		before = p->since_succ;
		if (s->fails && p->src == s && p->epoch == s->epoch && p->fails && before >= 1 &&
		    before <= c->typo_max && ts - p->last_fail <= c->typo_window) {
			if (!(p->flags & DW_PF_REDEEMED)) {
				p->flags |= DW_PF_REDEEMED;
				s->red_users++;
			}
			s->red_fails += DW_MIN(before, p->fails);
		}
		p->since_succ = 0;
		p->succ_ts = ts;
		p->succ_ref = dw_detect_ref(d, e);
	}
	u = dw_table_get(d->user, e->user.p, e->user.n);
	known = known_level(d, s, key, klen, e->user.p, e->user.n, &kn);

	if (dw_comp_success(d, e, s, p, u, key, klen, before, known)) {
		/* clean: this user logs in from here */
		if (kn && ts - kn->last < DAY_NS) {
			kn->last = ts; /* a returning pair: no second lookup */
		} else if (dw_source_learn(d, e->user.p, e->user.n, key, klen, ts)) {
			s->good_users++;
		}
		if (d->cfg->comp_known_ua && e->user_agent.n) { /* ... and with this client */
			uint8_t k[DW_USER_MAX + DW_SRC_KEY_MAX + 2], ua[16];
			size_t n = ua_key(e, ua);
			int created;
			struct dw_known *x = dw_table_upsert(
				d->known, k, dw_source_us_key(e->user.p, e->user.n, ua, n, k), &created);
			if (created)
				x->first = ts;
			x->last = ts;
		}
		if (u)
			u->last_clean = DW_MAX(u->last_clean, ts);
	}
	/* this source's failures for the user were the user's own (or are judged above) */
	if (u) {
		uint64_t h = dw_detect_hash(key, klen);
		for (int i = 0; i < 2; i++)
			if (u->fh[i] == h)
				u->fh[i] = 0;
	}
}

void dw_source_validated(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
			 size_t klen)
{
	struct dw_src *s;
	struct dw_pair *p = NULL;
	struct dw_known *kn;
	int known;

	if (e->user.n == 0)
		return;
	s = src_get(d, e, key, klen);
	if (s->fails && e->ts - s->last_fail >= d->cfg->forget)
		dw_classify_close(d, s, key, klen, e->ts, 0);
	known = known_level(d, s, key, klen, e->user.p, e->user.n, &kn);
	/*
	 * From a source new for the account it is also an attempt of whatever
	 * that source is doing (a sprayer's right guess is one of its tries);
	 * from a usual one it is not (password expiry day, an MFA prompt at
	 * the desk), so it cannot make a spray out of ordinary sign-ins.
	 */
	if (!known)
		dw_source_failure(d, e, key, klen);
	/* inside an episode the pair remembers it, for the moment the source is recognised */
	if (s->fails) {
		p = pair_get(d, s, e, key, klen);
		p->flags |= DW_PF_VALID;
		p->valid_ts = e->ts;
		p->valid_ref = dw_detect_ref(d, e);
	}
	(void)dw_comp_success(d, e, s, p, dw_table_get(d->user, e->user.p, e->user.n), key, klen,
			      0, known);
}

int dw_source_sorted_intervals(const struct dw_src *s, uint32_t v[DW_IVL_N])
{
	memcpy(v, s->ivl, sizeof(s->ivl));
	for (int i = 1; i < s->ivl_n; i++) { /* insertion sort: at most DW_IVL_N */
		uint32_t x = v[i];
		int j = i - 1;
		while (j >= 0 && v[j] > x) {
			v[j + 1] = v[j];
			j--;
		}
		v[j + 1] = x;
	}
	return s->ivl_n;
}

uint32_t dw_source_median(const struct dw_src *s)
{
	uint32_t v[DW_IVL_N];

	if (!s->ivl_n)
		return 0;
	return v[dw_source_sorted_intervals(s, v) / 2];
}

/* Moves s to the slow queue (its episode stays open for slow.idle). */
static void queue_slow(struct dw_detect *d, struct dw_src *s, const uint8_t *key, size_t klen)
{
	struct dw_qent *q = dw_table_upsert(d->qslow, key, klen, NULL);

	q->last_fail = s->last_fail;
	s->flags |= DW_SF_QSLOW;
}

static int slow_paced(const struct dw_detect *d, const struct dw_src *s)
{
	return (int64_t)dw_source_median(s) * DW_NS >= d->cfg->slow_pace;
}

void dw_source_requeue(struct dw_detect *d, struct dw_src *s, const uint8_t *key, size_t klen,
		       int64_t now)
{
	struct dw_qent *q;

	if (!s->fails || (s->flags & (DW_SF_QUEUED | DW_SF_QSLOW)))
		return;
	if (now - s->last_fail >= d->cfg->idle) {
		dw_classify_close(d, s, key, klen, now, 0);
		return;
	}
	q = dw_table_upsert(d->queue, key, klen, NULL);
	q->last_fail = s->last_fail;
	s->flags |= DW_SF_QUEUED;
}

void dw_source_expire(struct dw_detect *d, int64_t now, int flush)
{
	uint32_t cur = 0;
	const void *k;
	size_t kl;
	struct dw_qent *q;

	while ((q = dw_table_next(d->queue, &cur, &k, &kl)) != NULL) {
		uint8_t key[DW_SRC_KEY_MAX];
		struct dw_src *s;

		if (!flush && q->last_fail > now - d->cfg->idle)
			break;
		memcpy(key, k, kl);
		s = dw_table_get(d->src, key, kl);
		(void)dw_table_del(d->queue, key, kl);
		if (!s)
			continue;
		s->flags &= (uint8_t)~DW_SF_QUEUED;
		/* a campaign participant waits for its campaign, which closes or requeues it */
		if (!flush && dw_dist_holds(d, s))
			continue;
		/* a slow-paced source is not done yet: gaps of hours are its pace */
		if (!flush && slow_paced(d, s) && now - s->last_fail < d->cfg->slow_idle) {
			queue_slow(d, s, key, kl);
			continue;
		}
		dw_classify_close(d, s, key, kl, now, flush);
	}
	cur = 0;
	while ((q = dw_table_next(d->qslow, &cur, &k, &kl)) != NULL) {
		uint8_t key[DW_SRC_KEY_MAX];
		struct dw_src *s;

		if (!flush && q->last_fail > now - d->cfg->slow_idle)
			break;
		memcpy(key, k, kl);
		s = dw_table_get(d->src, key, kl);
		(void)dw_table_del(d->qslow, key, kl);
		if (!s)
			continue;
		s->flags &= (uint8_t)~DW_SF_QSLOW;
		if (!flush && dw_dist_holds(d, s))
			continue;
		dw_classify_close(d, s, key, kl, now, flush);
	}
	if (flush) {
		/* episodes whose queue entry was evicted */
		cur = 0;
		struct dw_src *s;
		while ((s = dw_table_next(d->src, &cur, &k, &kl)) != NULL)
			if (s->fails)
				dw_classify_close(d, s, k, kl, now, 1);
	}
}
