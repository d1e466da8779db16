/*
 * internal.h - what the detector files share (not a public header: only
 * the files of src/detect include it).
 *
 * One struct dw_detect holds every table; the files divide the work:
 *   detect.c      entry points, allowlists, event clock and bucket ticks,
 *                 the alert batch (sorted, then emitted)
 *   source.c      per-source / per-user / pair / known-pair state, what one
 *                 failure or success does to it, the episode queue
 *   classify.c    per-source classification and the per-source alerts
 *                 (brute_force, password_spray, credential_stuffing,
 *                 stale_credentials, and their .slow forms)
 *   window.c      exact sliding-window distinct counters and EWMA baselines
 *   distributed.c tenant-wide windows, campaigns, attribution
 *   compromise.c  success judgement, the pending-success ring, the
 *                 account_compromise, legacy_auth_success and
 *                 password_validated alerts
 *   mfa.c         mfa_fatigue: MFA denials then a success
 *   lockout.c     lockout_storm: many accounts locked in a window
 *   access.c      new_access: what a compromised account did next
 *   explicit.c    password_spray seen from the attacking machine (4648)
 *   flow.c        flow events: internal vs external, per-host days, the
 *                 (host, destination) pairs, destinations, VPN addresses
 *   exfil.c       exfiltration (slow, burst, host) and internal_staging
 *
 * Times are event times in ns. "Episode" = the failures of one source since
 * its last report or since it was last forgotten; pairs and users carry the
 * episode number (epoch) of their source so a new episode needs no sweep.
 */
#ifndef DW_DETECT_INTERNAL_H
#define DW_DETECT_INTERNAL_H

#include "../core/table.h"
#include "detect.h"

/* Table key sizes (bytes). Longer keys are stored as prefix + digest by the table. */
#define DW_SRC_KEY_MAX 48  /* dw_ip_key (5 or 17 bytes) or 'n' + host name (cut at 40) */
#define DW_SRC_NAME_MAX 40
#define DW_PAIR_KEY_MAX 64 /* [source key length][source key][user] */
#define DW_USER_KEY_MAX 32 /* user key (equality only; names are printed from pair keys) */
#define DW_KNOWN_KEY_MAX 32
#define DW_PEND_USER_MAX 96
#define DW_CAMP_RING 8

/* Classification of a source's episode. */
enum dw_class {
	DW_CL_NONE = 0,
	DW_CL_BENIGN, /* failures explained by typos followed by success */
	DW_CL_STALE,
	DW_CL_BRUTE,
	DW_CL_SPRAY,
	DW_CL_STUFF,
	DW_CL_DIST, /* only as the kind of a campaign */
};

static inline int dw_class_is_attack(int c)
{
	return c == DW_CL_BRUTE || c == DW_CL_SPRAY || c == DW_CL_STUFF || c == DW_CL_DIST;
}

struct dw_pair;
struct dw_hold;

/* Source flags */
enum {
	DW_SF_LIVE = 1u << 0,    /* the open episode is already recognised as an attack */
	DW_SF_LOUD = 1u << 1,    /* more than quiet_per_hour failures in some hour of the episode */
	DW_SF_PRIVATE = 1u << 2, /* RFC 1918 / ULA / loopback address */
	DW_SF_QUEUED = 1u << 3,  /* in the episode queue */
	DW_SF_ABSORB = 1u << 4,  /* transient, while a campaign closes: it is the campaign's */
	DW_SF_QSLOW = 1u << 5,   /* in the slow episode queue */
};

#define DW_IVL_N 8

struct dw_src {
	struct dw_pair *pairs;   /* this source's pairs, newest first */
	int64_t first_fail;      /* episode; meaningful when fails > 0 */
	uint64_t first_ref;      /* record of that failure (dw_detect_ref) */
	int64_t last_fail;
	int64_t last_succ;       /* last success in the episode (DW_TS_NONE if none) */
	int64_t rep_until;       /* reported attack: its successes are judged until then */
	uint64_t att_id;         /* id of the open (or last reported) attack of this source */
	int64_t bucket_last;     /* distributed: last bucket it was counted in (-1 none) */
	uint32_t epoch;
	uint32_t fails;          /* failures (count-weighted) in the episode */
	uint32_t users;          /* distinct users failed in the episode */
	uint32_t red_users;      /* ... of which a typo (failure then success) explains */
	uint32_t red_fails;
	uint32_t unk_users;      /* distinct users failed with reason unknown_user */
	uint32_t maxpu;          /* most failures against one user */
	uint32_t nouser_fails;   /* failures without a user name */
	uint32_t succ;           /* successes in the episode */
	uint32_t good_users;     /* distinct users with a clean success from here (ever) */
	uint32_t hour;           /* quiet check: clock hour of hour_n */
	uint32_t hour_n;
	uint32_t camp;           /* campaign it takes part in (0 none) */
	uint32_t camp_fails;
	uint32_t logs;           /* bit per dw_log of its failures */
	uint16_t reasons;        /* bit per dw_reason of its failures */
	uint8_t flags;           /* DW_SF_* */
	uint8_t live_kind;       /* class when it became live */
	uint8_t rep_kind;        /* class of its last report */
	uint8_t ivl_n, ivl_pos;
	uint32_t ivl[DW_IVL_N];  /* last intervals between failures, seconds */
};

