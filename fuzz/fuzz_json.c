/*
 * fuzz_json.c - libFuzzer target for the JSON reader (src/parse/json.c):
 * each line of the input is tokenised; an accepted record has its token
 * invariants checked (bounds, sub-tree ends, sizes) and every string is
 * decoded and every object searched, so a bad skip or decode shows up under
 * ASan. Replayed by fuzz/onefile.c in `make test`; run it with
 * `make fuzz-run T=json SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/parse/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dw_json_tok toks[512];

static void check(const struct dw_json *j, size_t n)
{
	char buf[256];
	int64_t v;

	for (uint32_t i = 0; i < j->n; i++) {
		const struct dw_json_tok *t = &j->t[i];
		if (t->start > t->end || t->end > n || t->next <= i || t->next > j->n)
			abort();
		if (t->type != DW_JSON_OBJECT && t->type != DW_JSON_ARRAY && t->next != i + 1)
			abort();
		(void)dw_json_str(j, (int)i, buf, sizeof(buf));
		if (dw_json_i64(j, (int)i, &v) == DW_OK && t->type == DW_JSON_ARRAY)
			abort();
		if (t->type == DW_JSON_OBJECT) {
			(void)dw_json_get(j, (int)i, "a");
			(void)dw_json_get_ci(j, (int)i, "UserPrincipalName");
			(void)dw_json_path(j, (int)i, "a.0.b");
		}
		if (t->type == DW_JSON_ARRAY && t->size)
			if (dw_json_index(j, (int)i, t->size - 1) < 0)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_json j;
	const char *p = (const char *)data, *end = p + size;

	dw_json_init(&j, toks, sizeof(toks) / sizeof(toks[0]));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *copy = malloc(n ? n : 1); /* exact size: ASan sees any overread */
		if (!copy)
			return 0;
		memcpy(copy, p, n);
		if (dw_json_parse(&j, copy, n) == DW_OK)
			check(&j, n);
		free(copy);
		p += n + 1;
	}
	return 0;
}
