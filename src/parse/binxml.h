/*
 * binxml.h - the Binary XML of one EVTX chunk, decoded straight into the
 * fields dwell reads, without rendering XML (internal to evtx.c; the
 * public API is evtx.h).
 *
 * A decoder holds the state of one chunk at a time: the chunk image
 * (borrowed), its compiled templates (cached per chunk, see binxml.c) and
 * the scratch buffers the decoded strings live in. dw_binxml_chunk() starts
 * a chunk, dw_binxml_record() decodes one record of it; the strings of a
 * record stay valid until the next call of either.
 */
#ifndef DW_PARSE_BINXML_H
#define DW_PARSE_BINXML_H

#include "../core/dw.h"
#include "wincodes.h"

/* One EventData <Data Name=...> (or UserData leaf) name and value, UTF-8. */
struct dw_evtx_pair {
	struct dw_slice name, value;
};

/* Why a record could not be decoded (dw_binxml_record's result). */
enum dw_binxml_err {
	DW_BX_OK = 0,
	DW_BX_BAD = 1,      /* malformed BinXML: unknown token, bad length, out of bounds */
	DW_BX_TEMPLATE = 2, /* template outside the chunk or unreadable */
	DW_BX_LIMIT = 3,    /* nesting, template or value limit exceeded */
};

/* What one record decoded to. */
struct dw_binxml_rec {
	struct dw_win_fields f;   /* EventData fields dwell reads; provider, channel */
	struct dw_slice host;     /* System/Computer */
	uint32_t event_id;
	uint64_t record_id;       /* System/EventRecordID */
	int64_t ts;               /* System/TimeCreated@SystemTime, ns */
	uint8_t ts_prec;
	uint8_t has_eid, has_rid, has_time;
	uint8_t data_skipped;     /* EventData not decoded: EventID not one dwell maps */
	const struct dw_evtx_pair *pairs; /* every EventData/UserData pair (all mode) */
	size_t npairs;
};

struct dw_binxml;

/* Creates a decoder (about 2.6 MiB, fixed). Returns DW_OK or DW_ENOMEM. */
int dw_binxml_new(struct dw_binxml **out) DW_WUR;
void dw_binxml_free(struct dw_binxml *b);

/* all = 1: decode every EventData/UserData pair of every record (rec.pairs). */
void dw_binxml_set_all(struct dw_binxml *b, int all);

/* Starts chunk c[0..n) (borrowed until the next dw_binxml_chunk; n <= 65536). */
void dw_binxml_chunk(struct dw_binxml *b, const uint8_t *c, size_t n);

/*
 * Decodes the BinXML of the record at chunk offset off, len bytes, into r.
 * Returns DW_BX_OK or a DW_BX_* reason.
 */
int dw_binxml_record(struct dw_binxml *b, uint32_t off, uint32_t len, struct dw_binxml_rec *r);

/* Bytes a decoder holds (fixed). */
size_t dw_binxml_memuse(void);

/* Templates compiled in the current chunk so far (for tests). */
size_t dw_binxml_templates(const struct dw_binxml *b);

#endif
