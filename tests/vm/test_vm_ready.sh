#!/usr/bin/env bash
# The VM lab's readiness wait (tests/vm/guest-ready.sh, the guest's /bin/rs-ready)
# and what vm-run.sh makes of it. A guest script starts its workload only once
# the background ringscope it waits for is ready; otherwise the run fails
# naming the cause instead of counting nothing (docs/trace-counts.md).
#   1. On the host, under busybox sh (the guest's shell), against real
#      processes: ready after the pattern (time given); a file still holding
#      the previous run's pattern is not "ready" until the new process has
#      opened it; an exited process and a bounded wait give NOTREADY with the
#      file's last line; bad arguments exit 2.
#   2. One 6.12 boot (WORKLOAD=cmd, READY_TIMEOUT=1): the real `trace -p
#      kmalloc` is not attached within 1 s, so vm-run.sh exits non-zero with
#      one ERROR line naming it, and the workload after rs-ready never ran.
# Needs busybox-static and, for 2, `make static`.
# timeout: 600
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
READY=$HERE/guest-ready.sh BIN=$REPO/build/static/ringscope
fails=0
pass() { echo "PASS: vm_ready: $1"; }
fail() { echo "FAIL: vm_ready: $1: $2"; fails=$((fails + 1)); }
T=$(mktemp -d /tmp/rs-vm-ready.XXXXXX)
kids=()
cleanup() { for p in "${kids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
if [ ! -x /bin/busybox ]; then
	fail setup "no /bin/busybox: apt-get install busybox-static"
	exit 1
fi
# rdy ARGS...: rs-ready under busybox sh with RUNID=t; output in $T/out, rc in $rc
rdy() { RUNID=t /bin/busybox sh "$READY" "$@" >"$T/out" 2>&1; rc=$?; }
secs() { sed -n "s/^@@RSVM:$1:t@@ .* \([0-9.]*\) s$/\1/p" "$T/out"; }
# at_least A B: A >= B (decimals)
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }'; }

# 1a. ready once the pattern is printed
sh -c 'sleep 0.5; echo "ringscope trace: tier kprobe: 3 functions" >&2; sleep 30' 2>"$T/a.err" &
kids+=($!)
rdy trace "$T/a.err" 'trace: tier ' $!
s=$(secs READY)
[ $rc = 0 ] && at_least "$s" 0.4 && grep -qx '@@RSVM:WAIT:t@@ trace' "$T/out" &&
	pass "ready after the header, $s s (WAIT line first)" || fail ready "rc $rc: $(cat "$T/out")"

# 1b. the previous run's header is still in the file until the new process opens it
echo "ringscope trace: tier kprobe: the previous run" >"$T/b.err"
sh -c 'sleep 1; exec sh -c "sleep 0.3; echo \"ringscope trace: tier fentry\" >&2; sleep 30" 2>"$1"' sh "$T/b.err" &
kids+=($!)
rdy trace "$T/b.err" 'trace: tier ' $!
s=$(secs READY)
[ $rc = 0 ] && at_least "$s" 1.2 && pass "a stale header is not taken: ready after $s s (file opened at 1 s)" ||
	fail stale "rc $rc, ready after '$s' s (want >= 1.2): $(cat "$T/out")"

# 1c. the process exits before it is ready: NOTREADY with its last line
sh -c 'echo "ringscope trace: error: kprobe attach failed: -95"; exit 1' 2>&1 >"$T/c.err" &
rdy trace "$T/c.err" 'trace: tier ' $!
grep -q '^@@RSVM:NOTREADY:t@@ trace exited after [0-9.]* s: ringscope trace: error: kprobe attach failed: -95$' "$T/out" && [ $rc = 1 ] &&
	pass "exited: $(cut -c1-100 "$T/out" | tail -n 1)" || fail exited "rc $rc: $(cat "$T/out")"

# 1d. never ready within READY_TIMEOUT: NOTREADY after the bound, not much later
sh -c 'echo "loading programs" >&2; sleep 30' 2>"$T/d.err" &
kids+=($!)
t0=$(date +%s)
READY_TIMEOUT=2 rdy rx "$T/d.err" 'rx on eth1' $!
took=$(($(date +%s) - t0))
grep -q '^@@RSVM:NOTREADY:t@@ rx not ready after 2\.[0-9] s (READY_TIMEOUT=2): loading programs$' "$T/out" && [ $rc = 1 ] && [ $took -le 6 ] &&
	pass "bounded: $(tail -n 1 "$T/out" | cut -c1-100) (${took} s)" || fail bounded "rc $rc, ${took} s: $(cat "$T/out")"

# 1e. bad arguments: exit 2, no marker
rdy trace "$T/a.err" 'trace: tier '
[ $rc = 2 ] && ! grep -q '@@RSVM' "$T/out" && pass "usage error: exit 2, no marker" || fail usage "rc $rc: $(cat "$T/out")"

# 2. a real boot: vm-run.sh turns NOTREADY into a failed run naming the cause
if [ ! -x "$BIN" ]; then
	fail boot "no $BIN: run make static"
	exit 1
fi
cmd="ringscope trace -p kmalloc --tier kprobe -I 3600 --json --no-pin >/tmp/t.json 2>/tmp/t.err & tp=\$!;
rs-ready trace /tmp/t.err 'trace: tier ' \$tp || exit 1; echo WORKLOAD-RAN"
t0=$(date +%s)
OUT=$T/vm KERNEL=6.12 SMP=1 WORKLOAD=cmd READY_TIMEOUT=1 TIMEOUT=400 GUEST_CMD="$cmd" RINGSCOPE_BIN=$BIN \
	bash "$HERE/vm-run.sh" >"$T/vm.log" 2>&1
rc=$?
err=$(grep 'ERROR' "$T/vm.log")
echo "boot: vm-run exit $rc in $(($(date +%s) - t0)) s: $err"
[ $rc != 0 ] && [ "$(grep -c ERROR <<<"$err")" = 1 ] &&
	grep -q 'ERROR: guest did not start its workload: trace not ready after [0-9.]* s (READY_TIMEOUT=1): ' <<<"$err" &&
	pass "vm-run.sh fails the run: ${err#*ERROR: }" || fail boot "vm-run exit $rc, error '$err'"
con=$(ls "$T"/vm/*.console.log 2>/dev/null | head -n 1)
if [ -n "$con" ] && grep -qa '@@RSVM:NOTREADY:' "$con" && ! grep -qa '^WORKLOAD-RAN' "$con"; then
	pass "the workload after rs-ready did not run"
else
	fail boot "console ${con:-missing}: NOTREADY $(grep -ac '@@RSVM:NOTREADY:' "$con" 2>/dev/null), WORKLOAD-RAN $(grep -ac '^WORKLOAD-RAN' "$con" 2>/dev/null)"
fi
[ "$fails" = 0 ]
