/*
 * flow.c - flow events (Zeek conn, nfdump) as the exfiltration and staging
 * rules of exfil.c see them: which side is ours, per-host days, the
 * (internal host, external destination) pairs, the destinations, and the
 * addresses VPN sessions handed out.
 *
 * Sides. networks.internal says which addresses are ours. A flow between
 * an internal host and an external address is that host's traffic with
 * the destination aggregate (the /24 of an IPv4 address, the /48 of an
 * IPv6 one): the bytes the host sent are its upload whichever side opened
 * the connection (an outsider pulling from an exposed service takes data
 * out too). A flow between two internal hosts is a read from a server
 * when the responder is a configured server (servers.*) or serves a file
 * or mail port (SMB 445/139, NFS 2049; IMAP 143/993, POP3 110/995): the
 * bytes it sent back are read by the originator; when only the originator
 * is a configured server or sends from such a port (the server's half of a
 * one-way NetFlow record), the bytes it sent are read by the responder.
 * Other internal traffic and flows with no internal side are counted
 * (stats.flows_other) and left alone. No flow is kept.
 *
 * Days. A host's counters cover one UTC day of event time. Its first flow
 * of a later day, or the sweep when the newest flow enters a new day,
 * closes the day: exfil.c judges it, then learns it into the host's
 * baselines. A late record of a closed day counts in the host's open day.
 *
 * Runs. A pair's run is its traffic since it was last quiet for
 * flow.window: the cumulative bytes out the slow rule judges. A run that
 * began within flow.learn of the first flow is established (DW_FP_OLD):
 * the slow rule does not judge it (the burst and host rules still do).
 *
 * Sweep (once per new day): closes the days of hosts without a flow
 * today, reports the unreported bytes of runs quiet for exfil.idle, and
 * forgets pairs, hosts and destinations quiet for flow.window (a forgotten
 * pair takes one host off its destination). A destination's "hosts" is
 * thus the number of internal hosts that used it within flow.window (its
 * prevalence), and the active hosts are the hosts with state.
 *
 * VPN map. A gateway session that names the intranet address it gave the
 * client (NetScaler Nat_ip: event assigned_ip) is recorded as (user,
 * start, end) under that address, the last two per address. An alert
 * about an internal host names the users whose sessions held the address
 * in the alerted time, so it joins the incident of the account.
 *
 * Memory, allocated with the first flow or VPN address (a run without
 * them has none), at the default caps (value sizes from sizeof on x86-64):
 * hosts 65,536 x (24 + 264 + 18) = 19.1 MiB; pairs 262,144 x (24 + 104 +
 * 18) = 36.5 MiB; destinations 131,072 x (8 + 24 + 18) = 6.3 MiB; VPN
 * addresses 16,384 x (24 + 128 + 18) = 2.7 MiB; plus 4 bytes per bucket
 * (1.8 MiB): 66 MiB.
 * Allocated once; pages are touched as entries fill. If the allocation
 * fails, flows are counted in stats.flows_other and not judged.
 */

#include "internal.h"

#define DAY_NS (86400 * DW_NS)
#define EWMA_HOST 0.1  /* a host's daily baselines: about ten days of memory */
#define EWMA_ALL 0.01  /* everyone's daily reads: about a hundred host-days */

/* Role a responder's port reveals (file and mail ports; web apps are configured). */
static int port_role(uint16_t p)
{
	switch (p) {
	case 445: case 139: case 2049:
		return DW_ROLE_FILE;
	case 143: case 993: case 110: case 995:
		return DW_ROLE_MAIL;
	default:
		return DW_ROLE_NONE;
	}
}

static size_t host_klen(const uint8_t *k)
{
	return k[0] == 4 ? 5 : 17;
}

size_t dw_flow_dest_key(const struct dw_ip *ip, uint8_t *key)
{
	if (ip->fam == 4) {
		key[0] = 4;
		memcpy(key + 1, ip->a, 3);
		return 4;
	}
	if (ip->fam == 6) {
		key[0] = 6;
		memcpy(key + 1, ip->a, 6);
		return 7;
	}
	return 0;
}

