/*
 * wincodes.c - Windows Security event semantics shared by every rendering
 * (XML now, evtx_dump / Winlogbeat JSON later): result codes -> reasons,
 * LogonType names, EventData field names, and fields -> normalised event.
 * All tables are const and static; nothing is allocated; every function is
 * pure apart from writing the event it is given.
 *
 * Result codes (../shared/reference/identity-logs.md, section 1a):
 *   NTSTATUS (4625 Status/SubStatus, 4776 Status)      Kerberos (4768/4771 Status)
 *   0xc000006a bad_password                             0x18 bad_password (KDC_ERR_PREAUTH_FAILED)
 *   0xc0000064 unknown_user                             0x6  unknown_user (KDC_ERR_C_PRINCIPAL_UNKNOWN)
 *   0xc0000234 locked                                   0x12 locked (KDC_ERR_CLIENT_REVOKED: disabled,
 *   0xc0000072 disabled                                      expired OR locked out - the KDC does not say
 *   0xc0000071, 0xc0000193, 0xc0000224 expired               which; "locked" is the common cause in a spray)
 *   0xc000006e, 0xc000006f, 0xc0000070, 0xc000015b,     0x17 expired (KDC_ERR_KEY_EXPIRED)
 *   0xc0000413 restriction                              0x25 noise (KRB_AP_ERR_SKEW, clock skew)
 *   0xc0000133, 0xc000005e, 0xc0000192, 0xc00000dc      0x0 success
 *   noise (clock skew, no logon servers, netlogon
 *   down, DC shutting down)
 *   0xc000006d other (generic; the reason is in SubStatus)
 * Any other code: other.
 *
 * Decisions:
 * - code: 4625 logs Status 0xc000006d (or 0xc000006e, account restriction)
 *   with the specific reason in SubStatus; then SubStatus is the code when
 *   it is set and not zero, else Status. Codes are printed lower-case
 *   without zero padding ("0xc000006a", "0x18") when the table knows them
 *   or they are below 0x100; any other code is kept as logged.
 * - noise accounts: a user that is empty, "-", ends in '$' (machine account)
 *   or is "ANONYMOUS LOGON". On a failure the action stays auth_failure and
 *   the reason becomes noise (so counters can still see the volume but
 *   detectors skip it). On a success (4624, 4768, 4776) and on share access
 *   (5140/5145, machine accounts read SYSVOL and IPC$ all day) the action
 *   becomes other: machine logons are not evidence of a compromise.
 * - protocol: AuthenticationPackageName (4624/4625) NTLM -> ntlm, Kerberos ->
 *   kerberos, Negotiate -> negotiate, MICROSOFT_AUTHENTICATION_PACKAGE_V1_0
 *   -> ntlm; without it LogonProcessName NtLmSsp -> ntlm, Kerberos ->
 *   kerberos. 4768/4771 kerberos, 4776 ntlm.
 * - session: for 4624/4625 the LogonType as a name (interactive, network,
 *   batch, service, unlock, network_cleartext, new_credentials,
 *   remote_interactive, cached_interactive, cached_remote_interactive,
 *   cached_unlock); unknown numbers are left out. For 4648 the
 *   SubjectUserName (the account whose process used the explicit
 *   credentials); its IpAddress/IpPort are the server logged on to
 *   (dst_ip/dst_port): the source is the machine that wrote it. For
 *   5140/5145 the SubjectLogonId as logged (ties the share access to its
 *   logon session).
 * - legacy: LogonType 8 (NetworkCleartext: IIS/OWA Basic auth) or
 *   LmPackageName "NTLM V1" / "LM".
 * - src_ip: IpAddress when it parses as an address ("-" ignored; loopback
 *   kept, it is still an address); src_port: IpPort when 1..65535.
 *   src_name: WorkstationName (4624/4625) or Workstation (4776, leading
 *   backslashes dropped) when there is no address, "-" ignored; for 4740
 *   TargetDomainName, which in that event is the Caller Computer Name.
 * - user_raw is the account name alone (TargetDomainName is not joined:
 *   in 4740 it is a computer, and the key drops the domain anyway).
 * - only the Security log's events mean what the tables say: a record
 *   whose Provider is not Microsoft-Windows-Security-Auditing, or (with
 *   no provider) whose Channel is not Security, keeps action other (an
 *   Application-log EventSystem 4625 is no logon failure).
 * - 5145: target is ShareName; RelativeTargetName is not joined (it would
 *   need a buffer per event).
 */
