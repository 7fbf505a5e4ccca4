#!/usr/bin/env bash
# Hostile and odd frames against `gen rx` (issue 10): a table of malformed
# frames (tests/lib/frames.c) and hand-made sequences sent with a raw
# AF_PACKET socket (build/frame_send) from the test's own namespace into a
# receiver on a private veth pair. The receiver survives and every counter of
# its final JSON equals its exact value. Then real senders: a restarted
# sender against a long-running receiver, and a receiver that got nothing.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/gen.sh"
[[ $EUID -eq 0 ]] || { echo "FAIL: test_frames: must run as root"; exit 1; }
ensure_fs
FS=${FRAME_SEND:-$(cd "$(dirname "$0")/../.." && pwd)/build/frame_send}
[[ -x $FS ]] || { echo "FAIL: frame_send: $FS missing: run 'make unit'"; exit 1; }

# No IPv6 on the sending side: its neighbour discovery and MLD frames would be
# counted as foreign and make the counts inexact.
quiet_pair() {
	veth_pair "$1" || return 1
	ip netns exec "$1-a" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.a0.disable_ipv6=1
}
send() { ip netns exec "$c-a" "$FS" a0 "$@" >>"$tmp/send.log" 2>&1; }
stop() {	# stop NAME: SIGINT, wait, exit status checked by the caller (0: the
		# receivers run unbounded, so a signal is their normal end)
	kill -INT "$(rs_pid "$1")" 2>/dev/null
	rs_wait "$1"
}

# --- the table and the sequences into one receiver ---------------------------
c=rst-frames-$$
quiet_pair "$c"
wrap=$RT rs_bg rx 60 gen rx -i b0 --netns "$c-b" --json
if rs_ready rx 'rx on '; then
	# Every case of tests/lib/frames.c once (stream 0, epoch 0x0101; "ok" and
	# "padded" are valid and take sequence numbers 0 and 1).
	send ok padded ip_total_len_20 ip_total_len_27 ip_total_len_49 ip_total_len_0 ip_total_len_1000 \
		ip_total_len_65535 cut_payload cut_magic cut_ip cut_eth empty udp_len_8 udp_len_1000 ihl_6 \
		ihl_15 ip_options ihl_4 vlan vlan_double vlan_cut ipv6 arp ip_version_6 tcp fragment_mf \
		fragment_offset bad_magic stream_64 stream_65535 bad_checksum bad_fill ip_checksum epoch_flip
	# Stream 1: 2^64-1 after 0..9, then 10..14: one jump, nothing lost.
	send -e 0x1111 -s 1 0..9 18446744073709551615 10..14
	# Stream 2: a wrap 2^64-2, 2^64-1, 0, 1 after 0..4: two jumps, two duplicates.
	send -e 0x2222 -s 2 0..4 18446744073709551614 18446744073709551615 0 1
	# Stream 3: two senders interleaved, A0 B0 A1 B1 ... A4 B4: one restart,
	# A1..A4 from a replaced sender (4).
	send -s 3 -e 0x3331 0 -e 0x3332 0 -e 0x3331 1 -e 0x3332 1 -e 0x3331 2 -e 0x3332 2 \
		-e 0x3331 3 -e 0x3332 3 -e 0x3331 4 -e 0x3332 4
	# Stream 4: a sender loses 3 and 7 of 0..19, restarts and loses 5 of 0..9:
	# lost 3, one restart.
	send -s 4 -e 0x4441 0..2 4..6 8..19 -e 0x4442 0..4 6..9
	# Stream 7: the tester's forged frame: 0..99, ONE frame 3e9 ahead (below
	# 2^32, 20 us after 99: the sender cannot have sent that many), then the
	# genuine 100..199: seq_implausible 1, nothing lost, nothing too late.
	# Stream 8: a receiver that joins a long-running sender at 5e9 (over
	# 2^32): the first frame sets the base, nothing lost, no jump.
	send -s 7 -e 0x7771 0..99 3000000000 100..199 -s 8 -e 0x8881 5000000000..5000000019
	expect frames_sent "$(grep -c 'frame_send: ' "$tmp/send.log")" 6 "$(cat "$tmp/send.log")"
	# 35 + 16 + 9 + 10 + 27 + 221 frames; wait until the receiver has seen them all.
	wait_until 20 bash -c "grep '\"type\":\"interval\"' '$tmp/rx.out' | jq -s -e 'map(.packets_rx + .foreign) | add == 318' >/dev/null"
	stop rx
	expect frames_rx_exit0 "$(rc_of rx)" 0 "$(tail -2 "$tmp/rx.err")"
	expect_final frames_totals rx packets_rx=298 foreign=20 corrupt=13 lost=3 duplicates=2 reordered=0 \
		sender_restarts=2 stale_sender=4 seq_jumps=3 seq_implausible=1
	expect_final frames_foreign_reasons rx foreign_reasons.truncated=4 foreign_reasons.vlan=3 \
		foreign_reasons.not_ipv4=3 foreign_reasons.ip_header=1 foreign_reasons.ip_options=3 \
		foreign_reasons.ip_fragment=2 foreign_reasons.not_udp=1 foreign_reasons.bad_magic=1 \
		foreign_reasons.stream_out_of_range=2
	expect_final frames_corrupt_reasons rx corrupt_reasons.ip_total_len=4 corrupt_reasons.truncated=3 \
		corrupt_reasons.udp_len=2 corrupt_reasons.ip_checksum=2 corrupt_reasons.bad_checksum=2
	# One latency sample per packet's first arrival: duplicates, refused and
	# stale frames add none (before, the two duplicates were samples).
	expect_final frames_rx_lat_first_arrivals_only rx \
		'rx_lat_ns_samples + .clock_errors - .packets_rx + .corrupt + .duplicates + .stale_sender + .seq_jumps + .seq_implausible=0'
	expect_final frames_no_drops rx rx_dropped=0 rx_ring_full=0 rx_fill_ring_empty=0 xdp_not_redirected=0
