/*
 * sb.c - capped growable buffer and JSON string escaping (see sb.h).
 * Growth doubles up to max; no allocation once the buffer has reached the
 * size its largest record needs, so a writer reused per record allocates
 * only during warm-up.
 */
#include "sb.h"

#include <stdarg.h>
#include <stdlib.h>

void dw_sb_init(struct dw_sb *sb, size_t max)
{
	memset(sb, 0, sizeof(*sb));
	sb->max = max;
}

void dw_sb_free(struct dw_sb *sb)
{
	free(sb->p);
	memset(sb, 0, sizeof(*sb));
}

static int reserve(struct dw_sb *sb, size_t add)
{
	size_t want = sb->n + add, nc;
	char *np;

	if (want <= sb->cap)
		return 0;
	if (want > sb->max) {
		sb->toobig = 1;
		return -1;
	}
	nc = sb->cap ? sb->cap : 256;
	while (nc < want)
		nc *= 2;
	if (nc > sb->max)
		nc = sb->max;
	np = realloc(sb->p, nc + 1);
	if (!np) {
		sb->toobig = 1;
		return -1;
	}
	sb->p = np;
	sb->cap = nc;
	return 0;
}

void dw_sb_put(struct dw_sb *sb, const void *p, size_t n)
{
	if (n == 0 || reserve(sb, n))
		return;
	memcpy(sb->p + sb->n, p, n);
	sb->n += n;
}

void dw_sb_putc(struct dw_sb *sb, char c)
{
	if (reserve(sb, 1))
		return;
	sb->p[sb->n++] = c;
}

void dw_sb_puts(struct dw_sb *sb, const char *s)
{
	dw_sb_put(sb, s, strlen(s));
}

void dw_sb_printf(struct dw_sb *sb, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	dw_sb_put(sb, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void dw_sb_u64(struct dw_sb *sb, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	dw_sb_put(sb, tmp + i, sizeof(tmp) - i);
}

void dw_sb_i64(struct dw_sb *sb, int64_t v)
{
	if (v < 0) {
		dw_sb_putc(sb, '-');
		dw_sb_u64(sb, (uint64_t)0 - (uint64_t)v);
	} else {
		dw_sb_u64(sb, (uint64_t)v);
	}
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

void dw_sb_json_str(struct dw_sb *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	dw_sb_putc(sb, '"');
	while (i < n) {
		unsigned c = p[i];
		size_t l;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		dw_sb_put(sb, p + i - run, run);
		run = 0;
		if (c < 0x80) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			switch (c) {
			case '"': dw_sb_put(sb, "\\\"", 2); break;
			case '\\': dw_sb_put(sb, "\\\\", 2); break;
			case '\n': dw_sb_put(sb, "\\n", 2); break;
			case '\r': dw_sb_put(sb, "\\r", 2); break;
			case '\t': dw_sb_put(sb, "\\t", 2); break;
			default: dw_sb_put(sb, e, 6); break;
			}
			i++;
			continue;
		}
		l = utf8_len(p + i, n - i);
		if (l == 0) {
			dw_sb_put(sb, "\xef\xbf\xbd", 3);
			i++;
		} else {
			dw_sb_put(sb, p + i, l);
			i += l;
		}
	}
	dw_sb_put(sb, p + i - run, run);
	dw_sb_putc(sb, '"');
}

int dw_sb_flush(struct dw_sb *sb, FILE *f)
{
	int rc = DW_OK;

	if (sb->n && fwrite(sb->p, 1, sb->n, f) != sb->n)
		rc = DW_EIO;
	dw_sb_reset(sb);
	return rc;
}
