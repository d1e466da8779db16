#!/bin/bash
# identity.sh - the labelled identity-log scenarios end to end: for each
# scenario of tests/gen/gen_identity.py (Windows Security XML, Entra ID
# sign-ins in the diagnostic envelope and as Log Analytics rows, Microsoft
# 365 audit, Okta System Log, NetScaler syslog), generate the log and its
# truth, check that `dwell parse` reads every record (one event with ts and
# action per line, nothing unparsed, log under 2 MB), run `dwell scan` on it
# and compare the alerts with the truth (exact sets of sources, users and
# compromised accounts per alert; nothing else alerted).
# Prints "ok identity-X" / "not ok identity-X: why" per scenario and seed,
# plus determinism checks. Environment: DWELL (binary), BUILD (build folder),
# IDENTITY_SEEDS (default "42 7").
set -u
cd "$(dirname "$0")/../.."
: "${BUILD:=build/san}" "${DWELL:=$BUILD/dwell}"
S=$BUILD/identity
GEN=tests/gen/gen_identity.py
mkdir -p "$S"

if ! command -v python3 > /dev/null; then
	echo "not ok identity-setup: python3 not found"
	exit 0
fi
if [ ! -x "$DWELL" ]; then
	echo "not ok identity-setup: $DWELL not built"
	exit 0
fi

# every record is read: as many events (each with ts and action) as lines,
# no unparsed counter in the summary, and the log stays small
parse_ok() { # log events summary -> prints the problem, if any
	python3 - "$1" "$2" "$3" <<'PY'
import json, os, sys
log, events, summary = sys.argv[1:4]
lines = sum(1 for _ in open(log, encoding="utf-8"))
bad, n = 0, 0
for l in open(events, encoding="utf-8"):
    n += 1
    try:
        e = json.loads(l)
        if not e.get("ts") or not e.get("action"):
            bad += 1
    except ValueError:
        bad += 1
unp = [l.strip() for l in open(summary) if l.strip().startswith("unparsed")]
problems = []
if n != lines:
    problems.append("%d events for %d records" % (n, lines))
if bad:
    problems.append("%d events without ts/action" % bad)
if not unp or unp[0].split()[1] != "0":
    problems.append("summary: %s" % (unp[0] if unp else "no unparsed line"))
size = os.path.getsize(log)
if size > 2 * 1024 * 1024:
    problems.append("log is %d bytes (over 2 MB)" % size)
print("; ".join(problems))
PY
}

seeds=${IDENTITY_SEEDS:-42 7}
names=$(python3 "$GEN" --list | awk '{print $1}')
for seed in $seeds; do
	for name in $names; do
		tag=$name
		[ "$seed" = 42 ] || tag=$name-seed$seed
		log=$S/$tag.log
		if ! python3 "$GEN" --scenario "$name" --seed "$seed" --out "$log" \
			2> "$S/$tag.gen.err"; then
			echo "not ok identity-$tag: generator failed: $(head -c 300 "$S/$tag.gen.err")"
			continue
		fi
		if ! "$DWELL" parse "$log" > "$S/$tag.events" 2> "$S/$tag.parse.err"; then
			echo "not ok identity-$tag: dwell parse failed: $(head -c 300 "$S/$tag.parse.err")"
			continue
		fi
		why=$(parse_ok "$log" "$S/$tag.events" "$S/$tag.parse.err")
		if [ -n "$why" ]; then
			echo "not ok identity-$tag: parse: $why"
			continue
		fi
		"$DWELL" scan -q "$log" > "$S/$tag.alerts" 2> "$S/$tag.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "not ok identity-$tag: dwell scan exit $rc: $(head -c 300 "$S/$tag.err")"
			continue
		fi
		python3 tests/gen/check_truth.py "$tag" "$S/$tag.alerts" "$log.truth.json" |
			sed -E 's/^(not )?ok scenario-/\1ok identity-/'
	done
done

# the generator is deterministic, and so is the scan
first=$(echo "$names" | head -1)
if [ -f "$S/$first.log" ]; then
	python3 "$GEN" --scenario "$first" --out "$S/again.log" 2> /dev/null
	if cmp -s "$S/again.log" "$S/$first.log" && cmp -s "$S/again.log.truth.json" \
		"$S/$first.log.truth.json"; then
		echo "ok identity-generator-deterministic"
	else
		echo "not ok identity-generator-deterministic: two runs of $first differ"
	fi
	"$DWELL" scan -q "$S/$first.log" > "$S/again.alerts" 2> /dev/null
	if cmp -s "$S/again.alerts" "$S/$first.alerts"; then
		echo "ok identity-deterministic"
	else
		echo "not ok identity-deterministic: two scans of $first.log differ"
	fi
fi

# A long gateway session of a compromised account is one new_access report,
# not one at its start and one at its end: the sample's attacker session
# (SessionId 75408, 08:41:07) made to end at 11:45:26, three hours of quiet.
T=$S
LS=$T/long-session.log
{ grep -n '' tests/data/gateway-sample.log | grep -E '185\.137\.56\.40' | grep -v 'LOGOUT' | cut -d: -f2-
  grep 'SessionId: 75408' tests/data/gateway-sample.log | grep LOGOUT |
	sed 's|03/05/2024:09:35:26|03/05/2024:11:45:26|; s|End_time "03/05/2024:[0-9:]* "|End_time "03/05/2024:11:45:26 "|; s|Duration [0-9:]*|Duration 03:04:19|'
} > "$LS"
"$DWELL" scan -q "$LS" > "$T/long-session.out"
n=$(grep -c '"kind":"new_access"' "$T/long-session.out")
s=$(grep '"kind":"new_access"' "$T/long-session.out" | grep -o '"sessions":[0-9]*')
if [ "$n" = 1 ] && [ "$s" = '"sessions":1' ]; then
	echo "ok identity-long-session-one-report"
else
	echo "not ok identity-long-session-one-report: $n new_access alerts ($s)"
fi