else
	fail frames_rx_ready "no 'rx on' notice: $(tail -2 "$tmp/rx.err")"
fi
pair_down "$c"

# --- the crash frame of issue 10 into fwd and into a text-mode receiver ------
c=rst-framefwd-$$
quiet_pair "$c"
rs_bg fwd 60 gen fwd -i b0 --netns "$c-b" --json
if rs_ready fwd 'fwd on '; then
	# ... and a frame stamped 10 s in the future: a clock error, not a 0 ns sample.
	send ip_total_len_20 ok ip_total_len_27 -s 6 -t 10000000000 0
	wait_until 10 bash -c "grep '\"type\":\"interval\"' '$tmp/fwd.out' | jq -s -e 'map(.packets_rx) | add == 4' >/dev/null"
	stop fwd
	expect frames_fwd_exit0 "$(rc_of fwd)" 0 "$(tail -2 "$tmp/fwd.err")"
	expect_final frames_fwd_counts fwd packets_rx=4 corrupt=2 corrupt_reasons.ip_total_len=2 lost=0 \
		clock_errors=1 rx_lat_ns_samples=1 'rx_lat_ns_buckets[0][0] > 0=true'
else
	fail frames_fwd_ready "no 'fwd on' notice: $(tail -2 "$tmp/fwd.err")"
fi