size_t dw_flow_dest_text(const uint8_t *key, size_t klen, char *buf)
{
	struct dw_ip ip;
	size_t n;

	memset(&ip, 0, sizeof(ip));
	if (klen == 4 && key[0] == 4) {
		ip.fam = 4;
		memcpy(ip.a, key + 1, 3);
		n = dw_ip_format(&ip, buf);
		memcpy(buf + n, "/24", 4);
		return n + 3;
	}
	if (klen == 7 && key[0] == 6) {
		ip.fam = 6;
		memcpy(ip.a, key + 1, 6);
		n = dw_ip_format(&ip, buf);
		memcpy(buf + n, "/48", 4);
		return n + 3;
	}
	buf[0] = 0;
	return 0;
}

/* At most max(rare_hosts, rare_share of the active hosts) internal hosts use it. */
int dw_flow_rare(const struct dw_detect *d, uint32_t hosts)
{
	uint64_t act = dw_table_count(d->fhost);

	return hosts <= d->cfg->exfil_rare_hosts ||
	       (uint64_t)hosts * 100 <= act * d->cfg->exfil_rare_pct;
}

/* At least common_hosts and common_share of the active hosts use it. */
int dw_flow_common(const struct dw_detect *d, uint32_t hosts)
{
	uint64_t act = dw_table_count(d->fhost);

	return hosts >= d->cfg->exfil_common_hosts &&
	       (uint64_t)hosts * 100 >= act * d->cfg->exfil_common_pct;
}

/* The pair leaves: its destination loses a host, its unreported bytes are reported. */
static void pair_gone(struct dw_detect *d, const uint8_t *k, size_t klen, struct dw_fpair *p)
{
	size_t hk = host_klen(k);
	struct dw_fdest *x = dw_table_get(d->fdest, k + hk, klen - hk);

	if (x && x->hosts)
		x->hosts--;
	if ((p->flags & DW_FP_REP) && p->run > p->rep)
		dw_exfil_remainder(d, p, k, klen, hk);
}

static void pair_evicted(void *ctx, const void *key, size_t klen, void *val)
{
	pair_gone(ctx, key, klen, val);
}

int dw_flow_init(struct dw_detect *d)
{
	d->flow_first = DW_TS_NONE;
	d->flow_day = -1;
	dw_ewma_init(&d->stage_all, EWMA_ALL);
	return DW_OK;
}

/* The tables, made with the first flow or VPN address (a run without flows pays nothing). */
static int flow_alloc(struct dw_detect *d)
{
	const struct dw_config *c = d->cfg;
	int rc;

	if (d->fhost)
		return DW_OK;
	if ((rc = dw_table_new(&d->fhost, c->lim_flow_hosts, DW_HOST_KEY_MAX,
			       sizeof(struct dw_fhost))) != DW_OK ||
	    (rc = dw_table_new(&d->fpair, c->lim_flow_pairs, DW_FPAIR_KEY_MAX,
			       sizeof(struct dw_fpair))) != DW_OK ||
	    (rc = dw_table_new(&d->fdest, c->lim_flow_dests, DW_DEST_KEY_MAX,
			       sizeof(struct dw_fdest))) != DW_OK ||
	    (rc = dw_table_new(&d->vpn, c->lim_vpn, DW_HOST_KEY_MAX, sizeof(struct dw_vpn))) !=
		    DW_OK) {
		dw_flow_free(d);
		return rc;
	}
	dw_table_on_evict(d->fpair, pair_evicted, d);
	return DW_OK;
}

void dw_flow_free(struct dw_detect *d)
{
	dw_table_free(d->fpair); /* no eviction callback runs on free */
	dw_table_free(d->fhost);
	dw_table_free(d->fdest);
	dw_table_free(d->vpn);
	d->fpair = d->fhost = d->fdest = d->vpn = NULL;
}

/* Judges and clears h's open day (if it saw any traffic). */
static void close_day(struct dw_detect *d, struct dw_fhost *h, const uint8_t *k, size_t klen)
{
	if (h->up || h->down || h->rd)
		dw_exfil_day(d, h, k, klen);
	h->up = h->down = h->rd = h->top_up = h->top_rd = 0;
	h->top_ref = h->rd_ref = 0;
	h->up_first = h->up_last = h->rd_first = h->rd_last = 0;
	h->top_dst[0] = h->top_srv[0] = 0;
	h->logs = 0;
}

