#!/usr/bin/env bash
# --path in Debian's 6.12 and 6.1 guests (docs/hop-latency.md), one boot per
# kernel:
# - veth-xsk: the raw tracepoints and the CO-RE reads of skb and kmem_cache
#   fields hold on those kernels too: 2000 packets on a veth pair inside the
#   guest, every hop counts 2000, every seq 0..1999 once in the
#   --path-samples export with no missing stamp, no order error, no late stamp;
# - virtio-tx: 2000 packets eth0 -> eth1 through virtio-net (fentry tier; on
#   6.12 once more with --tier kprobe, the kprobe twins):
#   every packet hop counts 2000, every seq once with no missing stamp, every
#   packet's on-path stamps non-decreasing (submit ... detach, skb_free,
#   xsk_done, tx_reap), and the per-batch attribution adds up: packets given
#   a kick / an interrupt + packets given none == 2000, as many distinct kick
#   (irq) stamps in the samples as events given packets, every kick on eth0's
#   TX virtqueue given at least one packet (IPv6 off: nothing else is sent),
#   user space saw every event the kernel emitted, and the batch metrics
#   (--metrics-file) are the JSON's;
# - virtio-xsk: in Debian's 7.2 with BIND=zc (zero-copy TX, virtnet_xsk_xmit; one vCPU, as
#   test_vm_zc72.sh), `run --bind zc --path virtio-xsk`, fentry and --tier kprobe: the same checks
#   (every packet hop 2000, every seq once, stamps in causal order from submit to tx_reap, the
#   batch attribution adding up).
# Under 4 min for the two 6.x kernels under TCG on a busy host, 1-3 min more for 7.2. Needs `make
# static` (build/static/ringscope). KERNELS="7.2" runs one cell.
# timeout: 1500
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN=$REPO/build/static/ringscope
N=2000
fails=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
if [ ! -x "$BIN" ]; then
	fail vm_path "no $BIN: run make static"
	exit 1
fi
OUTD=$(mktemp -d /tmp/ringscope-vmpath.XXXXXX)
trap 'rm -rf "$OUTD"' EXIT
GUEST_CMD="sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 net.ipv6.conf.eth1.disable_ipv6=1; mount -t bpf bpf /sys/fs/bpf 2>/dev/null
echo '== veth-xsk'; /bin/ringscope run --path veth-xsk -n $N -r 2000 --no-pin --json --path-samples $N 2>/tmp/p.err; echo rc=\$?; cat /tmp/p.err
echo '== virtio-tx'; /bin/ringscope run -i eth0 --peer eth1 --path virtio-tx -n $N -r 1000 --no-pin --json --path-samples $N --metrics-file /tmp/m.prom 2>/tmp/v.err; echo rc=\$?; cat /tmp/v.err; grep '^ringscope_path_batch' /tmp/m.prom
case \$(uname -r) in 6.12*) echo '== virtio-tx kprobe'; /bin/ringscope run -i eth0 --peer eth1 --path virtio-tx --tier kprobe -n $N -r 1000 --no-pin --json --path-samples $N --metrics-file /tmp/k.prom 2>/tmp/k.err; echo rc=\$?; cat /tmp/k.err; grep '^ringscope_path_batch' /tmp/k.prom ;; esac"
# 7.2, zero-copy: virtio-xsk on both tiers (the traces attach before the traffic starts).
GUEST_CMD_ZC="sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 net.ipv6.conf.eth1.disable_ipv6=1; mount -t bpf bpf /sys/fs/bpf 2>/dev/null
for tier in fentry kprobe; do echo \"== virtio-xsk \$tier\"; /bin/ringscope run -i eth0 --peer eth1 --bind zc --path virtio-xsk --tier \$tier -n $N -r 1000 --no-pin --json --path-samples $N --metrics-file /tmp/m.prom 2>/tmp/v.err; echo rc=\$?; cat /tmp/v.err; grep '^ringscope_path_batch' /tmp/m.prom; done"

