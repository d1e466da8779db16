/*
 * test_detect_config.c - the detector config: defaults equal
 * etc/dwell.conf (both directions: loading the file changes nothing, and
 * the file names every key), the file format (sections, comments,
 * durations, lists that append), errors with file:line, allowlists; the
 * in-memory loader, and the bugs the fuzz target (fuzz/fuzz_config.c) led to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../src/detect/config.h"
#include "../test.h"

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

DW_TEST(detect_config_defaults_equal_etc_file)
{
	struct dw_config *a, *b;
	struct dw_sb da, db;
	char err[512];
	FILE *f;
	char line[512];
	int keys = 0;

	DW_ASSERT(dw_config_new(&a) == DW_OK);
	DW_ASSERT(dw_config_new(&b) == DW_OK);
	err[0] = 0;
	if (dw_config_load(b, "etc/dwell.conf", err, sizeof(err)) != DW_OK)
		DW_FAIL("loading etc/dwell.conf: %s", err);
	dw_sb_init(&da, 1 << 20);
	dw_sb_init(&db, 1 << 20);
	dw_config_dump(a, &da);
	dw_config_dump(b, &db);
	DW_ASSERT(da.n == db.n && memcmp(da.p, db.p, da.n) == 0);
	/* every key of the dump appears in the file as "key =" under its section */
	f = fopen("etc/dwell.conf", "r");
	DW_ASSERT(f != NULL);
	{
		char *text = calloc(1, 1 << 16);
		size_t tn = 0;
		char section[64] = "";
		while (fgets(line, sizeof(line), f)) {
			char *p = line, *eq;
			while (*p == ' ')
				p++;
			if (*p == '#' || *p == '\n')
				continue;
			if (*p == '[') {
				sscanf(p, "[%63[^]]]", section);
				continue;
			}
			eq = strchr(p, '=');
			if (!eq)
				continue;
			while (eq > p && (eq[-1] == ' '))
				eq--;
			tn += (size_t)snprintf(text + tn, (1 << 16) - tn, "%s.%.*s\n", section,
					       (int)(eq - p), p);
		}
		fclose(f);
		for (char *ln = da.p, *end = da.p + da.n; ln < end;) {
			char *nl = memchr(ln, '\n', (size_t)(end - ln));
			char *sp = memchr(ln, ' ', (size_t)(nl - ln));
			char want[128];
			snprintf(want, sizeof(want), "%.*s\n", (int)(sp - ln), ln);
			if (!strstr(text, want)) {
				free(text);
				DW_FAIL("key %.*s is not in etc/dwell.conf", (int)(sp - ln), ln);
			}
			keys++;
			ln = nl + 1;
		}
		free(text);
	}
	DW_ASSERT(keys > 30);
	dw_sb_free(&da);
	dw_sb_free(&db);
	dw_config_free(a);
	dw_config_free(b);
	DW_PASS();
}

