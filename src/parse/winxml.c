/*
 * winxml.c - scanner for single-line Windows event XML (native rendering
 * with either quote style, python-evtx rendering). Not a general XML
 * parser: one forward pass from '<' to '<' (memchr), no recursion, no
 * allocation, nothing static that changes, never a read at or past n.
 *
 * Per tag: the element name is read up to a blank, '>' or '/', its
 * namespace prefix ("e:Event") dropped, and dispatched on length + memcmp:
 *   Event           the root; its closing tag ends the record (anything
 *                   after it is ignored; a line without it is "truncated")
 *   EventID         decimal text (attributes such as Qualifiers ignored)
 *   TimeCreated     attribute SystemTime ("2019-04-30T19:27:00.2974504Z",
 *                   "2016-06-29 15:24:36.685999+00:00"; up to 9 digits kept;
 *                   years 1970..2261, the range of int64 ns)
 *   EventRecordID   decimal text
 *   Computer        text -> host
 *   Data            attribute Name (any order among the attributes, single
 *                   or double quotes, "<Data Name='X'/>" is an empty value)
 *                   and the text up to the next '<'; names are looked up in
 *                   dw_wincodes_field() and the first occurrence kept; a
 *                   <Data> without Name is the unnamed value (SQL Server)
 *   Provider        attribute Name; Channel: text (which log it is)
 *   Param1, Param3  UserData leaves (RDP 1149: user, client address)
 * Every other tag is passed over without reading its attributes (the next
 * memchr for '<' finds the following tag; attribute values may hold '>' but
 * never '<'). Comments, <?...?> and <!...> are skipped; CDATA is not
 * expected and its bytes are read as text. The first EventID, TimeCreated,
 * EventRecordID and Computer win, wherever they stand.
 *
 * Cost: one memchr per tag plus a few compares; values are never copied
 * except those holding '&' when a scratch buffer is given (and the user
 * name, decoded on the stack to compute its key).
 */
#include "winxml.h"

#include "../core/tm.h"
#include "parser.h"
#include "wincodes.h"

/* Longest user name decoded on the stack to compute its key. */
#define USER_TMP 1024

struct scan {
	struct dw_win_fields f;
	uint32_t ent;            /* fields whose value holds '&' */
	struct dw_slice eid, time, rid, host;
	int has_eid, has_time, has_rid, has_host, host_ent;
};

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_stop(char c)
{
	return is_ws(c) || c == '>' || c == '/' || c == '=';
}

/* The local part of the name p[a..b) (after the last ':'). */
static struct dw_slice local_name(const char *p, size_t a, size_t b)
{
	const char *c = b > a ? memrchr(p + a, ':', b - a) : NULL;

	if (c)
		return dw_slice_make(c + 1, (size_t)(p + b - (c + 1)));
	return dw_slice_make(p + a, b - a);
}

static int name_is(struct dw_slice s, const char *lit, size_t n)
{
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static size_t name_end(const char *p, size_t i, size_t n)
{
	while (i < n && !is_stop(p[i]))
		i++;
	return i;
}

/*
 * Reads the attributes of a start tag from i (just after its name) to its
 * '>'. When want is set, the first attribute with that local name is put
 * in *val. *empty is set for "/>". Returns the index after the tag, or 0 if
 * the line ends inside it.
 */
static size_t attrs(const char *p, size_t n, size_t i, const char *want, size_t wn,
		    struct dw_slice *val, int *found, int *empty)
{
	*empty = 0;
	for (;;) {
		size_t a, b;
		const char *q;

		while (i < n && is_ws(p[i]))
			i++;
		if (i >= n)
			return 0;
		if (p[i] == '>')
			return i + 1;
		if (p[i] == '/') {
			if (i + 1 >= n)
				return 0;
			if (p[i + 1] == '>') {
				*empty = 1;
				return i + 2;
			}
			i++;
			continue;
		}
		a = i;
		while (i < n && !is_stop(p[i]))
			i++;
		b = i;
		while (i < n && is_ws(p[i]))
			i++;
		if (i >= n)
			return 0;
		if (p[i] != '=')
			continue; /* a name without a value: ignored */
		i++;
		while (i < n && is_ws(p[i]))
			i++;
		if (i >= n)
			return 0;
		if (p[i] != '"' && p[i] != '\'')
			continue; /* unquoted value: read as the next name */
		q = memchr(p + i + 1, p[i], n - i - 1);
		if (!q)
			return 0;
		if (want && !*found && name_is(local_name(p, a, b), want, wn)) {
			*val = dw_slice_make(p + i + 1, (size_t)(q - (p + i + 1)));
			*found = 1;
		}
		i = (size_t)(q - p) + 1;
	}
}

/*
 * The text of the element whose attributes start at i: up to the next '<'.
 * Returns the index of that '<' (or after "/>"), 0 if truncated.
 */
static size_t text(const char *p, size_t n, size_t i, const char *want, size_t wn,
		   struct dw_slice *attr, int *found, struct dw_slice *val)
{
	int empty;
	const char *lt;
	size_t k = attrs(p, n, i, want, wn, attr, found, &empty);

	if (!k)
		return 0;
	if (empty) {
		*val = dw_slice_make(p + k, 0);
		return k;
	}
	lt = k < n ? memchr(p + k, '<', n - k) : NULL;
	if (!lt)
		return 0;
	*val = dw_slice_make(p + k, (size_t)(lt - (p + k)));
	return (size_t)(lt - p);
}

/* Index of the root's '<' after blanks, a UTF-8 BOM and an <?xml ...?> declaration; n if none. */
static size_t root_start(const char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	    (unsigned char)p[2] == 0xbf)
		i = 3;
	while (i < n && is_ws(p[i]))
		i++;
	if (i + 1 < n && p[i] == '<' && p[i + 1] == '?') {
		const char *e = memmem(p + i, n - i, "?>", 2);
		if (!e)
			return n;
		i = (size_t)(e - p) + 2;
		while (i < n && is_ws(p[i]))
			i++;
	}
	return i < n && p[i] == '<' ? i : n;
}

