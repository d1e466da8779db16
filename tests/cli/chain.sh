#!/bin/bash
# chain.sh - incidents end to end (issue 6): for each scenario of
# tests/gen/gen_chain.py (a Citrix-like chain over four weeks in Entra ID,
# NetScaler and Windows file-server logs; two unrelated attacks in sshd and
# Okta logs; benign traffic only) and each seed, generate the logs into a
# temporary directory, check that `dwell parse` reads every record (one
# event with ts and action per line, nothing unparsed), run
# `dwell scan DIR --incidents FILE` and compare the incidents with the truth
# (count; status, compromised, password_validated, accounts_to_reset and
# dwell_seconds exactly; required and allowed sources, targeted accounts,
# destinations, bytes_out; no benign account to reset, no usual address as a
# source; required alerts such as stale_credentials present).
# Prints "ok chain-X" / "not ok chain-X: why" per scenario and seed, then
# checks that the checker itself fails on doctored incidents, and that the
# generator and the scan are deterministic.
# Environment: DWELL (binary), BUILD (build folder), CHAIN_SEEDS (default
# "42 7"), CHAIN_KEEP=1 keeps the temporary directory (it is kept anyway
# when something failed).
set -u
cd "$(dirname "$0")/../.."
: "${BUILD:=build/san}" "${DWELL:=$BUILD/dwell}"
GEN=tests/gen/gen_chain.py

if ! command -v python3 > /dev/null; then
	echo "not ok chain-setup: python3 not found"
	exit 0
fi
if [ ! -x "$DWELL" ]; then
	echo "not ok chain-setup: $DWELL not built"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/dwell-chain.XXXXXX") || {
	echo "not ok chain-setup: mktemp failed"
	exit 0
}
failed=0
say() { # one result line; remembers failures
	case $1 in not\ ok*) failed=1 ;; esac
	echo "$1"
}

# every record of DIR is read: as many events (each with ts and action) as
# lines in the files, less the sshd lines folded into the attempt they belong
# to, and the summary counts nothing unparsed
parse_ok() { # truth events summary -> prints the problem, if any
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
truth, events, summary = sys.argv[1:4]
lines = sum(json.load(open(truth))["files"].values())
bad = n = 0
for l in open(events, encoding="utf-8"):
    n += 1
    try:
        e = json.loads(l)
        if not e.get("ts") or not e.get("action"):
            bad += 1
    except ValueError:
        bad += 1
unp, folded = [], 0
for l in open(summary):
    l = l.strip()
    if l.startswith("unparsed"):
        unp.append(l)
    elif l.startswith("folded"):  # sshd lines folded into the attempt they belong to
        folded = int(l.split()[1].replace(",", ""))
problems = []
if n + folded != lines:
    problems.append("%d events + %d folded for %d lines" % (n, folded, lines))
if bad:
    problems.append("%d events without ts/action" % bad)
if not unp or unp[0].split()[1] != "0":
    problems.append("summary: %s" % (unp[0] if unp else "no unparsed line"))
print("; ".join(problems))
PY
}

seeds=${CHAIN_SEEDS:-42 7}
names=$(python3 "$GEN" --list | awk '{print $1}')
for seed in $seeds; do
	for name in $names; do
		tag=$name
		[ "$seed" = 42 ] || tag=$name-seed$seed
		dir=$T/$tag
		if ! python3 "$GEN" --scenario "$name" --seed "$seed" --out "$dir" \
			2> "$T/$tag.gen.err"; then
			say "not ok chain-$tag: generator failed: $(head -c 300 "$T/$tag.gen.err")"
			continue
		fi
		if ! "$DWELL" parse "$dir" > "$T/$tag.events" 2> "$T/$tag.parse.err"; then
			say "not ok chain-$tag-parse: dwell parse failed: $(head -c 300 "$T/$tag.parse.err")"
		else
			why=$(parse_ok "$dir.truth.json" "$T/$tag.events" "$T/$tag.parse.err")
			if [ -n "$why" ]; then
				say "not ok chain-$tag-parse: $why"
			else
				say "ok chain-$tag-parse ($(wc -l < "$T/$tag.events") events)"
			fi
		fi
		rm -f "$T/$tag.events"
		"$DWELL" scan "$dir" --incidents "$T/$tag.incidents" > "$T/$tag.alerts" \
			2> "$T/$tag.summary"
		rc=$?
		if [ $rc -ne 0 ]; then
			say "not ok chain-$tag: dwell scan exit $rc: $(grep -v '^ ' "$T/$tag.summary" |
				head -c 300)"
			continue
		fi
		if ! grep -q '^  unparsed     0$' "$T/$tag.summary"; then
			say "not ok chain-$tag-scan-unparsed: $(grep unparsed "$T/$tag.summary")"
		fi
		say "$(python3 "$GEN" --check "$dir.truth.json" "$T/$tag.incidents" "$T/$tag.alerts" \
			--tag "$tag")"
	done
