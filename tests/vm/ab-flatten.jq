# ringscope VM lab -> ringscope compare: one lab result JSON (vm-run.sh, best
# with TRACE=both) as "metric value" lines, the input format of
# `ringscope compare`. Run with jq -r. Names (see docs/ab.md):
#   pps                      tx pps of the untraced run (no probe attached)
#   guest_ns_per_pkt         1e9 / pps, only under ACCEL=icount, where guest
#                            time counts guest instructions
#   kmalloc_per_pkt ... irqs_per_pkt   traced run, lab-result.jq's definitions
#   table_dma_maps_per_pkt, dma_maps_per_pkt, dma_unmaps_per_pkt   traced run of the
#                            BIND=zc workload (lab-zc.jq): the indirect tables' DMA maps,
#                            all DMA maps, all unmaps per packet
#   <function>.p50_ns/.p99_ns          traced latency percentiles
#   lost_pkts                packets lost in the traced run
#   trace_lost_entries       records the tracer dropped (sum over its maps)
#   observer_ns_per_pkt      BPF run time of all non-XDP programs / packets sent
#   observer_ns_per_run      the same / number of program runs
# (per-program run times stay in the lab JSON's bpf_stats.programs)
def num: if type == "number" and isfinite then . else empty end;
def line(name; v): (v | num) as $x | "\(name) \($x)";

(.untraced.tx_pps // (if .params.trace == "off" then .tx_pps else null end)) as $pps
| (.packets_tx // 0) as $pkts
| line("pps"; $pps),
  (if .params.accel == "icount" and ($pps // 0) > 0 then line("guest_ns_per_pkt"; 1e9 / $pps) else empty end),
  (if .params.trace != "off" then
     line("kmalloc_per_pkt"; .kmalloc_per_pkt),
     line("kfree_per_pkt"; .kfree_per_pkt),
     line("kicks_per_pkt"; .kicks_per_pkt),
     line("irqs_per_pkt"; .irqs_per_pkt),
     line("table_dma_maps_per_pkt"; .table_dma_maps_per_pkt),
     line("dma_maps_per_pkt"; .dma_maps_per_pkt),
     line("dma_unmaps_per_pkt"; .dma_unmaps_per_pkt),
     (.functions // {} | to_entries[] | select((.value.calls_per_pkt // 0) > 0) | line("\(.key).p50_ns"; .value.p50), line("\(.key).p99_ns"; .value.p99)),
     line("lost_pkts"; .lost),
     line("trace_lost_entries"; [.raw | .. | objects | .lost_entries? | numbers] | add),
     (.bpf_stats // null | select(. != null) |
       (if $pkts > 0 then line("observer_ns_per_pkt"; .observer_run_time_ns / $pkts) else empty end),
       (if .observer_run_cnt > 0 then line("observer_ns_per_run"; .observer_run_time_ns / .observer_run_cnt) else empty end))
   else empty end)
