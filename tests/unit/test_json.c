/*
 * test_json.c - the JSON reader: lookups by key, path and index, escapes and
 * surrogates, numbers, and hostile input (bad grammar, depth, token cap,
 * every truncation of a real sign-in record); the SIMD string scan against
 * its scalar twin, and string edges at every offset of the 16-byte blocks.
 */
#include <stdlib.h>

#include "../../src/parse/json.h"
#include "../test.h"

#define CAP 256

static const char entra[] =
	"{\"time\":\"2019-03-07T18:02:11.5Z\",\"category\":\"SignInLogs\",\"properties\":{"
	"\"userPrincipalName\":\"Alice@Contoso.com\",\"ipAddress\":\"203.0.113.7\","
	"\"status\":{\"errorCode\":50126,\"failureReason\":\"Invalid \\\"password\\\"\"},"
	"\"authenticationDetails\":[{\"succeeded\":false},{\"succeeded\":true,\"step\":\"MFA\"}],"
	"\"clientAppUsed\":\"IMAP4\",\"resultType\":\"50126\",\"empty\":{},\"none\":[],"
	"\"x\":null,\"n\":-12.5e3}}";

DW_TEST(json_lookup)
{
	struct dw_json_tok t[CAP];
	struct dw_json j;
	char buf[64];
	int64_t v;
	int props, tok;

	dw_json_init(&j, t, CAP);
	DW_ASSERT(dw_json_parse(&j, entra, sizeof(entra) - 1) == DW_OK);
	props = dw_json_get(&j, 0, "properties");
	DW_ASSERT(props > 0);
	DW_ASSERT(dw_json_get(&j, 0, "userPrincipalName") < 0); /* not at the top */
	tok = dw_json_path(&j, 0, "properties.status.errorCode");
	DW_ASSERT(dw_json_i64(&j, tok, &v) == DW_OK && v == 50126);
	tok = dw_json_get(&j, props, "resultType");
	DW_ASSERT(dw_json_i64(&j, tok, &v) == DW_OK && v == 50126);
	tok = dw_json_path(&j, props, "authenticationDetails.1.step");
	DW_ASSERT(tok > 0);
	DW_ASSERT(dw_slice_eq(dw_json_str(&j, tok, buf, sizeof(buf)), "MFA"));
	DW_ASSERT(dw_json_path(&j, props, "authenticationDetails.2") < 0);
	tok = dw_json_path(&j, props, "status.failureReason");
	DW_ASSERT(dw_slice_eq(dw_json_str(&j, tok, buf, sizeof(buf)), "Invalid \"password\""));
	DW_ASSERT(dw_json_get_ci(&j, props, "CLIENTAPPUSED") > 0);
	DW_ASSERT(dw_json_get(&j, props, "CLIENTAPPUSED") < 0);
	/* lookups after empty containers and null still work: the skip is right */
	tok = dw_json_get(&j, props, "n");
	DW_ASSERT(dw_json_i64(&j, tok, &v) == DW_OK && v == -12);
	DW_ASSERT(j.t[dw_json_get(&j, props, "x")].type == DW_JSON_NULL);
	DW_ASSERT(j.t[0].next == j.n);
	DW_PASS();
}

DW_TEST(json_escapes_and_surrogates)
{
	struct dw_json_tok t[CAP];
	struct dw_json j;
	char buf[64];
	static const char s1[] = "[\"a\\u00e9b\",\"\\ud83d\\ude00\",\"\\ud800x\",\"\\/\\t\"]";
	struct dw_slice v;

	dw_json_init(&j, t, CAP);
	DW_ASSERT(dw_json_parse(&j, s1, sizeof(s1) - 1) == DW_OK);
	v = dw_json_str(&j, dw_json_index(&j, 0, 0), buf, sizeof(buf));
	DW_ASSERT(v.n == 4 && memcmp(v.p, "a\xc3\xa9" "b", 4) == 0);
	v = dw_json_str(&j, dw_json_index(&j, 0, 1), buf, sizeof(buf));
	DW_ASSERT(v.n == 4 && memcmp(v.p, "\xf0\x9f\x98\x80", 4) == 0);
	v = dw_json_str(&j, dw_json_index(&j, 0, 2), buf, sizeof(buf));
	DW_ASSERT(v.n == 4 && memcmp(v.p, "\xef\xbf\xbdx", 4) == 0);
	v = dw_json_str(&j, dw_json_index(&j, 0, 3), buf, sizeof(buf));
	DW_ASSERT(v.n == 2 && memcmp(v.p, "/\t", 2) == 0);
	/* decoding into a tiny buffer cuts, never overflows */
	v = dw_json_str(&j, dw_json_index(&j, 0, 1), buf, 3);
	DW_ASSERT(v.n == 0);
	DW_PASS();
}

