#!/bin/bash
# bench.sh - `make bench`: throughput and peak RSS of `dwell scan` (every
# detector on) on a generated 1,000,000-line auth.log, next to sshguard's
# parser and grep on the same file. Wall time is the best of RUNS runs on a
# warm page cache; peak RSS comes from GNU time. Nothing here is pass/fail.
# Environment: DWELL (binary), LINES (default 1000000), RUNS (default 3).
set -eu
cd "$(dirname "$0")/.."
: "${DWELL:=build/release/dwell}" "${LINES:=1000000}" "${RUNS:=3}"
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

# best wall time of RUNS runs, and the peak RSS of the last one
measure() { # label, command...
	local label=$1; shift
	local best="" rss=0 t
	for _ in $(seq "$RUNS"); do
		"$GTIME" -o "$OUT/time.txt" -f '%e %M' "$@" > /dev/null 2>&1 || true
		t=$(tail -1 "$OUT/time.txt")
		local wall=${t% *}; rss=${t#* }
		if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
	done
	awk -v l="$label" -v s="$best" -v b="$BYTES" -v n="$NL" -v r="$rss" 'BEGIN {
		if (s <= 0) s = 0.01;
		printf "| %-44s | %8.2f s | %9.1f MB/s | %12.0f lines/s | %8.1f MiB |\n", l, s, b/1e6/s, n/s, r/1024 }'
}

echo
echo "input: $LOG, $NL lines, $(awk -v b="$BYTES" 'BEGIN{printf "%.1f MB", b/1e6}'), best of $RUNS runs, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| command                                      | wall time  | throughput     | lines/s              | peak RSS     |"
echo "|----------------------------------------------|------------|----------------|----------------------|--------------|"
measure "dwell scan (all detectors)" "$DWELL" scan -q "$LOG"
measure "dwell parse > /dev/null (events as JSON)" "$DWELL" parse -q "$LOG"
if [ -n "$SSHG" ]; then
	measure "sshg-parser < log (sshguard 2.4.2)" sh -c "$SSHG < '$LOG'"
else
	echo "| sshg-parser: not found (run scripts/deps.sh) | | | | |"
fi
measure "grep -c 'Failed password'" grep -c 'Failed password' "$LOG"
echo
"$DWELL" scan "$LOG" > "$OUT/alerts.jsonl" 2> "$OUT/summary.txt" || true
echo "dwell scan summary:"
sed 's/^/    /' "$OUT/summary.txt"
echo "alerts by kind:"
grep -o '"kind":"[a-z_]*"' "$OUT/alerts.jsonl" | sort | uniq -c | sed 's/^/    /'
