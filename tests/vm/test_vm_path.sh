#!/usr/bin/env bash
# run --path veth-xsk in Debian's 6.12 and 6.1 guests (docs/hop-latency.md):
# the raw tracepoints and the CO-RE reads of skb and kmem_cache fields hold on
# those kernels too: 2000 packets on a veth pair inside the guest, every hop
# counts 2000, every seq 0..1999 once in the --path-samples export with no
# missing stamp, no order error, no late stamp. About 90 s per kernel under TCG.
# Needs `make static` (build/static/ringscope).
# timeout: 600
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN=$REPO/build/static/ringscope
N=2000
fails=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
if [ ! -x "$BIN" ]; then
	fail vm_path "no $BIN: run make static"
	exit 1
fi
OUTD=$(mktemp -d /tmp/ringscope-vmpath.XXXXXX)
trap 'rm -rf "$OUTD"' EXIT
GUEST_CMD="mount -t bpf bpf /sys/fs/bpf 2>/dev/null; /bin/ringscope run --path veth-xsk -n $N -r 2000 --no-pin --json --path-samples $N 2>/tmp/p.err; echo rc=\$?; cat /tmp/p.err"
for kver in 6.12 6.1; do
	n="vm_path[$kver]"
	if ! OUT=$OUTD/$kver KERNEL=$kver WORKLOAD=cmd GUEST_MODULES=veth GUEST_CMD="$GUEST_CMD" \
		RINGSCOPE_BIN=$BIN "$HERE/vm-run.sh" >"$OUTD/$kver.log" 2>&1; then
		fail "$n" "vm-run.sh failed: $(grep -m1 ERROR "$OUTD/$kver.log")"
		continue
	fi
	out=$(ls "$OUTD/$kver"/*-cmd.out | head -n 1)
	grep -q '^rc=0' "$out" || { fail "$n" "guest run failed: $(grep -v '^{' "$out" | tail -n 3 | tr '\n' ' ')"; continue; }
	final=$(grep '"type":"final"' "$out")
	bad=$(jq -r --argjson n "$N" '[.path.hops[] | select(.count != $n) | "\(.hop)=\(.count)"] | join(" ")' <<<"$final")
	[ -z "$bad" ] && pass "$n: every hop counts $N" || fail "$n" "hops not at $N: $bad"
	got=$(jq -r '"\(.path.packets) \(.path.done) \(.path.order_errors) \(.path.late) \(.lost)"' <<<"$final")
	[ "$got" = "$N $N 0 0 0" ] && pass "$n: packets/done $N, no order error, late stamp or loss" ||
		fail "$n" "packets done order_errors late lost: $got"
	samples=$(grep '"type":"path_sample"' "$out" | jq -s -r \
		'"\([.[].seq] | unique | length) \([.[] | to_entries[] | select((.key | endswith("_ns")) and .value == null)] | length)"')
	[ "$samples" = "$N 0" ] && pass "$n: every seq once, no missing stamp" || fail "$n" "unique seqs, null stamps: $samples"
done
exit $((fails > 0))
