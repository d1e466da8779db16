#!/bin/bash
# db.sh - the SQLite store of `dwell scan --db` (README "Database"):
#   * split equivalence: each scenario log cut in two (or three) at several
#     lines and scanned a part per run into one database gives exactly the
#     alerts (final + still open, in order) and the incidents of one scan of
#     the whole log without a database;
#   * re-scanning adds nothing: the same file, a renamed copy, a gzipped copy;
#     a grown file adds only what it gained;
#   * `dwell incidents --db --json` equals `dwell scan --incidents`;
#   * --follow --db killed (-9) mid-stream and restarted loses and duplicates
#     nothing; a batch scan killed mid-run and run again completes the work;
#   * a garbage, foreign, newer-schema, damaged, read-only or locked database
#     gives a clear error and exit status 1 and is left byte for byte as it
#     was; `dwell report` reads while a scan writes.
# Prints "ok NAME" / "not ok NAME: why". Environment: DWELL, BUILD.
set -u
cd "$(dirname "$0")/../.."
: "${DWELL:=build/san/dwell}" "${BUILD:=build/san}"
DWELL=$(realpath "$DWELL")
T=$(realpath -m "$BUILD/tmp-db")
rm -rf "$T"; mkdir -p "$T"

ok() { echo "ok db-$1"; }
nok() { echo "not ok db-$1: $2"; }
check() { # name, condition...
	local n=$1; shift
	if "$@"; then ok "$n"; else nok "$n" "$*"; fi
}
# every alert a database holds: the final ones in order, then the open ones
dbalerts() { sqlite3 "$1" 'SELECT json FROM alerts ORDER BY id' 'SELECT json FROM open_alerts ORDER BY id'; }

