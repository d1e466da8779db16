/*
 * wincodes.h - what Windows Security events mean, independent of how they
 * were rendered: the NTSTATUS and Kerberos result-code table (code -> enum
 * dw_reason), LogonType names, the EventData field names dwell reads, and
 * the mapping from those fields to a normalised event. The XML scanner
 * (winxml.c) fills a struct dw_win_fields; the JSON renderings of the same
 * events (evtx_dump, Winlogbeat) are meant to fill the same struct and call
 * dw_wincodes_fill(), so every rendering yields the same event.
 *
 * Field mapping (decisions; see the design comment of wincodes.c for why):
 *   event   action                         user              target            other
 *   4625    auth_failure                   TargetUserName    -                 code SubStatus|Status
 *   4624    auth_success                   TargetUserName    -
 *   4648    explicit_creds                 TargetUserName    TargetServerName  session = SubjectUserName
 *   4768    auth_success if Status 0x0,    TargetUserName    ServiceName       protocol kerberos, code
 *           else auth_failure
 *   4771    auth_failure                   TargetUserName    ServiceName       protocol kerberos, code
 *   4776    auth_success if Status 0x0,    TargetUserName    -                 protocol ntlm, src_name
 *           else auth_failure                                                  = Workstation, code
 *   4740    lockout                        TargetUserName    -                 src_name = TargetDomainName
 *                                                                              (the Caller Computer Name)
 *   5140/5145 share_access                 SubjectUserName   ShareName         session = SubjectLogonId
 *   other   other (event_id kept, no fields read)
 */
#ifndef DW_PARSE_WINCODES_H
#define DW_PARSE_WINCODES_H

#include "../core/dw.h"
#include "../event/event.h"

/* EventData fields dwell reads (the Name= of <Data>, the key in JSON renderings). */
enum dw_winf {
	DW_WINF_TARGET_USER = 0,  /* TargetUserName */
	DW_WINF_TARGET_DOMAIN,    /* TargetDomainName */
	DW_WINF_SUBJECT_USER,     /* SubjectUserName */
	DW_WINF_SUBJECT_LOGON_ID, /* SubjectLogonId */
	DW_WINF_STATUS,           /* Status */
	DW_WINF_SUB_STATUS,       /* SubStatus */
	DW_WINF_LOGON_TYPE,       /* LogonType */
	DW_WINF_LOGON_PROCESS,    /* LogonProcessName */
	DW_WINF_AUTH_PACKAGE,     /* AuthenticationPackageName */
	DW_WINF_LM_PACKAGE,       /* LmPackageName */
	DW_WINF_WORKSTATION_NAME, /* WorkstationName (4624/4625) */
	DW_WINF_WORKSTATION,      /* Workstation (4776) */
	DW_WINF_IP_ADDRESS,       /* IpAddress */
	DW_WINF_IP_PORT,          /* IpPort */
	DW_WINF_SHARE_NAME,       /* ShareName */
	DW_WINF_TARGET_SERVER,    /* TargetServerName */
	DW_WINF_SERVICE_NAME,     /* ServiceName */
	DW_WINF_ACCOUNT_NAME,     /* AccountName (4825) */
	DW_WINF_CLIENT_ADDRESS,   /* ClientAddress (4825) */
	DW_WINF_PARAM1,           /* Param1 (RDP 1149: user) */
	DW_WINF_PARAM3,           /* Param3 (RDP 1149: client address) */
	DW_WINF_CLIENT_IP,        /* ClientIP (RDP 131: "address:port") */
	DW_WINF_DATA,             /* the first <Data> without a Name (SQL Server audit 33205) */
	DW_WINF__N
};

/* The fields of one record; a field is present when its bit is set in seen. */
struct dw_win_fields {
	struct dw_slice v[DW_WINF__N];
	uint32_t seen;
	struct dw_slice provider, channel; /* System/Provider Name and Channel, when given */
};

/* Source of a result code. */
enum dw_wincode_kind { DW_WINCODE_NTSTATUS = 1, DW_WINCODE_KERBEROS = 2 };

/*
 * 1 if dw_wincodes_fill gives this event a meaning (so its EventData is worth
 * decoding): the Security log's logon events (provider
 * Microsoft-Windows-Security-Auditing, or with no provider the Security
 * channel), RDP 1149 and 131, and SQL Server's login audit 33205.
 */
int dw_wincodes_wanted(uint32_t event_id, struct dw_slice provider, struct dw_slice channel);

/* Returns the DW_WINF_* index of an EventData field name (exact case; "" = unnamed), or -1. */
int dw_wincodes_field(const char *name, size_t n);

/*
 * Parses a result code as logged: "0xC000006A", "0x00000018", "0x0", or
 * decimal digits. Surrounding blanks are allowed. Returns DW_OK or DW_EINVAL.
 */
int dw_wincodes_parse(const char *p, size_t n, uint32_t *out) DW_WUR;

/* The reason a failure code means (DW_RSN_OTHER when unknown, DW_RSN_NONE for 0). */
int dw_wincodes_reason(int kind, uint32_t code);

/*
 * Canonical text of a code: lower-case hex without zero padding ("0xc000006a",
 * "0x18"), static storage, for codes in the table and every value below
 * 0x100; NULL otherwise.
 */
const char *dw_wincodes_text(int kind, uint32_t code);

/* Name of a LogonType ("network", "remote_interactive", ...); NULL when unknown. */
const char *dw_wincodes_logon_type(uint32_t type);

/*
 * Fills e (header fields ts/host/event_id/record_id already set by the
 * caller) from the EventData fields f of event event_id. The slices of f
 * must stay valid as long as e; they should already be entity-decoded.
 * Sets log, action, reason, user, src_ip/src_port/src_name, target,
 * protocol, session, code and DW_EV_LEGACY.
 */
void dw_wincodes_fill(struct dw_event *e, uint32_t event_id, const struct dw_win_fields *f);

/* 1 if a user name is Windows noise: empty, "-", ends in '$', "ANONYMOUS LOGON". */
int dw_wincodes_noise_user(struct dw_slice u);

#endif
