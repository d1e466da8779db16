#!/bin/bash
# bench.sh - `make bench`: throughput and peak RSS of `dwell scan` (every
# detector on) on a generated 1,000,000-line auth.log, next to sshguard's
# parser and grep on the same file; then the same for a generated file of
# 1,000,000 Entra ID sign-in records (one JSON object per line,
# tests/gen/gen_entra.py), next to python3's json module, jq and wc -l.
# Then Windows .evtx: a ~300 MB file of the chunks of every
# ../shared/data/evtx file repeated (tests/tools/evtxcat.py), decoded on one
# thread and on all of them (--threads), next to libevtx's evtxexport on a
# 20 MB slice.
# Then Zeek: a conn.log TSV of ~1.2 M records (tests/gen/gen_flow.py, 1,100
# hosts x 180 days), next to the hunter's awk query (bytes per source and
# destination /24) and zeek-cut if installed.
# Wall time is the best of RUNS runs on a warm page cache (jq, at about
# 35 MB/s, runs JQ_RUNS times); peak RSS comes from GNU time. Nothing here is
# pass/fail.
# Environment: DWELL (binary), LINES (default 1000000), RECORDS (Entra
# records, default 1000000), RUNS (default 5), JQ_RUNS (default 1),
# EVTX_MB (default 300), EVTX_SLICE_MB (default 20), EVTXEXPORT_RUNS
# (default 2), DWELL_SHARED (default ../shared), FLOW_HOSTS (default 1100),
# FLOW_DAYS (default 180), BENCH_ONLY (comma list of sections to run: sshd,
# entra, evtx, zeek; default all).
set -eu
cd "$(dirname "$0")/.."
: "${DWELL:=build/release/dwell}" "${LINES:=1000000}" "${RUNS:=5}"
: "${RECORDS:=1000000}" "${JQ_RUNS:=1}"
: "${EVTX_MB:=300}" "${EVTX_SLICE_MB:=20}" "${EVTXEXPORT_RUNS:=2}" "${DWELL_SHARED:=../shared}"
: "${FLOW_HOSTS:=1100}" "${FLOW_DAYS:=180}"
: "${BENCH_ONLY:=sshd,entra,evtx,zeek}"
OUT=build/bench
mkdir -p "$OUT"
want() { case ",$BENCH_ONLY," in *",$1,"*) return 0;; esac; return 1; }
GTIME=/usr/bin/time
[ -x "$GTIME" ] || { echo "bench: GNU time missing (apt-get install time)" >&2; exit 1; }

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

if want sshd; then
LOG=$OUT/auth_${LINES}.log
if [ ! -s "$LOG" ]; then
	echo "generating $LOG ($LINES lines)..."
	python3 tests/gen/gen_sshd.py --bench --lines "$LINES" --out "$LOG"
fi
BYTES=$(stat -c %s "$LOG")
NL=$(wc -l < "$LOG")

SSHG=""
for c in /usr/libexec/sshguard/sshg-parser build/deps/root/usr/libexec/sshguard/sshg-parser; do
	[ -x "$c" ] && { SSHG=$c; break; }
done

