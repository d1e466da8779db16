/*
 * parser.h - from raw lines to normalised events: format sniffing and
 * dispatch for one stream of lines (the reader's output).
 *
 * Formats of this version: syslog text in every header style (RFC 3164,
 * RFC 5424, RFC 3339/ISO 8601 "high precision", journalctl -o short-iso /
 * short-precise) and journalctl -o json; sshd / sshd-session records in them
 * become authentication events, every other record an event with action
 * "other". Windows Security events as single-line XML (a file whose first
 * record is an <Event>) and Citrix NetScaler records (native, or relayed
 * inside any syslog file: recognised line by line) have parsers of their
 * own (winxml.c, netscaler.c), and so do the JSON records of Entra ID
 * sign-ins, Microsoft 365 audit, Okta and Windows events as evtx_dump,
 * Winlogbeat or ECS JSON (entra.c, o365.c, okta.c, winjson.c on json.c).
 * Flow logs become "flow" events: Zeek conn.log as TSV (a file whose
 * "#fields" header maps the columns; the map is per file) or JSON (an
 * object with "id.orig_h"), zeek.c; `nfdump -o csv` of both layouts (a CSV
 * header, or the <= 1.7.4 fixed layout recognised by its two leading
 * stamps), nfdump.c. Their header and trailer lines give no event and are
 * not counted as unparsed.
 *
 * Events go to the callback as they are complete. One password guess that
 * sshd writes as 3-6 lines gives one auth_failure event; a failure may be
 * held back until its connection shows whether it was really a failure
 * (pam_unix failure followed by Accepted is not), so events can reach the
 * callback a few lines late, and dw_parser_flush() releases what is held at
 * the end of input. The event passed to the callback is borrowed for the
 * duration of the call.
 *
 * Bad records never stop parsing: each is counted in stats.unparsed by
 * reason and skipped.
 *
 * Files of this layer: parser.c (this API, sniffing, dispatch), syslog.c
 * (header styles, year inference), journal.c (journalctl -o json), sshd.c
 * (stateless message classifier), sshd_conn.c (attempt merger: the rules
 * for what counts as one guess are at its top).
 */
#ifndef DW_PARSE_PARSER_H
#define DW_PARSE_PARSER_H

#include "../core/dw.h"
#include "../event/event.h"

enum dw_format {
	DW_FMT_AUTO = 0,
	DW_FMT_SYSLOG,       /* any syslog header style, sshd messages recognised */
	DW_FMT_JOURNAL_JSON, /* journalctl -o json */
	DW_FMT_WINXML,       /* Windows events, one XML <Event> per line */
	DW_FMT_NETSCALER,    /* Citrix ADC / NetScaler syslog */
	DW_FMT_ZEEK,         /* Zeek conn.log, TSV (header-driven) or JSON (zeek.c) */
	DW_FMT_NFDUMP,       /* nfdump -o csv, both layouts (nfdump.c) */
	DW_FMT__N
};

/* Why a record produced no event. */
enum dw_unparsed {
	DW_UNP_EMPTY = 0,      /* blank line */
	DW_UNP_BINARY,         /* NUL or other control bytes */
	DW_UNP_BAD_HEADER,     /* not a syslog/journal record */
	DW_UNP_BAD_TIME,       /* unreadable or absurd timestamp */
	DW_UNP_TIME_BACKWARDS, /* more than a day older than the file's newest record */
	DW_UNP_BAD_JSON,       /* malformed JSON record */
	DW_UNP_TRUNCATED,      /* record cut short */
	DW_UNP__N
};

struct dw_parse_opts {
	int format;         /* enum dw_format */
	int year;           /* RFC 3164 year; 0 = infer from the file's mtime */
	int32_t utc_offset; /* seconds east of UTC of zone-less times (RFC 3164, NetScaler,
			       nfdump CSV); 0 = UTC */
	size_t conn_cap;    /* sshd connections tracked at once; 0 = 16,384 (6.8 MiB at most) */
};

struct dw_parse_stats {
	uint64_t records;                 /* lines offered */
	uint64_t events;                  /* events delivered */
	uint64_t by_action[DW_ACT__N];
	uint64_t by_log[DW_LOG__N];
	uint64_t unparsed[DW_UNP__N];
	uint64_t merged_lines;            /* lines folded into another line's attempt */
	uint64_t conn_evicted;            /* sshd connection states evicted at the cap */
};

typedef void (*dw_event_fn)(void *ctx, const struct dw_event *e);

struct dw_parser;

/* Creates a parser that hands events to fn(ctx, ...). Free with dw_parser_free. */
int dw_parser_new(struct dw_parser **out, const struct dw_parse_opts *o, dw_event_fn fn,
		  void *ctx) DW_WUR;
void dw_parser_free(struct dw_parser *p);

/*
 * Tells the parser a new input starts (name borrowed until dw_parser_free;
 * mtime in ns, 0 for standard input). Resets the format sniffing, the RFC
 * 3164 year inference and the time-order check; sshd connection state is
 * kept (a connection may continue in the next, rotated, file).
 */
void dw_parser_begin_file(struct dw_parser *p, const char *file, int64_t mtime);

/* Parses one line (borrowed for the call). */
void dw_parser_line(struct dw_parser *p, const char *line, size_t n, uint64_t lineno,
		    uint64_t offset);

/* End of input: delivers every held-back event. */
void dw_parser_flush(struct dw_parser *p);

const struct dw_parse_stats *dw_parser_stats(const struct dw_parser *p);

/* Bytes the parser allocated (fixed after dw_parser_new). */
size_t dw_parser_memuse(const struct dw_parser *p);

/* Names for summaries and JSON: "syslog", ...; "empty", "binary", ... */
const char *dw_format_name(int format);
int dw_format_from_name(const char *name);
const char *dw_unparsed_name(int reason);

/* Test hook: 1 if the SIMD and scalar control-byte scans disagree on p[0..n). */
int dw_parser_ctl_check(const char *p, size_t n);

/*
 * What lines still to come may complete (the sshd connections' held and open
 * attempts), appended to sb so that the next run can go on (--db). Returns
 * DW_OK or DW_ENOMEM.
 */
int dw_parser_save(const struct dw_parser *p, struct dw_sb *sb) DW_WUR;
/* Loads it into a parser that has read no line: DW_OK, DW_EINVAL (free p), DW_ENOMEM. */
int dw_parser_load(struct dw_parser *p, const void *blob, size_t n) DW_WUR;

#endif