# --- a closed loop knows its sender: another epoch is foreign, not a restart --
# gen tx --rx against gen fwd; 4 valid frames of another sender epoch (0x7777)
# arrive from the fwd side meanwhile. Before, one such frame restarted the
# sequence space and every later packet of the real sender counted as lost.
rs_bg fwd2 60 gen fwd -i b0 --netns "$c-b" --json
if rs_ready fwd2 'fwd on '; then
	(sleep 1; ip netns exec "$c-b" "$FS" b0 -e 0x7777 0 5 6 7 >>"$tmp/send.log" 2>&1) &
	spoof=$!
	rs_fg loop 60 gen tx --rx -i a0 --netns "$c-a" -r 10000 -d 3 --json
	wait "$spoof"
	stop fwd2
	expect frames_loop_exit0 "$(rc_of loop)" 0 "$(tail -2 "$tmp/loop.err")"
	expect_final frames_loop_other_sender loop foreign_reasons.other_sender=4 lost=0 sender_restarts=0 \
		stale_sender=0 duplicates=0
	tx=$(final_of loop | jq .packets_tx) rx=$(final_of loop | jq .packets_rx)
	check frames_loop_all_back "packets_tx $tx packets_rx $rx" eval '[ "${tx:-0}" -gt 0 ] && [ "$tx" = "$rx" ]'
else
	fail frames_loop_fwd_ready "no 'fwd on' notice: $(tail -2 "$tmp/fwd2.err")"
fi
rs_bg txt 60 gen rx -i b0 --netns "$c-b"
if rs_ready txt 'rx on '; then
	send ip_total_len_20 vlan -e 0x77 -s 5 0..3 18446744073709551615 3000000000 4
	sleep 1
	stop txt
	expect frames_text_exit0 "$(rc_of txt)" 0 "$(tail -2 "$tmp/txt.err")"
	for line in 'rx: 8 packets, .*lost 0, corrupt 1, reordered 0, duplicates 0, foreign 1' \
		'rx foreign: vlan 1' 'rx corrupt: ip_total_len 1' \
		'rx senders: restarts 0, packets of a replaced sender 0, sequence jumps 1, implausible jumps 1, clock errors 0'; do
		grep -q "^$line" "$tmp/txt.out" && pass "frames_text: $line" || fail "frames_text" "no '$line': $(grep '^rx' "$tmp/txt.out")"
	done
else
	fail frames_text_ready "no 'rx on' notice: $(tail -2 "$tmp/txt.err")"
fi
pair_down "$c"

# --- run knows its sender: a forged stream of its epoch is foreign -----------
# run --epoch fixes the sender's epoch; 100 frames of that epoch on stream 1
# (the sender sends only on stream 0) and 10 on stream 0 beyond any plausible
# seq go into the sender's veth. Before, the stream-1 frames counted as
# received packets (hiding loss, adding latency samples); the path called
# them not_ours. Now both agree: every count is the sender's 20000.
rs_bg fr 90 run --epoch 16962 --path veth-xsk -n 20000 -r 5000 --json
if rs_ready fr 'hop latency'; then
	pid=$(rs_pid fr)
	ip netns exec "rs-demo-$pid-tx" "$FS" "rsd${pid}t" -e 16962 -s 1 0..99 -s 0 400000000..400000009 >>"$tmp/send.log" 2>&1
	rs_wait fr
	expect frames_run_forged_exit0 "$(rc_of fr)" 0 "$(tail -2 "$tmp/fr.err")"
	expect_final frames_run_forged_stream_foreign fr packets_tx=20000 lost=0 rx_lat_ns_samples=20000 \
		foreign_reasons.other_sender=100 seq_implausible=10 path.not_ours=110
	# rx_mbps counts the bytes of the packets packets_rx counts (64 B each), not
	# the foreign frames' (before: 100 forged frames more, ~64.3 B a packet).
	check frames_run_rx_mbps_without_foreign "$(final_of fr | jq -c '{rx_mbps,duration_s,packets_rx}')" \
		eval "[ \"\$(final_of fr | jq '(.rx_mbps * .duration_s * 1e6 / 8 / .packets_rx - 64) | fabs < 0.01')\" = true ]"
else
	fail frames_run_forged_ready "no 'hop latency' notice: $(tail -2 "$tmp/fr.err")"
fi

