#!/bin/bash
# cli.sh - golden tests of the dwell command line: exit status, what goes to
# stdout and stderr, inputs of every kind. Prints "ok NAME" / "not ok NAME: why".
set -u
cd "$(dirname "$0")/../.."
: "${DWELL:=build/san/dwell}" "${BUILD:=build/san}"
T=$BUILD/tmp-cli
rm -rf "$T"; mkdir -p "$T"

ok() { echo "ok cli-$1"; }
nok() { echo "not ok cli-$1: $2"; }
check() { # name, condition-command...
	local name=$1; shift
	if "$@"; then ok "$name"; else nok "$name" "failed: $*"; fi
}

cat > "$T/a.log" <<'LOG'
Mar  7 18:53:20 bar sshd[1556]: Failed password for root from 192.0.2.113 port 52100 ssh2
Mar  7 18:53:25 bar sshd[1557]: Accepted password for rda from 192.0.2.114 port 52101 ssh2
LOG
printf 'Mar  7 18:54:00 bar sshd[1600]: Failed password for invalid user zz from 192.0.2.9 port 1 ssh2\r\n' > "$T/crlf.log"

# usage errors exit 1
"$DWELL" > /dev/null 2>&1; check usage-noargs test $? -eq 1
"$DWELL" frobnicate x > /dev/null 2>&1; check usage-badcmd test $? -eq 1
"$DWELL" scan > /dev/null 2>&1; check usage-nopath test $? -eq 1
"$DWELL" scan --year abc "$T/a.log" > /dev/null 2>&1; check usage-badyear test $? -eq 1
"$DWELL" scan --bogus "$T/a.log" > /dev/null 2>&1; check usage-badopt test $? -eq 1
"$DWELL" --help > /dev/null 2>&1; check help test $? -eq 0
"$DWELL" version | grep -q '^dwell '; check version test $? -eq 0

# a missing input: named on stderr, exit 2, the other inputs still processed
"$DWELL" parse -y 2024 "$T/nope.log" "$T/a.log" > "$T/out" 2> "$T/err"; rc=$?
check missing-exit2 test $rc -eq 2
check missing-named grep -q 'nope.log' "$T/err"
check missing-rest-read test "$(wc -l < "$T/out")" -eq 2

# stdout carries only JSON lines; the summary goes to stderr
"$DWELL" parse -y 2024 "$T/a.log" > "$T/out" 2> "$T/err"
check parse-json-only python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$T/out"
check parse-summary-stderr grep -q 'lines' "$T/err"
check parse-fields grep -q '"ts":"2024-03-07T18:53:20Z","log":"sshd"' "$T/out"
"$DWELL" parse -q -y 2024 "$T/a.log" > /dev/null 2> "$T/err"
check quiet test ! -s "$T/err"

# stdin, gzip, CRLF, directory
"$DWELL" parse -q -y 2024 - < "$T/a.log" > "$T/out"; check stdin test "$(wc -l < "$T/out")" -eq 2
gzip -c "$T/a.log" > "$T/a.log.1.gz"
"$DWELL" parse -q -y 2024 "$T/a.log.1.gz" > "$T/out"; check gzip test "$(wc -l < "$T/out")" -eq 2
"$DWELL" parse -q -y 2024 "$T/crlf.log" > "$T/out"
check crlf grep -q '"user":"zz","src_ip":"192.0.2.9","src_port":1,' "$T/out"
mkdir -p "$T/dir/sub"; cp "$T/a.log" "$T/dir/sub/x.log"; cp "$T/crlf.log" "$T/dir/y.log"
"$DWELL" parse -q -y 2024 "$T/dir" > "$T/out"; check directory test "$(wc -l < "$T/out")" -eq 3

# scan: exit 0 with or without findings; stdout only alerts
"$DWELL" scan -q -y 2024 "$T/a.log" > "$T/out"; check scan-exit0 test $? -eq 0
check scan-no-alerts test ! -s "$T/out"
"$DWELL" scan -q -y 2024 -o "$T/alerts.json" "$T/a.log"; check scan-output-file test -f "$T/alerts.json"

# determinism: the same input twice gives the same bytes
if [ -f tests/data/auth-sample.log ]; then
	"$DWELL" scan -q tests/data/auth-sample.log > "$T/s1"
	"$DWELL" scan -q tests/data/auth-sample.log > "$T/s2"
	check scan-deterministic cmp -s "$T/s1" "$T/s2"
	check scan-sample-finds test -s "$T/s1"
	# the bundled sample, whatever its mtime after a checkout, matches its truth
	touch tests/data/auth-sample.log
	python3 tests/gen/check_truth.py bundled-sample "$T/s1" tests/data/auth-sample.log.truth.json
