#!/bin/bash
# flow.sh - exfiltration and internal staging end to end (issue 7): for each
# seed, tests/gen/gen_flow.py writes six months of a 200-workstation
# organisation's Zeek conn.log (records in order of connection end, as Zeek
# writes them) and NetScaler SSL VPN log, with a slow exfiltration, the
# staging before it, a burst, and an upload inside a VPN session, over
# background and traps (nightly backup to a prevalent cloud range, a new
# laptop's first sync, an admin jump host, calls, OS updates). Checks that
# `dwell parse` reads every record (one event with ts and action per record,
# per log, nothing unparsed), runs `dwell scan` on the two logs and compares
# the exfiltration / internal_staging alerts with the truth
# (`gen_flow.py --check`: exactly the expected (kind, source, destination)
# triples, the VPN user named and the address's earlier user not, no quiet
# source or destination) and the incidents with the truth's
# (`gen_flow.py --check-incidents`: the gateway spray, awhite's VPN login from
# its address and the 8 GB out from her VPN address are one intrusion with
# awhite to reset; each other attack host is an exfiltration incident; no
# other incident, no quiet source). Then cuts both logs at two times into
# three parts each (Zeek's header repeated in each part, as Zeek rotates),
# scans them one run each into one --db database, twice (cut mid-spray and
# mid-burst; mid-staging and mid-VPN-upload), and requires the
# exfiltration / internal_staging alerts (kind, detector, sources,
# destinations, users, bytes_out, first_seen, last_seen) and the incidents
# (record references compared by the log line they name) of one scan of the
# whole logs.
# Prints "ok flow-X" / "not ok flow-X: why", then checks that the checkers
# themselves fail on doctored alerts and incidents, that the public Zeek and
# NetFlow samples (their 437 MB Teams upload) give no exfiltration alert, and
# that the generator and the scan are deterministic.
# Environment: DWELL (binary), BUILD (build folder), DWELL_SHARED (default
# ../shared, for the samples), FLOW_SEEDS (default "42"), FLOW_ARGS (extra
# generator arguments, e.g. "--hosts 60"), FLOW_KEEP=1 keeps the temporary
# directory (it is kept anyway when something failed).
set -u
cd "$(dirname "$0")/../.." || exit 0
: "${BUILD:=build/san}" "${DWELL:=$BUILD/dwell}" "${DWELL_SHARED:=../shared}"
GEN=tests/gen/gen_flow.py
ARGS=${FLOW_ARGS:-}

if ! command -v python3 > /dev/null; then
	echo "not ok flow-setup: python3 not found"
	exit 0
fi
if [ ! -x "$DWELL" ]; then
	echo "not ok flow-setup: $DWELL not built"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/dwell-flow.XXXXXX") || {
	echo "not ok flow-setup: mktemp failed"
	exit 0
}
failed=0
say() { # one result line (the arguments joined by spaces); remembers failures
	case $1 in not\ ok*) failed=1 ;; esac
	echo "$*"
}

# a checker self-test's "N;problems" line -> one result line
strict() { # name, what was judged, output
	local n=${3%%;*} problems=${3#*;}
	case $n in '' | *[!0-9]*) problems="checker self-test failed to run" ;; esac
	if [ -n "$problems" ]; then
		say "not ok $1: $problems"
	else
		say "ok $1 ($n $2 judged)"
	fi
}

# every record is read: one event (with ts and action) per conn.log record
# and gateway line, as many of each log as the truth says, nothing unparsed
parse_ok() { # truth events summary -> prints the problem, if any
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
truth, events, summary = sys.argv[1:4]
files = json.load(open(truth))["files"]
want = {"zeek": files["conn.log"], "netscaler": files["gateway.log"]}
bad = n = 0
logs = {}
for l in open(events, encoding="utf-8"):
    n += 1
    try:
        e = json.loads(l)
        if not e.get("ts") or not e.get("action"):
            bad += 1
        logs[e.get("log")] = logs.get(e.get("log"), 0) + 1
    except ValueError:
        bad += 1
unp = [l.strip() for l in open(summary) if l.strip().startswith("unparsed")]
problems = []
if n != sum(want.values()):
    problems.append("%d events for %d records" % (n, sum(want.values())))
if logs != want:
    problems.append("events by log %s, want %s" % (json.dumps(logs, sort_keys=True),
                                                   json.dumps(want, sort_keys=True)))
if bad:
    problems.append("%d events without ts/action" % bad)
if not unp or unp[0].split()[1] != "0":
    problems.append("summary: %s" % (unp[0] if unp else "no unparsed line"))
print("; ".join(problems))
PY
}

