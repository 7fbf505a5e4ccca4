#!/usr/bin/env bash
# make bench-gen: 64 B AF_XDP TX completions per second on a veth pair (copy
# mode), ringscope against the barest libxdp TX loop (tests/bench/xsk_txref.c,
# two kick policies) measured in the same interleaved rounds, so a loaded
# machine affects all alike. Reports Mpps (completions / wall time, as the
# final JSON's tx_pps) and Mpps per CPU-second of the sender. Not part of
# `make test`.
#
#   RUNS=5 SECS=5        rounds and seconds per run
#   DST_MAC=02:00:00:00:00:02
#                        a unicast address that is not the peer's: the peer
#                        drops the frames at once (PACKET_OTHERHOST), as with
#                        xdpsock's default; ff:ff:ff:ff:ff:ff makes the peer
#                        route every frame (ringscope's default, ~2x costlier)
#   BASE_RS=/path/ringscope
#                        also run another ringscope build in every round (A/B)
#   RT=1                 run every sender under chrt -f 5: on a loaded machine
#                        Mpps then shows what one whole CPU does (RT
#                        throttling still leaves others 5 %); off by default,
#                        the machine is shared
#
# The last line is "median X.XXX Mpps" (ringscope).
set -u
. "$(dirname "$0")/../lib/common.sh"
[[ $EUID -eq 0 ]] || { echo "bench-gen: run as root" >&2; exit 1; }
RUNS=${RUNS:-5} SECS=${SECS:-5} DST_MAC=${DST_MAC:-02:00:00:00:00:02} BASE_RS=${BASE_RS:-}
prio=()
[[ ${RT:-0} == 1 ]] && prio=(chrt -f 5)
tmp=$(mktemp -d /tmp/rst-bench.XXXXXX)
on_exit "rm -rf $tmp"

ref=$tmp/xsk_txref
gcc -O2 -Wall -o "$ref" "$(dirname "$0")/xsk_txref.c" $(pkg-config --libs libxdp libbpf) ||
	{ echo "bench-gen: cannot build the reference TX loop" >&2; exit 1; }
n=rst-bench-$$
veth_pair "$n" || { echo "bench-gen: cannot create the veth pair" >&2; exit 1; }

# One run; prints "PPS PACKETS_PER_CPU_SECOND" or nothing. CPU time is the
# process's user + system time: the peer's receive runs in the sender's
# softirq, so it is there too. Less sensitive to load than PPS, which follows
# the CPU share the run got. A socket of the previous run may still hold the
# queue for a moment: ringscope retries that itself, the reference here.
run() {	# run ringscope|base|ref|ref-flush
	local out pps pk try cpu
	for try in 1 2 3; do
		case $1 in
		ringscope | base)
			[[ $1 == base ]] && bin=$BASE_RS || bin=$RS
			out=$(/usr/bin/time -f '%U %S' -o "$tmp/time" timeout $((SECS + 30)) "${prio[@]}" "$bin" gen tx -i a0 \
				--netns "$n-a" -d "$SECS" --dst-mac "$DST_MAC" --no-pin --json 2>"$tmp/err" | tail -1)
			pps=$(jq -r 'select(.type == "final") | .tx_pps' <<<"$out" 2>/dev/null)
			pk=$(jq -r 'select(.type == "final") | .packets_tx' <<<"$out" 2>/dev/null) ;;
		ref | ref-flush)
			out=$(/usr/bin/time -f '%U %S' -o "$tmp/time" timeout $((SECS + 30)) "${prio[@]}" "$ref" a0 "$n-a" "$SECS" \
				"$DST_MAC" "$([[ $1 == ref ]] && echo full || echo flush)" 2>"$tmp/err")
			pps=$(awk '{print $6}' <<<"$out")
			pk=$(awk '{print $2}' <<<"$out") ;;
		esac
		if [[ -n $pps && $pps != null ]]; then
			cpu=$(awk '{print $1 + $2}' "$tmp/time" 2>/dev/null)
			awk -v p="$pps" -v k="$pk" -v c="$cpu" 'BEGIN { printf "%.0f %.0f\n", p, (c > 0 ? k / c : 0) }'
			return
		fi
		grep -qi busy "$tmp/err" || break
		sleep 1
	done
	echo "bench-gen: $1 failed: $(tail -1 "$tmp/err")" >&2
}

stats() {	# stats FILE COLUMN: median min max in Mpps
	awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR] = $1} END {
		if (!NR) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f %.3f %.3f\n", m / 1e6, v[1] / 1e6, v[NR] / 1e6 }'
}

kinds=(ringscope ref ref-flush)
[[ -n $BASE_RS ]] && kinds+=(base)
echo "bench-gen: 64 B TX-only, copy mode, veth $n-a/a0 -> $n-b/b0, dst $DST_MAC, $RUNS x $SECS s, interleaved"
echo "ref: bare libxdp loop as xdpsock (ring kept full, frames in turn); ref-flush: bare loop as ringscope (short ring, LIFO frames)"
echo "load before: $(uptime | sed 's/.*load/load/')  ($(nproc) cpus)${prio:+, senders under ${prio[*]}}"
for ((r = 1; r <= RUNS; r++)); do
	# Rotate the order every round so no kind always runs first.
	for ((k = 0; k < ${#kinds[@]}; k++)); do
		kind=${kinds[(k + r) % ${#kinds[@]}]}
		res=$(run "$kind")
		[[ -n $res ]] && echo "$res" >>"$tmp/$kind"
		if [[ -n $res ]]; then
			read -r pps eff <<<"$res"
			awk -v r="$r" -v k="$kind" -v p="$pps" -v e="$eff" \
				'BEGIN { printf "round %d %-9s %.3f Mpps  %.3f Mpps per CPU-second\n", r, k, p / 1e6, e / 1e6 }'
		else
			printf 'round %d %-9s failed\n' "$r" "$kind"
		fi
		sleep 1
	done
done
echo "load after: $(uptime | sed 's/.*load/load/')"
for kind in "${kinds[@]}"; do
	read -r med lo hi < <(stats "$tmp/$kind" 1)
	read -r emed elo ehi < <(stats "$tmp/$kind" 2)
	printf '%-9s median %s Mpps (min %s max %s)  per CPU-second median %s (min %s max %s)  %s runs\n' \
		"$kind" "$med" "$lo" "$hi" "$emed" "$elo" "$ehi" "$(grep -c . "$tmp/$kind" 2>/dev/null || echo 0)"
	eval "med_${kind//-/_}=$med emed_${kind//-/_}=$emed"
done
ratio() { awk -v a="$2" -v b="$3" -v c="$4" -v d="$5" -v n="$1" \
	'BEGIN { if (b + 0 > 0 && d + 0 > 0) printf "%s: %.2f (Mpps), %.2f (per CPU-second)\n", n, a / b, c / d }'; }
ratio "ringscope / ref" "$med_ringscope" "$med_ref" "$emed_ringscope" "$emed_ref"
ratio "ringscope / ref-flush" "$med_ringscope" "$med_ref_flush" "$emed_ringscope" "$emed_ref_flush"
[[ -n $BASE_RS ]] && ratio "ringscope / base" "$med_ringscope" "$med_base" "$emed_ringscope" "$emed_base"
echo "median $med_ringscope Mpps"
