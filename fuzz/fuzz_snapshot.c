/*
 * fuzz_snapshot.c - libFuzzer target for dw_detect_load: the input is a
 * state blob (its last 8 bytes, the checksum, are recomputed first, so the
 * fuzzer reaches the field checks instead of bouncing off the checksum),
 * loaded into a fresh detector with tiny tables (the configuration of
 * tests/unit/test_detect_snapshot.c's fuzz_sets, which wrote the seeds in
 * fuzz/corpus/snapshot/). A blob that loads must save a blob that loads
 * and saves back to the same bytes; then the detector takes a few events
 * of every kind and is flushed, every alert rendered and checked.
 * Replayed by fuzz/onefile.c in `make test`; run it with
 * `make fuzz-run T=snapshot SECS=300`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/sb.h"
#include "../src/detect/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0 1709251200LL /* 2024-03-01 */

static struct dw_sb out, b1, b2;
static struct dw_config *cfg;

static void on_alert(void *ctx, struct dw_alert *a)
{
	(void)ctx;
	if (a->sources.n > a->sources.total || a->users.n > a->users.total ||
	    a->compromised.n > a->compromised.total)
		abort();
	dw_sb_reset(&out);
	dw_alert_json(a, &out);
	if (out.n == 0)
		abort();
}

static int setup(void)
{
	static const char *const sets[][2] = {
		{"limits.sources", "16"},   {"limits.users", "16"},     {"limits.pairs", "16"},
		{"limits.known", "16"},     {"limits.pending", "16"},   {"limits.compromised", "16"},
		{"limits.accounts", "16"},  {"limits.shares", "16"},    {"limits.explicit", "16"},
		{"spray.min_users", "3"},   {"lockout.min_users", "3"}, {"mfa.fatigue_min", "2"},
		{"explicit.min_users", "3"}, {"distributed.min_sources", "3"},
		{"distributed.min_users", "3"}, {"distributed.warmup", "0"},
		{"limits.flow_hosts", "16"}, {"limits.flow_pairs", "16"},
		{"limits.flow_destinations", "16"}, {"limits.vpn_addresses", "16"},
		{"flow.learn", "1d"}, {"exfil.history_days", "2"}, {"staging.history_days", "2"},
	};
	char err[256];

	dw_sb_init(&out, (size_t)1 << 22);
	dw_sb_init(&b1, (size_t)1 << 26);
	dw_sb_init(&b2, (size_t)1 << 26);
	if (dw_config_new(&cfg) != DW_OK)
		return -1;
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (dw_config_set(cfg, sets[i][0], sets[i][1], err, sizeof(err)) != DW_OK)
			abort();
	return 0;
}

/* One event of each kind the detectors keep state for. */
static void run_on(struct dw_detect *d)
{
	static const struct {
		int log, action, reason;
		const char *ip, *name, *user, *session, *target;
		uint32_t event_id;
	} evs[] = {
		{.log = DW_LOG_SSHD, .action = DW_ACT_AUTH_FAILURE, .reason = DW_RSN_BAD_PASSWORD,
		 .ip = "203.0.113.5", .user = "root"},
		{.log = DW_LOG_SSHD, .action = DW_ACT_AUTH_SUCCESS, .ip = "203.0.113.5",
		 .user = "root"},
		{.log = DW_LOG_WIN, .action = DW_ACT_AUTH_FAILURE, .reason = DW_RSN_BAD_PASSWORD,
		 .name = "KALI", .user = "u1", .event_id = 4776},
		{.log = DW_LOG_OKTA, .action = DW_ACT_MFA_PUSH_DENIED, .ip = "198.51.100.7",
		 .user = "u2"},
		{.log = DW_LOG_OKTA, .action = DW_ACT_AUTH_SUCCESS, .ip = "198.51.100.7",
		 .user = "u2"},
		{.log = DW_LOG_WIN, .action = DW_ACT_LOCKOUT, .name = "WS01", .user = "u3",
		 .event_id = 4740},
		{.log = DW_LOG_WIN, .action = DW_ACT_EXPLICIT_CREDS, .user = "u4",
		 .session = "mallory", .target = "FS01", .event_id = 4648},
		{.log = DW_LOG_WIN, .action = DW_ACT_SHARE_ACCESS, .ip = "10.8.0.5", .user = "u2",
		 .target = "\\\\*\\C$", .event_id = 5140},
		{.log = DW_LOG_NETSCALER, .action = DW_ACT_SESSION_START, .ip = "198.51.100.7",
		 .user = "u2", .session = "42"},
	};

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		struct dw_event e;

		dw_event_clear(&e);
		e.ts = (T0 + (int64_t)i * 61) * DW_NS;
		e.log = (uint8_t)evs[i].log;
		e.action = (uint8_t)evs[i].action;
		e.reason = (uint8_t)evs[i].reason;
		e.host = dw_slice_cstr("h1");
		if (evs[i].ip && dw_ip_parse(evs[i].ip, strlen(evs[i].ip), &e.src_ip) != DW_OK)
			abort();
		if (evs[i].name)
			e.src_name = dw_slice_cstr(evs[i].name);
		dw_event_set_user(&e, dw_slice_cstr(evs[i].user));
		if (evs[i].session)
			e.session = dw_slice_cstr(evs[i].session);
		if (evs[i].target)
			e.target = dw_slice_cstr(evs[i].target);
		if (evs[i].event_id) {
			e.event_id = evs[i].event_id;
			e.has |= DW_EV_HAS_EVENT_ID;
		}
		dw_detect_event(d, &e);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_alert_sink sink = {on_alert, NULL};
	struct dw_detect *d = NULL, *d2 = NULL;
	uint8_t *p;
	uint64_t h;

	if (!cfg && setup() != 0)
		return 0;
	if (size < 8)
		return 0;
	p = malloc(size);
	if (!p)
		return 0;
	memcpy(p, data, size);
	h = dw_detect_hash(p, size - 8);
	for (int i = 0; i < 8; i++)
		p[size - 8 + (size_t)i] = (uint8_t)(h >> (8 * i));
	if (dw_detect_new(&d, cfg, sink) != DW_OK)
		goto out;
	if (dw_detect_load(d, p, size) != DW_OK)
		goto out;
	/* what loaded saves a blob that loads and saves back to itself */
	dw_sb_reset(&b1);
	dw_sb_reset(&b2);
	if (dw_detect_save(d, &b1) != DW_OK || dw_detect_new(&d2, cfg, sink) != DW_OK)
		goto out;
	if (dw_detect_load(d2, b1.p, b1.n) != DW_OK || dw_detect_save(d2, &b2) != DW_OK ||
	    b1.n != b2.n || memcmp(b1.p, b2.p, b1.n) != 0)
		abort();
	run_on(d);
	dw_sb_reset(&b1);
	if (dw_detect_save(d, &b1) != DW_OK)
		abort();
	dw_detect_flush(d);
out:
	dw_detect_free(d);
	dw_detect_free(d2);
	free(p);
	return 0;
}
