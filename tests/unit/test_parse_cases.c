/*
 * test_parse_cases.c - the parser cases of tests/parse/NAME.cases and the
 * coverage of the shared sample files.
 *
 * Cases (format at the top of sshd.cases; one test per file below,
 * parse_cases_NAME): groups of input lines fed in order through one
 * parser, each line's delivered events compared with the expected JSON
 * lines, M (must match) or X (known gap, printed as TODO; an X case that
 * passes is an error so the list stays true). Case ids are "# NAME-..."
 * lines. An expectation "! reason" means the record gives no event and is
 * counted as unparsed for that reason (a record refused on purpose).
 * Every case starts a new input file (dw_parser_begin_file), except in a
 * group whose "## " title has "[one file]": its lines are one file, so
 * per-file state (a Zeek "#fields" column map) carries from case to case.
 * Prints "# parse cases FILE: N checked, M ok, T todo".
 *
 * Sample coverage (the issue: every record of ../shared/samples/ parses into
 * an event with ts and action, or is documented as deliberately ignored):
 * every file of that directory must be listed in samples[] below, either
 * with the cases file that holds every one of its records (a record is a
 * line that is neither blank nor a '#' comment; it must be an input line of
 * the cases file, byte for byte after "\xHH" unescaping), or as not read
 * yet, with the reason. A file listed as not read must still give no event
 * at all, so that a parser which starts reading it fails this test until its
 * cases are written.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../src/core/sb.h"
#include "../../src/parse/parser.h"
#include "../test.h"

#define GOT_MAX 8192
#define LINE_MAX_ 16384

struct run {
	struct dw_sb sb;
	char got[GOT_MAX]; /* events of the current case, '\n'-joined */
	size_t gn;
	int events;
};

static void on_event(void *ctx, const struct dw_event *e)
{
	struct run *r = ctx;
	struct dw_event c = *e;

	r->events++;
	c.file = NULL;
	c.has &= ~(uint32_t)(DW_EV_HAS_LINE | DW_EV_HAS_OFFSET);
	dw_sb_reset(&r->sb);
	dw_event_json(&c, &r->sb);
	if (r->gn && r->gn < GOT_MAX - 1)
		r->got[r->gn++] = '\n';
	for (size_t i = 0; i < r->sb.n && r->gn < GOT_MAX - 1; i++)
		r->got[r->gn++] = r->sb.p[i];
	r->got[r->gn] = 0;
}

static size_t chomp(char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		s[--n] = 0;
	return n;
}

/* "tests/parse/okta.cases" -> "# okta-": the start of the id comments of that file. */
static void id_prefix(const char *path, char *out, size_t cap)
{
	const char *b = strrchr(path, '/'), *dot;

	b = b ? b + 1 : path;
	dot = strrchr(b, '.');
	snprintf(out, cap, "# %.*s-", (int)(dot ? (size_t)(dot - b) : strlen(b)), b);
}

/*
 * Runs one cases file. Returns the number of failures; *checked, *todo are
 * counted; the first failure is described in msg.
 */
