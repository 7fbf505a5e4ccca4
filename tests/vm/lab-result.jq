# ringscope VM lab: turn the guest's last NDJSON object ("type":"final") into the lab schema.
# Input: the final object.  Arguments: --argjson meta {variant, arch, params, boot_s, wall_s, ...}
#                                      --arg kernel "6.12.117"
# Definitions (see README.md, "VM lab"):
#   kmalloc_per_pkt  sum of allocs_per_pkt over kmalloc sites in virtqueue_add_{split,packed,indirect_packed}
#   kfree_per_pkt    sum of frees_per_pkt over sites in detach_buf_{split,packed}
#   kicks_per_pkt    functions[virtqueue_notify].calls_per_pkt
#   irqs_per_pkt     functions[vring_interrupt].calls_per_pkt; pkts_per_irq its inverse (null if 0/absent)
#   indirect_lifetime_ns  lifetime p50/p99 of the busiest virtqueue_add_* kmalloc site

def num: if type == "number" then . else null end;
def sum_of(f): reduce .[] as $x (0; . + (($x | f | num) // 0));

. as $raw
| ($raw.kmalloc_sites // []) as $sites
| ($raw.functions // []) as $funcs
| ($sites | map(select(.func as $f | ["virtqueue_add_split", "virtqueue_add_packed", "virtqueue_add_indirect_packed"] | index([$f])))) as $add_sites
| ($sites | map(select(.func as $f | ["detach_buf_split", "detach_buf_packed"] | index([$f])))) as $free_sites
| ($funcs | map({key: .name, value: .}) | from_entries) as $fmap
| ($fmap["virtqueue_notify"].calls_per_pkt | num) as $kicks
| ($fmap["vring_interrupt"].calls_per_pkt | num) as $irqs
| ($add_sites | sort_by(.allocs // 0) | last) as $busiest
| {
	kernel: $kernel,
	variant: $meta.variant,
	arch: $meta.arch,
	params: $meta.params,
	tier: $raw.tier,
	packets_tx: $raw.packets_tx,
	packets_rx: $raw.packets_rx,
	pps: $raw.rx_pps,
	tx_pps: $raw.tx_pps,
	lost: $raw.lost,
	corrupt: $raw.corrupt,
	compl_lat_ns: {p50: $raw.compl_lat_ns_p50, p99: $raw.compl_lat_ns_p99},
	kmalloc_per_pkt: ($add_sites | sum_of(.allocs_per_pkt)),
	kfree_per_pkt: ($free_sites | sum_of(.frees_per_pkt)),
	kicks_per_pkt: $kicks,
	irqs_per_pkt: $irqs,
	pkts_per_irq: (if ($irqs // 0) > 0 then (1 / $irqs) else null end),
	indirect_lifetime_ns: (if $busiest == null then null
		else {p50: $busiest.lifetime_ns_p50, p99: $busiest.lifetime_ns_p99} end),
	functions: ($funcs | map({key: .name, value: {calls_per_pkt, p50: .lat_ns_p50, p90: .lat_ns_p90, p99: .lat_ns_p99}}) | from_entries),
	boot_s: $meta.boot_s,
	wall_s: $meta.wall_s
}
+ ($meta | del(.variant, .arch, .params, .boot_s, .wall_s))
+ {raw: $raw}