# Two files of JSON lines (alerts or incidents) are the same but for where
# their evidence points: each record reference (file + line) must name the
# same log line, whether in the whole log or in the part a run read.
# lenient: attempt counts may be a little higher in the got file, and record
# references may name other lines (a rotation renames the file they were
# read from); everything else must agree.
same_refs() { # want, got, whole log, directory of the parts, lenient (0/1)
	python3 - "$@" <<'PY'
import json, os, re, sys
want, got, whole, d = sys.argv[1:5]
lenient = len(sys.argv) > 5 and sys.argv[5] == '1'
COUNTS = ('attempts', 'max_attempts_per_source', 'attempts_per_hour', 'max_attempts_per_user')
cache = {}
def text(f, n):
    path = whole if f == os.path.basename(whole) else os.path.join(d, f)
    if path not in cache:
        cache[path] = open(path, 'rb').read().split(b'\n')
    return cache[path][n - 1] if 0 < n <= len(cache[path]) else None
def norm(o, refs):
    if isinstance(o, dict):
        if 'file' in o and 'line' in o:
            refs.append(text(o['file'], o['line']))
            o = {k: v for k, v in o.items() if k not in ('file', 'line')}
        return {k: norm(v, refs) for k, v in o.items()}
    if isinstance(o, list):
        return [norm(v, refs) for v in o]
    return o
def load(p):
    refs = []
    rows = [norm(json.loads(l), refs) for l in open(p) if l.strip()]
    return rows, refs
def close(x, y):
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(
            (0 <= y[k] - x[k] <= 3) if lenient and k in COUNTS and isinstance(x[k], int)
            else close(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(close(u, v) for u, v in zip(x, y))
    return x == y
a, ra = load(want)
b, rb = load(got)
sys.exit(0 if close(a, b) and (ra == rb or lenient) and None not in rb else 1)
PY
}

# ---- split equivalence ------------------------------------------------------
split_case() { # name, log, cut fractions...
	local name=$1 log=$2; shift 2
	local n; n=$(wc -l < "$log")
	"$DWELL" scan -q -y 2024 "$log" --incidents "$T/$name.inc0" > "$T/$name.all"
	for f in "$@"; do
		local db="$T/$name-$f.db" k prev=0 i=0 fail="" parts=() np
		rm -f "$db" "$T/$name-$f".log*
		np=$(( $(echo "$f" | tr -cd '+' | wc -c) + 2 ))
		for cut in $(echo "$f" | tr '+' ' ') 1; do
			k=$(python3 -c "print(int($n * $cut))")
			i=$((i + 1))
			# named as a rotated set, oldest first: X.log.2, X.log.1, X.log
			local part="$T/$name-$f.log"
			[ $((np - i)) -gt 0 ] && part="$part.$((np - i))"
			sed -n "$((prev + 1)),${k}p" "$log" > "$part"
			parts+=("$part")
			"$DWELL" scan -q -y 2024 --db "$db" "$part" > /dev/null || fail="scan part $i"
			prev=$k
		done
		dbalerts "$db" > "$T/$name-$f.got"
		"$DWELL" incidents --db "$db" --json > "$T/$name-$f.inc"
		# the same rotated set in one run without a database
		"$DWELL" scan -q -y 2024 "${parts[@]}" --incidents "$T/$name-$f.inc0" > "$T/$name-$f.all"
		if [ -n "$fail" ]; then
			nok "split-$name-$f" "$fail"
		elif ! cmp -s "$T/$name-$f.all" "$T/$name-$f.got"; then
			nok "split-$name-$f" "alerts differ from one scan of the parts ($(diff "$T/$name-$f.all" "$T/$name-$f.got" | head -c 600))"
		elif ! cmp -s "$T/$name-$f.inc0" "$T/$name-$f.inc"; then
			nok "split-$name-$f" "incidents differ from one scan of the parts"
		elif ! same_refs "$T/$name.all" "$T/$name-$f.got" "$log" "$T" 0; then
			nok "split-$name-$f" "alerts differ from one scan of the whole log ($(diff "$T/$name.all" "$T/$name-$f.got" | head -c 600))"
		elif ! same_refs "$T/$name.inc0" "$T/$name-$f.inc" "$log" "$T" 0; then
			nok "split-$name-$f" "incidents differ from one scan of the whole log"
		else
			ok "split-$name-$f ($(wc -l < "$T/$name.all") alerts, $(wc -l < "$T/$name.inc0") incidents)"
		fi
	done
}

for sc in password_spray slow_single distributed_spray slow_distributed compromise_spray_ip \
	compromise_fresh_ip trap_sprayed_users_normal mix; do
	python3 tests/gen/gen_sshd.py --scenario "$sc" --seed 42 --out "$T/$sc.log" > /dev/null
	split_case "$sc" "$T/$sc.log" 0.5 0.25+0.75 0.9
done
split_case sample tests/data/auth-sample.log 0.3 0.5+0.6

# the Citrix-like chain (three logs merged by time) in three runs cut at event
# times: mid-spray and mid-intrusion. Each run reads every log's records of its
# period; the database must end as one scan of all the parts, and hold
# exactly the one intrusion of the truth.
python3 tests/gen/gen_chain.py --scenario citrix-chain --seed 42 --out "$T/cc" > /dev/null
"$DWELL" parse -q "$T/cc" > "$T/cc.events"
python3 - "$T/cc" "$T/cc.events" 2024-10-09T12:00:00 2024-10-20T00:00:00 <<'PY'
import json, os, sys
src, events, cuts = sys.argv[1], sys.argv[2], sys.argv[3:]
first = {}  # file -> [first line of period k]
for l in open(events):
    e = json.loads(l)
    f, n, ts = os.path.basename(e["file"]), e["line"], e["ts"][:19]
    k = sum(ts >= c for c in cuts)
    first.setdefault(f, {}).setdefault(k, n)
for f, starts in first.items():
    lines = open(os.path.join(src, f), "rb").read().split(b"\n")
    bounds = sorted(starts.items())
    for i, (k, n) in enumerate(bounds):
        end = bounds[i + 1][1] - 1 if i + 1 < len(bounds) else len(lines)
        d = "%s.p%d" % (src, k)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f), "wb") as o:
            o.write(b"\n".join(lines[n - 1:end]).rstrip(b"\n") + b"\n")
PY
rm -f "$T/cc.db"
fail=""
for k in 0 1 2; do
	"$DWELL" scan -q --db "$T/cc.db" "$T/cc.p$k" > /dev/null || fail="run $k"
