/*
 * run.c - the unit-test runner. Usage: run [name-substring]. Prints
 * "ok N name" or "not ok N name: message" per test and a "# unit: P passed,
 * F failed" comment; tests/run_all.sh adds up every suite into the final
 * "N passed, N failed" line. Exit status 1 if any test failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#define MAX_TESTS 2048

static struct {
	const char *name;
	dw_test_fn fn;
} tests[MAX_TESTS];
static int ntests;
static char tmpdir[256];

void dw_test_register(const char *name, dw_test_fn fn)
{
	if (ntests < MAX_TESTS) {
		tests[ntests].name = name;
		tests[ntests].fn = fn;
		ntests++;
	}
}

const char *dw_test_shared(void)
{
	const char *s = getenv("DWELL_SHARED");
	return s && *s ? s : "../shared";
}

const char *dw_test_tmpdir(void)
{
	return tmpdir;
}

static int hexv(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
					       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

size_t dw_test_unescape(char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && hexv(s[i + 2]) >= 0 &&
		    hexv(s[i + 3]) >= 0) {
			s[o++] = (char)(hexv(s[i + 2]) * 16 + hexv(s[i + 3]));
			i += 3;
		} else {
			s[o++] = s[i];
		}
	}
	return o;
}

static int cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return strcmp(x, y);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0, n = 0;
	char msg[1024];
	const char *build = getenv("BUILD");

	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp-unit", build && *build ? build : "build");
	mkdir(tmpdir, 0755);
	/* run in name order so output is stable whatever the link order */
	qsort(tests, (size_t)ntests, sizeof(tests[0]), cmp);
	for (int i = 0; i < ntests; i++) {
		if (filter && !strstr(tests[i].name, filter))
			continue;
		msg[0] = 0;
		n++;
		if (tests[i].fn(msg, sizeof(msg)) == 0) {
			printf("ok %d %s\n", n, tests[i].name);
			passed++;
		} else {
			printf("not ok %d %s: %s\n", n, tests[i].name, msg);
			failed++;
		}
		fflush(stdout);
	}
	printf("# unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
