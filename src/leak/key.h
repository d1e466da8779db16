/*
 * key.h - the organisation's secret key behind every keyed hash of
 * `dwell leak`, and the keyed hash itself.
 *
 * A registered dataset is kept only as keyed hashes of its normalised
 * values, so the database can travel (to a lawyer, an incident responder)
 * without carrying the contacts; without the key nobody can test a guessed
 * e-mail address against it. The key never leaves its file.
 */
#ifndef DW_LEAK_KEY_H
#define DW_LEAK_KEY_H

#include <nettle/hmac.h>

#include "../core/dw.h"

#define DW_LEAK_KEY_BYTES 32

struct dw_leak_key {
	struct hmac_sha256_ctx hmac; /* keyed once; reset to the key after each digest */
	uint8_t id[8];               /* first bytes of HMAC(key, "dwell key id"): names the key */
};

/*
 * The default key path into buf: $XDG_CONFIG_HOME/dwell/leak.key, else
 * $HOME/.config/dwell/leak.key. Returns DW_OK, or DW_ENOENT when neither
 * variable is set, DW_ERANGE when buf is too small.
 */
int dw_leak_key_path(char *buf, size_t n) DW_WUR;

/*
 * Creates a new key file at path: 32 bytes from getrandom() as 64 hex
 * digits and a newline, mode 0600, its folder made (0700) if missing. Never
 * overwrites: an existing file is DW_EINVAL ("exists"). Returns DW_OK or an
 * error with a message naming the file in err.
 */
int dw_leak_key_create(const char *path, char *err, size_t errsz) DW_WUR;

/*
 * Loads the key at path into k. Refuses (DW_EINVAL, DW_ENOENT, DW_EIO, with
 * a message in err) a missing file, one that is not exactly 64 hex digits
 * and an optional newline, and one that group or others may read: a key
 * others can read is no secret, and hashing with it protects nothing.
 */
int dw_leak_key_load(struct dw_leak_key *k, const char *path, char *err, size_t errsz) DW_WUR;

/* Sets k from raw key bytes (tests and benchmarks). */
void dw_leak_key_set(struct dw_leak_key *k, const uint8_t raw[DW_LEAK_KEY_BYTES]);

/*
 * The keyed hash of value p[0..n) in domain `kind` (a small number naming
 * what the value is: e-mail, phone, row, ...; the same text in two kinds
 * hashes apart): the first 64 bits of HMAC-SHA256(key, kind || value).
 * k is used as scratch (not thread-safe); the result depends only on the
 * key, kind and bytes.
 */
uint64_t dw_leak_hash(struct dw_leak_key *k, unsigned kind, const void *p, size_t n);

#endif
