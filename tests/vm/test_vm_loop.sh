#!/usr/bin/env bash
# VM lab plumbing without ringscope: boot the stock Debian 6.12 and 6.1 kernels under qemu with
# two virtio-net NICs on one closed hub, load the modules, send 5 ARP probes on eth0 (busybox
# arping) and check that eth1 received them; check BTF for vmlinux and the virtio_net module.
# ~25-40 s per kernel under TCG on 2 cores. VM_LOOP_KERNELS="6.12" limits the kernels.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTD=$(mktemp -d /tmp/ringscope-vmloop.XXXXXX)
trap 'rm -rf "$OUTD"' EXIT
fails=0
for k in ${VM_LOOP_KERNELS:-6.12 6.1}; do
	name="vm_loop[$k]"
	if ! OUT=$OUTD/$k WORKLOAD=loopcheck KERNEL=$k TIMEOUT=${TIMEOUT:-180} "$HERE/vm-run.sh" >"$OUTD/$k.log" 2>&1; then
		echo "FAIL: $name: vm-run.sh failed: $(grep -m1 'ERROR' "$OUTD/$k.log")"
		tail -n 25 "$OUTD/$k.log"
		fails=$((fails + 1))
		continue
	fi
	R=$(ls "$OUTD/$k"/*-loopcheck.json)
	jq -c '{kernel, boot_s, wall_s, raw, btf: (.guest | {btf_vmlinux, btf_virtio_net, indirect_desc})}' "$R"
	if jq -e '.raw.eth0_tx_delta >= 5 and .raw.eth1_rx_delta >= 5' "$R" >/dev/null; then
		echo "PASS: $name: eth0 -> eth1 loop ($(jq -r '"tx \(.raw.eth0_tx_delta) rx \(.raw.eth1_rx_delta), boot \(.boot_s) s"' "$R"))"
	else
		echo "FAIL: $name: frames did not loop: $(jq -c .raw "$R")"
		fails=$((fails + 1))
	fi
	if jq -e '.guest.btf_vmlinux and .guest.btf_virtio_net' "$R" >/dev/null; then
		echo "PASS: $name: /sys/kernel/btf/vmlinux and /sys/kernel/btf/virtio_net present"
	else
		echo "FAIL: $name: BTF missing: $(jq -c '.guest | {btf_vmlinux, btf_virtio_net}' "$R")"
		fails=$((fails + 1))
	fi
	if jq -e --arg k "$k" '.kernel | startswith($k + ".")' "$R" >/dev/null; then
		echo "PASS: $name: kernel version $(jq -r .kernel "$R")"
	else
		echo "FAIL: $name: kernel version $(jq -r .kernel "$R") is not $k.x"
		fails=$((fails + 1))
	fi
done
[ "$fails" = 0 ]