fi
# the bundled gateway story: a spray, the account that got in, its VPN session after
if [ -f tests/data/gateway-sample.log ]; then
	"$DWELL" scan -q tests/data/gateway-sample.log > "$T/g1"
	python3 tests/gen/check_truth.py bundled-gateway "$T/g1" tests/data/gateway-sample.log.truth.json
	check gateway-new-access-bytes grep -q '"kind":"new_access".*"bytes_out":309000000,.*"sessions":1,' "$T/g1"
fi

# hostile input never crashes and is counted
head -c 200000 /dev/urandom > "$T/garbage.bin" 2>/dev/null
"$DWELL" scan -y 2024 "$T/garbage.bin" > "$T/out" 2> "$T/err"; rc=$?
check garbage-no-crash test $rc -eq 0
check garbage-counted grep -q 'unparsed' "$T/err"

# follow: appended lines and a rotated-in file are read once each, then idle exit
head -1 "$T/a.log" > "$T/f.log"
"$DWELL" parse -q -y 2024 -F --idle-exit 2 "$T/f.log" > "$T/out" &
pid=$!
sleep 0.5; tail -1 "$T/a.log" >> "$T/f.log"
sleep 0.5; mv "$T/f.log" "$T/f.log.1"; cat "$T/crlf.log" > "$T/f.log"
wait $pid; rc=$?
check follow-exit0 test $rc -eq 0
check follow-lines test "$(wc -l < "$T/out")" -eq 3

# RFC 3164 zone and option validation
"$DWELL" parse -q -y 2024 --utc-offset +01:00 "$T/a.log" > "$T/out"
check utc-offset grep -q '"ts":"2024-03-07T17:53:20Z"' "$T/out"
"$DWELL" parse -q --utc-offset 1:00 "$T/a.log" > /dev/null 2>&1; check utc-offset-bad test $? -eq 1
# --tz is the same option, and it reaches nfdump's zone-less local times
"$DWELL" parse -q -y 2024 --tz +01:00 "$T/a.log" > "$T/out"
check tz-alias grep -q '"ts":"2024-03-07T17:53:20Z"' "$T/out"
printf 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt\n2015-12-12 10:34:56,2015-12-12 10:39:45,289.028,192.168.56.117,192.168.56.104,1,80,TCP,...RS.,0,0,3,12920\n' > "$T/nf.csv"
"$DWELL" parse -q --tz +02:00 "$T/nf.csv" > "$T/out"
check tz-nfdump grep -q '"ts":"2015-12-12T08:39:45Z"' "$T/out"

"$DWELL" scan -q --set nosuch.key=1 "$T/a.log" > /dev/null 2>&1; check set-unknown-key test $? -eq 1
"$DWELL" scan -q --config "$T/nope.conf" "$T/a.log" > /dev/null 2>&1; check config-missing test $? -eq 1
"$DWELL" scan -q --config etc/dwell.conf "$T/a.log" > /dev/null 2>&1; check config-shipped test $? -eq 0

