/*
 * sshd.h - the stateless sshd message classifier: one OpenSSH log message
 * (the text after the syslog header) in, a small description out. It never
 * allocates and never keeps state; what one guess looks like across lines is
 * the business of sshd_conn.h.
 *
 * Matching is by hand (fixed prefixes, memchr/memmem scans), cheapest for the
 * common lines ("Failed password", "Accepted", "Invalid user", pam_unix,
 * "Connection closed"). Fields that sshd copies from the client (user names,
 * auth info) may contain anything, so fields are cut from the end of the line
 * where the format allows it (see sshd.c for the rules).
 */
#ifndef DW_PARSE_SSHD_H
#define DW_PARSE_SSHD_H

#include "../core/dw.h"
#include "../core/ip.h"

enum dw_sshd_kind {
	DW_SSHD_K_OTHER = 0,
	DW_SSHD_K_FAILURE,      /* Failed <method> for [invalid user ]U from H [port P] [ssh2] */
	DW_SSHD_K_INVALID_USER, /* Invalid user U from H [port P]; Illegal user ... */
	DW_SSHD_K_PAM_FAILURE,  /* pam_X(sshd:auth): authentication failure; ... rhost=H [user=U] */
	DW_SSHD_K_PAM_ERROR,    /* PAM: Authentication failure|error for U from H; User not known ... */
	DW_SSHD_K_PAM_MORE,     /* PAM N more authentication failures; ... */
	DW_SSHD_K_MAX_ATTEMPTS, /* maximum authentication attempts exceeded ...; Too many authentication failures */
	DW_SSHD_K_NOT_ALLOWED,  /* User U [from H] not allowed because ...; ROOT LOGIN REFUSED FROM H */
	DW_SSHD_K_USER_CHANGE,  /* Disconnecting ... Change of username or service not allowed */
	DW_SSHD_K_SUCCESS,      /* Accepted <method> for U from H port P ssh2 */
	DW_SSHD_K_PARTIAL,      /* Postponed / Partial <method> for ... */
	DW_SSHD_K_DISCONNECT,   /* Connection closed/reset by, Disconnected from, Received disconnect */
	DW_SSHD_K_NEGOTIATION,  /* Unable to negotiate, kex_exchange_identification, banner exchange, ... */
	DW_SSHD_K_CONNECT,      /* Connection from H port P [on A port B] */
	DW_SSHD_K_SESSION_OPEN, /* pam_X(sshd:session): session opened for user U */
	DW_SSHD_K_SESSION_CLOSE,
	DW_SSHD_K_REFUSED,      /* refused connect from N (H)  (tcp wrappers) */
	DW_SSHD_K__N
};

enum dw_sshd_method {
	DW_SSHD_M_NA = 0, /* the message names no method */
	DW_SSHD_M_PASSWORD,
	DW_SSHD_M_PUBLICKEY,
	DW_SSHD_M_KBDINT, /* keyboard-interactive, keyboard-interactive/pam, .../bsdauth */
	DW_SSHD_M_HOSTBASED,
	DW_SSHD_M_GSSAPI, /* gssapi-with-mic, gssapi-keyex */
	DW_SSHD_M_NONE,
	DW_SSHD_M_UNKNOWN,
	DW_SSHD_M__N
};

/* dw_sshd_msg.flags */
enum {
	DW_SSHD_F_INVALID = 1u << 0,   /* "invalid user" / "illegal user": the account does not exist */
	DW_SSHD_F_HAS_USER = 1u << 1,  /* user is set (it may still be empty: "Invalid user  from") */
	DW_SSHD_F_HAS_PORT = 1u << 2,
	DW_SSHD_F_PREAUTH = 1u << 3,   /* ends with " [preauth]" (logged by the pre-auth child) */
	DW_SSHD_F_AUTH_FAIL = 1u << 4, /* client said its authentication failed (disconnect 3 "Auth fail") */
	DW_SSHD_F_CONN_END = 1u << 5,  /* the connection ends with this line */
	DW_SSHD_F_LOCKED = 1u << 6,    /* not allowed: account is locked */
};

/* How a message counts as a password guess, by itself (see sshd_conn.c). */
enum dw_sshd_class {
	DW_SSHD_C_NONE = 0, /* never a failure by itself */
	DW_SSHD_C_FAIL,     /* a failed guess as soon as its source is known */
	DW_SSHD_C_HELD,     /* a failure only if the connection does not then succeed */
	DW_SSHD_C_COND,     /* a failure only if no failure was logged for the latest attempt */
};

struct dw_sshd_msg {
	uint8_t kind;    /* enum dw_sshd_kind */
	uint8_t method;  /* enum dw_sshd_method */
	uint8_t flags;   /* DW_SSHD_F_* */
	uint16_t port;   /* with DW_SSHD_F_HAS_PORT */
	uint32_t count;  /* lines this message stands for: N of "message repeated N times", else 1 */
	struct dw_slice user;   /* as logged (borrowed from the message) */
	struct dw_slice src;    /* client address or name as logged; empty if none */
	struct dw_ip ip;        /* src parsed, fam 0 when src is a name (or absent) */
	struct dw_slice method_raw; /* method text as logged ("keyboard-interactive/pam") */
	const char *code;       /* short static tag for the event's code field, or NULL */
};

/*
 * Classifies one sshd message (p[0..n), the syslog MSG part, borrowed). Always
 * succeeds: an unknown message is DW_SSHD_K_OTHER. Slices in *m point into p.
 */
void dw_sshd_classify(const char *p, size_t n, struct dw_sshd_msg *m);

/* The counting class of a classified message (enum dw_sshd_class). */
int dw_sshd_class(const struct dw_sshd_msg *m);

/* 1 for program names that are OpenSSH's server (sshd, sshd-session, sshd-auth). */
int dw_sshd_is_program(const char *p, size_t n);

/* Names ("failure", "invalid_user", ...; "password", "publickey", ...); static storage. */
const char *dw_sshd_kind_name(int kind);
const char *dw_sshd_method_name(int method);

#endif