# check_common NAME FILE: the guest run's exit, every packet hop at N, every seq once with no missing stamp.
# The first kernel hop of each path (a packet without its kernel record misses it).
first_kernel_hop() { case $1 in virtio-xsk) echo get_dma ;; *) echo skb_alloc ;; esac; }
# The one shortfall allowed is the kernel's own, shown: a probe it did not hand to our programs
# (path.probe_missed: a kprobe hit while another ran on that CPU) loses that packet's record. Then
# SHORT packets miss every kernel stamp, SHORT <= probe_missed, and the batch checks allow for them.
# virtio-xsk's poll_tx (per batch) is checked on its own: with two vCPUs a NAPI poll may begin before
# a packet it takes was queued, and that stamp is dropped and counted (stale_alloc).
check_common() {
	local n=$1 f=$2 final bad got samples missed first stale
	SHORT=0
	grep -q '^rc=0' "$f" || { fail "$n" "guest run failed: $(grep -v '^{' "$f" | tail -n 3 | tr '\n' ' ')"; return 1; }
	final=$(grep '"type":"final"' "$f")
	SHORT=$(jq -r --argjson n "$N" '[.path.hops[] | select(.hop != "kick" and .hop != "irq" and .hop != "poll_tx") | $n - .count] | max' <<<"$final")
	missed=$(jq -r '.path.probe_missed' <<<"$final")
	if [ "$(jq -r .path.name <<<"$final")" = virtio-xsk ]; then
		read -r got stale <<<"$(jq -r '"\([.path.hops[] | select(.hop == "poll_tx") | .count][0]) \(.path.stale_alloc)"' <<<"$final")"
		[ $((got + stale)) = $((N - SHORT)) ] &&
			pass "$n: poll_tx counts $got, $stale polls that began before their packet's submit left out (stale_alloc)" ||
			fail "$n" "poll_tx $got + stale_alloc $stale != $((N - SHORT))"
	fi
	# user-space stamps (the reaps) are never lost: N; the kernel's hops N - SHORT
	bad=$(jq -r --argjson n "$N" --argjson s "$SHORT" '[.path.hops[] | select(.hop != "kick" and .hop != "irq" and .hop != "poll_tx") |
		select(if (.hop | endswith("_reap")) then .count != $n else .count != $n - $s end) |
		"\(.hop)=\(.count)"] | join(" ")' <<<"$final")
	if [ -z "$bad" ] && [ "$SHORT" = 0 ]; then
		pass "$n: every packet hop counts $N"
	elif [ -z "$bad" ] && [ "$SHORT" -le "$missed" ]; then
		pass "$n: every kernel hop counts $((N - SHORT)), the reaps $N: $SHORT records lost to $missed probe hits the kernel did not hand to BPF (probe_missed)"
	else
		fail "$n" "hops not at $N: $bad $(jq -c '.path.hops | map({(.hop): .count}) | add' <<<"$final") probe_missed=$missed"
	fi
	got=$(jq -r '"\(.path.packets) \(.path.done) \(.path.order_errors) \(.path.late) \(.path.not_ours) \(.lost)"' <<<"$final")
	[ "$got" = "$N $N 0 0 0 0" ] && pass "$n: packets/done $N, no order error, late stamp, foreign packet or loss" ||
		fail "$n" "packets done order_errors late not_ours lost: $got"
	samples=$(grep '"type":"path_sample"' "$f" | jq -s -r \
		'"\([.[].seq] | unique | length) \([.[] | to_entries[] | select((.key | endswith("_ns")) and
		 .key != "kick_ns" and .key != "irq_ns" and .key != "poll_tx_ns" and .value == null)] | length)"')
	if [ "$SHORT" = 0 ]; then
		[ "$samples" = "$N 0" ] && pass "$n: every seq once, no missing stamp" || fail "$n" "unique seqs, null stamps: $samples"
	else
		first=$(first_kernel_hop "$(jq -r .path.name <<<"$final")")
		got=$(grep '"type":"path_sample"' "$f" | jq -s -r --arg k "${first}_ns" '[.[] | select(.[$k] == null)] | length')
		[ "${samples% *}" = "$N" ] && [ "$got" = "$SHORT" ] &&
			pass "$n: every seq once; the $SHORT packets without a kernel record are the only ones missing stamps" ||
			fail "$n" "unique seqs, null stamps: $samples; packets without $first: $got (want $SHORT)"
	fi
}

