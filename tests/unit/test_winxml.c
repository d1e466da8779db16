/*
 * test_winxml.c - the Windows event XML parser (src/parse/winxml.c) and its
 * code tables (src/parse/wincodes.c): the cases in tests/parse/winxml.cases
 * (format at the top of that file; every sample record must be there), and
 * hostile input: every prefix of every sample record in an exact-size heap
 * copy (ASan sees any read past the end), byte flips, garbage, 64 KiB
 * values, missing EventID, bad times.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../src/core/sb.h"
#include "../../src/parse/parser.h"
#include "../../src/parse/wincodes.h"
#include "../../src/parse/winxml.h"
#include "../test.h"

#define OUT_MAX 16384

static const char *const unp[DW_UNP__N] = {
	"empty", "binary", "bad_header", "bad_time", "time_backwards", "bad_json", "truncated",
};

/* Parses p[0..n) with a scratch buffer; writes the JSON (or "!reason") into out. */
static int render(const char *p, size_t n, char *out, size_t outsz)
{
	static struct dw_winxml_scratch sc; /* test only */
	struct dw_event e;
	struct dw_sb sb;
	int why = -1, r;

	dw_event_clear(&e);
	r = dw_winxml_parse_buf(p, n, &e, &sc, &why);
	if (r != DW_OK) {
		snprintf(out, outsz, "!%s", why >= 0 && why < DW_UNP__N ? unp[why] : "?");
		return r;
	}
	dw_sb_init(&sb, 1 << 20);
	dw_event_json(&e, &sb);
	snprintf(out, outsz, "%.*s", (int)sb.n, sb.p);
	dw_sb_free(&sb);
	return r;
}

/* Reads the non-comment, non-blank lines of the sample file; returns how many (max cap). */
static int sample_records(char **recs, size_t *lens, int cap)
{
	char path[512];
	FILE *f;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	int k = 0;

	snprintf(path, sizeof(path), "%s/samples/windows-security-xml.txt", dw_test_shared());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while ((n = getline(&line, &lcap, f)) > 0 && k < cap) {
		if (line[n - 1] == '\n')
			line[--n] = 0;
		if (n == 0 || line[0] == '#')
			continue;
		recs[k] = malloc((size_t)n); /* exact size: ASan catches overreads */
		if (!recs[k])
			break;
		memcpy(recs[k], line, (size_t)n);
		lens[k++] = (size_t)n;
	}
	free(line);
	fclose(f);
	return k;
}

static void free_records(char **recs, int k)
{
	for (int i = 0; i < k; i++)
		free(recs[i]);
}

