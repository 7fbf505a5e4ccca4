#!/usr/bin/env bash
# Notifications and interrupts against offered load (docs/notify.md): kicks per
# packet, interrupts per packet and packets per interrupt of virtio-net TX
# (eth0) and RX (eth1), from 1 kpps up to what the guest sustains, with the
# device's event index on and off. One boot per event-index setting and
# repeat; inside it one untraced run per load (tests/vm/notify-guest.sh), so
# the counts are the driver's own and no probe changes them.
#
#   tests/vm/vm-notify.sh                 # ours:stock, split ring (legacy device), 64 B, icount
#   KIMAGE=debian RATES="1000 5000 0" EVENT_IDXS="on off" REPEATS=2 tests/vm/vm-notify.sh
#
# OUT/ gets raw/<event_idx>-r<repeat>/ (each boot's output), points.tsv (one
# line per load and boot), table.md, and with gnuplot notify.svg.
#   OUT=results/notify RATES="1000 2000 5000 10000 20000 0" SIZE=64 SECONDS_RUN=2
#   EVENT_IDXS="on off" REPEATS=1 ACCEL=icount KIMAGE=<ours:stock> SMP=2 tests/vm/vm-notify.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
OUT=${OUT:-results/notify}
RATES=${RATES:-1000 2000 5000 10000 20000 0}
SIZE=${SIZE:-64}
SECONDS_RUN=${SECONDS_RUN:-2}
EVENT_IDXS=${EVENT_IDXS:-on off}
REPEATS=${REPEATS:-1}
ACCEL=${ACCEL:-icount}
SMP=${SMP:-2}
KIMAGE=${KIMAGE:-$CACHE/kernel/6.12/stock/bzImage}
ETHSTATS=${ETHSTATS:-$REPO/build/helpers/rs_ethstats.static}
die() { echo "vm-notify: ERROR: $*" >&2; exit 1; }
say() { echo "vm-notify: $*" >&2; }

# ---- checks before any side effect ------------------------------------------
for r in $RATES; do [[ "$r" =~ ^[0-9]+$ ]] || die "RATES are pps figures, 0 = unlimited (got '$r')"; done
[ -n "$RATES" ] || die "RATES is empty"
for e in $EVENT_IDXS; do case "$e" in on | off) ;; *) die "EVENT_IDXS takes on and/or off (got '$e')" ;; esac; done
[[ "$SIZE" =~ ^[0-9]+$ ]] && [ "$SIZE" -ge 60 ] || die "SIZE must be a frame size >= 60 (got '$SIZE')"
[[ "$SECONDS_RUN" =~ ^[1-9][0-9]*$ ]] || die "SECONDS_RUN must be a positive integer (got '$SECONDS_RUN')"
[[ "$REPEATS" =~ ^[1-9][0-9]*$ ]] || die "REPEATS must be a positive integer (got '$REPEATS')"
[ "$KIMAGE" = debian ] && KIMAGE=
[ -z "$KIMAGE" ] || [ -f "$KIMAGE" ] || die "no kernel image $KIMAGE: run 'make kernel', or KIMAGE=debian"
[ -x "$ETHSTATS" ] || die "no $ETHSTATS: run 'make static'"
command -v jq >/dev/null || die "jq is missing: run 'make deps'"

nrates=$(echo "$RATES" | wc -w)
mkdir -p "$OUT/raw"
printf 'event_idx\trepeat\toffered_pps\tsent_pps\tpackets\tlost\ttx_kicks_per_pkt\ttx_irqs_per_pkt\trx_kicks_per_pkt\trx_irqs_per_pkt\tpkts_per_irq\n' >"$OUT/points.tsv"
for ((rep = 1; rep <= REPEATS; rep++)); do
	for e in $EVENT_IDXS; do
		d=$OUT/raw/$e-r$rep
		rm -rf "$d" && mkdir -p "$d"
		say "event_idx=$e, repeat $rep/$REPEATS: loads $RATES pps, ${SECONDS_RUN} s each, $ACCEL"
		cmd="RATES='$RATES' SIZE=$SIZE SECS=$SECONDS_RUN
$(cat "$HERE/notify-guest.sh")"
		if ! OUT=$d KERNEL=6.12 KIMAGE="$KIMAGE" VARIANT=stock EVENT_IDX=$e ACCEL=$ACCEL SMP=$SMP \
			WORKLOAD=cmd GUEST_CMD="$cmd" GUEST_BINS="$ETHSTATS" SECONDS_RUN=$SECONDS_RUN \
			TIMEOUT=$((300 + nrates * (SECONDS_RUN + 10) * 4)) bash "$HERE/vm-run.sh" >"$d/vm-run.log" 2>&1; then
			tail -n 15 "$d/vm-run.log" >&2
			die "boot failed (event_idx=$e, repeat $rep): see $d/vm-run.log"
		fi
		out=$(find "$d" -maxdepth 1 -name '*.out' | head -n 1)
		[ -n "$out" ] || die "no guest output in $d"
		n=$(jq -cR 'fromjson? | objects | select(.type == "point")' "$out" | tee "$d/points.ndjson" | wc -l)
		[ "$n" = "$nrates" ] || die "guest printed $n of $nrates load points (see $out)"
		jq -r --arg e "$e" --arg rep "$rep" '
			def per(x): if x == null or .final.packets_tx == 0 then "nan" else x / .final.packets_tx end;
			[$e, $rep, .rate, .final.tx_pps, .final.packets_tx, .final.lost,
			 per(.tx_kicks), per(.tx_irqs), per(.rx_kicks), per(.rx_irqs),
			 (if .tx_irqs == null or .rx_irqs == null or .tx_irqs + .rx_irqs == 0 then "nan"
			  else .final.packets_tx / (.tx_irqs + .rx_irqs) end)] | @tsv' "$d/points.ndjson" >>"$OUT/points.tsv"
	done
done

# ---- table: one row per event index and offered load (medians over repeats)
{
	echo "| event_idx | offered pps | sent pps | tx kicks/pkt | tx irqs/pkt | rx kicks/pkt | rx irqs/pkt | pkts/irq (tx+rx) | boots |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	awk -F'\t' 'NR > 1 { k = $1 "\t" $3; n[k]++; for (c = 4; c <= 11; c++) v[k, c, n[k]] = $c; if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
		function med(k, c,   i, j, t, a, cnt) { cnt = n[k]; for (i = 1; i <= cnt; i++) a[i] = v[k, c, i]
			for (i = 2; i <= cnt; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2 }
		END { for (i = 1; i <= m; i++) { k = order[i]; split(k, f, "\t")
			printf "| %s | %s | %.0f | %.3f | %.3f | %.3f | %.3f | %.2f | %d |\n", f[1], f[2] == 0 ? "max" : f[2],
				med(k, 4), med(k, 7), med(k, 8), med(k, 9), med(k, 10), med(k, 11), n[k] } }' "$OUT/points.tsv"
} >"$OUT/table.md"
cat "$OUT/table.md"
bash "$HERE/notify-plot.sh" "$OUT" || say "no SVG (gnuplot missing? run 'make deps')"
