/*
 * fuzz_dump.c - libFuzzer target for the leaked-dump reader (src/leak/dump.c,
 * dump_sql.c). The first byte picks the format (auto, csv, jsonl, sql) and
 * the second a record cap (16 B .. ~2 KiB) and read size, so the oversized,
 * skip and refill paths are reached with small inputs; the rest is the
 * dump, read from memory. Every row must have as many cells as there are
 * columns, every cell and name must be valid UTF-8 without NUL bytes; a
 * violation aborts. Replayed by fuzz/onefile.c in `make test`; run it with
 * `make fuzz-run T=dump SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/leak/dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_utf8(struct dw_slice s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;

	if (s.n && !s.p)
		abort();
	while (i < s.n) {
		unsigned c = p[i], k;
		if (c == 0)
			abort();
		if (c < 0x80) {
			i++;
			continue;
		}
		k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
		if (!k || c > 0xF4 || i + k > s.n)
			abort();
		for (unsigned j = 1; j < k; j++)
			if ((p[i + j] & 0xC0) != 0x80)
				abort();
		i += k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_dump_opts o = {0};
	struct dw_dump *d;
	const struct dw_slice *c, *nm;
	size_t n, rows = 0;
	int r;

	if (size < 2)
		return 0;
	o.fmt = data[0] & 3;
	o.max_record = 16 + (size_t)(data[1] & 0x3F) * 32;
	o.block = 16 + (size_t)(data[1] >> 6) * 100;
	if (dw_dump_open_mem_opts(&d, data + 2, size - 2, &o) != DW_OK)
		return 0;
	if (!dw_dump_describe(d)[0])
		abort();
	while ((r = dw_dump_next(d, &c, &n)) == 1) {
		size_t nc = dw_dump_columns(d, &nm);
		if (nc != n || n > 1024)
			abort();
		for (size_t i = 0; i < n; i++) {
			check_utf8(c[i]);
			check_utf8(nm[i]);
		}
		check_utf8(dw_dump_table(d));
		if (++rows > 10 * size + 10)
			abort();
	}
	if (r != 0)
		abort();
	dw_dump_close(d);
	return 0;
}