#include "wincodes.h"

#include "../core/ip.h"

struct code {
	uint32_t v;
	uint8_t kind;
	uint8_t reason;
	const char *text;
};

static const struct code codes[] = {
	{0xc000006aU, DW_WINCODE_NTSTATUS, DW_RSN_BAD_PASSWORD, "0xc000006a"},
	{0xc0000064U, DW_WINCODE_NTSTATUS, DW_RSN_UNKNOWN_USER, "0xc0000064"},
	{0xc0000234U, DW_WINCODE_NTSTATUS, DW_RSN_LOCKED, "0xc0000234"},
	{0xc0000072U, DW_WINCODE_NTSTATUS, DW_RSN_DISABLED, "0xc0000072"},
	{0xc0000071U, DW_WINCODE_NTSTATUS, DW_RSN_EXPIRED, "0xc0000071"},
	{0xc0000193U, DW_WINCODE_NTSTATUS, DW_RSN_EXPIRED, "0xc0000193"},
	{0xc0000224U, DW_WINCODE_NTSTATUS, DW_RSN_EXPIRED, "0xc0000224"},
	{0xc000006eU, DW_WINCODE_NTSTATUS, DW_RSN_RESTRICTION, "0xc000006e"},
	{0xc000006fU, DW_WINCODE_NTSTATUS, DW_RSN_RESTRICTION, "0xc000006f"},
	{0xc0000070U, DW_WINCODE_NTSTATUS, DW_RSN_RESTRICTION, "0xc0000070"},
	{0xc000015bU, DW_WINCODE_NTSTATUS, DW_RSN_RESTRICTION, "0xc000015b"},
	{0xc0000413U, DW_WINCODE_NTSTATUS, DW_RSN_RESTRICTION, "0xc0000413"},
	{0xc0000133U, DW_WINCODE_NTSTATUS, DW_RSN_NOISE, "0xc0000133"},
	{0xc000005eU, DW_WINCODE_NTSTATUS, DW_RSN_NOISE, "0xc000005e"},
	{0xc0000192U, DW_WINCODE_NTSTATUS, DW_RSN_NOISE, "0xc0000192"},
	{0xc00000dcU, DW_WINCODE_NTSTATUS, DW_RSN_NOISE, "0xc00000dc"},
	{0xc000006dU, DW_WINCODE_NTSTATUS, DW_RSN_OTHER, "0xc000006d"},
	{0x0, DW_WINCODE_NTSTATUS, DW_RSN_NONE, "0x0"},
	{0x18, DW_WINCODE_KERBEROS, DW_RSN_BAD_PASSWORD, "0x18"},
	{0x6, DW_WINCODE_KERBEROS, DW_RSN_UNKNOWN_USER, "0x6"},
	{0x12, DW_WINCODE_KERBEROS, DW_RSN_LOCKED, "0x12"},
	{0x17, DW_WINCODE_KERBEROS, DW_RSN_EXPIRED, "0x17"},
	{0x25, DW_WINCODE_KERBEROS, DW_RSN_NOISE, "0x25"},
	{0x0, DW_WINCODE_KERBEROS, DW_RSN_NONE, "0x0"},
};

