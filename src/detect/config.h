/*
 * config.h - detector thresholds, limits and allowlists: the defaults, and a
 * config file that overrides them. etc/dwell.conf documents every key with
 * its default; config.c holds the same defaults, and a unit test loads the
 * file over a fresh config and checks that nothing changed.
 *
 * File format: "[section]" lines, then "key = value" lines (the key is
 * "section.key"); "section.key = value" also works outside any section.
 * "#" starts a comment. Durations take a unit: 30s, 20m, 2h, 7d (a bare
 * number is seconds). Byte sizes take a unit too: 500MB, 1GiB, 2TB (a
 * bare number is bytes). Booleans: yes/no, true/false, on/off, 1/0. Lists
 * (allow.*, networks.internal, servers.*) are comma-separated, and
 * repeated keys append, to the defaults too (a range already listed adds
 * nothing); the value "none" empties a list first.
 * An unknown key or a bad value is an error naming file:line, and so is a
 * line with a NUL byte or longer than 4095 bytes.
 *
 * The struct is public so detectors read fields directly; set it only
 * through dw_config_set/dw_config_load(_buf) so values stay in their ranges.
 */
#ifndef DW_DETECT_CONFIG_H
#define DW_DETECT_CONFIG_H

#include "../core/dw.h"
#include "../core/ip.h"
#include "../core/sb.h"

/* Most entries of each list (allow.ips, allow.users, networks.internal, servers.*). */
#define DW_CONFIG_ALLOW_MAX 4096

/* A list of addresses and CIDRs, checked linearly (a handful of entries). */
struct dw_netlist {
	struct dw_cidr *v;
	size_t n;
};

/* Server roles (servers.* and the ports that reveal them; flow.c). */
enum dw_role { DW_ROLE_NONE = 0, DW_ROLE_FILE, DW_ROLE_MAIL, DW_ROLE_WEB };

struct dw_config {
	/* [limits]: entries of each capped table (see src/detect/source.c). */
	uint32_t lim_sources;   /* per-source state, and the episode queue */
	uint32_t lim_users;     /* per-user state */
	uint32_t lim_pairs;     /* (source, user) failure pairs */
	uint32_t lim_known;     /* (user, source) pairs with a clean success */
	uint32_t lim_pending;   /* recent suspicious successes awaiting judgement */
	uint32_t lim_compromised; /* (user, source) pairs already reported */
	uint32_t lim_accounts;  /* per-account MFA, lockout and access state */
	uint32_t lim_shares;    /* (user, share) pairs seen */
	uint32_t lim_explicit;  /* (host, subject, target user) explicit-credential uses */
	uint32_t lim_flow_hosts; /* internal hosts with flow state */
	uint32_t lim_flow_pairs; /* (internal host, external destination) pairs */
	uint32_t lim_flow_dests; /* external destination aggregates (/24, /48) */
	uint32_t lim_vpn;        /* VPN addresses with their last sessions */

	/* [allow] */
	struct dw_netlist allow_ips;
	char **allow_users;         /* normalised keys, kept sorted */
	size_t n_allow_users;

	/* [episode] (times in ns) */
	int64_t idle;        /* quiet time that closes a source's attack episode */
	int64_t forget;      /* quiet time after which a non-attack episode is forgotten */
	int64_t horizon;     /* how long after an attack a success is judged against it */
	int64_t typo_window; /* failure then success within this = a typo */
	uint32_t typo_max;   /* at most this many failures before the success */
	uint32_t benign_redeemed_pct; /* >= this % of failing users typo-redeemed: not an attack */

	/* [bruteforce] */
	int bf_enabled;
	uint32_t bf_min_failures;
	uint32_t bf_max_users;

	/* [spray] */
	int spray_enabled;
	uint32_t spray_min_users;
	uint32_t spray_max_per_user;

	/* [stuffing] */
	int stuff_enabled;
	uint32_t stuff_min_users;
	uint32_t stuff_max_per_user;
	uint32_t stuff_unknown_pct;

	/* [slow] */
	int64_t slow_min_duration;
	uint32_t slow_min_failures;
	int64_t slow_pace;  /* median interval that makes a source slow-paced */
	int64_t slow_idle;  /* quiet time that closes a slow-paced episode */

	/* [stale] */
	int stale_enabled;
	uint32_t stale_min_failures;
	int64_t stale_min_duration;
	int64_t stale_min_interval;
	uint32_t stale_regular_pct;

	/* [distributed] */
	int dist_enabled;
	int64_t dist_bucket;
	int64_t dist_window;
	int64_t dist_slow_window;
	int64_t dist_baseline;
	int64_t dist_warmup;       /* first stretch: windows are learned as they are */
	int64_t dist_max_duration; /* a campaign open this long is reported */
	uint32_t dist_min_sources;
	uint32_t dist_min_users;
	uint32_t dist_slow_min_sources;
	uint32_t dist_slow_min_users;
	uint32_t dist_active_sources;
	uint32_t dist_quiet_per_hour;
	double dist_sigma;
	int dist_private;

