/*
 * parser.c - the parse layer's front: per-file format sniffing, the checks
 * every record goes through (empty, binary, time order), and dispatch to the
 * syslog header parser, the journal JSON scanner, the sshd classifier and
 * the sshd attempt merger.
 *
 * Per record: one pass for control bytes (a word at a time), one header
 * parse, for sshd one classification and one hash-table lookup; the event is
 * a struct inside the parser, reused, so nothing is allocated per line.
 * Memory: the parser itself (about 1.3 KiB, with the per-file Zeek and
 * nfdump column maps of zeek.c and nfdump.c), the journal scratch buffer
 * (JBUF = 64 KiB + 64) and the sshd connection table (sshd_conn.c: 28 MiB
 * at the default cap, touched only as connections are seen).
 *
 * Time order, per file: a record more than a day older than the newest one
 * seen in the same file is skipped as "time_backwards". So that one absurd
 * record (a clock far in the future) cannot hide the rest of a file, after
 * BACKWARDS_RESET such records in a row the newest time is reset to the
 * current record.
 */
#include "parser.h"

#include <stdlib.h>
#include <time.h>

#include "../core/tm.h"
#include "journal.h"
#include "sshd.h"
#include "sshd_conn.h"
#include "entra.h"
#include "json.h"
#include "netscaler.h"
#include "o365.h"
#include "okta.h"
#include "winjson.h"
#include "winxml.h"
#include "syslog.h"
#include "nfdump.h"
#include "zeek.h"

#define JBUF (65536 + 64)
#define JTOKENS 4096            /* tokens of one JSON record: 80 KiB */
#define JSCRATCH 8192           /* decoded strings of one JSON record */
#define DAY_NS (86400 * DW_NS)
#define BACKWARDS_RESET 64
/* journal times must fall in 1990-01-01 .. 2101-01-01 */
#define TS_MIN (631152000LL * DW_NS)
#define TS_MAX (4133980800LL * DW_NS)

struct dw_parser {
	struct dw_parse_opts o;
	dw_event_fn fn;
	void *ctx;
	struct dw_parse_stats st;
	const char *file;
	int fmt;          /* --format, or DW_FMT_AUTO: every line sniffed */
	int64_t newest;   /* newest time of the current file, DW_TS_NONE at its start */
	int backwards;    /* time_backwards records in a row */
	struct dw_syslog_year yr;
	struct dw_sshd_conn *conn;
	struct dw_event ev;
	char *jbuf;
	struct dw_winxml_scratch wx; /* decoded XML entities of the current record */
	struct dw_json js;           /* the current JSON record's tokens (in jtok) */
	struct dw_json_tok *jtok;
	char *jscratch;              /* its decoded strings */
	const char *line;            /* the current raw line (for formats inside syslog) */
	size_t line_n;
	struct dw_zeek_tsv zt;       /* the current file's Zeek TSV header (column map) */
	struct dw_nfdump nf;         /* the current file's nfdump CSV header */
};

static const char *const format_names[DW_FMT__N] = {"auto",	  "syslog", "journal-json",
						    "win-xml", "netscaler", "zeek",
						    "nfdump"};

static const char *const unparsed_names[DW_UNP__N] = {
	"empty", "binary", "bad_header", "bad_time", "time_backwards", "bad_json", "truncated",
};

const char *dw_format_name(int format)
{
	return format >= 0 && format < DW_FMT__N ? format_names[format] : "unknown";
}

int dw_format_from_name(const char *name)
{
	for (int i = 0; i < DW_FMT__N; i++)
		if (strcmp(name, format_names[i]) == 0)
			return i;
	if (strcmp(name, "sshd") == 0)
		return DW_FMT_SYSLOG;
	if (strcmp(name, "journal") == 0 || strcmp(name, "json") == 0)
		return DW_FMT_JOURNAL_JSON;
	return -1;
}

const char *dw_unparsed_name(int reason)
{
	return reason >= 0 && reason < DW_UNP__N ? unparsed_names[reason] : "unknown";
}

/* Every event leaves through here. */
static void deliver(void *ctx, struct dw_event *e)
{
	struct dw_parser *p = ctx;

	p->st.events++;
	p->st.by_action[e->action < DW_ACT__N ? e->action : 0]++;
	p->st.by_log[e->log < DW_LOG__N ? e->log : 0]++;
	p->fn(p->ctx, e);
}

