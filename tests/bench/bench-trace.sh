#!/usr/bin/env bash
# make bench-trace: what counting kmalloc/kfree per call site costs the
# workload, ringscope vs bpftrace, on the same tracepoints and workload.
#
# Workload: 64 B AF_XDP copy-mode TX on a private veth pair, unlimited rate,
# RUN_S seconds. Conditions, interleaved ROUNDS times so machine noise hits
# all of them alike:
#   base       no tracer
#   ringscope  ringscope trace --kmalloc --no-lifetime   (count + bytes per site)
#   rs-life    ringscope trace --kmalloc                 (+ alloc->free lifetimes)
#   bpftrace   bpftrace tracing/kmalloc_sites.bt         (count + bytes per site)
#   path       ringscope trace --path veth-xsk           (per-packet hop stamps, docs/hop-latency.md)
# Slowdown = 1 - median(pps) / median(base pps). ringscope's own cost per event
# comes from kernel.bpf_stats_enabled: run_time_ns / run_cnt of its programs;
# the path tracer's per packet: run_time_ns of all its programs / packets sent.
set -euo pipefail
cd "$(dirname "$0")/../.."
RS=./ringscope
ROUNDS=${ROUNDS:-5}
RUN_S=${RUN_S:-4}
. tests/lib/common.sh
ensure_fs
ns=rst-btrace-$$
veth_pair "$ns"
tmp=$(mktemp -d); on_exit "rm -rf $tmp"
on_exit "sysctl -qw kernel.bpf_stats_enabled=0"

workload() {	# prints tx pps; the packets sent go to $tmp/packets
	"$RS" gen tx -i a0 --netns "$ns-a" -d "$RUN_S" --no-pin --json 2>/dev/null | tail -1 >"$tmp/final"
	jq -r .packets_tx "$tmp/final" >"$tmp/packets"
	jq -r .tx_pps "$tmp/final"
}

run_with() {	# run_with NAME: start the tracer, run the workload, stop the tracer
	local name=$1 pid=
	case $name in
	base) ;;
	ringscope | rs-life)
		local extra=; [ "$name" = ringscope ] && extra=--no-lifetime
		"$RS" trace --kmalloc $extra --no-pin -I 3600 --json >"$tmp/tr.json" 2>"$tmp/tr.err" &
		pid=$!
		wait_for "$tmp/tr.err" tier 20 ;;
	bpftrace)
		bpftrace tracing/kmalloc_sites.bt >"$tmp/bt.txt" 2>&1 &
		pid=$!
		wait_for "$tmp/bt.txt" Attaching 30 ;;
	path)
		bpftool prog show --json | jq '[.[].id]' >"$tmp/ids.before"
		"$RS" trace --path veth-xsk --json >"$tmp/tr.json" 2>"$tmp/tr.err" &
		pid=$!
		wait_for "$tmp/tr.err" 'hop latency' 20 ;;
	esac
	sleep 0.5
	if [ "$name" = ringscope ]; then
		sysctl -qw kernel.bpf_stats_enabled=1
		workload
		bpftool prog show --json | jq -r '.[] | select(.name == "kmalloc" or .name == "kfree") | "\(.name) \(.run_time_ns // 0) \(.run_cnt // 0)"' >"$tmp/stats.$round"
		sysctl -qw kernel.bpf_stats_enabled=0
	elif [ "$name" = path ]; then
		sysctl -qw kernel.bpf_stats_enabled=1
		workload
		# The hop tracer's programs (loaded since it started: bpftool
		# cannot name a program's process here), per packet sent.
		bpftool prog show --json | jq -r --slurpfile old "$tmp/ids.before" \
			'[.[] | select((.id as $i | $old[0] | index($i) | not) and
				(.name | test("^(netif_rx_entry|netif_receive_s|consume_skb|kfree_skb|xdp_redirect)")))
			 | .run_time_ns // 0] | add // 0' >"$tmp/pathns.$round"
		sysctl -qw kernel.bpf_stats_enabled=0
		cat "$tmp/packets" >"$tmp/pathpk.$round"
	else
		workload
	fi
	if [ -n "$pid" ]; then kill -INT "$pid"; wait "$pid" 2>/dev/null || true; fi
}

conds=(base ringscope rs-life bpftrace path)
for ((round = 1; round <= ROUNDS; round++)); do
	for c in "${conds[@]}"; do
		pps=$(run_with "$c")
		echo "$c $pps" >>"$tmp/results"
		printf 'round %d %-10s %12.0f pps\n' "$round" "$c" "$pps"
	done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
base=$(awk '$1=="base"{print $2}' "$tmp/results" | median)
echo
printf '%-10s %12s %12s %12s %10s\n' condition median_pps min_pps max_pps slowdown
for c in "${conds[@]}"; do
	vals=$(awk -v c="$c" '$1==c{print $2}' "$tmp/results")
	med=$(echo "$vals" | median)
	printf '%-10s %12.0f %12.0f %12.0f %9.1f%%\n' "$c" "$med" "$(echo "$vals" | sort -n | head -1)" \
		"$(echo "$vals" | sort -n | tail -1)" "$(echo "(1 - $med / $base) * 100" | bc -l)"
	eval "med_${c//-/_}=$med"
done
cat "$tmp"/stats.* | awk '{ns+=$2; cnt+=$3} END {if (cnt) printf "\nringscope cost per event (bpf_stats, kmalloc+kfree programs): %.1f ns over %d events\n", ns/cnt, cnt}'
paste <(cat "$tmp"/pathns.*) <(cat "$tmp"/pathpk.*) | awk '{ns+=$1; pk+=$2} END {if (pk) printf "path tracer cost per packet (bpf_stats, all its programs): %.1f ns over %d packets\n", ns/pk, pk}'
rs_slow=$(echo "1 - $med_ringscope / $base" | bc -l)
bt_slow=$(echo "1 - $med_bpftrace / $base" | bc -l)
echo "ringscope slowdown / bpftrace slowdown = $(echo "if ($bt_slow > 0) $rs_slow / $bt_slow else 0" | bc -l | cut -c1-5) (target <= 0.8)"
