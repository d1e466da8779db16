#!/bin/bash
# evtx_oracle.sh - dwell's own .evtx decoder (src/parse/evtx.c, dumped by
# tests/tools/evtxdump.c with every EventData pair) against two independent
# readers, on every file of ../shared/data/evtx:
#   evtx-oracle-NAME  libevtx's `evtxexport -f xml` (Debian libevtx-utils):
#                     for every record libevtx reads, the EventRecordID,
#                     SystemTime (to 100 ns), EventID, Provider, Channel,
#                     Computer and every EventData/UserData name and value
#                     (numbers compared as numbers: libevtx pads hex
#                     "0x00000018" and prints pointer-sized values in decimal;
#                     CR LF as LF, as XML parsing reads it);
#                     records only we read are listed, never a failure.
#   evtx-winxml-NAME  the event winxml.c makes of python-evtx's XML rendering
#                     (`dwell parse` on tests/tools/evtx2xml.py's output)
#                     equals the event of our decoder, field by field
#                     (time within 5 us: python-evtx prints microseconds,
#                     sometimes 1-2 us low; hex values as numbers: python-evtx
#                     pads them to their width).
# Prints "ok NAME" / "not ok NAME: why".
set -u
cd "$(dirname "$0")/../.."
: "${DWELL:=build/san/dwell}" "${BUILD:=build/san}" "${DWELL_SHARED:=../shared}"
D="$DWELL_SHARED/data/evtx"
T=$BUILD/tmp-evtx-oracle
DUMP=$BUILD/tests/evtxdump
mkdir -p "$T"
if [ ! -x "$DUMP" ]; then
	echo "not ok evtx-oracle: $DUMP not built"
	exit 0
fi
if ! command -v evtxexport > /dev/null; then
	echo "not ok evtx-oracle: evtxexport missing (apt-get install libevtx-utils)"
	exit 0
fi
have_pyevtx=1
/usr/bin/python3 -c 'import Evtx' 2>/dev/null || have_pyevtx=0

