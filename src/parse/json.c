/*
 * json.c - single-pass JSON tokenizer and token lookups (see json.h).
 *
 * The pass keeps an explicit stack of open containers (at most
 * DW_JSON_DEPTH entries, 64 * 4 bytes on the C stack), so hostile nesting
 * costs no recursion. Each token records where its sub-tree ends (next),
 * filled when the container closes, so a lookup visits only the members of
 * the object it searches: O(members), never O(document).
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
 * Scans a string body from p[i] (after the opening quote): returns the
 * offset of the closing quote, or -1 for a bad escape, a raw control byte
 * or no closing quote. memchr finds each candidate quote; the run before it
 * is checked byte by byte, and a quote that an escape swallowed restarts the
 * search after the escape.
 */
static long scan_string(const char *p, size_t n, size_t i, int *escaped)
{
	*escaped = 0;
	while (i < n) {
		const char *q = memchr(p + i, '"', n - i);
		size_t stop, k;

		if (!q)
			return -1;
		stop = (size_t)(q - p);
		for (k = i; k < stop; k++) {
			unsigned char c = (unsigned char)p[k];
			size_t l;
			if (c < 0x20)
				return -1;
			if (c != '\\')
				continue;
			if ((l = escape_len(p, n, k)) == 0)
				return -1;
			*escaped = 1;
			k += l - 1;
		}
		if (k == stop)
			return (long)stop;
		i = k; /* the quote at stop was escaped */
	}
	return -1;
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

static struct dw_json_tok *push(struct dw_json *j, int type, size_t start, size_t end)
{
	struct dw_json_tok *t;

	if (j->n >= j->cap)
		return NULL;
	t = &j->t[j->n++];
	t->type = (uint8_t)type;
	t->escaped = 0;
	t->start = (uint32_t)start;
	t->end = (uint32_t)end;
	t->size = 0;
	t->next = j->n;
	return t;
}

/*
 * States: expecting a value (V), a key or '}' (K), a ':' (C), or ',' / close
 * (A). "first" allows ']' or '}' right after the opener.
 */
int dw_json_parse(struct dw_json *j, const char *p, size_t n)
{
	uint32_t stack[DW_JSON_DEPTH];
	int depth = 0, want_key = 0, after = 0, first = 0, done = 0;
	size_t i = 0;

	j->src = p;
	j->n = 0;
	if (n >= UINT32_MAX)
		return DW_ERANGE;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		struct dw_json_tok *t;

		if (is_ws(c)) {
			i++;
			continue;
		}
		if (done)
			return DW_EINVAL; /* trailing bytes */
		if (after) { /* after a value: ',' or a close */
			struct dw_json_tok *top = &j->t[stack[depth - 1]];
			if (c == ',') {
				after = 0;
				want_key = top->type == DW_JSON_OBJECT;
				first = 0;
				i++;
				continue;
			}
			if ((c == '}' && top->type == DW_JSON_OBJECT) ||
			    (c == ']' && top->type == DW_JSON_ARRAY)) {
				top->end = (uint32_t)(i + 1);
				top->next = j->n;
				depth--;
				i++;
				if (depth == 0)
					done = 1;
				continue;
			}
			return DW_EINVAL;
		}
		if (first && (c == '}' || c == ']')) { /* empty container */
			struct dw_json_tok *top = &j->t[stack[depth - 1]];
			if ((c == '}') != (top->type == DW_JSON_OBJECT))
				return DW_EINVAL;
			top->end = (uint32_t)(i + 1);
			top->next = j->n;
			depth--;
			first = 0;
			want_key = 0;
			after = depth > 0;
			if (depth == 0)
				done = 1;
			i++;
			continue;
		}
		first = 0;
		if (want_key) {
			long q;
			int esc;
			if (c != '"')
				return DW_EINVAL;
			q = scan_string(p, n, i + 1, &esc);
			if (q < 0)
				return DW_EINVAL;
			if (!(t = push(j, DW_JSON_STRING, i + 1, (size_t)q)))
				return DW_ERANGE;
			t->escaped = (uint8_t)esc;
			j->t[stack[depth - 1]].size++;
			i = (size_t)q + 1;
			while (i < n && is_ws((unsigned char)p[i]))
				i++;
			if (i >= n || p[i] != ':')
				return DW_EINVAL;
			i++;
			want_key = 0;
			continue;
		}
		/* a value */
		if (depth > 0 && j->t[stack[depth - 1]].type == DW_JSON_ARRAY)
			j->t[stack[depth - 1]].size++;
		if (c == '{' || c == '[') {
			if (depth >= DW_JSON_DEPTH)
				return DW_ERANGE;
			if (!(t = push(j, c == '{' ? DW_JSON_OBJECT : DW_JSON_ARRAY, i, i + 1)))
				return DW_ERANGE;
			stack[depth++] = j->n - 1;
			want_key = c == '{';
			first = 1;
			i++;
			continue;
		}
		if (c == '"') {
			int esc;
			long q = scan_string(p, n, i + 1, &esc);
			if (q < 0)
				return DW_EINVAL;
			if (!(t = push(j, DW_JSON_STRING, i + 1, (size_t)q)))
				return DW_ERANGE;
			t->escaped = (uint8_t)esc;
			i = (size_t)q + 1;
		} else if (c == '-' || dw_isdigit(c)) {
			size_t l = scan_number(p, n, i);
			if (l == 0)
				return DW_EINVAL;
			if (!push(j, DW_JSON_NUMBER, i, i + l))
				return DW_ERANGE;
			i += l;
		} else if (n - i >= 4 && memcmp(p + i, "true", 4) == 0) {
			if (!push(j, DW_JSON_TRUE, i, i + 4))
				return DW_ERANGE;
			i += 4;
		} else if (n - i >= 5 && memcmp(p + i, "false", 5) == 0) {
			if (!push(j, DW_JSON_FALSE, i, i + 5))
				return DW_ERANGE;
			i += 5;
		} else if (n - i >= 4 && memcmp(p + i, "null", 4) == 0) {
			if (!push(j, DW_JSON_NULL, i, i + 4))
				return DW_ERANGE;
			i += 4;
		} else {
			return DW_EINVAL;
		}
		if (depth == 0)
			done = 1;
		else
			after = 1;
	}
	return done ? DW_OK : DW_EINVAL;
}