/* Index just after the root's name if p[i] starts <Event or <prefix:Event, else 0. */
static size_t root_name(const char *p, size_t n, size_t i)
{
	size_t j;

	if (i >= n || p[i] != '<')
		return 0;
	j = name_end(p, i + 1, n);
	if (j >= n || p[j] == '=' || !name_is(local_name(p, i + 1, j), "Event", 5))
		return 0;
	return j;
}

int dw_winxml_sniff(const char *p, size_t n)
{
	return root_name(p, n, root_start(p, n)) != 0;
}

/* The scan proper. Returns DW_OK or a DW_UNP_* reason (> 0). */
static int scan(const char *p, size_t n, struct scan *s)
{
	size_t i = root_name(p, n, root_start(p, n));
	int empty, found = 0;
	struct dw_slice dummy;

	if (!i)
		return DW_UNP_BAD_HEADER;
	i = attrs(p, n, i, NULL, 0, &dummy, &found, &empty);
	if (!i)
		return DW_UNP_TRUNCATED;
	if (empty)
		return DW_UNP_BAD_HEADER; /* <Event/>: no EventID */
	for (;;) {
		const char *lt = memchr(p + i, '<', n - i);
		struct dw_slice nm, v, a;
		size_t j;

		if (!lt)
			return DW_UNP_TRUNCATED;
		i = (size_t)(lt - p) + 1;
		if (i >= n)
			return DW_UNP_TRUNCATED;
		if (p[i] == '/') {
			j = name_end(p, i + 1, n);
			if (j >= n)
				return DW_UNP_TRUNCATED;
			if (name_is(local_name(p, i + 1, j), "Event", 5))
				return DW_OK;
			i = j;
			continue;
		}
		if (p[i] == '!' || p[i] == '?') {
			const char *e;
			if (n - i >= 3 && p[i + 1] == '-' && p[i + 2] == '-')
				e = memmem(p + i, n - i, "-->", 3);
			else if (n - i >= 8 && memcmp(p + i, "![CDATA[", 8) == 0)
				e = p + i + 7; /* text: carry on after "<![CDATA" */
			else
				e = memchr(p + i, '>', n - i);
			if (!e)
				return DW_UNP_TRUNCATED;
			i = (size_t)(e - p) + 1;
			if (i >= n)
				return DW_UNP_TRUNCATED;
			continue;
		}
		j = name_end(p, i, n);
		if (j >= n)
			return DW_UNP_TRUNCATED;
		nm = local_name(p, i, j);
		found = 0;
		switch (nm.n) {
		case 4: /* Data */
			if (memcmp(nm.p, "Data", 4) != 0)
				break;
			j = text(p, n, j, "Name", 4, &a, &found, &v);
			if (!j)
				return DW_UNP_TRUNCATED;
			{ /* a <Data> without Name= is DW_WINF_DATA (SQL Server's audit) */
				int id = dw_wincodes_field(found ? a.p : "", found ? a.n : 0);
				if (id >= 0 && !(s->f.seen & (1u << id))) {
					s->f.seen |= 1u << id;
					s->f.v[id] = v;
					if (v.n && memchr(v.p, '&', v.n))
						s->ent |= 1u << id;
				}
			}
			break;
		case 6: /* Param1, Param3: UserData leaves of RDP 1149 */
			if (memcmp(nm.p, "Param", 5) != 0 || (nm.p[5] != '1' && nm.p[5] != '3'))
				break;
			j = text(p, n, j, NULL, 0, &a, &found, &v);
			if (!j)
				return DW_UNP_TRUNCATED;
			{
				int id = nm.p[5] == '1' ? DW_WINF_PARAM1 : DW_WINF_PARAM3;
				if (!(s->f.seen & (1u << id))) {
					s->f.seen |= 1u << id;
					s->f.v[id] = v;
					if (v.n && memchr(v.p, '&', v.n))
						s->ent |= 1u << id;
				}
			}
			break;
		case 7: /* EventID, Channel */
			if (memcmp(nm.p, "Channel", 7) == 0) {
				j = text(p, n, j, NULL, 0, &a, &found, &v);
				if (!j)
					return DW_UNP_TRUNCATED;
				if (!s->f.channel.n)
					s->f.channel = dw_slice_trim_space(v);
				break;
			}
			if (memcmp(nm.p, "EventID", 7) != 0)
				break;
			j = text(p, n, j, NULL, 0, &a, &found, &v);
			if (!j)
				return DW_UNP_TRUNCATED;
			if (!s->has_eid)
				s->eid = v, s->has_eid = 1;
			break;
		case 8: /* Computer, Provider */
			if (memcmp(nm.p, "Provider", 8) == 0) {
				j = attrs(p, n, j, "Name", 4, &a, &found, &empty);
				if (!j)
					return DW_UNP_TRUNCATED;
				if (found && !s->f.provider.n)
					s->f.provider = dw_slice_trim_space(a);
				break;
			}
			if (memcmp(nm.p, "Computer", 8) != 0)
				break;
			j = text(p, n, j, NULL, 0, &a, &found, &v);
			if (!j)
				return DW_UNP_TRUNCATED;
			if (!s->has_host) {
				s->host = dw_slice_trim_space(v);
				s->has_host = 1;
				s->host_ent = s->host.n && memchr(s->host.p, '&', s->host.n) != NULL;
			}
			break;
		case 11: /* TimeCreated */
			if (memcmp(nm.p, "TimeCreated", 11) != 0)
				break;
			j = attrs(p, n, j, "SystemTime", 10, &a, &found, &empty);
			if (!j)
				return DW_UNP_TRUNCATED;
			if (found && !s->has_time)
				s->time = a, s->has_time = 1;
			break;
		case 13: /* EventRecordID */
			if (memcmp(nm.p, "EventRecordID", 13) != 0)
				break;
			j = text(p, n, j, NULL, 0, &a, &found, &v);
			if (!j)
				return DW_UNP_TRUNCATED;
			if (!s->has_rid)
				s->rid = v, s->has_rid = 1;
			break;
		default:
			break;
		}
		i = j;
	}
}