/* "0x0" .. "0xff" */
static const char *const small_hex[256] = {
	"0x0","0x1","0x2","0x3","0x4","0x5","0x6","0x7","0x8","0x9","0xa","0xb","0xc","0xd","0xe","0xf",
	"0x10","0x11","0x12","0x13","0x14","0x15","0x16","0x17","0x18","0x19","0x1a","0x1b","0x1c","0x1d","0x1e","0x1f",
	"0x20","0x21","0x22","0x23","0x24","0x25","0x26","0x27","0x28","0x29","0x2a","0x2b","0x2c","0x2d","0x2e","0x2f",
	"0x30","0x31","0x32","0x33","0x34","0x35","0x36","0x37","0x38","0x39","0x3a","0x3b","0x3c","0x3d","0x3e","0x3f",
	"0x40","0x41","0x42","0x43","0x44","0x45","0x46","0x47","0x48","0x49","0x4a","0x4b","0x4c","0x4d","0x4e","0x4f",
	"0x50","0x51","0x52","0x53","0x54","0x55","0x56","0x57","0x58","0x59","0x5a","0x5b","0x5c","0x5d","0x5e","0x5f",
	"0x60","0x61","0x62","0x63","0x64","0x65","0x66","0x67","0x68","0x69","0x6a","0x6b","0x6c","0x6d","0x6e","0x6f",
	"0x70","0x71","0x72","0x73","0x74","0x75","0x76","0x77","0x78","0x79","0x7a","0x7b","0x7c","0x7d","0x7e","0x7f",
	"0x80","0x81","0x82","0x83","0x84","0x85","0x86","0x87","0x88","0x89","0x8a","0x8b","0x8c","0x8d","0x8e","0x8f",
	"0x90","0x91","0x92","0x93","0x94","0x95","0x96","0x97","0x98","0x99","0x9a","0x9b","0x9c","0x9d","0x9e","0x9f",
	"0xa0","0xa1","0xa2","0xa3","0xa4","0xa5","0xa6","0xa7","0xa8","0xa9","0xaa","0xab","0xac","0xad","0xae","0xaf",
	"0xb0","0xb1","0xb2","0xb3","0xb4","0xb5","0xb6","0xb7","0xb8","0xb9","0xba","0xbb","0xbc","0xbd","0xbe","0xbf",
	"0xc0","0xc1","0xc2","0xc3","0xc4","0xc5","0xc6","0xc7","0xc8","0xc9","0xca","0xcb","0xcc","0xcd","0xce","0xcf",
	"0xd0","0xd1","0xd2","0xd3","0xd4","0xd5","0xd6","0xd7","0xd8","0xd9","0xda","0xdb","0xdc","0xdd","0xde","0xdf",
	"0xe0","0xe1","0xe2","0xe3","0xe4","0xe5","0xe6","0xe7","0xe8","0xe9","0xea","0xeb","0xec","0xed","0xee","0xef",
	"0xf0","0xf1","0xf2","0xf3","0xf4","0xf5","0xf6","0xf7","0xf8","0xf9","0xfa","0xfb","0xfc","0xfd","0xfe","0xff",
	
};

static const char *const logon_types[14] = {
	NULL, NULL, "interactive", "network", "batch", "service", NULL, "unlock",
	"network_cleartext", "new_credentials", "remote_interactive", "cached_interactive",
	"cached_remote_interactive", "cached_unlock",
};

static const struct code *find(int kind, uint32_t v)
{
	for (size_t i = 0; i < DW_ARRAY_LEN(codes); i++)
		if (codes[i].v == v && codes[i].kind == kind)
			return &codes[i];
	return NULL;
}

int dw_wincodes_reason(int kind, uint32_t code)
{
	const struct code *c = find(kind, code);
	return c ? c->reason : DW_RSN_OTHER;
}

const char *dw_wincodes_text(int kind, uint32_t code)
{
	const struct code *c = find(kind, code);

	if (c)
		return c->text;
	return code < 256 ? small_hex[code] : NULL;
}

const char *dw_wincodes_logon_type(uint32_t type)
{
	return type < DW_ARRAY_LEN(logon_types) ? logon_types[type] : NULL;
}

