#!/bin/bash
# flood.sh - memory stays bounded under a flood of distinct keys: an sshd
# log of 200,000 failed guesses, each from its own source address, for its
# own user name, with its own pid (plus a clean publickey login every 50th,
# for the table of known pairs), 1% of it spread over two hours and the
# rest in the third - so every capped table (and the parser's connection
# table) overflows and evicts. The same shape at 20,000 lines must report
# the same "MiB in capped tables" (the tables are allocated once, at their
# caps) and the 200,000-line run may peak at most 10% above it in RSS
# (GNU time %M; under ASan absolute numbers mean little, the ratio does).
# Prints "ok NAME" / "not ok NAME: why". Environment: DWELL, BUILD.
set -u
cd "$(dirname "$0")/../.."
: "${DWELL:=build/san/dwell}" "${BUILD:=build/san}"
T=$BUILD/tmp-flood
rm -rf "$T"; mkdir -p "$T"

ok() { echo "ok flood-$1"; }
nok() { echo "not ok flood-$1: $2"; }

# the table caps, small (keys as in etc/dwell.conf [limits]); one parser cap
CAPS=(--set limits.sources=2000 --set limits.users=2000 --set limits.pairs=4000
      --set limits.known=2000 --set limits.pending=256 --set limits.compromised=256
      --max-connections 1000)

gen() { # lines -> stdout; deterministic
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1]); bg = n // 100; t0 = 18 * 3600  # Mar  7 18:00:00 .. 20:59:59
w = sys.stdout.write
for i in range(n):
    t = t0 + (i * 7200 // bg if i < bg else 7200 + (i - bg) * 3600 // (n - bg))
    a = 0x14000000 + ((i * 2654435761) & 0xFFFFFF)  # 20.x.y.z, distinct for i < 2^24
    h = "Mar  7 %02d:%02d:%02d h sshd[%d]: " % (t // 3600, t // 60 % 60, t % 60, 10000 + i)
    f = "u%d from %d.%d.%d.%d port %d ssh2\n" % (
        i, a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, 1024 + i * 7919 % 64000)
    w(h + "Failed password for invalid user " + f)
    if i % 50 == 49:
        w(h + "Accepted publickey for " + f)
PY
}

# run NAME LINES [ARGS...]: generates, scans; leaves $T/NAME.{err,out,rss}, sets rc_NAME
run() {
	local name=$1 lines=$2 rc
	shift 2
	gen "$lines" > "$T/$name.log"
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$T/$name.rss" "$DWELL" scan --year 2024 "${CAPS[@]}" "$@" \
			"$T/$name.log" > "$T/$name.out" 2> "$T/$name.err"
		rc=$?
	else # no GNU time (scripts/deps.sh installs it): the summary's own peak RSS
		"$DWELL" scan --year 2024 "${CAPS[@]}" "$@" "$T/$name.log" > "$T/$name.out" 2> "$T/$name.err"
		rc=$?
		sed -n 's/.*peak RSS \([0-9.]*\) MiB.*/\1/p' "$T/$name.err" |
			awk '{ printf "%d\n", $1 * 1024 }' > "$T/$name.rss"
	fi
	rm -f "$T/$name.log"
	eval "rc_$name=$rc"
}

# field NAME WHAT: a number from the summary on stderr
field() {
	case $2 in
	tables) sed -n 's/^  state *\([0-9.]*\) MiB in capped tables.*/\1/p' "$T/$1.err" ;;
	evictions) sed -n 's/^  state .* MiB in capped tables, \([0-9,]*\) evictions.*/\1/p' "$T/$1.err" |
		tr -d , ;;
	parser) sed -n 's/^  parser *\([0-9.]*\) MiB for sshd connections.*/\1/p' "$T/$1.err" ;;
	lines) sed -n 's/^dwell scan: [0-9,]* inputs, \([0-9,]*\) lines.*/\1/p' "$T/$1.err" | tr -d , ;;
	rss) tail -1 "$T/$1.rss" ;;
	esac
}

run small 20000
run big 200000
# the same with a database: the state saved, the alerts kept, checkpoints every 65,536 events.
# ASan's quarantine of freed blocks would count each checkpoint's freed buffers: keep it small.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1" run dbsmall 20000 --db "$T/dbsmall.db" --checkpoint 0
ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1" run dbbig 200000 --db "$T/dbbig.db" --checkpoint 0

for r in small big; do
	eval "rc=\$rc_$r"
	if [ "$rc" -eq 0 ]; then ok "exit0-$r"; else nok "exit0-$r" "exit status $rc"; tail -5 "$T/$r.err"; fi
done

ls=$(field small lines) lb=$(field big lines)
if [ "$ls" = 20400 ] && [ "$lb" = 204000 ]; then ok lines-read
else nok lines-read "summary reports ${ls:-?} and ${lb:-?} lines, expected 20400 and 204000"; fi

es=$(field small evictions) eb=$(field big evictions)
if [ -n "$eb" ] && [ "$eb" -gt 0 ] && [ -n "$es" ] && [ "$eb" -gt "$es" ]; then
	ok "evictions ($es, $eb)"
else
	nok evictions "state line reports '${es:-?}' and '${eb:-?}' evictions, expected > 0 and growing"
fi

ms=$(field small tables) mb=$(field big tables)
if [ -n "$ms" ] && [ "$ms" = "$mb" ]; then ok "tables-equal ($ms MiB)"
else nok tables-equal "capped tables ${ms:-?} MiB at 20k lines, ${mb:-?} MiB at 200k"; fi

ps=$(field small parser) pb=$(field big parser)
if [ -n "$ps" ] && [ "$ps" = "$pb" ]; then ok "parser-equal ($ps MiB)"
else nok parser-equal "sshd connections ${ps:-?} MiB at 20k lines, ${pb:-?} MiB at 200k"; fi

rs=$(field small rss) rb=$(field big rss)
if [ -n "$rs" ] && [ -n "$rb" ] && [ "$rs" -gt 0 ] && [ $((rb * 100)) -le $((rs * 110)) ]; then
	ok "peak-rss ($rs KiB, $rb KiB)"
else
	nok peak-rss "peak RSS ${rs:-?} KiB at 20k lines, ${rb:-?} KiB at 200k (more than +10%)"
fi

if python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$T/big.out" 2> /dev/null
then ok alerts-json; else nok alerts-json "stdout of the 200k run is not JSON lines"; fi

# SQLite's page cache is capped at 2 MiB (its default) and fills as the file grows (1.1 MB
# against 2.1 MB here): that, and nothing that grows with the input, is the allowance
rs=$(field dbsmall rss) rb=$(field dbbig rss)
if [ "$rc_dbsmall$rc_dbbig" = 00 ] && [ -n "$rs" ] && [ -n "$rb" ] && [ "$rs" -gt 0 ] &&
	[ $((rb * 100)) -le $((rs * 110 + 3072 * 100)) ]; then
	ok "peak-rss-db ($rs KiB, $rb KiB)"
else
	nok peak-rss-db "exit $rc_dbsmall/$rc_dbbig; peak RSS ${rs:-?} KiB at 20k lines, ${rb:-?} KiB at 200k with --db"
fi