echo
echo "input: $LOG, $NL lines, $(awk -v b="$BYTES" 'BEGIN{printf "%.1f MB", b/1e6}'), best of $RUNS runs, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
: > "$OUT/table.txt"
echo "| command                                      | wall time  | throughput     | lines/s              | peak RSS     |"
echo "|----------------------------------------------|------------|----------------|----------------------|--------------|"
measure "dwell scan (all detectors)" "$DWELL" scan -q "$LOG"
measure "dwell parse > /dev/null (events as JSON)" "$DWELL" parse -q "$LOG"
measure "cat log | dwell scan - (stdin)" sh -c "cat '$LOG' | '$DWELL' scan -q -"
# the SQLite store: a new database each run (checkpoints, state, alerts, incidents),
# then the same log again into a full one (every event recognised as read: no detector work)
measure "dwell scan --db (new database)" sh -c "rm -f '$OUT/bench.db'*; '$DWELL' scan -q --db '$OUT/bench.db' '$LOG'"
measure "dwell scan --db again (all read before)" "$DWELL" scan -q --db "$OUT/bench.db" "$LOG"
measure "dwell scan --html (report of the scan)" "$DWELL" scan -q --html "$OUT/bench.html" "$LOG"
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
echo "database: $(stat -c %s "$OUT/bench.db" | awk '{printf "%.1f MB", $1/1e6}'), $(sqlite3 "$OUT/bench.db" 'SELECT count(*) FROM alerts') final + $(sqlite3 "$OUT/bench.db" 'SELECT count(*) FROM open_alerts') open alerts, $(sqlite3 "$OUT/bench.db" 'SELECT count(*) FROM events') events of interest, state $(sqlite3 "$OUT/bench.db" 'SELECT length(blob) FROM state' | awk '{printf "%.1f MB", $1/1e6}')"
echo "dwell scan summary:"
sed 's/^/    /' "$OUT/summary.txt"
echo "alerts by kind:"
grep -o '"kind":"[a-z_]*"' "$OUT/alerts.jsonl" | sort | uniq -c | sed 's/^/    /'

fi

# --- Entra ID sign-in records (JSON lines) ---------------------------------------------
if want entra; then
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
fi

