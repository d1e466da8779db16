/*
 * event.c - normalised event helpers: user-key normalisation, enum names,
 * and the JSON rendering `dwell parse` prints. Field order in the JSON is
 * fixed (the order of the table in the README) so output is byte-stable.
 */
#include "event.h"

#include "../core/tm.h"

static const char *const log_names[DW_LOG__N] = {
	"unknown", "sshd", "syslog", "win", "entra", "o365", "okta", "netscaler", "zeek", "netflow",
};

static const char *const action_names[DW_ACT__N] = {
	"other",        "auth_failure",  "auth_success",  "mfa_failure",
	"mfa_success",  "mfa_push_denied", "lockout",     "session_start",
	"session_end",  "share_access",  "explicit_creds", "flow",
};

static const char *const reason_names[DW_RSN__N] = {
	"",         "bad_password", "unknown_user", "locked", "disabled", "expired",
	"password_valid_mfa_blocked", "restriction", "noise", "other",
};

const char *dw_log_name(int log)
{
	return log >= 0 && log < DW_LOG__N ? log_names[log] : "unknown";
}

const char *dw_action_name(int action)
{
	return action >= 0 && action < DW_ACT__N ? action_names[action] : "other";
}

const char *dw_reason_name(int reason)
{
	return reason >= 0 && reason < DW_RSN__N ? reason_names[reason] : "other";
}

int dw_log_from_name(const char *name)
{
	for (int i = 0; i < DW_LOG__N; i++)
		if (strcmp(name, log_names[i]) == 0)
			return i;
	return -1;
}

void dw_event_clear(struct dw_event *e)
{
	memset(e, 0, offsetof(struct dw_event, user_buf));
	e->user_buf[0] = 0;
	e->ts = DW_TS_NONE;
	e->count = 1;
}

/* ASCII upper case to lower case; every other byte unchanged. */
static const unsigned char lower[256] = {
#define L4(x) L1(x), L1(x + 1), L1(x + 2), L1(x + 3)
#define L1(x) (unsigned char)((x) >= 'A' && (x) <= 'Z' ? ((x) + 32) & 0xff : (x))
#define L16(x) L4(x), L4(x + 4), L4(x + 8), L4(x + 12)
#define L64(x) L16(x), L16(x + 16), L16(x + 32), L16(x + 48)
	L64(0), L64(64), L64(128), L64(192)
#undef L64
#undef L16
#undef L4
#undef L1
};

size_t dw_user_normalise(struct dw_slice raw, char *buf)
{
	const char *p = raw.p, *c;
	size_t n = raw.n;

	/* DOMAIN\user -> user (last backslash) */
	if (n && (c = memrchr(p, '\\', n)) != NULL) {
		n -= (size_t)(c + 1 - p);
		p = c + 1;
	}
	/* user@domain -> user (first @, but keep a leading @) */
	if (n > 1 && (c = memchr(p + 1, '@', n - 1)) != NULL)
		n = (size_t)(c - p);
	if (n == 1 && p[0] == '-')
		n = 0;
	if (n > DW_USER_MAX)
		n = DW_USER_MAX;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)lower[(unsigned char)p[i]];
	buf[n] = 0;
	return n;
}

void dw_event_set_user(struct dw_event *e, struct dw_slice raw)
{
	e->user_raw = raw;
	e->user.n = dw_user_normalise(raw, e->user_buf);
	e->user.p = e->user_buf;
}

static void key(struct dw_sb *sb, const char *k)
{
	dw_sb_putc(sb, ',');
	dw_sb_putc(sb, '"');
	dw_sb_puts(sb, k);
	dw_sb_putc(sb, '"');
	dw_sb_putc(sb, ':');
}

static void str_field(struct dw_sb *sb, const char *k, struct dw_slice v)
{
	if (v.n == 0)
		return;
	key(sb, k);
	dw_sb_json_str(sb, v.p, v.n);
}