done
"$DWELL" scan -q "$T/cc.p0" "$T/cc.p1" "$T/cc.p2" --incidents "$T/cc.inc0" > "$T/cc.all"
dbalerts "$T/cc.db" > "$T/cc.got"
"$DWELL" incidents --db "$T/cc.db" --json > "$T/cc.inc"
if [ -n "$fail" ]; then nok chain-three-runs "$fail"
elif ! cmp -s "$T/cc.all" "$T/cc.got"; then nok chain-three-runs "alerts differ ($(diff "$T/cc.all" "$T/cc.got" | head -c 400))"
elif ! cmp -s "$T/cc.inc0" "$T/cc.inc"; then nok chain-three-runs "incidents differ"
else ok "chain-three-runs ($(wc -l < "$T/cc.got") alerts)"; fi
r=$(python3 tests/gen/gen_chain.py --check "$T/cc.truth.json" "$T/cc.inc" "$T/cc.got" --tag db-chain-truth)
case $r in ok*) echo "$r";; *) echo "not ok db-chain-truth: $r" | head -c 600; echo;; esac

# the report of that incident shows what the database kept of the account:
# the compromising gateway login first, with its log record
"$DWELL" report --db "$T/cc.db" 1 > "$T/cc.report"
check chain-report-events grep -q '^  awhite$' "$T/cc.report"
check chain-report-first-event test "$(grep -A2 '^EVENTS OF INTEREST' "$T/cc.report" | sed -n 3p | awk '{print $1, $2}')" = \
	"$(python3 -c "import json; print(json.load(open('$T/cc.truth.json'))['incidents'][0]['first_compromise'], 'session_start')")"

# a scan with --db prints what one without prints
"$DWELL" scan -q -y 2024 --db "$T/same.db" "$T/mix.log" > "$T/same.out"
check stdout-same-as-without-db cmp -s "$T/same.out" "$T/mix.all"

# ---- re-scans add nothing ---------------------------------------------------
db=$T/dup.db
"$DWELL" scan -q --db "$db" tests/data/auth-sample.log tests/data/gateway-sample.log > "$T/dup1.out"
a1=$(sqlite3 "$db" 'SELECT count(*) FROM alerts'); e1=$(sqlite3 "$db" 'SELECT count(*) FROM events')
h1=$(sqlite3 "$db" 'SELECT sum(failures), sum(successes), sum(sessions) FROM hours')
dbalerts "$db" > "$T/dup1.alerts"
"$DWELL" scan -q --db "$db" tests/data/auth-sample.log tests/data/gateway-sample.log > "$T/dup2.out"
cp tests/data/auth-sample.log "$T/renamed.log.1"
gzip -c tests/data/gateway-sample.log > "$T/gateway.log.2.gz"
"$DWELL" scan -q --db "$db" "$T/renamed.log.1" "$T/gateway.log.2.gz" > "$T/dup3.out"
a2=$(sqlite3 "$db" 'SELECT count(*) FROM alerts'); e2=$(sqlite3 "$db" 'SELECT count(*) FROM events')
h2=$(sqlite3 "$db" 'SELECT sum(failures), sum(successes), sum(sessions) FROM hours')
dbalerts "$db" > "$T/dup2.alerts"
check rescan-no-alerts-printed test ! -s "$T/dup2.out" -a ! -s "$T/dup3.out"
check rescan-adds-nothing test "$a1/$e1/$h1" = "$a2/$e2/$h2"
check rescan-same-alerts cmp -s "$T/dup1.alerts" "$T/dup2.alerts"
check rescan-skips-counted test "$(sqlite3 "$db" 'SELECT events_read FROM scans WHERE id = 3')" = 0
check rescan-scans-recorded test "$(sqlite3 "$db" 'SELECT count(*) FROM scans')" = 3
"$DWELL" scan -q --incidents "$T/inc0.json" tests/data/auth-sample.log tests/data/gateway-sample.log > /dev/null
"$DWELL" incidents --db "$db" --json > "$T/inc1.json"
check incidents-json-equals-scan cmp -s "$T/inc0.json" "$T/inc1.json"
check incidents-table-filled test "$(sqlite3 "$db" 'SELECT count(*) FROM incidents')" = "$(wc -l < "$T/inc0.json")"
check incidents-text test "$("$DWELL" incidents --db "$db" | grep -c '^#')" = "$(wc -l < "$T/inc0.json")"