# --- Windows .evtx (dwell's own decoder, one thread and all threads) ------------------
if want evtx; then
EVD="$DWELL_SHARED/data/evtx"
BIG=$OUT/evtx_big.evtx
SLICE=$OUT/evtx_slice.evtx
if ! ls "$EVD"/*.evtx > /dev/null 2>&1; then
	echo "bench: no .evtx files in $EVD (set DWELL_SHARED)" >&2
	exit 1
fi
# evtxcat.py writes a 4 KiB header and ceil(MB * 10^6 / 65536) chunks
size_for() { awk -v m="$1" 'BEGIN { n = int(m * 1e6 / 65536); if (n * 65536 < m * 1e6) n++; printf "%d", 4096 + n * 65536 }'; }
if [ "$(stat -c %s "$BIG" 2> /dev/null || echo 0)" != "$(size_for "$EVTX_MB")" ]; then
	echo
	echo "building $BIG ($EVTX_MB MB of the chunks of $EVD/*.evtx, repeated)..."
	python3 tests/tools/evtxcat.py "$BIG" "$EVTX_MB" "$EVD"/*.evtx
fi
# libevtx stops at the inline-BinXML files' first record (token 0x05): the
# slice for evtxexport is made of the other files' chunks
if [ "$(stat -c %s "$SLICE" 2> /dev/null || echo 0)" != "$(size_for "$EVTX_SLICE_MB")" ]; then
	python3 tests/tools/evtxcat.py "$SLICE" "$EVTX_SLICE_MB" $(ls "$EVD"/*.evtx | grep -v inline)
fi
NCPU=$(nproc)
ALLT=$((NCPU > 16 ? 16 : NCPU))
BIG_BYTES=$(stat -c %s "$BIG")
BIG_NL=$("$DWELL" parse -q --threads 1 "$BIG" | wc -l)
SL_BYTES=$(stat -c %s "$SLICE")
SL_NL=$("$DWELL" parse -q --threads 1 "$SLICE" | wc -l)
BYTES=$BIG_BYTES NL=$BIG_NL
TABLE=$OUT/evtx_table.txt UNIT=records
echo
echo "input: $BIG, $NL records in $(( (BYTES - 4096) / 65536 )) chunks, $(awk -v b="$BYTES" -v n="$NL" 'BEGIN{printf "%.1f MB, %.0f bytes a record", b/1e6, b/n}') (every chunk of $EVD/*.evtx, repeated), best of $RUNS runs, $NCPU cores"
echo "slice: $SLICE, $SL_NL records, $(awk -v b="$SL_BYTES" 'BEGIN{printf "%.1f MB", b/1e6}') (the files libevtx reads whole: not the two inline-BinXML ones)"
echo
: > "$TABLE"
echo "| command                                      | wall time  | throughput     | records/s              | peak RSS     |"
echo "|----------------------------------------------|------------|----------------|------------------------|--------------|"
measure "dwell parse > /dev/null, --threads 1" "$DWELL" parse -q --threads 1 "$BIG"
measure "dwell parse > /dev/null, --threads $ALLT" "$DWELL" parse -q --threads "$ALLT" "$BIG"
measure "dwell scan (all detectors), --threads 1" "$DWELL" scan -q --threads 1 "$BIG"
measure "dwell scan (all detectors), --threads $ALLT" "$DWELL" scan -q --threads "$ALLT" "$BIG"
BYTES=$SL_BYTES NL=$SL_NL
measure "slice: dwell parse > /dev/null, --threads 1" "$DWELL" parse -q --threads 1 "$SLICE"
measure "slice: dwell scan, --threads $ALLT" "$DWELL" scan -q --threads "$ALLT" "$SLICE"
if command -v evtxexport > /dev/null; then
	MRUNS=$EVTXEXPORT_RUNS measure "slice: evtxexport -f xml ($EVTXEXPORT_RUNS runs)" evtxexport -f xml "$SLICE"
else
	echo "| evtxexport: not found (apt-get install libevtx-utils) | | | | |"
fi
rate() { grep -F "| $1 " "$TABLE" | head -1 | awk -F'|' '{print $4+0}'; }
echo
awk -v p1="$(rate "dwell parse > /dev/null, --threads 1")" -v pn="$(rate "dwell parse > /dev/null, --threads $ALLT")" \
    -v s1="$(rate "dwell scan (all detectors), --threads 1")" -v sn="$(rate "dwell scan (all detectors), --threads $ALLT")" \
    -v t="$ALLT" -v c="$NCPU" -v sp="$(rate "slice: dwell parse > /dev/null, --threads 1")" \
    -v ex="$(rate "slice: evtxexport -f xml ($EVTXEXPORT_RUNS runs)")" 'BEGIN {
	k = t < c ? t : c
	printf "per core: parse %.0f MB/s on 1 thread, %.0f MB/s a core on %d (x%.2f); scan %.0f MB/s on 1, %.0f MB/s a core on %d (x%.2f)\n", p1, pn / k, t, pn / p1, s1, sn / k, t, sn / s1
	printf "targets: decode >= 400 MB/s a core: %s; every detector on >= 250 MB/s a core: %s\n", (p1 >= 400 && pn / k >= 400) ? "met" : "NOT met", (s1 >= 250 && sn / k >= 250) ? "met" : "NOT met"
	if (ex > 0) printf "dwell parse (1 thread) is %.0fx faster than evtxexport -f xml on the slice\n", sp / ex }'
EB="$(dirname "$DWELL")/tests/evtxbench"
if [ -x "$EB" ]; then
	echo "decode only, no output (tests/tools/evtxbench, 1 thread):"
	"$EB" "$BIG" "$RUNS" | sed 's/^/    /'
fi
echo
"$DWELL" scan "$BIG" > "$OUT/evtx_alerts.jsonl" 2> "$OUT/evtx_summary.txt" || true
echo "dwell scan summary (.evtx):"
sed 's/^/    /' "$OUT/evtx_summary.txt"
echo "alerts by kind:"
grep -o '"kind":"[a-z_]*"' "$OUT/evtx_alerts.jsonl" | sort | uniq -c | sed 's/^/    /'
fi

# --- Zeek conn.log (TSV flows; exfiltration and internal staging) ----------------------
if want zeek; then
FLOWD=$OUT/flow_${FLOW_HOSTS}x${FLOW_DAYS}
CONN=$FLOWD/conn.log
# regenerated when the generator changes (it still gains scenarios)
if [ ! -s "$CONN" ] || [ ! -s "$FLOWD/truth.json" ] || [ tests/gen/gen_flow.py -nt "$CONN" ]; then
	rm -f "$CONN.gz"
	echo
	echo "generating $CONN ($FLOW_HOSTS hosts, $FLOW_DAYS days)..."
	python3 tests/gen/gen_flow.py --out "$FLOWD" --hosts "$FLOW_HOSTS" --days "$FLOW_DAYS" --seed 42
fi
BYTES=$(stat -c %s "$CONN")
NL=$(grep -vc '^#' "$CONN")
TABLE=$OUT/zeek_table.txt UNIT=records
echo
echo "input: $CONN, $NL Zeek conn records, $(awk -v b="$BYTES" -v n="$NL" 'BEGIN{printf "%.1f MB, %.0f bytes a record", b/1e6, b/n}') ($FLOW_HOSTS hosts, $FLOW_DAYS days; conn.log only), best of $RUNS runs"
echo
: > "$TABLE"
echo "| command                                      | wall time  | throughput     | records/s              | peak RSS     |"
echo "|----------------------------------------------|------------|----------------|------------------------|--------------|"
measure "dwell scan (all detectors)" "$DWELL" scan -q "$CONN"
measure "dwell parse > /dev/null (events as JSON)" "$DWELL" parse -q "$CONN"
measure "dwell scan --db (new database)" sh -c "rm -f '$OUT/zeek.db'*; '$DWELL' scan -q --db '$OUT/zeek.db' '$CONN'"
measure "cat conn.log | dwell scan - (stdin)" sh -c "cat '$CONN' | '$DWELL' scan -q -"
[ -s "$CONN.gz" ] || gzip -1 -c "$CONN" > "$CONN.gz"
measure "dwell scan conn.log.gz (zlib; MB/s of plain)" "$DWELL" scan -q "$CONN.gz"
# what a hunter runs by hand (the SIEM query): orig_ip_bytes summed per
# (id.orig_h, /24 of id.resp_h; IPv6: first three groups), every group printed
measure "awk: orig_ip_bytes by (orig_h, resp_h /24)" awk -F'\t' '!/^#/ {
	d = $5
	if (index(d, ":")) { split(d, a, ":"); d = a[1] ":" a[2] ":" a[3] } else sub(/\.[0-9]+$/, "", d)
	s[$3 " " d] += $18 }
END { for (k in s) printf "%s %.0f\n", k, s[k] }' "$CONN"
if command -v zeek-cut > /dev/null; then
	measure "zeek-cut id.orig_h id.resp_h orig_ip_bytes" sh -c "zeek-cut id.orig_h id.resp_h orig_ip_bytes < '$CONN'"
elif [ -n "$(apt-cache policy zeek-aux 2> /dev/null)" ]; then
	echo "| zeek-cut: not installed (apt-get install zeek-aux) | | | | |"
else
	echo "| zeek-cut: not found, and no zeek-aux package in this distribution's archive | | | | |"
fi
echo
echo "note: RITA (Active Countermeasures' beacon/long-connection hunter for Zeek logs) is not packaged in Debian: not measured"
echo
"$DWELL" scan "$CONN" > "$OUT/zeek_alerts.jsonl" 2> "$OUT/zeek_summary.txt" || true
echo "dwell scan on conn.log: $(wc -l < "$OUT/zeek_alerts.jsonl") alerts, peak RSS $(grep -o 'peak RSS [0-9.]* [A-Za-z]*' "$OUT/zeek_summary.txt" | sed 's/peak RSS //')"
echo "dwell scan summary (Zeek conn.log):"
sed 's/^/    /' "$OUT/zeek_summary.txt"
echo "alerts by kind:"
grep -o '"kind":"[a-z_]*"' "$OUT/zeek_alerts.jsonl" | sort | uniq -c | sed 's/^/    /'
# the labelled scenario needs the VPN log too (who had 10.8.0.55): checked on both
"$DWELL" scan -q "$CONN" "$FLOWD/gateway.log" > "$OUT/zeek_alerts_vpn.jsonl" || true
echo "truth check (conn.log + gateway.log): $(python3 tests/gen/gen_flow.py --check "$FLOWD/truth.json" "$OUT/zeek_alerts_vpn.jsonl" 2>&1 | tr '\n' ' ')"
fi
