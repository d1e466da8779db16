/*
 * config.c - the detector configuration: one table of keys (name, type,
 * field, range, default) drives the defaults, the file parser, --set and
 * the dump, so a key cannot exist in one place and not the others.
 * etc/dwell.conf must list every key of this table with the same default
 * (tests/unit/test_detect_config.c checks both directions).
 *
 * Memory: the struct, plus the allowlists (at most DW_CONFIG_ALLOW_MAX
 * entries each: 4096 * 18 bytes of CIDRs, 4096 user names of at most 256
 * bytes). Nothing here is touched per event except the two allow checks:
 * a linear pass over the CIDRs (an allowlist is a handful of entries) and
 * a binary search over the sorted user names. Lists grow by doubling and a
 * user name is inserted in place (binary search, memmove), so a full list
 * loads in O(n log n) compares plus at most 64 MiB of pointer moves (4096
 * names in reverse order) - not a sort per name.
 *
 * Loading: dw_config_load reads the whole file (at most 16 MiB) into memory
 * and hands it to dw_config_load_buf, the one parser of the format (the
 * fuzz target fuzz/fuzz_config.c calls it directly). A line is at most
 * CONFIG_LINE_MAX - 1 bytes and holds no NUL byte; either is an error, so
 * a binary file is refused rather than read in pieces. Keys apply
 * in file order as they are read: on an error the keys before it are set.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../event/event.h"

enum ktype { K_U32, K_DUR, K_BOOL, K_PCT, K_REAL, K_BYTES, K_NETS, K_USERS };

struct key {
	const char *name;
	enum ktype type;
	size_t off;
	uint64_t min, max; /* for K_U32/K_PCT/K_BYTES: value; K_DUR: seconds; K_REAL: value */
	const char *def;   /* default, as the config file writes it */
};

#define OFF(f) offsetof(struct dw_config, f)
#define CONFIG_LINE_MAX 4096               /* a line (without '\n') is shorter */
#define CONFIG_FILE_MAX ((size_t)16 << 20) /* most bytes of a config file */
#define SECTION_MAX 64                     /* a "[section]" name is shorter */
#define DAY (86400ULL)

