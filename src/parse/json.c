/*
 * json.c - single-pass JSON tokenizer and token lookups (see json.h).
 *
 * The pass keeps an explicit stack of open containers (at most
 * DW_JSON_DEPTH entries, 64 * 4 bytes on the C stack), so hostile nesting
 * costs no recursion. Each token records where its sub-tree ends (next),
 * filled when the container closes, so a lookup visits only the members of
 * the object it searches: O(members), never O(document); dw_json_field
 * finds an exact key or the first case-blind one in the same single walk.
 *
 * Strings are most of the bytes of a log record, and only three kinds of
 * byte inside one matter: '"', '\\' and control bytes. The fast path finds
 * the next of them 16 bytes at a time with SSE2 (an unaligned load, a min,
 * three compares, a movemask) and looks at nothing in between; a scalar
 * twin does the same byte by byte where SSE2 is missing or DW_NO_SIMD is
 * defined, and the tests check that both give the same answer on every
 * input.
 *
 * Memory: the caller's token array, 20 bytes a token (a 2 KiB sign-in
 * record needs about 200 tokens: 4 KiB); nothing else.
 */
#include "json.h"

void dw_json_init(struct dw_json *j, struct dw_json_tok *toks, uint32_t cap)
{
	j->src = NULL;
	j->t = toks;
	j->cap = cap;
	j->n = 0;
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Length of the valid escape at p[k] ('\\' ...), or 0. */
static size_t escape_len(const char *p, size_t n, size_t k)
{
	unsigned char c;

	if (k + 1 >= n)
		return 0;
	c = (unsigned char)p[k + 1];
	if (c == 'u') {
		if (k + 5 >= n)
			return 0;
		for (size_t h = 2; h < 6; h++)
			if (hexval((unsigned char)p[k + h]) < 0)
				return 0;
		return 6;
	}
	return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
			       c == 't'
		       ? 2
		       : 0;
}

/*
 * A string body ends at its first '"' that is not part of an escape. Only
 * three kinds of byte need a look: '"', '\\' (an escape, checked and then
 * stepped over whole, so the quote of \" never ends the string) and a raw
 * control byte below 0x20 (an error). next_special finds the first of them
 * at or after i, or gives n; the bytes before it need no other look.
 */
static size_t next_special_scalar(const char *p, size_t n, size_t i)
{
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"' || c == '\\' || c < 0x20)
			break;
	}
	return i;
}

#if defined(__SSE2__) && !defined(DW_NO_SIMD)
#include <emmintrin.h>
/*
 * 16 bytes at a time: a byte is special when it equals '"' or '\\', or when
 * min(b, 0x1f) == b (an unsigned b <= 0x1f). The last partial block is read
 * as the 16 bytes that end at n, with the bits before i shifted out, so no
 * byte past n is read; inputs shorter than 16 bytes go to the scalar twin
 * (tests compare both on every input).
 */
static unsigned special_mask(const char *p)
{
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i lim = _mm_set1_epi8(0x1f);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, quote), _mm_cmpeq_epi8(b, bslash)),
				 _mm_cmpeq_epi8(_mm_min_epu8(b, lim), b));

	return (unsigned)_mm_movemask_epi8(m);
}

static size_t next_special(const char *p, size_t n, size_t i)
{
	unsigned m;

	for (; i + 16 <= n; i += 16)
		if ((m = special_mask(p + i)) != 0)
			return i + (size_t)__builtin_ctz(m);
	if (i >= n || n < 16)
		return next_special_scalar(p, n, i);
	m = special_mask(p + n - 16) >> (i - (n - 16)); /* 1..15 bytes left */
	return m ? i + (size_t)__builtin_ctz(m) : n;
}
#else
#define next_special next_special_scalar
#endif

/*
 * Scans a string body from p[i] (after the opening quote): returns the
 * offset of the closing quote, or -1 for a bad escape, a raw control byte
 * or no closing quote; *escaped says whether a valid escape came before
 * it. vec picks next_special or its scalar twin (a constant: both
 * scan_string and scan_string_scalar inline this).
 */
static inline long scan_body(const char *p, size_t n, size_t i, int *escaped, int vec)
{
	*escaped = 0;
	for (;;) {
		size_t l;

		i = vec ? next_special(p, n, i) : next_special_scalar(p, n, i);
		if (i >= n)
			return -1;
		if (p[i] == '"')
			return (long)i;
		if (p[i] != '\\' || (l = escape_len(p, n, i)) == 0)
			return -1; /* a control byte or a bad escape */
		*escaped = 1;
		i += l;
	}
}

static long scan_string(const char *p, size_t n, size_t i, int *escaped)
{
	return scan_body(p, n, i, escaped, 1);
}

static long scan_string_scalar(const char *p, size_t n, size_t i, int *escaped)
{
	return scan_body(p, n, i, escaped, 0);
}

