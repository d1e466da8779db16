/*
 * test_json.c - the JSON reader: lookups by key, path and index, escapes and
 * surrogates, numbers, and hostile input (bad grammar, depth, token cap,
 * every truncation of a real sign-in record).
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