static const struct key keys[] = {
	{"limits.sources", K_U32, OFF(lim_sources), 16, 1u << 24, "65536"},
	{"limits.users", K_U32, OFF(lim_users), 16, 1u << 24, "65536"},
	{"limits.pairs", K_U32, OFF(lim_pairs), 16, 1u << 25, "131072"},
	{"limits.known", K_U32, OFF(lim_known), 16, 1u << 25, "131072"},
	{"limits.pending", K_U32, OFF(lim_pending), 16, 1u << 20, "4096"},
	{"limits.compromised", K_U32, OFF(lim_compromised), 16, 1u << 20, "4096"},
	{"limits.accounts", K_U32, OFF(lim_accounts), 16, 1u << 24, "65536"},
	{"limits.shares", K_U32, OFF(lim_shares), 16, 1u << 24, "65536"},
	{"limits.explicit", K_U32, OFF(lim_explicit), 16, 1u << 24, "16384"},
	{"limits.flow_hosts", K_U32, OFF(lim_flow_hosts), 16, 1u << 24, "65536"},
	{"limits.flow_pairs", K_U32, OFF(lim_flow_pairs), 16, 1u << 26, "262144"},
	{"limits.flow_destinations", K_U32, OFF(lim_flow_dests), 16, 1u << 24, "131072"},
	{"limits.vpn_addresses", K_U32, OFF(lim_vpn), 16, 1u << 24, "16384"},

	{"allow.ips", K_NETS, OFF(allow_ips), 0, 0, ""},
	{"allow.users", K_USERS, OFF(allow_users), 0, 0, ""},

	{"episode.idle", K_DUR, OFF(idle), 60, 30 * DAY, "2h"},
	{"episode.forget", K_DUR, OFF(forget), 60, 60 * DAY, "24h"},
	{"episode.horizon", K_DUR, OFF(horizon), 60, 60 * DAY, "24h"},
	{"episode.typo_window", K_DUR, OFF(typo_window), 1, DAY, "10m"},
	{"episode.typo_max", K_U32, OFF(typo_max), 0, 100, "3"},
	{"episode.benign_redeemed", K_PCT, OFF(benign_redeemed_pct), 1, 101, "50%"},

	{"bruteforce.enabled", K_BOOL, OFF(bf_enabled), 0, 1, "yes"},
	{"bruteforce.min_failures", K_U32, OFF(bf_min_failures), 1, 1u << 30, "8"},
	{"bruteforce.max_users", K_U32, OFF(bf_max_users), 1, 1u << 30, "5"},

	{"spray.enabled", K_BOOL, OFF(spray_enabled), 0, 1, "yes"},
	{"spray.min_users", K_U32, OFF(spray_min_users), 2, 1u << 30, "5"},
	{"spray.max_per_user", K_U32, OFF(spray_max_per_user), 1, 1u << 30, "5"},

	{"stuffing.enabled", K_BOOL, OFF(stuff_enabled), 0, 1, "yes"},
	{"stuffing.min_users", K_U32, OFF(stuff_min_users), 2, 1u << 30, "20"},
	{"stuffing.max_per_user", K_U32, OFF(stuff_max_per_user), 1, 1u << 30, "2"},
	{"stuffing.unknown_users", K_PCT, OFF(stuff_unknown_pct), 0, 100, "50%"},

	{"slow.min_duration", K_DUR, OFF(slow_min_duration), 60, 60 * DAY, "6h"},
	{"slow.min_failures", K_U32, OFF(slow_min_failures), 1, 1u << 30, "10"},
	{"slow.pace", K_DUR, OFF(slow_pace), 1, 30 * DAY, "30m"},
	{"slow.idle", K_DUR, OFF(slow_idle), 60, 60 * DAY, "24h"},

	{"stale.enabled", K_BOOL, OFF(stale_enabled), 0, 1, "yes"},
	{"stale.min_failures", K_U32, OFF(stale_min_failures), 1, 1u << 30, "10"},
	{"stale.min_duration", K_DUR, OFF(stale_min_duration), 0, 60 * DAY, "1h"},
	{"stale.min_interval", K_DUR, OFF(stale_min_interval), 0, DAY, "60s"},
	{"stale.regular", K_PCT, OFF(stale_regular_pct), 0, 100, "25%"},

	{"distributed.enabled", K_BOOL, OFF(dist_enabled), 0, 1, "yes"},
	{"distributed.bucket", K_DUR, OFF(dist_bucket), 60, DAY, "10m"},
	{"distributed.window", K_DUR, OFF(dist_window), 60, 7 * DAY, "1h"},
	{"distributed.slow_window", K_DUR, OFF(dist_slow_window), 60, 7 * DAY, "24h"},
	{"distributed.baseline", K_DUR, OFF(dist_baseline), 3600, 365 * DAY, "7d"},
	{"distributed.warmup", K_DUR, OFF(dist_warmup), 0, 365 * DAY, "1h"},
	{"distributed.max_duration", K_DUR, OFF(dist_max_duration), 3600, 365 * DAY, "3d"},
	{"distributed.min_sources", K_U32, OFF(dist_min_sources), 2, 1u << 30, "10"},
	{"distributed.min_users", K_U32, OFF(dist_min_users), 2, 1u << 30, "10"},
	{"distributed.slow_min_sources", K_U32, OFF(dist_slow_min_sources), 2, 1u << 30, "20"},
	{"distributed.slow_min_users", K_U32, OFF(dist_slow_min_users), 2, 1u << 30, "20"},
	{"distributed.active_sources", K_U32, OFF(dist_active_sources), 1, 1u << 30, "3"},
	{"distributed.quiet_per_hour", K_U32, OFF(dist_quiet_per_hour), 1, 1u << 30, "3"},
	{"distributed.sigma", K_REAL, OFF(dist_sigma), 0, 100, "3"},
	{"distributed.private", K_BOOL, OFF(dist_private), 0, 1, "no"},

	{"compromise.enabled", K_BOOL, OFF(comp_enabled), 0, 1, "yes"},
	{"compromise.password_only", K_BOOL, OFF(comp_password_only), 0, 1, "yes"},
	{"compromise.established_users", K_U32, OFF(comp_established_users), 1, 1u << 30, "3"},
	{"compromise.known_subnet", K_BOOL, OFF(comp_known_subnet), 0, 1, "yes"},
	{"compromise.learn", K_DUR, OFF(comp_learn), 0, 365 * DAY, "24h"},
	{"compromise.brute_user_failures", K_U32, OFF(comp_brute_user_failures), 1, 1u << 30, "3"},
	{"compromise.private_from_public", K_BOOL, OFF(comp_private_from_public), 0, 1, "no"},
	{"compromise.known_user_agent", K_BOOL, OFF(comp_known_ua), 0, 1, "yes"},

	{"windows.dedupe", K_DUR, OFF(win_dedupe), 0, 60, "2s"},

	{"mfa.enabled", K_BOOL, OFF(mfa_enabled), 0, 1, "yes"},
	{"mfa.fatigue_min", K_U32, OFF(mfa_fatigue_min), 2, 1u << 30, "5"},
	{"mfa.fatigue_window", K_DUR, OFF(mfa_fatigue_window), 60, DAY, "10m"},

	{"lockout.enabled", K_BOOL, OFF(lock_enabled), 0, 1, "yes"},
	{"lockout.min_users", K_U32, OFF(lock_min_users), 2, 1u << 30, "10"},
	{"lockout.window", K_DUR, OFF(lock_window), 60, 7 * DAY, "30m"},

	{"access.enabled", K_BOOL, OFF(access_enabled), 0, 1, "yes"},
	{"access.idle", K_DUR, OFF(access_idle), 60, 30 * DAY, "1h"},

	{"explicit.enabled", K_BOOL, OFF(expl_enabled), 0, 1, "yes"},
	{"explicit.min_users", K_U32, OFF(expl_min_users), 2, 1u << 30, "10"},
	{"explicit.window", K_DUR, OFF(expl_window), 60, 7 * DAY, "1h"},

	{"networks.internal", K_NETS, OFF(internal), 0, 0,
	 "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7"},
	{"servers.file", K_NETS, OFF(srv_file), 0, 0, ""},
	{"servers.mail", K_NETS, OFF(srv_mail), 0, 0, ""},
	{"servers.web", K_NETS, OFF(srv_web), 0, 0, ""},

	{"flow.learn", K_DUR, OFF(flow_learn), 0, 365 * DAY, "7d"},
	{"flow.window", K_DUR, OFF(flow_window), DAY, 365 * DAY, "30d"},

	{"exfil.enabled", K_BOOL, OFF(exfil_enabled), 0, 1, "yes"},
	{"exfil.min_bytes", K_BYTES, OFF(exfil_min_bytes), 1 << 20, 1ULL << 50, "1GiB"},
	{"exfil.host_factor", K_U32, OFF(exfil_host_factor), 1, 1u << 20, "4"},
	{"exfil.rare_hosts", K_U32, OFF(exfil_rare_hosts), 1, 1u << 30, "3"},
	{"exfil.rare_share", K_PCT, OFF(exfil_rare_pct), 0, 100, "2%"},
	{"exfil.common_hosts", K_U32, OFF(exfil_common_hosts), 2, 1u << 30, "10"},
	{"exfil.common_share", K_PCT, OFF(exfil_common_pct), 0, 100, "10%"},
	{"exfil.burst_bytes", K_BYTES, OFF(exfil_burst_bytes), 1 << 20, 1ULL << 50, "1GiB"},
	{"exfil.burst_window", K_DUR, OFF(exfil_burst_window), 60, DAY, "1h"},
	{"exfil.report_growth", K_U32, OFF(exfil_growth), 2, 1u << 20, "4"},
	{"exfil.idle", K_DUR, OFF(exfil_idle), 60, 365 * DAY, "1d"},
	{"exfil.host_min_bytes", K_BYTES, OFF(exfil_host_min_bytes), 1 << 20, 1ULL << 50, "10GiB"},
	{"exfil.pcr_shift", K_REAL, OFF(exfil_pcr_shift), 0, 2, "0.5"},
	{"exfil.history_days", K_U32, OFF(exfil_history_days), 1, 3650, "7"},

	{"staging.enabled", K_BOOL, OFF(stage_enabled), 0, 1, "yes"},
	{"staging.min_bytes", K_BYTES, OFF(stage_min_bytes), 1 << 20, 1ULL << 50, "2GiB"},
	{"staging.factor", K_U32, OFF(stage_factor), 1, 1u << 20, "5"},
	{"staging.sigma", K_REAL, OFF(stage_sigma), 0, 100, "3"},
	{"staging.history_days", K_U32, OFF(stage_history_days), 1, 3650, "4"},
};