# DIR/conn.log and DIR/gateway.log cut at two times into OUT/conn.{1,2,3}.log
# and OUT/gateway.{1,2,3}.log. Zeek logs a connection when it ends, so
# conn.log is cut by end time (ts + duration): each part is a Zeek file of its
# own, with the whole header (its #open the cut) and a #close. WHERE names the
# cuts: spray (between the middle two AAA failures), staging (between the
# middle two big reads of 10.1.4.77 from the file server), vpn (between the
# second and third upload to 91.92.240.0/24), burst (between the first two
# flows to 45.9.148.0/24); without them (a short --days), at 1/3 and 2/3 of
# the span. Prints the two cut times.
split_logs() { # dir out where
	python3 - "$1" "$2" "$3" <<'PY'
import calendar, os, sys, time
src, out, where = sys.argv[1], sys.argv[2], sys.argv[3].split("+")
def lines(f):
    with open(os.path.join(src, f), encoding="utf-8") as fh:
        return fh.read().splitlines()
conn, gw = lines("conn.log"), lines("gateway.log")
def ns_ts(l):  # <pri> MM/DD/YYYY:HH:MM:SS GMT ...
    return calendar.timegm(time.strptime(l.split("> ", 1)[1][:19], "%m/%d/%Y:%H:%M:%S"))
def end(l):
    f = l.split("\t")
    return float(f[0]) + float(f[8])
recs = [l for l in conn if not l.startswith("#")]
head = conn[:conn.index(recs[0])]
lo, hi = end(recs[0]), end(recs[-1])
def mid(ts, i, f):  # between the i-th and the next of times ts, else fraction f of the span
    ts = sorted(ts)
    return (ts[i] + ts[i + 1]) / 2 if i >= 0 and len(ts) > i + 1 else lo + (hi - lo) * f
def to(net):
    return [end(l) for l in recs if l.split("\t")[4].startswith(net)]
fails = [ns_ts(l) for l in gw if " AAA LOGIN_FAILED " in l]
staging = [end(l) for l in recs if l.split("\t")[2:5:2] == ["10.1.4.77", "10.0.0.10"]
           and int(l.split("\t")[10]) > 10 ** 9]
cut = {"spray": lambda f: mid(fails, len(fails) // 2 - 1, f),
       "staging": lambda f: mid(staging, len(staging) // 2 - 1, f),
       "vpn": lambda f: mid(to("91.92.240."), 1, f),
       "burst": lambda f: mid(to("45.9.148."), 0, f)}
cuts = [cut[where[0]](1 / 3), cut[where[1]](2 / 3)]
def stamp(t):
    return time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(t))
for k in range(3):
    a = cuts[k - 1] if k else float("-inf")
    b = cuts[k] if k < 2 else float("inf")
    with open(os.path.join(out, "conn.%d.log" % (k + 1)), "w", newline="\n") as f:
        f.write("".join(("#open\t%s" % stamp(max(a, lo)) if l.startswith("#open") else l)
                        + "\n" for l in head))
        f.write("".join(l + "\n" for l in recs if a <= end(l) < b))
        f.write("#close\t%s\n" % stamp(min(b, hi + 5)))
    with open(os.path.join(out, "gateway.%d.log" % (k + 1)), "w", newline="\n") as f:
        f.write("".join(l + "\n" for l in gw if a <= ns_ts(l) < b))
print(" ".join(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(c)) for c in cuts))
PY
}