DW_TEST(json_rejects_bad_input)
{
	struct dw_json_tok t[CAP];
	struct dw_json j;
	static const char *const bad[] = {
		"", "{", "}", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a:1}", "[01]", "[1.]", "[-]",
		"[\"\\x\"]", "[\"\\u12G4\"]", "[\"a\nb\"]", "[\"abc]", "{\"a\":1}{", "[1] x",
		"[tru]", "{\"a\":1,}", "[,1]", "{,}", "[1 2]", "{\"a\":1 \"b\":2}", "\"\\\"",
	};
	char deep[DW_JSON_DEPTH * 2 + 4];

	dw_json_init(&j, t, CAP);
	for (size_t i = 0; i < DW_ARRAY_LEN(bad); i++)
		if (dw_json_parse(&j, bad[i], strlen(bad[i])) == DW_OK)
			DW_FAIL("accepted: %s", bad[i]);
	memset(deep, '[', DW_JSON_DEPTH + 1);
	memset(deep + DW_JSON_DEPTH + 1, ']', DW_JSON_DEPTH + 1);
	DW_ASSERT(dw_json_parse(&j, deep, 2 * (DW_JSON_DEPTH + 1)) == DW_ERANGE);
	DW_ASSERT(dw_json_parse(&j, deep + 1, 2 * DW_JSON_DEPTH) == DW_OK);
	dw_json_init(&j, t, 3);
	DW_ASSERT(dw_json_parse(&j, "[1,2,3]", 7) == DW_ERANGE);
	DW_ASSERT(dw_json_parse(&j, "[1,2]", 5) == DW_OK);
	DW_ASSERT(dw_json_parse(&j, " \t{\"a\":\"\\\"\"}\r\n", 14) == DW_OK);
	DW_PASS();
}

/* Every prefix of a real record is rejected without reading past it (ASan checks). */
DW_TEST(json_every_truncation)
{
	struct dw_json_tok t[CAP];
	struct dw_json j;

	dw_json_init(&j, t, CAP);
	for (size_t n = 0; n < sizeof(entra) - 1; n++) {
		char *copy = malloc(n ? n : 1);
		DW_ASSERT(copy);
		memcpy(copy, entra, n);
		if (dw_json_parse(&j, copy, n) == DW_OK) {
			free(copy);
			DW_FAIL("accepted a prefix of %zu bytes", n);
		}
		free(copy);
	}
	DW_PASS();
}

/* Deterministic pseudo-random numbers (xorshift). */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* 1 if the SIMD and scalar string scans agree on b[0..n), copied to an exact-size block (ASan). */
static int scans_agree(const char *b, size_t n)
{
	char *copy = malloc(n ? n : 1);
	int bad;

	if (!copy)
		return 0;
	memcpy(copy, b, n);
	bad = dw_json_scan_check(copy, n);
	free(copy);
	return !bad;
}

/*
 * The SIMD string scan agrees with its scalar twin (offset of the closing
 * quote or -1, and the escape flag) from every start: every byte value at
 * every offset around the 16-byte blocks, escape pairs straddling a block
 * edge, strings that end at the end of the buffer, and random mixes.
 */
DW_TEST(json_scan_simd_equals_scalar)
{
	static const char *const pairs[] = {"\\\"", "\\\\", "\\u00e9", "\\uD83D", "\\u12G4", "\\x",
					    "\"\"", "\\\\\"", "\\/\\n", "\x1f\""};
	static const char alpha[] = "\"\\u0aF/bnrt\x01\x1f\x20\x7f\x80\xff";
	char buf[112];
	uint64_t s = 0x9e3779b97f4a7c15u;

	for (size_t n = 0; n <= 48; n++)
		for (size_t pos = 0; pos < n; pos++)
			for (int c = 0; c < 256; c++) {
				memset(buf, 'a', n);
				buf[pos] = (char)c;
				if (!scans_agree(buf, n))
					DW_FAIL("byte 0x%02x at %zu of %zu", c, pos, n);
			}
	for (size_t n = 1; n <= 70; n++)
		for (size_t pos = 0; pos < n; pos++)
			for (size_t k = 0; k < DW_ARRAY_LEN(pairs); k++) {
				size_t l = strlen(pairs[k]);
				memset(buf, 'a', n);
				memcpy(buf + pos, pairs[k], pos + l <= n ? l : n - pos); /* cut at the end */
				if (n > 40)
					buf[n - 1] = '"';
				if (!scans_agree(buf, n))
					DW_FAIL("\"%s\" at %zu of %zu", pairs[k], pos, n);
			}
	for (int r = 0; r < 4000; r++) {
		size_t n = (size_t)(rng_next(&s) % sizeof(buf));
		int uniform = r % 4 == 0;
		for (size_t i = 0; i < n; i++) {
			uint64_t x = rng_next(&s);
			if (uniform)
				buf[i] = (char)(x >> 8);
			else if (x % 4 == 0)
				buf[i] = alpha[(x >> 8) % (sizeof(alpha) - 1)];
			else
				buf[i] = (char)('a' + (x >> 8) % 26);
		}
		if (!scans_agree(buf, n))
			DW_FAIL("random string %d (%zu bytes)", r, n);
	}
	DW_PASS();
}

