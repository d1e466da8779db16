/*
 * test_parse_cases.c - runs the SSHGuard-style parser cases in
 * tests/parse/NAME.cases (format described at the top of each file): groups of
 * input lines fed in order through one parser, each line's delivered events
 * compared with the expected JSON lines, M (must match) or X (known gap,
 * printed as TODO; an X case that passes is an error so the list stays
 * true). Prints "# parse cases FILE: N checked, M ok, T todo".
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../src/core/sb.h"
#include "../../src/parse/parser.h"
#include "../test.h"

#define GOT_MAX 8192

struct run {
	struct dw_sb sb;
	char got[GOT_MAX]; /* events of the current case, '\n'-joined */
	size_t gn;
};

static void on_event(void *ctx, const struct dw_event *e)
{
	struct run *r = ctx;
	struct dw_event c = *e;

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
	char line[8192], input[8192], id[128] = "?", expect[GOT_MAX];
	size_t en = 0;
	int fails = 0, state = 0; /* 0: want input, 1: want expected/M/X */
	unsigned long lineno = 0;

	if (!f) {
		snprintf(msg, msgsz, "cannot open %s (run from the repository root)", path);
		return 1;
	}
	memset(&r, 0, sizeof(r));
	dw_sb_init(&r.sb, 1 << 20);
	o.year = 2024;
	while (fgets(line, sizeof(line), f)) {
		size_t n = chomp(line);
		lineno++;
		if (state == 0) {
			if (n == 0)
				continue;
			if (strncmp(line, "## ", 3) == 0) {
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
				if (strncmp(line, "# sshd-", 7) == 0)
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
			if (strcmp(input, "@flush") == 0) {
				dw_parser_flush(p);
			} else {
				size_t in = dw_test_unescape(input, strlen(input));
				dw_parser_begin_file(p, "sshd.cases", 0);
				dw_parser_line(p, input, in, lineno, 0);
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

DW_TEST(parse_cases_sshd)
{
	int checked = 0, todo = 0, fails;

	fails = run_cases("tests/parse/sshd.cases", &checked, &todo, msg_, msgsz_);
	printf("# parse cases tests/parse/sshd.cases: %d checked, %d ok, %d todo\n", checked,
	       checked - todo - fails, todo);
	if (fails)
		return 1;
	DW_ASSERT(checked >= 60);
	DW_PASS();
}
