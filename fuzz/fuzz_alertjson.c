/*
 * fuzz_alertjson.c - libFuzzer target for reading alerts back from a
 * database (src/store/alertjson.c), which must survive whatever a damaged
 * or tampered database holds: each input line is read as an alert; one
 * that is accepted is written, read again and written, read and written a
 * third time: the last two writings must be equal (once written by dwell,
 * an alert reads back as itself; the first writing may differ from a
 * hostile line, whose bad UTF-8 the writer replaces), then it is linked
 * into an incident builder. Replayed by fuzz/onefile.c in
 * `make test`; run it with `make fuzz-run T=alertjson SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/incident/incident.h"
#include "../src/store/alertjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dw_alertjson *r;
	struct dw_incidents *b;
	struct dw_sb s1, s2;
	const char *p = (const char *)data, *end = p + size;

	if (!r && dw_alertjson_new(&r) != DW_OK)
		return 0;
	if (dw_incidents_new(&b, 4) != DW_OK)
		return 0;
	dw_sb_init(&s1, 1 << 24);
	dw_sb_init(&s2, 1 << 24);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct dw_alert a, c;
		if (dw_alertjson_read(r, p, n, &a) == DW_OK) {
			dw_sb_reset(&s1);
			dw_sb_reset(&s2);
			dw_alert_json(&a, &s1);
			if (dw_alertjson_read(r, s1.p, s1.n, &c) != DW_OK)
				abort();
			dw_alert_json(&c, &s2);
			dw_alert_free(&c);
			dw_sb_reset(&s1);
			if (dw_alertjson_read(r, s2.p, s2.n, &c) != DW_OK)
				abort();
			dw_alert_json(&c, &s1);
			if (s1.n != s2.n || memcmp(s1.p, s2.p, s1.n) != 0)
				abort();
			dw_incidents_add(b, &a);
			dw_alert_free(&c);
			dw_alert_free(&a);
		}
		p += n + (nl ? 1 : 0);
	}
	dw_sb_reset(&s1);
	dw_incidents_json(b, &s1);
	dw_incidents_free(b);
	dw_sb_free(&s1);
	dw_sb_free(&s2);
	return 0;
}