/* Pair flags */
enum {
	DW_PF_REDEEMED = 1u << 0, /* a typo: the failures were followed by a success */
	DW_PF_UNKNOWN = 1u << 1,  /* failed as unknown_user */
	DW_PF_COMP = 1u << 2,     /* a success of this pair was reported as a compromise */
	DW_PF_LONG = 1u << 3,     /* key was longer than the table keeps: user name cut */
	DW_PF_PWSUCC = 1u << 4,   /* its last success used a password (a guess can explain it) */
	DW_PF_LEGACY = 1u << 5,   /* ... through a legacy or single-factor path */
	DW_PF_VALID = 1u << 6,    /* a failure proved the password right (valid_ts) */
	DW_PF_VREP = 1u << 7,     /* ... and was reported as password_validated */
};

struct dw_pair {
	struct dw_src *src;       /* owner (NULL once the source was evicted) */
	struct dw_pair *prev, *next;
	int64_t first_fail, last_fail, succ_ts;
	int64_t valid_ts;         /* last failure that proved the password (DW_PF_VALID) */
	uint64_t succ_ref, valid_ref; /* records of succ_ts and valid_ts */
	uint32_t epoch;           /* episode of src these counts belong to */
	uint32_t fails;
	uint16_t since_succ;      /* failures since the last success (saturating) */
	uint8_t flags;            /* DW_PF_* */
	uint8_t srclen;           /* length of the source key inside the pair key */
};

struct dw_user {
	int64_t last_fail;
	uint64_t fh[2];          /* the last two distinct sources that failed for it (hash) */
	int64_t ft[2];           /* ... and when */
	int64_t att_ts;          /* last failure from a recognised attack */
	uint64_t att_id;         /* that attack */
	int64_t last_clean;      /* last clean success */
	int64_t bucket_last;     /* distributed: last bucket it was counted in (-1 none) */
	int64_t camp_ts;         /* last failure from a campaign participant */
	uint64_t comp_id;        /* attack of the last compromise reported for it */
	uint32_t camp;
	uint8_t att_kind;
	uint8_t att_keylen;
	uint8_t att_key[18];     /* source key of that attack (cut for long names) */
};

struct dw_known {
	int64_t first, last;
};

struct dw_qent {
	int64_t last_fail;
};

struct dw_comp {
	uint64_t att_id;
	int64_t ts;
};

/* A new-source judgement waiting episode.typo_window for the owner to show up (compromise.c). */
struct dw_defer {
	int64_t ts;
	uint64_t ref;         /* the judged event's record */
	int64_t att_first;
	uint64_t att_id;
	const char *detector; /* static */
	uint32_t attempts, logs;
	uint8_t kind, what, srclen, akeylen, ulen, done;
	uint8_t src[DW_SRC_KEY_MAX];
	uint8_t akey[18];
	char user[DW_PEND_USER_MAX];
};

/* A suspicious success kept until an attack explains it or it is overwritten. */
struct dw_pend {
	int64_t ts;
	uint64_t ref;
	uint32_t logs;
	uint8_t what; /* enum dw_comp_what */
	uint8_t done;
	uint8_t srclen;
	uint8_t ulen;
	uint8_t ucut; /* user name was longer than kept */
	uint8_t src[DW_SRC_KEY_MAX];
	char user[DW_PEND_USER_MAX];
};

/* Exact distinct count over a sliding window of buckets (window.c). */
struct dw_wcount {
	int64_t len;      /* window length in buckets */
	int64_t count;    /* distinct members in the window ending at the current bucket */
	int32_t *expire;  /* ring: members leaving the window at that bucket */
};

/* Bias-corrected exponentially weighted mean and variance (window.c). */
struct dw_ewma {
	double alpha, m, m2, decay; /* decay = (1-alpha)^n */
	uint64_t n;
};

enum dw_camp_state { DW_CAMP_FREE = 0, DW_CAMP_OPEN, DW_CAMP_REPORTED, DW_CAMP_DISCARDED };

struct dw_camp {
	uint32_t id;
	int state;
	int slow_window;       /* opened by the slow (long) window */
	int64_t start;         /* earliest failure that may belong to it (window start) */
	int64_t opened;        /* boundary time it opened */
	int64_t first_seen, last_seen; /* of the attributed failures (set at close) */
	int64_t last_active;   /* last boundary at which it was still elevated */
	double base_s, base_u, sigma_s; /* baseline of the opening window */
	int64_t peak_s, peak_u;
};

struct dw_batch {
	struct dw_alert *v;
	size_t n, cap;
};

struct dw_detect {
	const struct dw_config *cfg;
	struct dw_alert_sink sink;