/* The host's state, its day rolled to the flow's day. */
static struct dw_fhost *host_get(struct dw_detect *d, const void *k, size_t klen,
				 const struct dw_event *e)
{
	int created;
	struct dw_fhost *h = dw_table_upsert(d->fhost, k, klen, &created);
	int64_t day = e->ts / DAY_NS;

	if (created) {
		dw_ewma_init(&h->up_b, EWMA_HOST);
		dw_ewma_init(&h->pcr_b, EWMA_HOST);
		dw_ewma_init(&h->rd_b, EWMA_HOST);
		h->day = day;
	} else if (day > h->day) {
		close_day(d, h, k, klen);
		h->day = day;
	}
	if (e->ts > h->last)
		h->last = e->ts;
	h->logs |= (uint16_t)(1u << e->log);
	return h;
}

static void span(int64_t *first, int64_t *last, int64_t ts)
{
	if (*first == 0 || ts < *first)
		*first = ts;
	if (ts > *last)
		*last = ts;
}

static void sweep(struct dw_detect *d, int64_t day)
{
	const struct dw_config *c = d->cfg;
	int64_t quiet = d->now - c->flow_window, idle = d->now - c->exfil_idle;
	uint32_t cur = 0;
	const void *k;
	size_t kl;
	struct dw_fhost *h;
	struct dw_fpair *p;
	struct dw_fdest *x;

	d->flow_day = day;
	while ((h = dw_table_next(d->fhost, &cur, &k, &kl)) != NULL) {
		if (h->day < day)
			close_day(d, h, k, kl);
		if (h->last < quiet)
			(void)dw_table_del(d->fhost, k, kl);
	}
	cur = 0;
	while ((p = dw_table_next(d->fpair, &cur, &k, &kl)) != NULL) {
		if (p->last < quiet) {
			pair_gone(d, k, kl, p);
			(void)dw_table_del(d->fpair, k, kl);
		} else if ((p->flags & DW_FP_REP) && p->run > p->rep && p->last < idle) {
			dw_exfil_remainder(d, p, k, kl, host_klen(k));
		}
	}
	cur = 0;
	while ((x = dw_table_next(d->fdest, &cur, &k, &kl)) != NULL)
		if (x->hosts == 0 && x->last < quiet)
			(void)dw_table_del(d->fdest, k, kl);
}

/* Traffic of internal host `host` with external `ext`: up bytes sent, down received. */
static void outside(struct dw_detect *d, const struct dw_event *e, const struct dw_ip *host,
		    const struct dw_ip *ext, uint64_t up, uint64_t down)
{
	const struct dw_config *c = d->cfg;
	uint8_t pk[DW_FPAIR_KEY_MAX];
	const void *hk;
	size_t hkl = dw_ip_key(host, &hk), dkl, pkl;
	struct dw_fhost *h;
	struct dw_fdest *x;
	struct dw_fpair *p;
	int64_t day = e->ts / DAY_NS;
	int created;

	memcpy(pk, hk, hkl);
	dkl = dw_flow_dest_key(ext, pk + hkl);
	pkl = hkl + dkl;
	h = host_get(d, pk, hkl, e);
	h->up = dw_add_sat(h->up, up);
	h->down = dw_add_sat(h->down, down);
	span(&h->up_first, &h->up_last, e->ts);
	x = dw_table_upsert(d->fdest, pk + hkl, dkl, &created);
	if (created)
		x->first = e->ts;
	if (e->ts > x->last)
		x->last = e->ts;
	p = dw_table_upsert(d->fpair, pk, pkl, &created);
	if (!created && p->last < e->ts - c->flow_window) {
		/* a new run of a pair quiet for flow.window (the sweep missed it) */
		if ((p->flags & DW_FP_REP) && p->run > p->rep)
			dw_exfil_remainder(d, p, pk, pkl, hkl);
		memset(p, 0, sizeof(*p));
	} else if (created) {
		x->hosts++;
	}
	if (p->first == 0) {
		p->first = p->rep_ts = e->ts;
		p->day = day - 1;
		p->bhalf = e->ts / (c->exfil_burst_window / 2);
		if (h->days >= c->exfil_history_days)
			p->base = dw_u64_of(dw_ewma_mean(&h->up_b));
		if (e->ts < d->flow_first + c->flow_learn)
			p->flags |= DW_FP_OLD;
	}
	if (e->ts > p->last)
		p->last = e->ts;
	p->last_ref = dw_detect_ref(d, e);
	p->logs |= (uint16_t)(1u << e->log);
	if (day > p->day) {
		p->day = day;
		p->day_up = 0;
		if (p->days < UINT16_MAX)
			p->days++;
	}
	p->day_up = dw_add_sat(p->day_up, up);
	p->run = dw_add_sat(p->run, up);
	if (p->day_up > h->top_up) {
		h->top_up = p->day_up;
		h->top_ref = p->last_ref;
		h->top_dst[0] = (uint8_t)dkl;
		memcpy(h->top_dst + 1, pk + hkl, dkl);
	}
	if (up)
		dw_exfil_flow(d, e, h, p, pk, pkl, hkl, up, x);
}