int dw_wincodes_parse(const char *p, size_t n, uint32_t *out)
{
	struct dw_slice s = dw_slice_trim(dw_slice_make(p, n));
	uint64_t v = 0;
	size_t i = 0;

	if (s.n == 0)
		return DW_EINVAL;
	if (s.n > 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
		for (i = 2; i < s.n; i++) {
			int c = (unsigned char)s.p[i], d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return DW_EINVAL;
			v = v * 16 + (uint64_t)d;
			if (v > UINT32_MAX)
				return DW_EINVAL;
		}
	} else {
		for (; i < s.n; i++) {
			if (!dw_isdigit((unsigned char)s.p[i]))
				return DW_EINVAL;
			v = v * 10 + (uint64_t)(s.p[i] - '0');
			if (v > UINT32_MAX)
				return DW_EINVAL;
		}
	}
	*out = (uint32_t)v;
	return DW_OK;
}

int dw_wincodes_field(const char *name, size_t n)
{
	if (n == 0)
		return DW_WINF_DATA;
#define F(lit, id)                                  	if (memcmp(name, lit, sizeof(lit) - 1) == 0) 		return id;
	switch (n) {
	case 6:
		F("Status", DW_WINF_STATUS);
		F("IpPort", DW_WINF_IP_PORT);
		F("Param1", DW_WINF_PARAM1);
		F("Param3", DW_WINF_PARAM3);
		break;
	case 8:
		F("ClientIP", DW_WINF_CLIENT_IP);
		break;
	case 9:
		F("IpAddress", DW_WINF_IP_ADDRESS);
		F("SubStatus", DW_WINF_SUB_STATUS);
		F("LogonType", DW_WINF_LOGON_TYPE);
		F("ShareName", DW_WINF_SHARE_NAME);
		break;
	case 11:
		F("ServiceName", DW_WINF_SERVICE_NAME);
		F("Workstation", DW_WINF_WORKSTATION);
		F("AccountName", DW_WINF_ACCOUNT_NAME);
		break;
	case 13:
		F("LmPackageName", DW_WINF_LM_PACKAGE);
		F("ClientAddress", DW_WINF_CLIENT_ADDRESS);
		break;
	case 14:
		F("TargetUserName", DW_WINF_TARGET_USER);
		F("SubjectLogonId", DW_WINF_SUBJECT_LOGON_ID);
		break;
	case 15:
		F("SubjectUserName", DW_WINF_SUBJECT_USER);
		F("WorkstationName", DW_WINF_WORKSTATION_NAME);
		break;
	case 16:
		F("TargetDomainName", DW_WINF_TARGET_DOMAIN);
		F("LogonProcessName", DW_WINF_LOGON_PROCESS);
		F("TargetServerName", DW_WINF_TARGET_SERVER);
		break;
	case 25:
		F("AuthenticationPackageName", DW_WINF_AUTH_PACKAGE);
		break;
	default:
		break;
	}
#undef F
	return -1;
}

int dw_wincodes_noise_user(struct dw_slice u)
{
	u = dw_slice_trim(u);
	return u.n == 0 || (u.n == 1 && u.p[0] == '-') || u.p[u.n - 1] == '$' ||
	       dw_slice_eq_ci(u, "ANONYMOUS LOGON");
}

static struct dw_slice field(const struct dw_win_fields *f, int id)
{
	if (!(f->seen & (1u << id)))
		return dw_slice_make(NULL, 0);
	return dw_slice_trim(f->v[id]);
}

static int is_dash(struct dw_slice s)
{
	return s.n == 1 && s.p[0] == '-';
}

/* src_ip/src_port from IpAddress/IpPort; src_name from field name_id without an address. */
/* A port number 1..65535 in s: DW_OK, else DW_EINVAL. */
static int port_of(struct dw_slice s, uint16_t *out)
{
	uint32_t v;

	if (!s.n || !dw_isdigit((unsigned char)s.p[0]) || dw_wincodes_parse(s.p, s.n, &v) != DW_OK ||
	    v == 0 || v > 65535)
		return DW_EINVAL;
	*out = (uint16_t)v;
	return DW_OK;
}