int dw_parser_new(struct dw_parser **out, const struct dw_parse_opts *o, dw_event_fn fn,
		  void *ctx)
{
	struct dw_parser *p;

	*out = NULL;
	p = calloc(1, sizeof(*p)); /* allocated only here, in _new */
	if (!p)
		return DW_ENOMEM;
	if (o)
		p->o = *o;
	if (p->o.format < 0 || p->o.format >= DW_FMT__N)
		p->o.format = DW_FMT_AUTO;
	p->fn = fn;
	p->ctx = ctx;
	p->jbuf = malloc(JBUF); /* once, in _new */
	p->jtok = malloc(JTOKENS * sizeof(*p->jtok));
	p->jscratch = malloc(JSCRATCH);
	if (!p->jbuf || !p->jtok || !p->jscratch ||
	    dw_sshd_conn_new(&p->conn, p->o.conn_cap, deliver, p, &p->st) != DW_OK) {
		free(p->jbuf);
		free(p->jtok);
		free(p->jscratch);
		free(p);
		return DW_ENOMEM;
	}
	dw_json_init(&p->js, p->jtok, JTOKENS);
	dw_parser_begin_file(p, NULL, 0);
	*out = p;
	return DW_OK;
}

void dw_parser_free(struct dw_parser *p)
{
	if (!p)
		return;
	dw_sshd_conn_free(p->conn);
	free(p->jbuf);
	free(p->jtok);
	free(p->jscratch);
	free(p);
}

void dw_parser_begin_file(struct dw_parser *p, const char *file, int64_t mtime)
{
	int fixed = p->o.year;

	p->file = file;
	p->fmt = p->o.format;
	p->newest = DW_TS_NONE;
	p->backwards = 0;
	dw_zeek_tsv_reset(&p->zt); /* column maps are per file */
	dw_nfdump_reset(&p->nf);
	if (mtime == 0) {
		/* standard input: the current year (or --year) */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		mtime = (int64_t)now.tv_sec * DW_NS;
		if (!fixed) {
			int y, mo, d, h, mi, s;
			dw_tm_to_civil(now.tv_sec, &y, &mo, &d, &h, &mi, &s);
			fixed = y;
		}
	}
	dw_syslog_year_begin(&p->yr, fixed, mtime);
}

const struct dw_parse_stats *dw_parser_stats(const struct dw_parser *p)
{
	return &p->st;
}

size_t dw_parser_memuse(const struct dw_parser *p)
{
	return sizeof(*p) + JBUF + JTOKENS * sizeof(*p->jtok) + JSCRATCH +
	       dw_sshd_conn_memuse(p->conn);
}

static void skip(struct dw_parser *p, int why)
{
	p->st.unparsed[why]++;
}

/* 1 if p[0..n) has a NUL or another control byte (TAB allowed) or DEL. */
static int has_ctl_scalar(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

#if defined(__SSE2__) && !defined(DW_NO_SIMD)
#include <emmintrin.h>
/*
 * 16 bytes at a time: a byte is a control byte when min(b, 0x1f) == b (an
 * unsigned b <= 0x1f) or b == 0x7f. Tabs are allowed, so a block that has
 * any is rechecked by the scalar twin (tests compare both on every input).
 */
static int has_ctl(const char *p, size_t n)
{
	const __m128i lim = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i ctl = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(b, lim), b),
					   _mm_cmpeq_epi8(b, del));
		if (_mm_movemask_epi8(ctl) && has_ctl_scalar(p + i, 16))
			return 1;
	}
	if (i < n && n >= 16) { /* the tail as one overlapping block */
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
		__m128i ctl = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(b, lim), b),
					   _mm_cmpeq_epi8(b, del));
		return _mm_movemask_epi8(ctl) && has_ctl_scalar(p + n - 16, 16);
	}
	return has_ctl_scalar(p + i, n - i);
}
#else
#define has_ctl has_ctl_scalar
#endif

/* For the tests: 1 if the SIMD and scalar control-byte scans disagree on p. */
int dw_parser_ctl_check(const char *p, size_t n)
{
	return has_ctl(p, n) != has_ctl_scalar(p, n);
}

