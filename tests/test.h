/*
 * test.h - the unit-test harness: each test is a function registered by
 * DW_TEST(name) at start-up (a constructor), so adding a test file needs no
 * edit elsewhere. tests/run.c runs them (optionally filtered by a name
 * substring) and prints one TAP-like line per test.
 *
 * Assertions return from the test with a message; they never abort, so one
 * failing test does not hide the others.
 */
#ifndef DW_TESTS_TEST_H
#define DW_TESTS_TEST_H

#include <stdio.h>
#include <string.h>

typedef int (*dw_test_fn)(char *msg, size_t msgsz);

void dw_test_register(const char *name, dw_test_fn fn);

/* Directory of the shared/ checkout beside the repo (env DWELL_SHARED or ../shared). */
const char *dw_test_shared(void);
/*
 * Case files write bytes a text line cannot hold as "\xHH": replaces each by
 * its byte in s[0..n), in place; returns the new length.
 */
size_t dw_test_unescape(char *s, size_t n);

/* Directory for scratch files of this test run (created by the runner). */
const char *dw_test_tmpdir(void);

#define DW_TEST(name)                                                        \
	static int test_##name(char *msg_, size_t msgsz_);                   \
	__attribute__((constructor)) static void reg_##name(void)            \
	{                                                                    \
		dw_test_register(#name, test_##name);                        \
	}                                                                    \
	static int test_##name(char *msg_, size_t msgsz_)

#define DW_ASSERT(c)                                                                   \
	do {                                                                           \
		if (!(c)) {                                                            \
			snprintf(msg_, msgsz_, "%s:%d: %s", __FILE__, __LINE__, #c);    \
			return 1;                                                      \
		}                                                                      \
	} while (0)

#define DW_ASSERT_EQ_INT(a, b)                                                          \
	do {                                                                            \
		long long a_ = (long long)(a), b_ = (long long)(b);                     \
		if (a_ != b_) {                                                         \
			snprintf(msg_, msgsz_, "%s:%d: %s == %lld, expected %lld", __FILE__, \
				 __LINE__, #a, a_, b_);                                 \
			return 1;                                                       \
		}                                                                       \
	} while (0)

#define DW_ASSERT_EQ_STR(a, b)                                                          \
	do {                                                                            \
		const char *a_ = (a), *b_ = (b);                                        \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                \
			snprintf(msg_, msgsz_, "%s:%d: %s == \"%s\", expected \"%s\"",      \
				 __FILE__, __LINE__, #a, a_ ? a_ : "(null)",            \
				 b_ ? b_ : "(null)");                                   \
			return 1;                                                       \
		}                                                                       \
	} while (0)

/* Fails the test with a formatted message. */
#define DW_FAIL(...)                                   \
	do {                                           \
		snprintf(msg_, msgsz_, __VA_ARGS__);   \
		return 1;                              \
	} while (0)

#define DW_PASS() return 0

#endif
