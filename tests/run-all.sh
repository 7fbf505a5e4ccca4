#!/usr/bin/env bash
# make test: every test, each bounded in time, counted from its PASS:/FAIL:
# lines; ends with "N passed, N failed".
# TESTS=regex limits which test files run (matched against their path).
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
log_dir=${TEST_LOG_DIR:-build/test-logs}
mkdir -p "$log_dir"

run_one() {	# run_one NAME TIMEOUT CMD...
	local name=$1 limit=$2 log="$log_dir/$(basename "$1").log" rc p f
	shift 2
	[[ -n ${TESTS:-} && ! $name =~ $TESTS ]] && return
	echo "== $name"
	timeout --signal=TERM --kill-after=20 "$limit" "$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^PASS:' "$log")
	f=$(grep -c '^FAIL:' "$log")
	grep -E '^(PASS|FAIL|SKIP):' "$log" | sed 's/^/   /'
	if ((rc != 0 && f == 0)); then
		f=1
		echo "   FAIL: $name exited $rc$( ((rc == 124)) && echo ' (timeout)'); last lines:"
		tail -15 "$log" | sed 's/^/     | /'
	elif ((f > 0)); then
		tail -15 "$log" | grep -vE '^(PASS|FAIL|SKIP):' | sed 's/^/     | /'
	fi
	pass=$((pass + p))
	fail=$((fail + f))
}

# SUITE=test (make test): unit, host, kernel and VM tests, bounded to fit one
# CI run on a fresh machine. SUITE=lab (make test-lab): tests/lab/, the tests
# too long for that (arm64 kernel cross builds and their boot tests).
SUITE=${SUITE:-test}
case $SUITE in
test) dirs="tests/host tests/kernel tests/vm" ;;
lab) dirs="tests/lab" ;;
*) echo "run-all.sh: SUITE=$SUITE: use test or lab" >&2; exit 2 ;;
esac
if [[ $SUITE == test ]]; then
	for t in build/unit/test_*; do
		[[ -x $t ]] && run_one "$t" 120 "$t"
	done
fi
for dir in $dirs; do
	for t in "$dir"/test_*.sh; do
		[[ -f $t ]] || continue
		# A test may declare a longer bound in its header ("# timeout: 1800").
		limit=$(sed -n 's/^# timeout: \([0-9]*\)$/\1/p' "$t" | head -n 1)
		run_one "$t" "${TEST_TIMEOUT:-${limit:-900}}" bash "$t"
	done
done
echo
echo "$pass passed, $fail failed"
((fail == 0))