done

# the checker fails on doctored incidents (so an "ok" above means something)
first=$(echo "$names" | head -1)
if [ -s "$T/$first.incidents" ]; then
	problems=$(python3 - "$GEN" "$T" "$first" <<'PY'
import copy, json, subprocess, sys
gen, tdir, name = sys.argv[1:4]
truth = json.load(open("%s/%s.truth.json" % (tdir, name)))
incs = [json.loads(l) for l in open("%s/%s.incidents" % (tdir, name)) if l.strip()]
want = truth["incidents"][0]
benign = truth["benign_users"][0]
good = copy.deepcopy(incs)
# start from what the truth says, so each change below is the only problem
if good:
    g = good[0]
    g.update({k: copy.deepcopy(want[k]) for k in ("status", "compromised", "password_validated",
                                                  "accounts_to_reset", "dwell_seconds")})
    g["sources"] = [{"source": s, "attempts": 1} for s in
                    sorted(set(want["sources_required"]) | {s["source"] for s in g["sources"]}
                           & set(want["sources_allowed"]))]
    g["destinations"] = sorted(set(g["destinations"]) | set(want["destinations_required"]))
    if want["bytes_out"] is not None:
        g["bytes_out"] = want["bytes_out"]
    g["targeted"] = [u for u in g["targeted"] if u in set(want["targeted_allowed"])]
    g["cut"] = {"sources": 0, "accounts": 0, "destinations": 0, "timeline": 0}
def edit(f):
    v = copy.deepcopy(good)
    f(v)
    return v
cases = {
    "baseline": good,
    "dwell+1": edit(lambda v: v[0].update(dwell_seconds=v[0]["dwell_seconds"] + 1)),
    "benign-reset": edit(lambda v: v[0]["accounts_to_reset"].append(
        {"user": benign, "reason": "compromised"})),
    "reason": edit(lambda v: v[0]["accounts_to_reset"][0].update(reason="password_validated")),
    "two-incidents": edit(lambda v: v.append(copy.deepcopy(v[0]))),
    "no-incident": [],
    "source-lost": edit(lambda v: v[0].update(sources=[
        s for s in v[0]["sources"] if s["source"] != want["sources_required"][0]])),
    "bytes": edit(lambda v: v[0].update(bytes_out=(v[0]["bytes_out"] or 0) + 1)),
    "status": edit(lambda v: v[0].update(status="attack")),
}
out = []
for cname, v in cases.items():
    p = "%s/doctored.incidents" % tdir
    with open(p, "w") as f:
        for g in v:
            f.write(json.dumps(g) + "\n")
    r = subprocess.run([sys.executable, gen, "--check", "%s/%s.truth.json" % (tdir, name), p,
                        "%s/%s.alerts" % (tdir, name), "--tag", cname],
                       capture_output=True, text=True).stdout
    ok = r.startswith("ok ")
    if ok != (cname == "baseline"):
        out.append("%s: %s" % (cname, r.strip()[:200]))
print("; ".join(out))
PY
)
	if [ -n "$problems" ]; then
		say "not ok chain-checker-strict: $problems"
	else
		say "ok chain-checker-strict (8 doctored incident files rejected)"
	fi
fi

# the generator is deterministic, and so is the scan
if [ -d "$T/$first" ]; then
	python3 "$GEN" --scenario "$first" --out "$T/again" 2> /dev/null
	if diff -r -q "$T/again" "$T/$first" > /dev/null &&
		cmp -s "$T/again.truth.json" "$T/$first.truth.json"; then
		say "ok chain-generator-deterministic"
	else
		say "not ok chain-generator-deterministic: two runs of $first differ"
	fi
	"$DWELL" scan -q "$T/$first" --incidents "$T/again.incidents" > "$T/again.alerts" 2> /dev/null
	if cmp -s "$T/again.incidents" "$T/$first.incidents" &&
		cmp -s "$T/again.alerts" "$T/$first.alerts"; then
		say "ok chain-deterministic"
	else
		say "not ok chain-deterministic: two scans of $first differ"
	fi
fi

if [ "$failed" = 1 ] || [ "${CHAIN_KEEP:-0}" = 1 ]; then
	echo "# chain.sh: logs, truth and dwell output kept in $T"
else
	rm -rf "$T"
fi
exit 0
