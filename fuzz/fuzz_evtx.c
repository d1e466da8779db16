/*
 * fuzz_evtx.c - libFuzzer target for the .evtx decoder (src/parse/evtx.c,
 * binxml.c). An input starting with "ElfFile" is a file image; anything
 * else is read as one chunk image (the corpus holds real chunks cut at
 * their free-space offset, so the BinXML is what mutates; a broken chunk
 * CRC only switches the decoder to record recovery). Each input is decoded
 * twice from an exact-size heap copy - dwell's fields only, then every
 * EventData pair - every event rendered as JSON so a slice pointing
 * outside its buffer shows up under ASan; event invariants are checked and
 * a violation aborts. Replayed by fuzz/onefile.c in `make test`; run it
 * with `make fuzz-run T=evtx SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/sb.h"
#include "../src/parse/evtx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct st {
	struct dw_evtx *x;
	struct dw_sb sb;
	long n;
};

static void on_event(void *ctx, const struct dw_event *e)
{
	struct st *s = ctx;
	const struct dw_evtx_pair *p;
	size_t np = dw_evtx_pairs(s->x, &p);
	const struct dw_win_fields *f = dw_evtx_fields(s->x);

	if (e->action >= DW_ACT__N || e->log != DW_LOG_WIN || e->reason >= DW_RSN__N ||
	    e->count == 0 || e->user.n > DW_USER_MAX || e->ts == DW_TS_NONE || e->host.n > 255 ||
	    e->ts_prec > 9)
		abort();
	dw_sb_reset(&s->sb);
	dw_event_json(e, &s->sb);
	if (s->sb.n == 0)
		abort();
	for (size_t i = 0; i < np; i++) {
		dw_sb_json_str(&s->sb, p[i].name.p, p[i].name.n);
		dw_sb_json_str(&s->sb, p[i].value.p, p[i].value.n);
	}
	dw_sb_json_str(&s->sb, f->provider.p ? f->provider.p : "", f->provider.n);
	dw_sb_json_str(&s->sb, f->channel.p ? f->channel.p : "", f->channel.n);
	s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct st s;
	static int ready;
	uint8_t *c = malloc(size ? size : 1);
	struct dw_evtx_stats st;

	if (!c)
		return 0;
	if (!ready) {
		dw_sb_init(&s.sb, (size_t)4 << 20);
		ready = 1;
	}
	memcpy(c, data, size);
	for (int all = 0; all < 2; all++) {
		if (dw_evtx_open(&s.x, c, size) != DW_OK)
			break;
		dw_evtx_set_all(s.x, all);
		s.n = 0;
		while (dw_evtx_next(s.x, on_event, &s))
			;
		dw_evtx_get_stats(s.x, &st);
		if ((long)st.records != s.n || st.recovered_records > st.records ||
		    st.bad_template + st.limit > st.bad_binxml)
			abort();
		dw_evtx_free(s.x);
	}
	free(c);
	return 0;
}
