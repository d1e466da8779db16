#!/bin/bash
# run_all.sh - every test suite of `make test`, in order: unit tests (which
# include parser cases, the fail2ban corpus and detector scenarios), fuzz
# corpus replay, CLI golden tests. Each suite prints "ok ..." / "not ok ..."
# lines; this script adds them up and ends with "N passed, N failed".
# Environment: DWELL (binary under test), BUILD (build folder).
set -u
cd "$(dirname "$0")/.."
: "${BUILD:=build/san}" "${DWELL:=$BUILD/dwell}"
export DWELL BUILD
export DWELL_SHARED="${DWELL_SHARED:-$(cd .. && pwd)/shared}"
LOG="$BUILD/test.log"
mkdir -p "$BUILD"
: > "$LOG"

run() { # name, command... (a suite that exits non-zero, e.g. a crash, is a failure)
	local name=$1 rc; shift
	echo "# suite: $name" | tee -a "$LOG"
	"$@" > "$BUILD/suite.out" 2>&1
	rc=$?
	tee -a "$LOG" < "$BUILD/suite.out" | grep -E '^(not ok|#)' || true
	if [ $rc -ne 0 ]; then
		echo "not ok suite-$name-exit (exit status $rc; see $LOG)" | tee -a "$LOG"
		tail -20 "$BUILD/suite.out"
	fi
}

run unit "$BUILD/tests/run"

for r in "$BUILD"/fuzz/replay_*; do
	[ -x "$r" ] || continue
	t=${r##*/replay_}
	if [ -d "fuzz/corpus/$t" ] && "$r" "fuzz/corpus/$t" > "$BUILD/fuzz-$t.log" 2>&1; then
		echo "ok fuzz-replay-$t ($(ls "fuzz/corpus/$t" | wc -l) inputs)" | tee -a "$LOG"
	else
		echo "not ok fuzz-replay-$t (see $BUILD/fuzz-$t.log)" | tee -a "$LOG"
		tail -20 "$BUILD/fuzz-$t.log"
	fi
done

for c in tests/cli/*.sh; do
	[ -f "$c" ] || continue
	run "cli ${c##*/}" bash "$c"
done

pass=$(grep -c '^ok ' "$LOG")
fail=$(grep -c '^not ok ' "$LOG")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