static void seterr(char *err, size_t errsz, const char *fmt, const char *a, const char *b)
{
	if (err && errsz)
		snprintf(err, errsz, fmt, a, b);
}

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < DW_ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Copies s without surrounding blanks into buf (size bufsz); 0 or -1 if too long. */
static int trim_copy(const char *s, size_t n, char *buf, size_t bufsz)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n >= bufsz)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	int nd = 0;

	while (dw_isdigit((unsigned char)*s)) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		s++;
		nd++;
	}
	if (!nd)
		return -1;
	*out = v;
	*end = s;
	return 0;
}

/* "90", "30s", "20m", "2h", "7d", "1w" -> seconds. */
static int parse_dur(const char *s, uint64_t *secs)
{
	uint64_t v, mul = 1;
	const char *e;

	if (parse_u64(s, &v, &e))
		return -1;
	switch (*e) {
	case 0: break;
	case 's': mul = 1; e++; break;
	case 'm': mul = 60; e++; break;
	case 'h': mul = 3600; e++; break;
	case 'd': mul = 86400; e++; break;
	case 'w': mul = 7 * 86400; e++; break;
	default: return -1;
	}
	if (*e || v > UINT64_MAX / mul / 1000000000ULL)
		return -1;
	*secs = v * mul;
	return 0;
}

