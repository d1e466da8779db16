/*
 * json.h - an allocation-free JSON reader for one record (one line of a
 * JSON-lines log): a single pass turns the text into a flat array of tokens
 * owned by the caller; lookups then walk the tokens, skipping whole
 * sub-trees in one step. Used by the JSON log formats (journal, Entra ID,
 * Microsoft 365, Okta, Windows event JSON).
 *
 * Limits (hostile input): at most cap tokens (DW_ERANGE beyond), nesting
 * at most DW_JSON_DEPTH (DW_ERANGE), text shorter than 4 GiB. Strings are
 * checked for valid escapes and no raw control bytes; numbers for their
 * grammar. Nothing is allocated; tokens point into the text, which must
 * outlive them.
 */
#ifndef DW_PARSE_JSON_H
#define DW_PARSE_JSON_H

#include "../core/dw.h"

#define DW_JSON_DEPTH 64

enum dw_json_type {
	DW_JSON_NONE = 0,
	DW_JSON_OBJECT,
	DW_JSON_ARRAY,
	DW_JSON_STRING,
	DW_JSON_NUMBER,
	DW_JSON_TRUE,
	DW_JSON_FALSE,
	DW_JSON_NULL,
};

struct dw_json_tok {
	uint8_t type;
	uint8_t escaped; /* string holds backslash escapes */
	uint32_t start;  /* first byte (strings: after the quote) */
	uint32_t end;    /* one past the last byte (strings: the closing quote) */
	uint32_t size;   /* objects: members; arrays: elements */
	uint32_t next;   /* index of the first token after this token's sub-tree */
};

struct dw_json {
	const char *src;
	struct dw_json_tok *t; /* caller's array */
	uint32_t cap;
	uint32_t n;
};

/* Prepares j to use the caller's token array (cap entries; borrowed). */
void dw_json_init(struct dw_json *j, struct dw_json_tok *toks, uint32_t cap);

/*
 * Tokenises p[0..n) as exactly one JSON value (surrounding white space
 * allowed). Returns DW_OK, DW_EINVAL (malformed or trailing bytes) or
 * DW_ERANGE (too many tokens, too deep, too long). Token 0 is the root.
 */
int dw_json_parse(struct dw_json *j, const char *p, size_t n) DW_WUR;

/* Token index of the value of key in object obj (first match), or -1. */
int dw_json_get(const struct dw_json *j, int obj, const char *key);
/* Same, ignoring ASCII case in the key (Okta exports with lower-cased keys). */
int dw_json_get_ci(const struct dw_json *j, int obj, const char *key);

/*
 * Follows a dotted path from token root: "status.errorCode"; a numeric part
 * indexes an array ("authenticationDetails.0.succeeded"). Returns the token
 * index or -1.
 */
int dw_json_path(const struct dw_json *j, int root, const char *path);

/* Element i of array arr, or -1. */
int dw_json_index(const struct dw_json *j, int arr, uint32_t i);

/* The raw bytes of a token (strings without quotes, escapes not decoded). */
struct dw_slice dw_json_raw(const struct dw_json *j, int tok);

/*
 * A string's value: the raw slice when it has no escapes, else decoded into
 * buf (cap bytes; \uXXXX and surrogate pairs to UTF-8, a lone surrogate to
 * U+FFFD; cut at cap). Numbers and literals give their text. Returns an
 * empty slice for -1, objects and arrays.
 */
struct dw_slice dw_json_str(const struct dw_json *j, int tok, char *buf, size_t cap);

/* Value token of key in obj: an exact key first, else one that differs in ASCII case; or -1. */
int dw_json_field(const struct dw_json *j, int obj, const char *key);

/* The type of token tok (DW_JSON_NONE for -1). */
int dw_json_type(const struct dw_json *j, int tok);

/* Where the decoded strings of one record go: consecutive pieces of p[0..cap). */
struct dw_json_scratch {
	char *p;
	size_t cap, used;
};

/*
 * A string token's value: the raw slice when it has no escapes, else decoded
 * into the next piece of sc (cut when sc fills; empty once it is full). Any
 * other token type gives an empty slice.
 */
struct dw_slice dw_json_take(const struct dw_json *j, int tok, struct dw_json_scratch *sc);

/* A number, or a string holding one (integer part; "12.5" gives 12). DW_OK or DW_EINVAL. */
int dw_json_i64(const struct dw_json *j, int tok, int64_t *v) DW_WUR;

/* Test hook: 1 if the SIMD and scalar string scans disagree from any start in p[0..n]. */
int dw_json_scan_check(const char *p, size_t n);

#endif
