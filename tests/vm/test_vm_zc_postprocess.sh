#!/usr/bin/env bash
# lab-zc.jq (the BIND=zc lab schema) on hand-written guest objects, no VM: the per-packet
# arithmetic, the 7.x and 6.x site names, and a silent copy-mode fallback showing up as
# zerocopy false / __xsk_generic_xmit calls (what test_vm_zc72.sh rejects).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fails=0
META='{"variant":"stock","arch":"x86_64","params":{"indirect":"on"},"boot_s":1,"wall_s":2,"qemu":"q"}'
# obj BIND GENERIC_CALLS: a final object of the xsk-zc workload, 1000 packets sent, 998 received
obj() {
	cat <<EOF2
{"type":"final","workload":"xsk-zc","bind":"$1","count":1000,
 "tx":{"packets_tx":1000,"tx_submitted":1000,"tx_pps":999.5},
 "rx":{"packets_rx":998,"corrupt":0},
 "trace":{"tier":"fentry",
  "functions":[{"name":"virtqueue_add_outbuf_premapped","calls":1000,"lat_ns_p50":10,"lat_ns_p90":20,"lat_ns_p99":30},
               {"name":"__xsk_generic_xmit","calls":$2},
               {"name":"dma_map_phys","calls":3049},{"name":"dma_unmap_phys","calls":1000},
               {"name":"virtqueue_map_single_attrs","calls":1001}],
  "kmalloc_sites":[
   {"site":"virtqueue_add_outbuf_premapped+0x572","func":"virtqueue_add_outbuf_premapped","kind":"kmalloc","allocs":950,"frees":0},
   {"site":"virtqueue_add_split+0x10","func":"virtqueue_add_split","kind":"kmalloc","allocs":50,"frees":0},
   {"site":"detach_buf_split_in_order+0x183","func":"detach_buf_split_in_order","kind":"kmalloc","allocs":0,"frees":1000},
   {"site":"virtqueue_add_outbuf_premapped+0x99","func":"virtqueue_add_outbuf_premapped","kind":"kmem_cache","allocs":1000,"frees":0},
   {"site":"skb_release_data+0x1","func":"skb_release_data","kind":"kmalloc","allocs":0,"frees":700}]}}
EOF2
}
# check NAME JSON JQ-CONDITION
check() {
	if jq -e "$3" <<<"$2" >/dev/null 2>&1; then
		echo "PASS: vm_zc_postprocess: $1"
	else
		echo "FAIL: vm_zc_postprocess: $1: $(jq -c "{zerocopy, packets_tx, packets_rx, lost, calls, kmalloc_per_pkt, kfree_per_pkt}" <<<"$2" 2>&1)"
		fails=$((fails + 1))
	fi
}
R=$(obj zero-copy 0 | jq --argjson meta "$META" --arg kernel 7.2.13 -f "$HERE/lab-zc.jq")
check "zero-copy bind and counts" "$R" '.zerocopy == true and .bind == "zero-copy" and .params.bind == "zc" and .kernel == "7.2.13"
	and .packets_tx == 1000 and .packets_rx == 998 and .lost == 2 and .count == 1000'
check "calls and calls per packet" "$R" '.calls.virtqueue_add_outbuf_premapped == 1000 and .calls.__xsk_generic_xmit == 0
	and .calls_per_pkt.virtqueue_add_outbuf_premapped == 1 and .functions.virtqueue_add_outbuf_premapped.p99 == 30'
check "kmalloc_per_pkt sums the 7.x and 6.x add sites, kmalloc kind only" "$R" '.kmalloc_per_pkt == 1'
check "kfree_per_pkt counts the detach sites only" "$R" '.kfree_per_pkt == 1 and (.kmalloc_sites | length) == 3'
F=$(obj copy 1000 | jq --argjson meta "$META" --arg kernel 7.2.13 -f "$HERE/lab-zc.jq")
check "a copy-mode fallback shows" "$F" '.zerocopy == false and .calls.__xsk_generic_xmit == 1000'
check "DMA maps and unmaps per packet" "$R" '.table_dma_maps_per_pkt == 1.001 and .dma_maps_per_pkt == 3.049
	and .dma_unmaps_per_pkt == 1 and .functions.dma_map_phys.calls_per_pkt == 3.049 and .untraced == null'
# TRACE=both: the untraced run's object (guest type final_untraced) comes in as meta.untraced
UNTR='{"workload":"xsk-zc","bind":"zero-copy","tx":{"packets_tx":80000,"tx_pps":40000},"rx":{"packets_rx":79990},"trace":null}'
MB=$(jq -c --argjson u "$UNTR" '. + {untraced: $u} | .params.trace = "both" | .params.accel = "icount"' <<<"$META")
B=$(obj zero-copy 0 | jq --argjson meta "$MB" --arg kernel 7.2.13 -f "$HERE/lab-zc.jq")
check "TRACE=both: untraced throughput beside the traced counts" "$B" '.untraced == {bind: "zero-copy", tx_pps: 40000,
	packets_tx: 80000, packets_rx: 79990, lost: 10} and .kmalloc_per_pkt == 1'
# ab-flatten.jq (the input of ringscope compare) on that result
FL=$(jq -r -f "$HERE/ab-flatten.jq" <<<"$B")
check "ab-flatten: pps from the untraced run, the DMA rows, latency rows of traced functions" \
	"$(jq -Rn '[inputs | split(" ") | {key: .[0], value: (.[1] | tonumber)}] | from_entries' <<<"$FL")" \
	'.pps == 40000 and .guest_ns_per_pkt == 25000 and .kmalloc_per_pkt == 1 and .table_dma_maps_per_pkt == 1.001
	and .dma_maps_per_pkt == 3.049 and .dma_unmaps_per_pkt == 1 and ."virtqueue_add_outbuf_premapped.p99_ns" == 30
	and .lost_pkts == 2 and (has("kicks_per_pkt") | not)'
N=$(obj zero-copy 0 | jq -c '.trace = null' | jq --argjson meta "$META" --arg kernel 7.2 -f "$HERE/lab-zc.jq")
check "TRACE=off: no per-packet figures, no invented zeros" "$N" '.kmalloc_per_pkt == null and .calls == {} and .packets_rx == 998
	and .dma_maps_per_pkt == null and .table_dma_maps_per_pkt == null'
[ "$fails" = 0 ]
