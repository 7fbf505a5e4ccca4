#!/usr/bin/env bash
# Picture of one vm-notify.sh result directory (gnuplot, SVG): per packet
# notifications and interrupts against the packet rate the guest reached,
# event index on (solid) and off (dashed), every boot's points drawn.
#   tests/vm/notify-plot.sh results/notify      -> results/notify/notify.svg
set -euo pipefail
D=$1
command -v gnuplot >/dev/null || { echo "notify-plot: ERROR: gnuplot is missing: run 'make deps'" >&2; exit 1; }
[ -s "$D/points.tsv" ] || { echo "notify-plot: ERROR: no $D/points.tsv: run tests/vm/vm-notify.sh first" >&2; exit 1; }
TMP=$(mktemp -d /tmp/ringscope-notifyplot.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
for e in on off; do
	# sorted by achieved rate so the lines join neighbouring loads
	awk -F'\t' -v e="$e" 'NR > 1 && $1 == e' "$D/points.tsv" | sort -t$'\t' -k4,4g >"$TMP/$e.tsv"
done
plot_pair() {	# plot_pair COLUMN TITLE COLOUR -> the two gnuplot plot clauses (on, off)
	local cols=""
	for e in on off; do
		[ -s "$TMP/$e.tsv" ] || continue
		cols="$cols${cols:+, }'$TMP/$e.tsv' using 4:$1 with linespoints lc rgb '$3' dt $([ "$e" = on ] && echo '1 pt 7' || echo '2 pt 6') title '$2, event_idx=$e'"
	done
	echo "$cols"
}
gnuplot <<PLOT_END
set terminal svg size 1100,460 dynamic font "sans,11"
set output "$D/notify.svg"
set datafile separator "\t"
set datafile missing "nan"
set termoption noenhanced
set multiplot layout 1,2 title "virtio-net notifications and interrupts vs load (AF_XDP TX eth0 -> RX eth1, untraced)" noenhanced
set logscale x
set xrange [500:*]
set xlabel "packets per second reached (guest clock)"
set grid
set key top right font ",9"
set ylabel "per packet"
set yrange [0:1.1]
set title "kicks and interrupts per packet (lines that coincide are drawn over each other)"
plot $(plot_pair 7 "tx kicks" "#c0392b"), $(plot_pair 8 "tx irqs" "#2c7fb8"), $(plot_pair 10 "rx irqs" "#27ae60")
set title "packets per interrupt (tx + rx)"
set ylabel "packets per interrupt"
set yrange [0:*]
plot $(plot_pair 11 "pkts/irq" "#8e44ad")
unset multiplot
PLOT_END
