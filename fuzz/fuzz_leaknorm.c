/*
 * fuzz_leaknorm.c - libFuzzer target for the normal forms and column roles
 * of `dwell leak` (src/leak/norm.c, roles.c): the input, an exact-size heap
 * copy (ASan sees any read past it), goes through every normaliser and the
 * header and value role checks. Each result must fit DW_LEAK_NORM_MAX, be
 * valid UTF-8, and be stable: normalising a normal form gives it back
 * (e-mail, name, text), or at least the same matching key (phone: its last
 * nine digits); a violation aborts. Replayed by fuzz/onefile.c in
 * `make test`; run it with `make fuzz-run T=leaknorm SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "../src/leak/norm.h"
#include "../src/leak/roles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef size_t (*norm_fn)(const char *, size_t, char *);

static size_t email(const char *p, size_t n, char *out)
{
	size_t d = 0, k = dw_leak_norm_email(p, n, out, &d);

	if (k && (d == 0 || d >= k || out[d - 1] != '@'))
		abort();
	return k;
}

static void check(norm_fn fn, const char *p, size_t n, int stable)
{
	char a[DW_LEAK_NORM_MAX], b[DW_LEAK_NORM_MAX];
	size_t k = fn(p, n, a), k2;

	if (k > DW_LEAK_NORM_MAX || (k && u8_check((const uint8_t *)a, k) != NULL))
		abort();
	if (!k || !stable)
		return;
	k2 = fn(a, k, b);
	if (k2 != k || memcmp(a, b, k) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);
	char out[DW_LEAK_NORM_MAX];
	const char *key;
	struct dw_leak_votes v;
	struct dw_slice cell;
	int roles[1] = {0};
	size_t k;

	if (!p)
		return 0;
	memcpy(p, data, size);
	check(email, p, size, 1);
	check(dw_leak_norm_phone, p, size, 0);
	check(dw_leak_norm_name, p, size, 1);
	check(dw_leak_norm_company, p, size, 0); /* "acme co ltd" -> "acme co" -> "acme" */
	check(dw_leak_norm_text, p, size, 1);
	/* a phone's form may change once more ("0474..." -> "474..." -> "+1474...") but not its key */
	k = dw_leak_norm_phone(p, size, out);
	if (k) {
		char again[DW_LEAK_NORM_MAX];
		const char *key2;
		size_t kn = dw_leak_phone_key(out, k, &key), k2 = dw_leak_norm_phone(out, k, again);
		if (kn > 9 || key < out || key + kn > out + k || !k2 ||
		    dw_leak_phone_key(again, k2, &key2) != kn || memcmp(key, key2, kn) != 0)
			abort();
	}
	if (dw_leak_role_of_header(p, size) >= DW_LR__N)
		abort();
	memset(&v, 0, sizeof(v));
	cell = dw_slice_make(p, size);
	dw_leak_roles_sample(&v, &cell, 1);
	dw_leak_roles_decide(&v, roles, 1);
	if (roles[0] != DW_LR_NONE && roles[0] != DW_LR_EMAIL && roles[0] != DW_LR_PHONE)
		abort();
	free(p);
	return 0;
}