	struct dw_table *src;   /* source key -> struct dw_src */
	struct dw_table *pair;  /* [len][source key][user] -> struct dw_pair */
	struct dw_table *user;  /* user -> struct dw_user */
	struct dw_table *known; /* [len][user][source key] -> struct dw_known */
	struct dw_table *queue; /* source key -> struct dw_qent, LRU order = last failure order */
	struct dw_table *qslow; /* the same for slow-paced sources past episode.idle */
	struct dw_table *comp;  /* [len][user][source key] -> struct dw_comp */
	struct dw_table *dedupe; /* user -> struct dw_dedupe (dedupe.c) */
	struct dw_hold *hold;   /* name-only Windows records held back (dedupe.c) */
	struct dw_table *mfa;   /* user -> struct dw_mfa_state */
	struct dw_table *lock;  /* user -> struct dw_lock_user */
	struct dw_table *acc;   /* user -> struct dw_acc (compromised accounts) */
	struct dw_table *share; /* [len][user][host][share] -> struct dw_known */
	struct dw_table *expl;  /* [host][subject] -> struct dw_expl */
	struct dw_table *explu; /* [host][subject][target user] -> struct dw_expl_user */
	struct dw_table *fhost; /* internal host -> struct dw_fhost (flow.c) */
	struct dw_table *fpair; /* [host key][destination key] -> struct dw_fpair */
	struct dw_table *fdest; /* destination key -> struct dw_fdest */
	struct dw_table *vpn;   /* VPN (intranet) address -> struct dw_vpn */
	int64_t flow_first;     /* time of the first flow (DW_TS_NONE before) */
	int64_t flow_day;       /* day (UTC, since the epoch) of the newest flow; -1 before */
	struct dw_ewma stage_all; /* everyone's daily reads from internal servers */
	uint32_t acc_open;      /* access reports open (access.c) */
	uint32_t expl_open;     /* explicit-credential sprays open (explicit.c) */

	/* lockout.c */
	int64_t lock_len;       /* window in buckets */
	struct dw_wcount lock_w;
	struct dw_alert *storm; /* the open lockout storm or NULL */
	uint64_t storm_ref;     /* record of its first lockout */
	int64_t storm_bucket;   /* last bucket with a lock while open */

	struct dw_pend *pend;   /* ring of lim_pending */
	size_t pend_cap, pend_head, pend_n;
	uint64_t pend_overwritten;
	struct dw_defer *defer; /* ring of lim_pending, oldest at defer_head */
	size_t defer_head, defer_n;

	/* clock */
	int64_t now;            /* newest event time seen (DW_TS_NONE before the first) */
	int64_t first_ts;       /* time of the first event */
	int64_t bucket;         /* current bucket index (now / bucket length) */
	int64_t bucket_ns;

	/* distributed */
	int64_t ring_len;       /* buckets kept: slow window + 1 */
	struct dw_wcount ws_src, ws_user, wl_src, wl_user; /* short and long windows */
	uint32_t *attempts;     /* ring: eligible failures per bucket */
	struct dw_ewma b_ss, b_su, b_ls, b_lu; /* baselines: short/long x sources/users */
	struct dw_camp camps[DW_CAMP_RING];
	uint32_t camp_next;     /* next campaign id */
	struct dw_camp *open;   /* the open campaign or NULL */
	int64_t last_camp_end;  /* last_seen of the last reported campaign */

	struct dw_batch batch;
	uint64_t next_seq;

	struct dw_detect_stats st;
	uint64_t alerts_dropped; /* allocation failures while building alerts */
	uint64_t evicted_base;   /* evictions of the runs before a dw_detect_load */

	/* input names interned for record references (detect.c) */
	char **files;            /* DW_FILES_MAX copies */
	uint32_t n_files;
	const char *file_last;   /* the last name looked up (the caller's pointer) ... */
	uint32_t file_last_id;   /* ... and its id + 1 */
};

/*
 * Record references: where an alert's key event is in the input, for its
 * evidence ("file" and "line", or "record_id" for a .evtx record). A
 * uint64_t, 0 = none: bits 63..48 the interned file id + 1, bit 47 set for
 * an evtx record id, bits 46..0 the line or record number (saturating).
 */
#define DW_FILES_MAX 1024      /* input names interned; past them events have no reference */
#define DW_FILE_NAME_MAX 1024  /* longest name kept (longer ones are cut) */
#define DW_REF_RECORD (1ULL << 47)
#define DW_REF_NUM (DW_REF_RECORD - 1)

/* ---- detect.c ---- */
/* Takes ownership of a (its lists); the alert is emitted at the end of the current call. */
void dw_detect_push(struct dw_detect *d, struct dw_alert *a);
/* Formats a source key as text into buf (>= DW_IP_BUFSZ bytes); returns the length. */
size_t dw_detect_src_text(const void *key, size_t klen, char *buf, size_t bufsz);
/* FNV-1a 64 of p[0..n): fixed, so every run hashes alike. */
uint64_t dw_detect_hash(const void *p, size_t n);

