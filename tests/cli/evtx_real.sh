#!/bin/bash
# evtx_real.sh - the real attack files of ../shared/data/evtx, rendered as
# single-line XML by python3-evtx (tests/tools/evtx2xml.py), through
# `dwell scan`, checked against the facts in their .truth.json: the
# attacking address and accounts, the attempts, the accounts that got in,
# and silence on the benign workstation. Prints "ok NAME" / "not ok NAME: why".
set -u
cd "$(dirname "$0")/../.."
: "${DWELL:=build/san/dwell}" "${BUILD:=build/san}" "${DWELL_SHARED:=../shared}"
D="$DWELL_SHARED/data/evtx"
T=$BUILD/tmp-evtx
mkdir -p "$T"
if ! /usr/bin/python3 -c 'import Evtx' 2>/dev/null; then
	echo "not ok evtx-real: python3-evtx missing (scripts/deps.sh installs it)"
	exit 0
fi
if [ ! -d "$D" ]; then
	echo "not ok evtx-real: $D missing"
	exit 0
fi
for f in smb-guess-4625-deepblue kerb-brute-4771 kerbrute-enum-4768-4771 \
	benign-workstation-security rdp-restricted-4625; do
	/usr/bin/python3 tests/tools/evtx2xml.py "$D/$f.evtx" > "$T/$f.xml" 2> "$T/$f.conv"
	"$DWELL" scan -q "$T/$f.xml" > "$T/$f.alerts" 2> "$T/$f.err"
	python3 - "$f" "$T/$f.alerts" "$D/$f.evtx.truth.json" <<'PY'
import json, sys
name, alerts_path, truth_path = sys.argv[1:4]
alerts = [json.loads(l) for l in open(alerts_path) if l.strip()]
truth = json.load(open(truth_path))["auth"]
ips = set(truth.get("distinct_source_ips_normalized", []))
# machine accounts are noise by design (counted, never an attack)
failing = {u for u, v in truth.get("target_users", {}).items() if v.get("fail") and not u.endswith("$")}
attack_kinds = {"brute_force", "password_spray", "credential_stuffing", "distributed_spray"}
attacks = [a for a in alerts if a["kind"] in attack_kinds]
comp = {u for a in alerts if a["kind"] == "account_compromise" for u in a["compromised"]}
problems = []
if name in ("benign-workstation-security", "rdp-restricted-4625"):
    if alerts:
        problems.append("expected silence, got %s" % [a["kind"] for a in alerts])
else:
    if len(attacks) != 1:
        problems.append("expected one attack alert, got %s" % [a["kind"] for a in attacks])
    else:
        a = attacks[0]
        if set(a["sources"]) != ips:
            problems.append("sources %s != truth %s" % (a["sources"], sorted(ips)))
        if not failing <= set(a["users"]) | comp:
            problems.append("missed users %s" % sorted(failing - set(a["users"])))
        if a["attempts"] > truth["failures"]["total"]:
            problems.append("attempts %d > failures %d" % (a["attempts"], truth["failures"]["total"]))
    # an account that logged in from the attacking address is compromised
    want = set()
    for ip, d in truth.get("successes_from_failing_ips_detail", {}).items():
        for k in (d if isinstance(d, dict) else {}):
            want.add(k.split(":")[-1].lower())  # "4768:admmig"
    if want != comp:
        problems.append("compromised %s != %s" % (sorted(comp), sorted(want)))
print(("ok evtx-real-%s (%d alerts)" % (name, len(alerts))) if not problems
      else "not ok evtx-real-%s: %s" % (name, "; ".join(problems)))
PY
done
