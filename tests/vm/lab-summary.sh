#!/usr/bin/env bash
# Print a short human summary of one or more VM-lab result files (OUT/*.json from vm-run.sh).
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 RESULT.json..." >&2; exit 2; }
for f in "$@"; do
	jq -r '
	def f(n): if . == null then "-" elif type == "number" then
		(if . == (. | floor) and (. | fabs) < 1e15 then tostring else ((. * 1000 | round) / 1000 | tostring) end)
		else tostring end;
	"== \(.kernel) \(.variant) \(.arch)  layout=\(.params.layout // "-") indirect=\(.params.indirect) event_idx=\(.params.event_idx) packed=\(.params.packed) queue=\(.params.queue_size) size=\(.params.pkt_size) rate=\(.params.rate) \(.params.seconds)s",
	"   tier \(.tier)   tx \(.packets_tx) rx \(.packets_rx) lost \(.lost | f(0))   tx_pps \(.tx_pps | f(0)) rx_pps \(.pps | f(0))",
	"   kmalloc/pkt \(.kmalloc_per_pkt | f(0))  kfree/pkt \(.kfree_per_pkt | f(0))  kicks/pkt \(.kicks_per_pkt | f(0))  irqs/pkt \(.irqs_per_pkt | f(0))  pkts/irq \(.pkts_per_irq | f(0))",
	"   indirect lifetime ns p50 \(.indirect_lifetime_ns.p50 | f(0)) p99 \(.indirect_lifetime_ns.p99 | f(0))   completion ns p50 \(.compl_lat_ns.p50 | f(0)) p99 \(.compl_lat_ns.p99 | f(0))",
	"   boot \(.boot_s | f(0)) s   wall \(.wall_s | f(0)) s   accel \(.params.accel // "tcg")",
	(if .untraced != null then "   untraced run: tx_pps \(.untraced.tx_pps | f(0)) lost \(.untraced.lost | f(0))" else empty end),
	(if .bpf_stats != null and (.packets_tx // 0) > 0 then
		"   observer: BPF run time \(.bpf_stats.observer_run_time_ns / .packets_tx | f(0)) ns/pkt, \(if .bpf_stats.observer_run_cnt > 0 then .bpf_stats.observer_run_time_ns / .bpf_stats.observer_run_cnt else null end | f(0)) ns/run over \([.bpf_stats.programs[] | select(.observer)] | length) programs (tier \(.tier))"
	else empty end),
	(if (.functions | length) > 0 then
		"   function                         calls/pkt     p50 ns     p90 ns     p99 ns",
		(.functions | to_entries[] |
		"   \(.key | .[0:32] | . + (" " * (32 - length)))  \(.value.calls_per_pkt | f(0) | (" " * (9 - length)) + .)  \(.value.p50 | f(0) | (" " * (9 - length)) + .)  \(.value.p90 | f(0) | (" " * (9 - length)) + .)  \(.value.p99 | f(0) | (" " * (9 - length)) + .)")
	else empty end)
	' "$f"
done