/* Interns input name f (copied); returns its id + 1, 0 for none or past DW_FILES_MAX names. */
uint32_t dw_detect_file(struct dw_detect *d, const char *f);
/* The interned name of id + 1 fid (NULL for 0); lives as long as d. */
const char *dw_detect_file_name(const struct dw_detect *d, uint32_t fid);
/* The record reference of e (0 if it names no file, no line, no record, or the names are full). */
uint64_t dw_detect_ref(struct dw_detect *d, const struct dw_event *e);
/* Adds the evidence of ref to a: "file" (base name, cut to fit) and "line" or "record_id". */
void dw_detect_evidence_ref(const struct dw_detect *d, struct dw_alert *a, uint64_t ref);

/* Routes one authentication event (failure, success, or a gateway login) to the detectors. */
void dw_detect_auth(struct dw_detect *d, const struct dw_event *e);

/* ---- dedupe.c ---- */
int dw_dedupe_init(struct dw_detect *d) DW_WUR;
void dw_dedupe_free(struct dw_detect *d);
/* Bytes of the hold ring (fixed). */
size_t dw_dedupe_memuse(const struct dw_detect *d);
/*
 * 1 if e (a Windows authentication event) is taken care of: a duplicate of
 * another machine's record (dropped), or held back; 0: process it now.
 */
int dw_dedupe_check(struct dw_detect *d, const struct dw_event *e);
/* Hands held records older than windows.dedupe at now to dw_detect_auth (all if all). */
void dw_dedupe_release(struct dw_detect *d, int64_t now, int all);

/* ---- source.c ---- */
int dw_source_init(struct dw_detect *d) DW_WUR;
void dw_source_free(struct dw_detect *d);
/* Builds the source key of e into key (DW_SRC_KEY_MAX bytes); returns its length (0: none). */
size_t dw_source_key(const struct dw_event *e, uint8_t *key);
void dw_source_failure(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		       size_t klen);
void dw_source_success(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		       size_t klen);
/* A failure that proved the password right (dw_comp_proves_password): judged like a success. */
void dw_source_validated(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
			 size_t klen);
/* Closes the episodes quiet for episode.idle (slow-paced: slow.idle) at now; all if flush. */
void dw_source_expire(struct dw_detect *d, int64_t now, int flush);
/* Closes s's episode if quiet for episode.idle at now, else puts it back in the queue. */
void dw_source_requeue(struct dw_detect *d, struct dw_src *s, const uint8_t *key, size_t klen,
		       int64_t now);
/* Median of the last intervals between s's failures, seconds (0 if none). */
uint32_t dw_source_median(const struct dw_src *s);
/* Copies the source's recent failure intervals into v sorted; returns how many. */
int dw_source_sorted_intervals(const struct dw_src *s, uint32_t v[DW_IVL_N]);
/* Starts a new episode for s (counters to zero, epoch + 1). */
void dw_source_reset(struct dw_detect *d, struct dw_src *s);
/* Builds a pair key for (source key, user) into buf (DW_PAIR_KEY_MAX + 300 bytes); returns length. */
size_t dw_source_pair_key(const uint8_t *skey, size_t sklen, const char *u, size_t un,
			  uint8_t *buf);
/* User name of a pair (points into the table's key); *cut set if it was truncated. */
const char *dw_source_pair_user(const struct dw_detect *d, const struct dw_pair *p, size_t *n);
/* Builds a [len][user][source] key into buf (DW_USER_MAX + DW_SRC_KEY_MAX + 2); returns length. */
size_t dw_source_us_key(const char *u, size_t un, const uint8_t *skey, size_t sklen,
			uint8_t *buf);
/* 1 if source key skey has had a clean success for user u (or is an established source). */
int dw_source_known(struct dw_detect *d, const struct dw_src *s, const uint8_t *skey,
		    size_t sklen, const char *u, size_t un);
/*
 * 1 if user u had a clean success from skey (or its subnet) first seen before
 * `before`: an address the intruder brought in after a compromise is not the
 * owner's, however often it logs in cleanly since.
 */
int dw_source_known_before(struct dw_detect *d, const uint8_t *skey, size_t sklen, const char *u,
			   size_t un, int64_t before);
/* 1 if e's user agent has had a clean success for e's user (compromise.known_user_agent). */
int dw_source_ua_known(struct dw_detect *d, const struct dw_event *e);
/* Teaches (user u, source skey) and its subnet as known; 1 if the pair was new. */
int dw_source_learn(struct dw_detect *d, const char *u, size_t un, const uint8_t *skey,
		    size_t sklen, int64_t ts);
/* Marks the users of s's episode as attacked by it (after it was recognised). */
void dw_source_mark_users(struct dw_detect *d, struct dw_src *s, const uint8_t *skey,
			  size_t sklen, int kind);

