/*
 * norm.h - the normal forms `dwell leak` hashes: one contact written by two
 * systems (or retyped by an attacker) must give the same bytes.
 *
 * Every function reads p[0..n) (any bytes: invalid UTF-8 is refused, not
 * trusted), writes at most DW_LEAK_NORM_MAX bytes into out and returns the
 * length, 0 when the value is empty or unusable (no key is made from it).
 */
#ifndef DW_LEAK_NORM_H
#define DW_LEAK_NORM_H

#include "../core/dw.h"

/* Longest normal form kept (longer values are cut at a character boundary). */
#define DW_LEAK_NORM_MAX 256

/*
 * E-mail: "mailto:", angle brackets and blanks around it dropped, lower
 * case; exactly one '@' with a non-empty local part and a dotted domain.
 * *domain (may be NULL) gets the offset of the domain in out.
 */
size_t dw_leak_norm_email(const char *p, size_t n, char *out, size_t *domain);

/*
 * Phone: E.164 ("+14155550123") when the number says its country ('+' or
 * "00") or is a ten-digit North American number; else the digits as
 * written without a leading trunk 0. At least 7 digits. The hashed key of
 * a phone is the last nine digits of this form (dw_leak_phone_key), which
 * "+44 20 7946 0958" and "020 7946 0958" share.
 */
size_t dw_leak_norm_phone(const char *p, size_t n, char *out);
/* The matching key of a normal form from dw_leak_norm_phone: its last nine digits. */
size_t dw_leak_phone_key(const char *norm, size_t n, const char **key);

/*
 * A person's name: Unicode case-folded and decomposed (NFKD), accents and
 * punctuation dropped, words in sorted order and joined by one space, so
 * "Müller, José" and "jose MULLER" are one name.
 */
size_t dw_leak_norm_name(const char *p, size_t n, char *out);

/* A company: as a name, in written order, without a trailing legal form (Ltd, GmbH, Inc, SA, ...). */
size_t dw_leak_norm_company(const char *p, size_t n, char *out);

/* Any other text: trimmed, case-folded, blanks collapsed, in order. */
size_t dw_leak_norm_text(const char *p, size_t n, char *out);

#endif
