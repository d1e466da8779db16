/*
 * entra.c - Microsoft Entra ID (Azure AD) sign-in records to events.
 *
 * Shapes (reference/identity-logs.md 1b; samples/entra-signin.txt), told
 * apart by dw_entra_match():
 *   (1) diagnostic-settings export: an envelope (time, category, resultType,
 *       callerIpAddress, correlationId, tenantId, ...) whose "properties"
 *       object is the Graph sign-in. Some exporters (Panther) lower-case the
 *       envelope keys, so envelope keys are looked up ignoring case. Matched
 *       when "properties" is an object and category contains "signin" or
 *       operationName is "Sign-in activity".
 *   (2) Graph signIn object: camelCase, no envelope.
 *   (3) Log Analytics SigninLogs / AADNonInteractiveUserSignInLogs rows:
 *       PascalCase columns (UserPrincipalName, IPAddress, ResultType, ...).
 *   (2) and (3) are matched when the root has userPrincipalName, a time
 *   (createdDateTime or TimeGenerated) and a result (status or resultType),
 *   all ignoring case. The sign-in object ("o" below) is "properties" for
 *   (1) and the root otherwise; every field is looked up exactly first and
 *   then ignoring case, so one code path reads camelCase and PascalCase.
 *
 * Mapping (log = entra):
 *   ts        o.createdDateTime, else o.TimeGenerated, else envelope time; the
 *             first one present decides (a malformed one is bad_time, not a
 *             reason to try the next). None present, or not a string: bad_json.
 *   result    o.status.errorCode, else o.resultType, else envelope resultType:
 *             a number or a string holding one (Microsoft writes resultType as a
 *             string, third-party fixtures as a number). None, or any other
 *             type: bad_json. 0 -> auth_success, else auth_failure with the
 *             reason of dw_entra_code_reason(); code = the code as text.
 *             A status that is not an object (the non-interactive table may
 *             keep it as a string) is skipped, not an error.
 *   user      o.userPrincipalName (may be a GUID in non-interactive records);
 *             absent or null -> no user; another type -> bad_json.
 *   src_ip    o.ipAddress, else envelope callerIpAddress; an unreadable
 *             address is left out (not an error); another type -> bad_json.
 *   protocol  o.authenticationProtocol unless absent or "none", else
 *             o.clientAppUsed (so ROPC shows as "ropc", a legacy client as
 *             e.g. "IMAP4").
 *   legacy    clientAppUsed in Microsoft's legacy-authentication list (exact
 *             strings, ignoring case), or userAgent "BAV2ROPC", or
 *             authenticationProtocol "ropc".
 *   mfa       authenticationRequirement singleFactorAuthentication -> single,
 *             multiFactorAuthentication -> multi.
 *   user_agent o.userAgent; target o.appDisplayName, else resourceDisplayName;
 *   session   o.correlationId, else the envelope's;
 *   host      the envelope tenantId, else o.tenantId, else "entra";
 *   program   the envelope category (SignInLogs, NonInteractiveUserSignInLogs,
 *             ...) or the Log Analytics "Type" column, so the (huge,
 *             token-refresh) non-interactive stream can be counted apart.
 *   interactive false (DW_EV_NONINTERACTIVE) when that category or Type
 *             names the non-interactive log (or, with neither, o.isInteractive
 *             is false):
 *             a client redeeming a token, which no guessed password explains
 *             (unless it is a legacy client: those send the password).
 *   Descriptive strings (user_agent, target, protocol, ...) of another type
 *   are ignored: only the fields that decide the event are strict.
 *
 * Codes (dw_entra_code_reason; reference 1b "Error codes that matter"):
 *   50126, 50056, 50064 -> bad_password; 50034 -> unknown_user;
 *   50053 -> locked (smart lockout or a malicious-IP block: Entra uses one
 *   code); 50057 -> disabled; 50055 -> expired (both mean the password was
 *   right; they keep their own reasons because the enum has them);
 *   50072, 50074, 50076, 50079, 500121, 50158, 53003 (reference table: the
 *   password was correct) and 53004, 530032 (Microsoft's playbook list)
 *   -> password_valid_mfa_blocked, action stays auth_failure;
 *   50140 ("Keep me signed in" interrupt) -> noise; anything else -> other.
 *   Sentinel's wider "success" list (50155, 50105, 50133, 50005, 50173,
 *   53000, 53001, 50129) is not verified by a Microsoft source in the
 *   reference and maps to other.
 *
 * Strings with JSON escapes are decoded into the caller's scratch buffer,
 * carved piece by piece and cut when full; others point into the record.
 * No allocation, no recursion; every lookup is bounded by the token array.
 */