/* ---- classify.c ---- */
struct dw_class_info {
	int cls;           /* enum dw_class */
	int slow;          /* episode long enough for the .slow detectors */
	int regular;       /* failures at a regular interval */
	int known_pair;    /* single-user episode on a pair with a clean success */
	uint32_t median_s; /* median interval between failures */
};
int dw_classify(struct dw_detect *d, const struct dw_src *s, const uint8_t *skey, size_t sklen,
		struct dw_class_info *ci);
/* Recognises s as an attack as soon as its open episode qualifies (called after a failure). */
void dw_classify_live(struct dw_detect *d, struct dw_src *s, const uint8_t *skey, size_t sklen);
/* A live source whose episode changed shape (spray -> brute force): updates its marks. */
void dw_classify_relive(struct dw_detect *d, struct dw_src *s, const uint8_t *skey,
			size_t sklen);
/* Closes s's episode: emits its alert if it was an attack, then starts a new episode. */
void dw_classify_close(struct dw_detect *d, struct dw_src *s, const uint8_t *skey, size_t sklen,
		       int64_t now, int flush);
const char *dw_class_kind(int cls);
/* Detector name of a per-source class ("bruteforce.slow", ...); static storage. */
const char *dw_class_detector(int cls, int slow);

/* ---- window.c ---- */
int dw_wcount_init(struct dw_wcount *w, int64_t len, int64_t ring) DW_WUR;
void dw_wcount_free(struct dw_wcount *w);
/* Counts a member whose last bucket is *last in bucket b (updates *last). */
void dw_wcount_add(struct dw_wcount *w, int64_t ring, int64_t last, int64_t b);
/* Moves the window to end at bucket b (called once per new bucket, in order). */
void dw_wcount_advance(struct dw_wcount *w, int64_t ring, int64_t b);
void dw_wcount_reset(struct dw_wcount *w, int64_t ring);
void dw_ewma_init(struct dw_ewma *e, double alpha);
void dw_ewma_add(struct dw_ewma *e, double x);
/* Adds x capped at mean + k * max(sd, sqrt(mean), 1) (robust to a slow ramp). */
void dw_ewma_learn(struct dw_ewma *e, double x, double k);
/* Mean and standard deviation; 0 if nothing was added. */
double dw_ewma_mean(const struct dw_ewma *e);
double dw_ewma_sd(const struct dw_ewma *e);

/* ---- distributed.c ---- */
int dw_dist_init(struct dw_detect *d) DW_WUR;
void dw_dist_free(struct dw_detect *d);
/* A failure from s for user u (both already updated by source.c). */
void dw_dist_failure(struct dw_detect *d, struct dw_src *s, struct dw_user *u, int64_t ts,
		     uint32_t count);
/* End of bucket b (its windows are complete): baselines, campaign open/extend/close. */
void dw_dist_tick(struct dw_detect *d, int64_t b, int flush);
/* The campaign record with this id if it is open or reported, else NULL. */
const struct dw_camp *dw_dist_campaign(const struct dw_detect *d, uint32_t id);
/* 1 if s takes part in the open campaign (its episode must wait for the campaign). */
int dw_dist_holds(const struct dw_detect *d, const struct dw_src *s);
/* Attack id of a campaign (never equal to a per-source attack id). */
static inline uint64_t dw_dist_att_id(uint32_t camp)
{
	return (1ULL << 63) | camp;
}

/* ---- compromise.c ---- */
/* What a judged event proves. */
enum dw_comp_what {
	DW_COMP_LOGIN = 0, /* account_compromise */
	DW_COMP_LEGACY,    /* legacy_auth_success: the login took a legacy or single-factor path */
	DW_COMP_VALIDATED, /* password_validated: the password was right, the sign-in stopped */
};
/* What e proves if an attack explains it. */
int dw_comp_what(const struct dw_event *e);
/* 1 if a failure e proves its password right (MFA or policy stopped it, or it expired). */
int dw_comp_proves_password(const struct dw_event *e);
int dw_comp_init(struct dw_detect *d) DW_WUR;
void dw_comp_free(struct dw_detect *d);

/* What explains a compromise. */
struct dw_attack {
	uint64_t id;
	int kind;               /* enum dw_class */
	const char *detector;
	int64_t first_seen;
	const uint8_t *key;     /* attacking source key (NULL for a campaign) */
	size_t klen;
	uint32_t camp;
	uint32_t attempts;      /* failures against this user from the attack, if known */
};
/*
 * Reports that user u got in from source skey at ts, explained by attack a
 * (once per (user, source, attack)). from_attacker: the success came from the
 * attacking source itself; ref: the judged event's record. Returns 1 if an alert was emitted.
 */
int dw_comp_report(struct dw_detect *d, const struct dw_attack *a, const char *u, size_t un,
		   const uint8_t *skey, size_t sklen, int64_t ts, uint64_t ref, int from_attacker,
		   int new_source, uint32_t logs, int what);
