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
               {"name":"__xsk_generic_xmit","calls":$2}],
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
N=$(obj zero-copy 0 | jq -c '.trace = null' | jq --argjson meta "$META" --arg kernel 7.2 -f "$HERE/lab-zc.jq")
check "TRACE=off: no per-packet figures, no invented zeros" "$N" '.kmalloc_per_pkt == null and .calls == {} and .packets_rx == 998'
[ "$fails" = 0 ]