/* For the tests: 1 if scan_string and its scalar twin disagree from any start in p[0..n]. */
int dw_json_scan_check(const char *p, size_t n)
{
	for (size_t i = 0; i <= n; i++) {
		int e1, e2;
		if (scan_string(p, n, i, &e1) != scan_string_scalar(p, n, i, &e2) || e1 != e2)
			return 1;
	}
	return 0;
}

static size_t scan_number(const char *p, size_t n, size_t i)
{
	size_t s = i;

	if (i < n && p[i] == '-')
		i++;
	if (i >= n || !dw_isdigit((unsigned char)p[i]))
		return 0;
	if (p[i] == '0')
		i++;
	else
		while (i < n && dw_isdigit((unsigned char)p[i]))
			i++;
	if (i < n && p[i] == '.') {
		i++;
		if (i >= n || !dw_isdigit((unsigned char)p[i]))
			return 0;
		while (i < n && dw_isdigit((unsigned char)p[i]))
			i++;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || !dw_isdigit((unsigned char)p[i]))
			return 0;
		while (i < n && dw_isdigit((unsigned char)p[i]))
			i++;
	}
	return i - s;
}

static size_t skip_ws(const char *p, size_t n, size_t i)
{
	while (i < n && is_ws((unsigned char)p[i]))
		i++;
	return i;
}

/* Appends a token (the caller checked the room): a leaf until its container closes. */
static struct dw_json_tok *push(struct dw_json_tok *t, uint32_t *nt, int type, size_t start,
				size_t end)
{
	struct dw_json_tok *k = &t[(*nt)++];

	k->type = (uint8_t)type;
	k->escaped = 0;
	k->start = (uint32_t)start;
	k->end = (uint32_t)end;
	k->size = 0;
	k->next = *nt;
	return k;
}

/*
 * One label a state: a value is due (value), a key (key), a value is
 * complete, so ',' or the close of the innermost container is due (done),
 * or only white space is left (end). A container's first byte is looked at
 * where it opens: the one place where '}' or ']' may stand in for a key or
 * value (an empty container). Every state skips white space first and
 * fails at the end of the text; errors leave through out with the tokens
 * made so far. The token count lives in nt (j->n is set
 * on the way out), the capacity in cap and the innermost open container in
 * top (NULL at depth 0), so no token store makes the compiler reload them.
 */
int dw_json_parse(struct dw_json *j, const char *p, size_t n)
{
	uint32_t stack[DW_JSON_DEPTH];
	struct dw_json_tok *t = j->t, *top = NULL;
	uint32_t nt = 0, cap = j->cap;
	int depth = 0, rc = DW_EINVAL, esc;
	size_t i = 0;
	long q;
	unsigned char c;

	j->src = p;
	j->n = 0;
	if (n >= UINT32_MAX)
		return DW_ERANGE;
value:
	if ((i = skip_ws(p, n, i)) >= n)
		goto out;
	c = (unsigned char)p[i];
	if (top && top->type == DW_JSON_ARRAY)
		top->size++;
	if (c == '"') {
		if ((q = scan_string(p, n, i + 1, &esc)) < 0)
			goto out;
		if (nt >= cap)
			goto range;
		push(t, &nt, DW_JSON_STRING, i + 1, (size_t)q)->escaped = (uint8_t)esc;
		i = (size_t)q + 1;
	} else if (c == '{' || c == '[') {
		if (depth >= DW_JSON_DEPTH || nt >= cap)
			goto range;
		top = push(t, &nt, c == '{' ? DW_JSON_OBJECT : DW_JSON_ARRAY, i, i + 1);
		stack[depth++] = nt - 1;
		if ((i = skip_ws(p, n, i + 1)) >= n)
			goto out;
		if (p[i] == '}' || p[i] == ']') { /* empty */
			if ((p[i] == '}') != (c == '{'))
				goto out;
			goto close;
		}
		if (c == '{')
			goto key;
		goto value;
	} else if (c == '-' || dw_isdigit(c)) {
		size_t l = scan_number(p, n, i);
		if (l == 0)
			goto out;
		if (nt >= cap)
			goto range;
		push(t, &nt, DW_JSON_NUMBER, i, i + l);
		i += l;
	} else if (n - i >= 4 && memcmp(p + i, "true", 4) == 0) {
		if (nt >= cap)
			goto range;
		push(t, &nt, DW_JSON_TRUE, i, i + 4);
		i += 4;
	} else if (n - i >= 5 && memcmp(p + i, "false", 5) == 0) {
		if (nt >= cap)
			goto range;
		push(t, &nt, DW_JSON_FALSE, i, i + 5);
		i += 5;
	} else if (n - i >= 4 && memcmp(p + i, "null", 4) == 0) {
		if (nt >= cap)
			goto range;
		push(t, &nt, DW_JSON_NULL, i, i + 4);
		i += 4;
	} else {
		goto out;
	}
done: /* a value is complete */
	if (depth == 0)
		goto end;
	if ((i = skip_ws(p, n, i)) >= n)
		goto out;
	if (p[i] == ',') {
		i++;
		if (top->type == DW_JSON_ARRAY)
			goto value;
		goto key;
	}
	if (p[i] != (top->type == DW_JSON_OBJECT ? '}' : ']'))
		goto out;
close: /* p[i] closes top */
	top->end = (uint32_t)(i + 1);
	top->next = nt;
	i++;
	depth--;
	top = depth > 0 ? &t[stack[depth - 1]] : NULL;
	goto done;
key:
	if ((i = skip_ws(p, n, i)) >= n || p[i] != '"')
		goto out;
	if ((q = scan_string(p, n, i + 1, &esc)) < 0)
		goto out;
	if (nt >= cap)
		goto range;
	push(t, &nt, DW_JSON_STRING, i + 1, (size_t)q)->escaped = (uint8_t)esc;
	top->size++;
	if ((i = skip_ws(p, n, (size_t)q + 1)) >= n || p[i] != ':')
		goto out;
	i++;
	goto value;
end:
	rc = skip_ws(p, n, i) < n ? DW_EINVAL : DW_OK; /* trailing bytes */
	goto out;
range:
	rc = DW_ERANGE;
out:
	j->n = nt;
	return rc;
}

