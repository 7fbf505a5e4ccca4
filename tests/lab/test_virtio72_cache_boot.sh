#!/usr/bin/env bash
# test_virtio72_cache_boot.sh - boots the patched 7.2 kernel (kernel-patches/7.2, built by
# `make kernel KERNEL=7.2`, cached) in the VM lab with BIND=zc (modern virtio-net devices with
# iommu_platform=on, so the ring uses the DMA API) and runs tests/lab/virtio72-robust-guest.sh:
# ring resize while an AF_XDP zero-copy socket floods, XSK unbind/rebind, link flap, driver
# unbind/bind, traffic checked after each, and no kernel warning. Four boots: the split and the
# packed ring (PACKED=on: the guest checks that VIRTIO_F_RING_PACKED was negotiated), each as is
# and with swiotlb=force (every streaming DMA mapping bounces).
#
# patched-debug: the patched kernel with KASAN, kmemleak, DMA-API debug and lockdep (make kernel-debug
# KERNEL=7.2); the guest also scans for leaks, and every report fails (tests/lab/test_virtio72_debug_boot.sh).
#
# Usage: [RINGS="split packed"] [MODES="plain swiotlb"] tests/lab/test_virtio72_cache_boot.sh [patched|stock|patched-debug]
#        (default patched)
#        QEMU=backports IN_ORDER=on: under bookworm-backports' qemu with in_order=on on both NICs; the
#        guest also checks that VIRTIO_F_IN_ORDER was negotiated (tests/lab/test_virtio72_in_order.sh)
# Part of make test-lab: building the two 7.2 kernels takes 15-40 min on a loaded 2-core machine
# the first time (cached afterwards); each boot ~2-4 min under TCG.
# timeout: 5400
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WHICH=${1:-patched}
BIN=${RINGSCOPE_BIN:-$REPO/build/static/ringscope}
HELPER=$REPO/build/helpers/rs_ringparam.static
fails=0
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
# per kernel: build-kernels.sh options, vm-run.sh variant, boot options, guest memory (MiB), vCPUs,
# the floods' rate (packets/s, 0 = unlimited), qemu timeout (s), guest checks
case "$WHICH" in
stock | patched) build_args=() variant=$WHICH append0= mem=1024 smp=1 flood_rate=0 timeout=1200 checks=13 ;;
# kasan_multi_shot: every KASAN report, not only the first; memory: KASAN's shadow is 1/8 of it.
# One vCPU like the others: these kernels have no ACPI and qemu's MP table lists the boot CPU only
# ("Processors: 1"), so the guest runs on one CPU whatever -smp says. Floods at 50 packets/s: an
# unlimited one keeps this kernel's single vCPU in softirq (NAPI TX and eth1's receive under KASAN,
# kmemleak and lockdep: 5.4 of 9.2 s in softirq, ~200 frames/s completed; a nice -20 'sleep 1' loop
# ran once in 9 s), and the guest's own steps then crawl; 50/s leaves it the CPU and frames in flight.
patched-debug) build_args=(--debug) variant=custom append0=kasan_multi_shot mem=1536 smp=1 flood_rate=50 timeout=3600 checks=14 ;;
*) fail virtio72_boot "argument must be stock, patched or patched-debug (got '$WHICH')"; exit 1 ;;
esac
MODES=${MODES:-plain swiotlb}
RINGS=${RINGS:-split packed}
for ring in $RINGS; do
	case $ring in split | packed) ;; *) fail virtio72_boot "RINGS takes split and/or packed (got '$ring')"; exit 1 ;; esac
done
for mode in $MODES; do
	case $mode in plain | swiotlb) ;; *) fail virtio72_boot "MODES takes plain and/or swiotlb (got '$mode')"; exit 1 ;; esac
done
if [ ! -x "$BIN" ] || [ ! -x "$HELPER" ]; then
	fail virtio72_boot "no $BIN or $HELPER: run 'make static'"
	exit 1
fi
OUTD=$(mktemp -d /tmp/ringscope-virtio72.XXXXXX)
trap '[ "${KEEP_OUT:-0}" = 1 ] || rm -rf "$OUTD"' EXIT
if ! bash "$REPO/kernel-patches/build-kernels.sh" --kernel 7.2 "${build_args[@]}" >"$OUTD/build.log" 2>&1; then
	fail virtio72_kernels_built "build-kernels.sh --kernel 7.2 ${build_args[*]}: $(tail -n 3 "$OUTD/build.log" | tr '\n' ' ')"
	exit 1
fi
for ring in $RINGS; do
for mode in $MODES; do
	name="virtio72_boot[$WHICH,$ring,$mode]"
	packed=off
	[ $ring = packed ] && packed=on
	append=$append0 rx_bind=zc
	# swiotlb=force: a zero-copy receiver gets none of the frames, a virtio-net bug (7.2.13 and
	# 7.3.4: the virtio header before the frame is never synced; docs/virtio-xsk-rx-swiotlb.md),
	# so eth1 receives in copy mode there
	[ $mode = swiotlb ] && append="$append swiotlb=force" rx_bind=copy
	t0=$(date +%s)
	if ! OUT=$OUTD/$ring-$mode KERNEL=7.2 VARIANT=$variant KIMAGE=${RINGSCOPE_CACHE:-/var/cache/ringscope}/kernel/7.2/$WHICH/bzImage \
		BIND=zc PACKED=$packed WORKLOAD=cmd SMP=$smp MEM=$mem TIMEOUT=$timeout APPEND_EXTRA="$append" \
		GUEST_CMD="RX_BIND=$rx_bind; RING=$ring; IN_ORDER=${IN_ORDER:-off}; FLOOD_RATE=$flood_rate; $(cat "$HERE/virtio72-robust-guest.sh")" GUEST_BINS="$HELPER" \
		RINGSCOPE_BIN="$BIN" "$REPO/tests/vm/vm-run.sh" >"$OUTD/$ring-$mode.log" 2>&1; then
		fail "$name" "vm-run.sh failed: $(grep -m1 ERROR "$OUTD/$ring-$mode.log")"
		continue
	fi
	out=$(ls "$OUTD/$ring-$mode"/*-cmd.out 2>/dev/null | head -n 1)
	if [ -z "$out" ] || ! grep -q '^RSCHK ' "$out"; then
		fail "$name" "no guest checks in the output"
		continue
	fi
	sed -n 's/^RSCHK \(PASS\|FAIL\) /\1: '"$name"': /p' "$out"
	fails=$((fails + $(grep -c '^RSCHK FAIL' "$out")))
	# every step of the guest script must have reported
	n=$(grep -c '^RSCHK ' "$out")
	[ "$n" -ge $checks ] || fail "$name" "only $n of $checks guest checks reported"
	grep -E '^(rings|uncached|flood)' "$out"
	echo "$name: boot and checks took $(($(date +%s) - t0)) s"
done
done
[ "$fails" = 0 ]
