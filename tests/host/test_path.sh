#!/usr/bin/env bash
# run --path veth-xsk (issue 16) on a private veth pair (both ends in one
# namespace of this test): every hop sees every one of the N packets, every
# sequence number 0..N-1 at every hop of the --path-samples export, and each
# packet's stamps in causal order inside its own [submit, reap] interval. A
# receiver whose rings are too small drops: the packets leave the path at
# xdp_redirect, as many as the socket's XDP_STATISTICS drops, exactly. Each
# interval (-I) carries the packets the join finished in it: summed over the
# intervals, every hop's figures equal the final's exactly (JSON and text).
# The hop histograms have the JSON shape of every other (lat_ns_buckets).
# Bad --path options are one line, exit non-zero, nothing attached.
set -u
. "$(dirname "$0")/../lib/common.sh"
ensure_fs
tmp=$(mktemp -d); on_exit "rm -rf $tmp"
N=10000
mark_progs
ns="rst-path-$$"
ip netns add "$ns" || { fail path_netns "cannot add $ns"; finish; }
on_exit "ip netns delete $ns"
# No IPv6 on the pair: its router solicitations and MLD reports would reach
# the socket too, and XDP_STATISTICS counts the ones it drops.
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$ns" link add a0 type veth peer name b0 && ip -n "$ns" link set a0 up && ip -n "$ns" link set b0 up
run_path() { timeout 120 ip netns exec "$ns" "$RS" run --no-pin -i a0 --peer b0 -n "$N" --path veth-xsk --json "$@"; }

# --- every packet at every hop -----------------------------------------------
# A rate and rings the receiver keeps up with on a loaded 2-core machine
# (80 ms of traffic buffered): this part is about counts, not drops.
run_path -r 100000 --ring-size 8192 --frames 16384 --path-samples "$N" >"$tmp/ok.json" 2>"$tmp/ok.err"
rc=$?
check path_run_exit0 "rc $rc: $(tail -2 "$tmp/ok.err")" [ $rc -eq 0 ]
grep '"type":"final"' "$tmp/ok.json" >"$tmp/ok.final"
grep '"type":"path_sample"' "$tmp/ok.json" >"$tmp/ok.samples"
lost=$(jq -r .lost "$tmp/ok.final")
check path_no_loss_in_the_counted_run "lost=$lost (the receiver dropped: the count checks below need every packet)" [ "$lost" = 0 ]
bad=$(jq -r --argjson n "$N" '[.path.hops[] | select(.count != $n) | "\(.hop)=\(.count)"] | join(" ")' "$tmp/ok.final")
check path_every_hop_count_eq_n "hops not at $N: $bad" [ -z "$bad" ]
read -r pk done e2e <<<"$(jq -r '"\(.path.packets) \(.path.done) \(.path.end_to_end.lat_ns_samples)"' "$tmp/ok.final")"
check path_packets_done_e2e_eq_n "packets=$pk done=$done end_to_end=$e2e" [ "$pk/$done/$e2e" = "$N/$N/$N" ]
read -r oe late rf <<<"$(jq -r '"\(.path.order_errors) \(.path.late) \(.path.ringbuf_full)"' "$tmp/ok.final")"
check path_no_order_errors_late_or_lost_records "order_errors=$oe late=$late ringbuf_full=$rf" [ "$oe/$late/$rf" = 0/0/0 ]
ns_samples=$(wc -l <"$tmp/ok.samples")
check path_samples_one_line_per_packet "$ns_samples path_sample lines for $N packets" [ "$ns_samples" = "$N" ]
# Every seq 0..N-1 once, and at every hop (no null stamp).
seqs=$(jq -s -r '[.[].seq] | "\(unique | length) \(min) \(max)"' "$tmp/ok.samples")
check path_every_seq_once "unique/min/max = $seqs" [ "$seqs" = "$N 0 $((N - 1))" ]
hops=$(jq -r '.path.hops[].hop' "$tmp/ok.final" | tr '\n' ' ')
nulls=$(jq -s -r '[.[] | to_entries[] | select((.key | endswith("_ns")) and .value == null) | .key] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$tmp/ok.samples")
check path_every_seq_at_every_hop "missing stamps: $nulls (hops: $hops)" [ -z "$nulls" ]
# Causal order per packet: the stages before the socket's copy lie inside
# [submit, rx_reap] and do not decrease; the skb's free (it completes the
# send) lies inside [netif_receive_skb, tx_reap]; the redirect event follows
# the free on the same CPU. Every stamp is at or after the packet's submit.
order=$(jq -s -r '[.[] | select(
	(.submit_ns <= .wakeup_ns and .wakeup_ns <= .skb_alloc_ns and .skb_alloc_ns <= .netif_rx_ns and
	 .netif_rx_ns <= .netif_receive_skb_ns and .netif_receive_skb_ns <= .rx_reap_ns and
	 .netif_receive_skb_ns <= .skb_free_ns and .skb_free_ns <= .tx_reap_ns and
	 .skb_free_ns <= .xdp_redirect_ns) | not) | .seq] | "\(length) \(.[0:5])"' "$tmp/ok.samples")