/* "1048576", "500MB", "1GiB", "2TB" -> bytes (decimal and binary units; B optional). */
static int parse_bytes(const char *s, uint64_t *out)
{
	static const struct {
		const char *u;
		uint64_t mul;
	} units[] = {{"", 1},
		     {"B", 1},
		     {"KB", 1000ULL},
		     {"MB", 1000000ULL},
		     {"GB", 1000000000ULL},
		     {"TB", 1000000000000ULL},
		     {"KiB", 1ULL << 10},
		     {"MiB", 1ULL << 20},
		     {"GiB", 1ULL << 30},
		     {"TiB", 1ULL << 40}};
	uint64_t v;
	const char *e;

	if (parse_u64(s, &v, &e))
		return -1;
	for (size_t i = 0; i < DW_ARRAY_LEN(units); i++) {
		if (strcmp(e, units[i].u) == 0) {
			if (v > UINT64_MAX / units[i].mul)
				return -1;
			*out = v * units[i].mul;
			return 0;
		}
	}
	return -1;
}

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < DW_ARRAY_LEN(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int parse_real(const char *s, double lo, double hi, double *out)
{
	char *e;
	double v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtod(s, &e);
	if (errno || *e || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

/*
 * Room for one more element in a list of n elements of sz bytes whose
 * capacity is n rounded up to a power of two (so a list of 4096 entries is
 * reallocated 13 times, not 4096). Returns the list, or NULL (list intact).
 */
static void *list_room(void *v, size_t n, size_t sz)
{
	if (n && (n & (n - 1)))
		return v; /* not a power of two: below capacity */
	return realloc(v, (n ? 2 * n : 1) * sz);
}

static void clear_users(struct dw_config *c)
{
	for (size_t i = 0; i < c->n_allow_users; i++)
		free(c->allow_users[i]);
	free(c->allow_users);
	c->allow_users = NULL;
	c->n_allow_users = 0;
}

static int add_net(struct dw_netlist *l, const char *s, size_t n)
{
	struct dw_cidr net;
	struct dw_cidr *nv;

	if (dw_cidr_parse(s, n, &net) != DW_OK)
		return DW_EINVAL;
	for (size_t i = 0; i < l->n; i++) /* a repeat (the default written out again) adds nothing */
		if (l->v[i].bits == net.bits && dw_ip_eq(&l->v[i].net, &net.net))
			return DW_OK;
	if (l->n >= DW_CONFIG_ALLOW_MAX)
		return DW_ERANGE;
	nv = list_room(l->v, l->n, sizeof(*nv));
	if (!nv)
		return DW_ENOMEM;
	l->v = nv;
	l->v[l->n++] = net;
	return DW_OK;
}

static int add_user(struct dw_config *c, const char *s, size_t n)
{
	char buf[DW_USER_MAX + 1];
	size_t k = dw_user_normalise(dw_slice_make(s, n), buf);
	size_t lo = 0, hi = c->n_allow_users;
	char **nv, *u;

	if (k == 0)
		return DW_EINVAL;
	if (c->n_allow_users >= DW_CONFIG_ALLOW_MAX)
		return DW_ERANGE;
	nv = list_room(c->allow_users, c->n_allow_users, sizeof(*nv));
	if (!nv)
		return DW_ENOMEM;
	c->allow_users = nv;
	u = malloc(k + 1);
	if (!u)
		return DW_ENOMEM;
	memcpy(u, buf, k + 1);
	/* insert in order: one binary search and a memmove, not a sort per entry */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(c->allow_users[mid], u) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(c->allow_users + lo + 1, c->allow_users + lo,
		(c->n_allow_users - lo) * sizeof(*nv));
	c->allow_users[lo] = u;
	c->n_allow_users++;
	return DW_OK;
}

/* Appends every comma-separated member of v to a list key ("none" empties it). */
static int set_list(struct dw_config *c, const struct key *k, const char *v, char *err,
		    size_t errsz)
{
	struct dw_netlist *nets = (struct dw_netlist *)((char *)c + k->off);
	const char *p = v;

	if (strcmp(v, "none") == 0) {
		if (k->type == K_NETS) {
			free(nets->v);
			nets->v = NULL;
			nets->n = 0;
		} else {
			clear_users(c);
		}
		return DW_OK;
	}
	while (*p) {
		const char *q = strchr(p, ',');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		char item[300];
		int rc;

		if (trim_copy(p, n, item, sizeof(item))) {
			seterr(err, errsz, "%s: member too long in '%s'", k->name, v);
			return DW_EINVAL;
		}
		if (item[0]) {
			rc = k->type == K_NETS ? add_net(nets, item, strlen(item))
					       : add_user(c, item, strlen(item));
			if (rc == DW_ENOMEM) {
				seterr(err, errsz, "%s: %s", k->name, "out of memory");
				return DW_ENOMEM;
			}
			if (rc == DW_ERANGE) {
				seterr(err, errsz, "%s: more than 4096 members%s", k->name, "");
				return DW_EINVAL;
			}
			if (rc) {
				seterr(err, errsz,
				       k->type == K_NETS ? "%s: not an address or CIDR: '%s'"
							 : "%s: not a user name: '%s'",
				       k->name, item);
				return DW_EINVAL;
			}
		}
		if (!q)
			break;
		p = q + 1;
	}
	return DW_OK;
}

static int set_key(struct dw_config *c, const struct key *k, const char *v, char *err,
		   size_t errsz)
{
	char *base = (char *)c;
	uint64_t u;
	const char *e;

	switch (k->type) {
	case K_U32:
		if (parse_u64(v, &u, &e) || *e || u < k->min || u > k->max)
			goto bad;
		*(uint32_t *)(base + k->off) = (uint32_t)u;
		return DW_OK;
	case K_PCT:
		if (parse_u64(v, &u, &e) || (*e && strcmp(e, "%") != 0) || u < k->min ||
		    u > k->max)
			goto bad;
		*(uint32_t *)(base + k->off) = (uint32_t)u;
		return DW_OK;
	case K_DUR:
		if (parse_dur(v, &u) || u < k->min || u > k->max)
			goto bad;
		*(int64_t *)(base + k->off) = (int64_t)u * DW_NS;
		return DW_OK;
	case K_BOOL: {
		int b;
		if (parse_bool(v, &b))
			goto bad;
		*(int *)(base + k->off) = b;
		return DW_OK;
	}
	case K_REAL: {
		double d;
		if (parse_real(v, (double)k->min, (double)k->max, &d))
			goto bad;
		*(double *)(base + k->off) = d;
		return DW_OK;
	}
	case K_BYTES:
		if (parse_bytes(v, &u) || u < k->min || u > k->max)
			goto bad;
		*(uint64_t *)(base + k->off) = u;
		return DW_OK;
	case K_NETS:
	case K_USERS:
		return set_list(c, k, v, err, errsz);
	}
bad:
	seterr(err, errsz, "%s: bad value '%s'", k->name, v);
	return DW_EINVAL;
}

static void clear_lists(struct dw_config *c)
{
	clear_users(c);
	for (size_t i = 0; i < DW_ARRAY_LEN(keys); i++) {
		if (keys[i].type == K_NETS) {
			struct dw_netlist *l = (struct dw_netlist *)((char *)c + keys[i].off);
			free(l->v);
			l->v = NULL;
			l->n = 0;
		}
	}
}

int dw_config_new(struct dw_config **out)
{
	struct dw_config *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return DW_ENOMEM;
	for (size_t i = 0; i < DW_ARRAY_LEN(keys); i++) {
		int rc = set_key(c, &keys[i], keys[i].def, NULL, 0);
		DW_BUG_ON(rc != DW_OK);
		if (rc != DW_OK) {
			dw_config_free(c);
			return DW_EINVAL;
		}
	}
	*out = c;
	return DW_OK;
}

void dw_config_free(struct dw_config *c)
{
	if (!c)
		return;
	clear_lists(c);
	free(c);
}

int dw_config_set(struct dw_config *c, const char *key, const char *value, char *err,
		  size_t errsz)
{
	const struct key *k = find_key(key);
	char v[4096];

	if (!k) {
		seterr(err, errsz, "unknown key '%s'%s", key, "");
		return DW_EINVAL;
	}
	if (trim_copy(value, strlen(value), v, sizeof(v))) {
		seterr(err, errsz, "%s: value too long%s", key, "");
		return DW_EINVAL;
	}
	return set_key(c, k, v, err, errsz);
}

/*
 * One line (NUL-terminated, no '\n') of a config file; section is the
 * current "[section]" (SECTION_MAX bytes), updated by a header line.
 * Returns DW_OK, or an error code with the message (no file:line) in msg.
 */
static int load_line(struct dw_config *c, char *line, char *section, char *msg, size_t msgsz)
{
	char key[256], name[160], val[CONFIG_LINE_MAX], *hash, *eq;
	const char *s;
	size_t n;

	hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	s = skip_ws(line);
	n = strlen(s);
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return DW_OK;
	if (s[0] == '[') {
		if (n < 2 || s[n - 1] != ']' || trim_copy(s + 1, n - 2, section, SECTION_MAX) ||
		    !section[0] || strchr(section, '.')) {
			section[0] = 0;
			snprintf(msg, msgsz, "bad section header");
			return DW_EINVAL;
		}
		return DW_OK;
	}
	eq = memchr(s, '=', n);
	if (!eq) {
		snprintf(msg, msgsz, "expected 'key = value'");
		return DW_EINVAL;
	}
	if (trim_copy(s, (size_t)(eq - s), name, sizeof(name)) || !name[0]) {
		snprintf(msg, msgsz, "bad key");
		return DW_EINVAL;
	}
	if (strchr(name, '.') || !section[0])
		snprintf(key, sizeof(key), "%s", name);
	else
		snprintf(key, sizeof(key), "%s.%s", section, name);
	if (trim_copy(eq + 1, n - (size_t)(eq + 1 - s), val, sizeof(val))) {
		snprintf(msg, msgsz, "value too long");
		return DW_EINVAL;
	}
	return dw_config_set(c, key, val, msg, msgsz);
}

int dw_config_load_buf(struct dw_config *c, const char *name, const char *buf, size_t n,
		       char *err, size_t errsz)
{
	char line[CONFIG_LINE_MAX], section[SECTION_MAX] = "", msg[512];
	unsigned long lineno = 0;
	size_t off = 0;
	int rc = DW_OK;

	while (off < n) {
		const char *nl = memchr(buf + off, '\n', n - off);
		size_t len = nl ? (size_t)(nl - (buf + off)) : n - off;

		lineno++;
		if (len >= sizeof(line)) {
			snprintf(msg, sizeof(msg), "line too long");
			rc = DW_EINVAL;
			goto fail;
		}
		if (memchr(buf + off, 0, len)) {
			snprintf(msg, sizeof(msg), "NUL byte in line");
			rc = DW_EINVAL;
			goto fail;
		}
		memcpy(line, buf + off, len);
		line[len] = 0;
		rc = load_line(c, line, section, msg, sizeof(msg));
		if (rc != DW_OK)
			goto fail;
		off += len + (nl != NULL);
	}
	return DW_OK;
fail:
	if (err && errsz)
		snprintf(err, errsz, "%s:%lu: %s", name, lineno, msg);
	return rc == DW_ENOMEM ? DW_ENOMEM : DW_EINVAL;
}

int dw_config_load(struct dw_config *c, const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!f) {
		if (err && errsz)
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return DW_EIO;
	}
	for (;;) {
		size_t got;
		if (n == cap) {
			char *nb;
			if (cap > CONFIG_FILE_MAX) {
				seterr(err, errsz, "%s: larger than %s", path, "16 MiB");
				fclose(f);
				free(buf);
				return DW_EINVAL;
			}
			cap = cap ? DW_MIN(cap * 2, CONFIG_FILE_MAX + 1) : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				seterr(err, errsz, "%s: %s", path, "out of memory");
				fclose(f);
				free(buf);
				return DW_ENOMEM;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		fclose(f);
		free(buf);
		return DW_EIO;
	}
	fclose(f);
	rc = dw_config_load_buf(c, path, buf, n, err, errsz);
	free(buf);
	return rc;
}

static void dump_dur(struct dw_sb *sb, int64_t ns)
{
	int64_t s = ns / DW_NS;

	if (s && s % 86400 == 0)
		dw_sb_printf(sb, "%lldd", (long long)(s / 86400));
	else if (s && s % 3600 == 0)
		dw_sb_printf(sb, "%lldh", (long long)(s / 3600));
	else if (s && s % 60 == 0)
		dw_sb_printf(sb, "%lldm", (long long)(s / 60));
	else
		dw_sb_printf(sb, "%llds", (long long)s);
}

/* The largest binary unit that divides n, so the dump reads back exactly. */
static void dump_bytes(struct dw_sb *sb, uint64_t n)
{
	static const char *const u[] = {"TiB", "GiB", "MiB", "KiB"};

	for (int i = 0; i < 4; i++) {
		uint64_t m = 1ULL << (40 - 10 * i);
		if (n && n % m == 0) {
			dw_sb_printf(sb, "%llu%s", (unsigned long long)(n / m), u[i]);
			return;
		}
	}
	dw_sb_u64(sb, n);
}

void dw_config_dump(const struct dw_config *c, struct dw_sb *sb)
{
	const char *base = (const char *)c;

	for (size_t i = 0; i < DW_ARRAY_LEN(keys); i++) {
		const struct key *k = &keys[i];
		dw_sb_printf(sb, "%s = ", k->name);
		switch (k->type) {
		case K_U32: dw_sb_u64(sb, *(const uint32_t *)(base + k->off)); break;
		case K_PCT: dw_sb_printf(sb, "%u%%", *(const uint32_t *)(base + k->off)); break;
		case K_DUR: dump_dur(sb, *(const int64_t *)(base + k->off)); break;
		case K_BOOL: dw_sb_puts(sb, *(const int *)(base + k->off) ? "yes" : "no"); break;
		case K_REAL: dw_sb_printf(sb, "%g", *(const double *)(base + k->off)); break;
		case K_BYTES: dump_bytes(sb, *(const uint64_t *)(base + k->off)); break;
		case K_NETS: {
			const struct dw_netlist *l = (const void *)(base + k->off);
			if (l->n == 0 && k->def[0])
				dw_sb_puts(sb, "none"); /* so that loading the dump empties the default */
			for (size_t j = 0; j < l->n; j++) {
				char b[DW_IP_BUFSZ];
				dw_ip_format(&l->v[j].net, b);
				dw_sb_printf(sb, "%s%s/%u", j ? ", " : "", b, (unsigned)l->v[j].bits);
			}
			break;
		}
		case K_USERS:
			for (size_t j = 0; j < c->n_allow_users; j++)
				dw_sb_printf(sb, "%s%s", j ? ", " : "", c->allow_users[j]);
			break;
		}
		dw_sb_putc(sb, '\n');
	}
}

int dw_netlist_match(const struct dw_netlist *l, const struct dw_ip *ip)
{
	for (size_t i = 0; i < l->n; i++)
		if (dw_cidr_match(&l->v[i], ip))
			return 1;
	return 0;
}

int dw_config_allow_ip(const struct dw_config *c, const struct dw_ip *ip)
{
	return dw_netlist_match(&c->allow_ips, ip);
}

int dw_config_internal(const struct dw_config *c, const struct dw_ip *ip)
{
	return dw_netlist_match(&c->internal, ip);
}

int dw_config_role(const struct dw_config *c, const struct dw_ip *ip)
{
	if (dw_netlist_match(&c->srv_file, ip))
		return DW_ROLE_FILE;
	if (dw_netlist_match(&c->srv_mail, ip))
		return DW_ROLE_MAIL;
	if (dw_netlist_match(&c->srv_web, ip))
		return DW_ROLE_WEB;
	return DW_ROLE_NONE;
}

int dw_config_allow_user(const struct dw_config *c, const char *u, size_t n)
{
	size_t lo = 0, hi = c->n_allow_users;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *m = c->allow_users[mid];
		size_t ml = strlen(m);
		int r = memcmp(m, u, ml < n ? ml : n);
		if (r == 0)
			r = ml < n ? -1 : ml > n ? 1 : 0;
		if (r == 0)
			return 1;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}
