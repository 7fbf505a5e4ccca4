#!/usr/bin/env bash
# test_virtio72_in_order.sh - the 7.2 indirect-table cache (kernel-patches/7.2) with VIRTIO_F_IN_ORDER.
# The machine's qemu 7.2 does not offer in_order; bookworm-backports' qemu 10.0 does, so every boot
# here runs under it (vm-run.sh QEMU=backports: fetched once into /var/cache/ringscope/qemu-<ver>/,
# never installed) with in_order=on on both hub NICs (IN_ORDER=on), BIND=zc (modern devices with
# iommu_platform=on: the ring uses the DMA API). The guest's ring then takes 7.2's in-order layout
# (VQ_LAYOUT_SPLIT_IN_ORDER / VQ_LAYOUT_PACKED_IN_ORDER: virtqueue_add_packed_in_order, the
# in-order get/detach paths).
#   1. Our stock and patched 7.2 (make kernel KERNEL=7.2, cached), split and packed ring: one boot
#      each, `gen tx --bind zc` 2000 packets at 1000 pps with trace -f --kmalloc. Asserts from the
#      lab JSON: VIRTIO_F_IN_ORDER (bit 35) negotiated on both NICs, the ring asked for, zero-copy,
#      every packet through virtqueue_add_outbuf_premapped and none through the copy path, 2000 of
#      2000 received uncorrupted; table kmalloc, kfree and DMA maps per packet stock >= 0.9,
#      patched <= 0.01.
#   2. tests/lab/test_virtio72_cache_boot.sh patched (ROBUST_RINGS, MODES=plain) with in_order on:
#      resizes under a zero-copy flood, XSK unbind/rebind, link flap, driver unbind/bind, traffic
#      after each, no kernel warning; its guest also checks that IN_ORDER was negotiated.
#      ROBUST_RINGS is "packed" by default: on the split ring 7.2.13 itself (stock too) loses its
#      in-order position at every virtqueue_reset (an XSK bind), so every later zero-copy receiver
#      gets nothing, and the patched kernel hits a BUG_ON (docs/virtio-in-order-reset.md);
#      ROBUST_RINGS="split packed" shows it.
# SKIPs (loudly, with the reason) only when bookworm-backports' qemu cannot be fetched.
# Usage: [RINGS="split packed"] [VARIANTS="stock patched"] [ROBUST=1] [ROBUST_RINGS=packed] tests/lab/test_virtio72_in_order.sh
# timeout: 7200
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
BIN=${RINGSCOPE_BIN:-$REPO/build/static/ringscope}
RINGS=${RINGS:-split packed}
VARIANTS=${VARIANTS:-stock patched}
ROBUST=${ROBUST:-1}
ROBUST_RINGS=${ROBUST_RINGS:-packed}
fails=0
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
for ring in $RINGS; do
	case $ring in split | packed) ;; *) fail virtio72_in_order "RINGS takes split and/or packed (got '$ring')"; exit 1 ;; esac
done
for ring in $ROBUST_RINGS; do
	case $ring in split | packed) ;; *) fail virtio72_in_order "ROBUST_RINGS takes split and/or packed (got '$ring')"; exit 1 ;; esac
done
for v in $VARIANTS; do
	case $v in stock | patched) ;; *) fail virtio72_in_order "VARIANTS takes stock and/or patched (got '$v')"; exit 1 ;; esac
done
case $ROBUST in 0 | 1) ;; *) fail virtio72_in_order "ROBUST must be 0 or 1 (got '$ROBUST')"; exit 1 ;; esac
[ -x "$BIN" ] || { fail virtio72_in_order "no static binary at $BIN (make static)"; exit 1; }

if ! qlog=$(bash "$REPO/tests/vm/qemu-backports.sh" "$CACHE" 2>&1); then
	echo "SKIP: virtio72_in_order: bookworm-backports' qemu could not be fetched, so nothing offers in_order here: $(echo "$qlog" | grep -m1 ERROR)"
	exit 0
fi
OUTD=$(mktemp -d /tmp/ringscope-inorder72.XXXXXX)
trap '[ "${KEEP_OUT:-0}" = 1 ] || rm -rf "$OUTD"' EXIT
if ! bash "$REPO/kernel-patches/build-kernels.sh" --kernel 7.2 >"$OUTD/build.log" 2>&1; then
	fail virtio72_kernels_built "build-kernels.sh --kernel 7.2: $(tail -n 3 "$OUTD/build.log" | tr '\n' ' ')"
	exit 1