static void put_utf8(uint32_t c, char *o, size_t *k)
{
	if (c < 0x80) {
		o[(*k)++] = (char)c;
	} else if (c < 0x800) {
		o[(*k)++] = (char)(0xc0 | (c >> 6));
		o[(*k)++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		o[(*k)++] = (char)(0xe0 | (c >> 12));
		o[(*k)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[(*k)++] = (char)(0x80 | (c & 0x3f));
	} else {
		o[(*k)++] = (char)(0xf0 | (c >> 18));
		o[(*k)++] = (char)(0x80 | ((c >> 12) & 0x3f));
		o[(*k)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[(*k)++] = (char)(0x80 | (c & 0x3f));
	}
}

/* Code point of "#NN" / "#xHH" (the text between '&' and ';'), 0 if not one. */
static uint32_t char_ref(const char *p, size_t n)
{
	uint32_t v = 0;
	size_t i = 1;
	int hex = 0;

	if (n < 2 || p[0] != '#')
		return 0;
	if (p[1] == 'x' || p[1] == 'X')
		hex = 1, i = 2;
	if (i >= n || n - i > 8)
		return 0;
	for (; i < n; i++) {
		int c = (unsigned char)p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hex && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (hex && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return 0;
		v = v * (hex ? 16u : 10u) + (uint32_t)d;
		if (v > 0x10ffff)
			return 0;
	}
	if (v >= 0xd800 && v <= 0xdfff)
		return 0;
	return v;
}

/*
 * Decodes the entities of v into out (cap bytes). Unknown or malformed
 * entities are copied as they are. Returns the length, or -1 if it does not fit.
 */
static long decode(struct dw_slice v, char *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < v.n;) {
		const char *amp = memchr(v.p + i, '&', v.n - i);
		size_t run = amp ? (size_t)(amp - (v.p + i)) : v.n - i;
		const char *semi;
		size_t en;
		uint32_t c = 0;

		if (run > cap - k)
			return -1;
		memcpy(out + k, v.p + i, run);
		k += run;
		i += run;
		if (!amp)
			break;
		semi = memchr(v.p + i, ';', DW_MIN(v.n - i, (size_t)12));
		en = semi ? (size_t)(semi - (v.p + i)) - 1 : 0; /* bytes between & and ; */
		if (semi) {
			const char *e = v.p + i + 1;
			if (en == 3 && memcmp(e, "amp", 3) == 0)
				c = '&';
			else if (en == 2 && memcmp(e, "lt", 2) == 0)
				c = '<';
			else if (en == 2 && memcmp(e, "gt", 2) == 0)
				c = '>';
			else if (en == 4 && memcmp(e, "quot", 4) == 0)
				c = '"';
			else if (en == 4 && memcmp(e, "apos", 4) == 0)
				c = '\'';
			else
				c = char_ref(e, en);
		}
		if (!c) {
			if (k >= cap)
				return -1;
			out[k++] = '&';
			i++;
			continue;
		}
		if (cap - k < 4)
			return -1;
		put_utf8(c, out, &k);
		i += en + 2;
	}
	return (long)k;
}

/* Replaces *v by its decoded form in the scratch buffer when it fits. */
static void decode_into(struct dw_slice *v, struct dw_winxml_scratch *sc, size_t *used)
{
	long k = decode(*v, sc->b + *used, sizeof(sc->b) - *used);

	if (k < 0)
		return;
	*v = dw_slice_make(sc->b + *used, (size_t)k);
	*used += (size_t)k;
}

int dw_winxml_parse_buf(const char *p, size_t n, struct dw_event *e,
			struct dw_winxml_scratch *sc, int *why)
{
	struct scan s;
	uint64_t eid, rid;
	int64_t ns;
	int prec, r;
	size_t used = 0;
	struct dw_slice t;

	memset(&s, 0, sizeof(s));
	r = scan(p, n, &s);
	if (r != DW_OK) {
		*why = r;
		return DW_EINVAL;
	}
	if (!s.has_eid || dw_slice_u64(s.eid, UINT32_MAX, &eid) != DW_OK) {
		*why = DW_UNP_BAD_HEADER;
		return DW_EINVAL;
	}
	t = dw_slice_trim_space(s.time);
	/* ns since 1970 overflow int64 after 2262: refuse later years before dw_tm sees them */
	if (s.has_time && t.n >= 4 && dw_isdigit((unsigned char)t.p[0]) &&
	    (t.p[0] > '2' || (t.p[0] == '2' && memcmp(t.p, "2261", 4) > 0))) {
		*why = DW_UNP_BAD_TIME;
		return DW_EINVAL;
	}
	if (!s.has_time || dw_tm_parse_rfc3339_all(t.p, t.n, &ns, &prec) != DW_OK) {
		*why = DW_UNP_BAD_TIME;
		return DW_EINVAL;
	}
	if (sc) {
		for (int id = 0; id < DW_WINF__N; id++)
			if (s.ent & (1u << id))
				decode_into(&s.f.v[id], sc, &used);
		if (s.host_ent)
			decode_into(&s.host, sc, &used);
	}
	e->ts = ns;
	e->ts_prec = (uint8_t)prec;
	e->host = dw_slice_make(s.host.p, DW_MIN(s.host.n, (size_t)255));
	e->event_id = (uint32_t)eid;
	e->has |= DW_EV_HAS_EVENT_ID;
	if (s.has_rid && dw_slice_u64(s.rid, UINT64_MAX, &rid) == DW_OK) {
		e->record_id = rid;
		e->has |= DW_EV_HAS_RECORD_ID;
	}
	dw_wincodes_fill(e, (uint32_t)eid, &s.f);
	/* the key of a user name logged with entities is that of the decoded name */
	if (e->user_raw.n && memchr(e->user_raw.p, '&', e->user_raw.n) &&
	    !(sc && (uintptr_t)e->user_raw.p >= (uintptr_t)sc->b &&
	      (uintptr_t)e->user_raw.p < (uintptr_t)(sc->b + sizeof(sc->b)))) {
		char tmp[USER_TMP];
		long k = decode(e->user_raw, tmp, sizeof(tmp));
		if (k >= 0)
			e->user.n = dw_user_normalise(dw_slice_make(tmp, (size_t)k), e->user_buf);
	}
	return DW_OK;
}

int dw_winxml_parse(const char *p, size_t n, struct dw_event *e, int *why)
{
	return dw_winxml_parse_buf(p, n, e, NULL, why);
}
