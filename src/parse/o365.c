/*
 * o365.c - Microsoft 365 Unified Audit Log sign-in records to events.
 *
 * Input (reference/identity-logs.md 1b "Related feed"; samples/
 * o365-ual-azuread-logon.txt): one JSON object per line from the Management
 * Activity API, Workload AzureActiveDirectory, RecordType 15
 * (AzureActiveDirectoryStsLogon). Only Operation UserLoggedIn and
 * UserLoginFailed are sign-ins; dw_o365_match() accepts exactly those (with a
 * CreationTime), so other UAL records (mailbox, SharePoint, admin) are left
 * to other parsers. Keys are PascalCase; they are looked up exactly first,
 * then ignoring case (some collectors lower-case them).
 *
 * Mapping (log = o365):
 *   ts        CreationTime: second precision, no zone = UTC (dw_tm_parse_rfc3339
 *             reads a missing zone as UTC). Absent or not a string: bad_json;
 *             unreadable: bad_time.
 *   action    UserLoggedIn -> auth_success, UserLoginFailed -> auth_failure.
 *   reason    (failures) ErrorNumber through the Entra code table
 *             (dw_entra_code_reason: it is the same AADSTS code) when it is a
 *             number and known; else LogonError by name (the AADSTS error names:
 *             InvalidUserNameOrPassword, UserAccountNotFound, IdsLocked,
 *             UserDisabled, InvalidPasswordExpiredPassword, the
 *             UserStrongAuth* family, BlockedByConditionalAccess, ...);
 *             neither -> other.
 *   code      LogonError, else ErrorNumber (a success has only ErrorNumber "0").
 *   user      UserId (absent or null -> no user; another type -> bad_json).
 *   src_ip    ActorIpAddress, else ClientIP; either may carry a port
 *             ("1.2.3.4:5678", "[2001:db8::1]:443"), which goes to src_port.
 *             A bare IPv6 address (several colons, no brackets) has no port.
 *             An unreadable address is left out, not an error.
 *   user_agent ExtendedProperties[{Name:"UserAgent",Value}]; protocol the
 *             RequestType there ("OAuth2:Token", ...); legacy when the user
 *             agent is BAV2ROPC (Exchange basic-auth ROPC).
 *   target    ApplicationId, else Workload; session the SessionId of
 *             DeviceProperties (present on successes); host OrganizationId,
 *             else "o365". mfa is not set: the record does not say.
 *
 * Strings with escapes (the UAL writes "\/") are decoded into the caller's
 * scratch buffer, carved piece by piece and cut when full.
 */
#include "o365.h"

#include "../core/ip.h"
#include "../core/tm.h"
#include "entra.h"
#include "parser.h"

static int fail(int *why, int reason)
{
	*why = reason;
	return DW_EINVAL;
}

/* 1 = UserLoggedIn, 2 = UserLoginFailed, 0 = neither. */
static int operation(const struct dw_json *j)
{
	int t = dw_json_field(j, 0, "Operation");
	struct dw_slice s;

	if (dw_json_type(j, t) != DW_JSON_STRING)
		return 0;
	s = dw_json_raw(j, t);
	return dw_slice_eq_ci(s, "UserLoggedIn") ? 1 : dw_slice_eq_ci(s, "UserLoginFailed") ? 2 : 0;
}

int dw_o365_match(const struct dw_json *j)
{
	if (!j || j->n == 0 || j->t[0].type != DW_JSON_OBJECT)
		return 0;
	return operation(j) != 0 && dw_json_field(j, 0, "CreationTime") >= 0;
}

