/*
 * key.c - the leak key file and the keyed hash (see key.h).
 *
 * Why HMAC-SHA256 from nettle and not a home-made hash: the values hashed
 * are guessable (an e-mail address, a phone number), so the hash must be a
 * pseudo-random function of a secret key, or anyone holding the database
 * could confirm a guess. HMAC-SHA256 is the standard PRF; nettle computes the
 * key's inner and outer states once (hmac_sha256_set_key) and leaves the
 * context keyed after each digest, so one value costs two SHA-256
 * compressions (about 0.3 us with the SHA extensions). 64 bits of it are
 * kept: membership among at most 10^8 values per dataset has a chance of a
 * false match of about 10^8 / 2^64 = 5e-12 per lookup.
 *
 * The file: 64 lower-case hex digits and '\n', mode 0600, opened with
 * O_CREAT|O_EXCL (never overwritten) and O_NOFOLLOW on load. Memory: the
 * hash context (about 250 bytes).
 */
#include "key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static void msg(char *err, size_t errsz, const char *fmt, const char *path, const char *why)
{
	if (err && errsz)
		snprintf(err, errsz, fmt, path, why);
}

int dw_leak_key_path(char *buf, size_t n)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	int w;

	if (x && *x)
		w = snprintf(buf, n, "%s/dwell/leak.key", x);
	else if (h && *h)
		w = snprintf(buf, n, "%s/.config/dwell/leak.key", h);
	else
		return DW_ENOENT;
	return w < 0 || (size_t)w >= n ? DW_ERANGE : DW_OK;
}

/* Makes the folder of path (and its parents) with mode 0700 where missing. */
static int make_dirs(const char *path)
{
	char d[4096];
	size_t n = strlen(path);

	if (n >= sizeof(d))
		return DW_ERANGE;
	memcpy(d, path, n + 1);
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(d, 0700) != 0 && errno != EEXIST)
			return DW_EIO;
		*p = '/';
	}
	return DW_OK;
}

int dw_leak_key_create(const char *path, char *err, size_t errsz)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t raw[DW_LEAK_KEY_BYTES];
	char text[2 * DW_LEAK_KEY_BYTES + 1];
	int fd = -1, rc = DW_EIO;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		msg(err, errsz, "%s: no random bytes for a key (%s)", path, strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		text[2 * i] = hex[raw[i] >> 4];
		text[2 * i + 1] = hex[raw[i] & 15];
	}
	text[2 * DW_LEAK_KEY_BYTES] = '\n';
	if (make_dirs(path) != DW_OK) {
		msg(err, errsz, "%s: cannot make its folder (%s)", path, strerror(errno));
		goto fail;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST ? DW_EINVAL : DW_EIO;
		msg(err, errsz,
		    errno == EEXIST ? "%s: a key is already there (%s); it is never overwritten"
				    : "%s: cannot create (%s)",
		    path, strerror(errno));
		goto fail;
	}
	if (write(fd, text, sizeof(text)) != (ssize_t)sizeof(text) || fsync(fd) != 0) {
		msg(err, errsz, "%s: cannot write (%s)", path, strerror(errno));
		(void)unlink(path);
		goto fail;
	}
	rc = DW_OK;
fail:
	if (fd >= 0)
		close(fd);
	memset(raw, 0, sizeof(raw));
	memset(text, 0, sizeof(text));
	return rc;
}

static int unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void dw_leak_key_set(struct dw_leak_key *k, const uint8_t raw[DW_LEAK_KEY_BYTES])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	hmac_sha256_set_key(&k->hmac, DW_LEAK_KEY_BYTES, raw);
	hmac_sha256_update(&k->hmac, 12, (const uint8_t *)"dwell key id");
	hmac_sha256_digest(&k->hmac, sizeof(d), d);
	memcpy(k->id, d, sizeof(k->id));
}

int dw_leak_key_load(struct dw_leak_key *k, const char *path, char *err, size_t errsz)
{
	char text[2 * DW_LEAK_KEY_BYTES + 2];
	uint8_t raw[DW_LEAK_KEY_BYTES];
	struct stat st;
	ssize_t n;
	int fd, rc = DW_EINVAL;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		msg(err, errsz,
		    errno == ENOENT ? "%s: no leak key (%s); make one with `dwell leak key`"
				    : "%s: cannot open the leak key (%s)",
		    path, strerror(errno));
		return errno == ENOENT ? DW_ENOENT : DW_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		msg(err, errsz, "%s: %s", path, "not a regular file");
		goto fail;
	}
	if (st.st_mode & 077) {
		msg(err, errsz, "%s: %s", path,
		    "group or others may read this key: chmod 600 it (and make a new one if it "
		    "was shared)");
		goto fail;
	}
	n = read(fd, text, sizeof(text));
	if (n == 2 * DW_LEAK_KEY_BYTES + 1 && text[n - 1] == '\n')
		n--;
	if (n != 2 * DW_LEAK_KEY_BYTES) {
		msg(err, errsz, "%s: %s", path, "not a dwell leak key (64 hex digits)");
		goto fail;
	}
	for (size_t i = 0; i < DW_LEAK_KEY_BYTES; i++) {
		int hi = unhex((unsigned char)text[2 * i]), lo = unhex((unsigned char)text[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			msg(err, errsz, "%s: %s", path, "not a dwell leak key (64 hex digits)");
			goto fail;
		}
		raw[i] = (uint8_t)(hi << 4 | lo);
	}
	dw_leak_key_set(k, raw);
	rc = DW_OK;
fail:
	close(fd);
	memset(raw, 0, sizeof(raw));
	memset(text, 0, sizeof(text));
	return rc;
}

uint64_t dw_leak_hash(struct dw_leak_key *k, unsigned kind, const void *p, size_t n)
{
	uint8_t d[8], tag = (uint8_t)kind;
	uint64_t v = 0;

	hmac_sha256_update(&k->hmac, 1, &tag);
	hmac_sha256_update(&k->hmac, n, p);
	hmac_sha256_digest(&k->hmac, sizeof(d), d);
	for (int i = 0; i < 8; i++)
		v = v << 8 | d[i];
	return v;
}