check path_stamps_in_causal_order "packets out of order (count, first seqs): $order" [ "${order%% *}" = 0 ]
left=$(jq -s -r '[.[] | select(.left != "done")] | length' "$tmp/ok.samples")
check path_every_sample_done "$left samples did not complete the path" [ "$left" = 0 ]

# One histogram shape in ringscope's JSON (docs/histograms.md): each hop's and
# the end-to-end latency as lat_ns_buckets [lower, upper, count], ascending,
# their counts adding up to lat_ns_samples, and no other bucket key.
shape=$(jq -r '[.path.hops[], .path.end_to_end | select(has("hist") or has("p50_ns") or
	(.lat_ns_buckets | all(length == 3 and .[0] <= .[1]) | not) or
	([.lat_ns_buckets[][2]] | add // 0) != .lat_ns_samples or
	(.lat_ns_buckets | . != sort)) | .hop // "end_to_end"] | join(" ")' "$tmp/ok.final")
check path_json_hist_shape_lat_ns_buckets "hops with another shape, or buckets not adding up: $shape" [ -z "$shape" ]

# --- intervals: each carries the packets the join finished in it ------------
# Summed over the intervals, every per-hop figure equals the final's exactly
# (the last interval is taken after the path is finished).
NI=20000
run_path -n "$NI" -r 10000 --ring-size 8192 --frames 16384 -I 0.5 >"$tmp/iv.json" 2>"$tmp/iv.err"
rc=$?
check path_interval_run_exit0 "rc $rc: $(tail -2 "$tmp/iv.err")" [ $rc -eq 0 ]
niv=$(jq -s '[.[] | select(.type == "interval" and .path != null)] | length' "$tmp/iv.json")
check path_every_interval_has_a_path_share "$niv intervals with a path object (2 s of traffic at -I 0.5)" [ "$niv" -ge 2 ]
# One line per hop (and end-to-end, packets, done): name count dropped in_flight samples sum.
sums() { jq -s -r "$1"' | map([.path.hops[] | "\(.hop) \(.count) \(.dropped_here) \(.in_flight_after) \(.lat_ns_samples) \(.lat_ns_sum)"]
	+ ["end_to_end \(.path.end_to_end.lat_ns_samples) \(.path.end_to_end.lat_ns_sum)", "packets \(.path.packets) \(.path.done)"])
	| transpose | map(map(split(" ")) | [.[0][0]] + ([.[] | .[1:] | map(tonumber)] | transpose | map(add | tostring)) | join(" ")) | .[]' "$2"; }
want=$(sums '[.[] | select(.type == "final")]' "$tmp/iv.json")
got=$(sums '[.[] | select(.type == "interval")]' "$tmp/iv.json")
check path_interval_shares_add_up_to_final "intervals summed: $(echo $got) / final: $(echo $want)" [ "$got" = "$want" ]
fpk=$(jq -r 'select(.type == "final") | .path.packets' "$tmp/iv.json")
check path_interval_run_every_packet "final packets $fpk of $NI" [ "$fpk" = "$NI" ]
# The text view: each interval's block, its submit rows summed, is the final's.
timeout 120 ip netns exec "$ns" "$RS" run --no-pin -i a0 --peer b0 -n 4000 -r 8000 --ring-size 8192 --frames 16384 \
	-I 0.25 --path veth-xsk >"$tmp/iv.txt" 2>"$tmp/iv.terr"
read -r blocks isub fsub <<<"$(awk '/packets finished in this interval/ { b++; iv = 1 } /^hop latency along/ { iv = 0 }
	$1 == "submit" { if (iv) s += $3; else f = $3 } END { print b + 0, s + 0, f + 0 }' "$tmp/iv.txt")"
check path_interval_text_blocks_add_up "$blocks interval blocks, submit rows summed $isub, final $fsub" \
	[ "$blocks" -ge 2 -a "$isub" = "$fsub" -a "$fsub" = 4000 ]

# trace --path the same: a tracer beside a gen tx on the pair (it also sees
# any other ringscope traffic on the host: the sums hold for every packet).
timeout 60 "$RS" trace --path veth-xsk -d 4 -I 0.5 --json >"$tmp/tr.json" 2>"$tmp/tr.err" &
tpid=$!
if wait_for "$tmp/tr.err" 'hop latency along' 20; then
	timeout 30 ip netns exec "$ns" "$RS" gen tx -i a0 -n 3000 -r 3000 --no-pin >/dev/null 2>&1
fi
wait $tpid
rc=$?
check path_trace_interval_exit0 "rc $rc: $(tail -2 "$tmp/tr.err")" [ $rc -eq 0 ]
want=$(sums '[.[] | select(.type == "final")]' "$tmp/tr.json")
got=$(sums '[.[] | select(.type == "interval")]' "$tmp/tr.json")
fpk=$(jq -r 'select(.type == "final") | .path.packets' "$tmp/tr.json")
check path_trace_interval_shares_add_up_to_final "packets $fpk (3000 sent here); intervals summed: $(echo $got) / final: $(echo $want)" \
	[ -n "$want" -a "$got" = "$want" -a "${fpk:-0}" -ge 3000 ]

# --- forced drop: the receiver's rings too small for an unlimited sender ----
dropped=0
for try in 1 2 3; do	# a run the receiver keeps up with shows no drop: try again
	run_path --ring-size 64 -b 64 --frames 128 --path-samples "$N" >"$tmp/drop.json" 2>"$tmp/drop.err"
	rc=$?
	grep '"type":"final"' "$tmp/drop.json" >"$tmp/drop.final"
	dropped=$(jq -r '[.path.hops[] | select(.hop == "xdp_redirect") | .dropped_here][0] // 0' "$tmp/drop.final")
	[ "$rc" = 0 ] && [ "$dropped" -gt 0 ] && break
done
check path_drop_run_exit0 "rc $rc: $(tail -2 "$tmp/drop.err")" [ "$rc" = 0 ]
read -r kdrop kfull <<<"$(jq -r '"\(.rx_dropped) \(.rx_ring_full)"' "$tmp/drop.final")"
check path_drop_seen "no packet dropped in 3 runs with 64-entry rings (socket drops $kdrop + ring full $kfull)" [ "$dropped" -gt 0 ]
check path_drops_at_xdp_redirect_eq_xdp_statistics "left at xdp_redirect $dropped, XDP_STATISTICS rx_dropped $kdrop + rx_ring_full $kfull" \
	[ "$dropped" = $((kdrop + kfull)) ]
other=$(jq -r '[.path.hops[] | select(.hop != "xdp_redirect") | .dropped_here + .in_flight_after] | add' "$tmp/drop.final")
check path_drop_nowhere_else "packets that left at another hop: $other" [ "$other" = 0 ]
read -r pk done <<<"$(jq -r '"\(.path.packets) \(.path.done)"' "$tmp/drop.final")"
check path_done_plus_dropped_eq_n "done $done + dropped $dropped vs $N (packets $pk)" [ $((done + dropped)) = "$N" ]
sd=$(jq -s -r '[.[] | select(.type == "path_sample" and .left == "dropped" and .left_at == "xdp_redirect" and .rx_reap_ns == null)] | length' "$tmp/drop.json")
check path_drop_samples_agree "$sd dropped samples without an RX reap, $dropped dropped" [ "$sd" = "$dropped" ]
read -r tx lost <<<"$(jq -r '"\(.packets_tx) \(.lost)"' "$tmp/drop.final")"
check path_done_eq_received "done $done, received $((tx - lost)) (sent $tx, lost $lost)" [ "$done" = $((tx - lost)) ]
want=$(sums '[.[] | select(.type == "final")]' "$tmp/drop.json")
got=$(sums '[.[] | select(.type == "interval")]' "$tmp/drop.json")
check path_drop_interval_shares_add_up_to_final "intervals summed: $(echo $got) / final: $(echo $want)" [ "$got" = "$want" ]

# --- bad input: one line, non-zero, nothing attached --------------------------
bad_input() {	# name expected-regex args...
	local name=$1 re=$2; shift 2
	"$RS" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
	local rc=$? lines; lines=$(wc -l <"$tmp/bad.err")
	check "$name" "rc $rc, $lines lines: $(cat "$tmp/bad.err")" [ $rc -ne 0 -a "$lines" = 1 ]
	check "${name}_names_fix" "$(cat "$tmp/bad.err")" grep -Eq "$re" "$tmp/bad.err"
}
bad_input path_bad_name 'use one of veth-xsk' run --path nosuch -n 10
bad_input path_bad_name_trace 'use one of veth-xsk' trace --path nosuch -d 1
bad_input path_samples_without_path 'needs --path' run --path-samples 10 -n 10 --json
bad_input path_samples_without_json 'add --json' trace --path veth-xsk --path-samples 10 -d 1
bad_input path_with_zerocopy 'drop one' run --path veth-xsk --zerocopy -n 10
bad_input path_without_receiver 'add --peer' run --path veth-xsk -i a0 -n 10
bad_input path_virtio_tier_tracepoint 'use --tier fentry or kprobe' trace --path virtio-tx --tier tracepoint -d 1
bad_input path_virtio_needs_link 'give -i IFACE --peer IFACE' run --path virtio-tx -n 10
bad_input path_veth_native_xdp 'drop --xdp-mode native' run --path veth-xsk --xdp-mode native -n 10
bad_input path_xsk_needs_link 'give -i IFACE --peer IFACE' run --path virtio-xsk -n 10
bad_input path_xsk_needs_zc 'use --bind zc \(or --path virtio-tx\)' run -i a0 --peer b0 --path virtio-xsk --bind copy -n 10
bad_input path_virtio_tx_needs_copy 'use --bind copy \(or --path virtio-xsk\)' run -i a0 --peer b0 --path virtio-tx --bind zc -n 10
# msg-zerocopy: run sends ringscope's own, on its own veth pair, unpaced (trace follows any process's)
bad_input path_msgzc_proto_alone 'add --path msg-zerocopy' run --proto udp -n 10
bad_input path_msgzc_rate 'drop -r' run --path msg-zerocopy -r 100 -n 10
bad_input path_msgzc_iface 'drop -i' run --path msg-zerocopy -i a0 -n 10
bad_input path_msgzc_views 'drop the trace views' run --path msg-zerocopy --kmalloc -n 10
# vhost-tx: vhost-gen's own frames, zero-copy only from 256 B and with experimental_zcopytx=1
bad_input path_vhost_small 'give -s 256 or more' run --path vhost-tx -n 10
bad_input path_vhost_proto 'add --path msg-zerocopy' run --path vhost-tx --proto udp -s 1500 -n 10
bad_input path_vhost_zcopytx 'experimental_zcopytx=1|run it in a guest' run --path vhost-tx -s 1500 -n 10
# virtio-tx times functions: on a host with neither fentry nor kprobes (the
# project's), refused before anything is loaded; elsewhere it may run.
if [ "$("$RS" probe --json 2>/dev/null | jq -r .tier)" = tracepoint ]; then
	bad_input path_virtio_needs_functions 'run it in a guest of the VM lab' trace --path virtio-tx -d 1
	bad_input path_xsk_needs_functions 'run it in a guest of the VM lab' trace --path virtio-xsk -d 1
	bad_input path_msgzc_needs_functions 'run it in a guest of the VM lab' run --path msg-zerocopy -n 10
	bad_input path_msgzc_trace_needs_functions 'run it in a guest of the VM lab' trace --path msg-zerocopy -d 1
	bad_input path_vhost_trace_needs_functions 'run it in a guest of the VM lab' trace --path vhost-tx -d 1
	# refused before its first side effect: the metrics file is not written
	bad_input path_msgzc_metrics_refused_first 'run it in a guest of the VM lab' run --path msg-zerocopy -n 10 \
		--metrics-file "$tmp/zc.prom"
	check path_msgzc_metrics_file_not_written "$(ls -l "$tmp/zc.prom" 2>&1)" [ ! -e "$tmp/zc.prom" ]
fi
left=$(our_progs)
check path_nothing_left_attached "programs still loaded: $left" [ -z "$left" ]
finish
