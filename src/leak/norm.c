/*
 * norm.c - normal forms of contact fields (see norm.h).
 *
 * Unicode: why libunistring (Debian libunistring-dev) and not our own
 * tables: case folding and compatibility decomposition need the Unicode
 * character database (ß -> ss, ﬁ -> fi, Å -> A + ring, full-width letters,
 * Hangul), which is large and changes with Unicode versions; the library
 * keeps it current. Names are folded with u8_casefold(NFKD), then marks
 * (category M: the accents NFKD split off) and every character that is not
 * a letter or digit are dropped, the latter as word breaks.
 *
 * Phones: E.164 where the number says its country; the key is the last nine
 * digits, the part every national and international writing of a number
 * shares (the country and trunk prefixes are what re-formatting changes).
 *
 * Cost: no allocation; a value is cut to 1 KiB before folding, and the
 * folded form goes into a stack buffer of 8 KiB (folding expands at most
 * 3x per code point in practice, NFKD up to 18x for a few ligatures: a
 * buffer too small makes the library allocate, which it frees).
 */
#include "norm.h"

#include <stdlib.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#define IN_MAX 1024   /* bytes of a value considered */
#define FOLD_MAX 8192 /* stack buffer for the folded form */
#define WORDS_MAX 32  /* words of a name kept */

static int blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'';
}