/* The per-file time order check; updates the newest time. */
static int in_order(struct dw_parser *p, int64_t ts)
{
	if (p->newest != DW_TS_NONE && ts < p->newest - DAY_NS) {
		if (++p->backwards < BACKWARDS_RESET) {
			skip(p, DW_UNP_TIME_BACKWARDS);
			return 0;
		}
		p->newest = ts; /* the newest one was the outlier */
	}
	p->backwards = 0;
	if (p->newest == DW_TS_NONE || ts > p->newest)
		p->newest = ts;
	return 1;
}

/*
 * NetScaler records carry a "[N-]PPE-N" token (the packet engine); one
 * memmem over a line that is not sshd's rules out almost every other record
 * before the full header check.
 */
static int maybe_netscaler(const char *line, size_t n)
{
	const char *q = line, *end = line + n;

	/* memchr for the rare 'P': glibc's generic memmem costs ~10x more here */
	while ((q = memchr(q, 'P', (size_t)(end - q))) != NULL && end - q >= 4) {
		if (memcmp(q, "PPE-", 4) == 0)
			return dw_netscaler_sniff(line, n);
		q++;
	}
	return 0;
}

/*
 * A record of a format with its own full parser and a full date. No
 * time-order skip here: forwarded Windows events and appliance logs are
 * legitimately out of order by days (a machine that was offline), and a full
 * date cannot be a wrong year guess; the detectors count such events.
 */
static void whole_record(struct dw_parser *p, int rc, int why)
{
	if (rc != DW_OK) {
		skip(p, why);
		return;
	}
	if (p->ev.ts == DW_TS_NONE || p->ev.ts < TS_MIN || p->ev.ts >= TS_MAX) {
		skip(p, DW_UNP_BAD_TIME);
		return;
	}
	deliver(p, &p->ev);
}

/* A NetScaler record, natively framed or relayed through a syslog server. */
static void netscaler_line(struct dw_parser *p, const char *line, size_t n)
{
	struct dw_netscaler_opts no = {0};
	int why = DW_UNP_BAD_HEADER, rc;
	const char *file = p->ev.file;
	uint64_t ln = p->ev.line, off = p->ev.offset;
	uint32_t has = p->ev.has & (DW_EV_HAS_LINE | DW_EV_HAS_OFFSET);

	dw_event_clear(&p->ev); /* a relay's header must not leak into the event */
	p->ev.file = file;
	p->ev.line = ln;
	p->ev.offset = off;
	p->ev.has = has;
	no.utc_offset = p->o.utc_offset; /* zone-less stamps are appliance local time */
	rc = dw_netscaler_parse_opts(line, n, &p->ev, &why, &no);
	whole_record(p, rc, why);
}

/*
 * Cheap pre-check for an nfdump CSV header or trailer line, so that syslog
 * lines (the hot path) do not pay for dw_nfdump_control: a header opens with
 * a column name and a comma ("ts,te,...", "firstSeen,duration,..."), the
 * trailer of a table with "Summary".
 */