#include "entra.h"

#include <stdio.h>

#include "../core/ip.h"
#include "../core/tm.h"
#include "parser.h"

/* Like dw_json_take(), but a present value that is neither a string nor null sets *bad. */
static struct dw_slice str_strict(const struct dw_json *j, int tok, struct dw_json_scratch *sc, int *bad)
{
	int ty = dw_json_type(j, tok);

	if (ty != DW_JSON_NONE && ty != DW_JSON_STRING && ty != DW_JSON_NULL)
		*bad = 1;
	return dw_json_take(j, tok, sc);
}

/* 1 if s contains lit, ignoring ASCII case. */
static int icontains(struct dw_slice s, const char *lit)
{
	size_t n = strlen(lit);

	for (size_t i = 0; i + n <= s.n; i++)
		if (dw_slice_eq_ci(dw_slice_make(s.p + i, n), lit))
			return 1;
	return 0;
}

/* Microsoft's legacy-authentication clientAppUsed values (block-legacy-authentication.md). */
static const char *const legacy_apps[] = {
	"Authenticated SMTP",
	"Autodiscover",
	"Exchange ActiveSync",
	"Exchange Online PowerShell",
	"Exchange Web Services",
	"IMAP4",
	"MAPI over HTTP",
	"Offline Address Book",
	"Outlook Anywhere (RPC over HTTP)",
	"POP3",
	"Reporting Web Services",
	"Universal Outlook",
	"Other clients",
};

int dw_entra_code_reason(int64_t code)
{
	switch (code) {
	case 0:
		return DW_RSN_NONE;
	case 50126:
	case 50056:
	case 50064:
		return DW_RSN_BAD_PASSWORD;
	case 50034:
		return DW_RSN_UNKNOWN_USER;
	case 50053:
		return DW_RSN_LOCKED;
	case 50057:
		return DW_RSN_DISABLED;
	case 50055:
		return DW_RSN_EXPIRED;
	case 50072:
	case 50074:
	case 50076:
	case 50079:
	case 500121:
	case 50158:
	case 53003:
	case 53004:
	case 530032:
		return DW_RSN_PASSWORD_VALID_MFA_BLOCKED;
	case 50140:
		return DW_RSN_NOISE;
	default:
		return DW_RSN_OTHER;
	}
}

/*
 * 1 if the root is a diagnostic-settings envelope of a sign-in: "properties"
 * is an object and category contains "signin" or operationName is
 * "Sign-in activity" (raw text is enough: neither holds escapes in practice,
 * and an escaped spelling simply does not match).
 */
static int envelope(const struct dw_json *j)
{
	int cat = dw_json_field(j, 0, "category"), op = dw_json_field(j, 0, "operationName");

	if (dw_json_type(j, dw_json_field(j, 0, "properties")) != DW_JSON_OBJECT)
		return 0;
	if (dw_json_type(j, cat) == DW_JSON_STRING && icontains(dw_json_raw(j, cat), "signin"))
		return 1;
	return dw_json_type(j, op) == DW_JSON_STRING && dw_slice_eq_ci(dw_json_raw(j, op), "Sign-in activity");
}