static void ip_field(struct dw_sb *sb, const char *k, const struct dw_ip *ip)
{
	char b[DW_IP_BUFSZ];

	if (!ip->fam)
		return;
	key(sb, k);
	dw_sb_putc(sb, '"');
	dw_sb_put(sb, b, dw_ip_format(ip, b));
	dw_sb_putc(sb, '"');
}

static void u64_field(struct dw_sb *sb, const char *k, uint64_t v)
{
	key(sb, k);
	dw_sb_u64(sb, v);
}

void dw_event_json(const struct dw_event *e, struct dw_sb *sb)
{
	char tb[DW_TM_BUFSZ];

	dw_sb_puts(sb, "{\"ts\":");
	if (e->ts != DW_TS_NONE) {
		dw_sb_putc(sb, '"');
		dw_sb_put(sb, tb, dw_tm_format(e->ts, e->ts_prec, tb));
		dw_sb_putc(sb, '"');
	} else {
		dw_sb_puts(sb, "null");
	}
	key(sb, "log");
	dw_sb_json_str(sb, dw_log_name(e->log), strlen(dw_log_name(e->log)));
	str_field(sb, "host", e->host);
	str_field(sb, "program", e->program);
	if (e->has & DW_EV_HAS_PID)
		u64_field(sb, "pid", e->pid);
	key(sb, "action");
	dw_sb_json_str(sb, dw_action_name(e->action), strlen(dw_action_name(e->action)));
	if (e->reason)
		str_field(sb, "reason", dw_slice_cstr(dw_reason_name(e->reason)));
	str_field(sb, "user", e->user);
	if (e->user_raw.n && (e->user_raw.n != e->user.n ||
			      memcmp(e->user_raw.p, e->user.p, e->user.n) != 0))
		str_field(sb, "user_raw", e->user_raw);
	ip_field(sb, "src_ip", &e->src_ip);
	str_field(sb, "src_name", e->src_name);
	if (e->has & DW_EV_HAS_SRC_PORT)
		u64_field(sb, "src_port", e->src_port);
	str_field(sb, "target", e->target);
	str_field(sb, "protocol", e->protocol);
	if (e->mfa)
		str_field(sb, "mfa", dw_slice_cstr(e->mfa == DW_MFA_MULTI ? "multi" : "single"));
	if (e->has & DW_EV_LEGACY) {
		key(sb, "legacy");
		dw_sb_puts(sb, "true");
	}
	if (e->has & DW_EV_NONINTERACTIVE) {
		key(sb, "interactive");
		dw_sb_puts(sb, "false");
	}
	str_field(sb, "user_agent", e->user_agent);
	str_field(sb, "session", e->session);
	if (e->has & DW_EV_HAS_BYTES_OUT)
		u64_field(sb, "bytes_out", e->bytes_out);
	if (e->has & DW_EV_HAS_BYTES_IN)
		u64_field(sb, "bytes_in", e->bytes_in);
	ip_field(sb, "dst_ip", &e->dst_ip);
	if (e->has & DW_EV_HAS_DST_PORT)
		u64_field(sb, "dst_port", e->dst_port);
	ip_field(sb, "assigned_ip", &e->assigned_ip);
	if (e->has & DW_EV_HAS_DURATION) {
		key(sb, "duration"); /* seconds, millisecond precision */
		dw_sb_u64(sb, e->duration_ms / 1000);
		dw_sb_printf(sb, ".%03u", (unsigned)(e->duration_ms % 1000));
	}
	str_field(sb, "code", e->code);
	if (e->has & DW_EV_HAS_EVENT_ID)
		u64_field(sb, "event_id", e->event_id);
	if (e->has & DW_EV_HAS_RECORD_ID)
		u64_field(sb, "record_id", e->record_id);
	if (e->count > 1)
		u64_field(sb, "count", e->count);
	if (e->file)
		str_field(sb, "file", dw_slice_cstr(e->file));
	if (e->has & DW_EV_HAS_LINE)
		u64_field(sb, "line", e->line);
	if (e->has & DW_EV_HAS_OFFSET)
		u64_field(sb, "offset", e->offset);
	dw_sb_putc(sb, '}');
}