DW_TEST(detect_config_file_format)
{
	struct dw_config *c;
	char path[512], err[512];
	struct dw_ip ip;

	snprintf(path, sizeof(path), "%s/detect.conf", dw_test_tmpdir());
	DW_ASSERT(write_file(path, "# comment\n"
				   "[episode]\n"
				   "idle = 30m   # trailing comment\n"
				   "horizon=2d\n"
				   "[allow]\n"
				   "ips = 10.0.0.5, 192.0.2.0/24\n"
				   "ips = 2001:db8::/32\n"
				   "users = Backup, NAGIOS\n"
				   "spray.min_users = 20\n"
				   "distributed.sigma = 2.5\n"
				   "distributed.private = yes\n"
				   "stuffing.unknown_users = 70%\n") == 0);
	DW_ASSERT(dw_config_new(&c) == DW_OK);
	DW_ASSERT(dw_config_load(c, path, err, sizeof(err)) == DW_OK);
	DW_ASSERT_EQ_INT(c->idle, 30 * 60 * DW_NS);
	DW_ASSERT_EQ_INT(c->horizon, 2 * 86400 * DW_NS);
	DW_ASSERT_EQ_INT(c->allow_ips.n, 3);
	DW_ASSERT_EQ_INT(c->spray_min_users, 20);
	DW_ASSERT_EQ_INT(c->stuff_unknown_pct, 70);
	DW_ASSERT(c->dist_sigma > 2.49 && c->dist_sigma < 2.51);
	DW_ASSERT_EQ_INT(c->dist_private, 1);
	DW_ASSERT(dw_ip_parse("192.0.2.77", 10, &ip) == DW_OK && dw_config_allow_ip(c, &ip));
	DW_ASSERT(dw_ip_parse("10.0.0.5", 8, &ip) == DW_OK && dw_config_allow_ip(c, &ip));
	DW_ASSERT(dw_ip_parse("10.0.0.6", 8, &ip) == DW_OK && !dw_config_allow_ip(c, &ip));
	DW_ASSERT(dw_ip_parse("2001:db8::1", 11, &ip) == DW_OK && dw_config_allow_ip(c, &ip));
	DW_ASSERT(dw_config_allow_user(c, "backup", 6));
	DW_ASSERT(dw_config_allow_user(c, "nagios", 6));
	DW_ASSERT(!dw_config_allow_user(c, "nagio", 5));
	DW_ASSERT(!dw_config_allow_user(c, "root", 4));
	/* --set appends to lists and checks ranges */
	DW_ASSERT(dw_config_set(c, "allow.users", "root", err, sizeof(err)) == DW_OK);
	DW_ASSERT(dw_config_allow_user(c, "root", 4));
	DW_ASSERT(dw_config_set(c, "episode.idle", "0s", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_config_set(c, "episode.idle", "5x", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_config_set(c, "spray.min_users", "-3", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_config_set(c, "bruteforce.enabled", "maybe", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_config_set(c, "allow.ips", "10.0.0.300", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_config_set(c, "no.such_key", "1", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(strstr(err, "no.such_key") != NULL);
	dw_config_free(c);
	DW_PASS();
}

DW_TEST(detect_config_errors_name_file_and_line)
{
	struct dw_config *c;
	char path[512], err[512], want[600];

	snprintf(path, sizeof(path), "%s/detect-bad.conf", dw_test_tmpdir());
	DW_ASSERT(write_file(path, "[spray]\nmin_users = 12\n\nbogus = 1\n") == 0);
	DW_ASSERT(dw_config_new(&c) == DW_OK);
	DW_ASSERT(dw_config_load(c, path, err, sizeof(err)) == DW_EINVAL);
	snprintf(want, sizeof(want), "%s:4: unknown key 'spray.bogus'", path);
	DW_ASSERT_EQ_STR(err, want);
	DW_ASSERT(write_file(path, "[episode]\nidle = soon\n") == 0);
	DW_ASSERT(dw_config_load(c, path, err, sizeof(err)) == DW_EINVAL);
	snprintf(want, sizeof(want), "%s:2: episode.idle: bad value 'soon'", path);
	DW_ASSERT_EQ_STR(err, want);
	DW_ASSERT(write_file(path, "[episode\n") == 0);
	DW_ASSERT(dw_config_load(c, path, err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(strstr(err, ":1: ") != NULL);
	DW_ASSERT(write_file(path, "just words\n") == 0);
	DW_ASSERT(dw_config_load(c, path, err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_config_load(c, "/nonexistent/dwell.conf", err, sizeof(err)) == DW_EIO);
	dw_config_free(c);
	DW_PASS();
}

static int write_bytes(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(p, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/*
 * A NUL byte in a line is an error naming the line. The fgets loader cut
 * the line at the NUL ("min_users = 2\0 0" set 2) and, past 4095 bytes,
 * read the rest of the physical line as a line of its own: a key after
 * "# c\0" and 4091 bytes of padding was applied.
 */
DW_TEST(detect_config_nul_byte_is_an_error)
{
	static const char nul[] = "[spray]\nmin_users = 2\0 0\n";
	struct dw_config *c;
	char path[512], err[512], want[600], *smuggle;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/detect-nul.conf", dw_test_tmpdir());
	DW_ASSERT(write_bytes(path, nul, sizeof(nul) - 1) == 0);
	DW_ASSERT(dw_config_new(&c) == DW_OK);
	DW_ASSERT(dw_config_load(c, path, err, sizeof(err)) == DW_EINVAL);
	snprintf(want, sizeof(want), "%s:2: NUL byte in line", path);
	DW_ASSERT_EQ_STR(err, want);
	DW_ASSERT_EQ_INT(c->spray_min_users, 5);

	smuggle = malloc(8192);
	DW_ASSERT(smuggle != NULL);
	memcpy(smuggle, "# c\0", 4);
	n = 4;
	memset(smuggle + n, 'x', 4091);
	n += 4091;
	n += (size_t)snprintf(smuggle + n, 8192 - n, "spray.min_users = 99\n");
	DW_ASSERT(write_bytes(path, smuggle, n) == 0);
	free(smuggle);
	DW_ASSERT(dw_config_load(c, path, err, sizeof(err)) == DW_EINVAL);
	snprintf(want, sizeof(want), "%s:1: line too long", path);
	DW_ASSERT_EQ_STR(err, want);
	DW_ASSERT_EQ_INT(c->spray_min_users, 5);
	dw_config_free(c);
	DW_PASS();
}

/* The in-memory loader: no final newline needed, CRLF, the name in messages. */
DW_TEST(detect_config_load_buf)
{
	static const char text[] = "[spray]\r\nmin_users = 12\r\n[episode]\nidle = 45m";
	struct dw_config *c;
	char err[512];
	char line[4200];

	DW_ASSERT(dw_config_new(&c) == DW_OK);
	DW_ASSERT(dw_config_load_buf(c, "mem", "", 0, err, sizeof(err)) == DW_OK);
	DW_ASSERT(dw_config_load_buf(c, "mem", text, sizeof(text) - 1, err, sizeof(err)) ==
		  DW_OK);
	DW_ASSERT_EQ_INT(c->spray_min_users, 12);
	DW_ASSERT_EQ_INT(c->idle, 45 * 60 * DW_NS);
	DW_ASSERT(dw_config_load_buf(c, "mem", "x = 1", 5, err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT_EQ_STR(err, "mem:1: unknown key 'x'");
	DW_ASSERT(dw_config_load_buf(c, "mem", "[a.b]\n", 6, err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT_EQ_STR(err, "mem:1: bad section header");
	/* a 4095-byte line is the longest there is */
	memset(line, ' ', sizeof(line));
	memcpy(line, "spray.min_users = 13", 20);
	DW_ASSERT(dw_config_load_buf(c, "mem", line, 4095, err, sizeof(err)) == DW_OK);
	DW_ASSERT_EQ_INT(c->spray_min_users, 13);
	DW_ASSERT(dw_config_load_buf(c, "mem", line, 4096, err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT_EQ_STR(err, "mem:1: line too long");
	dw_config_free(c);
	DW_PASS();
}

/*
 * A full allow.users list (4096 names, in reverse order, one per line) is
 * sorted, every name is found, the 4097th is refused, and it loads fast:
 * the list was sorted again after every name, ~0.9 s of CPU under ASan,
 * found by the fuzz target at 110 inputs/s; now ~20 ms.
 */
DW_TEST(detect_config_allow_users_full_list)
{
	struct dw_config *c;
	char err[512], name[32];
	struct dw_sb sb;
	clock_t t0;
	double secs;

	dw_sb_init(&sb, 1 << 20);
	dw_sb_puts(&sb, "[allow]\n");
	for (int i = DW_CONFIG_ALLOW_MAX - 1; i >= 0; i--)
		dw_sb_printf(&sb, "users = User%05d\n", i);
	DW_ASSERT(!sb.toobig);
	DW_ASSERT(dw_config_new(&c) == DW_OK);
	t0 = clock();
	DW_ASSERT(dw_config_load_buf(c, "mem", sb.p, sb.n, err, sizeof(err)) == DW_OK);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	DW_ASSERT_EQ_INT(c->n_allow_users, DW_CONFIG_ALLOW_MAX);
	for (size_t i = 0; i < c->n_allow_users; i++) {
		snprintf(name, sizeof(name), "user%05zu", i);
		DW_ASSERT_EQ_STR(c->allow_users[i], name);
		DW_ASSERT(dw_config_allow_user(c, name, strlen(name)));
	}
	DW_ASSERT(!dw_config_allow_user(c, "user", 4));
	DW_ASSERT(!dw_config_allow_user(c, "user040960", 10));
	DW_ASSERT(dw_config_set(c, "allow.users", "one-more", err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(strstr(err, "more than 4096") != NULL);
	if (secs > 0.25)
		DW_FAIL("4096 allow.users took %.2f s of CPU (quadratic?)", secs);
	dw_config_free(c);
	dw_sb_free(&sb);
	DW_PASS();
}