/* A flow between two internal hosts: a read from a server, or nothing to us. */
static void inside(struct dw_detect *d, const struct dw_event *e)
{
	const struct dw_config *c = d->cfg;
	const struct dw_ip *client = &e->src_ip, *server = &e->dst_ip;
	uint64_t bytes = e->bytes_in;
	struct dw_fhost *h;
	const void *k;
	size_t kl;
	int role = dw_config_role(c, &e->dst_ip);

	if (!role && (e->has & DW_EV_HAS_DST_PORT))
		role = port_role(e->dst_port);
	/* the server's side of a one-way NetFlow record: sent from its port to the client */
	if (!role && (dw_config_role(c, &e->src_ip) ||
		      ((e->has & DW_EV_HAS_SRC_PORT) && port_role(e->src_port)))) {
		client = &e->dst_ip;
		server = &e->src_ip;
		bytes = e->bytes_out;
	} else if (!role) {
		d->st.flows_other++;
		return;
	}
	kl = dw_ip_key(client, &k);
	h = host_get(d, k, kl, e);
	h->rd = dw_add_sat(h->rd, bytes);
	span(&h->rd_first, &h->rd_last, e->ts);
	if (bytes > h->top_rd) {
		const void *sk;
		size_t skl = dw_ip_key(server, &sk);
		h->top_rd = bytes;
		h->rd_ref = dw_detect_ref(d, e);
		h->top_srv[0] = (uint8_t)skl;
		memcpy(h->top_srv + 1, sk, skl);
	}
}

void dw_flow_event(struct dw_detect *d, const struct dw_event *e)
{
	const struct dw_config *c = d->cfg;
	int ins, ind;
	int64_t day;

	if (!c->exfil_enabled && !c->stage_enabled)
		return;
	d->st.flows++;
	if (!e->src_ip.fam || !e->dst_ip.fam || flow_alloc(d) != DW_OK) {
		d->st.flows_other++;
		return;
	}
	if (d->flow_first == DW_TS_NONE)
		d->flow_first = e->ts;
	day = d->now / DAY_NS;
	if (day > d->flow_day)
		sweep(d, day);
	ins = dw_config_internal(c, &e->src_ip);
	ind = dw_config_internal(c, &e->dst_ip);
	if (ins && ind)
		inside(d, e);
	else if (ins)
		outside(d, e, &e->src_ip, &e->dst_ip, e->bytes_out, e->bytes_in);
	else if (ind)
		outside(d, e, &e->dst_ip, &e->src_ip, e->bytes_in, e->bytes_out);
	else
		d->st.flows_other++;
}

