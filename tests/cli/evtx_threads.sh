#!/bin/bash
# evtx_threads.sh - `--threads` changes nothing but speed: `dwell parse` and
# `dwell scan` give byte-identical output and the same summary (every line
# but the timing one: events, the evtx decoder's counters, alerts) with
# --threads 1, 2 and 5, on
#   - every file of ../shared/data/evtx, one at a time;
#   - all of them at once (17 .evtx streams merged by time with a text log:
#     one pool shared by every open input), and with --sequential;
#   - a large file of their chunks repeated (tests/tools/evtxcat.py);
#   - damaged copies: a wrapped log (header first chunk > last: visited from
#     the middle), a bad file header CRC, a zeroed chunk header, byte flips
#     in several chunks, a slot of garbage, a file cut inside a chunk;
# and Ctrl-C during a threaded run ends it cleanly (status 0, no sanitizer
# report). Prints "ok NAME" / "not ok NAME: why".
set -u
cd "$(dirname "$0")/../.."
: "${DWELL:=build/san/dwell}" "${BUILD:=build/san}" "${DWELL_SHARED:=../shared}"
D="$DWELL_SHARED/data/evtx"
T=$BUILD/tmp-evtx-threads
mkdir -p "$T"
rm -f "$T"/*
if [ ! -d "$D" ]; then
	echo "not ok evtx-threads: $D missing"
	exit 0
fi

# same NAME CMD... : runs CMD with --threads 1, 2, 5 (after the subcommand)
same() {
	local name=$1 sub=$2 t why=""; shift 2
	for t in 1 2 5; do
		"$DWELL" "$sub" --threads "$t" "$@" > "$T/out.$t" 2> "$T/err.$t"
		echo "exit $?" >> "$T/err.$t"
		grep -v "^dwell $sub: " "$T/err.$t" > "$T/sum.$t"
	done
	for t in 2 5; do
		cmp -s "$T/out.1" "$T/out.$t" || why="$why output differs with --threads $t;"
		cmp -s "$T/sum.1" "$T/sum.$t" ||
			why="$why summary differs with --threads $t: $(diff "$T/sum.1" "$T/sum.$t" | grep '^[<>]' | head -4 | tr '\n' ' ');"
	done
	grep -q '^exit [02]$' "$T/err.1" || why="$why $(tail -1 "$T/err.1");"
	grep -qE 'AddressSanitizer|runtime error|ThreadSanitizer' "$T"/err.* && why="$why sanitizer report;"
	if [ -n "$why" ]; then
		echo "not ok evtx-threads-$name:$why"
	else
		echo "ok evtx-threads-$name ($(wc -l < "$T/out.1") lines)"
	fi
}

for f in "$D"/*.evtx; do
	n=$(basename "$f" .evtx)
	same "parse-$n" parse "$f"
	same "scan-$n" scan "$f"
done
same parse-all parse "$D"/*.evtx tests/data/auth-sample.log
same scan-all scan "$D"/*.evtx tests/data/auth-sample.log
same parse-all-sequential parse --sequential "$D"/*.evtx
same scan-all-sequential scan --sequential "$D"/*.evtx

# a large file: every chunk of the samples, repeated (about 300 slots)
python3 tests/tools/evtxcat.py "$T/big.evtx" 20 "$D"/*.evtx
same parse-big parse "$T/big.evtx"
all=$(wc -l < "$T/out.1")
same scan-big scan "$T/big.evtx"

# damaged copies (made from the samples, same bytes every run)
python3 - "$D" "$T" <<'PY'
import os, random, struct, sys, zlib
d, t = sys.argv[1:3]
CH, H = 65536, 4096
def rd(n): return bytearray(open(os.path.join(d, n), "rb").read())
def hdr_crc(b): struct.pack_into("<I", b, 124, zlib.crc32(bytes(b[:120])) & 0xFFFFFFFF)
def put(n, b): open(os.path.join(t, n + ".evtx"), "wb").write(b)
src = rd("smb-guess-4625-deepblue.evtx")            # 34 chunks, then empty slots
# wrapped: chunks rotated by 13, header first 21 > last 20 (oldest in the middle)
n = 34
ch = [src[H + i * CH:H + (i + 1) * CH] for i in range(n)]
w = bytearray(src[:H]) + b"".join(ch[13:] + ch[:13]) + src[H + n * CH:]
struct.pack_into("<QQ", w, 8, n - 13, n - 14)
hdr_crc(w)
put("wrapped", w)
b = bytearray(src); b[124] ^= 0xff; put("bad-file-header", b)
b = bytearray(src); b[H + 5 * CH:H + 5 * CH + 512] = bytes(512); put("zeroed-chunk-header", b)
rng = random.Random(7)
b = bytearray(src)
for k in (1, 4, 9, 16, 25, 33):
    for _ in range(40):
        b[H + k * CH + rng.randrange(CH)] ^= 1 << rng.randrange(8)
put("byte-flips", b)
b = bytearray(src); b[H + 7 * CH:H + 8 * CH] = bytes(rng.randrange(256) for _ in range(CH))
put("garbage-slot", b)
put("cut", src[:H + 20 * CH + 30001])
PY
for f in wrapped bad-file-header zeroed-chunk-header byte-flips garbage-slot cut; do
	same "parse-damaged-$f" parse "$T/$f.evtx"
	same "scan-damaged-$f" scan "$T/$f.evtx"
done
# the wrapped log is read oldest first: its first record is the original file's first
h1=$("$DWELL" parse -q --threads 5 "$T/wrapped.evtx" 2> /dev/null | head -1 | grep -o '"record_id":[0-9]*')
h0=$("$DWELL" parse -q --threads 1 "$D/smb-guess-4625-deepblue.evtx" 2> /dev/null | head -1 | grep -o '"record_id":[0-9]*')
if [ -n "$h0" ] && [ "$h0" = "$h1" ]; then
	echo "ok evtx-threads-wrapped-order"
else
	echo "not ok evtx-threads-wrapped-order: first record $h1, want $h0"
fi

# Ctrl-C while helpers are decoding: a clean stop. The reader of the output
# waits 0.6 s, so dwell is stalled on a full pipe, its helpers' windows full,
# when the signal comes.
rm -f "$T/fifo"
mkfifo "$T/fifo"
"$DWELL" parse --threads 5 "$T/big.evtx" > "$T/fifo" 2> "$T/int.err" &
pid=$!
{ sleep 0.6; wc -l > "$T/int.n"; } < "$T/fifo" &
rpid=$!
sleep 0.3
kill -INT "$pid" 2> /dev/null
wait "$pid"
rc=$?
wait "$rpid"
got=$(cat "$T/int.n")
if [ $rc -eq 0 ] && ! grep -qE 'AddressSanitizer|runtime error|ThreadSanitizer' "$T/int.err"; then
	echo "ok evtx-threads-interrupt (stopped after $got of $all events)"
else
	echo "not ok evtx-threads-interrupt: exit $rc, $(grep -m1 -E 'Sanitizer|runtime error' "$T/int.err")"
fi