fi

# check NAME JQ-CONDITION DETAIL-JQ  (on the result $R)
check() {
	if jq -e "$2" "$R" >/dev/null 2>&1; then
		echo "PASS: $1: $(jq -r "$3" "$R")"
	else
		fail "$1" "$(jq -r "$3" "$R" 2>/dev/null || echo 'no result')"
	fi
}
for ring in $RINGS; do
for v in $VARIANTS; do
	name="virtio72_in_order[$v,$ring]"
	packed=off
	[ $ring = packed ] && packed=on
	t0=$(date +%s)
	if ! OUT=$OUTD/$v-$ring KERNEL=7.2 VARIANT=$v KIMAGE=$CACHE/kernel/7.2/$v/bzImage BIND=zc PACKED=$packed \
		QEMU=backports IN_ORDER=on SECONDS_RUN=2 RATE=1000 SMP=1 TIMEOUT=1200 RINGSCOPE_BIN=$BIN \
		"$REPO/tests/vm/vm-run.sh" >"$OUTD/$v-$ring.log" 2>&1; then
		fail "$name" "vm-run.sh failed: $(grep -m1 'ERROR' "$OUTD/$v-$ring.log")"
		tail -n 30 "$OUTD/$v-$ring.log"
		continue
	fi
	cat "$OUTD/$v-$ring.log"
	echo "$name: boot and run took $(($(date +%s) - t0)) s"
	R=$(ls "$OUTD/$v-$ring"/*.json | head -n 1)
	check "$name: qemu 10 from backports" '.qemu | test("version 10\\.")' '.qemu'
	# bit 35 is the 36th character of the sysfs features string (bit 0 first)
	check "$name: VIRTIO_F_IN_ORDER negotiated on eth0 and eth1" \
		'.guest.in_order == true and (.guest.eth1_virtio_features[35:36] == "1")' \
		'"eth0 \(.guest.in_order), eth1 bit 35 \(.guest.eth1_virtio_features[35:36])"'
	check "$name: $ring ring" ".guest.packed == $([ $ring = packed ] && echo true || echo false)" \
		'"VIRTIO_F_RING_PACKED \(.guest.packed)"'
	check "$name: gen reports zero-copy" '.zerocopy == true and .tier == "fentry"' '"gen tx bound \(.bind), tier \(.tier)"'
	check "$name: every packet through the zero-copy path" \
		'.count == 2000 and .packets_tx == .count and .calls.virtqueue_add_outbuf_premapped == .packets_tx and .calls.__xsk_generic_xmit == 0 and .calls.start_xmit == 0' \
		'"virtqueue_add_outbuf_premapped \(.calls.virtqueue_add_outbuf_premapped), __xsk_generic_xmit \(.calls.__xsk_generic_xmit), start_xmit \(.calls.start_xmit), sent \(.packets_tx) of \(.count)"'
	check "$name: 2000 of 2000 received" '.packets_rx == 2000 and .lost == 0 and .corrupt == 0' \
		'"received \(.packets_rx) of \(.packets_tx), lost \(.lost), corrupt \(.corrupt)"'
	if [ $v = stock ]; then
		cond='.kmalloc_per_pkt >= 0.9 and .kfree_per_pkt >= 0.9 and .table_dma_maps_per_pkt >= 0.9'
		what=">= 0.9 (stock)"
	else
		cond='.kmalloc_per_pkt <= 0.01 and .kfree_per_pkt <= 0.01 and .table_dma_maps_per_pkt <= 0.01'
		what="<= 0.01 (patched)"
	fi
	check "$name: table kmalloc, kfree, DMA maps per packet $what" "$cond" \
		'"kmalloc \(.kmalloc_per_pkt) kfree \(.kfree_per_pkt) table DMA maps \(.table_dma_maps_per_pkt) per packet \([.kmalloc_sites[] | if .allocs > 0 then "kmalloc \(.allocs) at \(.site)" else "kfree \(.frees) at \(.site)" end] | join(", "))"'
done
done

if [ "$ROBUST" = 1 ]; then
	# the robustness boots of the patched kernel, in_order on (its own PASS:/FAIL: lines)
	QEMU=backports IN_ORDER=on RINGS="$ROBUST_RINGS" MODES=plain bash "$HERE/test_virtio72_cache_boot.sh" patched || fails=$((fails + 1))
fi
[ "$fails" = 0 ]