void dw_flow_flush(struct dw_detect *d)
{
	uint32_t cur = 0;
	const void *k;
	size_t kl;
	struct dw_fhost *h;
	struct dw_fpair *p;

	if (!d->fhost)
		return;
	while ((h = dw_table_next(d->fhost, &cur, &k, &kl)) != NULL)
		close_day(d, h, k, kl);
	cur = 0;
	while ((p = dw_table_next(d->fpair, &cur, &k, &kl)) != NULL)
		if ((p->flags & DW_FP_REP) && p->run > p->rep)
			dw_exfil_remainder(d, p, k, kl, host_klen(k));
}

/* ---- VPN addresses ---- */

void dw_flow_vpn(struct dw_detect *d, const struct dw_event *e)
{
	const void *k;
	size_t kl = dw_ip_key(&e->assigned_ip, &k);
	struct dw_vpn *v;
	struct dw_vsess *s = NULL;
	size_t un = DW_MIN(e->user.n, (size_t)DW_VPN_USER_MAX);

	if (!kl || !e->user.n || flow_alloc(d) != DW_OK)
		return;
	v = dw_table_upsert(d->vpn, k, kl, NULL);
	if (e->action == DW_ACT_SESSION_END) {
		for (int i = 0; i < 2 && !s; i++)
			if (v->s[i].end == INT64_MAX && v->s[i].ulen == un &&
			    memcmp(v->s[i].user, e->user.p, un) == 0)
				s = &v->s[i];
		if (s) {
			s->end = e->ts;
			return;
		}
	}
	v->s[1] = v->s[0];
	s = &v->s[0];
	memset(s, 0, sizeof(*s));
	s->start = e->ts;
	s->end = INT64_MAX;
	if (e->action == DW_ACT_SESSION_END) {
		/* an end without its start: the session's duration says when it began */
		s->end = e->ts;
		if (e->has & DW_EV_HAS_DURATION)
			s->start = e->ts - (int64_t)DW_MIN(e->duration_ms, (uint64_t)365 * 86400000) *
						   1000000;
	}
	s->ulen = (uint8_t)un;
	memcpy(s->user, e->user.p, un);
}

void dw_flow_vpn_users(struct dw_detect *d, const uint8_t *hkey, size_t hklen, int64_t t0,
		       int64_t t1, struct dw_alert *a)
{
	const struct dw_vpn *v = d->vpn ? dw_table_get(d->vpn, hkey, hklen) : NULL;

	if (!v)
		return;
	for (int i = 0; i < 2; i++)
		if (v->s[i].ulen && v->s[i].start <= t1 && v->s[i].end >= t0)
			(void)dw_strlist_add(&a->users, v->s[i].user, v->s[i].ulen);
}

/* ---- state (snapshot.c's format) ---- */

static void get_ewma(struct dw_snap_r *r, struct dw_ewma *e, double alpha)
{
	dw_ewma_init(e, alpha);
	dw_snap_get_ewma(r, e);
}

static void put_host(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		     const void *val)
{
	const struct dw_fhost *h = val;

	(void)d;
	(void)key;
	(void)klen;
	dw_snap_put(sb, (uint64_t)h->last, 8);
	dw_snap_put(sb, (uint64_t)h->up_first, 8);
	dw_snap_put(sb, (uint64_t)h->up_last, 8);
	dw_snap_put(sb, (uint64_t)h->rd_first, 8);
	dw_snap_put(sb, (uint64_t)h->rd_last, 8);
	dw_snap_put(sb, h->up, 8);
	dw_snap_put(sb, h->down, 8);
	dw_snap_put(sb, h->rd, 8);
	dw_snap_put(sb, h->top_up, 8);
	dw_snap_put(sb, h->top_rd, 8);
	dw_snap_put(sb, h->top_ref, 8);
	dw_snap_put(sb, h->rd_ref, 8);
	dw_snap_put_ewma(sb, &h->up_b);
	dw_snap_put_ewma(sb, &h->pcr_b);
	dw_snap_put_ewma(sb, &h->rd_b);
	dw_snap_put(sb, (uint64_t)h->day, 8);
	dw_snap_put(sb, h->days, 2);
	dw_snap_put(sb, h->rdays, 2);
	dw_snap_put(sb, h->logs, 2);
	dw_snap_put_bytes(sb, h->top_dst + 1, h->top_dst[0]);
	dw_snap_put_bytes(sb, h->top_srv + 1, h->top_srv[0]);
}