# a grown file: only what it gained
head -n 5000 tests/data/auth-sample.log > "$T/grow.log"
"$DWELL" scan -q --db "$T/grow.db" "$T/grow.log" > /dev/null
sed -n '5001,$p' tests/data/auth-sample.log >> "$T/grow.log"
"$DWELL" scan -q --db "$T/grow.db" "$T/grow.log" > /dev/null
"$DWELL" scan -q tests/data/auth-sample.log > "$T/grow.want"
dbalerts "$T/grow.db" > "$T/grow.got"
check grown-file-reads-the-rest same_refs "$T/grow.want" "$T/grow.got" tests/data/auth-sample.log "$T" 0
"$DWELL" scan -q --db "$T/grow1.db" tests/data/auth-sample.log > /dev/null
check grown-file-events-once test "$(sqlite3 "$T/grow.db" 'SELECT sum(events_read) FROM scans')" = \
	"$(sqlite3 "$T/grow1.db" 'SELECT events_read FROM scans')"

# ---- restart of --follow --db -------------------------------------------------
python3 tests/gen/gen_sshd.py --scenario mix --seed 7 --out "$T/fmix.log" > /dev/null
n=$(wc -l < "$T/fmix.log"); h=$((n / 2))
"$DWELL" scan -q -y 2024 "$T/fmix.log" > "$T/follow.want"
: > "$T/follow.log"
"$DWELL" scan -q -y 2024 --follow --db "$T/follow.db" "$T/follow.log" > /dev/null 2> "$T/follow1.err" &
pid=$!
sleep 0.5
head -n "$((h / 2))" "$T/fmix.log" >> "$T/follow.log"; sleep 0.3
sed -n "$((h / 2 + 1)),${h}p" "$T/fmix.log" >> "$T/follow.log"
for _ in $(seq 50); do # wait for the checkpoint after it caught up (at most ~1 s idle)
	sleep 0.2
	[ "$(sqlite3 "$T/follow.db" 'SELECT coalesce(sum(events_read), 0) FROM scans' 2>/dev/null || echo 0)" -gt 0 ] && break
done
sleep 1.5
# dwell report works while the scan holds the database
"$DWELL" report --db "$T/follow.db" > "$T/report-live.out" 2> "$T/report-live.err"
check report-while-scanning test $? = 0
"$DWELL" scan -q --db "$T/follow.db" tests/data/auth-sample.log > /dev/null 2> "$T/locked.err"
rc=$?
check locked-db-refused test $rc = 1
check locked-db-message grep -q 'locked: another dwell scan' "$T/locked.err"
kill -9 $pid; wait $pid 2>/dev/null
sed -n "$((h + 1)),\$p" "$T/fmix.log" >> "$T/follow.log"
"$DWELL" scan -q -y 2024 --follow --idle-exit 2 --db "$T/follow.db" "$T/follow.log" > /dev/null 2> "$T/follow2.err"
dbalerts "$T/follow.db" > "$T/follow.got"
check follow-restart-exact same_refs "$T/follow.want" "$T/follow.got" "$T/fmix.log" "$T" 0
check follow-restart-resumed test "$(sqlite3 "$T/follow.db" 'SELECT count(*) FROM scans')" = 2

# ---- rotation while following: the new file is a new input, the old one keeps its mark
: > "$T/rot.log"
"$DWELL" scan -q -y 2024 --follow --db "$T/rot.db" "$T/rot.log" > /dev/null 2>&1 &
pid=$!
sleep 0.5
head -n "$h" "$T/fmix.log" >> "$T/rot.log"
sleep 1.5
mv "$T/rot.log" "$T/rot.log.1"
sed -n "$((h + 1)),\$p" "$T/fmix.log" > "$T/rot.log"
for _ in $(seq 50); do
	sleep 0.2
	[ "$(sqlite3 "$T/rot.db" 'SELECT count(*) FROM inputs' 2>/dev/null || echo 0)" = 2 ] && break
done
sleep 1.5
kill -TERM $pid; wait $pid 2>/dev/null
"$DWELL" scan -q -y 2024 --db "$T/rot.db" "$T/rot.log.1" "$T/rot.log" > "$T/rot.again"
check rotation-two-inputs test "$(sqlite3 "$T/rot.db" 'SELECT count(*) FROM inputs')" = 2
check rotation-nothing-twice test "$(sqlite3 "$T/rot.db" 'SELECT events_read FROM scans WHERE id = 2')" = 0
dbalerts "$T/rot.db" > "$T/rot.got"
# (records found before the rotation name rot.log, whose lines have since
# moved to rot.log.1: only the references may point elsewhere)
check rotation-exact same_refs "$T/follow.want" "$T/rot.got" "$T/fmix.log" "$T" 1

