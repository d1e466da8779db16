/*
 * test_leak.c - the pieces of `dwell leak` under the dump reader: the key
 * file (made once, never overwritten, refused when others can read it),
 * the keyed hash, the normal forms that make one contact written two ways
 * hash alike, and the column roles from header names, values and
 * --columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../../src/leak/key.h"
#include "../../src/leak/norm.h"
#include "../../src/leak/roles.h"
#include "../test.h"

DW_TEST(leak_key_file)
{
	char path[512], err[512], buf[600];
	struct dw_leak_key a, b;
	uint8_t raw[DW_LEAK_KEY_BYTES] = {1};
	FILE *f;

	snprintf(path, sizeof(path), "%s/leakcfg/dwell/leak.key", dw_test_tmpdir());
	(void)remove(path);
	DW_ASSERT(dw_leak_key_load(&a, path, err, sizeof(err)) == DW_ENOENT);
	DW_ASSERT(strstr(err, "dwell leak key") != NULL);
	DW_ASSERT(dw_leak_key_create(path, err, sizeof(err)) == DW_OK);
	DW_ASSERT(dw_leak_key_create(path, err, sizeof(err)) == DW_EINVAL); /* never overwritten */
	DW_ASSERT(strstr(err, "already") != NULL);
	DW_ASSERT(dw_leak_key_load(&a, path, err, sizeof(err)) == DW_OK);
	DW_ASSERT(dw_leak_key_load(&b, path, err, sizeof(err)) == DW_OK);
	DW_ASSERT(dw_leak_hash(&a, 1, "x@y.com", 7) == dw_leak_hash(&b, 1, "x@y.com", 7));
	DW_ASSERT(dw_leak_hash(&a, 1, "x@y.com", 7) == dw_leak_hash(&a, 1, "x@y.com", 7));
	DW_ASSERT(dw_leak_hash(&a, 1, "x@y.com", 7) != dw_leak_hash(&a, 2, "x@y.com", 7));
	dw_leak_key_set(&b, raw);
	DW_ASSERT(dw_leak_hash(&a, 1, "x@y.com", 7) != dw_leak_hash(&b, 1, "x@y.com", 7));
	DW_ASSERT(memcmp(a.id, b.id, sizeof(a.id)) != 0);
	/* readable by others: refused */
	DW_ASSERT(chmod(path, 0644) == 0);
	DW_ASSERT(dw_leak_key_load(&a, path, err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(strstr(err, "chmod 600") != NULL);
	/* not a key: refused */
	DW_ASSERT(remove(path) == 0);
	f = fopen(path, "w");
	DW_ASSERT(f && fputs("not a key\n", f) >= 0);
	fclose(f);
	DW_ASSERT(chmod(path, 0600) == 0);
	DW_ASSERT(dw_leak_key_load(&a, path, err, sizeof(err)) == DW_EINVAL);
	/* the default path */
	DW_ASSERT(setenv("XDG_CONFIG_HOME", "/x/cfg", 1) == 0);
	DW_ASSERT(dw_leak_key_path(buf, sizeof(buf)) == DW_OK);
	DW_ASSERT_EQ_STR(buf, "/x/cfg/dwell/leak.key");
	DW_ASSERT(unsetenv("XDG_CONFIG_HOME") == 0 && setenv("HOME", "/home/ann", 1) == 0);
	DW_ASSERT(dw_leak_key_path(buf, sizeof(buf)) == DW_OK);
	DW_ASSERT_EQ_STR(buf, "/home/ann/.config/dwell/leak.key");
	DW_ASSERT(dw_leak_key_path(buf, 8) == DW_ERANGE);
	DW_PASS();
}

/* The normal form of s by fn, as a C string in a static buffer. */
static const char *nf(size_t (*fn)(const char *, size_t, char *), const char *s)
{
	static char out[DW_LEAK_NORM_MAX + 1];
	size_t n = fn(s, strlen(s), out);

	out[n] = 0;
	return out;
}

static const char *em(const char *s)
{
	static char out[DW_LEAK_NORM_MAX + 1];
	size_t d = 0, n = dw_leak_norm_email(s, strlen(s), out, &d);

	out[n] = 0;
	return out;
}

DW_TEST(leak_norm_email_phone)
{
	char out[DW_LEAK_NORM_MAX];
	const char *k1, *k2;
	size_t d = 0, n1, n2;
	char a[DW_LEAK_NORM_MAX], b[DW_LEAK_NORM_MAX];

	DW_ASSERT_EQ_STR(em("  <Alice.Smith@Example.COM> "), "alice.smith@example.com");
	DW_ASSERT_EQ_STR(em("mailto:bob@acme-logistics.com"), "bob@acme-logistics.com");
	DW_ASSERT(dw_leak_norm_email("bob@acme.com", 12, out, &d) == 12 && d == 4);
	DW_ASSERT_EQ_STR(em("a@b"), "");
	DW_ASSERT_EQ_STR(em("a@@b.com"), "");
	DW_ASSERT_EQ_STR(em("a b@c.com"), "");
	DW_ASSERT_EQ_STR(em("@c.com"), "");
	DW_ASSERT_EQ_STR(em("a@c.com."), "");
	DW_ASSERT_EQ_STR(em("=cmd|' /C calc'!A0"), "");

	DW_ASSERT_EQ_STR(nf(dw_leak_norm_phone, "+44 20 7946 0958"), "+442079460958");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_phone, "0044 (20) 7946-0958"), "+442079460958");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_phone, "020 7946 0958"), "2079460958");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_phone, "(415) 555-0123"), "+14155550123");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_phone, "+1 415 555 0123 x45"), "+14155550123");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_phone, "1-415-555-0123"), "+14155550123");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_phone, "12345"), "");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_phone, "call me"), "");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_phone, "+1234567890123456789"), "");
	/* the national and the international writing share their key */
	n1 = dw_leak_norm_phone("+44 20 7946 0958", 16, a);
	n2 = dw_leak_norm_phone("020 7946 0958", 13, b);
	DW_ASSERT(dw_leak_phone_key(a, n1, &k1) == 9 && dw_leak_phone_key(b, n2, &k2) == 9);
	DW_ASSERT(memcmp(k1, k2, 9) == 0);
	n1 = dw_leak_norm_phone("+49 30 1234567", 14, a);
	n2 = dw_leak_norm_phone("030 1234567", 11, b);
	DW_ASSERT(dw_leak_phone_key(a, n1, &k1) == 9 && dw_leak_phone_key(b, n2, &k2) == 9);
	DW_ASSERT(memcmp(k1, k2, 9) == 0);
	DW_PASS();
}

