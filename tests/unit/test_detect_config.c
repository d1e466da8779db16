/*
 * test_detect_config.c - the detector config: defaults equal
 * etc/dwell.conf (both directions: loading the file changes nothing, and
 * the file names every key), the file format (sections, comments,
 * durations, lists that append), errors with file:line, allowlists.
 */
#include <stdio.h>
#include <stdlib.h>

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
	DW_ASSERT_EQ_INT(c->n_allow_nets, 3);
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