static int maybe_csv_control(const struct dw_nfdump *nf, const char *p, size_t n)
{
	size_t k, m = DW_MIN(n, 24);

	/* not a letter first (RFC 5424, JSON, XML), or "Mmm " (RFC 3164): no */
	if (n < 3 || !((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') || (n > 3 && p[3] == ' '))
		return 0;
	if (nf->mode && n >= 7 && memcmp(p, "Summary", 7) == 0)
		return 1;
	for (k = 0; k < m; k++) {
		unsigned char c = (unsigned char)p[k];
		if (c == ',')
			return k > 0;
		if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !dw_isdigit(c) && c != '_' &&
		    c != '%' && c != '.')
			return 0;
	}
	return 0;
}

/*
 * Flow logs. Header lines (Zeek "#fields", an nfdump CSV header, nfdump's
 * Summary trailer) give no event and are not counted as unparsed; a bad
 * Zeek header is bad_header. Records have full dates: no time-order skip.
 */
static void zeek_line(struct dw_parser *p, const char *line, size_t n)
{
	int why = DW_UNP_BAD_HEADER, rc;

	if (line[0] == '#') {
		if (dw_zeek_tsv_header(&p->zt, line, n) != DW_OK)
			skip(p, DW_UNP_BAD_HEADER);
		return;
	}
	rc = dw_zeek_tsv_parse(&p->zt, line, n, &p->ev, &why);
	whole_record(p, rc, why);
}

static void nfdump_line(struct dw_parser *p, const char *line, size_t n)
{
	int why = DW_UNP_BAD_HEADER, rc;

	if (dw_nfdump_control(&p->nf, line, n))
		return;
	rc = dw_nfdump_parse(&p->nf, line, n, p->o.utc_offset, &p->ev, &why);
	if (rc == DW_OK && !p->nf.mode)
		p->nf.mode = 1; /* a headerless (-q) table: its trailer is known too */
	whole_record(p, rc, why);
}

static void winxml_line(struct dw_parser *p, const char *line, size_t n)
{
	int why = DW_UNP_BAD_HEADER, rc = dw_winxml_parse_buf(line, n, &p->ev, &p->wx, &why);

	whole_record(p, rc, why);
}

/* The message of a record whose header is in p->ev: sshd or any other program. */
static void message(struct dw_parser *p, struct dw_slice msg)
{
	struct dw_event *ev = &p->ev;
	struct dw_sshd_msg m;

	if (dw_sshd_is_program(ev->program.p, ev->program.n)) {
		dw_sshd_classify(msg.p, msg.n, &m);
		dw_sshd_conn_line(p->conn, ev, &m);
		return;
	}
	if (maybe_netscaler(p->line, p->line_n)) {
		netscaler_line(p, p->line, p->line_n);
		return;
	}
	ev->log = DW_LOG_SYSLOG;
	ev->action = DW_ACT_OTHER;
	deliver(p, ev);
}

static void syslog_line(struct dw_parser *p, const char *line, size_t n)
{
	struct dw_syslog_hdr h;
	struct dw_event *ev = &p->ev;

	if (dw_syslog_parse(line, n, &h) != DW_OK) {
		if (maybe_netscaler(line, n))
			netscaler_line(p, line, n);
		else
			skip(p, h.why);
		return;
	}
	if (h.need_year) {
		if (dw_syslog_year_apply(&p->yr, &h, p->o.utc_offset) != DW_OK) {
			skip(p, h.why);
			return;
		}
	} else {
		dw_syslog_year_anchor(&p->yr, h.ts);
	}
	if (!in_order(p, h.ts))
		return;
	ev->ts = h.ts;
	ev->ts_prec = h.prec;
	ev->host = h.host;
	ev->program = h.program;
	if (h.has_pid) {
		ev->pid = h.pid;
		ev->has |= DW_EV_HAS_PID;
	}
	message(p, h.msg);
}

/*
 * The JSON formats of identity providers and Windows event shippers: the
 * record is tokenised once, then the first format whose match() accepts
 * the root object parses it. journalctl -o json keeps its own flat scanner
 * (journal.c), which is faster for its one-level records.
 */
static const struct {
	int (*match)(const struct dw_json *j);
	int (*parse)(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		     int *why);
} json_formats[] = {
	{dw_zeek_match, dw_zeek_parse},
	{dw_entra_match, dw_entra_parse},
	{dw_o365_match, dw_o365_parse},
	{dw_okta_match, dw_okta_parse},
	{dw_winjson_match, dw_winjson_parse},
};

static void journal_line(struct dw_parser *p, const char *line, size_t n);

static void json_line(struct dw_parser *p, const char *line, size_t n)
{
	int rc, why = DW_UNP_BAD_JSON;

	/*
	 * journalctl -o json starts every record with its "__" fields
	 * (__CURSOR, __REALTIME_TIMESTAMP): give those straight to its scanner
	 * instead of tokenising them twice. No other format has such keys.
	 */
	if (n > 4 && memcmp(line, "{\"__", 4) == 0) {
		journal_line(p, line, n);
		return;
	}
	rc = dw_json_parse(&p->js, line, n);
	if (rc != DW_OK) {
		journal_line(p, line, n); /* its scanner names the fault (truncated, bad_json) */
		return;
	}
	if (p->js.t[0].type != DW_JSON_OBJECT) {
		skip(p, DW_UNP_BAD_JSON);
		return;
	}
	if (dw_json_get(&p->js, 0, "__REALTIME_TIMESTAMP") >= 0 ||
	    dw_json_get(&p->js, 0, "MESSAGE") >= 0) {
		journal_line(p, line, n);
		return;
	}
	for (size_t k = 0; k < DW_ARRAY_LEN(json_formats); k++) {
		if (!json_formats[k].match(&p->js))
			continue;
		rc = json_formats[k].parse(&p->js, &p->ev, p->jscratch, JSCRATCH, &why);
		whole_record(p, rc, why);
		return;
	}
	skip(p, DW_UNP_BAD_HEADER); /* JSON, but of no format we read */
}

static void journal_line(struct dw_parser *p, const char *line, size_t n)
{
	struct dw_journal_rec r;
	struct dw_event *ev = &p->ev;

	if (dw_journal_parse(line, n, p->jbuf, JBUF, &r) != DW_OK) {
		skip(p, r.why);
		return;
	}
	if (r.ts == DW_TS_NONE || r.ts < TS_MIN || r.ts >= TS_MAX) {
		skip(p, DW_UNP_BAD_TIME);
		return;
	}
	if (!in_order(p, r.ts))
		return;
	ev->ts = r.ts;
	ev->ts_prec = 6;
	ev->host = dw_slice_make(r.host.p, DW_MIN(r.host.n, 255));
	ev->program = r.ident.n ? r.ident : r.comm;
	if (r.has_pid) {
		ev->pid = r.pid;
		ev->has |= DW_EV_HAS_PID;
	}
	message(p, r.msg);
}

void dw_parser_line(struct dw_parser *p, const char *line, size_t n, uint64_t lineno,
		    uint64_t offset)
{
	size_t i = 0;
	int fmt;

	p->st.records++;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == n) {
		skip(p, DW_UNP_EMPTY);
		return;
	}
	/*
	 * With --format auto each line is sniffed on its own (one byte decides
	 * for almost every line), so a file that mixes formats or starts with a
	 * stray line is still read; NetScaler records are recognised inside the
	 * syslog path.
	 */
	fmt = p->fmt;
	if (fmt == DW_FMT_AUTO) {
		if (line[i] == '{')
			fmt = DW_FMT_JOURNAL_JSON;
		else if (line[i] == '<' && dw_winxml_sniff(line + i, n - i))
			fmt = DW_FMT_WINXML;
		else if (line[i] == '#' && dw_zeek_tsv_is_header(line + i, n - i))
			fmt = DW_FMT_ZEEK;
		else if (dw_zeek_tsv_sniff(&p->zt, line + i, n - i))
			fmt = DW_FMT_ZEEK;
		else if (p->nf.mode == 2 || dw_nfdump_sniff(&p->nf, line + i, n - i) ||
			 (maybe_csv_control(&p->nf, line + i, n - i) &&
			  dw_nfdump_control(&p->nf, line + i, n - i)))
			fmt = DW_FMT_NFDUMP;
		else
			fmt = DW_FMT_SYSLOG;
	}
	/* XML renderings keep raw CRs inside values (python-evtx AccessList): only NUL is binary */
	if (fmt == DW_FMT_WINXML ? memchr(line, 0, n) != NULL : has_ctl(line, n)) {
		skip(p, DW_UNP_BINARY);
		return;
	}
	dw_event_clear(&p->ev);
	p->ev.file = p->file;
	p->ev.line = lineno;
	p->ev.offset = offset;
	p->ev.has = DW_EV_HAS_LINE | DW_EV_HAS_OFFSET;
	p->line = line;
	p->line_n = n;
	switch (fmt) {
	case DW_FMT_JOURNAL_JSON: json_line(p, line, n); break;
	case DW_FMT_WINXML: winxml_line(p, line + i, n - i); break;
	case DW_FMT_NETSCALER: netscaler_line(p, line, n); break;
	case DW_FMT_ZEEK:
		if (line[i] == '{')
			json_line(p, line, n);
		else
			zeek_line(p, line + i, n - i);
		break;
	case DW_FMT_NFDUMP: nfdump_line(p, line + i, n - i); break;
	default: syslog_line(p, line, n); break;
	}
}

void dw_parser_flush(struct dw_parser *p)
{
	dw_sshd_conn_flush(p->conn);
}

int dw_parser_save(const struct dw_parser *p, struct dw_sb *sb)
{
	return dw_sshd_conn_save(p->conn, sb);
}

int dw_parser_load(struct dw_parser *p, const void *blob, size_t n)
{
	return dw_sshd_conn_load(p->conn, blob, n);
}