static int get_host(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		    void *val)
{
	struct dw_fhost *h = val;

	(void)key;
	if (klen != 5 && klen != 17)
		return DW_EINVAL;
	h->last = dw_snap_get_time(r);
	h->up_first = dw_snap_get_time(r);
	h->up_last = dw_snap_get_time(r);
	h->rd_first = dw_snap_get_time(r);
	h->rd_last = dw_snap_get_time(r);
	h->up = dw_snap_get(r, 8);
	h->down = dw_snap_get(r, 8);
	h->rd = dw_snap_get(r, 8);
	h->top_up = dw_snap_get(r, 8);
	h->top_rd = dw_snap_get(r, 8);
	h->top_ref = dw_snap_get_ref(r, d);
	h->rd_ref = dw_snap_get_ref(r, d);
	get_ewma(r, &h->up_b, EWMA_HOST);
	get_ewma(r, &h->pcr_b, EWMA_HOST);
	get_ewma(r, &h->rd_b, EWMA_HOST);
	h->day = dw_snap_get_time(r);
	h->days = (uint16_t)dw_snap_get(r, 2);
	h->rdays = (uint16_t)dw_snap_get(r, 2);
	h->logs = (uint16_t)dw_snap_get(r, 2);
	h->top_dst[0] = (uint8_t)dw_snap_get_bytes(r, h->top_dst + 1, DW_DEST_KEY_MAX);
	h->top_srv[0] = (uint8_t)dw_snap_get_bytes(r, h->top_srv + 1, DW_HOST_KEY_MAX);
	return r->bad ? DW_EINVAL : DW_OK;
}

static void put_pair(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		     const void *val)
{
	const struct dw_fpair *p = val;

	(void)d;
	(void)key;
	(void)klen;
	dw_snap_put(sb, (uint64_t)p->first, 8);
	dw_snap_put(sb, (uint64_t)p->last, 8);
	dw_snap_put(sb, (uint64_t)p->rep_ts, 8);
	dw_snap_put(sb, p->run, 8);
	dw_snap_put(sb, p->rep, 8);
	dw_snap_put(sb, p->base, 8);
	dw_snap_put(sb, p->burst[0], 8);
	dw_snap_put(sb, p->burst[1], 8);
	dw_snap_put(sb, (uint64_t)p->bhalf, 8);
	dw_snap_put(sb, p->day_up, 8);
	dw_snap_put(sb, p->last_ref, 8);
	dw_snap_put(sb, (uint64_t)p->day, 8);
	dw_snap_put(sb, p->days, 2);
	dw_snap_put(sb, p->flags, 1);
	dw_snap_put(sb, p->logs, 2);
}

static int get_pair(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		    void *val)
{
	struct dw_fpair *p = val;
	const uint8_t *k = key;
	size_t hk = host_klen(k);

	if ((k[0] != 4 && k[0] != 6) || klen <= hk || (k[hk] != 4 && k[hk] != 6) ||
	    klen != hk + (k[hk] == 4 ? 4u : 7u))
		return DW_EINVAL;
	p->first = dw_snap_get_time(r);
	p->last = dw_snap_get_time(r);
	p->rep_ts = dw_snap_get_time(r);
	p->run = dw_snap_get(r, 8);
	p->rep = dw_snap_get(r, 8);
	p->base = dw_snap_get(r, 8);
	p->burst[0] = dw_snap_get(r, 8);
	p->burst[1] = dw_snap_get(r, 8);
	p->bhalf = dw_snap_get_time(r);
	p->day_up = dw_snap_get(r, 8);
	p->last_ref = dw_snap_get_ref(r, d);
	p->day = dw_snap_get_time(r);
	p->days = (uint16_t)dw_snap_get(r, 2);
	p->flags = (uint8_t)dw_snap_get(r, 1);
	p->logs = (uint16_t)dw_snap_get(r, 2);
	return r->bad ? DW_EINVAL : DW_OK;
}

