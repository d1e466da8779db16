/*
 * evtxdump.c - test tool: decodes .evtx files with dwell's decoder
 * (src/parse/evtx.c) in "all fields" mode and prints one JSON object per
 * record: record id, time, EventID, provider, channel, computer, every
 * EventData/UserData name and value, and the normalised event; the
 * decoder's counters go to stderr as one JSON object per file.
 * tests/cli/evtx_oracle.sh compares this with libevtx's evtxexport.
 *
 *   evtxdump FILE.evtx...
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/core/sb.h"
#include "../../src/core/tm.h"
#include "../../src/parse/evtx.h"

struct out {
	struct dw_evtx *x;
	struct dw_sb sb;
};

static void str(struct dw_sb *sb, const char *key, struct dw_slice s)
{
	dw_sb_printf(sb, ",\"%s\":", key);
	dw_sb_json_str(sb, s.p ? s.p : "", s.n);
}

static void on_event(void *ctx, const struct dw_event *e)
{
	struct out *o = ctx;
	struct dw_sb *sb = &o->sb;
	const struct dw_win_fields *f = dw_evtx_fields(o->x);
	const struct dw_evtx_pair *pr;
	size_t np = dw_evtx_pairs(o->x, &pr);
	char tb[DW_TM_BUFSZ];

	dw_sb_printf(sb, "{\"rid\":%llu,\"offset\":%llu,\"ts\":\"", (unsigned long long)e->record_id,
		     (unsigned long long)e->offset);
	dw_sb_put(sb, tb, dw_tm_format(e->ts, e->ts_prec, tb));
	dw_sb_putc(sb, '"');
	if (e->has & DW_EV_HAS_EVENT_ID)
		dw_sb_printf(sb, ",\"eid\":%u", e->event_id);
	str(sb, "provider", f->provider);
	str(sb, "channel", f->channel);
	str(sb, "computer", e->host);
	dw_sb_puts(sb, ",\"data\":[");
	for (size_t i = 0; i < np; i++) {
		dw_sb_puts(sb, i ? ",[" : "[");
		dw_sb_json_str(sb, pr[i].name.p, pr[i].name.n);
		dw_sb_putc(sb, ',');
		dw_sb_json_str(sb, pr[i].value.p, pr[i].value.n);
		dw_sb_putc(sb, ']');
	}
	dw_sb_puts(sb, "],\"event\":");
	dw_event_json(e, sb);
	dw_sb_puts(sb, "}\n");
	if (sb->n > (1u << 20) && dw_sb_flush(sb, stdout) != DW_OK)
		exit(1);
}

int main(int argc, char **argv)
{
	struct out o;
	int bad = 0;

	dw_sb_init(&o.sb, (size_t)64 << 20);
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		struct stat st;
		void *m;
		struct dw_evtx_stats s;
		if (fd < 0 || fstat(fd, &st) != 0) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		m = st.st_size ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
		close(fd);
		if (m == MAP_FAILED) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		if (dw_evtx_open(&o.x, m, (size_t)st.st_size) != DW_OK)
			return 2;
		dw_evtx_set_name(o.x, argv[i]);
		dw_evtx_set_all(o.x, 1);
		while (dw_evtx_next(o.x, on_event, &o))
			;
		dw_evtx_get_stats(o.x, &s);
		fprintf(stderr,
			"{\"file\":\"%s\",\"chunks\":%llu,\"empty_slots\":%llu,\"records\":%llu,"
			"\"bad_file_header\":%llu,\"bad_chunk_magic\":%llu,\"bad_chunk_crc\":%llu,"
			"\"bad_data_crc\":%llu,\"truncated_chunk\":%llu,\"recovered_records\":%llu,"
			"\"bad_record\":%llu,\"bad_binxml\":%llu,\"bad_template\":%llu,\"limit\":%llu,"
			"\"no_system_time\":%llu,\"bad_time\":%llu,\"no_event_id\":%llu,"
			"\"slack_records\":%llu}\n",
			argv[i], (unsigned long long)s.chunks, (unsigned long long)s.empty_slots,
			(unsigned long long)s.records, (unsigned long long)s.bad_file_header,
			(unsigned long long)s.bad_chunk_magic, (unsigned long long)s.bad_chunk_crc,
			(unsigned long long)s.bad_data_crc, (unsigned long long)s.truncated_chunk,
			(unsigned long long)s.recovered_records, (unsigned long long)s.bad_record,
			(unsigned long long)s.bad_binxml, (unsigned long long)s.bad_template,
			(unsigned long long)s.limit, (unsigned long long)s.no_system_time,
			(unsigned long long)s.bad_time, (unsigned long long)s.no_event_id,
			(unsigned long long)s.slack_records);
		dw_evtx_free(o.x);
		if (m)
			munmap(m, (size_t)st.st_size);
	}
	if (dw_sb_flush(&o.sb, stdout) != DW_OK)
		bad = 1;
	dw_sb_free(&o.sb);
	return bad;
}
