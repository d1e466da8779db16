/*
 * fuzz_netscaler.c - libFuzzer target for the NetScaler parser: the input is
 * split into lines (at '\n'); each line is sniffed and parsed from a heap
 * copy of exactly its length (so ASan sees any read past it), with the
 * default options and, for an input starting with 'D', DD/MM dates and a
 * +01:00 appliance zone. Every event is rendered as JSON, so slices that
 * point outside the line show up under ASan; field invariants are checked
 * and a violation aborts. Replayed by fuzz/onefile.c in `make test`; run it
 * with `make fuzz-run T=netscaler SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/sb.h"
#include "../src/parse/netscaler.h"
#include "../src/parse/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dw_sb sb;
static int sb_ready;

static void check(const struct dw_event *e, const char *p, size_t n)
{
	const struct dw_slice *s[] = {&e->host, &e->program, &e->user_raw, &e->target,
				      &e->user_agent, &e->session, &e->code};

	if (e->action >= DW_ACT__N || e->log != DW_LOG_NETSCALER || e->reason >= DW_RSN__N ||
	    e->count == 0 || e->user.n > DW_USER_MAX || e->ts == DW_TS_NONE ||
	    (e->assigned_ip.fam != 0 && e->assigned_ip.fam != 4 && e->assigned_ip.fam != 6))
		abort();
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i]->n && (s[i]->p < p || s[i]->p + s[i]->n > p + n))
			abort();
	dw_sb_reset(&sb);
	dw_event_json(e, &sb);
	if (sb.n == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	struct dw_netscaler_opts o = {0, 0};
	size_t off = 0;

	if (!sb_ready) {
		dw_sb_init(&sb, (size_t)1 << 20);
		sb_ready = 1;
	}
	if (size && d[0] == 'D') {
		o.dmy = 1;
		o.utc_offset = 3600;
	}
	while (off < size) {
		const char *nl = memchr(d + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (d + off)) : size - off;
		char *c = malloc(len ? len : 1);
		struct dw_event e;
		int why = -1, rc;

		if (!c)
			return 0;
		memcpy(c, d + off, len);
		(void)dw_netscaler_sniff(c, len);
		dw_event_clear(&e);
		rc = dw_netscaler_parse_opts(c, len, &e, &why, &o);
		if (rc == DW_OK)
			check(&e, c, len);
		else if (rc != DW_EINVAL || why < 0 || why >= DW_UNP__N)
			abort();
		free(c);
		off += len + (nl != NULL);
	}
	return 0;
}
