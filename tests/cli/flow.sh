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
# source or destination).
# Prints "ok flow-X" / "not ok flow-X: why", then checks that the checker
# itself fails on doctored alerts, and that the generator and the scan are
# deterministic.
# Environment: DWELL (binary), BUILD (build folder), FLOW_SEEDS (default
# "42"), FLOW_ARGS (extra generator arguments, e.g. "--hosts 60"),
# FLOW_KEEP=1 keeps the temporary directory (it is kept anyway when
# something failed).
set -u
cd "$(dirname "$0")/../.." || exit 0
: "${BUILD:=build/san}" "${DWELL:=$BUILD/dwell}"
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
say() { # one result line; remembers failures
	case $1 in not\ ok*) failed=1 ;; esac
	echo "$1"
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
	"$DWELL" scan "$dir/conn.log" "$dir/gateway.log" -o "$T/$tag.alerts" 2> "$T/$tag.summary"
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
done

# the checker fails on doctored alerts (so an "ok" above means something)
if [ -n "$first" ] && [ -s "$T/$first/truth.json" ]; then
	problems=$(python3 - "$GEN" "$T" "$first" <<'PY'
import copy, json, subprocess, sys
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
out = []
for cname, (v, should) in cases.items():
    p = "%s/doctored.alerts" % tdir
    with open(p, "w") as f:
        for a in v:
            f.write(json.dumps(a) + "\n")
    r = subprocess.run([sys.executable, gen, "--check", truth_path, p],
                       capture_output=True, text=True)
    ok = r.returncode == 0 and r.stdout.strip() == "ok"
    if ok != should:
        out.append("%s: exit %d %s" % (cname, r.returncode, r.stdout.strip()[:200]))
print("%d;%s" % (len(cases), "; ".join(out)))
PY
)
	n=${problems%%;*}
	problems=${problems#*;}
	case $n in '' | *[!0-9]*) problems="checker self-test failed to run" ;; esac
	if [ -n "$problems" ]; then
		say "not ok flow-checker-strict: $problems"
	else
		say "ok flow-checker-strict ($n doctored alert files judged)"
	fi
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
	"$DWELL" scan -q "$T/$first/conn.log" "$T/$first/gateway.log" > "$T/again.alerts" 2> /dev/null
	if cmp -s "$T/again.alerts" "$T/$first.alerts"; then
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
