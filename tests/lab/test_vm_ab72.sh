#!/usr/bin/env bash
# test_vm_ab72.sh (make test-lab): the A/B of kernel-patches/7.2 on the path it
# was written for. vm-ab.sh with ours72:stock as A (and the A/A control A')
# and ours72:patched as B, BIND=zc (AF_XDP zero-copy TX through
# virtnet_xsk_xmit, modern devices with iommu_platform=on, so the ring uses the
# DMA API), 5 rounds, split and packed ring (RINGS), 64 B, icount, one vCPU,
# 2 s runs (untraced, then traced at 1000 pps, in one boot).
# Asserts, per ring and run: the ring negotiated (packed or not), zero-copy bind, virtqueue_add_outbuf_premapped once per
# packet, __xsk_generic_xmit never, every packet received, an untraced run;
# stock: >= 0.9 indirect-table kmalloc and >= 0.9 table DMA map
# (virtqueue_map_single_attrs) per packet; patched: <= 0.01 of each. From
# ab.json: kmalloc/packet and table DMA maps/packet significantly lower
# (ratio <= 0.01), the A/A control shows no change in them.
# In make test-lab, not make test: a fresh machine would first build both 7.2
# kernels (make kernel KERNEL=7.2: tens of minutes on 2 cores; cached after).
# The 15 boots of one ring took ~37 min niced beside a second such run and a benchmark on 2
# cores, 416 s on a quieter host.
# AB72_DIR=<vm-ab OUT of a run with these settings>/<ring>-64 checks that cell's
# results instead of booting (for working on the checks).
# timeout: 5400
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fails=0
pass() { echo "PASS: vm_ab72: $*"; }
fail() { echo "FAIL: vm_ab72: $*"; fails=$((fails + 1)); }
T=$(mktemp -d /tmp/rs-ab72.XXXXXX)
trap 'rm -rf "$T"' EXIT

RINGS=${RINGS:-split packed}
for ring in $RINGS; do
	case $ring in split | packed) ;; *) fail "RINGS takes split and/or packed (got '$ring')"; exit 1 ;; esac
done
if [ -n "${AB72_DIR:-}" ]; then
	[ -f "$AB72_DIR/ab.json" ] || { fail "AB72_DIR=$AB72_DIR has no ab.json (want vm-ab's OUT/<ring>-64)"; exit 1; }
	CELLS=$AB72_DIR
else
	if ! bash "$ROOT/kernel-patches/build-kernels.sh" --kernel 7.2 >"$T/build.log" 2>&1; then
		fail "build-kernels.sh --kernel 7.2: $(tail -n 3 "$T/build.log" | tr '\n' ' ')"
		exit 1
	fi
	t0=$(date +%s)
	if ! OUT=$T/ab A=ours72:stock B=ours72:patched BIND=zc SMP=1 ROUNDS=5 RINGS="$RINGS" SIZES=64 ACCEL=icount \
		SECONDS_RUN=2 RATE=1000 TIMEOUT=900 bash "$ROOT/tests/vm/vm-ab.sh" >"$T/ab.log" 2>&1; then
		fail "vm-ab.sh failed: $(grep -m1 ERROR "$T/ab.log")"
		tail -n 20 "$T/ab.log"
		exit 1
	fi
	pass "$((15 * $(wc -w <<<"$RINGS"))) boots in $(($(date +%s) - t0)) s"
	cat "$T/ab.log"
	CELLS=
	for ring in $RINGS; do CELLS="$CELLS $T/ab/$ring-64"; done
fi

for D in $CELLS; do
	cell=$(basename "$D")
	packed=false
	case $cell in packed-*) packed=true ;; esac
	# ---- every run ----------------------------------------------------------------
	for slot in A B A2; do
		n=0
		for R in $(find "$D/raw" -path "*-$slot/*" -name '*.json' ! -name '*.ndjson'); do
			n=$((n + 1))
			r=$cell/$(basename "$(dirname "$R")")
			jq -e --argjson packed $packed '.guest.packed == $packed' "$R" >/dev/null ||
				fail "$r: packed ring negotiated == $packed: $(jq -c '.guest.packed' "$R")"
			jq -e '.zerocopy and .tier == "fentry" and .packets_tx == .count
				and .calls.virtqueue_add_outbuf_premapped == .packets_tx and .calls.__xsk_generic_xmit == 0
				and .packets_rx == .packets_tx and .lost == 0 and .untraced.tx_pps > 0' "$R" >/dev/null ||
				fail "$r: zero-copy path, no loss: $(jq -c '{bind, tier, count, packets_tx, packets_rx,
					premapped: .calls.virtqueue_add_outbuf_premapped, generic: .calls.__xsk_generic_xmit,
					untraced_pps: .untraced.tx_pps}' "$R")"
			if [ $slot = B ]; then
				want='.kmalloc_per_pkt <= 0.01 and .kfree_per_pkt <= 0.01 and .table_dma_maps_per_pkt <= 0.01'
			else
				want='.kmalloc_per_pkt >= 0.9 and .kfree_per_pkt >= 0.9 and .table_dma_maps_per_pkt >= 0.9'
			fi
			jq -e "$want" "$R" >/dev/null ||
				fail "$r: $want: $(jq -c '{kmalloc_per_pkt, kfree_per_pkt, table_dma_maps_per_pkt}' "$R")"
		done
		[ "$n" = 5 ] && pass "$cell $slot: 5 runs checked" || fail "$cell $slot: $n results, want 5"
	done

	# ---- the statistics -------------------------------------------------------------
	J=$D/ab.json
	for m in kmalloc_per_pkt table_dma_maps_per_pkt; do
		jq -e --arg m "$m" '.metrics[$m] | .n_a == 5 and .n_b == 5 and .verdict == "lower" and .ratio <= 0.01
			and .ci_high <= 0.01 and .aa.verdict == "no significant change"' "$J" >/dev/null &&
			pass "$cell $m significantly lower: $(jq -r --arg m "$m" '.metrics[$m] | "\(.a_median) -> \(.b_median), p_holm \(.p_adjusted)"' "$J")" ||
			fail "$cell $m: $(jq -c --arg m "$m" '.metrics[$m] | {a_median, b_median, ratio, ci_high, verdict, p_adjusted, aa: .aa.verdict}' "$J")"
	done
	jq -e '.metrics.pps | .n_a == 5 and .n_b == 5 and .aa.n_b == 5' "$J" >/dev/null &&
		pass "$cell pps: 5 rounds each (B/A $(jq -r '.metrics.pps.ratio' "$J"), verdict $(jq -r '.metrics.pps.verdict' "$J"))" ||
		fail "$cell pps rounds: $(jq -c '.metrics.pps | {n_a, n_b}' "$J")"
done
[ "$fails" = 0 ]