DW_TEST(winxml_cases)
{
	FILE *f = fopen("tests/parse/winxml.cases", "r");
	char *line = NULL, *input = NULL, id[128] = "?", got[OUT_MAX];
	size_t lcap = 0, in = 0;
	ssize_t n;
	int state = 0, checked = 0, todo = 0, fails = 0, have_expect = 0;
	char expect[OUT_MAX];
	char *recs[64];
	size_t lens[64];
	int nrec;

	if (!f)
		DW_FAIL("cannot open tests/parse/winxml.cases (run from the repository root)");
	expect[0] = 0;
	while ((n = getline(&line, &lcap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = 0;
		if (state == 0) {
			if (n == 0 || strncmp(line, "## ", 3) == 0)
				continue;
			if (line[0] == '#') {
				if (strncmp(line, "# winxml-", 9) == 0)
					snprintf(id, sizeof(id), "%.100s", line + 2);
				continue;
			}
			free(input);
			input = malloc((size_t)n + 1);
			if (!input)
				break;
			memcpy(input, line, (size_t)n + 1);
			in = dw_test_unescape(input, (size_t)n);
			render(input, in, got, sizeof(got));
			have_expect = 0;
			state = 1;
			continue;
		}
		if (strcmp(line, "M") == 0 || strcmp(line, "X") == 0) {
			int same = have_expect && strcmp(expect, got) == 0;
			checked++;
			if (line[0] == 'X') {
				todo++;
				if (same) {
					if (!fails)
						snprintf(msg_, msgsz_, "%s: X case passes now: mark it M", id);
					fails++;
				} else {
					printf("# TODO %s: known gap\n", id);
				}
			} else if (!same) {
				if (!fails)
					snprintf(msg_, msgsz_, "%s: got\n%s\nexpected\n%s", id, got,
						 expect);
				fails++;
			}
			state = 0;
			continue;
		}
		snprintf(expect, sizeof(expect), "%s", line);
		have_expect = 1;
	}
	fclose(f);
	printf("# parse cases tests/parse/winxml.cases: %d checked, %d ok, %d todo\n", checked,
	       checked - todo - fails, todo);
	if (fails) {
		free(input);
		free(line);
		return 1;
	}
	/* every record of the sample file must be a case */
	nrec = sample_records(recs, lens, 64);
	if (nrec < 0) {
		printf("# winxml: %s/samples not found, sample coverage not checked\n",
		       dw_test_shared());
	} else {
		int missing = -1;
		for (int i = 0; i < nrec && missing < 0; i++) {
			int hit = 0;
			f = fopen("tests/parse/winxml.cases", "r");
			while (f && !hit && (n = getline(&line, &lcap, f)) > 0) {
				if (line[n - 1] == '\n')
					line[--n] = 0;
				n = (ssize_t)dw_test_unescape(line, (size_t)n);
				hit = (size_t)n == lens[i] && memcmp(line, recs[i], lens[i]) == 0;
			}
			if (f)
				fclose(f);
			if (!hit)
				missing = i;
		}
		free_records(recs, nrec);
		if (missing >= 0) {
			free(input);
			free(line);
			DW_FAIL("sample record %d is not in winxml.cases", missing + 1);
		}
		DW_ASSERT(nrec >= 16);
	}
	free(input);
	free(line);
	DW_ASSERT(checked >= 30);
	DW_PASS();
}

/* Every proper prefix of every sample record is refused, never read past its end. */
DW_TEST(winxml_truncated_every_byte)
{
	char *recs[64];
	size_t lens[64];
	int k = sample_records(recs, lens, 64), bad = 0;
	struct dw_event e;

	if (k < 0) {
		printf("# winxml: samples not found, skipped\n");
		DW_PASS();
	}
	for (int r = 0; r < k && !bad; r++) {
		int why;
		dw_event_clear(&e);
		if (dw_winxml_parse(recs[r], lens[r], &e, &why) != DW_OK)
			bad = 1000 + r;
		for (size_t len = 0; len < lens[r] && !bad; len++) {
			char *c = malloc(len ? len : 1);
			if (!c)
				break;
			memcpy(c, recs[r], len);
			dw_event_clear(&e);
			why = -1;
			if (dw_winxml_parse(c, len, &e, &why) == DW_OK)
				bad = 1 + r;
			else if (len > 8 && why != DW_UNP_TRUNCATED)
				bad = 1 + r; /* a cut record says so once the root is in view */
			(void)dw_winxml_sniff(c, len);
			free(c);
		}
	}
	free_records(recs, k);
	if (bad)
		DW_FAIL("record %d: a prefix was accepted or not called truncated", bad);
	DW_PASS();
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* Byte flips of the sample records and pure garbage: never a crash or overread. */
DW_TEST(winxml_garbage)
{
	char *recs[64];
	size_t lens[64];
	int k = sample_records(recs, lens, 64);
	uint32_t seed = 12345;
	struct dw_event e;
	struct dw_sb sb;
	static const char alpha[] = "<>/='\"& ;#xEventDataName:a0-\t";

	dw_sb_init(&sb, 1 << 20);
	for (int r = 0; r < k; r++) {
		for (int t = 0; t < 300; t++) {
			char *c = malloc(lens[r]);
			int why;
			if (!c)
				break;
			memcpy(c, recs[r], lens[r]);
			for (int f = 0; f < 1 + t % 8; f++)
				c[rnd(&seed) % lens[r]] = alpha[rnd(&seed) % (sizeof(alpha) - 1)];
			dw_event_clear(&e);
			if (dw_winxml_parse(c, lens[r], &e, &why) == DW_OK) {
				dw_sb_reset(&sb);
				dw_event_json(&e, &sb);
				DW_ASSERT(e.user.n <= DW_USER_MAX && e.log == DW_LOG_WIN);
			} else {
				DW_ASSERT(why >= 0 && why < DW_UNP__N);
			}
			free(c);
		}
	}
	for (int t = 0; t < 3000; t++) {
		size_t len = rnd(&seed) % 300;
		char *c = malloc(len ? len : 1);
		int why;
		if (!c)
			break;
		for (size_t i = 0; i < len; i++)
			c[i] = alpha[rnd(&seed) % (sizeof(alpha) - 1)];
		if (len > 6 && t % 2)
			memcpy(c, "<Event", 6);
		dw_event_clear(&e);
		if (dw_winxml_parse(c, len, &e, &why) == DW_OK) {
			dw_sb_reset(&sb);
			dw_event_json(&e, &sb);
		}
		free(c);
	}
	dw_sb_free(&sb);
	free_records(recs, k < 0 ? 0 : k);
	DW_PASS();
}

/* A record with 64 KiB values in the user, host, address and a field dwell ignores. */
DW_TEST(winxml_long_values)
{
	size_t big = 65536, cap = 5 * big + 1024, n = 0;
	char *p = malloc(cap), *out = malloc(OUT_MAX * 8);
	struct dw_event e;
	int why = -1;

	DW_ASSERT(p && out);
#define PUT(s) (memcpy(p + n, s, strlen(s)), n += strlen(s))
#define FILL(c) (memset(p + n, c, big), n += big)
	PUT("<Event><System><EventID>4625</EventID><TimeCreated SystemTime='2024-01-02T03:04:05Z'/>"
	    "<Computer>");
	FILL('h');
	PUT("</Computer></System><EventData><Data Name='TargetUserName'>");
	FILL('U');
	PUT("</Data><Data Name='ProcessName'>");
	FILL('&');
	PUT("</Data><Data Name='IpAddress'>");
	FILL('1');
	PUT("</Data><Data Name='Status'>0xc000006a</Data></EventData></Event>");
#undef PUT
#undef FILL
	dw_event_clear(&e);
	DW_ASSERT_EQ_INT(dw_winxml_parse(p, n, &e, &why), DW_OK);
	DW_ASSERT_EQ_INT(e.event_id, 4625);
	DW_ASSERT_EQ_INT(e.user.n, DW_USER_MAX);
	DW_ASSERT_EQ_INT(e.user_raw.n, big);
	DW_ASSERT_EQ_INT(e.host.n, 255);
	DW_ASSERT_EQ_INT(e.src_ip.fam, 0);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_BAD_PASSWORD);
	/* with a scratch buffer too small for the value: kept raw */
	{
		static struct dw_winxml_scratch sc;
		dw_event_clear(&e);
		DW_ASSERT_EQ_INT(dw_winxml_parse_buf(p, n, &e, &sc, &why), DW_OK);
		DW_ASSERT_EQ_INT(e.user_raw.n, big);
	}
	free(p);
	free(out);
	DW_PASS();
}

DW_TEST(winxml_refusals)
{
	char out[OUT_MAX];
	static const struct {
		const char *in, *want;
	} t[] = {
		{"", "!bad_header"},
		{"   ", "!bad_header"},
		{"Mar  7 18:53:20 host sshd[1]: x", "!bad_header"},
		{"{\"EventID\":4625}", "!bad_header"},
		{"<Events/>", "!bad_header"},
		{"<Event/>", "!bad_header"},
		{"<Event", "!bad_header"},
		{"<Event>", "!truncated"},
		{"<Event><System><EventID>4625</EventID></System></Event>", "!bad_time"},
		{"<Event><System><EventID>x</EventID><TimeCreated SystemTime='2024-01-02T03:04:05Z'/>"
		 "</System></Event>",
		 "!bad_header"},
		{"<Event><System><EventID>99999999999</EventID><TimeCreated "
		 "SystemTime='2024-01-02T03:04:05Z'/></System></Event>",
		 "!bad_header"},
		{"<Event><System><EventID>4625</EventID><TimeCreated SystemTime='2024-01-02T03:04:05Zjunk'/>"
		 "</System></Event>",
		 "!bad_time"},
		{"<Event><System><EventID>4625</EventID><TimeCreated SystemTime='1969-12-31T23:59:59Z'/>"
		 "</System></Event>",
		 "!bad_time"},
		{"<Event><System><EventID>4625</EventID><TimeCreated SystemTime='4042-01-02T03:04:05Z'/>"
		 "</System></Event>",
		 "!bad_time"},
		{"<Event><System><EventID>4625</EventID><TimeCreated SystemTime='2262-01-02T03:04:05Z'/>"
		 "</System></Event>",
		 "!bad_time"},
		{"<Event><System><EventID>4625</EventID><TimeCreated Time='2024-01-02T03:04:05Z'/>"
		 "</System></Event>",
		 "!bad_time"},
		{"<Event><System><EventID>4625</EventID><TimeCreated SystemTime='2024-01-02T03:04:05Z",
		 "!truncated"},
		{"<Event><!-- c --><System><EventID>4625</EventID><TimeCreated "
		 "SystemTime='2024-01-02T03:04:05Z'/></System></Event>",
		 "{\"ts\":\"2024-01-02T03:04:05Z\",\"log\":\"win\",\"action\":\"auth_failure\","
		 "\"reason\":\"noise\",\"event_id\":4625}"},
	};

	for (size_t i = 0; i < DW_ARRAY_LEN(t); i++) {
		size_t n = strlen(t[i].in);
		char *c = malloc(n ? n : 1);
		DW_ASSERT(c);
		memcpy(c, t[i].in, n);
		render(c, n, out, sizeof(out));
		free(c);
		if (strcmp(out, t[i].want) != 0)
			DW_FAIL("case %zu: got %s, expected %s", i, out, t[i].want);
	}
	DW_ASSERT(dw_winxml_sniff("<Event xmlns='x'>", 17));
	DW_ASSERT(dw_winxml_sniff("\xef\xbb\xbf <e:Event>", 14));
	DW_ASSERT(dw_winxml_sniff("<?xml version='1.0'?><Event>", 28));
	DW_ASSERT(!dw_winxml_sniff("<EventData>", 11));
	DW_ASSERT(!dw_winxml_sniff("Event", 5));
	DW_ASSERT(!dw_winxml_sniff("<Event", 6));
	DW_PASS();
}

/* Entities: decoded with a scratch buffer; without one the key is still that of the decoded name. */
DW_TEST(winxml_entities)
{
	static const char rec[] =
		"<Event><System><EventID>4771</EventID><TimeCreated SystemTime=\"2024-01-02T03:04:05Z\"/>"
		"</System><EventData><Data Name=\"TargetUserName\">A&amp;B&#39;s&#x263A;&bogus;&amp</Data>"
		"<Data Name=\"ServiceName\">krbtgt/&lt;X&gt;</Data><Data Name=\"Status\">0x18</Data>"
		"</EventData></Event>";
	static struct dw_winxml_scratch sc;
	struct dw_event e;
	int why;

	dw_event_clear(&e);
	DW_ASSERT_EQ_INT(dw_winxml_parse(rec, sizeof(rec) - 1, &e, &why), DW_OK);
	DW_ASSERT_EQ_STR(e.user_buf, "a&b's\xe2\x98\xba&bogus;&amp");
	DW_ASSERT(e.user_raw.n == 32 && memcmp(e.user_raw.p, "A&amp;B", 7) == 0);
	DW_ASSERT(e.target.n == 16 && memcmp(e.target.p, "krbtgt/&lt;X&gt;", 16) == 0);
	dw_event_clear(&e);
	DW_ASSERT_EQ_INT(dw_winxml_parse_buf(rec, sizeof(rec) - 1, &e, &sc, &why), DW_OK);
	DW_ASSERT_EQ_STR(e.user_buf, "a&b's\xe2\x98\xba&bogus;&amp");
	DW_ASSERT(e.user_raw.n == 19 && memcmp(e.user_raw.p, "A&B's\xe2\x98\xba&bogus;&amp", 19) == 0);
	DW_ASSERT(e.target.n == 10 && memcmp(e.target.p, "krbtgt/<X>", 10) == 0);
	DW_ASSERT_EQ_INT(e.reason, DW_RSN_BAD_PASSWORD);
	DW_PASS();
}

DW_TEST(wincodes_table)
{
	uint32_t v = 1;

	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc000006aU), DW_RSN_BAD_PASSWORD);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc0000064U), DW_RSN_UNKNOWN_USER);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc0000234U), DW_RSN_LOCKED);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc0000072U), DW_RSN_DISABLED);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc0000071U), DW_RSN_EXPIRED);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc0000193U), DW_RSN_EXPIRED);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc0000224U), DW_RSN_EXPIRED);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc000015bU), DW_RSN_RESTRICTION);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc0000070U), DW_RSN_RESTRICTION);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc0000133U), DW_RSN_NOISE);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc00000dcU), DW_RSN_NOISE);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_NTSTATUS, 0xc0001234U), DW_RSN_OTHER);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_KERBEROS, 0x18), DW_RSN_BAD_PASSWORD);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_KERBEROS, 0x6), DW_RSN_UNKNOWN_USER);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_KERBEROS, 0x12), DW_RSN_LOCKED);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_KERBEROS, 0x17), DW_RSN_EXPIRED);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_KERBEROS, 0x25), DW_RSN_NOISE);
	DW_ASSERT_EQ_INT(dw_wincodes_reason(DW_WINCODE_KERBEROS, 0x7), DW_RSN_OTHER);
	DW_ASSERT_EQ_STR(dw_wincodes_text(DW_WINCODE_KERBEROS, 0x18), "0x18");
	DW_ASSERT_EQ_STR(dw_wincodes_text(DW_WINCODE_KERBEROS, 0x44), "0x44");
	DW_ASSERT_EQ_STR(dw_wincodes_text(DW_WINCODE_NTSTATUS, 0xc000006aU), "0xc000006a");
	DW_ASSERT(dw_wincodes_text(DW_WINCODE_NTSTATUS, 0xc0001234U) == NULL);
	DW_ASSERT(dw_wincodes_parse("0xC000006A", 10, &v) == DW_OK && v == 0xc000006aU);
	DW_ASSERT(dw_wincodes_parse(" 0x00000018 ", 12, &v) == DW_OK && v == 0x18);
	DW_ASSERT(dw_wincodes_parse("0x100000000", 11, &v) != DW_OK);
	DW_ASSERT(dw_wincodes_parse("0x", 2, &v) != DW_OK);
	DW_ASSERT(dw_wincodes_parse("-", 1, &v) != DW_OK);
	DW_ASSERT(dw_wincodes_parse("4294967296", 10, &v) != DW_OK);
	DW_ASSERT_EQ_INT(dw_wincodes_field("TargetUserName", 14), DW_WINF_TARGET_USER);
	DW_ASSERT_EQ_INT(dw_wincodes_field("AuthenticationPackageName", 25), DW_WINF_AUTH_PACKAGE);
	DW_ASSERT_EQ_INT(dw_wincodes_field("targetusername", 14), -1);
	DW_ASSERT_EQ_STR(dw_wincodes_logon_type(10), "remote_interactive");
	DW_ASSERT(dw_wincodes_logon_type(6) == NULL && dw_wincodes_logon_type(99) == NULL);
	DW_ASSERT(dw_wincodes_noise_user(dw_slice_cstr("PC01$")));
	DW_ASSERT(dw_wincodes_noise_user(dw_slice_cstr("anonymous logon")));
	DW_ASSERT(dw_wincodes_noise_user(dw_slice_cstr("-")));
	DW_ASSERT(dw_wincodes_noise_user(dw_slice_cstr("")));
	DW_ASSERT(!dw_wincodes_noise_user(dw_slice_cstr("alice")));
	DW_PASS();
}
