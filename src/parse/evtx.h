/*
 * evtx.h - Windows .evtx files decoded straight into dwell's normalised
 * events (no XML rendering): one event per event record, exactly the event
 * winxml.c gives for the same record rendered as XML (see binxml.c for the
 * decoding, wincodes.h for what the fields mean).
 *
 * Layout read: a 4 KiB file header ("ElfFile\0", CRC32 of its first 120
 * bytes), then 64 KiB chunks ("ElfChnk\0", header CRC32 over bytes 0-120
 * and 128-512, event-records CRC32 over 512..free-space offset), each
 * holding event records ("**\0\0", size, record number, FILETIME, BinXML,
 * size again). Chunks are independent: names and templates are per chunk.
 *
 * Usage: open over a file image in memory (mmap or read; borrowed), call
 * dw_evtx_next() until it returns 0 - each call decodes one 64 KiB slot and
 * calls fn for every record in it, in record order - then free. Events and
 * every string in them are valid only during the callback. Several threads
 * can share one image with a decoder each (dw_evtx_slot, below).
 *
 * Damage never stops decoding; the smallest broken unit is skipped and
 * counted by reason (struct dw_evtx_stats):
 *   - a missing or bad file header: slots are still walked from 4 KiB
 *     (an image that starts with a chunk is read from offset 0);
 *   - a slot without the chunk magic, or whose header CRC is wrong: its
 *     records are still read while their framing holds (recovered_records);
 *   - a record with a bad magic, size or size copy: skipped, and the next
 *     valid framing searched for at 8-byte steps;
 *   - BinXML that cannot be read (unknown token, offset out of the chunk,
 *     template unreadable, nesting or size limit): that record is skipped;
 *   - records found in a chunk's slack (after its free-space offset) are
 *     counted, not delivered (they are stale copies).
 * Chunk slots are visited from the header's first chunk to its last (so a
 * log that wrapped round is read oldest first), then the other slots.
 *
 * Events: log "win", ts from System/TimeCreated@SystemTime (FILETIME: 7
 * digits; text, as in inline BinXML: as written), event_id, record_id =
 * System/EventRecordID, host = Computer, line = record_id, offset = file
 * offset of the record, file = the name given to dw_evtx_set_name().
 * A record without a readable SystemTime takes the record header's
 * written time (counted in no_system_time); one without a usable time at
 * all is counted in bad_time and not delivered. A record without a
 * readable EventID is delivered with action other and no event_id.
 */
#ifndef DW_PARSE_EVTX_H
#define DW_PARSE_EVTX_H

#include "../core/dw.h"
#include "../event/event.h"
#include "binxml.h"
#include "parser.h"

struct dw_evtx;

struct dw_evtx_stats {
	uint64_t chunks;            /* slots that held a chunk (magic, or recoverable records) */
	uint64_t empty_slots;       /* slots of zeros, or without chunk or record */
	uint64_t records;           /* records delivered as events */
	uint64_t data_skipped;      /* of which EventData was not decoded (EventID not mapped) */
	uint64_t bad_file_header;   /* 1: file magic or header CRC wrong */
	uint64_t bad_chunk_magic;   /* slots with data but no "ElfChnk" */
	uint64_t bad_chunk_crc;     /* chunk header CRC mismatch */
	uint64_t bad_data_crc;      /* event-records CRC mismatch (records still read) */
	uint64_t truncated_chunk;   /* last slot shorter than 64 KiB */
	uint64_t recovered_records; /* delivered from chunks whose header was bad */
	uint64_t bad_record;        /* broken record framing (magic, size, size copy) */
	uint64_t bad_binxml;        /* records whose BinXML could not be read */
	uint64_t bad_template;      /* of which: template unreadable or outside the chunk */
	uint64_t limit;             /* of which: nesting/template/size limit hit */
	uint64_t no_system_time;    /* SystemTime unreadable: record header time used */
	uint64_t bad_time;          /* no usable time at all: not delivered */
	uint64_t no_event_id;       /* delivered without an EventID */
	uint64_t slack_records;     /* valid records found after a chunk's free space */
	uint64_t slack_delivered;   /* of which delivered (dw_evtx_set_slack) */
};

