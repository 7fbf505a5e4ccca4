#!/usr/bin/env bash
# Links, queues and intervals: gen refuses a link that cannot carry the
# traffic (down, no carrier, MTU at either veth end, receive room of a frame)
# with one line naming the fix and nothing left attached; lo in a namespace
# with no default route is accepted; -n over 4 queues receives exactly 4000;
# a forced loss equals the sum of its reported causes; the NDJSON intervals
# add up to the final for gen tx, gen rx, run and demo. Every case has its own
# rst-<case>-$$ namespaces, torn down on exit.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/gen.sh"
[[ $EUID -eq 0 ]] || { echo "FAIL: test_links: must run as root"; exit 1; }
ensure_fs

# one_ns_pair NAME: namespace NAME-a holding both ends a0 <-> b0, both up.
one_ns_pair() {
	ip netns add "$1-a" || return 1
	on_exit "ip netns delete $1-a"
	ip link add a0 netns "$1-a" type veth peer name b0 netns "$1-a" &&
		ip -n "$1-a" link set a0 up && ip -n "$1-a" link set b0 up
}

# intervals_add_up NAME FILE KEY...: in FILE's NDJSON, each KEY summed over the
# interval objects equals the final object's KEY (and there is an interval).
intervals_add_up() {
	local name=$1 f=$2 bad
	shift 2
	bad=$(grep '^{"type":"\(interval\|final\)"' "$f" | jq -s -r --args '
		(map(select(.type == "interval"))) as $iv | (map(select(.type == "final")) | last) as $fin |
		if ($iv | length) == 0 or $fin == null then "no intervals or no final"
		else [$ARGS.positional[] as $k | select(([$iv[][$k]] | add) != $fin[$k])
		      | "\($k): intervals \([$iv[][$k]] | add), final \($fin[$k])"] | join("; ") end' "$@")
	if [[ -z $bad ]]; then pass "$name"; else fail "$name" "$bad"; fi
}
TX_KEYS=(packets_tx tx_submitted tx_ring_full tx_wakeups tx_invalid_descs link_tx_dropped link_rx_dropped)
RX_KEYS=(packets_rx corrupt foreign duplicates reordered seq_implausible rx_dropped rx_ring_full rx_fill_ring_empty
	 xdp_not_redirected link_rx_dropped link_tx_dropped link_rx_missed)

# --- MTU of the sender, of its veth peer, and the receive room of a frame ---
c=rst-mtu-$$
one_ns_pair "$c"
refused links_mtu1500_size1600 "a0 has MTU 1500.*ip link set a0 mtu 1586" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" -s 1600 -n 10
ip -n "$c-a" link set a0 mtu 500
refused links_mtu500_size1000 "a0 has MTU 500.*ip link set a0 mtu 986" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" -s 1000 -n 10
ip -n "$c-a" link set a0 mtu 9000
refused links_peer_mtu1500_size1600 "veth peer b0 has MTU 1500.*ip link set b0 mtu 1586" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" -s 1600 -n 10
ip -n "$c-a" link set b0 mtu 9000
refused links_frame2048_size1793 "1793: a 2048 B UMEM frame receives at most 1792 B.*--frame-size 4096" "$c-a" b0 \
	"$RS" gen rx -i b0 --netns "$c-a" -s 1793 -d 1
refused links_frame4096_size3841 "3841: a 4096 B UMEM frame receives at most 3840 B.*lower --size to 3840" "$c-a" b0 \
	"$RS" gen rx -i b0 --netns "$c-a" --frame-size 4096 -s 3841 -d 1
# The largest size that fits is received in full, at both ends' MTU 9000.
rs_bg rx 60 gen rx -i b0 --netns "$c-a" -s 1792 -n 1000 -d 30 --json
if rs_ready rx 'rx on .*packets up to 1792 B'; then
	rs_fg tx 60 gen tx -i a0 --netns "$c-a" -s 1792 -n 1000 -r 20000 --json
	rs_wait rx
	expect links_size1792_rx_exit0 "$(rc_of rx)" 0 "$(tail -2 "$tmp/rx.err")"
	expect_final links_size1792_received rx packets_rx=1000 lost=0 corrupt=0
else
	fail links_size1792_ready "no 'rx on ... packets up to 1792 B' notice: $(tail -2 "$tmp/rx.err")"
fi
ip netns delete "$c-a"

# --- a DOWN interface, and one whose veth peer is down (no carrier) ---------
c=rst-down-$$
veth_pair "$c"
ip -n "$c-a" link set a0 down
refused links_down_tx "a0 is down: run 'ip link set a0 up'" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" -n 10
ip -n "$c-b" link set b0 down
refused links_down_rx "b0 is down: run 'ip link set b0 up'" "$c-b" b0 \
	"$RS" gen rx -i b0 --netns "$c-b" -d 1
ip -n "$c-a" link set a0 up
refused links_no_carrier_tx "a0 has no carrier \(operstate [A-Z]+;.*bring up the other end" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" -n 10
pair_down "$c"

# --- lo in a namespace without a default route: accepted; with one: refused --
c=rst-lo-$$
ip netns add "$c-a" && on_exit "ip netns delete $c-a"
ip -n "$c-a" link set lo up
rs_fg lo 30 gen rx -i lo --netns "$c-a" -d 0.3 --json
expect links_lo_no_default_route_exit0 "$(rc_of lo)" 0 "$(tr '\n' ' ' <"$tmp/lo.err")"
check links_lo_no_error "$(grep error: "$tmp/lo.err")" eval "! grep -q error: '$tmp/lo.err'"
expect_final links_lo_final lo packets_rx=0
expect_nothing_left links_lo "$c-a" lo "$(rs_pid lo)" ""
ip netns delete "$c-a"
c=rst-defrt-$$
veth_pair "$c"
ip -n "$c-a" addr add 192.0.2.1/24 dev a0 && ip -n "$c-a" route add default via 192.0.2.2 dev a0
refused links_default_route_refused "a0 carries the default route.*--force" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" -n 10
pair_down "$c"

# --- the link goes down, or away, during the run: stop, say so, exit non-zero -
# Before, gen tx kicked a down link ~650k times a second to the end of -d and
# exited 0; a gen rx whose device was deleted waited until signalled.
c=rst-gone-$$
veth_pair "$c"
(sleep 1.5; ip -n "$c-a" link set a0 down) &
downer=$!
rs_fg down 30 gen tx -i a0 --netns "$c-a" -r 20000 -d 6 --json
wait "$downer"
check link_down_midrun_exit "rc $(rc_of down)" [ "$(rc_of down)" != 0 ]
check link_down_midrun_says_so "$(grep error: "$tmp/down.err")" grep -q "error: a0 went down during the run" "$tmp/down.err"
w=$(final_of down | jq .tx_wakeups)
check link_down_midrun_no_busy_loop "tx_wakeups $w" eval '[ -n "$w" ] && [ "$w" -lt 100000 ]'
ip -n "$c-a" link set a0 up
(sleep 1.5; ip -n "$c-b" link del b0) &
deleter=$!
rs_fg gone 30 gen rx -i b0 --netns "$c-b" --json
wait "$deleter"
check link_gone_midrun_exit "rc $(rc_of gone)" eval '[ "$(rc_of gone)" != 0 ] && [ "$(rc_of gone)" != 124 ]'
check link_gone_midrun_says_so "$(grep error: "$tmp/gone.err")" grep -q "error: b0 went away during the run" "$tmp/gone.err"
pair_down "$c"

# --- -n over 4 queues: the session stops on 4 x 1000 distinct packets --------
c=rst-4q-$$
ip netns add "$c-a" && ip netns add "$c-b" && on_exit "ip netns delete $c-a; ip netns delete $c-b"
ip link add a0 netns "$c-a" numrxqueues 4 numtxqueues 4 type veth peer name b0 netns "$c-b" numrxqueues 4 numtxqueues 4
ip -n "$c-a" link set a0 up && ip -n "$c-b" link set b0 up
wrap=$RT rs_bg rx 60 gen rx -i b0 --netns "$c-b" -q 0-3 -n 1000 -d 30 -I 0.2 --json
if rs_ready rx 'rx on b0 queues 0-3'; then
	rs_fg tx 60 gen tx -i a0 --netns "$c-a" -q 0-3 -n 1000 -r 20000 -I 0.2 --json
	rs_wait rx
	expect queues4_rx_exit0 "$(rc_of rx)" 0 "$(tail -2 "$tmp/rx.err")"
	expect_final queues4_received_4000 rx packets_rx=4000 lost=0 duplicates=0 corrupt=0
	expect_final queues4_sent_4000 tx packets_tx=4000 tx_submitted=4000
	# It stopped on the count, long before its 30 s.
	check queues4_stopped_on_count "$(final_of rx | jq -c '{t_s}')" \
		eval "[ \"\$(final_of rx | jq '.t_s < 25')\" = true ]"
	intervals_add_up intervals_gen_tx "$tmp/tx.out" "${TX_KEYS[@]}"
	intervals_add_up intervals_gen_rx "$tmp/rx.out" "${RX_KEYS[@]}"
else
	fail queues4_ready "no 'rx on' notice: $(tail -2 "$tmp/rx.err")"
fi
# The closed loop over the same 4 queues: gen tx --rx -n against gen fwd. The
# packets come back on any RX queue; no worker may stop reading before the
# session has them all (each stopping on its own count reported ~2 % lost).
wrap=$RT rs_bg fwd 60 gen fwd -i b0 --netns "$c-b" -q 0-3 --json
if rs_ready fwd 'fwd on b0 queues 0-3'; then
	for i in 1 2; do
		rs_fg txrx$i 60 gen tx --rx -i a0 --netns "$c-a" -q 0-3 -n 2000 -r 5000 --json
		expect "queues4_txrx${i}_exit0" "$(rc_of txrx$i)" 0 "$(tail -2 "$tmp/txrx$i.err")"
		expect_final "queues4_txrx${i}_all_back" txrx$i packets_tx=8000 packets_rx=8000 lost=0 duplicates=0
	done
	kill -INT "$(rs_pid fwd)" 2>/dev/null
	rs_wait fwd
else
	fail queues4_fwd_ready "no 'fwd on' notice: $(tail -2 "$tmp/fwd.err")"
fi
pair_down "$c"

# --- forced loss: a stalled receiver with a 64-entry fill ring ----------------
# 20000 packets over 1 s; the receiver is stopped (SIGSTOP) for 0.4 s in the
# middle, its 64 fill-ring frames run out and the kernel drops the rest. The
# socket counts every packet it drops, ours or not: IPv6 is off in both
# namespaces so that no router solicitation or MLD report is among them.
c=rst-loss-$$
ip netns add "$c-a" && ip netns add "$c-b" && on_exit "ip netns delete $c-a; ip netns delete $c-b"
for ns in "$c-a" "$c-b"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add a0 netns "$c-a" type veth peer name b0 netns "$c-b"
ip -n "$c-a" link set a0 up && ip -n "$c-b" link set b0 up
rs_bg rx 60 gen rx -i b0 --netns "$c-b" --ring-size 64 --frames 128 -n 20000 -d 8 --json
if rs_ready rx 'rx on '; then
	rs_bg tx 60 gen tx -i a0 --netns "$c-a" -n 20000 -r 20000 --json
	rs_ready tx 'tx on '
	sleep 0.3
	kill -STOP "$(rs_pid rx)"
	sleep 0.4
	kill -CONT "$(rs_pid rx)"
	rs_wait tx
	rs_wait rx
	f=$(final_of rx)
	lost=$(jq -r '.lost' <<<"$f")
	causes=$(jq -r '.rx_dropped + .rx_ring_full + .xdp_not_redirected + .link_rx_dropped + .link_tx_dropped + .link_rx_missed' <<<"$f")
	check loss_forced "lost $lost" [ "${lost:-0}" -gt 1000 ]
	expect loss_equals_causes "$lost" "$causes" "$(jq -c '{lost,packets_rx,foreign,rx_dropped,rx_ring_full,rx_fill_ring_empty,xdp_not_redirected,link_rx_dropped}' <<<"$f")"
	expect_final loss_received_plus_lost rx packets_rx=$((20000 - ${lost:-0})) foreign=0 seq_implausible=0
	intervals_add_up intervals_gen_rx_with_loss "$tmp/rx.out" "${RX_KEYS[@]}"
else
	fail loss_ready "no 'rx on' notice: $(tail -2 "$tmp/rx.err")"
fi
pair_down "$c"

# --- intervals add up to the final for run and demo ----------------------------
c=rst-run-$$
one_ns_pair "$c"
ip netns exec "$c-a" timeout 60 "$RS" run -i a0 --peer b0 --no-trace --no-pin -d 1.5 -r 50000 -I 0.4 --json \
	>"$tmp/run.out" 2>"$tmp/run.err"
expect run_exit0 $? 0 "$(tail -2 "$tmp/run.err")"
intervals_add_up intervals_run "$tmp/run.out" "${TX_KEYS[@]}" "${RX_KEYS[@]}"
# A --peer that cannot receive what -i sends (not the veth's other end) is
# refused: every packet would have counted as lost with no cause.
ip -n "$c-a" link add y0 type veth peer name y1 && ip -n "$c-a" link set y0 up && ip -n "$c-a" link set y1 up
ip netns exec "$c-a" timeout 30 "$RS" run -i a0 --peer y1 --no-trace --no-pin -n 100 >"$tmp/wrongpeer.out" 2>"$tmp/wrongpeer.err"
rc=$?
check run_wrong_peer_refused "rc $rc: $(cat "$tmp/wrongpeer.err")" \
	eval '[ $rc != 0 ] && [ "$(wc -l <"$tmp/wrongpeer.err")" = 1 ] && grep -q "error: --peer y1: a0 is a veth whose other end is b0" "$tmp/wrongpeer.err"'
check run_wrong_peer_nothing_attached "$(ip -n "$c-a" link show a0 | grep xdp)" eval '! ip -n "$c-a" link show y1 | grep -q xdp && ! ip -n "$c-a" link show a0 | grep -q xdp'
# The measured interval is the 1.5 s of sending, not the drain after it.
check run_rate_over_measured "$(final_of run | jq -c '{duration_s,t_s}')" \
	eval "[ \"\$(final_of run | jq '.duration_s >= 1.5 and .duration_s < 1.7')\" = true ]"
# ... and it starts at the first send, not before the UMEM frames are built
# (~27 us each): one packet from 65536 frames took a 2.3 s "duration" when the
# window started at the session's start. Same run, so no clock is compared
# across runs: sending one packet is under a tenth of the building.
ip netns exec "$c-a" timeout 60 "$RS" gen tx -i a0 -n 1 --frames 65536 --no-pin --json >"$tmp/setup.out" 2>"$tmp/setup.err"
check gen_rate_window_excludes_setup "$(final_of setup | jq -c '{duration_s,t_s,packets_tx}')" \
	eval "[ \"\$(final_of setup | jq '.packets_tx == 1 and .duration_s * 10 < .t_s')\" = true ]"
ip netns delete "$c-a"
timeout 90 "$RS" demo --no-trace --no-pin -d 1.5 -I 0.4 --json >"$tmp/demo.out" 2>"$tmp/demo.err"
expect demo_exit0 $? 0 "$(tail -2 "$tmp/demo.err")"
intervals_add_up intervals_demo "$tmp/demo.out" "${TX_KEYS[@]}" "${RX_KEYS[@]}"

# The trace view of run: per function and per kmalloc call site, the interval
# counts add up to the final (the final is the last interval's snapshot; the
# first interval counts from the attach).
rs_fg runtrace 60 run -r 50000 -d 2 -I 0.5 --json -t kfree,kmalloc --kmalloc --top 10000 --no-pin
bad=$(grep '^{"type":"\(interval\|final\)"' "$tmp/runtrace.out" | jq -s -r '
	def sums(f; key; val): map(select(.type == "interval") | f // [] | map({key: key, value: val}) | from_entries)
		| reduce .[] as $x ({}; reduce ($x | keys[]) as $k (.; .[$k] += $x[$k]));
	def fin(f; key; val): map(select(.type == "final")) | last | f // [] | map({key: key, value: val}) | from_entries;
	[ (sums(.functions; .name; .calls) as $s | fin(.functions; .name; .calls) as $f
	   | ($f | keys[]) as $k | select(($s[$k] // 0) != $f[$k]) | "\($k) calls \($s[$k]) vs \($f[$k])"),
	  (sums(.kmalloc_sites; .site + "/" + .kind; .allocs) as $s | fin(.kmalloc_sites; .site + "/" + .kind; .allocs) as $f
	   | ($f | keys[]) as $k | select(($s[$k] // 0) != $f[$k]) | "\($k) allocs \($s[$k]) vs \($f[$k])"),
	  (sums(.kmalloc_sites; .site + "/" + .kind; .frees) as $s | fin(.kmalloc_sites; .site + "/" + .kind; .frees) as $f
	   | ($f | keys[]) as $k | select(($s[$k] // 0) != $f[$k]) | "\($k) frees \($s[$k]) vs \($f[$k])")
	] | .[0:5] | join("; ")')
n=$(tail -1 "$tmp/runtrace.out" | jq '[.functions[]?.calls] | add // 0')
check intervals_run_trace "rc $(rc_of runtrace), functions' calls $n: ${bad:-}" eval '[ "$(rc_of runtrace)" = 0 ] && [ "${n:-0}" -gt 0 ] && [ -z "$bad" ]'


finish
