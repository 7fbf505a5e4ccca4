#!/usr/bin/env bash
# VM lab smoke test with the real static ringscope (build/static/ringscope, from 'make static'):
# stock Debian 6.12 under qemu TCG, a few seconds of AF_XDP traffic eth0 -> eth1, once with
# indirect descriptors on and once off, then stock Debian 6.1 with them on. Checks: no loss (packets_rx == packets_tx), the fentry
# tier, and the per-packet indirect-table kmalloc (>= 0.9 with indirect_desc=on, <= 0.05 off).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN=${RINGSCOPE_BIN:-$REPO/build/static/ringscope}
if [ ! -x "$BIN" ]; then
	echo "FAIL: vm_smoke: no static binary at $BIN (make static)"
	exit 1
fi
OUTD=$(mktemp -d /tmp/ringscope-vmsmoke.XXXXXX)
trap '[ "${KEEP_OUT:-0}" = 1 ] || rm -rf "$OUTD"' EXIT
fails=0
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
for run in 6.12:on 6.12:off 6.1:on; do
	kver=${run%:*} ind=${run#*:}
	name="vm_smoke[$kver indirect=$ind]"
	if ! OUT=$OUTD/$kver-$ind KERNEL=$kver INDIRECT=$ind SECONDS_RUN=${SMOKE_SECONDS:-3} RINGSCOPE_BIN=$BIN \
		"$HERE/vm-run.sh" >"$OUTD/$kver-$ind.log" 2>&1; then
		fail "$name" "vm-run.sh failed: $(grep -m1 'ERROR' "$OUTD/$kver-$ind.log")"
		tail -n 30 "$OUTD/$kver-$ind.log"
		continue
	fi
	cat "$OUTD/$kver-$ind.log"
	R=$(ls "$OUTD/$kver-$ind"/*.json | head -n 1)
	v() { jq -r "$1" "$R"; }
	if [ "$(v '.guest.indirect_desc')" = "$([ $ind = on ] && echo true || echo false)" ]; then
		echo "PASS: $name: VIRTIO_RING_F_INDIRECT_DESC negotiated=$(v .guest.indirect_desc)"
	else
		fail "$name" "guest negotiated indirect_desc=$(v .guest.indirect_desc)"
	fi
	if jq -e '.packets_tx > 0 and .packets_rx == .packets_tx' "$R" >/dev/null; then
		echo "PASS: $name: packets_rx == packets_tx ($(v .packets_rx))"
	else
		fail "$name" "packets_tx=$(v .packets_tx) packets_rx=$(v .packets_rx) lost=$(v .lost)"
	fi
	if [ "$(v .tier)" = fentry ]; then
		echo "PASS: $name: tier fentry"
	else
		fail "$name" "tier is $(v .tier), not fentry"
	fi
	if [ $ind = on ]; then
		if jq -e '.kmalloc_per_pkt >= 0.9' "$R" >/dev/null; then
			echo "PASS: $name: kmalloc_per_pkt $(v .kmalloc_per_pkt) >= 0.9"
		else
			fail "$name" "kmalloc_per_pkt $(v .kmalloc_per_pkt) < 0.9"
		fi
	else
		if jq -e '.kmalloc_per_pkt <= 0.05' "$R" >/dev/null; then
			echo "PASS: $name: kmalloc_per_pkt $(v .kmalloc_per_pkt) <= 0.05"
		else
			fail "$name" "kmalloc_per_pkt $(v .kmalloc_per_pkt) > 0.05"
		fi
	fi
done
[ "$fails" = 0 ]