# two hosts' logs over the same hours: merged by time, a spray spread over both is one campaign
python3 - "$T/h1.log" "$T/h2.log" <<'PY'
import sys
out = [open(sys.argv[1], "w"), open(sys.argv[2], "w")]
for h, f in enumerate(out):  # a quiet background on both hosts, 6 h
    for m in range(0, 360, 7):
        f.write("Mar  7 %02d:%02d:00 host%d sshd[%d]: Accepted publickey for admin from 10.0.0.%d port 22 ssh2\n"
                % (8 + m // 60, m % 60, h, 100 + m, h + 5))
lines = [[], []]
for i in range(120):  # 120 addresses, one guess each, 120 accounts, 11:00-11:59, half per host
    t = 11 * 3600 + i * 30
    lines[i % 2].append((t, "Mar  7 %02d:%02d:%02d host%d sshd[%d]: Failed password for user%03d from 198.51.%d.%d port 4%04d ssh2\n"
                         % (t // 3600, t // 60 % 60, t % 60, i % 2, 5000 + i, i, 100 + i // 50, i % 50 + 1, i)))
for h in range(2):
    for _, l in lines[h]:
        out[h].write(l)
    out[h].close()
PY
sort -k3,3 -s -o "$T/h1.log" "$T/h1.log"; sort -k3,3 -s -o "$T/h2.log" "$T/h2.log"
"$DWELL" scan -y 2024 "$T/h1.log" "$T/h2.log" > "$T/out" 2> "$T/err"
check merge-two-hosts grep -q '"kind":"distributed_spray".*"sources_total":120' "$T/out"
check merge-summary grep -q '2 logs read side by side' "$T/err"
"$DWELL" scan -y 2024 --sequential "$T/h1.log" "$T/h2.log" > "$T/out" 2> "$T/err"
check sequential-warns grep -q 'inputs overlap in time' "$T/err"

# the real MSOLSpray run (8 accounts from one address, one got in): a spray,
# and a compromise of exactly that account
: "${DWELL_SHARED:=../shared}"
MS=$DWELL_SHARED/samples/o365-ual-azuread-logon.txt
if [ -f "$MS" ]; then
	"$DWELL" scan -q "$MS" > "$T/msol" 2> "$T/err"
	check msolspray-spray grep -q '"kind":"password_spray".*"users_total":9,.*"compromised":\["lidia"\]' "$T/msol"
	check msolspray-compromise grep -q '"kind":"account_compromise".*"compromised":\["lidia"\]' "$T/msol"
	check msolspray-two-alerts test "$(wc -l < "$T/msol")" -eq 2
else
	nok msolspray "$MS missing"
fi

# .evtx read natively, also inside a directory next to text logs, merged by time
EV=$DWELL_SHARED/data/evtx
if [ -f "$EV/kerbrute-enum-4768-4771.evtx" ]; then
	mkdir -p "$T/mixed"
	cp "$EV/kerbrute-enum-4768-4771.evtx" "$T/mixed/Security.evtx"
	cp tests/data/gateway-sample.log "$T/mixed/ns.log"
	"$DWELL" scan "$T/mixed" > "$T/mixed.out" 2> "$T/mixed.err"
	check evtx-dir-exit0 test $? -eq 0
	check evtx-dir-evtx-alerts grep -q '"kind":"password_spray".*"sources":\["10.23.123.11"\]' "$T/mixed.out"
	check evtx-dir-text-alerts grep -q '"kind":"new_access"' "$T/mixed.out"
	check evtx-dir-summary grep -q 'evtx  *1 files, 42 records' "$T/mixed.err"
	"$DWELL" parse -q "$EV/kerbrute-enum-4768-4771.evtx" > "$T/evtx.jsonl"
	check evtx-parse-42 test "$(wc -l < "$T/evtx.jsonl")" -eq 42
	check evtx-parse-fields grep -q '"log":"win","host":"rootdc1.offsec.lan","action":"auth_failure","reason":"locked","user":"administrator"' "$T/evtx.jsonl"
	# a damaged copy: header zeroed, a chunk cut short; the rest still read, damage counted
	head -c 40000 "$EV/smb-guess-4625-deepblue.evtx" > "$T/cut.evtx"
	dd if=/dev/zero of="$T/cut.evtx" bs=1 count=4096 conv=notrunc status=none
	"$DWELL" scan "$T/cut.evtx" > /dev/null 2> "$T/cut.err"
	check evtx-damaged-exit0 test $? -eq 0
	check evtx-damaged-counted grep -q 'bad file headers' "$T/cut.err"
else
	nok evtx-dir "$EV missing"
fi

# --evtx-slack: the records left in chunk slack (older generations) are read too,
# the same with any number of threads
if [ -f "$EV/wmic-4648.evtx" ]; then
	"$DWELL" parse -q "$EV/rdp-denied-4825.evtx" > "$T/slack0"
	"$DWELL" parse -q --evtx-slack --threads 1 "$EV/wmic-4648.evtx" > "$T/slack1"
	"$DWELL" parse -q --evtx-slack --threads 3 "$EV/wmic-4648.evtx" > "$T/slack3"
	"$DWELL" parse --evtx-slack "$EV/rdp-denied-4825.evtx" > "$T/slack2" 2> "$T/slack2.err"
	check evtx-slack-off test "$(wc -l < "$T/slack0")" -eq 2
	check evtx-slack-on test "$(wc -l < "$T/slack2")" -eq 39
	check evtx-slack-counted grep -q '37 stale records in chunk slack, 37 of them delivered' "$T/slack2.err"
	check evtx-slack-threads cmp -s "$T/slack1" "$T/slack3"
	check evtx-slack-history test "$(grep -c '"event_id":7036' "$T/slack1")" -eq 63
fi

# incidents: the bundled stories linked into their incidents, in the summary and as JSON
"$DWELL" scan --incidents "$T/inc.jsonl" tests/data/auth-sample.log tests/data/gateway-sample.log \
	> /dev/null 2> "$T/inc.err"
check incidents-count test "$(wc -l < "$T/inc.jsonl")" -eq 8
check incidents-json python3 -c "
import json, sys
inc = [json.loads(l) for l in open(sys.argv[1])]
gw = [i for i in inc if any(s['source'] == '185.137.56.40' for s in i['sources'])]
assert len(gw) == 1 and gw[0]['status'] == 'intrusion', gw
assert gw[0]['accounts_to_reset'] == [{'user': 'awood', 'reason': 'compromised'}], gw[0]['accounts_to_reset']
assert gw[0]['bytes_out'] == 309000000 and gw[0]['dwell_seconds'] == 3534, gw[0]
assert [i['id'] for i in inc] == list(range(1, len(inc) + 1))
assert sum(i['status'] == 'intrusion' for i in inc) == 3
" "$T/inc.jsonl"
check incidents-summary grep -q 'reset: awood (compromised)' "$T/inc.err"