# --- rx -n: a gap it saw is lost even when other packets filled the count ----
# 0..19 and 30..109 are 100 distinct packets of one sender, so N - distinct is
# 0, but 20..29 visibly never arrived.
c=rst-ngap-$$
quiet_pair "$c"
rs_bg ngap 60 gen rx -i b0 --netns "$c-b" -n 100 --json
if rs_ready ngap 'rx on '; then
	send 0..19 30..109
	rs_wait ngap
	expect frames_rx_n_exit0 "$(rc_of ngap)" 0 "$(tail -2 "$tmp/ngap.err")"
	expect_final frames_rx_n_gap_is_lost ngap packets_rx=100 lost=10
else
	fail frames_rx_n_ready "no 'rx on' notice: $(tail -2 "$tmp/ngap.err")"
fi
pair_down "$c"

# --- a real sender restarted against a long-running receiver -----------------
c=rst-restart-$$
quiet_pair "$c"
wrap=$RT rs_bg rx 90 gen rx -i b0 --netns "$c-b" --json
if rs_ready rx 'rx on '; then
	rs_fg tx1 60 gen tx -i a0 --netns "$c-a" -n 20000 -r 100000 --json
	rs_fg tx2 60 gen tx -i a0 --netns "$c-a" -n 30000 -r 100000 --json
	expect restart_tx_exit0 "$(rc_of tx1) $(rc_of tx2)" "0 0"
	wait_until 10 bash -c "grep '\"type\":\"interval\"' '$tmp/rx.out' | jq -s -e 'map(.packets_rx) | add >= 50000' >/dev/null"
	stop rx
	expect restart_rx_exit0 "$(rc_of rx)" 0 "$(tail -2 "$tmp/rx.err")"
	expect_final restart_exact rx packets_rx=50000 lost=0 duplicates=0 reordered=0 corrupt=0 \
		sender_restarts=1 stale_sender=0 seq_jumps=0 seq_implausible=0 clock_errors=0
else
	fail restart_rx_ready "no 'rx on' notice: $(tail -2 "$tmp/rx.err")"
fi
pair_down "$c"

# --- nothing received: the loss is unknown, not 0 ----------------------------
c=rst-nothing-$$
quiet_pair "$c"
rs_fg none 30 gen rx -i b0 --netns "$c-b" -d 1 --json
expect nothing_exit0 "$(rc_of none)" 0 "$(tail -2 "$tmp/none.err")"
expect_final nothing_lost_unknown none packets_rx=0 lost=null
rs_fg nonetxt 30 gen rx -i b0 --netns "$c-b" -d 1
grep -q '^rx: 0 packets, .*lost unknown,' "$tmp/nonetxt.out" && pass nothing_text_unknown ||
	fail nothing_text_unknown "$(grep '^rx:' "$tmp/nonetxt.out")"
pair_down "$c"

# --- the demo's one-way latency: no sample below 1 us, no clock error --------
# (fault 8: the receive time was read before the RX peek, ~170 samples at 0 ns).
rs_fg demo 90 demo -d 3 --json
pid=$(rs_pid demo)
on_exit "ip netns delete rs-demo-$pid-tx; ip netns delete rs-demo-$pid-rx"
expect demo_exit0 "$(rc_of demo)" 0 "$(tail -2 "$tmp/demo.err")"
f=$(final_of demo)
n=$(jq -r '.rx_lat_ns_samples' <<<"$f" 2>/dev/null)
check demo_has_samples "rx_lat_ns_samples $n" [ "${n:-0}" -gt 1000 ]
# Buckets are [lower, upper, count], edges inclusive: those ending below 1024 ns.
below=$(jq -r '[.rx_lat_ns_buckets[] | select(.[1] < 1024) | .[2]] | add // 0' <<<"$f" 2>/dev/null)
expect demo_no_one_way_sample_below_1us "$below" 0 "$(jq -c '.rx_lat_ns_buckets[0:4]' <<<"$f" 2>/dev/null)"
expect_final demo_no_clock_errors demo clock_errors=0 seq_jumps=0 seq_implausible=0 sender_restarts=0 stale_sender=0

finish