/* IpAddress and IpPort into ip and port (has_bit set with the port). */
static void ip_port(struct dw_event *e, const struct dw_win_fields *f, struct dw_ip *ip,
		    uint16_t *port, uint32_t has_bit)
{
	struct dw_slice a = field(f, DW_WINF_IP_ADDRESS);

	if (a.n && !is_dash(a) && dw_ip_parse(a.p, a.n, ip) != DW_OK)
		memset(ip, 0, sizeof(*ip));
	if (port_of(field(f, DW_WINF_IP_PORT), port) == DW_OK)
		e->has |= has_bit;
}

static void source(struct dw_event *e, const struct dw_win_fields *f, int name_id)
{
	ip_port(e, f, &e->src_ip, &e->src_port, DW_EV_HAS_SRC_PORT);
	if (!e->src_ip.fam && name_id >= 0) {
		struct dw_slice w = field(f, name_id);
		while (w.n && w.p[0] == '\\')
			w.p++, w.n--;
		if (w.n && !is_dash(w))
			e->src_name = w;
	}
}

static void set_user(struct dw_event *e, struct dw_slice u)
{
	if (u.n && !is_dash(u)) /* "-" is "no account": neither user nor user_raw */
		dw_event_set_user(e, u);
}

/* Code text: canonical when known, else as logged. */
static void set_code(struct dw_event *e, int kind, uint32_t v, struct dw_slice raw)
{
	const char *t = dw_wincodes_text(kind, v);
	e->code = t ? dw_slice_cstr(t) : raw;
}

static void logon_fields(struct dw_event *e, const struct dw_win_fields *f)
{
	struct dw_slice pkg = field(f, DW_WINF_AUTH_PACKAGE), proc = field(f, DW_WINF_LOGON_PROCESS);
	struct dw_slice lt = field(f, DW_WINF_LOGON_TYPE), lm = field(f, DW_WINF_LM_PACKAGE);
	uint32_t t;
	const char *proto = NULL;

	if (dw_slice_eq_ci(pkg, "NTLM") || dw_slice_eq_ci(pkg, "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0"))
		proto = "ntlm";
	else if (dw_slice_eq_ci(pkg, "Kerberos"))
		proto = "kerberos";
	else if (dw_slice_eq_ci(pkg, "Negotiate"))
		proto = "negotiate";
	else if (pkg.n == 0 || is_dash(pkg)) {
		if (dw_slice_eq_ci(proc, "NtLmSsp"))
			proto = "ntlm";
		else if (dw_slice_eq_ci(proc, "Kerberos"))
			proto = "kerberos";
	}
	if (proto)
		e->protocol = dw_slice_cstr(proto);
	if (lt.n && dw_isdigit((unsigned char)lt.p[0]) &&
	    dw_wincodes_parse(lt.p, lt.n, &t) == DW_OK) {
		const char *name = dw_wincodes_logon_type(t);
		if (name)
			e->session = dw_slice_cstr(name);
		if (t == 8)
			e->has |= DW_EV_LEGACY;
	}
	if (dw_slice_eq_ci(lm, "NTLM V1") || dw_slice_eq_ci(lm, "LM"))
		e->has |= DW_EV_LEGACY;
	source(e, f, DW_WINF_WORKSTATION_NAME);
}

/* A failure by a noise account gets reason noise; a success becomes other. */
static void noise(struct dw_event *e, struct dw_slice user)
{
	if (!dw_wincodes_noise_user(user))
		return;
	if (e->action == DW_ACT_AUTH_FAILURE)
		e->reason = DW_RSN_NOISE;
	else if (e->action == DW_ACT_AUTH_SUCCESS || e->action == DW_ACT_SHARE_ACCESS)
		e->action = DW_ACT_OTHER;
}