/*
 * Opens a decoder over the file image p[0..n) (borrowed until dw_evtx_free;
 * any bytes). Returns DW_OK or DW_ENOMEM; a damaged image is not an error.
 */
int dw_evtx_open(struct dw_evtx **out, const uint8_t *p, size_t n) DW_WUR;

/*
 * on = 1: also deliver the records found in a chunk's slack (after its
 * free-space offset): older generations of a reused chunk, e.g. what a
 * cleared or wrapped log still holds. Off by default: they are history
 * the live log no longer shows, and may repeat records seen elsewhere.
 */
void dw_evtx_set_slack(struct dw_evtx *x, int on);

/* Name put in every event's file field (borrowed; NULL for none). */
void dw_evtx_set_name(struct dw_evtx *x, const char *file);

/*
 * all = 1: decode every EventData/UserData name and value of every record
 * (see dw_evtx_pairs), not only what dwell reads; for tests and dumps.
 */
void dw_evtx_set_all(struct dw_evtx *x, int all);

/*
 * Decodes the next 64 KiB chunk slot and calls fn(ctx, event) for each of
 * its records in order. Returns 1 if a slot was processed (even an empty or
 * broken one), 0 at the end of the image. Same as dw_evtx_slot(x, k, ...)
 * for k = 0, 1, ... dw_evtx_slots(x) - 1.
 */
int dw_evtx_next(struct dw_evtx *x, dw_event_fn fn, void *ctx);

/*
 * Random access, for decoding one image on several threads (one decoder
 * each; the image is only read). Slots are numbered in visiting order
 * (header's first chunk to its last for a wrapped log, then the rest), so
 * decoding slots 0..slots-1 in any way and delivering their events in slot
 * order gives exactly dw_evtx_next's events, and the decoders' counters
 * (except bad_file_header, set by open) add up to one decoder's.
 *
 * dw_evtx_slots: the number of slots. dw_evtx_slot: decodes slot k (no-op
 * if k >= slots) into fn(ctx), counting into x's counters; it does not move
 * dw_evtx_next's position. dw_evtx_slot_offset: the file offset of slot k
 * (its bytes are [offset, min(offset + 65536, n)); n for k >= slots).
 */
size_t dw_evtx_slots(const struct dw_evtx *x);
void dw_evtx_slot(struct dw_evtx *x, size_t k, dw_event_fn fn, void *ctx);
size_t dw_evtx_slot_offset(const struct dw_evtx *x, size_t k);

/*
 * Points x at another image p[0..n) (borrowed), as dw_evtx_open would: the
 * position, the counters and the file name are reset, the scratch and the
 * all-mode setting kept. Lets one decoder per thread serve several files.
 */
void dw_evtx_rebind(struct dw_evtx *x, const uint8_t *p, size_t n);

/*
 * During a callback: the Windows fields of the current record (provider,
 * channel, and the EventData fields wincodes reads) and, in all mode,
 * every EventData/UserData pair in document order. Valid during the call.
 */
const struct dw_win_fields *dw_evtx_fields(const struct dw_evtx *x);
size_t dw_evtx_pairs(const struct dw_evtx *x, const struct dw_evtx_pair **out);

void dw_evtx_get_stats(const struct dw_evtx *x, struct dw_evtx_stats *st);
void dw_evtx_free(struct dw_evtx *x);

/* 1 if p[0..n) starts like an EVTX file ("ElfFile\0"), else 0. */
int dw_evtx_is(const uint8_t *p, size_t n);

/* Bytes the decoder allocated (fixed after dw_evtx_open). */
size_t dw_evtx_memuse(const struct dw_evtx *x);

#endif