/* 1 if s[0..n) equals key[0..n): keys of one length mostly differ in the first byte already. */
static int same(const char *s, const char *key, size_t n)
{
	return n == 0 || (s[0] == key[0] && memcmp(s + 1, key + 1, n - 1) == 0);
}

/* 1 if s[0..n) equals key[0..n) but for ASCII case. */
static int same_ci(const char *s, const char *key, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dw_tolower((unsigned char)s[i]) != dw_tolower((unsigned char)key[i]))
			return 0;
	return 1;
}

/* How get_n matches: exactly; ignoring ASCII case; exactly if some key does, else ignoring case. */
enum { KEY_EXACT, KEY_CI, KEY_FIELD };

/*
 * Value token of key[0..kl) in object obj, or -1: one walk over the
 * members. Keys with escapes are not looked up by name. An exact match is
 * also a case-blind one, so KEY_CI stops at the first key of either kind;
 * KEY_FIELD stops at the first exact one and else gives the first
 * case-blind one it passed.
 */
static int get_n(const struct dw_json *j, int obj, const char *key, size_t kl, int how)
{
	const struct dw_json_tok *t = j->t, *k, *last;
	uint32_t left;
	int ci = -1;

	if (obj < 0 || (uint32_t)obj >= j->n || t[obj].type != DW_JSON_OBJECT)
		return -1;
	last = &t[j->n - 1]; /* a key needs its value token after it */
	k = &t[obj + 1];
	for (left = t[obj].size; left > 0 && k < last; left--) {
		if (k->end - k->start == kl && !k->escaped) {
			const char *s = j->src + k->start;
			if (same(s, key, kl))
				return (int)(k - t) + 1;
			if (how != KEY_EXACT && ci < 0 && same_ci(s, key, kl)) {
				if (how == KEY_CI)
					return (int)(k - t) + 1;
				ci = (int)(k - t) + 1;
			}
		}
		k = &t[k[1].next]; /* skip the value's sub-tree */
	}
	return ci;
}

int dw_json_get(const struct dw_json *j, int obj, const char *key)
{
	return get_n(j, obj, key, strlen(key), KEY_EXACT);
}

int dw_json_get_ci(const struct dw_json *j, int obj, const char *key)
{
	return get_n(j, obj, key, strlen(key), KEY_CI);
}

int dw_json_index(const struct dw_json *j, int arr, uint32_t idx)
{
	uint32_t i;

	if (arr < 0 || (uint32_t)arr >= j->n || j->t[arr].type != DW_JSON_ARRAY ||
	    idx >= j->t[arr].size)
		return -1;
	i = (uint32_t)arr + 1;
	while (idx-- > 0 && i < j->n)
		i = j->t[i].next;
	return i < j->n ? (int)i : -1;
}

int dw_json_path(const struct dw_json *j, int root, const char *path)
{
	int cur = root;

	while (cur >= 0 && *path) {
		const char *dot = strchr(path, '.');
		size_t l = dot ? (size_t)(dot - path) : strlen(path);
		uint32_t idx = 0;
		int numeric = l > 0 && l < 10;

		for (size_t k = 0; k < l && numeric; k++) {
			if (!dw_isdigit((unsigned char)path[k]))
				numeric = 0;
			else
				idx = idx * 10 + (uint32_t)(path[k] - '0');
		}
		if (j->t[cur].type == DW_JSON_ARRAY && numeric)
			cur = dw_json_index(j, cur, idx);
		else
			cur = get_n(j, cur, path, l, KEY_EXACT);
		path += l;
		if (*path == '.')
			path++;
	}
	return cur;
}

