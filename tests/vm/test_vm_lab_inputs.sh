#!/usr/bin/env bash
# No VM is booted. The lab scripts of the A/B and notification studies refuse
# bad settings with one line naming the fix and a non-zero exit, before any
# side effect (no netns, no output directory); and rs_ethstats, the guest's
# `ethtool -S`, reads a real driver's statistics on a veth pair of its own.
# timeout: 120
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fails=0
pass() { echo "PASS: lab_inputs: $*"; }
fail() { echo "FAIL: lab_inputs: $*"; fails=$((fails + 1)); }
T=$(mktemp -d /tmp/rs-lab-inputs.XXXXXX)
NS=rs-labin-$$
cleanup() { ip netns del "$NS" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

# refuses NAME "expected message part" ENV... -- SCRIPT: exit != 0, one ERROR line
# containing the part, nothing created under OUT, no rsvm-* netns of this test left
refuses() {
	local name=$1 want=$2 out rc
	shift 2
	out=$(cd "$T" && env OUT="$T/out-$name" NS_TAG=labin "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 0 ]; then fail "$name: exit 0"; return; fi
	if ! grep -q "ERROR: .*$want" <<<"$out"; then fail "$name: no error naming '$want': $(head -c 300 <<<"$out")"; return; fi
	if [ -e "$T/out-$name" ]; then fail "$name: created its output directory"; return; fi
	if ip netns list | grep -q 'rsvm-labin-'; then fail "$name: left a netns"; return; fi
	pass "$name: refused ($(grep -m1 ERROR <<<"$out" | cut -c1-110))"
}
VMRUN=$ROOT/tests/vm/vm-run.sh
VMAB=$ROOT/tests/vm/vm-ab.sh
VMNOTIFY=$ROOT/tests/vm/vm-notify.sh
refuses vm-run-backend "BACKEND must be hub or tap" BACKEND=bridge bash "$VMRUN"
refuses vm-run-nstag "NS_TAG must be" BACKEND=tap NS_TAG='bad tag!' bash "$VMRUN"
refuses vm-run-ready "READY_TIMEOUT must be a non-negative integer" READY_TIMEOUT=soon bash "$VMRUN"
refuses vm-run-mem "MEM must be the guest's memory in MiB" MEM=lots bash "$VMRUN"
refuses vm-run-qemu "QEMU must be system or backports" QEMU=qemu10 bash "$VMRUN"
refuses vm-run-in-order "IN_ORDER=on needs QEMU=backports" IN_ORDER=on bash "$VMRUN"
refuses vm-packed-stall-rounds "ROUNDS must be a positive integer" ROUNDS=0 bash "$(dirname "$VMRUN")/vm-packed-stall.sh"
refuses vm-ab-rings "RINGS takes split, packed, split-tap, packed-tap" RINGS=split-vhost RINGSCOPE=$ROOT/ringscope bash "$VMAB"
refuses vm-ab-txmode "TX_MODE must be bh or timer" TX_MODE=fast RINGSCOPE=$ROOT/ringscope bash "$VMAB"
refuses vm-ab-bind "BIND must be copy or zc" BIND=zerocopy RINGSCOPE=$ROOT/ringscope bash "$VMAB"
refuses vm-ab-variant "unknown variant 'ours73:stock'" A=ours73:stock RINGSCOPE=$ROOT/ringscope bash "$VMAB"
refuses vm-ab-ours72-missing "needs /nonexistent/kernel/7.2/stock/bzImage: build it with 'make kernel KERNEL=7.2'" \
	A=ours72:stock RINGSCOPE_CACHE=/nonexistent RINGSCOPE=$ROOT/ringscope bash "$VMAB"
refuses vm-notify-rates "RATES are pps figures" RATES="1000 lots" bash "$VMNOTIFY"
refuses vm-notify-eidx "EVENT_IDXS takes on and/or off" EVENT_IDXS=maybe bash "$VMNOTIFY"
refuses vm-notify-size "SIZE must be a frame size" SIZE=20 bash "$VMNOTIFY"
refuses vm-notify-image "no kernel image" KIMAGE=/nonexistent/bzImage bash "$VMNOTIFY"

# rs_ethstats: a veth's statistics include peer_ifindex, which must be the peer's ifindex
ES=$ROOT/build/helpers/rs_ethstats
if [ ! -x "$ES" ]; then
	fail "rs_ethstats: no $ES: run 'make'"
else
	ip netns add "$NS" && ip -n "$NS" link add rsl0 type veth peer name rsl1 || fail "rs_ethstats: could not make a veth pair in $NS"
	peer=$(ip -n "$NS" -o link show rsl1 | cut -d: -f1)
	got=$(ip netns exec "$NS" "$ES" rsl0 | awk '$1 == "peer_ifindex" { print $2 }')
	if [ -n "$peer" ] && [ "$got" = "$peer" ]; then pass "rs_ethstats: rsl0 peer_ifindex $got == ifindex of rsl1"
	else fail "rs_ethstats: peer_ifindex '$got', rsl1 has ifindex '$peer'"; fi
	if ip netns exec "$NS" "$ES" lo >/dev/null 2>"$T/lo.err"; then fail "rs_ethstats: lo (no driver statistics) exited 0"
	elif grep -q "no driver statistics\|driver reports 0 statistics" "$T/lo.err"; then pass "rs_ethstats: lo refused ($(head -n1 "$T/lo.err"))"
	else fail "rs_ethstats: lo: unexpected error: $(head -n1 "$T/lo.err")"; fi
fi
[ "$fails" = 0 ]
