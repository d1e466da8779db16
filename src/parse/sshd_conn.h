/*
 * sshd_conn.h - the sshd attempt merger: per-connection state (key: syslog
 * host + sshd pid) that turns the 3-6 lines one password guess writes into
 * exactly one auth_failure event, holds back PAM failures until the
 * connection shows whether they were real, and folds summary lines (PAM N
 * more, maximum attempts exceeded) into the guesses they summarise. The rules
 * are listed at the top of sshd_conn.c.
 *
 * Memory: one capped dw_table allocated at creation (see sshd_conn.c for the
 * arithmetic); nothing is allocated per line. Eviction at the cap releases a
 * held failure first and counts in stats->conn_evicted.
 */
#ifndef DW_PARSE_SSHD_CONN_H
#define DW_PARSE_SSHD_CONN_H

#include "../core/sb.h"
#include "../event/event.h"
#include "parser.h"
#include "sshd.h"

/* Default number of connections tracked at once. */
#define DW_SSHD_CONN_CAP 16384

struct dw_sshd_conn;

/* Receives each finished event (borrowed for the call). */
typedef void (*dw_sshd_emit_fn)(void *ctx, struct dw_event *e);

/*
 * Creates a merger for at most cap connections (0 = DW_SSHD_CONN_CAP) that
 * delivers events to fn(ctx, ...) and counts merged lines and evictions in
 * *st (borrowed for the merger's life). Returns DW_OK and an owned merger in
 * *out (free with dw_sshd_conn_free), or DW_ENOMEM.
 */
int dw_sshd_conn_new(struct dw_sshd_conn **out, size_t cap, dw_sshd_emit_fn fn, void *ctx,
		     struct dw_parse_stats *st) DW_WUR;
void dw_sshd_conn_free(struct dw_sshd_conn *c);

/*
 * One sshd record. ev carries the header fields (ts, ts_prec, host, program,
 * pid with DW_EV_HAS_PID, file, line, offset) and is otherwise clear; m is
 * its classified message (both borrowed). Delivers 0..2 events: a held
 * failure this line releases, then this line's own event unless the line
 * was folded into a guess already counted.
 */
void dw_sshd_conn_line(struct dw_sshd_conn *c, struct dw_event *ev, const struct dw_sshd_msg *m);

/* Releases every held failure (end of input). The state is kept. */
void dw_sshd_conn_flush(struct dw_sshd_conn *c);

/*
 * The connections' state (what lines still to come may complete: held and
 * open attempts) appended to sb, for the next run to go on from (--db).
 * Returns DW_OK or DW_ENOMEM (sb full; sb is left as it was).
 */
int dw_sshd_conn_save(const struct dw_sshd_conn *c, struct dw_sb *sb) DW_WUR;
/*
 * Loads a saved state into a merger that has seen no line. Returns DW_OK, or
 * DW_EINVAL for a damaged blob (the merger must then be freed), DW_ENOMEM.
 */
int dw_sshd_conn_load(struct dw_sshd_conn *c, const void *p, size_t n) DW_WUR;

/* Bytes of the connection table (fixed after creation). */
size_t dw_sshd_conn_memuse(const struct dw_sshd_conn *c);

#endif