# the alerts and incidents of one scan (want) and of the runs into a database
# (got) agree: the exfiltration / internal_staging alerts by (kind, detector,
# sources, destinations, users, bytes_out, first_seen, last_seen), the
# incidents field by field, a record reference {file, line} by the text of the
# line it names (the file looked up in the directories given). Prints what
# differs, if anything.
same_runs() { # want-alerts got-alerts want-incidents got-incidents dir...
	python3 - "$@" <<'PY'
import json, os, sys
want_a, got_a, want_i, got_i = sys.argv[1:5]
dirs = sys.argv[5:]
KINDS = ("exfiltration", "internal_staging")
F = ("kind", "detector", "sources", "destinations", "users", "bytes_out", "first_seen",
     "last_seen")
def alerts(p):
    return [tuple(json.dumps(a.get(k), sort_keys=True) for k in F)
            for a in map(json.loads, open(p)) if a.get("kind") in KINDS]
cache = {}
def text(f, n):
    for d in dirs:
        p = os.path.join(d, os.path.basename(f))
        if os.path.exists(p):
            if p not in cache:
                cache[p] = open(p, encoding="utf-8").read().splitlines()
            return cache[p][n - 1] if 0 < n <= len(cache[p]) else None
    return None
def norm(o):
    if isinstance(o, dict):
        if "file" in o and "line" in o:
            o = dict(o, text=text(o["file"], o["line"]))
            del o["file"], o["line"]
        return {k: norm(v) for k, v in o.items()}
    if isinstance(o, list):
        return [norm(v) for v in o]
    return o
out = []
wa, ga = alerts(want_a), alerts(got_a)
if not wa:
    out.append("no exfiltration / internal_staging alert in one scan")
for x in sorted(set(wa) - set(ga)):
    out.append("only in one scan: %s" % " ".join(x))
for x in sorted(set(ga) - set(wa)):
    out.append("only in the runs: %s" % " ".join(x))
if sorted(wa) != sorted(ga) and set(wa) == set(ga):
    out.append("the same alerts, other counts")
wi = [norm(json.loads(l)) for l in open(want_i) if l.strip()]
gi = [norm(json.loads(l)) for l in open(got_i) if l.strip()]
if len(wi) != len(gi):
    out.append("%d incidents, %d in the runs" % (len(wi), len(gi)))
for a, b in zip(wi, gi):
    for k in sorted(set(a) | set(b)):
        x, y, at = a.get(k), b.get(k), ""
        if x == y:
            continue
        if isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            j = next(j for j in range(len(x)) if x[j] != y[j])
            x, y, at = x[j], y[j], "[%d]" % j
        out.append("incident %s %s%s: %s, in the runs %s" % (
            a.get("id"), k, at, json.dumps(x)[:300], json.dumps(y)[:300]))
print("; ".join(out))
PY
}

