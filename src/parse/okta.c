/*
 * okta.c - Okta System Log LogEvent -> normalised event. Works on the
 * tokens of one record (json.h); nothing is allocated, strings without
 * escapes are borrowed from the record, strings with escapes are decoded
 * one after the other into the caller's scratch buffer (cut when it is
 * full, never overrun). Every key is looked up ignoring ASCII case, so the
 * lower-cased exports (Panther: "eventtype", "authenticationcontext") give
 * the same event as Okta's camelCase.
 *
 * Mapping (../shared/reference/identity-logs.md, section 1c):
 *   log        okta
 *   ts         published (RFC 3339; "2022-11-22 18:48:49.177" without zone
 *              is UTC); missing or unreadable -> bad_time
 *   user       actor.alternateId; when the actor is not a person (actor.type
 *              present and not "User", e.g. SystemPrincipal) or its
 *              alternateId is empty / "unknown", the alternateId of the
 *              first target[] of type User
 *   src_ip     client.ipAddress (the last hop; request.ipChain is not read)
 *   user_agent client.userAgent.rawUserAgent
 *   session    authenticationContext.externalSessionId
 *   code       outcome.reason when set, else outcome.result
 *   target     displayName of the first target[] of type AppInstance, else
 *              of the first target[] that has one
 *   action     eventType / outcome.result:
 *     user.mfa.okta_verify.deny_push          mfa_push_denied
 *     user.account.lock                       lockout
 *     user.authentication.auth_via_mfa        SUCCESS -> auth_success, mfa multi;
 *                                             FAILURE/DENY -> mfa_failure, reason other
 *     user.session.start, user.authentication.*
 *                                             SUCCESS -> auth_success;
 *                                             FAILURE/DENY -> auth_failure
 *     anything else (policy.evaluate_sign_on, security.threat.detected,
 *     other results such as ALLOW/CHALLENGE/UNKNOWN)      other
 *   reason of auth_failure: INVALID_CREDENTIALS bad_password, LOCKED_OUT
 *     locked, anything else other. Okta has no "no such user" reason; when
 *     it cannot resolve the login it logs the actor with id "unknown" (the
 *     VERIFICATION_ERROR fixture of the reference), so a failure whose
 *     actor.id is "unknown" is unknown_user (unless LOCKED_OUT).
 * Values of the wrong JSON type (a number where a string is expected, an
 * object for target) are ignored, as are unparsable addresses.
 */
#include "okta.h"

#include "../core/ip.h"
#include "../core/tm.h"
#include "parser.h"

/* Follows a dotted path, ignoring key case; numeric parts index arrays. */
static int ci_path(const struct dw_json *j, int cur, const char *path)
{
	char key[64];

	while (cur >= 0 && *path) {
		const char *dot = strchr(path, '.');
		size_t l = dot ? (size_t)(dot - path) : strlen(path);

		if (l >= sizeof(key))
			return -1;
		memcpy(key, path, l);
		key[l] = 0;
		if (j->t[cur].type == DW_JSON_ARRAY && l == 1 && dw_isdigit((unsigned char)key[0]))
			cur = dw_json_index(j, cur, (uint32_t)(key[0] - '0'));
		else
			cur = dw_json_get_ci(j, cur, key);
		path += l;
		if (*path == '.')
			path++;
	}
	return cur;
}

