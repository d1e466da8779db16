/*
 * journal.h - one record of `journalctl -o json` (one JSON object per line):
 * a strict, allocation-free scanner that picks the few fields dwell needs.
 *
 * Fields: __REALTIME_TIMESTAMP (microseconds, as a string or a number;
 * _SOURCE_REALTIME_TIMESTAMP when it is missing), _HOSTNAME,
 * SYSLOG_IDENTIFIER (else _COMM), _PID (else SYSLOG_PID) and MESSAGE, which
 * journalctl writes as a string, as an array of byte values when the text is
 * not valid UTF-8, or as null. Every other member is validated and skipped.
 * Nesting deeper than DW_JOURNAL_DEPTH is refused (journal records are flat).
 */
#ifndef DW_PARSE_JOURNAL_H
#define DW_PARSE_JOURNAL_H

#include "../core/dw.h"

#define DW_JOURNAL_DEPTH 16

struct dw_journal_rec {
	int64_t ts;        /* ns UTC; DW_TS_NONE if the record has none */
	struct dw_slice host, ident, comm, msg;
	uint32_t pid;
	uint8_t has_pid;
	uint8_t cut;       /* a decoded field did not fit the scratch buffer and was shortened */
	int why;           /* enum dw_unparsed when dw_journal_parse fails */
};

/*
 * Parses the JSON object p[0..n) (borrowed). Decoded strings are written to
 * buf[0..bufsz) (the caller's scratch, reused per record) and r's slices
 * point there; they are valid until the next call with the same buf.
 * Returns DW_OK, or DW_EINVAL with r->why = DW_UNP_BAD_JSON (malformed) or
 * DW_UNP_TRUNCATED (the input ended inside the object).
 */
int dw_journal_parse(const char *p, size_t n, char *buf, size_t bufsz,
		     struct dw_journal_rec *r) DW_WUR;

#endif