seeds=${FLOW_SEEDS:-42}
first=
for seed in $seeds; do
	tag=seed$seed
	dir=$T/$tag
	[ -n "$first" ] || first=$tag
	# shellcheck disable=SC2086
	if ! python3 "$GEN" --seed "$seed" --out "$dir" $ARGS 2> "$T/$tag.gen.err"; then
		say "not ok flow-$tag: generator failed: $(head -c 300 "$T/$tag.gen.err")"
		continue
	fi
	if ! "$DWELL" parse "$dir/conn.log" "$dir/gateway.log" > "$T/$tag.events" \
		2> "$T/$tag.parse.err"; then
		say "not ok flow-$tag-parse: dwell parse failed: $(head -c 300 "$T/$tag.parse.err")"
	else
		why=$(parse_ok "$dir/truth.json" "$T/$tag.events" "$T/$tag.parse.err")
		if [ -n "$why" ]; then
			say "not ok flow-$tag-parse: $why"
		else
			say "ok flow-$tag-parse ($(wc -l < "$T/$tag.events") events)"
		fi
	fi
	rm -f "$T/$tag.events"
	"$DWELL" scan "$dir/conn.log" "$dir/gateway.log" -o "$T/$tag.alerts" \
		--incidents "$T/$tag.incidents" 2> "$T/$tag.summary"
	rc=$?
	if [ $rc -ne 0 ]; then
		say "not ok flow-$tag-scan: dwell scan exit $rc: $(grep -v '^ ' "$T/$tag.summary" |
			head -c 300)"
		continue
	fi
	if ! grep -q '^  unparsed     0$' "$T/$tag.summary"; then
		say "not ok flow-$tag-scan: $(grep unparsed "$T/$tag.summary")"
	else
		# Zeek logs a connection when it ends: by start time many records are late
		late=$(sed -n 's/.* \([0-9,]*\) events out of time order.*/\1/p' "$T/$tag.summary")
		say "ok flow-$tag-scan ($(wc -l < "$T/$tag.alerts") alerts; ${late:-0} events out of time order)"
	fi
	if out=$(python3 "$GEN" --check "$dir/truth.json" "$T/$tag.alerts"); then
		n=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["expect"]))' \
			"$dir/truth.json")
		say "ok flow-$tag ($n expected alerts)"
	else
		say "not ok flow-$tag: $(echo "$out" | head -8 | paste -s -d ';' | sed 's/;/; /g')"
	fi
	if out=$(python3 "$GEN" --check-incidents "$dir/truth.json" "$T/$tag.incidents"); then
		n=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["incidents"]))' \
			"$dir/truth.json")
		say "ok flow-$tag-incidents ($n expected incidents)"
	else
		say "not ok flow-$tag-incidents: $(echo "$out" | head -8 | paste -s -d ';' | sed 's/;/; /g')"
	fi
	# three runs into one database equal one scan of the whole logs
	for where in spray+burst staging+vpn; do
		p=$T/$tag-$where
		mkdir -p "$p"
		cuts=$(split_logs "$dir" "$p" "$where") || {
			say "not ok flow-$tag-db-$where: cutting the logs failed"
			continue
		}
		fail=
		for k in 1 2 3; do
			"$DWELL" scan -q --db "$p/db" "$p/conn.$k.log" "$p/gateway.$k.log" > /dev/null \
				2> "$p/run$k.err" || fail="$fail run $k exit $?: $(head -c 200 "$p/run$k.err")"
		done
		sqlite3 "$p/db" 'SELECT json FROM alerts ORDER BY id' \
			'SELECT json FROM open_alerts ORDER BY id' > "$p/alerts" 2> "$p/sqlite.err" ||
			fail="$fail sqlite3: $(head -c 200 "$p/sqlite.err")"
		"$DWELL" incidents --db "$p/db" --json > "$p/incidents" 2> "$p/inc.err" ||
			fail="$fail dwell incidents: $(head -c 200 "$p/inc.err")"
		if [ -z "$fail" ]; then
			fail=$(same_runs "$T/$tag.alerts" "$p/alerts" "$T/$tag.incidents" "$p/incidents" \
				"$dir" "$p")
		fi
		if [ -n "$fail" ]; then
			say "not ok flow-$tag-db-$where: cut at $cuts: $(echo "$fail" | head -c 900)"
		else
			say "ok flow-$tag-db-$where (cut at $cuts; $(grep -c . "$p/alerts") alerts," \
				"$(grep -c . "$p/incidents") incidents)"
			rm -rf "$p"
		fi
	done
done

