#!/bin/bash
# evtx_real.sh - the real attack files of ../shared/data/evtx through
# `dwell scan`, each twice: the .evtx file itself (dwell's own decoder) and
# its single-line XML rendering by python3-evtx (tests/tools/evtx2xml.py);
# checked against the facts in their .truth.json: the attacking address and
# accounts, the attempts, the accounts that got in, and silence on the
# benign workstation. Prints "ok NAME" / "not ok NAME: why".
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
# the python-evtx rendering of file $1 into $T, and the input of variant $2 (xml or evtx)
render() { /usr/bin/python3 tests/tools/evtx2xml.py "$D/$1.evtx" > "$T/$1.xml" 2> "$T/$1.conv"; }
input() { if [ "$2" = evtx ]; then echo "$D/$1.evtx"; else echo "$T/$1.xml"; fi; }

for f in smb-guess-4625-deepblue kerb-brute-4771 kerbrute-enum-4768-4771 mssql-brute-33205 \
	benign-workstation-security rdp-restricted-4625 rdp-denied-4825 rdp-success-1149-inline \
	rdp-brute-131-inline; do
	render "$f"
	for v in xml evtx; do
	"$DWELL" scan -q "$(input "$f" $v)" > "$T/$f.$v.alerts" 2> "$T/$f.$v.err"
	python3 - "$f-$v" "$T/$f.$v.alerts" "$D/$f.evtx.truth.json" <<'PY'
import json, sys
name, alerts_path, truth_path = sys.argv[1:4]
alerts = [json.loads(l) for l in open(alerts_path) if l.strip()]
truth = json.load(open(truth_path)).get("auth", {})
ips = set(truth.get("distinct_source_ips_normalized", []))
# machine accounts are noise by design (counted, never an attack)
failing = {u for u, v in truth.get("target_users", {}).items()
           if v.get("fail") and u and not u.endswith("$")}  # "" and machine accounts: noise
attack_kinds = {"brute_force", "password_spray", "credential_stuffing", "distributed_spray"}
attacks = [a for a in alerts if a["kind"] in attack_kinds]
comp = {u for a in alerts if a["kind"] == "account_compromise" for u in a["compromised"]}
problems = []
# no attack: an ordinary workstation, two refused RDP logons, RDP logons without a failure,
# and RDP connections that name no account
if name.rsplit("-", 1)[0] in ("benign-workstation-security", "rdp-restricted-4625",
                              "rdp-denied-4825", "rdp-success-1149-inline",
                              "rdp-brute-131-inline"):
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
done

# Seen from the spraying machine (4648 explicit credentials), and lateral
# movement with no credential attack behind it (explicit credentials to one
# account, admin-share access): one spray alert naming the machine and every
# account tried; silence on the rest.
for f in spray-4648-deepblue wmic-4648 netuse-4648 share-admin-5140 \
	share-admin-sliver-5140 smb-loot-donpapi-5145; do
	render "$f"
	for v in xml evtx; do
	"$DWELL" scan -q "$(input "$f" $v)" > "$T/$f.$v.alerts" 2> "$T/$f.$v.err"
	python3 - "$f-$v" "$T/$f.$v.alerts" "$D/$f.evtx.truth.json" <<'PY'
import json, sys
name, alerts_path, truth_path = sys.argv[1:4]
alerts = [json.loads(l) for l in open(alerts_path) if l.strip()]
truth = json.load(open(truth_path))
problems = []
ex = truth.get("explicit_credentials_4648", {})
if ex.get("distinct_target_users", 0) >= 10:
    want_users = {u.lower() for u in ex["target_users"]}
    want_src = {c.lower() for c in truth["computers"]}
    if len(alerts) != 1 or alerts[0]["detector"] != "spray.explicit_credentials":
        problems.append("expected one spray.explicit_credentials alert, got %s"
                        % [a["detector"] for a in alerts])
    else:
        a = alerts[0]
        if set(a["users"]) != want_users:
            problems.append("users differ: missing %s extra %s" % (
                sorted(want_users - set(a["users"])), sorted(set(a["users"]) - want_users)))
        if set(a["sources"]) != want_src:
            problems.append("sources %s != %s" % (a["sources"], sorted(want_src)))
        if a["attempts"] != ex["count"]:
            problems.append("attempts %d != %d" % (a["attempts"], ex["count"]))
elif alerts:
    problems.append("expected silence, got %s" % [a["kind"] for a in alerts])
print(("ok evtx-real-%s (%d alerts)" % (name, len(alerts))) if not problems
      else "not ok evtx-real-%s: %s" % (name, "; ".join(problems)))
PY
	done
done