/*
 * Judges one success (source.c has updated s, and p and u when they exist:
 * either may be NULL; fails_before = the pair's failures since its previous
 * success; known = the source is known for the user). Emits account_compromise if
 * a recognised attack explains it, keeps it if one may later. Returns 1 if
 * the success is clean (teaches the pair as known), 0 otherwise.
 */
int dw_comp_success(struct dw_detect *d, const struct dw_event *e, struct dw_src *s,
		    struct dw_pair *p, struct dw_user *u, const uint8_t *key, size_t klen,
		    uint32_t fails_before, int known);
/* Judges the deferred new-source reports older than episode.typo_window at now (all if all). */
void dw_comp_defer_run(struct dw_detect *d, int64_t now, int all);
/* Judges at once the deferred reports that attack att explains (its alert is being written). */
void dw_comp_defer_attack(struct dw_detect *d, uint64_t att);
/* Keeps a success that an attack recognised later may explain. */
void dw_comp_pend(struct dw_detect *d, const char *u, size_t un, const uint8_t *skey,
		  size_t sklen, int64_t ts, uint64_t ref, uint32_t logs, int what);
/* Judges the kept successes against a per-source attack whose episode closes. */
void dw_comp_scan_source(struct dw_detect *d, struct dw_src *s, const uint8_t *skey,
			 size_t sklen, const struct dw_attack *a);
/* Judges the kept successes against a campaign just opened. */
void dw_comp_scan_campaign(struct dw_detect *d, const struct dw_camp *c,
			   const struct dw_attack *a);


/* ---- mfa.c ---- */
int dw_mfa_init(struct dw_detect *d) DW_WUR;
void dw_mfa_free(struct dw_detect *d);
/* An MFA denial or failure for e's user. */
void dw_mfa_failure(struct dw_detect *d, const struct dw_event *e);
/* A success for e's user from source key: reports mfa_fatigue after enough denials. */
void dw_mfa_success(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		    size_t klen);

/* ---- lockout.c ---- */
int dw_lock_init(struct dw_detect *d) DW_WUR;
void dw_lock_free(struct dw_detect *d);
/* An account locked out (e's user; source key may be empty). */
void dw_lock_event(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		   size_t klen);
/* End of bucket b: closes the storm when it has calmed down (all if flush). */
void dw_lock_tick(struct dw_detect *d, int64_t b, int flush);

/* ---- access.c ---- */
int dw_access_init(struct dw_detect *d) DW_WUR;
void dw_access_free(struct dw_detect *d);
/* The engine now believes user u compromised by a login at ts from source skey. */
void dw_access_compromised(struct dw_detect *d, const char *u, size_t un, int64_t ts);
/* ... or no longer: the compromise at ts was the owner after all (drops its report). */
void dw_access_cancel(struct dw_detect *d, const char *u, size_t un, int64_t ts);
/* A session, share access or explicit-credential use (e) by any account. */
void dw_access_event(struct dw_detect *d, const struct dw_event *e, const uint8_t *key,
		     size_t klen);
/* Reports the access of accounts quiet for access.idle at now (all if flush). */
void dw_access_tick(struct dw_detect *d, int64_t now, int flush);

/* ---- explicit.c ---- */
int dw_expl_init(struct dw_detect *d) DW_WUR;
void dw_expl_free(struct dw_detect *d);
/* A 4648: e->host's account e->session used e's user's credentials. */
void dw_expl_event(struct dw_detect *d, const struct dw_event *e);
/* Reports the sprays quiet for explicit.window at now (all if flush). */
void dw_expl_tick(struct dw_detect *d, int64_t now, int flush);

/* ---- flow.c ---- */
/* Destination aggregate key: [4][3 bytes of a /24] or [6][6 bytes of a /48]. */
#define DW_DEST_KEY_MAX 8 /* 7 used; a table key holds at least 8 */
#define DW_HOST_KEY_MAX 17
#define DW_FPAIR_KEY_MAX (DW_HOST_KEY_MAX + DW_DEST_KEY_MAX)
#define DW_VPN_USER_MAX 47

/* Per internal host: today's counters and its daily baselines. */
struct dw_fhost {
	int64_t last;              /* last flow */
	int64_t up_first, up_last; /* today's flows to and from external destinations */
	int64_t rd_first, rd_last; /* today's reads from internal servers */
	uint64_t up, down;         /* today's bytes to / from external destinations */
	uint64_t rd;               /* today's bytes read from internal servers */
	uint64_t top_up, top_rd;   /* today's most-uploaded destination, most-read server: bytes */
	uint64_t top_ref, rd_ref;  /* ... the record of their biggest flow */
	struct dw_ewma up_b;       /* daily upload (days with external traffic) */
	struct dw_ewma pcr_b;      /* daily producer-consumer ratio (out - in) / (out + in) */
	struct dw_ewma rd_b;       /* daily reads (days with reads) */
	int64_t day;               /* day of the counters */
	uint16_t days, rdays;      /* days learned into up_b / rd_b (saturating) */
	uint16_t logs;             /* bit per dw_log of today's flows */
	uint8_t top_dst[1 + DW_DEST_KEY_MAX]; /* [len][key] of the most-uploaded destination */
	uint8_t top_srv[1 + DW_HOST_KEY_MAX]; /* [len][key] of the most-read server */
};

