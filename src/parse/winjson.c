/*
 * winjson.c - Windows Security events rendered as JSON -> the same
 * normalised event as winxml.c gives for the XML of that record. Works on
 * the tokens of one record (json.h); nothing is allocated, strings without
 * escapes are borrowed from the record, strings with escapes are decoded
 * one after the other into the caller's scratch (cut when full, never
 * overrun). The meaning of the fields is dw_wincodes_fill()'s (wincodes.h);
 * this file only finds them.
 *
 * Layouts:
 *   evtx_dump, default     Event.System.{EventID, EventRecordID, Computer,
 *                          TimeCreated.#attributes.SystemTime},
 *                          Event.EventData.<Name>; EventID may be
 *                          {"#attributes":{"Qualifiers":..},"#text":4625}
 *   evtx_dump, --separate- Event.System.TimeCreated_attributes.SystemTime,
 *   json-attributes        EventID plain (EventID_attributes beside it)
 *   Winlogbeat (raw)       winlog.{event_id, record_id, computer_name,
 *                          event_data.<Name>}, @timestamp
 *   ECS (Elastic pipeline) the same winlog.* plus event.code, host.name,
 *                          source.ip/port, winlog.time_created
 *
 * Decisions:
 * - event_id: System.EventID / winlog.event_id, else event.code; a JSON
 *   number or a string of decimal digits (blanks allowed), at most
 *   UINT32_MAX. None -> bad_json (the XML parser's bad_header).
 * - ts: TimeCreated SystemTime; for Winlogbeat winlog.time_created (the
 *   TimeCreated with all its digits, "...35.123456700Z") and only without
 *   it @timestamp (raw Winlogbeat writes TimeCreated there with 7 digits;
 *   the ECS pipeline cuts it to milliseconds). Precision as written. None,
 *   or unreadable -> bad_time.
 * - record_id: EventRecordID / winlog.record_id, number or decimal string;
 *   left out when unreadable (as in XML).
 * - host: Computer / winlog.computer_name, else host.name; blanks trimmed,
 *   cut at 255 bytes (as in XML).
 * - EventData: every member whose key is a name dw_wincodes_field() knows
 *   (exact case) and whose value is a string or a number; the first
 *   occurrence wins; null, objects and arrays are left out.
 * - ECS: the pipeline moves IpAddress/IpPort to source.ip/source.port (and
 *   drops them when they are "-"), so without IpAddress in event_data
 *   source.ip stands for it, and source.port for IpPort.
 * - Not Windows: an ECS document without winlog (e.g. sshd through the
 *   Elastic auth pipeline) is not matched.
 */
#include "winjson.h"

#include "../core/tm.h"
#include "parser.h"
#include "wincodes.h"

/* A scalar's text: strings (decoded into the scratch when escaped) and numbers; else empty. */
static struct dw_slice val(const struct dw_json *j, int tok, struct dw_json_scratch *sc,
			   int *ok)
{
	int t = dw_json_type(j, tok);

	*ok = t == DW_JSON_STRING || t == DW_JSON_NUMBER;
	if (t == DW_JSON_NUMBER)
		return dw_json_str(j, tok, NULL, 0);
	return dw_json_take(j, tok, sc);
}

/* An integer token (number or string), unwrapping evtx_dump's {"#text": N}. */
static int num(const struct dw_json *j, int tok, uint64_t max, uint64_t *out)
{
	int ok;
	struct dw_slice s;

	if (tok >= 0 && j->t[tok].type == DW_JSON_OBJECT)
		tok = dw_json_get(j, tok, "#text");
	if (tok < 0 || j->t[tok].escaped)
		return DW_EINVAL;
	s = val(j, tok, NULL, &ok);
	if (!ok)
		return DW_EINVAL;
	return dw_slice_u64(s, max, out);
}

static int is_obj(const struct dw_json *j, int tok)
{
	return tok >= 0 && j->t[tok].type == DW_JSON_OBJECT;
}

static int winlog_id(const struct dw_json *j)
{
	int w = dw_json_get(j, 0, "winlog");

	if (!is_obj(j, w))
		return -1;
	if (dw_json_get(j, w, "event_id") >= 0 || dw_json_path(j, 0, "event.code") >= 0)
		return w;
	return -1;
}

int dw_winjson_match(const struct dw_json *j)
{
	if (!j || j->n == 0 || j->t[0].type != DW_JSON_OBJECT)
		return 0;
	if (is_obj(j, dw_json_path(j, 0, "Event.System")))
		return 1;
	return winlog_id(j) >= 0;
}

/* Reads the EventData members of obj into f. */
static void fields(const struct dw_json *j, int obj, struct dw_win_fields *f,
		   struct dw_json_scratch *sc)
{
	uint32_t i, left;

	if (!is_obj(j, obj))
		return;
	i = (uint32_t)obj + 1;
	for (left = j->t[obj].size; left > 0 && i + 1 < j->n; left--) {
		const struct dw_json_tok *k = &j->t[i];
		int id = k->escaped ? -1 : dw_wincodes_field(j->src + k->start, k->end - k->start);
		if (id >= 0 && !(f->seen & (1u << id))) {
			int ok;
			struct dw_slice v = val(j, (int)i + 1, sc, &ok);
			if (ok) {
				f->v[id] = v;
				f->seen |= 1u << id;
			}
		}
		i = j->t[i + 1].next;
	}
}

