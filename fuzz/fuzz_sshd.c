/*
 * fuzz_sshd.c - libFuzzer target for the parse layer: the input is split
 * into lines (at '\n') and fed to a fresh parser (format sniffed, year
 * inferred from a fixed mtime, a tiny connection table so eviction runs),
 * then flushed. Every delivered event is rendered as JSON, so slices that
 * point outside their buffers show up under ASan; field invariants are
 * checked and a violation aborts. An input that starts with "@2" is fed a
 * second time as a new file of the same parser (rotation: state carries
 * over). Replayed by fuzz/onefile.c in `make test`; run it with
 * `make fuzz-run T=sshd SECS=300` (uses -dict=fuzz/dict/sshd.dict).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/sb.h"
#include "../src/parse/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dw_sb sb;
static int sb_ready;

static void on_event(void *ctx, const struct dw_event *e)
{
	(void)ctx;
	if (e->action >= DW_ACT__N || e->log >= DW_LOG__N || e->reason >= DW_RSN__N ||
	    e->count == 0 || e->user.n > DW_USER_MAX || e->ts == DW_TS_NONE)
		abort();
	dw_sb_reset(&sb);
	dw_event_json(e, &sb);
	if (sb.n == 0)
		abort();
}

static void feed(struct dw_parser *p, const char *d, size_t n)
{
	uint64_t ln = 0;
	size_t off = 0;

	dw_parser_begin_file(p, "fuzz", 1718409600LL * 1000000000LL); /* 2024-06-15 */
	while (off < n) {
		const char *nl = memchr(d + off, '\n', n - off);
		size_t len = nl ? (size_t)(nl - (d + off)) : n - off;
		dw_parser_line(p, d + off, len, ++ln, off);
		off += len + (nl != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_parser *p = NULL;
	struct dw_parse_opts o = {0};
	const char *d = (const char *)data;

	if (!sb_ready) {
		dw_sb_init(&sb, (size_t)1 << 20);
		sb_ready = 1;
	}
	o.conn_cap = 8;
	if (dw_parser_new(&p, &o, on_event, NULL) != DW_OK)
		return 0;
	feed(p, d, size);
	if (size >= 2 && d[0] == '@' && d[1] == '2')
		feed(p, d, size);
	dw_parser_flush(p);
	dw_parser_free(p);
	return 0;
}