/* Pair flags */
enum {
	DW_FP_OLD = 1u << 0,   /* the run began while flow.learn lasted: an established pair */
	DW_FP_REP = 1u << 1,   /* the run was judged exfiltration and is being reported */
	DW_FP_BURST = 1u << 2, /* a burst was reported in the current half window */
	DW_FP_BURST2 = 1u << 3, /* ... in the previous one */
};

/* Per (internal host, external destination aggregate): its current run. */
struct dw_fpair {
	int64_t first, last;   /* the run: first and last flow */
	int64_t rep_ts;        /* end of what was reported (the next report starts there) */
	uint64_t run, rep;     /* bytes out in the run; of which reported */
	uint64_t base;         /* host's usual daily upload when the run began (0: unknown) */
	uint64_t burst[2];     /* bytes of the previous and the current half burst window */
	int64_t bhalf;         /* index of the current half window */
	uint64_t day_up;       /* today's bytes out */
	uint64_t last_ref;     /* record of the last flow */
	int64_t day;           /* day of day_up */
	uint16_t days;         /* days with traffic in the run (saturating) */
	uint8_t flags;         /* DW_FP_* */
	uint16_t logs;         /* bit per dw_log */
};

struct dw_fdest {
	int64_t first, last;   /* first and last flow (any host) */
	uint32_t hosts;        /* internal hosts with a pair to it (its prevalence) */
};

/* The last two sessions of a VPN address, newest first. */
struct dw_vsess {
	int64_t start, end;    /* end = INT64_MAX while open */
	uint8_t ulen;
	char user[DW_VPN_USER_MAX];
};
struct dw_vpn {
	struct dw_vsess s[2];
};

int dw_flow_init(struct dw_detect *d) DW_WUR;
void dw_flow_free(struct dw_detect *d);
/* A flow event. */
void dw_flow_event(struct dw_detect *d, const struct dw_event *e);
/* A gateway session start or end that names the address it gave the client. */
void dw_flow_vpn(struct dw_detect *d, const struct dw_event *e);
/* End of input: closes every host's day, reports every run's unreported bytes. */
void dw_flow_flush(struct dw_detect *d);
/* Destination aggregate key of ip into key (DW_DEST_KEY_MAX bytes); returns its length. */
size_t dw_flow_dest_key(const struct dw_ip *ip, uint8_t *key);
/* Text of a destination key ("192.0.2.0/24", "2001:db8:1::/48") into buf (DW_IP_BUFSZ + 4). */
size_t dw_flow_dest_text(const uint8_t *key, size_t klen, char *buf);
/* Adds the accounts whose VPN sessions held address hkey within [t0, t1] to a's users. */
void dw_flow_vpn_users(struct dw_detect *d, const uint8_t *hkey, size_t hklen, int64_t t0,
		       int64_t t1, struct dw_alert *a);
/* Active internal hosts (with flow state) and the prevalence thresholds derived from them. */
int dw_flow_rare(const struct dw_detect *d, uint32_t hosts);
int dw_flow_common(const struct dw_detect *d, uint32_t hosts);

/* ---- exfil.c ---- */
/*
 * Bytes out of host h to pair p (key pkey: host key of hklen bytes, then
 * the destination's) in flow e: the slow and burst rules.
 */
void dw_exfil_flow(struct dw_detect *d, const struct dw_event *e, const struct dw_fhost *h,
		   struct dw_fpair *p, const uint8_t *pkey, size_t pklen, size_t hklen,
		   uint64_t bytes, const struct dw_fdest *dst);
/* A run's bytes not yet reported, reported (after exfil idle, a run's end, eviction, flush). */
void dw_exfil_remainder(struct dw_detect *d, struct dw_fpair *p, const uint8_t *pkey,
			size_t pklen, size_t hklen);
/* The end of host h's day: the exfil.host and internal_staging rules, then its baselines. */
void dw_exfil_day(struct dw_detect *d, struct dw_fhost *h, const uint8_t *hkey, size_t hklen);

/* ---- snapshot.c ---- */
/*
 * The state blob's fields: little-endian, fixed width. Writers append to an
 * sb (its toobig flag reports a full buffer); readers never read past r->n
 * and set r->bad (sticky: every later read returns 0) on a short read or a
 * value out of range, so a loader checks r->bad once per section.
 */
struct dw_snap_r {
	const uint8_t *p;
	size_t n, off;
	int bad;
};

/* Largest time (ns) a blob may hold: 2^62, the year 2116; differences of two never overflow. */
#define DW_SNAP_TIME_MAX ((int64_t)1 << 62)