/* Status of a 4768/4771/4776: action, reason, code. */
static void status(struct dw_event *e, const struct dw_win_fields *f, int kind, int can_succeed)
{
	struct dw_slice st = field(f, DW_WINF_STATUS);
	uint32_t v;

	if (st.n == 0 || dw_wincodes_parse(st.p, st.n, &v) != DW_OK) {
		e->action = DW_ACT_AUTH_FAILURE;
		e->reason = DW_RSN_OTHER;
		e->code = st;
		return;
	}
	set_code(e, kind, v, st);
	if (v == 0 && can_succeed) {
		e->action = DW_ACT_AUTH_SUCCESS;
		return;
	}
	e->action = DW_ACT_AUTH_FAILURE;
	e->reason = (uint8_t)(v == 0 ? DW_RSN_OTHER : dw_wincodes_reason(kind, v));
}

/* Which family of meanings an event's provider (or channel) gives it. */
enum { FAM_NONE, FAM_SECURITY, FAM_RDP_AUTH, FAM_RDP_CORE, FAM_MSSQL };

static int has_prefix_ci(struct dw_slice s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && dw_slice_eq_ci(dw_slice_make(s.p, n), lit);
}

static int family(struct dw_slice provider, struct dw_slice channel)
{
	if (provider.n == 0)
		return channel.n == 0 || dw_slice_eq_ci(channel, "Security") ? FAM_SECURITY : FAM_NONE;
	if (dw_slice_eq_ci(provider, "Microsoft-Windows-Security-Auditing"))
		return FAM_SECURITY;
	if (dw_slice_eq_ci(provider, "Microsoft-Windows-TerminalServices-RemoteConnectionManager"))
		return FAM_RDP_AUTH;
	if (dw_slice_eq_ci(provider, "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS"))
		return FAM_RDP_CORE;
	if (has_prefix_ci(provider, "MSSQL")) /* MSSQLSERVER, MSSQL$INSTANCE */
		return FAM_MSSQL;
	return FAM_NONE;
}

int dw_wincodes_wanted(uint32_t event_id, struct dw_slice provider, struct dw_slice channel)
{
	switch (family(provider, channel)) {
	case FAM_SECURITY:
		switch (event_id) {
		case 4624: case 4625: case 4648: case 4740: case 4768: case 4771: case 4776:
		case 4825: case 5140: case 5145:
			return 1;
		default:
			return 0;
		}
	case FAM_RDP_AUTH:
		return event_id == 1149;
	case FAM_RDP_CORE:
		return event_id == 131;
	case FAM_MSSQL:
		return event_id == 33205;
	default:
		return 0;
	}
}

/* "192.0.2.9:3389", "[2001:db8::1]:3389" or a bare address -> e->src_ip (and port). */
static void addr_port(struct dw_event *e, struct dw_slice s)
{
	size_t colon = s.n;

	s = dw_slice_trim(s);
	if (dw_ip_parse(s.p, s.n, &e->src_ip) == DW_OK)
		return;
	memset(&e->src_ip, 0, sizeof(e->src_ip));
	for (size_t i = s.n; i-- > 0;)
		if (s.p[i] == ':') {
			colon = i;
			break;
		}
	if (colon >= s.n)
		return;
	if (s.n > 2 && s.p[0] == '[' && colon > 1 && s.p[colon - 1] == ']') {
		if (dw_ip_parse(s.p + 1, colon - 2, &e->src_ip) != DW_OK)
			memset(&e->src_ip, 0, sizeof(e->src_ip));
	} else if (dw_ip_parse(s.p, colon, &e->src_ip) != DW_OK) {
		memset(&e->src_ip, 0, sizeof(e->src_ip));
		return;
	}
	if (e->src_ip.fam && port_of(dw_slice_make(s.p + colon + 1, s.n - colon - 1),
				     &e->src_port) == DW_OK)
		e->has |= DW_EV_HAS_SRC_PORT;
}

/*
 * The value of "key:" at the start of a line of a SQL Server audit blob, up
 * to the end of its line. Lines end in LF, or in "&#10;" when a value too
 * long to decode is read as logged.
 */
static struct dw_slice blob_value(struct dw_slice b, const char *key)
{
	size_t kn = strlen(key);

