#!/usr/bin/env bash
# Host-side post-processing of the VM lab (lab-result.jq, lab-summary.sh) on a SYNTHETIC final
# object written below by hand. It checks the arithmetic and the schema only; the numbers are
# invented and say nothing about any kernel. No VM is booted.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v jq >/dev/null || { echo "FAIL: vm_postprocess: jq missing"; exit 1; }
fails=0
check() { # name jq-expression (must be true on the result)
	if jq -e "$2" "$RES" >/dev/null 2>&1; then echo "PASS: vm_postprocess: $1"; else
		echo "FAIL: vm_postprocess: $1: $(jq -c "$3" "$RES" 2>&1 | head -c 300)"
		fails=$((fails + 1))
	fi
}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
RES=$T/result.json

# synthetic input (shape of ringscope's "type":"final" line)
cat >"$T/final.json" <<'EOF'
{"type":"final","tier":"fentry","packets_tx":1000,"packets_rx":998,"tx_pps":200,"rx_pps":199.6,"lost":2,"corrupt":0,
 "compl_lat_ns_p50":12000,"compl_lat_ns_p99":90000,
 "functions":[
  {"name":"virtqueue_notify","calls":250,"calls_per_pkt":0.25,"lat_ns_p50":3000,"lat_ns_p90":5000,"lat_ns_p99":9000},
  {"name":"vring_interrupt","calls":125,"calls_per_pkt":0.125,"lat_ns_p50":800,"lat_ns_p90":1500,"lat_ns_p99":4000},
  {"name":"virtqueue_add_split","calls":1000,"calls_per_pkt":1,"lat_ns_p50":900,"lat_ns_p90":1200,"lat_ns_p99":3000}],
 "kmalloc_sites":[
  {"site":"virtqueue_add_split+0x1a2","func":"virtqueue_add_split","module":"","allocs":990,"frees":990,"allocs_per_pkt":0.99,"frees_per_pkt":0.99,"bytes_req":31680,"bytes_alloc":31680,"outstanding":0,"lifetime_ns_p50":40000,"lifetime_ns_p99":200000},
  {"site":"virtqueue_add_packed+0x10","func":"virtqueue_add_packed","module":"","allocs":5,"frees":5,"allocs_per_pkt":0.005,"frees_per_pkt":0.005,"bytes_req":1,"bytes_alloc":1,"outstanding":0,"lifetime_ns_p50":1,"lifetime_ns_p99":2},
  {"site":"virtqueue_add_indirect_packed+0x20","func":"virtqueue_add_indirect_packed","module":"","allocs":5,"frees":5,"allocs_per_pkt":0.005,"frees_per_pkt":0.005,"bytes_req":1,"bytes_alloc":1,"outstanding":0,"lifetime_ns_p50":1,"lifetime_ns_p99":2},
  {"site":"detach_buf_split+0x80","func":"detach_buf_split","module":"","allocs":0,"frees":970,"allocs_per_pkt":0,"frees_per_pkt":0.97,"bytes_req":0,"bytes_alloc":0,"outstanding":0,"lifetime_ns_p50":null,"lifetime_ns_p99":null},
  {"site":"detach_buf_packed+0x40","func":"detach_buf_packed","module":"","allocs":0,"frees":20,"allocs_per_pkt":0,"frees_per_pkt":0.02,"bytes_req":0,"bytes_alloc":0,"outstanding":0,"lifetime_ns_p50":null,"lifetime_ns_p99":null},
  {"site":"__alloc_skb+0x9c","func":"__alloc_skb","module":"","allocs":1000,"frees":1000,"allocs_per_pkt":1,"frees_per_pkt":1,"bytes_req":1,"bytes_alloc":1,"outstanding":0,"lifetime_ns_p50":5,"lifetime_ns_p99":6}]}
EOF
META='{"variant":"stock","arch":"x86_64","params":{"seconds":5,"pkt_size":64,"indirect":"on","event_idx":"on","queue_size":256,"packed":"off","rate":200},"boot_s":9.5,"wall_s":31.2,"kernel_source":"debian"}'
if ! jq -c . "$T/final.json" | jq --argjson meta "$META" --arg kernel 6.12.117 -f "$HERE/lab-result.jq" >"$RES"; then
	echo "FAIL: vm_postprocess: lab-result.jq failed"
	exit 1
fi
near() { echo "((($1) - ($2)) | fabs) < 1e-9"; }
check "schema keys" '["kernel","variant","arch","params","tier","packets_tx","packets_rx","pps","tx_pps","lost","kmalloc_per_pkt","kfree_per_pkt","kicks_per_pkt","irqs_per_pkt","pkts_per_irq","indirect_lifetime_ns","functions","boot_s","wall_s","raw"] - keys == []' 'keys'
check "identity fields" '.kernel == "6.12.117" and .variant == "stock" and .arch == "x86_64" and .tier == "fentry" and .params.rate == 200' '{kernel,variant,arch,tier}'
check "pps is rx_pps" '.pps == 199.6 and .tx_pps == 200' '{pps,tx_pps}'
check "kmalloc_per_pkt sums virtqueue_add_* sites only" "$(near .kmalloc_per_pkt 1.0)" '.kmalloc_per_pkt'
check "kfree_per_pkt sums detach_buf_* sites only" "$(near .kfree_per_pkt 0.99)" '.kfree_per_pkt'
check "kicks/irqs per packet" '.kicks_per_pkt == 0.25 and .irqs_per_pkt == 0.125 and .pkts_per_irq == 8' '{kicks_per_pkt,irqs_per_pkt,pkts_per_irq}'
check "indirect lifetime from the busiest add site" '.indirect_lifetime_ns == {"p50":40000,"p99":200000}' '.indirect_lifetime_ns'
check "functions map" '.functions.virtqueue_notify == {"calls_per_pkt":0.25,"p50":3000,"p90":5000,"p99":9000} and (.functions | length) == 3' '.functions'
check "raw kept" '.raw.type == "final" and (.raw.kmalloc_sites | length) == 6' '.raw | keys'

# no sites / no functions: zero allocations, null ratios (never a division by zero)
echo '{"type":"final","tier":"tracepoint","packets_tx":10,"packets_rx":10,"tx_pps":1,"rx_pps":1,"lost":0,"functions":[{"name":"vring_interrupt","calls_per_pkt":0}],"kmalloc_sites":[]}' |
	jq --argjson meta "$META" --arg kernel 6.1.192 -f "$HERE/lab-result.jq" >"$RES" || echo '{}' >"$RES"
check "empty sites give 0 per packet and null ratios" '.kmalloc_per_pkt == 0 and .kfree_per_pkt == 0 and .pkts_per_irq == null and .kicks_per_pkt == null and .indirect_lifetime_ns == null' '{kmalloc_per_pkt,kfree_per_pkt,pkts_per_irq,kicks_per_pkt,indirect_lifetime_ns}'

jq -c . "$T/final.json" | jq --argjson meta "$META" --arg kernel 6.12.117 -f "$HERE/lab-result.jq" >"$RES"
if out=$("$HERE/lab-summary.sh" "$RES" 2>&1) && grep -q 'kmalloc/pkt 1' <<<"$out" && grep -q 'virtqueue_notify' <<<"$out"; then
	echo "PASS: vm_postprocess: summary table"
else
	echo "FAIL: vm_postprocess: summary table: $(head -c 300 <<<"$out")"
	fails=$((fails + 1))
fi
[ "$fails" = 0 ]
