/*
 * jsonl.c - alert writer (see jsonl.h). An alert larger than the buffer's
 * cap (lists are capped at 10,000 members of <= 256 bytes, so about 5 MiB
 * in the worst case) cannot happen; the 64 MiB cap is a backstop.
 */
#include "jsonl.h"

#include <string.h>

void dw_jsonl_init(struct dw_jsonl *w, FILE *out, int flush_each)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->flush_each = flush_each;
	dw_sb_init(&w->sb, (size_t)64 << 20);
}

void dw_jsonl_free(struct dw_jsonl *w)
{
	dw_sb_free(&w->sb);
}

static void count_kind(struct dw_jsonl *w, const char *kind)
{
	for (size_t i = 0; i < w->nkinds; i++)
		if (strcmp(w->kind[i], kind) == 0) {
			w->count[i]++;
			return;
		}
	if (w->nkinds < DW_JSONL_KINDS) {
		w->kind[w->nkinds] = kind;
		w->count[w->nkinds++] = 1;
	}
}

void dw_jsonl_emit(void *ctx, struct dw_alert *a)
{
	struct dw_jsonl *w = ctx;

	w->total++;
	count_kind(w, a->kind);
	if (w->failed)
		return;
	dw_sb_reset(&w->sb);
	dw_alert_json(a, &w->sb);
	dw_sb_putc(&w->sb, '\n');
	if (dw_sb_flush(&w->sb, w->out) != DW_OK || (w->flush_each && fflush(w->out) != 0))
		w->failed = 1;
}

struct dw_alert_sink dw_jsonl_sink(struct dw_jsonl *w)
{
	struct dw_alert_sink s = {dw_jsonl_emit, w};
	return s;
}
