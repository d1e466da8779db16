/*
 * event.h - the normalised event: the one record every parser produces and
 * every detector consumes, and what `dwell parse` prints (one JSON object
 * per line, fields described in the README's "Event contract").
 *
 * Lifetime: an event is filled by a parser and handed to the detectors; its
 * slices point into the reader's line buffer (or into the event's own
 * user_buf) and are valid only until the next record is read. Detectors copy
 * what they keep. Nothing in an event is heap-allocated.
 *
 * Absent fields: a slice with n == 0, an address with fam == 0, a number
 * whose DW_EV_HAS_* bit is clear. They are omitted from the JSON.
 */
#ifndef DW_EVENT_EVENT_H
#define DW_EVENT_EVENT_H

#include "../core/dw.h"
#include "../core/ip.h"
#include "../core/sb.h"

enum dw_log {
	DW_LOG_UNKNOWN = 0,
	DW_LOG_SSHD,
	DW_LOG_SYSLOG, /* a syslog record of another program */
	DW_LOG_WIN,
	DW_LOG_ENTRA,
	DW_LOG_O365,
	DW_LOG_OKTA,
	DW_LOG_NETSCALER,
	DW_LOG_ZEEK,
	DW_LOG_NETFLOW,
	DW_LOG__N
};

enum dw_action {
	DW_ACT_OTHER = 0,
	DW_ACT_AUTH_FAILURE,
	DW_ACT_AUTH_SUCCESS,
	DW_ACT_MFA_FAILURE,
	DW_ACT_MFA_SUCCESS,
	DW_ACT_MFA_PUSH_DENIED,
	DW_ACT_LOCKOUT,
	DW_ACT_SESSION_START,
	DW_ACT_SESSION_END,
	DW_ACT_SHARE_ACCESS,
	DW_ACT_EXPLICIT_CREDS,
	DW_ACT_FLOW,
	DW_ACT__N
};

enum dw_reason {
	DW_RSN_NONE = 0,
	DW_RSN_BAD_PASSWORD,
	DW_RSN_UNKNOWN_USER,
	DW_RSN_LOCKED,
	DW_RSN_DISABLED,
	DW_RSN_EXPIRED,
	DW_RSN_PASSWORD_VALID_MFA_BLOCKED,
	DW_RSN_RESTRICTION,
	DW_RSN_NOISE,
	DW_RSN_OTHER,
	DW_RSN__N
};

enum dw_mfa { DW_MFA_NONE = 0, DW_MFA_SINGLE, DW_MFA_MULTI };

/* Bits of dw_event.has for the numeric fields. */
enum {
	DW_EV_HAS_SRC_PORT = 1u << 0,
	DW_EV_HAS_DST_PORT = 1u << 1,
	DW_EV_HAS_BYTES_OUT = 1u << 2,
	DW_EV_HAS_BYTES_IN = 1u << 3,
	DW_EV_HAS_DURATION = 1u << 4,
	DW_EV_HAS_EVENT_ID = 1u << 5,
	DW_EV_HAS_RECORD_ID = 1u << 6,
	DW_EV_HAS_LINE = 1u << 7,
	DW_EV_HAS_OFFSET = 1u << 8,
	DW_EV_LEGACY = 1u << 9,
	DW_EV_HAS_PID = 1u << 10,
	DW_EV_NONINTERACTIVE = 1u << 11, /* a client signing in on a token, not a person typing */
};

/* Longest normalised user key kept; longer names are cut (user_raw keeps all). */
#define DW_USER_MAX 255

struct dw_event {
	int64_t ts;          /* ns since the epoch, UTC; DW_TS_NONE if unknown */
	uint8_t ts_prec;     /* fractional digits the source wrote */
	uint8_t log;         /* enum dw_log */
	uint8_t action;      /* enum dw_action */
	uint8_t reason;      /* enum dw_reason */
	uint8_t mfa;         /* enum dw_mfa */
	uint32_t has;        /* DW_EV_HAS_* and DW_EV_LEGACY */
	uint32_t count;      /* attempts this record stands for (>= 1) */

	struct dw_slice host;     /* machine that wrote the record */
	struct dw_slice program;  /* syslog program (sshd, sshd-session, ...) */
	uint32_t pid;
	struct dw_slice user;     /* normalised key: points at user_buf */
	struct dw_slice user_raw; /* as logged */
	struct dw_ip src_ip;
	struct dw_slice src_name; /* client given only as a name (rhost, Workstation) */
	uint16_t src_port;
	struct dw_ip dst_ip;
	uint16_t dst_port;
	struct dw_ip assigned_ip; /* intranet address a VPN/gateway session gave the
	                             client (NetScaler Nat_ip) */
	struct dw_slice target;
	struct dw_slice protocol; /* password, publickey, keyboard-interactive, ... */
	struct dw_slice user_agent;
	struct dw_slice session;
	struct dw_slice code;
	uint64_t bytes_out, bytes_in;
	uint64_t duration_ms;
	uint32_t event_id;
	uint64_t record_id;

	const char *file; /* input name, borrowed from the reader */
	uint64_t line;
	uint64_t offset;

	char user_buf[DW_USER_MAX + 1];
};

/* Resets e to an empty event (count 1, ts none). */
void dw_event_clear(struct dw_event *e);

/*
 * Sets e->user_raw to the given slice (borrowed) and e->user to its
 * normalised key in e->user_buf: lower-cased ASCII, "DOMAIN\u" and
 * "u@domain" reduced to "u". An empty or "-" name leaves user empty.
 */
void dw_event_set_user(struct dw_event *e, struct dw_slice raw);

/* Normalises raw into buf (DW_USER_MAX+1 bytes); returns the key length. */
size_t dw_user_normalise(struct dw_slice raw, char *buf);

/* Names as printed in JSON ("sshd", "auth_failure", "bad_password", ...); static storage. */
const char *dw_log_name(int log);
const char *dw_action_name(int action);
const char *dw_reason_name(int reason);
/* Reverse lookups; return -1 for an unknown name. */
int dw_log_from_name(const char *name);

/* Appends e as one JSON object (no newline) to sb. */
void dw_event_json(const struct dw_event *e, struct dw_sb *sb);

#endif
