/*
 * detect_harness.h - what the detector unit tests share: a detector built
 * from defaults plus overrides, events fed by one-line helpers, and the
 * alerts it emitted collected in G (kind, lists joined with ',', counts and
 * the JSON of every alert) so a test can assert exactly what came out.
 */
#ifndef DW_TEST_DETECT_HARNESS_H
#define DW_TEST_DETECT_HARNESS_H

#include "../../src/detect/detect.h"
#include "../test.h"

#define T0 1709251200LL /* 2024-03-01T00:00:00Z */
#define MIN 60LL
#define HOUR 3600LL
#define DAY 86400LL

struct got {
	const char *kind, *detector, *severity;
	char sources[512], users[512], comp[256];
	uint64_t nsrc, nusers, ncomp, attempts, successes;
};

struct detect_got {
	struct got v[512];
	int n;
	struct dw_sb json;
};
extern struct detect_got G;

enum { F = DW_ACT_AUTH_FAILURE, S = DW_ACT_AUTH_SUCCESS, O = DW_ACT_OTHER };

struct dw_detect *mk(struct dw_config **cfg, const char *const *sets);
void done(struct dw_detect *d, struct dw_config *cfg);
/* Another detector with cfg whose alerts go to G too (G is not reset). */
struct dw_detect *mk_more(const struct dw_config *cfg);
/* Forgets the alerts collected in G. */
void got_reset(void);

/*
 * Tapes: while one is recording (tape_record), put() - and so every helper
 * below - appends a deep copy of the event (its strings and file name
 * owned by the tape) instead of feeding d, so a scenario can be replayed
 * whole or in pieces (tape_play events [from, to)) into other detectors.
 */
struct taped {
	struct dw_event e;
	char *text; /* the event's strings, which its slices point into */
};
struct tape {
	struct taped *v;
	size_t n, cap;
};
void tape_record(struct tape *t); /* NULL: stop */
void tape_play(const struct tape *t, struct dw_detect *d, size_t from, size_t to);
void tape_free(struct tape *t);
/* Feeds e to d, or appends it to the tape being recorded. */
void put(struct dw_detect *d, const struct dw_event *e);
void feed(struct dw_detect *d, int64_t t, int action, const char *ip, const char *user,
	  int unknown, const char *method);
void fail(struct dw_detect *d, int64_t t, const char *ip, const char *user);
void fail_unknown(struct dw_detect *d, int64_t t, const char *ip, const char *user);
void ok(struct dw_detect *d, int64_t t, const char *ip, const char *user);
void tick(struct dw_detect *d, int64_t t);
const char *ipf(char *buf, const char *fmt, int a, int b);
const char *userf(char *buf, const char *prefix, int i);
void background(struct dw_detect *d, int64_t from, int64_t to, int n);
void warmup(struct dw_detect *d, int64_t t, int n);
/*
 * From T0 + 1 h: 203.0.113.9 sprays emp000..emp029 a minute apart; it guesses
 * emp003 right before it is recognised (at 5 accounts), and emp002 logs in
 * from a fresh address (198.18.7.7) during the spray.
 */
void spray_with_early_logins(struct dw_detect *d);
int count_kind(const char *kind);
const struct got *find_kind(const char *kind);

#define EXPECT_ONLY(nalerts)                                                               \
	do {                                                                               \
		if (G.n != (nalerts))                                                      \
			DW_FAIL("%d alerts, expected %d: %.*s", G.n, (nalerts),             \
				(int)DW_MIN(G.json.n, 1500), G.json.p ? G.json.p : "");     \
	} while (0)

#endif