for f in "$D"/*.evtx; do
	n=$(basename "$f" .evtx)
	"$DUMP" "$f" > "$T/$n.ours" 2> "$T/$n.stats"
	evtxexport -f xml "$f" > "$T/$n.libevtx" 2> "$T/$n.libevtx.err"
	python3 - "$n" "$T/$n.ours" "$T/$n.libevtx" <<'PY'
import json, re, sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

name, ours_p, lib_p = sys.argv[1:4]
NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"

def ns100(t):
    """RFC 3339 text -> 100 ns ticks since 1970 (any number of digits)."""
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", t or "")
    if not m:
        return None
    s = int(datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp())
    frac = (m.group(2) or "").ljust(7, "0")[:7]
    return s * 10**7 + int(frac)

def norm(v):
    # XML parsing turns CR LF into LF; numbers as numbers (libevtx pads hex
    # and prints pointer-sized values in decimal, Windows prints "0x4")
    v = (v or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if re.fullmatch(r"0x[0-9a-fA-F]+", v):
        return "#%d" % int(v, 16)
    if re.fullmatch(r"[0-9]+", v):
        return "#%d" % int(v)
    if ns100(v) is not None:  # FILETIME values: libevtx prints 9 digits, Windows 7
        return "@%d" % ns100(v)
    if re.fullmatch(r"\{[0-9a-fA-F-]{36}\}", v):
        return v.upper()
    return v

def local(tag):
    return tag.split("}", 1)[-1]

def lib_records(text):
    recs = []
    for doc in re.split(r"\n(?=<Event[ >])", text):
        doc = doc.strip()
        if not doc.startswith("<Event"):
            continue
        try:
            ev = ET.fromstring(doc)
        except ET.ParseError as e:
            recs.append({"error": str(e)})
            continue
        sysel = ev.find(NS + "System")
        g = lambda tag: sysel.find(NS + tag) if sysel is not None else None
        prov, tc = g("Provider"), g("TimeCreated")
        r = {
            "rid": int(g("EventRecordID").text),
            "eid": int(g("EventID").text),
            "provider": prov.get("Name", "") if prov is not None else "",
            "channel": (g("Channel").text or "") if g("Channel") is not None else "",
            "computer": (g("Computer").text or "") if g("Computer") is not None else "",
            "t": ns100(tc.get("SystemTime")) if tc is not None else None,
            "data": [],
        }
        ed = ev.find(NS + "EventData")
        if ed is not None:
            for d in ed:
                if local(d.tag) == "Data":
                    r["data"].append((d.get("Name", ""), d.text or ""))
        ud = ev.find(NS + "UserData")
        if ud is not None:
            for wrap in ud:
                for leaf in wrap:
                    r["data"].append((local(leaf.tag), leaf.text or ""))
        recs.append(r)
    return recs

ours = [json.loads(l) for l in open(ours_p) if l.strip()]
lib = lib_records(open(lib_p, encoding="utf-8", errors="replace").read())
by_rid = {}
for o in ours:
    by_rid.setdefault(o["rid"], []).append(o)
problems, matched = [], 0
for r in lib:
    if "error" in r:
        problems.append("libevtx XML unreadable: " + r["error"])
        continue
    cand = by_rid.get(r["rid"], [])
    if not cand:
        problems.append("record %d: libevtx reads it, we do not" % r["rid"])
        continue
    o = cand.pop(0)
    matched += 1
    diffs = []
    if ns100(o["ts"]) != r["t"]:
        diffs.append("time %s" % o["ts"])
    for k in ("eid", "provider", "channel", "computer"):
        if o.get(k) != r[k]:
            diffs.append("%s %r != %r" % (k, o.get(k), r[k]))
    od = [(a, norm(b)) for a, b in o["data"]]
    ld = [(a, norm(b)) for a, b in r["data"]]
    if od != ld:
        for i, (x, y) in enumerate(zip(od, ld)):
            if x != y:
                diffs.append("data[%d] %r != libevtx %r" % (i, x, y))
                break
        else:
            diffs.append("%d data pairs, libevtx %d" % (len(od), len(ld)))
    if diffs:
        problems.append("record %d: %s" % (r["rid"], "; ".join(diffs)))
only_ours = sum(len(v) for v in by_rid.values())
note = "%d records compared" % matched
if only_ours:
    ids = sorted(o["rid"] for v in by_rid.values() for o in v)
    note += ", %d only ours (libevtx reads %d): rid %s%s" % (
        only_ours, len(lib), ",".join(map(str, ids[:5])), "..." if len(ids) > 5 else "")
if problems:
    print("not ok evtx-oracle-%s: %s (%d problems; %s)" % (name, problems[0], len(problems), note))
else:
    print("ok evtx-oracle-%s (%s)" % (name, note))
PY
	if [ "$have_pyevtx" = 0 ]; then
		echo "not ok evtx-winxml-$n: python3-evtx missing"
		continue
	fi
	x="$T/$n.xml"
	if [ ! -s "$x" ] || [ "$f" -nt "$x" ] || [ tests/tools/evtx2xml.py -nt "$x" ]; then
		/usr/bin/python3 tests/tools/evtx2xml.py "$f" > "$x.tmp" 2> "$T/$n.conv" && mv "$x.tmp" "$x"
	fi
	"$DWELL" parse -q -f win-xml "$x" > "$T/$n.winxml" 2> "$T/$n.winxml.err"
	python3 - "$n" "$T/$n.ours" "$T/$n.winxml" <<'PY'
import json, re, sys
from datetime import datetime, timezone
name, ours_p, wx_p = sys.argv[1:4]

def us(t):
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", t)
    s = int(datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp())
    return s * 10**7 + int((m.group(2) or "").ljust(7, "0")[:7])

ours = [json.loads(l)["event"] for l in open(ours_p) if l.strip()]
wx = [json.loads(l) for l in open(wx_p) if l.strip()]
by = {}
for e in ours:
    by.setdefault(e["record_id"], []).append(e)
problems = []
for w in wx:
    c = by.get(w.get("record_id"), [])
    if not c:
        problems.append("record %s: winxml has it, we do not" % w.get("record_id"))
        continue
    o = c.pop(0)
    if abs(us(o["ts"]) - us(w["ts"])) > 50:
        problems.append("record %s: ts %s vs %s" % (w["record_id"], o["ts"], w["ts"]))
    # python-evtx pads hex to the value's width ("0x000000002275e86d"), Windows does not
    hx = lambda v: "#%d" % int(v, 16) if isinstance(v, str) and re.fullmatch(r"0x[0-9a-fA-F]+", v) else v
    a = {k: hx(v) for k, v in o.items() if k not in ("ts", "file", "line", "offset")}
    b = {k: hx(v) for k, v in w.items() if k not in ("ts", "file", "line", "offset")}
    if a != b:
        k = sorted(set(a) | set(b), key=str)
        d = [x for x in k if a.get(x) != b.get(x)]
        problems.append("record %s: %s" % (w["record_id"], ", ".join(
            "%s %r != winxml %r" % (x, a.get(x), b.get(x)) for x in d[:3])))
left = sum(len(v) for v in by.values())
note = "%d events equal" % (len(wx) - len(problems))
if left:
    note += ", %d only ours (python-evtx renders %d)" % (left, len(wx))
if problems:
    print("not ok evtx-winxml-%s: %s (%d problems)" % (name, problems[0], len(problems)))
else:
    print("ok evtx-winxml-%s (%s)" % (name, note))
PY
done