	for (size_t i = 0; i + kn + 1 <= b.n; i++) {
		int bol = i == 0 || b.p[i - 1] == '\n' ||
			  (i >= 5 && memcmp(b.p + i - 5, "&#10;", 5) == 0);
		if (bol && memcmp(b.p + i, key, kn) == 0 && b.p[i + kn] == ':') {
			size_t j = i + kn + 1, k = j;
			while (k < b.n && b.p[k] != '\n' && b.p[k] != '\r' &&
			       !(b.n - k >= 5 && memcmp(b.p + k, "&#10;", 5) == 0))
				k++;
			return dw_slice_make(b.p + j, k - j);
		}
	}
	return dw_slice_make(NULL, 0);
}

/* The text between a and the following b inside s (empty if absent). */
static struct dw_slice between(struct dw_slice s, const char *a, const char *b)
{
	size_t an = strlen(a), bn = strlen(b);
	const char *p = s.n >= an ? memmem(s.p, s.n, a, an) : NULL;
	const char *q;

	if (!p)
		return dw_slice_make(NULL, 0);
	p += an;
	q = memmem(p, (size_t)(s.p + s.n - p), b, bn);
	return q ? dw_slice_make(p, (size_t)(q - p)) : dw_slice_make(NULL, 0);
}

/*
 * SQL Server's login audit (33205, Application log): one unnamed <Data>
 * holding "key:value" lines. action_id LGIS is a login, LGIF a failure
 * whose reason is in the statement ("Login failed for user 'u'. Reason:
 * ... [CLIENT: a.b.c.d]"); the user is server_principal_name, the client
 * the <address> of additional_information or the statement's CLIENT.
 */
static void mssql(struct dw_event *e, const struct dw_win_fields *f)
{
	struct dw_slice b = field(f, DW_WINF_DATA), act = blob_value(b, "action_id");
	struct dw_slice stmt = blob_value(b, "statement"), user = blob_value(b, "server_principal_name");
	struct dw_slice addr = between(b, "<address>", "</address>");

	if (dw_slice_eq(act, "LGIS"))
		e->action = DW_ACT_AUTH_SUCCESS;
	else if (dw_slice_eq(act, "LGIF"))
		e->action = DW_ACT_AUTH_FAILURE;
	else
		return;
	e->protocol = dw_slice_cstr("mssql");
	e->code = act;
	if (user.n)
		dw_event_set_user(e, user);
	if (!addr.n)
		addr = between(b, "&lt;address&gt;", "&lt;");
	if (!addr.n)
		addr = between(stmt, "[CLIENT: ", "]");
	if (addr.n && dw_ip_parse(addr.p, addr.n, &e->src_ip) != DW_OK)
		memset(&e->src_ip, 0, sizeof(e->src_ip));
	if (e->action != DW_ACT_AUTH_FAILURE)
		return;
	if (memmem(stmt.p ? stmt.p : "", stmt.n, "Could not find a login", 22))
		e->reason = DW_RSN_UNKNOWN_USER;
	else if (memmem(stmt.p ? stmt.p : "", stmt.n, "Password did not match", 22))
		e->reason = DW_RSN_BAD_PASSWORD;
	else if (memmem(stmt.p ? stmt.p : "", stmt.n, "Windows authentication only", 27) ||
		 memmem(stmt.p ? stmt.p : "", stmt.n, "is disabled", 11))
		e->reason = DW_RSN_RESTRICTION;
	else
		e->reason = DW_RSN_OTHER;
	if (user.n == 0)
		e->reason = DW_RSN_NOISE; /* an empty login name is a probe, not a guess */
}

/* An RDP logon record (1149, 4825): the account and the client from the given fields. */
static void rdp_logon(struct dw_event *e, const struct dw_win_fields *f, int user_id, int addr_id)
{
	set_user(e, field(f, user_id));
	addr_port(e, field(f, addr_id));
	e->protocol = dw_slice_cstr("rdp");
	noise(e, field(f, user_id));
}