	/* [compromise] */
	int comp_enabled;
	int comp_password_only;
	uint32_t comp_established_users;
	int comp_known_subnet;     /* a clean success also teaches the source's /24 (/64) */
	int64_t comp_learn;        /* first stretch of the input: private successes only teach */
	uint32_t comp_brute_user_failures; /* a brute force targets users it failed this often */
	int comp_private_from_public; /* an outside attack explains a login from inside */
	int comp_known_ua;         /* a client (user agent) the account used cleanly is its own */

	/* [windows] */
	int64_t win_dedupe;        /* one attempt logged by two machines within this counts once */

	/* [mfa] */
	int mfa_enabled;
	uint32_t mfa_fatigue_min;  /* MFA denials or failures before a success */
	int64_t mfa_fatigue_window;

	/* [lockout] */
	int lock_enabled;
	uint32_t lock_min_users;
	int64_t lock_window;

	/* [access] */
	int access_enabled;
	int64_t access_idle;       /* quiet time that ends a compromised account's access report */

	/* [explicit] */
	int expl_enabled;
	uint32_t expl_min_users;   /* distinct target accounts from one host+subject */
	int64_t expl_window;

	/* [networks], [servers] */
	struct dw_netlist internal;   /* our address space (default RFC 1918 + RFC 4193) */
	struct dw_netlist srv_file, srv_mail, srv_web;

	/* [flow] (shared by exfil and staging) */
	int64_t flow_learn;        /* first stretch of flow data: destinations are learned, not judged */
	int64_t flow_window;       /* quiet time that ends a pair's run and forgets hosts and destinations */

	/* [exfil] */
	int exfil_enabled;
	uint64_t exfil_min_bytes;  /* a run to a rare new destination must reach this */
	uint32_t exfil_host_factor; /* ... at this many times the host's usual daily upload */
	uint32_t exfil_rare_hosts; /* rare: at most this many internal hosts use the destination ... */
	uint32_t exfil_rare_pct;   /* ... or at most this share of the active hosts */
	uint32_t exfil_common_hosts; /* prevalent: at least this many hosts ... */
	uint32_t exfil_common_pct; /* ... and this share of the active hosts */
	uint64_t exfil_burst_bytes;
	int64_t exfil_burst_window;
	uint32_t exfil_growth;     /* a run is reported again when it has grown this many times */
	int64_t exfil_idle;        /* ... and its last bytes when its pair has been quiet this long */
	uint64_t exfil_host_min_bytes; /* exfil.host: a day's upload must reach this */
	double exfil_pcr_shift;    /* ... and move the host's producer-consumer ratio this far */
	uint32_t exfil_history_days; /* days of a host's history before its baseline is trusted */

	/* [staging] */
	int stage_enabled;
	uint64_t stage_min_bytes;  /* a day's reads from internal servers must reach this */
	uint32_t stage_factor;     /* ... this many times the host's usual day */
	double stage_sigma;        /* ... and lie this many deviations above its and everyone's days */
	uint32_t stage_history_days;
};

/* Allocates a config holding the defaults. Returns DW_OK or DW_ENOMEM; free with dw_config_free. */
int dw_config_new(struct dw_config **out) DW_WUR;
void dw_config_free(struct dw_config *c);

/*
 * Reads a config file over the current values. On error returns DW_EINVAL
 * (or DW_EIO, DW_ENOMEM) and writes "file:line: message" into err.
 */
int dw_config_load(struct dw_config *c, const char *path, char *err, size_t errsz) DW_WUR;

/*
 * The same from memory: buf[0..n) is the file's text (need not end in NUL
 * or '\n'), name stands for the file in messages. Lines with a NUL byte or
 * longer than 4095 bytes are errors.
 */
int dw_config_load_buf(struct dw_config *c, const char *name, const char *buf, size_t n,
		       char *err, size_t errsz) DW_WUR;

/*
 * Sets one "section.key" to a value, as a config line would (lists append).
 * Returns DW_OK, or DW_EINVAL with a message in err.
 */
int dw_config_set(struct dw_config *c, const char *key, const char *value, char *err,
		  size_t errsz) DW_WUR;

/* Appends every key and its current value, one "key = value" line each, to sb. */
void dw_config_dump(const struct dw_config *c, struct dw_sb *sb);

/* 1 if ip is in allow.ips (address or CIDR). */
int dw_config_allow_ip(const struct dw_config *c, const struct dw_ip *ip);

/* 1 if ip lies in one of l's ranges. */
int dw_netlist_match(const struct dw_netlist *l, const struct dw_ip *ip);

/* 1 if ip is in networks.internal. */
int dw_config_internal(const struct dw_config *c, const struct dw_ip *ip);

/* The configured role of an internal server (servers.file/mail/web), DW_ROLE_NONE if none. */
int dw_config_role(const struct dw_config *c, const struct dw_ip *ip);

/* 1 if the normalised user key u[0..n) is in allow.users. */
int dw_config_allow_user(const struct dw_config *c, const char *u, size_t n);

#endif