static int starts(struct dw_slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

int dw_okta_match(const struct dw_json *j)
{
	int et;

	if (!j || j->n == 0 || j->t[0].type != DW_JSON_OBJECT)
		return 0;
	et = dw_json_get_ci(j, 0, "eventType");
	if (et < 0 || j->t[et].type != DW_JSON_STRING)
		return 0;
	return dw_json_get_ci(j, 0, "actor") >= 0 || dw_json_get_ci(j, 0, "outcome") >= 0 ||
	       dw_json_get_ci(j, 0, "published") >= 0;
}

/* The first element of the target array whose type is ty (any type when NULL). */
static int target_of(const struct dw_json *j, int arr, const char *ty, const char *need)
{
	if (arr < 0 || j->t[arr].type != DW_JSON_ARRAY)
		return -1;
	for (uint32_t i = 0; i < j->t[arr].size && i < 64; i++) {
		int el = dw_json_index(j, arr, i), t, v;
		if (el < 0 || j->t[el].type != DW_JSON_OBJECT)
			continue;
		t = dw_json_get_ci(j, el, "type");
		v = dw_json_get_ci(j, el, need);
		if (v < 0 || j->t[v].type != DW_JSON_STRING || j->t[v].end == j->t[v].start)
			continue;
		if (ty && !(t >= 0 && j->t[t].type == DW_JSON_STRING &&
			    dw_slice_eq_ci(dw_json_raw(j, t), ty)))
			continue;
		return v;
	}
	return -1;
}

static int reason_of(struct dw_slice r)
{
	if (dw_slice_eq_ci(r, "INVALID_CREDENTIALS"))
		return DW_RSN_BAD_PASSWORD;
	if (dw_slice_eq_ci(r, "LOCKED_OUT"))
		return DW_RSN_LOCKED;
	return DW_RSN_OTHER;
}

int dw_okta_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		  int *why)
{
	struct dw_json_scratch sc = {scratch, scratch ? cap : 0, 0};
	struct dw_slice et, t, alt, aty, aid, res, rsn, ip;
	int actor, tgt, tok, prec, ok_actor;
	int64_t ns;

	if (!j || j->n == 0 || j->t[0].type != DW_JSON_OBJECT) {
		*why = DW_UNP_BAD_JSON;
		return DW_EINVAL;
	}
	tok = dw_json_get_ci(j, 0, "eventType");
	if (tok < 0 || j->t[tok].type != DW_JSON_STRING) {
		*why = DW_UNP_BAD_JSON;
		return DW_EINVAL;
	}
	et = dw_json_take(j, tok, &sc);
	t = dw_slice_trim(dw_json_take(j, dw_json_get_ci(j, 0, "published"), &sc));
	if (t.n == 0 || dw_tm_parse_rfc3339_all(t.p, t.n, &ns, &prec) != DW_OK) {
		*why = DW_UNP_BAD_TIME;
		return DW_EINVAL;
	}
	e->ts = ns;
	e->ts_prec = (uint8_t)prec;
	e->log = DW_LOG_OKTA;
	e->action = DW_ACT_OTHER;

	/* user */
	actor = dw_json_get_ci(j, 0, "actor");
	alt = dw_slice_trim(dw_json_take(j, ci_path(j, actor, "alternateId"), &sc));
	aty = dw_json_take(j, ci_path(j, actor, "type"), &sc);
	aid = dw_json_take(j, ci_path(j, actor, "id"), &sc);
	tgt = dw_json_get_ci(j, 0, "target");
	ok_actor = alt.n && !dw_slice_eq_ci(alt, "unknown") && (aty.n == 0 || dw_slice_eq_ci(aty, "User"));
	if (!ok_actor) {
		int tu = target_of(j, tgt, "User", "alternateId");
		if (tu >= 0)
			alt = dw_slice_trim(dw_json_take(j, tu, &sc));
		else if (aty.n && !dw_slice_eq_ci(aty, "User"))
			alt.n = 0; /* a system principal is nobody's account */
	}
	if (alt.n)
		dw_event_set_user(e, alt);

	/* client */
	ip = dw_slice_trim(dw_json_take(j, ci_path(j, 0, "client.ipAddress"), &sc));
	if (ip.n && dw_ip_parse(ip.p, ip.n, &e->src_ip) != DW_OK)
		memset(&e->src_ip, 0, sizeof(e->src_ip));
	e->user_agent = dw_json_take(j, ci_path(j, 0, "client.userAgent.rawUserAgent"), &sc);
	e->session = dw_json_take(j, ci_path(j, 0, "authenticationContext.externalSessionId"), &sc);

	/* target: the app, else the first target with a name */
	tok = target_of(j, tgt, "AppInstance", "displayName");
	if (tok < 0)
		tok = target_of(j, tgt, NULL, "displayName");
	e->target = dw_json_take(j, tok, &sc);

	/* outcome */
	res = dw_slice_trim(dw_json_take(j, ci_path(j, 0, "outcome.result"), &sc));
	rsn = dw_slice_trim(dw_json_take(j, ci_path(j, 0, "outcome.reason"), &sc));
	e->code = rsn.n ? rsn : res;

	if (dw_slice_eq(et, "user.mfa.okta_verify.deny_push")) {
		e->action = DW_ACT_MFA_PUSH_DENIED;
	} else if (dw_slice_eq(et, "user.account.lock")) {
		e->action = DW_ACT_LOCKOUT;
	} else if (dw_slice_eq(et, "user.session.start") || starts(et, "user.authentication.")) {
		int mfa = dw_slice_eq(et, "user.authentication.auth_via_mfa");
		if (dw_slice_eq_ci(res, "SUCCESS")) {
			e->action = DW_ACT_AUTH_SUCCESS;
			if (mfa)
				e->mfa = DW_MFA_MULTI;
		} else if (dw_slice_eq_ci(res, "FAILURE") || dw_slice_eq_ci(res, "DENY")) {
			if (mfa) {
				e->action = DW_ACT_MFA_FAILURE;
				e->reason = DW_RSN_OTHER;
			} else {
				e->action = DW_ACT_AUTH_FAILURE;
				e->reason = (uint8_t)reason_of(rsn);
				if (e->reason != DW_RSN_LOCKED && dw_slice_eq_ci(aid, "unknown"))
					e->reason = DW_RSN_UNKNOWN_USER;
			}
		}
	}
	return DW_OK;
}