void dw_wincodes_fill(struct dw_event *e, uint32_t event_id, const struct dw_win_fields *f)
{
	struct dw_slice tu = field(f, DW_WINF_TARGET_USER), su = field(f, DW_WINF_SUBJECT_USER);
	struct dw_slice st, sub;
	uint32_t sv = 0, subv = 0;

	e->log = DW_LOG_WIN;
	e->action = DW_ACT_OTHER;
	if (!dw_wincodes_wanted(event_id, f->provider, f->channel))
		return;
	switch (family(f->provider, f->channel)) {
	case FAM_RDP_AUTH: /* 1149: Remote Desktop accepted the credentials (NLA) */
		e->action = DW_ACT_AUTH_SUCCESS;
		rdp_logon(e, f, DW_WINF_PARAM1, DW_WINF_PARAM3);
		return;
	case FAM_RDP_CORE: /* 131: a client connected (no account yet) */
		addr_port(e, field(f, DW_WINF_CLIENT_IP));
		e->protocol = dw_slice_cstr("rdp");
		return;
	case FAM_MSSQL:
		mssql(e, f);
		return;
	default:
		break;
	}
	switch (event_id) {
	case 4825: /* RDP refused to an account whose password was right */
		e->action = DW_ACT_AUTH_FAILURE;
		e->reason = DW_RSN_RESTRICTION;
		rdp_logon(e, f, DW_WINF_ACCOUNT_NAME, DW_WINF_CLIENT_ADDRESS);
		break;
	case 4625:
		e->action = DW_ACT_AUTH_FAILURE;
		set_user(e, tu);
		logon_fields(e, f);
		st = field(f, DW_WINF_STATUS);
		sub = field(f, DW_WINF_SUB_STATUS);
		if (st.n && dw_wincodes_parse(st.p, st.n, &sv) == DW_OK) {
			if ((sv == 0xc000006dU || sv == 0xc000006eU) && sub.n &&
			    dw_wincodes_parse(sub.p, sub.n, &subv) == DW_OK && subv != 0)
				sv = subv, st = sub;
			set_code(e, DW_WINCODE_NTSTATUS, sv, st);
			e->reason = (uint8_t)(sv == 0 ? DW_RSN_OTHER
						      : dw_wincodes_reason(DW_WINCODE_NTSTATUS, sv));
		} else {
			e->code = st;
			e->reason = DW_RSN_OTHER;
		}
		noise(e, tu);
		break;
	case 4624:
		e->action = DW_ACT_AUTH_SUCCESS;
		set_user(e, tu);
		logon_fields(e, f);
		noise(e, tu);
		break;
	case 4648:
		e->action = DW_ACT_EXPLICIT_CREDS;
		set_user(e, tu);
		e->target = field(f, DW_WINF_TARGET_SERVER);
		if (!is_dash(su))
			e->session = su;
		/* its address and port are those of the server logged on to */
		ip_port(e, f, &e->dst_ip, &e->dst_port, DW_EV_HAS_DST_PORT);
		break;
	case 4768:
	case 4771:
		set_user(e, tu);
		e->protocol = dw_slice_cstr("kerberos");
		e->target = field(f, DW_WINF_SERVICE_NAME);
		source(e, f, -1);
		status(e, f, DW_WINCODE_KERBEROS, event_id == 4768);
		noise(e, tu);
		break;
	case 4776:
		set_user(e, tu);
		e->protocol = dw_slice_cstr("ntlm");
		source(e, f, DW_WINF_WORKSTATION);
		status(e, f, DW_WINCODE_NTSTATUS, 1);
		noise(e, tu);
		break;
	case 4740:
		e->action = DW_ACT_LOCKOUT;
		set_user(e, tu);
		e->src_name = field(f, DW_WINF_TARGET_DOMAIN);
		if (is_dash(e->src_name))
			e->src_name.n = 0;
		break;
	case 5140:
	case 5145:
		e->action = DW_ACT_SHARE_ACCESS;
		set_user(e, su);
		e->target = field(f, DW_WINF_SHARE_NAME);
		e->session = field(f, DW_WINF_SUBJECT_LOGON_ID);
		source(e, f, -1);
		noise(e, su);
		break;
	default:
		break;
	}
	if (is_dash(e->target))
		e->target.n = 0;
}
