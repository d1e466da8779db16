/*
 * fuzz_winxml.c - libFuzzer target for the Windows event XML parser: the
 * input is split into lines (at '\n') and each line is sniffed and parsed
 * (dw_winxml_parse, and dw_winxml_parse_buf with a scratch buffer), every
 * accepted event rendered as JSON so slices that point outside their
 * buffers show up under ASan; field invariants are checked and a violation
 * aborts. Each line is parsed from an exact-size heap copy, so a read past
 * the line's end is caught even in the middle of the input. Replayed by
 * fuzz/onefile.c in `make test`; run it with `make fuzz-run T=winxml SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/sb.h"
#include "../src/parse/parser.h"
#include "../src/parse/winxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dw_sb sb;
static int sb_ready;

static void check(const struct dw_event *e)
{
	if (e->action >= DW_ACT__N || e->log != DW_LOG_WIN || e->reason >= DW_RSN__N ||
	    e->count == 0 || e->user.n > DW_USER_MAX || e->ts == DW_TS_NONE ||
	    !(e->has & DW_EV_HAS_EVENT_ID) || e->host.n > 255 || e->ts_prec > 9)
		abort();
	dw_sb_reset(&sb);
	dw_event_json(e, &sb);
	if (sb.n == 0)
		abort();
}

static void line(const char *d, size_t n)
{
	static struct dw_winxml_scratch sc;
	struct dw_event e;
	char *c = malloc(n ? n : 1);
	int why = -1;

	if (!c)
		return;
	memcpy(c, d, n);
	(void)dw_winxml_sniff(c, n);
	dw_event_clear(&e);
	if (dw_winxml_parse(c, n, &e, &why) == DW_OK)
		check(&e);
	else if (why < 0 || why >= DW_UNP__N)
		abort();
	dw_event_clear(&e);
	why = -1;
	if (dw_winxml_parse_buf(c, n, &e, &sc, &why) == DW_OK)
		check(&e);
	else if (why < 0 || why >= DW_UNP__N)
		abort();
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	size_t off = 0;

	if (!sb_ready) {
		dw_sb_init(&sb, (size_t)1 << 20);
		sb_ready = 1;
	}
	while (off < size) {
		const char *nl = memchr(d + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (d + off)) : size - off;
		line(d + off, len);
		off += len + (nl != NULL);
	}
	return 0;
}
