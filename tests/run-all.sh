#!/usr/bin/env bash
# make test: every test, each bounded in time, counted from its PASS:/FAIL:
# lines; ends with "N passed, N failed".
# TESTS=regex limits which test files run (matched against their path).
# ASAN_BUILD=dir (make test: build-asan): the unit tests and the traffic
# tests ($SAN_TESTS) run against the ASan+UBSan build in dir instead of the
# plain one; any sanitizer report (a file in $log_dir/sanitizer) fails the test.
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
log_dir=${TEST_LOG_DIR:-build/test-logs}
mkdir -p "$log_dir"
SAN_TESTS='tests/host/(test_gen|test_bad_input|test_frames|test_path)\.sh$'
san_dir=$(realpath -m "$log_dir/sanitizer")
unit_dir=build/unit
if [[ -n ${ASAN_BUILD:-} ]]; then
	[[ -x $ASAN_BUILD/ringscope ]] || { echo "FAIL: run-all: no $ASAN_BUILD/ringscope: run 'make asan'"; exit 1; }
	unit_dir=$ASAN_BUILD/unit
	export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$san_dir/asan"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$san_dir/ubsan"
	echo "sanitizer build: $ASAN_BUILD (unit tests and $SAN_TESTS)"
fi

run_one() {	# run_one NAME TIMEOUT CMD...
	local name=$1 limit=$2 log="$log_dir/$(basename "$1").log" rc p f
	shift 2
	[[ -n ${TESTS:-} && ! $name =~ $TESTS ]] && return
	echo "== $name"
	rm -rf "$san_dir" && mkdir -p "$san_dir"
	timeout --signal=TERM --kill-after=20 "$limit" "$@" >"$log" 2>&1
	rc=$?
	if compgen -G "$san_dir/*" >/dev/null; then
		echo "FAIL: $name: sanitizer report" >>"$log"
		cat "$san_dir"/* >>"$log"
	fi
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

# SUITE=test (make test): unit, fuzz, host, kernel and VM tests, bounded to
# fit one CI run on a fresh machine. SUITE=lab (make test-lab): tests/lab/,
# the tests too long for that (arm64 kernel cross builds and their boots).
SUITE=${SUITE:-test}
case $SUITE in
test) dirs="tests/fuzz tests/host tests/kernel tests/vm" ;;
lab) dirs="tests/lab" ;;
*) echo "run-all.sh: SUITE=$SUITE: use test or lab" >&2; exit 2 ;;
esac
if [[ $SUITE == test ]]; then
	for t in "$unit_dir"/test_*; do
		[[ -x $t ]] && run_one "$t" 120 "$t"
	done
fi
for dir in $dirs; do
	for t in "$dir"/test_*.sh; do
		[[ -f $t ]] || continue
		# A test may declare a longer bound in its header ("# timeout: 1800").
		limit=$(sed -n 's/^# timeout: \([0-9]*\)$/\1/p' "$t" | head -n 1)
		rs=()
		[[ -n ${ASAN_BUILD:-} && $t =~ $SAN_TESTS ]] && rs=(env RS="$(realpath "$ASAN_BUILD/ringscope")")
		run_one "$t" "${TEST_TIMEOUT:-${limit:-900}}" "${rs[@]}" bash "$t"
	done
done
echo
echo "$pass passed, $fail failed"
((fail == 0))