/* Escapes, bad bytes and the closing quote at every offset of a long string, in a whole parse. */
DW_TEST(json_string_edges_at_every_offset)
{
	struct dw_json_tok t[CAP];
	struct dw_json j;
	char doc[96];

	dw_json_init(&j, t, CAP);
	for (size_t k = 0; k + 4 < 48; k++) {
		size_t n;
		/* ["aaa\"aaa"]: the escaped quote does not end the string */
		memset(doc, 'a', sizeof(doc));
		doc[0] = '[';
		doc[1] = '"';
		doc[2 + k] = '\\';
		doc[3 + k] = '"';
		doc[50] = '"';
		doc[51] = ']';
		n = 52;
		DW_ASSERT(dw_json_parse(&j, doc, n) == DW_OK);
		DW_ASSERT(j.n == 2 && j.t[1].start == 2 && j.t[1].end == 50 && j.t[1].escaped);
		/* a raw control byte, or a bad escape, anywhere in it */
		doc[2 + k] = '\n';
		DW_ASSERT(dw_json_parse(&j, doc, n) == DW_EINVAL);
		doc[2 + k] = '\\';
		doc[3 + k] = 'x';
		DW_ASSERT(dw_json_parse(&j, doc, n) == DW_EINVAL);
		/* a plain quote ends it there; the text after it is then bad */
		doc[2 + k] = 'a';
		doc[3 + k] = '"';
		DW_ASSERT(dw_json_parse(&j, doc, n) == DW_EINVAL);
		/* "aaa" as the whole text, ending at the last byte, or cut before its quote */
		memset(doc, 'a', sizeof(doc));
		doc[0] = '"';
		doc[k + 1] = '"';
		DW_ASSERT(dw_json_parse(&j, doc, k + 2) == DW_OK);
		DW_ASSERT(j.n == 1 && j.t[0].end == k + 1 && !j.t[0].escaped);
		DW_ASSERT(dw_json_parse(&j, doc, k + 1) == DW_EINVAL);
		if (k >= 1) { /* "aaa\" runs into the end */
			doc[k] = '\\';
			DW_ASSERT(dw_json_parse(&j, doc, k + 2) == DW_EINVAL);
		}
	}
	DW_PASS();
}

/* dw_json_field: an exact key wins wherever it is, else the first that differs only in case. */
DW_TEST(json_field_exact_then_case)
{
	struct dw_json_tok t[CAP];
	struct dw_json j;
	static const char doc[] = "{\"userprincipalname\":1,\"USERPRINCIPALNAME\":2,"
				  "\"UserPrincipalName\":3,\"a\\u0062\":4,\"Ab\":5,\"n\":[]}";
	int64_t v;

	dw_json_init(&j, t, CAP);
	DW_ASSERT(dw_json_parse(&j, doc, sizeof(doc) - 1) == DW_OK);
	DW_ASSERT(dw_json_i64(&j, dw_json_field(&j, 0, "UserPrincipalName"), &v) == DW_OK && v == 3);
	DW_ASSERT(dw_json_i64(&j, dw_json_field(&j, 0, "USERPRINCIPALNAME"), &v) == DW_OK && v == 2);
	DW_ASSERT(dw_json_i64(&j, dw_json_field(&j, 0, "UserPrincipalNAME"), &v) == DW_OK && v == 1);
	DW_ASSERT(dw_json_i64(&j, dw_json_get_ci(&j, 0, "UserPrincipalName"), &v) == DW_OK && v == 1);
	DW_ASSERT(dw_json_i64(&j, dw_json_get(&j, 0, "UserPrincipalName"), &v) == DW_OK && v == 3);
	DW_ASSERT(dw_json_get(&j, 0, "userPrincipalName") < 0);
	/* a key with escapes is never matched by name: "ab" finds only "Ab" */
	DW_ASSERT(dw_json_i64(&j, dw_json_field(&j, 0, "ab"), &v) == DW_OK && v == 5);
	DW_ASSERT(dw_json_get(&j, 0, "ab") < 0);
	DW_ASSERT(dw_json_field(&j, 0, "missing") < 0);
	DW_ASSERT(dw_json_field(&j, 0, "") < 0);
	DW_ASSERT(dw_json_field(&j, -1, "n") < 0);
	DW_ASSERT(dw_json_field(&j, dw_json_field(&j, 0, "n"), "n") < 0); /* not an object */
	DW_ASSERT(dw_json_field(&j, 1, "n") < 0);			       /* a key token */
	DW_PASS();
}