static int key_eq(const struct dw_json *j, const struct dw_json_tok *k, const char *key, size_t kl,
		  int ci)
{
	const char *s = j->src + k->start;
	size_t n = k->end - k->start;

	if (n != kl || k->escaped)
		return 0; /* keys with escapes are not looked up by name */
	if (!ci)
		return memcmp(s, key, kl) == 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)key[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b + 32);
		if (a != b)
			return 0;
	}
	return 1;
}

static int get_n(const struct dw_json *j, int obj, const char *key, size_t kl, int ci)
{
	uint32_t i, left;

	if (obj < 0 || (uint32_t)obj >= j->n || j->t[obj].type != DW_JSON_OBJECT)
		return -1;
	i = (uint32_t)obj + 1;
	for (left = j->t[obj].size; left > 0 && i + 1 < j->n; left--) {
		if (key_eq(j, &j->t[i], key, kl, ci))
			return (int)i + 1;
		i = j->t[i + 1].next; /* skip the value's sub-tree */
	}
	return -1;
}

int dw_json_get(const struct dw_json *j, int obj, const char *key)
{
	return get_n(j, obj, key, strlen(key), 0);
}

int dw_json_get_ci(const struct dw_json *j, int obj, const char *key)
{
	return get_n(j, obj, key, strlen(key), 1);
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
			cur = get_n(j, cur, path, l, 0);
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
	int t;

	if (obj < 0)
		return -1;
	t = dw_json_get(j, obj, key);
	return t >= 0 ? t : dw_json_get_ci(j, obj, key);
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
