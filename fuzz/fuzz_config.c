/*
 * fuzz_config.c - libFuzzer target for the detector config loader: the
 * input is a config file's text, loaded with dw_config_load_buf over a
 * fresh config (defaults), then freed, so ASan/UBSan/LeakSanitizer see
 * every path of the parser, the value checks and the allowlists.
 *
 * Checked on every input (a violation aborts): a failed load writes a
 * "fuzz.conf:LINE: ..." message; after a load (failed or not) every
 * allow.users entry is found by dw_config_allow_user and the list is
 * sorted, every allow.ips entry matches its own address; and a successful
 * load survives the round trip dump -> load into a fresh config -> dump
 * with the same bytes. The round trip is skipped when a dumped list line
 * is longer than a config line may be, or when an allow.users entry starts
 * or ends with a blank: normalising "a @b" keeps "a " (as it does for the
 * user names of events, so the allowlist still matches), which a config
 * line cannot spell.
 *
 * Run: make fuzz && build/fuzz/fuzz_config -dict=fuzz/dict/config.dict \
 *        -max_total_time=300 -timeout=2 -rss_limit_mb=512 fuzz/corpus/config
 * (or make fuzz-run T=config). Replayed by fuzz/onefile.c in `make test`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/sb.h"
#include "../src/detect/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dw_sb d1, d2;
static int sb_ready;

static void check_lists(const struct dw_config *c)
{
	for (size_t i = 0; i < c->n_allow_users; i++) {
		const char *u = c->allow_users[i];
		if (!dw_config_allow_user(c, u, strlen(u)))
			abort();
		if (i && strcmp(c->allow_users[i - 1], u) > 0)
			abort();
	}
	for (size_t i = 0; i < c->allow_ips.n; i++)
		if (!dw_config_allow_ip(c, &c->allow_ips.v[i].net))
			abort();
}

static int blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* 1 if every user name can be written back into a config line. */
static int users_spellable(const struct dw_config *c)
{
	for (size_t i = 0; i < c->n_allow_users; i++) {
		const char *u = c->allow_users[i];
		size_t n = strlen(u);
		if (n && (blank(u[0]) || blank(u[n - 1])))
			return 0;
	}
	return 1;
}

/* 1 if every line of sb is short enough to be read back as a config line. */
static int lines_fit(const struct dw_sb *sb)
{
	size_t start = 0;

	for (size_t i = 0; i < sb->n; i++) {
		if (sb->p[i] == '\n') {
			if (i - start >= 4096)
				return 0;
			start = i + 1;
		}
	}
	return sb->n - start < 4096;
}

static void round_trip(const struct dw_config *c)
{
	struct dw_config *c2 = NULL;
	char err[512];

	if (!users_spellable(c))
		return;
	dw_sb_reset(&d1);
	dw_config_dump(c, &d1);
	if (d1.toobig || !lines_fit(&d1))
		return;
	if (dw_config_new(&c2) != DW_OK)
		return;
	if (dw_config_load_buf(c2, "dump", d1.p, d1.n, err, sizeof(err)) != DW_OK)
		abort();
	dw_sb_reset(&d2);
	dw_config_dump(c2, &d2);
	if (d1.n != d2.n || memcmp(d1.p, d2.p, d1.n) != 0)
		abort();
	dw_config_free(c2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_config *c = NULL;
	char err[512];
	int rc;

	if (!sb_ready) {
		dw_sb_init(&d1, (size_t)8 << 20);
		dw_sb_init(&d2, (size_t)8 << 20);
		sb_ready = 1;
	}
	if (dw_config_new(&c) != DW_OK)
		return 0;
	err[0] = 0;
	rc = dw_config_load_buf(c, "fuzz.conf", (const char *)data, size, err, sizeof(err));
	if (rc != DW_OK && strncmp(err, "fuzz.conf:", 10) != 0)
		abort();
	check_lists(c);
	if (rc == DW_OK)
		round_trip(c);
	dw_config_free(c);
	return 0;
}
