/*
 * test_parse_state.c - the sshd connection state a --db run leaves for the
 * next (dw_parser_save / dw_parser_load): a log cut anywhere, read as two
 * runs with the state carried over, gives exactly the events of one run
 * (held PAM failures and open guesses go on across the cut); a saved state
 * loads, saves and loads to the same bytes; every truncation and every
 * damaged byte of a real blob is refused or loaded without harm.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/parse/parser.h"
#include "../test.h"

static const char *const log_lines[] = {
	"Mar  6 02:07:06 srv01 sshd[50719]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=52.14.150.192  user=wthomas",
	"Mar  6 02:07:08 srv01 sshd[50719]: Failed password for wthomas from 52.14.150.192 port 58163 ssh2",
	"Mar  6 02:07:08 srv01 sshd[50719]: Connection closed by authenticating user wthomas 52.14.150.192 port 58163 [preauth]",
	"Mar  6 02:07:10 srv01 sshd[50730]: Invalid user admin from 198.51.100.9 port 40000",
	"Mar  6 02:07:16 srv01 sshd[50732]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=62.74.64.144  user=mwalker",
	"Mar  6 02:07:18 srv01 sshd[50730]: Failed password for invalid user admin from 198.51.100.9 port 40000 ssh2",
	"Mar  6 02:07:18 srv01 sshd[50732]: Failed password for mwalker from 62.74.64.144 port 56504 ssh2",
	"Mar  6 02:07:19 srv01 sshd[50740]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root",
	"Mar  6 02:07:20 srv01 sshd[50732]: Accepted password for mwalker from 62.74.64.144 port 56504 ssh2",
	"Mar  6 02:07:21 srv01 sshd[50740]: Received disconnect from 203.0.113.5 port 1111:11: Bye [preauth]",
	"Mar  6 02:07:22 srv01 sshd[50750]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.6  user=oracle",
};
#define NLINES (sizeof(log_lines) / sizeof(*log_lines))

static void on_ev(void *ctx, const struct dw_event *e)
{
	struct dw_sb *sb = ctx;
	struct dw_event c = *e;

	c.file = NULL; /* the runs read different files */
	dw_event_json(&c, sb);
	dw_sb_putc(sb, '\n');
}

static int feed(struct dw_parser *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		dw_parser_line(p, log_lines[i], strlen(log_lines[i]), i + 1, i * 200);
	return 0;
}

static struct dw_parser *mk(struct dw_sb *out)
{
	struct dw_parse_opts o = {.year = 2024};
	struct dw_parser *p = NULL;

	if (dw_parser_new(&p, &o, on_ev, out) != DW_OK)
		return NULL;
	dw_parser_begin_file(p, "a.log", 0);
	return p;
}

DW_TEST(parse_state_split_equals_one_run)
{
	struct dw_sb whole, split, blob, blob2;
	struct dw_parser *p;
	int same = 1, stateful = 0;

	dw_sb_init(&whole, 1 << 20);
	dw_sb_init(&split, 1 << 20);
	dw_sb_init(&blob, 1 << 20);
	dw_sb_init(&blob2, 1 << 20);
	DW_ASSERT((p = mk(&whole)) != NULL);
	feed(p, 0, NLINES);
	dw_parser_flush(p);
	dw_parser_free(p);
	for (size_t cut = 0; cut <= NLINES; cut++) {
		dw_sb_reset(&split);
		dw_sb_reset(&blob);
		dw_sb_reset(&blob2);
		DW_ASSERT((p = mk(&split)) != NULL);
		feed(p, 0, cut);
		DW_ASSERT(dw_parser_save(p, &blob) == DW_OK);
		dw_parser_free(p); /* no flush: the next run goes on */
		DW_ASSERT((p = mk(&split)) != NULL);
		DW_ASSERT(dw_parser_load(p, blob.p, blob.n) == DW_OK);
		DW_ASSERT(dw_parser_save(p, &blob2) == DW_OK);
		DW_ASSERT(blob.n == blob2.n && memcmp(blob.p, blob2.p, blob.n) == 0);
		stateful |= blob.n > 16;
		feed(p, cut, NLINES);
		dw_parser_flush(p);
		dw_parser_free(p);
		same &= split.n == whole.n && memcmp(split.p, whole.p, whole.n) == 0;
	}
	dw_sb_free(&whole);
	dw_sb_free(&split);
	dw_sb_free(&blob);
	dw_sb_free(&blob2);
	DW_ASSERT(stateful); /* some cut really carried a connection over */
	DW_ASSERT(same);
	return 0;
}

DW_TEST(parse_state_damaged_blobs)
{
	struct dw_sb out, blob;
	struct dw_parser *p;
	char *b;
	size_t refused = 0;

	dw_sb_init(&out, 1 << 22);
	dw_sb_init(&blob, 1 << 20);
	DW_ASSERT((p = mk(&out)) != NULL);
	feed(p, 0, 8);
	DW_ASSERT(dw_parser_save(p, &blob) == DW_OK);
	dw_parser_free(p);
	b = malloc(blob.n);
	DW_ASSERT(b != NULL);
	for (size_t n = 0; n < blob.n; n++) { /* every truncation is refused */
		memcpy(b, blob.p, n);
		DW_ASSERT((p = mk(&out)) != NULL);
		refused += dw_parser_load(p, b, n) == DW_EINVAL;
		dw_parser_free(p);
	}
	DW_ASSERT_EQ_INT(refused, blob.n);
	for (size_t i = 0; i < blob.n; i++) /* any byte: refused, or loaded and usable */
		for (int v = 0; v < 256; v += 51) {
			memcpy(b, blob.p, blob.n);
			b[i] = (char)(b[i] ^ (v | 1));
			DW_ASSERT((p = mk(&out)) != NULL);
			if (dw_parser_load(p, b, blob.n) == DW_OK) {
				dw_sb_reset(&out);
				feed(p, 8, NLINES);
				dw_parser_flush(p);
			}
			dw_parser_free(p);
		}
	free(b);
	dw_sb_free(&out);
	dw_sb_free(&blob);
	return 0;
}