# the checker fails on doctored alerts (so an "ok" above means something)
if [ -n "$first" ] && [ -s "$T/$first/truth.json" ]; then
	problems=$(python3 - "$GEN" "$T" "$first" <<'PY'
import copy, json, os, sys
gen, tdir, name = sys.argv[1:4]
truth_path = "%s/%s/truth.json" % (tdir, name)
truth = json.load(open(truth_path))
def alert(kind, s, d, users=()):
    return {"kind": kind, "severity": "high", "first_seen": "2024-01-21T09:00:00Z",
            "last_seen": "2024-01-21T18:00:00Z", "sources": [s], "sources_total": 1,
            "users": list(users), "users_total": len(users), "destinations": [d],
            "log": ["zeek"], "detector": "test", "evidence": {}}
good = [alert(e["kind"], e["source"], e["destination"], [e["user"]] if e["user"] else [])
        for e in truth["expect"]]
vpn = next((i for i, e in enumerate(truth["expect"]) if e["user"]), None)
def edit(f):
    v = copy.deepcopy(good)
    f(v)
    return v
def wrong_user(v):
    v[vpn]["users"] = list(truth["expect"][vpn]["users_forbidden"])
def extra_user(v):
    v[vpn]["users"] += truth["expect"][vpn]["users_forbidden"]
def merged(v):  # one alert naming two sources and two destinations: four triples
    a = v[0]
    a["sources"] += [s for x in v[1:2] for s in x["sources"]]
    a["destinations"] += [d for x in v[1:2] for d in x["destinations"]]
cases = {  # name: (alerts, should pass)
    "baseline": (good, True),
    "other-kinds": (edit(lambda v: v.append(dict(alert("brute_force", "198.51.100.9", "x"),
                                                    destinations=[]))), True),
    "extra-triple": (edit(lambda v: v.append(alert("exfiltration", "10.1.2.3",
                                                   "203.0.113.0/24"))), False),
    "quiet": (edit(lambda v: v.append(alert("exfiltration", truth["quiet_sources"][0],
                                            truth["quiet_destinations"][0]))), False),
    "kind-swapped": (edit(lambda v: v[0].update(kind="internal_staging"
                                                if v[0]["kind"] == "exfiltration"
                                                else "exfiltration")), False),
    "missing-triple": (good[1:], False),
    "no-alerts": ([], False),
    "merged": (edit(merged), False),
}
if vpn is not None:
    cases["wrong-user"] = (edit(wrong_user), False)
    cases["forbidden-user"] = (edit(extra_user), False)
    cases["no-user"] = (edit(lambda v: v[vpn].update(users=[])), False)
sys.path.insert(0, os.path.dirname(gen))
from gen_flow import judge_doctored
print(judge_doctored(cases, "--check", truth_path, "%s/doctored.alerts" % tdir))
PY
)
	strict flow-checker-strict "doctored alert files" "$problems"
fi

# the incident checker fails on doctored incidents
if [ -n "$first" ] && [ -s "$T/$first.incidents" ]; then
	problems=$(python3 - "$GEN" "$T" "$first" <<'PY'
import copy, json, os, sys
gen, tdir, name = sys.argv[1:4]
truth_path = "%s/%s/truth.json" % (tdir, name)
truth = json.load(open(truth_path))
good = [json.loads(l) for l in open("%s/%s.incidents" % (tdir, name)) if l.strip()]
def find(v, status, other=None):  # index of the first incident of status (not other)
    return next((i for i, x in enumerate(v) if x["status"] == status and i != other), None)
vpn = find(good, "intrusion")
exf = find(good, "exfiltration")
exf2 = find(good, "exfiltration", exf)
def edit(f):
    v = copy.deepcopy(good)
    f(v)
    return v
def drop_source(v, s):
    v[vpn]["sources"] = [x for x in v[vpn]["sources"] if x["source"] != s]
def merged(v):  # two exfiltration incidents told as one
    v[exf]["sources"] += v[exf2]["sources"]
    v[exf]["destinations"] += v[exf2]["destinations"]
    del v[exf2]
cases = {"baseline": (good, True), "no-incidents": ([], False)}
if vpn is not None:
    cases.update({
        "no-reset": (edit(lambda v: v[vpn].update(accounts_to_reset=[])), False),
        "reset-reason": (edit(lambda v: v[vpn]["accounts_to_reset"][0].update(
            reason="password_validated")), False),
        "bsmith-compromised": (edit(lambda v: v[vpn].update(
            compromised=v[vpn]["compromised"] + ["bsmith"])), False),
        "status-attack": (edit(lambda v: v[vpn].update(status="attack")), False),
        "two-intrusions": (edit(lambda v: v.append(dict(copy.deepcopy(v[vpn]), id=99))), False),
        "no-vpn-source": (edit(lambda v: drop_source(v, "10.8.0.55")), False),
        "no-spray-source": (edit(lambda v: drop_source(v, "203.0.113.50")), False),
        "no-exfil-dest": (edit(lambda v: v[vpn].update(destinations=[
            d for d in v[vpn]["destinations"] if d != "91.92.240.0/24"])), False),
        "bytes-low": (edit(lambda v: v[vpn].update(bytes_out=7999999999)), False),
        "bytes-null": (edit(lambda v: v[vpn].update(bytes_out=None)), False),
        "dwell+1": (edit(lambda v: v[vpn].update(dwell_seconds=v[vpn]["dwell_seconds"] + 1)),
                    False),
        "first-seen": (edit(lambda v: v[vpn].update(first_seen="2024-03-01T11:50:24Z")), False),
        "targeted-short": (edit(lambda v: v[vpn].update(targeted=v[vpn]["targeted"][1:])),
                           False),
    })
if exf is not None:
    cases.update({
        "exfil-as-intrusion": (edit(lambda v: v[exf].update(status="intrusion")), False),
        "quiet-source": (edit(lambda v: v[exf]["sources"].append(
            {"source": truth["quiet_sources"][0], "attempts": 0})), False),
        "quiet-destination": (edit(lambda v: v[exf]["destinations"].append(
            truth["quiet_destinations"][0])), False),
        "missing": (edit(lambda v: v.pop(exf)), False),
        "extra": (edit(lambda v: v.append(dict(copy.deepcopy(v[exf]), id=98, sources=[
            {"source": "10.1.2.3", "attempts": 0}]))), False),
        "late": (edit(lambda v: v[exf].update(last_seen="2025-01-01T00:00:00Z")), False),
    })
if exf2 is not None:
    cases["merged"] = (edit(merged), False)
sys.path.insert(0, os.path.dirname(gen))
from gen_flow import judge_doctored
print(judge_doctored(cases, "--check-incidents", truth_path, "%s/doctored.incidents" % tdir))
PY
)
	strict flow-incidents-checker-strict "doctored incident files" "$problems"
