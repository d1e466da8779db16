/*
 * test_detect_noise.c - failures the parsers mark as noise (machine
 * accounts, ANONYMOUS LOGON, infrastructure statuses) are counted and never
 * make an attack; the same failures as bad passwords do.
 */
#include "../../src/detect/detect.h"
#include "../test.h"

static int alerts;
static void count_alert(void *ctx, struct dw_alert *a)
{
	(void)ctx;
	(void)a;
	alerts++;
}

static int run(int reason, uint64_t *noise)
{
	struct dw_config *cfg = NULL;
	struct dw_detect *d = NULL;
	struct dw_alert_sink sink = {count_alert, NULL};
	struct dw_detect_stats st;
	struct dw_event e;

	alerts = 0;
	if (dw_config_new(&cfg) != DW_OK || dw_detect_new(&d, cfg, sink) != DW_OK)
		return -1;
	for (int i = 0; i < 50; i++) {
		dw_event_clear(&e);
		e.ts = (1700000000LL + i * 5) * DW_NS;
		e.log = DW_LOG_WIN;
		e.action = DW_ACT_AUTH_FAILURE;
		e.reason = (uint8_t)reason;
		dw_event_set_user(&e, dw_slice_cstr("WKS01$"));
		if (dw_ip_parse("198.51.100.9", 12, &e.src_ip) != DW_OK)
			return -1;
		dw_detect_event(d, &e);
	}
	dw_detect_flush(d);
	dw_detect_stats(d, &st);
	*noise = st.noise;
	dw_detect_free(d);
	dw_config_free(cfg);
	return alerts;
}

DW_TEST(detect_noise_failures_skipped)
{
	uint64_t noise;

	DW_ASSERT_EQ_INT(run(DW_RSN_NOISE, &noise), 0);
	DW_ASSERT_EQ_INT(noise, 50);
	DW_ASSERT_EQ_INT(run(DW_RSN_BAD_PASSWORD, &noise), 1);
	DW_ASSERT_EQ_INT(noise, 0);
	DW_PASS();
}
