/*
 * fuzz_connstate.c - libFuzzer target for the sshd connection state a
 * database keeps between runs (dw_parser_load, src/parse/sshd_conn.c): the
 * input is loaded into a fresh parser with a small connection table; if it
 * is accepted, it must save and load again to the same bytes, and a few
 * sshd lines that continue, close and evict connections are fed and
 * flushed. Replayed by fuzz/onefile.c in `make test`; run it with
 * `make fuzz-run T=connstate SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/parse/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const lines[] = {
	"Mar  6 02:07:08 srv01 sshd[50719]: Failed password for wthomas from 52.14.150.192 port 58163 ssh2",
	"Mar  6 02:07:08 srv01 sshd[50719]: Connection closed by authenticating user wthomas 52.14.150.192 port 58163 [preauth]",
	"Mar  6 02:07:18 srv01 sshd[50732]: Accepted password for mwalker from 62.74.64.144 port 56504 ssh2",
	"Mar  6 02:07:21 srv01 sshd[50740]: Received disconnect from 203.0.113.5 port 1111:11: Bye [preauth]",
	"Mar  6 02:07:22 srv01 sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.6  user=oracle",
	"Mar  6 02:07:22 srv01 sshd[2]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.6  user=oracle",
	"Mar  6 02:07:22 srv01 sshd[3]: Invalid user a from 203.0.113.7 port 1",
};

static void on_ev(void *ctx, const struct dw_event *e)
{
	struct dw_sb *sb = ctx;

	dw_sb_reset(sb);
	dw_event_json(e, sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_parse_opts o = {.year = 2024, .conn_cap = 16};
	struct dw_parser *p = NULL, *q = NULL;
	struct dw_sb sb, s1, s2;

	dw_sb_init(&sb, 1 << 16);
	dw_sb_init(&s1, 1 << 20);
	dw_sb_init(&s2, 1 << 20);
	if (dw_parser_new(&p, &o, on_ev, &sb) != DW_OK)
		goto done;
	if (dw_parser_load(p, data, size) == DW_OK) {
		if (dw_parser_save(p, &s1) != DW_OK || dw_parser_new(&q, &o, on_ev, &sb) != DW_OK ||
		    dw_parser_load(q, s1.p, s1.n) != DW_OK || dw_parser_save(q, &s2) != DW_OK ||
		    s1.n != s2.n || memcmp(s1.p, s2.p, s1.n) != 0)
			abort();
		for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
			dw_parser_line(p, lines[i], strlen(lines[i]), i + 1, i * 150);
		dw_parser_flush(p);
	}
done:
	dw_parser_free(p);
	dw_parser_free(q);
	dw_sb_free(&sb);
	dw_sb_free(&s1);
	dw_sb_free(&s2);
	return 0;
}
