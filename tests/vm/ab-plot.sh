#!/usr/bin/env bash
# Pictures of one vm-ab.sh comparison directory (gnuplot, SVG):
#   ratios.svg   per metric, B/A ratio of medians with its bootstrap CI, and
#                the A/A control's A'/A ratio and CI beside it (the noise floor)
#   latency.svg  the log2 latency histograms of the key functions, A and B
#                overlaid (all rounds summed, as a share of calls)
#   tests/vm/ab-plot.sh OUT/split-64 "virtqueue_add_outbuf detach_buf_split"
set -euo pipefail
D=$1
FUNCS=${2:-virtqueue_add_outbuf detach_buf_split}
command -v gnuplot >/dev/null || { echo "ab-plot: ERROR: gnuplot is missing: run 'make deps'" >&2; exit 1; }
[ -f "$D/ab.json" ] || { echo "ab-plot: ERROR: no $D/ab.json: run tests/vm/vm-ab.sh first" >&2; exit 1; }
TMP=$(mktemp -d /tmp/ringscope-abplot.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# ---- ratios: one row per metric (primary first); ratios above 3 are drawn at 3
jq -r '.metrics | to_entries | sort_by(.value.family) | to_entries[]
	| def c: if . == null then "NaN" elif . > 3 then 3 else . end;
	  "\(.key) \(.value.key) \(.value.value.ratio | c) \(.value.value.ci_low | c) \(.value.value.ci_high | c) \(.value.value.aa.ratio | c) \(.value.value.aa.ci_low | c) \(.value.value.aa.ci_high | c)"' \
	"$D/ab.json" >"$TMP/ratios.dat"
n=$(wc -l <"$TMP/ratios.dat")
a=$(jq -r .a "$D/ab.json")
b=$(jq -r .b "$D/ab.json")
lvl=$(jq -r '.ci_level * 100' "$D/ab.json")
gnuplot <<PLOT_END
set terminal svg size $((300 + 28 * n)),520 dynamic font "sans,11"
set output "$D/ratios.svg"
set title "$b / $a: ratio of medians with ${lvl}% bootstrap CI; A/A control ($a / $a) in grey" noenhanced
set ylabel "ratio (B/A; clipped at 3)"
set xrange [-0.7:$n - 0.3]
set yrange [0:*]
set xtics rotate by -60 noenhanced font ",9"
set bmargin 14
set grid ytics
set key top left
plot 1 with lines lc rgb "black" dt 2 notitle, \
     "$TMP/ratios.dat" using (\$1 + 0.18):6:7:8 with yerrorbars lc rgb "#999999" pt 6 title "A'/A (noise floor)", \
     "" using 1:3:4:5:xtic(2) with yerrorbars lc rgb "#c0392b" pt 7 title "B/A"
PLOT_END

# ---- latency histograms of the key functions, A and B overlaid
plots=()
i=0
for f in $FUNCS; do
	for slot in A B; do
		mapfile -t files < <(find "$D/raw" -path "*-$slot/*" -name '*.json' ! -name '*.ndjson')
		[ ${#files[@]} -gt 0 ] || continue
		# Fine buckets [lower, upper, count] folded into power-of-two rows
		# (row r holds [2^(r-1), 2^r - 1], row 0 holds 0).
		jq -s -r --arg f "$f" 'def row: if .[0] == 0 then 0 else (.[0] | log2 | floor) + 1 end;
			[.[] | .raw.functions[]? | select(.name == $f) | .lat_ns_buckets
			 | reduce .[] as $b ([range(0; 65) | 0]; .[$b | row] += $b[2])] as $h
			| if ($h | length) == 0 then empty else
			  ($h | transpose | map(add)) as $sum | ($sum | add) as $tot
			  | if $tot == 0 then empty else $sum | to_entries[] | "\(.key) \(.value / $tot)" end end' \
			"${files[@]}" >"$TMP/h-$i-$slot.dat"
	done
	if [ -s "$TMP/h-$i-A.dat" ] && [ -s "$TMP/h-$i-B.dat" ]; then
		plots+=("$f:$i")
	fi
	i=$((i + 1))
done
[ ${#plots[@]} -gt 0 ] || exit 0
{
	echo "set terminal svg size $((420 * ${#plots[@]})),420 dynamic font 'sans,11'"
	echo "set output '$D/latency.svg'"
	echo "set multiplot layout 1,${#plots[@]} title 'latency per call, log2 buckets, all rounds: A = $a, B = $b' noenhanced"
	echo "set xlabel 'ns (bucket lower bound)'; set ylabel 'share of calls'; set yrange [0:*]; set style fill transparent solid 0.35"
	echo "set xtics ('1' 0, '32' 5, '1k' 10, '32k' 15, '1M' 20, '32M' 25, '1G' 30); set xrange [0:32]"
	for p in "${plots[@]}"; do
		f=${p%%:*} k=${p##*:}
		echo "set title '$f' noenhanced"
		echo "plot '$TMP/h-$k-A.dat' using 1:2 with boxes lc rgb '#2c7fb8' title 'A', '$TMP/h-$k-B.dat' using 1:2 with boxes lc rgb '#d95f0e' title 'B'"
	done
	echo "unset multiplot"
} | gnuplot