struct dw_slice dw_json_raw(const struct dw_json *j, int tok)
{
	if (tok < 0 || (uint32_t)tok >= j->n)
		return dw_slice_make(NULL, 0);
	return dw_slice_make(j->src + j->t[tok].start, j->t[tok].end - j->t[tok].start);
}

static size_t put_utf8(char *b, size_t o, size_t cap, uint32_t cp)
{
	char u[4];
	size_t l;

	if (cp < 0x80) {
		u[0] = (char)cp;
		l = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		l = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		l = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		l = 4;
	}
	if (o + l > cap)
		return o;
	memcpy(b + o, u, l);
	return o + l;
}

static uint32_t hex4(const char *s)
{
	return (uint32_t)(hexval((unsigned char)s[0]) << 12 | hexval((unsigned char)s[1]) << 8 |
			  hexval((unsigned char)s[2]) << 4 | hexval((unsigned char)s[3]));
}

struct dw_slice dw_json_str(const struct dw_json *j, int tok, char *buf, size_t cap)
{
	const struct dw_json_tok *t;
	const char *s;
	size_t n, o = 0;

	if (tok < 0 || (uint32_t)tok >= j->n)
		return dw_slice_make(NULL, 0);
	t = &j->t[tok];
	if (t->type == DW_JSON_OBJECT || t->type == DW_JSON_ARRAY)
		return dw_slice_make(NULL, 0);
	s = j->src + t->start;
	n = t->end - t->start;
	if (t->type != DW_JSON_STRING || !t->escaped)
		return dw_slice_make(s, n);
	for (size_t i = 0; i < n && o < cap; i++) {
		uint32_t cp;
		if (s[i] != '\\') {
			buf[o++] = s[i];
			continue;
		}
		i++; /* the tokenizer checked every escape */
		switch (s[i]) {
		case 'b': buf[o++] = '\b'; continue;
		case 'f': buf[o++] = '\f'; continue;
		case 'n': buf[o++] = '\n'; continue;
		case 'r': buf[o++] = '\r'; continue;
		case 't': buf[o++] = '\t'; continue;
		case 'u': break;
		default: buf[o++] = s[i]; continue;
		}
		cp = hex4(s + i + 1);
		i += 4;
		if (cp >= 0xd800 && cp <= 0xdbff && i + 6 < n && s[i + 1] == '\\' && s[i + 2] == 'u') {
			uint32_t lo = hex4(s + i + 3);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
		}
		if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd; /* lone surrogate */
		o = put_utf8(buf, o, cap, cp);
	}
	return dw_slice_make(buf, o);
}

int dw_json_i64(const struct dw_json *j, int tok, int64_t *v)
{
	struct dw_slice s = dw_json_raw(j, tok);
	int64_t x = 0;
	size_t i = 0;
	int neg = 0;

	if (tok < 0 || (uint32_t)tok >= j->n ||
	    (j->t[tok].type != DW_JSON_NUMBER && j->t[tok].type != DW_JSON_STRING) || s.n == 0)
		return DW_EINVAL;
	if (s.p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i >= s.n || !dw_isdigit((unsigned char)s.p[i]))
		return DW_EINVAL;
	for (; i < s.n && dw_isdigit((unsigned char)s.p[i]); i++) {
		if (x > (INT64_MAX - 9) / 10)
			return DW_EINVAL;
		x = x * 10 + (s.p[i] - '0');
	}
	if (i < s.n && s.p[i] != '.' && s.p[i] != 'e' && s.p[i] != 'E')
		return DW_EINVAL;
	*v = neg ? -x : x;
	return DW_OK;
}

int dw_json_field(const struct dw_json *j, int obj, const char *key)
{
	return get_n(j, obj, key, strlen(key), KEY_FIELD);
}

int dw_json_type(const struct dw_json *j, int tok)
{
	return tok < 0 || (uint32_t)tok >= j->n ? DW_JSON_NONE : j->t[tok].type;
}

struct dw_slice dw_json_take(const struct dw_json *j, int tok, struct dw_json_scratch *sc)
{
	struct dw_slice s;

	if (dw_json_type(j, tok) != DW_JSON_STRING)
		return dw_slice_make(NULL, 0);
	if (!j->t[tok].escaped)
		return dw_json_str(j, tok, NULL, 0);
	if (sc->used >= sc->cap)
		return dw_slice_make(NULL, 0);
	s = dw_json_str(j, tok, sc->p + sc->used, sc->cap - sc->used);
	if (s.p == sc->p + sc->used)
		sc->used += s.n;
	return s;
}
