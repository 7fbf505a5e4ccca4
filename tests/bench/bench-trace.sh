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
#   before     BEFORE=path/to/ringscope: an older build, trace --kmalloc --no-lifetime
#   before-life                        the same build, trace --kmalloc
# Slowdown = 1 - median(pps) / median(base pps). ringscope's own cost per event
# comes from kernel.bpf_stats_enabled: run_time_ns / run_cnt of the programs
# the tracer process holds (its fdinfo), per condition and round, bpftrace's
# too; on a noisy host that ratio is steadier than the pps one. The last rows:
# the kernel memory trace --kmalloc locks (its map_bytes) on this machine and
# computed for 256 CPUs. The path tracer's cost per packet: run_time_ns of
# all its programs / packets sent.
set -euo pipefail
cd "$(dirname "$0")/../.."
RS=./ringscope
ROUNDS=${ROUNDS:-5}
RUN_S=${RUN_S:-4}
BEFORE=${BEFORE:-}
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] || { echo "bench-trace: BEFORE=$BEFORE is not an executable ringscope: build the older tree and give its binary" >&2; exit 1; }
. tests/lib/common.sh
ensure_fs
ns=rst-btrace-$$
veth_pair "$ns"
tmp=$(mktemp -d); on_exit "rm -rf $tmp"
# Put bpf_stats_enabled back as it was: writing 0 when another tool enabled it
# (the sysctl, or a BPF_ENABLE_STATS fd, which shows here as 1) would turn
# its run_time_ns off host-wide. Writing the value it already has is a no-op.
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
on_exit "sysctl -qw kernel.bpf_stats_enabled=$stats_was"

workload() {	# prints tx pps; the packets sent go to $tmp/packets
	"$RS" gen tx -i a0 --netns "$ns-a" -d "$RUN_S" --no-pin --json 2>/dev/null | tail -1 >"$tmp/final"
	jq -r .packets_tx "$tmp/final" >"$tmp/packets"
	jq -r .tx_pps "$tmp/final"
}

run_with() {	# run_with NAME: start the tracer, run the workload, stop the tracer
	local name=$1 pid=
	case $name in
	base) ;;
	ringscope | rs-life | before | before-life)
		local extra= bin=$RS
		case $name in ringscope | before) extra=--no-lifetime ;; esac
		case $name in before*) bin=$BEFORE ;; esac
		"$bin" trace --kmalloc $extra --no-pin -I 3600 --json >"$tmp/tr.json" 2>"$tmp/tr.err" &
		pid=$!
		wait_for "$tmp/tr.err" tier 20 ;;
	bpftrace)
		bpftrace tracing/kmalloc_sites.bt >"$tmp/bt.txt" 2>&1 &
		pid=$!
		wait_for "$tmp/bt.txt" Attaching 30 ;;
	path)
		"$RS" trace --path veth-xsk -I 3600 --json >"$tmp/tr.json" 2>"$tmp/tr.err" &
		pid=$!
		wait_for "$tmp/tr.err" 'hop latency' 20 ;;
	esac
	sleep 0.5
	if [ "$name" != base ]; then
		sysctl -qw kernel.bpf_stats_enabled=1
		workload
		# The tracer's own programs, from its fdinfo: other tracers on the
		# machine load programs of the same names.
		awk '/^run_time_ns:/ { t += $2 } /^run_cnt:/ { c += $2 } END { print "kmem", t + 0, c + 0 }' \
			/proc/"$pid"/fdinfo/* 2>/dev/null >"$tmp/stats.$name.$round"
		cp "$tmp/packets" "$tmp/packets.$name.$round"
		sysctl -qw kernel.bpf_stats_enabled="$stats_was"
	else
		workload
	fi
	[ -z "$pid" ] || stop "$pid"
	if [ "$name" = rs-life ]; then tail -1 "$tmp/tr.json" >"$tmp/mem.json"; fi
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

conds=(base ringscope rs-life bpftrace path)
[ -z "$BEFORE" ] || conds=(base ringscope before rs-life before-life bpftrace path)
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
echo
echo "cost per event (bpf_stats, kmalloc+kfree programs; median and range over rounds):"
for c in "${conds[@]}"; do
	ls "$tmp"/stats."$c".* >/dev/null 2>&1 || continue
	for f in "$tmp"/stats."$c".*; do awk '{ns+=$2; cnt+=$3} END {if (cnt) printf "%.2f %d\n", ns/cnt, cnt}' "$f"; done >"$tmp/per.$c"
	printf '  %-12s %6.1f ns  (%s .. %s ns, %d rounds, %d events)\n' "$c" "$(cut -d' ' -f1 "$tmp/per.$c" | median)" \
		"$(cut -d' ' -f1 "$tmp/per.$c" | sort -n | head -1)" "$(cut -d' ' -f1 "$tmp/per.$c" | sort -n | tail -1)" \
		"$(wc -l <"$tmp/per.$c")" "$(awk '{n+=$2} END {print n}' "$tmp/per.$c")"
done
printf '  ringscope / bpftrace per event: %.2f\n' \
	"$(echo "$(cut -d' ' -f1 "$tmp/per.ringscope" | median) / $(cut -d' ' -f1 "$tmp/per.bpftrace" | median)" | bc -l)"
paste <(cat "$tmp"/stats.path.*) <(cat "$tmp"/packets.path.*) |
	awk '{ns += $2; pk += $4} END {if (pk) printf "  path tracer per packet (all its programs): %.1f ns over %d packets\n", ns / pk, pk}'
if [ -n "$BEFORE" ]; then
	for pair in ringscope:before rs-life:before-life; do
		a=$(cut -d' ' -f1 "$tmp/per.${pair%%:*}" | median) b=$(cut -d' ' -f1 "$tmp/per.${pair#*:}" | median)
		printf '  %s / %s per event: %.3f\n' "${pair%%:*}" "${pair#*:}" "$(echo "$a / $b" | bc -l)"
	done
fi
if [ -s "$tmp/mem.json" ]; then
	echo
	jq -r '"map memory of trace --kmalloc: \(.map_bytes / 1048576 * 10 | round / 10) MiB here ('"$(nproc --all)"' CPUs), \(.map_bytes_256cpu / 1048576 * 10 | round / 10) MiB computed for 256 CPUs"' "$tmp/mem.json"
fi
rs_slow=$(echo "1 - $med_ringscope / $base" | bc -l)
bt_slow=$(echo "1 - $med_bpftrace / $base" | bc -l)
echo "ringscope slowdown / bpftrace slowdown = $(echo "if ($bt_slow > 0) $rs_slow / $bt_slow else 0" | bc -l | cut -c1-5) (target <= 0.8)"