static int run_cases(const char *path, int *checked, int *todo, char *msg, size_t msgsz)
{
	FILE *f = fopen(path, "r");
	struct run r;
	struct dw_parser *p = NULL;
	struct dw_parse_opts o = {0};
	static char line[LINE_MAX_], input[LINE_MAX_], expect[GOT_MAX];
	char id[128] = "?", pfx[64];
	size_t en = 0, pn;
	int fails = 0, state = 0; /* 0: want input, 1: want expected/M/X */
	int onefile = 0, fresh = 1; /* group is one input file; its first case not yet read */
	unsigned long lineno = 0;

	if (!f) {
		snprintf(msg, msgsz, "cannot open %s (run from the repository root)", path);
		return 1;
	}
	id_prefix(path, pfx, sizeof(pfx));
	pn = strlen(pfx);
	memset(&r, 0, sizeof(r));
	dw_sb_init(&r.sb, 1 << 20);
	o.year = 2024;
	while (fgets(line, sizeof(line), f)) {
		size_t n = chomp(line);
		lineno++;
		if (n == sizeof(line) - 1) {
			snprintf(msg, msgsz, "%s:%lu: line longer than %d bytes", path, lineno,
				 LINE_MAX_ - 2);
			fails++;
			break;
		}
		if (state == 0) {
			if (n == 0)
				continue;
			if (strncmp(line, "## ", 3) == 0) {
				onefile = strstr(line, "[one file]") != NULL;
				fresh = 1;
				if (p)
					dw_parser_free(p);
				p = NULL;
				if (dw_parser_new(&p, &o, on_event, &r) != DW_OK) {
					snprintf(msg, msgsz, "out of memory");
					fails++;
					break;
				}
				continue;
			}
			if (line[0] == '#') {
				if (strncmp(line, pfx, pn) == 0)
					snprintf(id, sizeof(id), "%.100s", line + 2);
				continue;
			}
			if (!p) {
				snprintf(msg, msgsz, "%s:%lu: case before the first group", path, lineno);
				fails++;
				break;
			}
			snprintf(input, sizeof(input), "%s", line);
			r.gn = 0;
			r.got[0] = 0;
			r.events = 0;
			if (strcmp(input, "@flush") == 0) {
				dw_parser_flush(p);
			} else {
				size_t in = dw_test_unescape(input, strlen(input));
				uint64_t before[DW_UNP__N];

				memcpy(before, dw_parser_stats(p)->unparsed, sizeof(before));
				if (!onefile || fresh)
					dw_parser_begin_file(p, "case", 0);
				fresh = 0;
				dw_parser_line(p, input, in, lineno, 0);
				for (int k = 0; k < DW_UNP__N && r.events == 0; k++)
					if (dw_parser_stats(p)->unparsed[k] != before[k])
						snprintf(r.got, sizeof(r.got), "! %s",
							 dw_unparsed_name(k));
			}
			en = 0;
			expect[0] = 0;
			state = 1;
			continue;
		}
		if (strcmp(line, "M") == 0 || strcmp(line, "X") == 0) {
			int same = strcmp(expect, r.got) == 0;
			(*checked)++;
			if (line[0] == 'X') {
				(*todo)++;
				if (same) {
					if (!fails)
						snprintf(msg, msgsz, "%s: X case passes now: mark it M", id);
					fails++;
				} else {
					printf("# TODO %s: known gap\n", id);
				}
			} else if (!same) {
				if (!fails)
					snprintf(msg, msgsz, "%s: got\n%s\nexpected\n%s", id,
						 r.got[0] ? r.got : "-", expect);
				else
					printf("# FAIL %s\n", id);
				fails++;
			}
			state = 0;
			continue;
		}
		if (strcmp(line, "-") == 0)
			continue;
		if (en && en < sizeof(expect) - 1)
			expect[en++] = '\n';
		for (size_t i = 0; i < n && en < sizeof(expect) - 1; i++)
			expect[en++] = line[i];
		expect[en] = 0;
	}
	if (state == 1 && !fails) {
		snprintf(msg, msgsz, "%s: ends inside case %s", path, id);
		fails++;
	}
	fclose(f);
	dw_parser_free(p);
	dw_sb_free(&r.sb);
	return fails;
}

/* Runs a cases file as one test; at least `min` cases must be checked. */
static int case_file(const char *path, int min, char *msg_, size_t msgsz_)
{
	int checked = 0, todo = 0, fails;

	fails = run_cases(path, &checked, &todo, msg_, msgsz_);
	printf("# parse cases %s: %d checked, %d ok, %d todo\n", path, checked,
	       checked - todo - fails, todo);
	if (fails) {
		if (fails > 1) {
			size_t l = strlen(msg_);
			snprintf(msg_ + l, msgsz_ - l, "\n(%d failing cases in %s)", fails, path);
		}
		return 1;
	}
	DW_ASSERT(checked >= min);
	DW_PASS();
}

DW_TEST(parse_cases_sshd)
{
	return case_file("tests/parse/sshd.cases", 60, msg_, msgsz_);
}

DW_TEST(parse_cases_entra)
{
	return case_file("tests/parse/entra.cases", 6, msg_, msgsz_);
}

DW_TEST(parse_cases_o365)
{
	return case_file("tests/parse/o365.cases", 9, msg_, msgsz_);
}

DW_TEST(parse_cases_okta)
{
	return case_file("tests/parse/okta.cases", 7, msg_, msgsz_);
}

DW_TEST(parse_cases_winjson)
{
	return case_file("tests/parse/winjson.cases", 10, msg_, msgsz_);
}

DW_TEST(parse_cases_zeek)
{
	return case_file("tests/parse/zeek.cases", 20, msg_, msgsz_);
}

DW_TEST(parse_cases_nfdump)
{
	return case_file("tests/parse/nfdump.cases", 8, msg_, msgsz_);
}

/*
 * Every file of ../shared/samples/: the cases file holding all its records,
 * or (cases NULL) why it is not read yet. bom: the file writes the UTF-8
 * byte-order mark as the token "BOM" (its own convention; the cases file has
 * the bytes, as \xEF\xBB\xBF).
 */
static const struct {
	const char *sample, *cases, *not_read;
	int bom;
} samples[] = {
	{"sshd-syslog.txt", "tests/parse/sshd.cases", NULL, 1},
	{"windows-security-xml.txt", "tests/parse/winxml.cases", NULL, 0},
	{"citrix-netscaler-syslog.txt", "tests/parse/netscaler.cases", NULL, 0},
	{"entra-signin.txt", "tests/parse/entra.cases", NULL, 0},
	{"o365-ual-azuread-logon.txt", "tests/parse/o365.cases", NULL, 0},
	{"okta-systemlog.txt", "tests/parse/okta.cases", NULL, 0},
	{"windows-evtx-dump-json.txt", "tests/parse/winjson.cases", NULL, 0},
	{"winlogbeat-ecs-json.txt", "tests/parse/winjson.cases", NULL, 0},
	{"zeek_conn.txt", "tests/parse/zeek.cases", NULL, 0},
	{"netflow.txt", "tests/parse/nfdump.cases", NULL, 0},
};