static void put_dest(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		     const void *val)
{
	const struct dw_fdest *x = val;

	(void)d;
	(void)key;
	(void)klen;
	dw_snap_put(sb, (uint64_t)x->first, 8);
	dw_snap_put(sb, (uint64_t)x->last, 8);
	dw_snap_put(sb, x->hosts, 4);
}

static int get_dest(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		    void *val)
{
	struct dw_fdest *x = val;

	(void)d;
	(void)key;
	if (klen != 4 && klen != 7)
		return DW_EINVAL;
	x->first = dw_snap_get_time(r);
	x->last = dw_snap_get_time(r);
	x->hosts = (uint32_t)dw_snap_get(r, 4);
	return r->bad ? DW_EINVAL : DW_OK;
}

static void put_vpn(const struct dw_detect *d, struct dw_sb *sb, const void *key, size_t klen,
		    const void *val)
{
	const struct dw_vpn *v = val;

	(void)d;
	(void)key;
	(void)klen;
	for (int i = 0; i < 2; i++) {
		dw_snap_put(sb, (uint64_t)v->s[i].start, 8);
		dw_snap_put(sb, (uint64_t)v->s[i].end, 8);
		dw_snap_put_bytes(sb, v->s[i].user, v->s[i].ulen);
	}
}

static int get_vpn(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		   void *val)
{
	struct dw_vpn *v = val;

	(void)d;
	(void)key;
	if (klen != 5 && klen != 17)
		return DW_EINVAL;
	for (int i = 0; i < 2; i++) {
		v->s[i].start = (int64_t)dw_snap_get(r, 8);
		v->s[i].end = (int64_t)dw_snap_get(r, 8);
		v->s[i].ulen = (uint8_t)dw_snap_get_bytes(r, v->s[i].user, DW_VPN_USER_MAX);
	}
	return r->bad ? DW_EINVAL : DW_OK;
}

void dw_flow_save(const struct dw_detect *d, struct dw_sb *sb)
{
	dw_snap_put_tag(sb, "FLOW");
	dw_snap_put(sb, (uint64_t)d->flow_first, 8);
	dw_snap_put(sb, (uint64_t)d->flow_day, 8);
	dw_snap_put_ewma(sb, &d->stage_all);
	dw_snap_put(sb, d->fhost != NULL, 1);
	if (!d->fhost)
		return;
	dw_snap_put_table(d, sb, d->fhost, put_host);
	dw_snap_put_table(d, sb, d->fpair, put_pair);
	dw_snap_put_table(d, sb, d->fdest, put_dest);
	dw_snap_put_table(d, sb, d->vpn, put_vpn);
}

int dw_flow_load(struct dw_detect *d, struct dw_snap_r *r)
{
	int rc, tables;

	dw_snap_tag(r, "FLOW");
	d->flow_first = (int64_t)dw_snap_get(r, 8);
	d->flow_day = (int64_t)dw_snap_get(r, 8);
	if (d->flow_first != DW_TS_NONE && (d->flow_first < 0 || d->flow_first > DW_SNAP_TIME_MAX))
		r->bad = 1;
	if (d->flow_day < -1 || d->flow_day > DW_SNAP_TIME_MAX / DAY_NS)
		r->bad = 1;
	get_ewma(r, &d->stage_all, EWMA_ALL);
	tables = (int)dw_snap_get_max(r, 1, 1);
	if (r->bad)
		return DW_EINVAL;
	if (!tables)
		return DW_OK;
	if ((rc = flow_alloc(d)) != DW_OK)
		return rc;
	if ((rc = dw_snap_get_table(d, r, d->fhost, DW_HOST_KEY_MAX, get_host)) != DW_OK ||
	    (rc = dw_snap_get_table(d, r, d->fpair, DW_FPAIR_KEY_MAX, get_pair)) != DW_OK ||
	    (rc = dw_snap_get_table(d, r, d->fdest, DW_DEST_KEY_MAX, get_dest)) != DW_OK ||
	    (rc = dw_snap_get_table(d, r, d->vpn, DW_HOST_KEY_MAX, get_vpn)) != DW_OK)
		return rc;
	return DW_OK;
}
