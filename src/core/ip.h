/*
 * ip.h - IPv4/IPv6 addresses as fixed 17-byte values, CIDR ranges.
 *
 * IPv4 is kept as 4 bytes (fam 4); IPv4-mapped IPv6 (::ffff:a.b.c.d) is
 * unwrapped to IPv4 so one client is one key whatever the log wrote.
 * dw_ip_key() gives the bytes to use as a hash-table key (1 + 4 or 16).
 */
#ifndef DW_CORE_IP_H
#define DW_CORE_IP_H

#include "dw.h"

struct dw_ip {
	uint8_t fam; /* 0 = none, 4, 6 */
	uint8_t a[16];
};

struct dw_cidr {
	struct dw_ip net;
	uint8_t bits;
};

/* Longest text dw_ip_format() writes, with the NUL. */
#define DW_IP_BUFSZ 48

/*
 * Parses exactly n bytes at p as an address ("1.2.3.4", "2001:db8::1",
 * "::ffff:1.2.3.4", optional "%zone" on IPv6 ignored). Returns DW_OK or
 * DW_EINVAL. Does not need p to be NUL-terminated.
 */
int dw_ip_parse(const char *p, size_t n, struct dw_ip *out) DW_WUR;

/* Writes the canonical text form (RFC 5952 for IPv6); returns its length. */
size_t dw_ip_format(const struct dw_ip *ip, char *buf);

/* Key bytes of ip: returns the length (0 for none) and points *key at ip. */
size_t dw_ip_key(const struct dw_ip *ip, const void **key);

int dw_ip_eq(const struct dw_ip *a, const struct dw_ip *b);

/* Parses "a.b.c.d/n", "x::/n" or a bare address (full-length prefix). */
int dw_cidr_parse(const char *p, size_t n, struct dw_cidr *out) DW_WUR;

/* 1 if ip lies in c. */
int dw_cidr_match(const struct dw_cidr *c, const struct dw_ip *ip);

/* 1 for RFC 1918, RFC 4193, loopback and link-local addresses. */
int dw_ip_is_private(const struct dw_ip *ip);

/* 1 for 127.0.0.0/8 and ::1. */
int dw_ip_is_loopback(const struct dw_ip *ip);

#endif