# ---- a batch scan killed mid-run ----------------------------------------------
python3 tests/gen/gen_sshd.py --bench --lines 400000 --out "$T/big.log" > /dev/null 2>&1
"$DWELL" scan -q "$T/big.log" > "$T/big.want"
"$DWELL" scan -q --checkpoint 0 --db "$T/big.db" "$T/big.log" > /dev/null 2>&1 &
pid=$!
part=0
for _ in $(seq 200); do # kill it right after its first checkpoint
	sleep 0.05
	part=$(sqlite3 "$T/big.db" 'SELECT coalesce(sum(events_read), 0) FROM scans' 2>/dev/null || echo 0)
	[ "${part:-0}" -gt 0 ] && break
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
"$DWELL" scan -q --db "$T/big.db" "$T/big.log" > /dev/null
dbalerts "$T/big.db" > "$T/big.got"
total=$(sqlite3 "$T/big.db" 'SELECT sum(events_read) FROM scans')
check killed-scan-was-mid-run test "${part:-0}" -gt 0 -a "${part:-0}" -lt "$total"
check killed-scan-completes cmp -s "$T/big.want" "$T/big.got"
echo "# killed scan had checkpointed $part of $total events"

# ---- bad databases: clear error, exit 1, file unchanged ---------------------------
bad() { # name, expected message, db
	local name=$1 msg=$2 f=$3 before after rc
	before=$(md5sum < "$f")
	"$DWELL" scan -q --db "$f" tests/data/auth-sample.log > /dev/null 2> "$T/$name.err"
	rc=$?
	after=$(md5sum < "$f")
	if [ $rc -ne 1 ]; then nok "bad-$name" "exit $rc"
	elif ! grep -q "$msg" "$T/$name.err"; then nok "bad-$name" "message: $(cat "$T/$name.err")"
	elif [ "$before" != "$after" ]; then nok "bad-$name" "file changed"
	else ok "bad-$name"; fi
}
head -c 3000 /dev/urandom > "$T/garbage.db"
bad garbage 'not a dwell database' "$T/garbage.db"
sqlite3 "$T/foreign.db" 'CREATE TABLE t(x); INSERT INTO t VALUES(1)'
bad foreign "not dwell's" "$T/foreign.db"
cp "$T/grow.db" "$T/newer.db"
sqlite3 "$T/newer.db" 'PRAGMA user_version = 99'
bad newer 'newer dwell (schema 99)' "$T/newer.db"
cp "$T/grow.db" "$T/damaged.db"
sz=$(stat -c %s "$T/damaged.db")
python3 - "$T/damaged.db" "$sz" <<'PY'
import sys
p, n = sys.argv[1], int(sys.argv[2])
with open(p, "r+b") as f:   # scribble over every page but the first (the header stays valid)
    for off in range(4096 + 100, n, 4096):
        f.seek(off); f.write(b"\xff" * 200)
PY
bad damaged 'damaged' "$T/damaged.db"
for q in "incidents" "report"; do
	"$DWELL" $q --db "$T/garbage.db" > /dev/null 2> "$T/q.err"
	check "$q-garbage-refused" test $? = 1
done
"$DWELL" incidents --db "$T/none.db" > /dev/null 2>&1
check incidents-missing-db test $? = 1 -a ! -e "$T/none.db"
"$DWELL" report --db "$T/grow.db" 999 > /dev/null 2> "$T/q.err"
check report-no-such-incident grep -q 'no incident 999' "$T/q.err"
# read-only: as an unprivileged user (root may write anything)
cp "$T/grow.db" "$T/ro.db"; chmod 644 "$T/ro.db"; chmod 755 "$T"
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	before=$(md5sum < "$T/ro.db")
	setpriv --reuid=65534 --regid=65534 --clear-groups "$DWELL" scan -q --db "$T/ro.db" \
		tests/data/auth-sample.log > /dev/null 2> "$T/ro.err"
	rc=$?
	if [ $rc = 1 ] && grep -q 'read-only' "$T/ro.err" && [ "$before" = "$(md5sum < "$T/ro.db")" ]; then
		ok read-only
	else
		nok read-only "exit $rc: $(cat "$T/ro.err")"
	fi
else
	chmod 444 "$T/ro.db"
	bad ro 'read-only' "$T/ro.db"
fi