static void put(const struct dw_json *j, int tok, int id, struct dw_win_fields *f,
		struct dw_json_scratch *sc)
{
	int ok;
	struct dw_slice v;

	if (f->seen & (1u << id))
		return;
	v = val(j, tok, sc, &ok);
	if (ok) {
		f->v[id] = v;
		f->seen |= 1u << id;
	}
}

int dw_winjson_parse(const struct dw_json *j, struct dw_event *e, char *scratch, size_t cap,
		     int *why)
{
	struct dw_json_scratch sc = {scratch, scratch ? cap : 0, 0};
	struct dw_win_fields f;
	int eid_t, time_t_, rid_t, host_t, data_t, prov_t, chan_t, ok, prec;
	uint64_t eid, rid;
	struct dw_slice t, host;
	int64_t ns;

	memset(&f, 0, sizeof(f));
	if (!j || j->n == 0 || j->t[0].type != DW_JSON_OBJECT) {
		*why = DW_UNP_BAD_JSON;
		return DW_EINVAL;
	}
	int sys = dw_json_path(j, 0, "Event.System");
	if (is_obj(j, sys)) {
		eid_t = dw_json_get(j, sys, "EventID");
		time_t_ = dw_json_path(j, sys, "TimeCreated.#attributes.SystemTime");
		if (time_t_ < 0)
			time_t_ = dw_json_path(j, sys, "TimeCreated_attributes.SystemTime");
		if (time_t_ < 0)
			time_t_ = dw_json_path(j, sys, "TimeCreated.SystemTime");
		rid_t = dw_json_get(j, sys, "EventRecordID");
		host_t = dw_json_get(j, sys, "Computer");
		prov_t = dw_json_path(j, sys, "Provider.#attributes.Name");
		if (prov_t < 0)
			prov_t = dw_json_path(j, sys, "Provider_attributes.Name");
		chan_t = dw_json_get(j, sys, "Channel");
		data_t = dw_json_path(j, 0, "Event.EventData");
	} else {
		int w = winlog_id(j);
		if (w < 0) {
			*why = DW_UNP_BAD_JSON;
			return DW_EINVAL;
		}
		eid_t = dw_json_get(j, w, "event_id");
		if (eid_t < 0)
			eid_t = dw_json_path(j, 0, "event.code");
		time_t_ = dw_json_get(j, w, "time_created");
		if (time_t_ < 0 || j->t[time_t_].type != DW_JSON_STRING)
			time_t_ = dw_json_get(j, 0, "@timestamp");
		rid_t = dw_json_get(j, w, "record_id");
		host_t = dw_json_get(j, w, "computer_name");
		prov_t = dw_json_get(j, w, "provider_name");
		chan_t = dw_json_get(j, w, "channel");
		if (host_t < 0 || j->t[host_t].type != DW_JSON_STRING)
			host_t = dw_json_path(j, 0, "host.name");
		data_t = dw_json_get(j, w, "event_data");
	}
	if (num(j, eid_t, UINT32_MAX, &eid) != DW_OK) {
		*why = DW_UNP_BAD_JSON;
		return DW_EINVAL;
	}
	t = (time_t_ >= 0 && j->t[time_t_].type == DW_JSON_STRING) ? dw_slice_trim_space(val(j, time_t_, &sc, &ok))
								   : dw_slice_make(NULL, 0);
	if (t.n == 0 || dw_tm_parse_rfc3339_all(t.p, t.n, &ns, &prec) != DW_OK) {
		*why = DW_UNP_BAD_TIME;
		return DW_EINVAL;
	}
	fields(j, data_t, &f, &sc);
	if (prov_t >= 0 && j->t[prov_t].type == DW_JSON_STRING)
		f.provider = dw_slice_trim_space(val(j, prov_t, &sc, &ok));
	if (chan_t >= 0 && j->t[chan_t].type == DW_JSON_STRING)
		f.channel = dw_slice_trim_space(val(j, chan_t, &sc, &ok));
	if (!is_obj(j, sys)) {
		put(j, dw_json_path(j, 0, "source.ip"), DW_WINF_IP_ADDRESS, &f, &sc);
		put(j, dw_json_path(j, 0, "source.port"), DW_WINF_IP_PORT, &f, &sc);
	}
	host = (host_t >= 0 && j->t[host_t].type == DW_JSON_STRING) ? dw_slice_trim_space(val(j, host_t, &sc, &ok))
								    : dw_slice_make(NULL, 0);
	e->ts = ns;
	e->ts_prec = (uint8_t)prec;
	e->host = dw_slice_make(host.p, DW_MIN(host.n, (size_t)255));
	e->event_id = (uint32_t)eid;
	e->has |= DW_EV_HAS_EVENT_ID;
	if (num(j, rid_t, UINT64_MAX, &rid) == DW_OK) {
		e->record_id = rid;
		e->has |= DW_EV_HAS_RECORD_ID;
	}
	dw_wincodes_fill(e, (uint32_t)eid, &f);
	return DW_OK;
}