# The virtio-tx specifics: causal order and the per-batch attribution.
check_virtio() {
	local n=$1 f=$2 final onpath bad b got path
	final=$(grep '"type":"final"' "$f")
	path=$(jq -r .path.name <<<"$final")
	onpath=$(jq -c '[.path.hops[] | select(.on_path) | .hop + "_ns"]' <<<"$final")
	bad=$(grep '"type":"path_sample"' "$f" | jq -s -r --argjson h "$onpath" '[.[] | . as $s |
		[$h[] as $k | $s[$k] | select(. != null)] as $t |
		select([range(1; $t | length) | select($t[.] < $t[. - 1])] | length > 0) | .seq] | length')
	[ "$bad" = 0 ] && pass "$n: every packet's stamps in causal order ($(jq -r 'join(" <= ")' <<<"$onpath" | sed 's/_ns//g'))" ||
		fail "$n" "$bad packets with an on-path stamp earlier than the one before it"
	for b in kick irq; do
		got=$(jq -r --arg b "$b" --argjson n "$N" '.path as $p | $p.batches[$b] as $x |
			[($x.packets == ([$p.hops[] | select(.hop == $b) | .count][0])),
			 ($x.packets + $x.packets_without + $x.packets_unknown == $n - '"$SHORT"'),
			 ($x.kernel_events == $x.events), ($x.events_used <= $x.events), ($x.events_used > 0)] |
			map(tostring) | join(" ")' <<<"$final")
		[ "$got" = "true true true true true" ] &&
			pass "$n: ${b}s given to packets add up ($(jq -r --arg b "$b" '.path.batches[$b] | "\(.events) events, \(.events_used) given to \(.packets) packets, \(.packets_without) packets without"' <<<"$final"))" ||
			fail "$n" "$b attribution (packets==hop count, +without==N, kernel==seen, used<=events, used>0): $got: $(jq -c --arg b "$b" '.path.batches[$b]' <<<"$final")"
		got=$(grep '"type":"path_sample"' "$f" | jq -s -r --arg k "${b}_ns" '"\([.[][$k] | select(. != null)] | unique | length) \([.[][$k] | select(. != null)] | length)"')
		want=$(jq -r --arg b "$b" '"\(.path.batches[$b].events_used) \(.path.batches[$b].packets)"' <<<"$final")
		[ "$got" = "$want" ] && pass "$n: the samples hold $b stamps of exactly the events given packets ($got)" ||
			fail "$n" "distinct $b stamps, packets with one: samples $got, summary $want"
	done
	for b in kick irq; do
		got=$(sed -n "s/^ringscope_path_batch_\(events\|packets\)_total{path=\"$path\",kind=\"$b\"} //p" "$f" | tr '\n' ' ')
		want=$(jq -r --arg b "$b" '"\(.path.batches[$b].events) \(.path.batches[$b].packets) "' <<<"$final")
		[ "$got" = "$want" ] && pass "$n: the $b metrics are the JSON's (events, packets: $got)" ||
			fail "$n" "$b metrics (events, packets) '$got', JSON '$want'"
	done
	got=$(jq -r '"\(.path.batches.kick.events_used) \(.path.batches.kick.events)"' <<<"$final")
	# a kick whose packets all lost their records (SHORT) has no packet to be given to
	[ $((${got#* } - ${got% *})) -le "$SHORT" ] && pass "$n: every kick on eth0's TX virtqueue was given a packet ($got, $SHORT records lost)" ||
		fail "$n" "kicks given a packet, kicks: $got"
}

for kver in ${KERNELS:-6.12 6.1 7.2}; do
	if [ "$kver" = 7.2 ]; then
		# zero-copy needs the modern device (bind-zc.sh); one vCPU: multi-threaded TCG with two
		# breaks text patching now and then (docs/vm-lab.md)
		# ZC_ENV: more vm-run.sh settings (tests/lab/test_vm_path_xsk72.sh: no indirect table, 2 vCPUs)
		env=(BIND=zc SMP=1 ${ZC_ENV:-} GUEST_CMD="$GUEST_CMD_ZC")
	else
		env=(GUEST_MODULES=veth GUEST_CMD="$GUEST_CMD")
	fi
	if ! env OUT=$OUTD/$kver KERNEL=$kver WORKLOAD=cmd "${env[@]}" \
		RINGSCOPE_BIN=$BIN TIMEOUT=${TIMEOUT:-600} "$HERE/vm-run.sh" >"$OUTD/$kver.log" 2>&1; then
		fail "vm_path[$kver]" "vm-run.sh failed: $(grep -m1 ERROR "$OUTD/$kver.log")"
		continue
	fi
	out=$(ls "$OUTD/$kver"/*-cmd.out | head -n 1)
	if [ "$kver" = 7.2 ]; then
		awk -v d="$OUTD/$kver" '/^== virtio-xsk / { f = d "/" $3 } f { print > f }' "$out"
		for tier in fentry kprobe; do
			n="vm_path_xsk_$tier[$kver${ZC_ENV:+ $ZC_ENV}]"
			probes=$(grep -s '"type":"final"' "$OUTD/$kver/$tier" | jq -r .path.probes)
			[ "$probes" = "$([ $tier = fentry ] && echo fentry/fexit || echo kprobes)" ] &&
				pass "$n: stamped by $probes" || fail "$n" "probes: '$probes'"
			check_common "$n" "$OUTD/$kver/$tier" && check_virtio "$n" "$OUTD/$kver/$tier"
		done
		continue
	fi
	awk -v d="$OUTD/$kver" '/^== veth-xsk$/ { f = d "/veth" } /^== virtio-tx$/ { f = d "/virtio" }
		/^== virtio-tx kprobe$/ { f = d "/kprobe" } f { print > f }' "$out"
	check_common "vm_path[$kver]" "$OUTD/$kver/veth"
	check_common "vm_path_virtio[$kver]" "$OUTD/$kver/virtio" && check_virtio "vm_path_virtio[$kver]" "$OUTD/$kver/virtio"
	[ "$kver" = 6.12 ] || continue
	# The kprobe twins (--tier kprobe): the same hops, the same counts.
	n="vm_path_virtio_kprobe[$kver]"
	probes=$(grep -s '"type":"final"' "$OUTD/$kver/kprobe" | jq -r .path.probes)
	[ "$probes" = "kprobes and raw tracepoints" ] && pass "$n: stamped by kprobes" || fail "$n" "probes: '$probes'"
	check_common "$n" "$OUTD/$kver/kprobe" && check_virtio "$n" "$OUTD/$kver/kprobe"
done
exit $((fails > 0))