/* LogonError names (AADSTS error names) and their reasons. */
static const struct {
	const char *name;
	uint8_t reason;
} logon_errors[] = {
	{"InvalidUserNameOrPassword", DW_RSN_BAD_PASSWORD},
	{"InvalidPassword", DW_RSN_BAD_PASSWORD},
	{"InvalidPasswordNullPassword", DW_RSN_BAD_PASSWORD},
	{"CredentialAuthenticationError", DW_RSN_BAD_PASSWORD},
	{"UserAccountNotFound", DW_RSN_UNKNOWN_USER},
	{"IdsLocked", DW_RSN_LOCKED},
	{"UserDisabled", DW_RSN_DISABLED},
	{"InvalidPasswordExpiredPassword", DW_RSN_EXPIRED},
	{"UserStrongAuthEnrollmentRequiredInterrupt", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
	{"UserStrongAuthClientAuthNRequiredInterrupt", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
	{"UserStrongAuthClientAuthNRequired", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
	{"UserStrongAuthEnrollmentRequired", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
	{"ExternalSecurityChallengeNotSatisfied", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
	{"BlockedByConditionalAccess", DW_RSN_PASSWORD_VALID_MFA_BLOCKED},
	{"KmsiInterrupt", DW_RSN_NOISE},
};

/* Decimal port text to *port; 0 if not 1..5 digits <= 65535. */
static int port_of(const char *p, size_t n, uint16_t *port)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v > 65535)
		return 0;
	*port = (uint16_t)v;
	return 1;
}

/*
 * Reads "addr", "v4:port", "[v6]" or "[v6]:port" into e->src_ip/src_port.
 * Returns 1 when an address was read.
 */
static int read_addr(struct dw_slice s, struct dw_event *e)
{
	const char *p = s.p, *c;
	size_t n = s.n, colons = 0;
	uint16_t port = 0;
	int has_port = 0;

	if (n && p[0] == '[') {
		const char *rb = memchr(p, ']', n);

		if (!rb)
			return 0;
		if ((size_t)(rb - p) + 1 < n) {
			size_t rest = n - (size_t)(rb - p) - 1;

			if (rb[1] != ':' || !port_of(rb + 2, rest - 1, &port))
				return 0;
			has_port = 1;
		}
		p++;
		n = (size_t)(rb - p);
	} else {
		for (size_t i = 0; i < n; i++)
			colons += p[i] == ':';
		if (colons == 1) {
			c = memchr(p, ':', n);
			if (!port_of(c + 1, n - (size_t)(c - p) - 1, &port))
				return 0;
			has_port = 1;
			n = (size_t)(c - p);
		}
	}
	if (!n || dw_ip_parse(p, n, &e->src_ip) != DW_OK) {
		memset(&e->src_ip, 0, sizeof(e->src_ip));
		return 0;
	}
	if (has_port) {
		e->src_port = port;
		e->has |= DW_EV_HAS_SRC_PORT;
	}
	return 1;
}

/* Value of the {Name:name, Value:...} element of array arr, or -1. */
static int name_value(const struct dw_json *j, int arr, const char *name)
{
	if (dw_json_type(j, arr) != DW_JSON_ARRAY)
		return -1;
	for (uint32_t i = 0; i < j->t[arr].size; i++) {
		int el = dw_json_index(j, arr, i), nt;

		if (dw_json_type(j, el) != DW_JSON_OBJECT)
			continue;
		nt = dw_json_field(j, el, "Name");
		if (dw_json_type(j, nt) == DW_JSON_STRING && dw_slice_eq_ci(dw_json_raw(j, nt), name))
			return dw_json_field(j, el, "Value");
	}
	return -1;
}

int dw_o365_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		  int *why)
{
	struct dw_json_scratch sc = {scratch, scratch ? cap : 0, 0};
	int op, t, ut, prec, ext;
	struct dw_slice s, err;
	int64_t ns, num;

	if (!j || j->n == 0 || j->t[0].type != DW_JSON_OBJECT)
		return fail(why, DW_UNP_BAD_JSON);
	op = operation(j);
	if (!op)
		return fail(why, DW_UNP_BAD_JSON);
	e->log = DW_LOG_O365;

	t = dw_json_field(j, 0, "CreationTime");
	if (dw_json_type(j, t) != DW_JSON_STRING)
		return fail(why, DW_UNP_BAD_JSON);
	s = dw_json_take(j, t, &sc);
	if (dw_tm_parse_rfc3339_all(s.p, s.n, &ns, &prec) != DW_OK)
		return fail(why, DW_UNP_BAD_TIME);
	e->ts = ns;
	e->ts_prec = (uint8_t)prec;

	ut = dw_json_field(j, 0, "UserId");
	if (ut >= 0 && dw_json_type(j, ut) != DW_JSON_STRING && dw_json_type(j, ut) != DW_JSON_NULL)
		return fail(why, DW_UNP_BAD_JSON);
	s = dw_json_take(j, ut, &sc);
	if (s.n)
		dw_event_set_user(e, s);

	/* result */
	err = dw_json_take(j, dw_json_field(j, 0, "LogonError"), &sc);
	t = dw_json_field(j, 0, "ErrorNumber");
	s = dw_json_type(j, t) == DW_JSON_NUMBER ? dw_json_raw(j, t) : dw_json_take(j, t, &sc);
	e->code = err.n ? err : s;
	if (op == 1) {
		e->action = DW_ACT_AUTH_SUCCESS;
	} else {
		e->action = DW_ACT_AUTH_FAILURE;
		e->reason = DW_RSN_OTHER;
		if ((dw_json_type(j, t) == DW_JSON_NUMBER || dw_json_type(j, t) == DW_JSON_STRING) &&
		    dw_json_i64(j, t, &num) == DW_OK && num != 0)
			e->reason = (uint8_t)dw_entra_code_reason(num);
		for (size_t i = 0; e->reason == DW_RSN_OTHER && i < DW_ARRAY_LEN(logon_errors); i++)
			if (dw_slice_eq_ci(err, logon_errors[i].name))
				e->reason = logon_errors[i].reason;
	}

	/* client address: the first readable of ActorIpAddress, ClientIP */
	if (!read_addr(dw_json_take(j, dw_json_field(j, 0, "ActorIpAddress"), &sc), e))
		read_addr(dw_json_take(j, dw_json_field(j, 0, "ClientIP"), &sc), e);

	ext = dw_json_field(j, 0, "ExtendedProperties");
	e->user_agent = dw_json_take(j, name_value(j, ext, "UserAgent"), &sc);
	e->protocol = dw_json_take(j, name_value(j, ext, "RequestType"), &sc);
	if (dw_slice_eq_ci(e->user_agent, "BAV2ROPC"))
		e->has |= DW_EV_LEGACY;
	s = dw_json_take(j, dw_json_field(j, 0, "ApplicationId"), &sc);
	e->target = s.n ? s : dw_json_take(j, dw_json_field(j, 0, "Workload"), &sc);
	e->session = dw_json_take(j, name_value(j, dw_json_field(j, 0, "DeviceProperties"), "SessionId"), &sc);
	s = dw_json_take(j, dw_json_field(j, 0, "OrganizationId"), &sc);
	e->host = s.n ? s : dw_slice_cstr("o365");
	return DW_OK;
}