DW_TEST(leak_norm_names)
{
	char big[3000];

	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "Müller, José"), "jose muller");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "  jose   MULLER "), "jose muller");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "Zoë O'Brien"), "brien o zoe");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "Øyvind"), "øyvind");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "Łukasz"), "łukasz");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "Straße"), "strasse");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "ＦＵＬＬ ｗｉｄｔｈ"), "full width");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "王 小明"), "小明 王");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "bad \xff\xfe utf8"), "");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_name, "=+-@"), "");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_company, "Acme Logistics Ltd."), "acme logistics");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_company, "ACME LOGISTICS"), "acme logistics");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_company, "Société Générale S.A."), "societe generale");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_company, "Müller GmbH & Co. KG"), "muller");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_company, "Inc"), "inc");
	DW_ASSERT_EQ_STR(nf(dw_leak_norm_text, "Chief  Executive-Officer"), "chief executive officer");
	/* long values are cut, never overflow */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	DW_ASSERT(strlen(nf(dw_leak_norm_text, big)) == DW_LEAK_NORM_MAX);
	for (size_t i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "ä", 2);
	DW_ASSERT(strlen(nf(dw_leak_norm_name, big)) <= DW_LEAK_NORM_MAX);
	DW_PASS();
}

static struct dw_slice sl(const char *s)
{
	return dw_slice_cstr(s);
}

DW_TEST(leak_roles)
{
	struct dw_slice hdr[5] = {sl("col1"), sl("Given name"), sl("x"), sl("Organisation"),
				  sl("y")};
	int roles[5] = {0};
	struct dw_leak_votes v;
	char err[256];

	DW_ASSERT_EQ_INT(dw_leak_role_of_header("E-mail Address", 14), DW_LR_EMAIL);
	DW_ASSERT_EQ_INT(dw_leak_role_of_header("Phone Number", 12), DW_LR_PHONE);
	DW_ASSERT_EQ_INT(dw_leak_role_of_header("Surname", 7), DW_LR_LAST);
	DW_ASSERT_EQ_INT(dw_leak_role_of_header("Prénom", 7), DW_LR_FIRST);
	DW_ASSERT_EQ_INT(dw_leak_role_of_header("Société", 9), DW_LR_COMPANY);
	DW_ASSERT_EQ_INT(dw_leak_role_of_header("linkedin_url", 12), DW_LR_NONE);
	DW_ASSERT_EQ_INT(dw_leak_role_of_header("", 0), DW_LR_NONE);
	for (int i = 0; i < 5; i++)
		roles[i] = dw_leak_role_of_header(hdr[i].p, hdr[i].n);
	memset(&v, 0, sizeof(v));
	for (int r = 0; r < 10; r++) {
		struct dw_slice cells[5] = {sl("a.b@c.com"), sl("Ann"), sl("+1 415 555 0100"),
					    sl("Acme"), sl(r < 5 ? "x@y.com" : "zzz")};
		dw_leak_roles_sample(&v, cells, 5);
	}
	dw_leak_roles_decide(&v, roles, 5);
	DW_ASSERT_EQ_INT(roles[0], DW_LR_EMAIL);
	DW_ASSERT_EQ_INT(roles[1], DW_LR_FIRST);
	DW_ASSERT_EQ_INT(roles[2], DW_LR_PHONE);
	DW_ASSERT_EQ_INT(roles[3], DW_LR_COMPANY);
	DW_ASSERT_EQ_INT(roles[4], DW_LR_NONE); /* half e-mail, and e-mail is taken */
	DW_ASSERT(dw_leak_roles_spec("email=y,title=2", hdr, 5, roles, err, sizeof(err)) == DW_OK);
	DW_ASSERT_EQ_INT(roles[4], DW_LR_EMAIL);
	DW_ASSERT_EQ_INT(roles[0], DW_LR_NONE);
	DW_ASSERT_EQ_INT(roles[1], DW_LR_TITLE);
	DW_ASSERT(dw_leak_roles_spec("mail=y", hdr, 5, roles, err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_leak_roles_spec("email=nope", hdr, 5, roles, err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_leak_roles_spec("email=9", hdr, 5, roles, err, sizeof(err)) == DW_EINVAL);
	DW_ASSERT(dw_leak_roles_spec("email", hdr, 5, roles, err, sizeof(err)) == DW_EINVAL);
	DW_PASS();
}