void dw_snap_put(struct dw_sb *sb, uint64_t v, int width);
void dw_snap_put_f64(struct dw_sb *sb, double v);
/* A 4-byte section tag, checked by dw_snap_tag on the way back. */
void dw_snap_put_tag(struct dw_sb *sb, const char *tag);
/* p[0..n) with a 2-byte length (n < 65536). */
void dw_snap_put_bytes(struct dw_sb *sb, const void *p, size_t n);
/* An open alert's times, counts and lists (not kind, detector, evidence: its module knows). */
void dw_snap_put_alert(struct dw_sb *sb, const struct dw_alert *a);
void dw_snap_put_event(struct dw_sb *sb, const struct dw_event *e);
void dw_snap_put_wcount(struct dw_sb *sb, const struct dw_wcount *w, int64_t ring);

uint64_t dw_snap_get(struct dw_snap_r *r, int width);
/* A value of width bytes that must be <= max. */
uint64_t dw_snap_get_max(struct dw_snap_r *r, int width, uint64_t max);
/* A time (or a bucket index): must lie in [-2^61, DW_SNAP_TIME_MAX]. */
int64_t dw_snap_get_time(struct dw_snap_r *r);
/* A record reference: its file must be one of d's names. */
uint64_t dw_snap_get_ref(struct dw_snap_r *r, const struct dw_detect *d);
double dw_snap_get_f64(struct dw_snap_r *r);
void dw_snap_tag(struct dw_snap_r *r, const char *tag);
/* Bytes written by dw_snap_put_bytes into buf (at most max); returns the length. */
size_t dw_snap_get_bytes(struct dw_snap_r *r, void *buf, size_t max);
/* The same, borrowed: a slice into the blob (valid while the blob is). */
struct dw_slice dw_snap_get_slice(struct dw_snap_r *r, size_t max);
/* Into a from dw_alert_init(). Returns DW_OK, DW_EINVAL or DW_ENOMEM. */
int dw_snap_get_alert(struct dw_snap_r *r, struct dw_alert *a) DW_WUR;
/* An event whose slices point into the blob and whose user is in e->user_buf. */
void dw_snap_get_event(struct dw_snap_r *r, struct dw_event *e);
void dw_snap_get_wcount(struct dw_snap_r *r, struct dw_wcount *w, int64_t ring);
/* A baseline's mean, square mean, decay and count (its alpha is the caller's: set before loading). */
void dw_snap_put_ewma(struct dw_sb *sb, const struct dw_ewma *e);
void dw_snap_get_ewma(struct dw_snap_r *r, struct dw_ewma *e);

/* A table's entries from the least recently used on: key, then what fn writes. */
typedef void (*dw_snap_put_fn)(const struct dw_detect *d, struct dw_sb *sb, const void *key,
			       size_t klen, const void *val);
typedef int (*dw_snap_get_fn)(struct dw_detect *d, struct dw_snap_r *r, const void *key,
			      size_t klen, void *val);
void dw_snap_put_table(const struct dw_detect *d, struct dw_sb *sb, const struct dw_table *t,
		       dw_snap_put_fn fn);
/*
 * Reads the entries back into t (NULL: the detector has no such table; the
 * blob must agree), inserting in the saved order so the LRU order is the
 * saved one; fn fills each new value (DW_OK or DW_EINVAL). Duplicate keys,
 * keys longer than key_max and more entries than t holds are DW_EINVAL.
 */
int dw_snap_get_table(struct dw_detect *d, struct dw_snap_r *r, struct dw_table *t,
		      size_t key_max, dw_snap_get_fn fn) DW_WUR;

/* Table callbacks for struct dw_known values (the known and share tables). */
void dw_snap_put_known(const struct dw_detect *d, struct dw_sb *sb, const void *key,
		       size_t klen, const void *val);
int dw_snap_get_known(struct dw_detect *d, struct dw_snap_r *r, const void *key, size_t klen,
		      void *val);

/* Each module's part of the blob (dedupe.c, mfa.c, lockout.c, access.c, explicit.c). */
void dw_dedupe_save(const struct dw_detect *d, struct dw_sb *sb);
int dw_dedupe_load(struct dw_detect *d, struct dw_snap_r *r) DW_WUR;
void dw_mfa_save(const struct dw_detect *d, struct dw_sb *sb);
int dw_mfa_load(struct dw_detect *d, struct dw_snap_r *r) DW_WUR;
void dw_lock_save(const struct dw_detect *d, struct dw_sb *sb);
int dw_lock_load(struct dw_detect *d, struct dw_snap_r *r) DW_WUR;
void dw_access_save(const struct dw_detect *d, struct dw_sb *sb);
int dw_access_load(struct dw_detect *d, struct dw_snap_r *r) DW_WUR;
void dw_expl_save(const struct dw_detect *d, struct dw_sb *sb);
int dw_expl_load(struct dw_detect *d, struct dw_snap_r *r) DW_WUR;
void dw_flow_save(const struct dw_detect *d, struct dw_sb *sb);
int dw_flow_load(struct dw_detect *d, struct dw_snap_r *r) DW_WUR;

#endif
