# ringscope VM lab, BIND=zc: turn the guest's xsk-zc object ({bind, count, tx, rx, trace}: gen tx
# --bind zc, gen rx and trace -f --kmalloc, see guest-init.sh) into the lab schema.
# Arguments: --argjson meta {...} --arg kernel "7.2.13", as lab-result.jq.
# Per packet means per packet gen tx saw completed (packets_tx); the trace counts from before the
# first packet to after the last, and nothing else sends on eth0 in the guest.
#   zerocopy          gen tx reported a zero-copy bind
#   calls             fentry call counts of the traced functions (virtqueue_add_outbuf_premapped:
#                     one per packet on the zero-copy path; __xsk_generic_xmit: the copy path)
#   kmalloc_per_pkt   kmalloc calls at the indirect-table site (alloc_indirect_split is inlined
#                     into virtqueue_add_outbuf_premapped in 7.2; the 6.x names are kept) / packet
#   kfree_per_pkt     kfree calls at the detach sites (7.x frees in detach_buf_split_in_order)
#   table_dma_maps_per_pkt  virtqueue_map_single_attrs calls / packet: virtio_ring maps each
#                     indirect table it allocates through it (vring_map_single); virtio-net calls
#                     it once per XSK bind, for its header
#   dma_maps_per_pkt, dma_unmaps_per_pkt  every dma_map_phys / dma_unmap_phys in the guest / packet
#   untraced          TRACE=both/off: the run with nothing attached (tx_pps = throughput)

def num: if type == "number" then . else null end;
def per(n): if . == null then null elif (n // 0) > 0 then . / n else null end;

. as $raw
| ($raw.tx.packets_tx // 0) as $pkts
| ($raw.trace.kmalloc_sites // [] | map(select(.kind == "kmalloc"))) as $sites
| ($sites | map(select(.func as $f | ["virtqueue_add_outbuf_premapped", "virtqueue_add_split",
	"virtqueue_add_packed", "virtqueue_add_indirect_packed"] | index([$f])))) as $add_sites
| ($sites | map(select(.func as $f | ["detach_buf_split_in_order", "detach_buf_split",
	"detach_buf_packed_in_order", "detach_buf_packed"] | index([$f])))) as $free_sites
| ($raw.trace.functions // [] | map({key: .name, value: .calls}) | from_entries) as $calls
| {
	kernel: $kernel,
	variant: $meta.variant,
	arch: $meta.arch,
	params: ($meta.params + {bind: "zc"}),
	bind: $raw.bind,
	zerocopy: ($raw.bind == "zero-copy"),
	tier: $raw.trace.tier,
	count: $raw.count,
	packets_tx: $raw.tx.packets_tx,
	tx_submitted: $raw.tx.tx_submitted,
	packets_rx: $raw.rx.packets_rx,
	lost: (if $raw.rx.packets_rx == null then null else $pkts - $raw.rx.packets_rx end),
	corrupt: $raw.rx.corrupt,
	tx_pps: $raw.tx.tx_pps,
	calls: $calls,
	calls_per_pkt: ($calls | map_values(per($pkts))),
	kmalloc_per_pkt: (if $raw.trace == null then null else ($add_sites | map(.allocs) | add // 0 | per($pkts)) end),
	kfree_per_pkt: (if $raw.trace == null then null else ($free_sites | map(.frees) | add // 0 | per($pkts)) end),
	table_dma_maps_per_pkt: ($calls.virtqueue_map_single_attrs | num | per($pkts)),
	dma_maps_per_pkt: ($calls.dma_map_phys | num | per($pkts)),
	dma_unmaps_per_pkt: ($calls.dma_unmap_phys | num | per($pkts)),
	kmalloc_sites: ($add_sites + $free_sites | map({site, func, allocs, frees, bytes_req, bytes_alloc})),
	functions: ($raw.trace.functions // [] | map({key: .name, value: {calls, calls_per_pkt: (.calls | per($pkts)), p50: .lat_ns_p50, p90: .lat_ns_p90, p99: .lat_ns_p99}}) | from_entries),
	boot_s: $meta.boot_s,
	wall_s: $meta.wall_s
}
+ ($meta | del(.variant, .arch, .params, .boot_s, .wall_s))
+ {untraced: ($meta.untraced // null | if . == null then null else
	{bind, tx_pps: .tx.tx_pps, packets_tx: .tx.packets_tx, packets_rx: .rx.packets_rx,
	 lost: (if .rx.packets_rx == null then null else (.tx.packets_tx // 0) - .rx.packets_rx end)} end)}
+ {raw: $raw}