size_t dw_leak_norm_email(const char *p, size_t n, char *out, size_t *domain)
{
	size_t at = 0, nat = 0, k = 0;

	while (n && blank((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n && blank((unsigned char)p[n - 1]))
		n--;
	while (n >= 7) { /* "mailto:" in any case, as often as written */
		size_t i = 0;
		while (i < 7 && dw_tolower((unsigned char)p[i]) == "mailto:"[i])
			i++;
		if (i < 7)
			break;
		p += 7;
		n -= 7;
	}
	if (n >= 2 && p[0] == '<' && p[n - 1] == '>') {
		p++;
		n -= 2;
	}
	while (n && blank((unsigned char)*p)) { /* what the prefix or brackets held */
		p++;
		n--;
	}
	while (n && blank((unsigned char)p[n - 1]))
		n--;
	if (n >= 7 && dw_tolower((unsigned char)p[0]) == 'm' && memchr(p, ':', 7))
		return 0; /* "mailto:" again, or nested: not one address */
	if (n == 0 || n > DW_LEAK_NORM_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= ' ' || c == ',' || c == ';' || c == '<' || c == '>' || c == 0x7f)
			return 0;
		if (c == '@') {
			at = i;
			nat++;
		}
		out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	if (nat != 1 || at == 0 || at + 1 >= n || !memchr(p + at + 1, '.', n - at - 1) ||
	    p[n - 1] == '.' || p[at + 1] == '.' || memmem(p + at, n - at, "..", 2))
		return 0;
	if (u8_check((const uint8_t *)out, k) != NULL)
		return 0;
	if (domain)
		*domain = at + 1;
	return k;
}

size_t dw_leak_norm_phone(const char *p, size_t n, char *out)
{
	char d[32];
	size_t nd = 0, k = 0;
	int plus = 0, seen_digit = 0;

	if (n > IN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (dw_isdigit(c)) {
			if (nd == sizeof(d))
				return 0; /* too long for a phone number */
			d[nd++] = (char)c;
			seen_digit = 1;
		} else if (c == '+' && !seen_digit) {
			plus = 1;
		} else if ((c == 'x' || c == 'X' || c == '#' || c == ',') && seen_digit) {
			break; /* an extension */
		} else if (!(c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' ||
			     c == '\t')) {
			return 0;
		}
	}
	if (!plus && nd > 2 && d[0] == '0' && d[1] == '0') { /* 00 international prefix */
		memmove(d, d + 2, nd - 2);
		nd -= 2;
		plus = 1;
	}
	if (nd < 7 || nd > 15 + (plus ? 0 : 1))
		return 0;
	if (plus) {
		out[k++] = '+';
	} else if (nd == 10 && d[0] >= '2' && d[0] <= '9' && d[3] >= '2' && d[3] <= '9') {
		out[k++] = '+'; /* a North American number: +1 NPA NXX XXXX */
		out[k++] = '1';
	} else if (nd == 11 && d[0] == '1') {
		out[k++] = '+';
	} else if (d[0] == '0') {
		memmove(d, d + 1, nd - 1); /* trunk prefix: the country is unknown */
		nd--;
		if (nd < 7)
			return 0;
	}
	memcpy(out + k, d, nd);
	return k + nd;
}

size_t dw_leak_phone_key(const char *norm, size_t n, const char **key)
{
	size_t k = n > 9 ? 9 : n;

	*key = norm + n - k;
	return k;
}

/* Folds p[0..n) and appends its words (letters and digits) to w (start, length in buf). */
static size_t words(const char *p, size_t n, char *buf, size_t cap, size_t ws[][2],
		    size_t *nw)
{
	uint8_t fold[FOLD_MAX], *f;
	size_t fn = sizeof(fold), k = 0, i = 0;
	int in_word = 0;

	*nw = 0;
	if (n > IN_MAX) {
		n = IN_MAX;
		while (n && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--; /* cut at a character boundary */
	}
	if (n == 0 || u8_check((const uint8_t *)p, n) != NULL)
		return 0;
	f = u8_casefold((const uint8_t *)p, n, NULL, UNINORM_NFKD, fold, &fn);
	if (!f)
		return 0;
	while (i < fn) {
		ucs4_t c;
		int l = u8_mbtouc(&c, f + i, fn - i);
		if (l <= 0)
			break;
		if (uc_is_general_category(c, UC_CATEGORY_M)) {
			i += (size_t)l;
			continue;
		}
		if (uc_is_alnum(c)) {
			if (k + (size_t)l > cap)
				break;
			if (!in_word) {
				if (*nw == WORDS_MAX)
					break;
				ws[*nw][0] = k;
				ws[*nw][1] = 0;
				(*nw)++;
				in_word = 1;
			}
			memcpy(buf + k, f + i, (size_t)l);
			k += (size_t)l;
			ws[*nw - 1][1] += (size_t)l;
		} else {
			in_word = 0;
		}
		i += (size_t)l;
	}
	if (f != fold)
		free(f);
	return k;
}

/* Joins words ws[order[i]] of buf with single spaces into out (at most DW_LEAK_NORM_MAX). */
static size_t join(const char *buf, size_t ws[][2], const size_t *order, size_t nw, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < nw; i++) {
		size_t s = ws[order[i]][0], l = ws[order[i]][1];
		if (k + (i > 0) + l > DW_LEAK_NORM_MAX) {
			if (i > 0)
				break;
			l = DW_LEAK_NORM_MAX; /* one long word: cut at a character boundary */
			while (l && ((unsigned char)buf[s + l] & 0xc0) == 0x80)
				l--;
		}
		if (i > 0)
			out[k++] = ' ';
		memcpy(out + k, buf + s, l);
		k += l;
	}
	return k;
}

size_t dw_leak_norm_text(const char *p, size_t n, char *out)
{
	char buf[4 * IN_MAX];
	size_t ws[WORDS_MAX][2], order[WORDS_MAX], nw;

	if (!words(p, n, buf, sizeof(buf), ws, &nw))
		return 0;
	for (size_t i = 0; i < nw; i++)
		order[i] = i;
	return join(buf, ws, order, nw, out);
}

size_t dw_leak_norm_name(const char *p, size_t n, char *out)
{
	char buf[4 * IN_MAX];
	size_t ws[WORDS_MAX][2], order[WORDS_MAX], nw;

	if (!words(p, n, buf, sizeof(buf), ws, &nw))
		return 0;
	/* insertion sort of the words (a name has a handful) */
	for (size_t i = 0; i < nw; i++) {
		size_t j = i;
		order[i] = i;
		while (j > 0) {
			size_t a = order[j - 1], b = order[j], la = ws[a][1], lb = ws[b][1];
			int r = memcmp(buf + ws[a][0], buf + ws[b][0], la < lb ? la : lb);
			if (r < 0 || (r == 0 && la <= lb))
				break;
			order[j - 1] = b;
			order[j] = a;
			j--;
		}
	}
	return join(buf, ws, order, nw, out);
}

size_t dw_leak_norm_company(const char *p, size_t n, char *out)
{
	static const char *const legal[] = {
		"ltd", "limited", "inc", "incorporated", "llc", "llp", "plc", "corp", "corporation",
		"co", "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "sl", "srl", "spa", "bv",
		"nv", "ab", "oy", "as", "aps", "kk", "pty", "pte", "sp", "zoo"};
	char buf[4 * IN_MAX];
	size_t ws[WORDS_MAX][2], order[WORDS_MAX], nw;

	if (!words(p, n, buf, sizeof(buf), ws, &nw))
		return 0;
	/* "S.A.", "S.p.A.": a trailing run of one-letter words is one word (words lie back to back in buf) */
	{
		size_t r = 0;
		while (r < nw - 1 && ws[nw - 1 - r][1] == 1)
			r++;
		if (r >= 2) {
			ws[nw - r][1] = r;
			nw -= r - 1;
		}
	}
	while (nw > 1) {
		size_t s = ws[nw - 1][0], l = ws[nw - 1][1], i;
		for (i = 0; i < DW_ARRAY_LEN(legal); i++)
			if (strlen(legal[i]) == l && memcmp(buf + s, legal[i], l) == 0)
				break;
		if (i == DW_ARRAY_LEN(legal))
			break;
		nw--;
	}
	for (size_t i = 0; i < nw; i++)
		order[i] = i;
	return join(buf, ws, order, nw, out);
}