/* Replaces each "BOM" in s[0..n) by the three bytes EF BB BF (same length); returns n. */
static size_t bom_bytes(char *s, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++)
		if (memcmp(s + i, "BOM", 3) == 0)
			memcpy(s + i, "\xEF\xBB\xBF", 3);
	return n;
}

/* 1 if rec[0..n) is a line of the cases file (after unescaping), 0 if not, -1 if unreadable. */
static int in_cases(const char *cases, const char *rec, size_t n)
{
	static char line[LINE_MAX_];
	FILE *f = fopen(cases, "r");
	int hit = 0;

	if (!f)
		return -1;
	while (!hit && fgets(line, sizeof(line), f)) {
		size_t m = chomp(line);
		m = dw_test_unescape(line, m);
		hit = m == n && memcmp(line, rec, n) == 0;
	}
	fclose(f);
	return hit;
}

static void count_event(void *ctx, const struct dw_event *e)
{
	(void)e;
	(*(int *)ctx)++;
}

/*
 * Checks one sample file: every record is in its cases file, or (not read)
 * no line of it gives an event. Returns 0 or 1 with msg set; *recs counts.
 */
static int check_sample(size_t si, int *recs, char *msg, size_t msgsz)
{
	static char line[LINE_MAX_];
	char path[1024];
	FILE *f;
	unsigned long lineno = 0;
	int bad = 0, events = 0;
	struct dw_parser *p = NULL;
	struct dw_parse_opts o = {0};

	snprintf(path, sizeof(path), "%s/samples/%s", dw_test_shared(), samples[si].sample);
	f = fopen(path, "r");
	if (!f) {
		snprintf(msg, msgsz, "cannot open %s", path);
		return 1;
	}
	if (!samples[si].cases) {
		o.year = 2024;
		if (dw_parser_new(&p, &o, count_event, &events) != DW_OK) {
			fclose(f);
			snprintf(msg, msgsz, "out of memory");
			return 1;
		}
		dw_parser_begin_file(p, samples[si].sample, 0);
	}
	*recs = 0;
	while (!bad && fgets(line, sizeof(line), f)) {
		size_t n = chomp(line);
		int hit;

		lineno++;
		if (p) {
			dw_parser_line(p, line, n, lineno, 0);
			continue;
		}
		if (n == 0 || line[0] == '#')
			continue;
		(*recs)++;
		if (samples[si].bom)
			n = bom_bytes(line, n);
		hit = in_cases(samples[si].cases, line, n);
		if (hit < 0) {
			snprintf(msg, msgsz, "cannot open %s", samples[si].cases);
			bad = 1;
		} else if (!hit) {
			snprintf(msg, msgsz, "%s line %lu is not a case of %s: %.80s...", path,
				 lineno, samples[si].cases, line);
			bad = 1;
		}
	}
	fclose(f);
	if (p) {
		dw_parser_flush(p);
		dw_parser_free(p);
		if (events) {
			snprintf(msg, msgsz,
				 "%s is listed as not read (%s) but gives %d events: write its cases",
				 path, samples[si].not_read, events);
			bad = 1;
		}
	}
	if (!bad && samples[si].cases && *recs == 0) {
		snprintf(msg, msgsz, "%s: no records", path);
		bad = 1;
	}
	return bad;
}

DW_TEST(parse_cases_sample_coverage)
{
	char dir[1024];
	DIR *d;
	struct dirent *de;
	int listed = 0;

	snprintf(dir, sizeof(dir), "%s/samples", dw_test_shared());
	d = opendir(dir);
	if (!d)
		DW_FAIL("cannot open %s (set DWELL_SHARED)", dir);
	/* every file there is in samples[] */
	while ((de = readdir(d)) != NULL) {
		size_t i;

		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < DW_ARRAY_LEN(samples); i++)
			if (strcmp(de->d_name, samples[i].sample) == 0)
				break;
		if (i == DW_ARRAY_LEN(samples)) {
			snprintf(msg_, msgsz_,
				 "%s/%s is not in samples[] of test_parse_cases.c: add its cases "
				 "file, or say why it is not read",
				 dir, de->d_name);
			closedir(d);
			return 1;
		}
		listed++;
	}
	closedir(d);
	DW_ASSERT_EQ_INT(listed, DW_ARRAY_LEN(samples));
	for (size_t i = 0; i < DW_ARRAY_LEN(samples); i++) {
		int recs = 0;

		if (check_sample(i, &recs, msg_, msgsz_))
			return 1;
		if (samples[i].cases)
			printf("# samples/%s: %d records, all in %s\n", samples[i].sample, recs,
			       samples[i].cases);
		else
			printf("# samples/%s: not read yet (%s); gives no event\n",
			       samples[i].sample, samples[i].not_read);
	}
	DW_PASS();
}
