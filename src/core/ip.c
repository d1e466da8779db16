/*
 * ip.c - address parsing and formatting. IPv4 is parsed by hand (it is on
 * every hot path); IPv6 goes through inet_pton/inet_ntop on a bounded
 * stack copy, since it is rarer and its grammar is long.
 */
#include "ip.h"

#include <arpa/inet.h>

static int parse_v4(const char *p, size_t n, uint8_t out[4])
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;
		while (i < n && dw_isdigit((unsigned char)p[i]) && nd < 4) {
			v = v * 10 + (unsigned)(p[i] - '0');
			i++;
			nd++;
		}
		if (nd == 0 || nd > 3 || v > 255)
			return DW_EINVAL;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= n || p[i] != '.')
				return DW_EINVAL;
			i++;
		}
	}
	return i == n ? DW_OK : DW_EINVAL;
}

int dw_ip_parse(const char *p, size_t n, struct dw_ip *out)
{
	char tmp[64];
	size_t m = n;
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(out, 0, sizeof(*out));
	if (n == 0 || n >= sizeof(tmp))
		return DW_EINVAL;
	if (memchr(p, ':', n) == NULL) {
		if (parse_v4(p, n, out->a))
			return DW_EINVAL;
		out->fam = 4;
		return DW_OK;
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] == '%') {
			m = i;
			break;
		}
	memcpy(tmp, p, m);
	tmp[m] = 0;
	if (inet_pton(AF_INET6, tmp, out->a) != 1) {
		memset(out, 0, sizeof(*out));
		return DW_EINVAL;
	}
	if (memcmp(out->a, mapped, 12) == 0) {
		memmove(out->a, out->a + 12, 4);
		memset(out->a + 4, 0, 12);
		out->fam = 4;
	} else {
		out->fam = 6;
	}
	return DW_OK;
}

size_t dw_ip_format(const struct dw_ip *ip, char *buf)
{
	if (ip->fam == 4) {
		char *b = buf;
		for (int i = 0; i < 4; i++) {
			unsigned v = ip->a[i];
			if (v >= 100)
				*b++ = (char)('0' + v / 100);
			if (v >= 10)
				*b++ = (char)('0' + v / 10 % 10);
			*b++ = (char)('0' + v % 10);
			if (i < 3)
				*b++ = '.';
		}
		*b = 0;
		return (size_t)(b - buf);
	}
	if (ip->fam == 6 && inet_ntop(AF_INET6, ip->a, buf, DW_IP_BUFSZ))
		return strlen(buf);
	buf[0] = 0;
	return 0;
}

size_t dw_ip_key(const struct dw_ip *ip, const void **key)
{
	*key = ip;
	return ip->fam == 4 ? 5 : ip->fam == 6 ? 17 : 0;
}

int dw_ip_eq(const struct dw_ip *a, const struct dw_ip *b)
{
	return a->fam == b->fam && memcmp(a->a, b->a, a->fam == 4 ? 4 : 16) == 0;
}

int dw_cidr_parse(const char *p, size_t n, struct dw_cidr *out)
{
	const char *slash = memchr(p, '/', n);
	size_t an = slash ? (size_t)(slash - p) : n;
	unsigned bits = 0, maxb;

	memset(out, 0, sizeof(*out));
	if (dw_ip_parse(p, an, &out->net))
		return DW_EINVAL;
	maxb = out->net.fam == 4 ? 32 : 128;
	if (!slash) {
		out->bits = (uint8_t)maxb;
		return DW_OK;
	}
	if (an + 1 >= n || n - an - 1 > 3)
		return DW_EINVAL;
	for (size_t i = an + 1; i < n; i++) {
		if (!dw_isdigit((unsigned char)p[i]))
			return DW_EINVAL;
		bits = bits * 10 + (unsigned)(p[i] - '0');
	}
	if (bits > maxb)
		return DW_EINVAL;
	out->bits = (uint8_t)bits;
	return DW_OK;
}

int dw_cidr_match(const struct dw_cidr *c, const struct dw_ip *ip)
{
	unsigned full, rest;

	if (c->net.fam != ip->fam)
		return 0;
	full = c->bits / 8u;
	rest = c->bits % 8u;
	if (memcmp(c->net.a, ip->a, full) != 0)
		return 0;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff00u >> rest);
		if ((c->net.a[full] & mask) != (ip->a[full] & mask))
			return 0;
	}
	return 1;
}

int dw_ip_is_private(const struct dw_ip *ip)
{
	const uint8_t *a = ip->a;

	if (ip->fam == 4)
		return a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		       (a[0] == 192 && a[1] == 168) || a[0] == 127 || (a[0] == 169 && a[1] == 254);
	if (ip->fam == 6) {
		static const uint8_t lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
		return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
		       memcmp(a, lo, 16) == 0;
	}
	return 0;
}

int dw_ip_is_loopback(const struct dw_ip *ip)
{
	static const uint8_t lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

	if (ip->fam == 4)
		return ip->a[0] == 127;
	return ip->fam == 6 && memcmp(ip->a, lo, 16) == 0;
}
