/*
 * cli.h - what the command-line files share: parsed options and the
 * summary/progress printers (summary.c).
 */
#ifndef DW_CLI_CLI_H
#define DW_CLI_CLI_H

#include <stdio.h>

#include "../detect/detect.h"
#include "../input/reader.h"
#include "../output/jsonl.h"
#include "../parse/parser.h"

enum { DW_CMD_SCAN = 1, DW_CMD_PARSE };

struct dw_cli_opts {
	int cmd;
	const char *config;
	const char **sets;
	size_t nsets;
	int format;
	int year;
	int follow;
	int quiet;
	int idle_exit_ms;
	size_t max_line;
	int32_t utc_offset; /* seconds east of UTC for RFC 3164 times */
	size_t conn_cap;    /* sshd connections tracked at once; 0 = default */
	const char *output;
	const char **paths;
	size_t npaths;
};

struct dw_cli_summary {
	const struct dw_reader *reader;
	const struct dw_parser *parser;
	const struct dw_detect *detect; /* NULL for parse */
	const struct dw_jsonl *alerts;
	int64_t ts_min, ts_max;
	double seconds;
};

/* Prints the end-of-run summary (inputs, events, unparsed, alerts, span). */
void dw_cli_summary(FILE *f, const struct dw_cli_summary *s);

/* Rewrites the progress line on stderr. */
void dw_cli_progress(const struct dw_reader *r, const struct dw_parser *p, double secs);

#endif