fi

# the public samples: the Zeek and NetFlow records (among them a 437 MB Teams
# upload in one 56-minute UDP flow) are read, and give no exfiltration alert
S=$DWELL_SHARED/samples
if [ -f "$S/zeek_conn.txt" ] && [ -f "$S/netflow.txt" ]; then
	"$DWELL" scan "$S/zeek_conn.txt" "$S/netflow.txt" -o "$T/samples.alerts" 2> "$T/samples.err"
	rc=$?
	teams=$("$DWELL" parse -q "$S/zeek_conn.txt" 2> /dev/null | grep -c '"bytes_out":457069463,')
	n=$(grep -c -e '"kind":"exfiltration"' -e '"kind":"internal_staging"' "$T/samples.alerts")
	flows=$(sed -n 's/^  events *\([0-9,]*\): .*/\1/p' "$T/samples.err")
	if [ $rc -ne 0 ]; then
		say "not ok flow-samples-no-exfil: dwell scan exit $rc: $(head -c 300 "$T/samples.err")"
	elif [ "$teams" != 1 ]; then
		say "not ok flow-samples-no-exfil: the 437 MB Teams flow was not read as one flow event"
	elif [ "$n" != 0 ]; then
		say "not ok flow-samples-no-exfil: $n exfiltration / internal_staging alerts:" \
			"$(grep -e exfiltration -e internal_staging "$T/samples.alerts" | head -c 400)"
	else
		say "ok flow-samples-no-exfil (${flows:-?} flow events, $(grep -c . "$T/samples.alerts") alerts)"
	fi
else
	say "not ok flow-samples-no-exfil: $S/zeek_conn.txt or netflow.txt missing (set DWELL_SHARED)"
fi

# the generator is deterministic, and so is the scan
if [ -n "$first" ] && [ -f "$T/$first.alerts" ]; then
	seed=${first#seed}
	# shellcheck disable=SC2086
	python3 "$GEN" --seed "$seed" --out "$T/again" $ARGS 2> /dev/null
	if diff -r -q "$T/again" "$T/$first" > /dev/null; then
		say "ok flow-generator-deterministic"
	else
		say "not ok flow-generator-deterministic: two runs of $first differ"
	fi
	"$DWELL" scan -q "$T/$first/conn.log" "$T/$first/gateway.log" > "$T/again.alerts" \
		--incidents "$T/again.incidents" 2> /dev/null
	if cmp -s "$T/again.alerts" "$T/$first.alerts" &&
		cmp -s "$T/again.incidents" "$T/$first.incidents"; then
		say "ok flow-deterministic"
	else
		say "not ok flow-deterministic: two scans of $first differ"
	fi
fi

if [ "$failed" = 1 ] || [ "${FLOW_KEEP:-0}" = 1 ]; then
	echo "# flow.sh: logs, truth and dwell output kept in $T"
else
	rm -rf "$T"
fi
exit 0
