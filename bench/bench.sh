#!/bin/bash
# bench.sh - `make bench`: throughput and peak RSS of `dwell scan` (every
# detector on) on a generated 1,000,000-line auth.log, next to sshguard's
# parser and grep on the same file; then the same for a generated file of
# 1,000,000 Entra ID sign-in records (one JSON object per line,
# tests/gen/gen_entra.py), next to python3's json module, jq and wc -l.
# Wall time is the best of RUNS runs on a warm page cache (jq, at about
# 35 MB/s, runs JQ_RUNS times); peak RSS comes from GNU time. Nothing here is
# pass/fail.
# Environment: DWELL (binary), LINES (default 1000000), RECORDS (Entra
# records, default 1000000), RUNS (default 5), JQ_RUNS (default 1).
set -eu
cd "$(dirname "$0")/.."
: "${DWELL:=build/release/dwell}" "${LINES:=1000000}" "${RUNS:=5}"
: "${RECORDS:=1000000}" "${JQ_RUNS:=1}"
OUT=build/bench
LOG=$OUT/auth_${LINES}.log
mkdir -p "$OUT"
if [ ! -s "$LOG" ]; then
	echo "generating $LOG ($LINES lines)..."
	python3 tests/gen/gen_sshd.py --bench --lines "$LINES" --out "$LOG"
fi
BYTES=$(stat -c %s "$LOG")
NL=$(wc -l < "$LOG")
GTIME=/usr/bin/time
[ -x "$GTIME" ] || { echo "bench: GNU time missing (apt-get install time)" >&2; exit 1; }

SSHG=""
for c in /usr/libexec/sshguard/sshg-parser build/deps/root/usr/libexec/sshguard/sshg-parser; do
	[ -x "$c" ] && { SSHG=$c; break; }
done

# best wall time of RUNS runs (MRUNS if set), and the peak RSS of the last
# one; the row goes to $TABLE, with rates per $UNIT of $BYTES and $NL
TABLE=$OUT/table.txt UNIT=lines
measure() { # label, command...
	local label=$1; shift
	local best="" rss=0 t
	for _ in $(seq "${MRUNS:-$RUNS}"); do
		local t0 t1 wall
		t0=$(date +%s.%N)
		"$GTIME" -o "$OUT/time.txt" -f '%M' "$@" > /dev/null 2>&1 || true
		t1=$(date +%s.%N)
		wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')
		rss=$(tail -1 "$OUT/time.txt")
		if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
	done
	awk -v l="$label" -v s="$best" -v b="$BYTES" -v n="$NL" -v r="$rss" -v u="$UNIT" 'BEGIN {
		if (s <= 0) s = 0.01;
		printf "| %-44s | %8.3f s | %9.1f MB/s | %12.0f %s/s | %8.1f MiB |\n", l, s, b/1e6/s, n/s, u, r/1024 }' \
		| tee -a "$TABLE"
}

echo
echo "input: $LOG, $NL lines, $(awk -v b="$BYTES" 'BEGIN{printf "%.1f MB", b/1e6}'), best of $RUNS runs, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
: > "$OUT/table.txt"
echo "| command                                      | wall time  | throughput     | lines/s              | peak RSS     |"
echo "|----------------------------------------------|------------|----------------|----------------------|--------------|"
measure "dwell scan (all detectors)" "$DWELL" scan -q "$LOG"
measure "dwell parse > /dev/null (events as JSON)" "$DWELL" parse -q "$LOG"
measure "cat log | dwell scan - (stdin)" sh -c "cat '$LOG' | '$DWELL' scan -q -"
[ -s "$LOG.gz" ] || gzip -1 -c "$LOG" > "$LOG.gz"
measure "dwell scan log.gz (zlib; MB/s of plain text)" "$DWELL" scan -q "$LOG.gz"
if [ -n "$SSHG" ]; then
	measure "sshg-parser < log (sshguard 2.4.2)" sh -c "$SSHG < '$LOG'"
else
	echo "| sshg-parser: not found (run scripts/deps.sh) | | | | |"
fi
# grep stops at the first match when its stdout is /dev/null: pipe it
measure "grep -c 'Failed password' | cat" sh -c "grep -c 'Failed password' '$LOG' | cat"
if [ -n "$SSHG" ]; then
	awk -v a="$(grep 'dwell scan (all' "$OUT/table.txt" | awk -F'|' '{print $3+0}')" \
	    -v b="$(grep 'sshg-parser' "$OUT/table.txt" | awk -F'|' '{print $3+0}')" \
	    'BEGIN { if (a > 0) printf "\ndwell scan is %.1fx faster than sshg-parser on this input\n", b / a }'
fi
echo
"$DWELL" scan "$LOG" > "$OUT/alerts.jsonl" 2> "$OUT/summary.txt" || true
echo "dwell scan summary:"
sed 's/^/    /' "$OUT/summary.txt"
echo "alerts by kind:"
grep -o '"kind":"[a-z_]*"' "$OUT/alerts.jsonl" | sort | uniq -c | sed 's/^/    /'

# --- Entra ID sign-in records (JSON lines) ---------------------------------------------
ENTRA=$OUT/entra_${RECORDS}.jsonl
if [ ! -s "$ENTRA" ]; then
	echo
	echo "generating $ENTRA ($RECORDS records)..."
	python3 tests/gen/gen_entra.py --bench --records "$RECORDS" --out "$ENTRA"
fi
BYTES=$(stat -c %s "$ENTRA")
NL=$(wc -l < "$ENTRA")
TABLE=$OUT/entra_table.txt UNIT=records
echo
echo "input: $ENTRA, $NL Entra ID sign-in records, $(awk -v b="$BYTES" -v n="$NL" 'BEGIN{printf "%.1f MB, %.0f bytes a record", b/1e6, b/n}'), best of $RUNS runs"
echo
: > "$TABLE"
echo "| command                                      | wall time  | throughput     | records/s              | peak RSS     |"
echo "|----------------------------------------------|------------|----------------|------------------------|--------------|"
measure "dwell scan (all detectors)" "$DWELL" scan -q "$ENTRA"
measure "dwell parse > /dev/null (events as JSON)" "$DWELL" parse -q "$ENTRA"
# the fastest JSON reader of Debian 12 on this machine: CPython's json (C accelerated)
measure "python3 json.loads of each line" python3 -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    json.loads(line)' "$ENTRA"
if command -v jq > /dev/null; then
	MRUNS=$JQ_RUNS measure "jq -c . > /dev/null ($(jq --version), $JQ_RUNS run)" jq -c . "$ENTRA"
else
	echo "| jq: not found (apt-get install jq)           | | | | |"
fi
measure "wc -l" wc -l "$ENTRA"
echo
"$DWELL" scan "$ENTRA" > "$OUT/entra_alerts.jsonl" 2> "$OUT/entra_summary.txt" || true
echo "dwell scan summary (Entra):"
sed 's/^/    /' "$OUT/entra_summary.txt"
echo "alerts by kind:"
grep -o '"kind":"[a-z_]*"' "$OUT/entra_alerts.jsonl" | sort | uniq -c | sed 's/^/    /'
