/*
 * fuzz_flow.c - libFuzzer target for the flow parsers (zeek.c, nfdump.c)
 * behind the parser's dispatch: the input is one file of lines (split at
 * '\n'), fed in order through one parser, so header lines ("#fields", an
 * nfdump CSV header, the Summary trailer) and the records they map meet.
 * The first byte picks the format (auto, zeek, nfdump) and a zone offset
 * for zone-less nfdump stamps. Each line is a heap copy of exactly its
 * length (ASan sees any read past it); every event is rendered as JSON and
 * the slices of flow events from TSV/CSV lines must point into the line
 * (or be a static "<state>+missed" code); a violation aborts. Replayed by
 * fuzz/onefile.c in `make test`; run it with `make fuzz-run T=flow SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/sb.h"
#include "../src/parse/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dw_sb sb;
static int sb_ready;
static const char *cur;
static size_t cur_n;

static void on_event(void *ctx, const struct dw_event *e)
{
	const struct dw_slice *s[] = {&e->protocol, &e->target, &e->session, &e->code};

	(void)ctx;
	if (e->action >= DW_ACT__N || e->log >= DW_LOG__N || e->count == 0 ||
	    e->ts == DW_TS_NONE)
		abort();
	if (e->action == DW_ACT_FLOW) {
		if (e->log != DW_LOG_ZEEK && e->log != DW_LOG_NETFLOW)
			abort();
		for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
			const struct dw_slice *x = s[i];
			if (!x->n || (cur_n && cur[0] == '{'))
				continue; /* JSON strings may be decoded into scratch */
			if (x == &e->code && x->n > 7 && memcmp(x->p + x->n - 7, "+missed", 7) == 0)
				continue;
			if (x->p < cur || x->p + x->n > cur + cur_n)
				abort();
		}
	}
	dw_sb_reset(&sb);
	dw_event_json(e, &sb);
	if (sb.n == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int fmts[3] = {DW_FMT_AUTO, DW_FMT_ZEEK, DW_FMT_NFDUMP};
	const char *d = (const char *)data;
	struct dw_parse_opts o = {0};
	struct dw_parser *p;
	size_t off = 0;
	uint64_t ln = 0;

	if (!sb_ready) {
		dw_sb_init(&sb, (size_t)1 << 20);
		sb_ready = 1;
	}
	if (size && (unsigned char)d[0] < 0x20) { /* a control byte picks the options */
		o.format = fmts[d[0] % 3];
		o.utc_offset = (d[0] & 4) ? -5 * 3600 : 0;
		off = 1;
	}
	o.conn_cap = 64;
	if (dw_parser_new(&p, &o, on_event, NULL) != DW_OK)
		return 0;
	dw_parser_begin_file(p, "fuzz", 0);
	while (off < size) {
		const char *nl = memchr(d + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (d + off)) : size - off;
		char *c = malloc(len ? len : 1);

		if (!c)
			break;
		memcpy(c, d + off, len);
		cur = c;
		cur_n = len;
		dw_parser_line(p, c, len, ++ln, off);
		free(c);
		off += len + (nl != NULL);
	}
	dw_parser_flush(p);
	dw_parser_free(p);
	return 0;
}
