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
# Slowdown = 1 - median(pps) / median(base pps). Each tracer's own cost per
# event comes from kernel.bpf_stats_enabled: run_time_ns / run_cnt of the
# programs it holds; on a noisy host that ratio is steadier than the pps one.
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

workload() {	# prints tx pps
	"$RS" gen tx -i a0 --netns "$ns-a" -d "$RUN_S" --no-pin --json 2>/dev/null | tail -1 | jq -r .tx_pps
}

prog_stats() {	# prog_stats PID: "name run_time_ns run_cnt" of each BPF program PID holds
	# (by the prog ids in its fdinfo: other users of a shared host may run
	# programs of the same names, and bpftool shows no pids on this kernel)
	local ids
	ids=$(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -un | paste -sd,)
	bpftool prog show --json | jq -r --argjson ids "[$ids]" '.[] | select(.id as $i | any($ids[]; . == $i)) |
		"\(.name) \(.run_time_ns // 0) \(.run_cnt // 0)"'
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
	esac
	sleep 0.5
	if [ "$name" = ringscope ] || [ "$name" = bpftrace ]; then
		sysctl -qw kernel.bpf_stats_enabled=1
		workload
		prog_stats "$pid" >"$tmp/stats.$name.$round"
		sysctl -qw kernel.bpf_stats_enabled=0
	else
		workload
	fi
	[ -z "$pid" ] || stop "$pid"
}

stop() {	# stop PID: SIGINT every 2 s until it exits (a loaded host once kept bpftrace
	# waiting forever after one), SIGKILL after 20 s
	local i
	for ((i = 0; i < 200; i++)); do
		((i % 20)) || kill -INT "$1" 2>/dev/null || break
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null || true
}

conds=(base ringscope rs-life bpftrace)
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
per_event() {	# per_event NAME: ns per event over all rounds, and the min-max of the rounds
	cat "$tmp"/stats."$1".* | awk '{ns += $2; cnt += $3} END {if (cnt) printf "%.1f", ns / cnt; else printf "0"}'
	for f in "$tmp"/stats."$1".*; do awk '{ns += $2; cnt += $3} END {if (cnt) print ns / cnt}' "$f"; done |
		sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf " %.1f %.1f", lo, hi}'
}
read -r rs_ns rs_lo rs_hi <<<"$(per_event ringscope)"
read -r bt_ns bt_lo bt_hi <<<"$(per_event bpftrace)"
echo
echo "cost per event (kernel.bpf_stats_enabled: run_time_ns / run_cnt of the programs each tracer holds, all rounds; per-round range):"
echo "  ringscope $rs_ns ns ($rs_lo-$rs_hi)   bpftrace $bt_ns ns ($bt_lo-$bt_hi)   ringscope/bpftrace $(awk -v a="$rs_ns" -v b="$bt_ns" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
rs_slow=$(echo "1 - $med_ringscope / $base" | bc -l)
bt_slow=$(echo "1 - $med_bpftrace / $base" | bc -l)
echo "ringscope slowdown / bpftrace slowdown = $(echo "if ($bt_slow > 0) $rs_slow / $bt_slow else 0" | bc -l | cut -c1-5) (target <= 0.8)"