int dw_entra_match(const struct dw_json *j)
{
	if (!j || j->n == 0 || j->t[0].type != DW_JSON_OBJECT)
		return 0;
	if (envelope(j))
		return 1;
	return dw_json_field(j, 0, "userPrincipalName") >= 0 &&
	       (dw_json_field(j, 0, "createdDateTime") >= 0 || dw_json_field(j, 0, "TimeGenerated") >= 0) &&
	       (dw_json_field(j, 0, "status") >= 0 || dw_json_field(j, 0, "resultType") >= 0);
}

static int fail(int *why, int reason)
{
	*why = reason;
	return DW_EINVAL;
}

/* The result code token: status.errorCode, o.resultType, envelope resultType. */
static int result_tok(const struct dw_json *j, int o, int env)
{
	int st = dw_json_field(j, o, "status"), t = -1;

	if (dw_json_type(j, st) == DW_JSON_OBJECT)
		t = dw_json_field(j, st, "errorCode");
	if (t < 0)
		t = dw_json_field(j, o, "resultType");
	if (t < 0 && env >= 0)
		t = dw_json_field(j, env, "resultType");
	return t;
}

/* 1 if s is a decimal integer text (an optional '-' then digits). */
static int is_int_text(struct dw_slice s)
{
	size_t i = s.n && s.p[0] == '-';

	if (i >= s.n)
		return 0;
	for (; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return 1;
}

/*
 * The result code of token t: a number, or a string holding one (escapes
 * allowed: "5012\u0036"). *text is the raw text when it can be used as the
 * code as is, else empty (the caller then writes the integer). DW_OK or
 * DW_EINVAL.
 */
static int result_code(const struct dw_json *j, int t, int64_t *code, struct dw_slice *text)
{
	char loc[24];
	struct dw_slice d;
	int64_t x = 0;

	*text = dw_slice_make(NULL, 0);
	if (dw_json_type(j, t) == DW_JSON_NUMBER || (dw_json_type(j, t) == DW_JSON_STRING && !j->t[t].escaped)) {
		if (dw_json_i64(j, t, code) != DW_OK)
			return DW_EINVAL;
		*text = dw_json_raw(j, t);
		return DW_OK;
	}
	if (dw_json_type(j, t) != DW_JSON_STRING)
		return DW_EINVAL;
	d = dw_json_str(j, t, loc, sizeof(loc));
	if (d.n >= sizeof(loc) - 1 || !is_int_text(d))
		return DW_EINVAL; /* 22+ bytes cannot be an int64 */
	for (size_t i = d.p[0] == '-'; i < d.n; i++) {
		if (x > (INT64_MAX - 9) / 10)
			return DW_EINVAL;
		x = x * 10 + (d.p[i] - '0');
	}
	*code = d.p[0] == '-' ? -x : x;
	return DW_OK;
}

int dw_entra_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		   int *why)
{
	struct dw_json_scratch sc = {scratch, scratch ? cap : 0, 0};
	int env = -1, o = 0, t, bad = 0, prec;
	struct dw_slice s, app, proto, ua;
	int64_t code, ns;

	if (!j || j->n == 0 || j->t[0].type != DW_JSON_OBJECT)
		return fail(why, DW_UNP_BAD_JSON);
	if (envelope(j)) {
		env = 0;
		o = dw_json_field(j, 0, "properties");
	}
	e->log = DW_LOG_ENTRA;

	/* time: the first field present decides */
	t = dw_json_field(j, o, "createdDateTime");
	if (t < 0)
		t = dw_json_field(j, o, "TimeGenerated");
	if (t < 0 && env >= 0)
		t = dw_json_field(j, env, "time");
	if (dw_json_type(j, t) != DW_JSON_STRING)
		return fail(why, DW_UNP_BAD_JSON);
	s = dw_json_take(j, t, &sc);
	if (dw_tm_parse_rfc3339_all(s.p, s.n, &ns, &prec) != DW_OK)
		return fail(why, DW_UNP_BAD_TIME);
	e->ts = ns;
	e->ts_prec = (uint8_t)prec;

	/* result */
	t = result_tok(j, o, env);
	if (result_code(j, t, &code, &s) != DW_OK)
		return fail(why, DW_UNP_BAD_JSON);
	if (is_int_text(s)) {
		e->code = s;
	} else if (sc.used < sc.cap) { /* "5.0126e4", " 50126": keep the integer */
		int w = snprintf(sc.p + sc.used, sc.cap - sc.used, "%lld", (long long)code);

		if (w > 0) {
			size_t k = DW_MIN((size_t)w, sc.cap - sc.used - 1);

			e->code = dw_slice_make(sc.p + sc.used, k);
			sc.used += k;
		}
	}
	e->action = code == 0 ? DW_ACT_AUTH_SUCCESS : DW_ACT_AUTH_FAILURE;
	e->reason = (uint8_t)dw_entra_code_reason(code);

	/* user, address */
	s = str_strict(j, dw_json_field(j, o, "userPrincipalName"), &sc, &bad);
	if (bad)
		return fail(why, DW_UNP_BAD_JSON);
	if (s.n)
		dw_event_set_user(e, s);
	t = dw_json_field(j, o, "ipAddress");
	if (t < 0 && env >= 0)
		t = dw_json_field(j, env, "callerIpAddress");
	s = str_strict(j, t, &sc, &bad);
	if (bad)
		return fail(why, DW_UNP_BAD_JSON);
	if (s.n && dw_ip_parse(s.p, s.n, &e->src_ip) != DW_OK)
		memset(&e->src_ip, 0, sizeof(e->src_ip));

	/* descriptive fields */
	ua = dw_json_take(j, dw_json_field(j, o, "userAgent"), &sc);
	e->user_agent = ua;
	s = dw_json_take(j, dw_json_field(j, o, "appDisplayName"), &sc);
	if (!s.n)
		s = dw_json_take(j, dw_json_field(j, o, "resourceDisplayName"), &sc);
	e->target = s;
	app = dw_json_take(j, dw_json_field(j, o, "clientAppUsed"), &sc);
	proto = dw_json_take(j, dw_json_field(j, o, "authenticationProtocol"), &sc);
	e->protocol = proto.n && !dw_slice_eq_ci(proto, "none") ? proto : app;
	for (size_t i = 0; i < DW_ARRAY_LEN(legacy_apps); i++)
		if (dw_slice_eq_ci(app, legacy_apps[i]))
			e->has |= DW_EV_LEGACY;
	if (dw_slice_eq_ci(ua, "BAV2ROPC") || dw_slice_eq_ci(proto, "ropc"))
		e->has |= DW_EV_LEGACY;
	s = dw_json_take(j, dw_json_field(j, o, "authenticationRequirement"), &sc);
	if (dw_slice_eq_ci(s, "singleFactorAuthentication"))
		e->mfa = DW_MFA_SINGLE;
	else if (dw_slice_eq_ci(s, "multiFactorAuthentication"))
		e->mfa = DW_MFA_MULTI;
	s = dw_json_take(j, dw_json_field(j, o, "correlationId"), &sc);
	if (!s.n && env >= 0)
		s = dw_json_take(j, dw_json_field(j, env, "correlationId"), &sc);
	e->session = s;
	s = env >= 0 ? dw_json_take(j, dw_json_field(j, env, "tenantId"), &sc) : dw_slice_make(NULL, 0);
	if (!s.n)
		s = dw_json_take(j, dw_json_field(j, o, "tenantId"), &sc);
	e->host = s.n ? s : dw_slice_cstr("entra");
	s = env >= 0 ? dw_json_take(j, dw_json_field(j, env, "category"), &sc) : dw_json_take(j, dw_json_field(j, o, "Type"), &sc);
	e->program = s;
	/* the table says it; the Graph object (no table) has isInteractive */
	if (s.n ? s.n >= 14 && memmem(s.p, s.n, "NonInteractive", 14) != NULL
		: dw_json_type(j, dw_json_field(j, o, "isInteractive")) == DW_JSON_FALSE)
		e->has |= DW_EV_NONINTERACTIVE;
	return DW_OK;
}
