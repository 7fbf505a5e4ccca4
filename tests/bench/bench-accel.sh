#!/usr/bin/env bash
# make bench-accel: which qemu accelerator gives the VM lab a stable cost
# measure on this (shared, noisy) host? An A/A experiment: the same kernel
# twice per round (A and A') under each ACCEL mode, untraced AF_XDP TX pps,
# modes and slots interleaved in an order that alternates per round. Prints
# per mode the coefficient of variation of all its runs and the A/A ratio of
# medians with its 95 % bootstrap CI (ringscope compare), and keeps the raw
# results under OUT.
#
#   OUT=results/accel ROUNDS=5 MODES="tcg icount" KIMAGE=<bzImage> PKT_SIZE=64 \
#     SECONDS_RUN=5 tests/bench/bench-accel.sh
# KIMAGE defaults to ours:stock ($RINGSCOPE_CACHE/kernel/6.12/stock/bzImage);
# KIMAGE=debian uses Debian's 6.12 image.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/accel}
ROUNDS=${ROUNDS:-5}
MODES=${MODES:-tcg icount}
PKT_SIZE=${PKT_SIZE:-64}
SECONDS_RUN=${SECONDS_RUN:-5}
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
KIMAGE=${KIMAGE:-$CACHE/kernel/6.12/stock/bzImage}
die() { echo "bench-accel: ERROR: $*" >&2; exit 1; }
[ "$KIMAGE" = debian ] && KIMAGE=
[ -z "$KIMAGE" ] || [ -f "$KIMAGE" ] || die "no kernel image $KIMAGE: 'make kernel', or KIMAGE=debian"
[ -x ./ringscope ] || die "no ./ringscope: run 'make'"
for m in $MODES; do case "$m" in tcg | tcg-single | icount) ;; *) die "MODES takes tcg, tcg-single, icount (got $m)" ;; esac; done
mkdir -p "$OUT"
for m in $MODES; do : >"$OUT/$m-A.txt"; : >"$OUT/$m-A2.txt"; done
for ((r = 1; r <= ROUNDS; r++)); do
	# alternate both the mode order and the slot order every round
	modes=$MODES slots="A A2"
	((r % 2 == 0)) && modes=$(echo "$MODES" | tr ' ' '\n' | tac | tr '\n' ' ') slots="A2 A"
	for m in $modes; do
		for s in $slots; do
			d=$OUT/raw/r$r-$m-$s
			rm -rf "$d"
			echo "bench-accel: round $r/$ROUNDS $m $s" >&2
			OUT=$d KIMAGE=$KIMAGE VARIANT=stock PKT_SIZE=$PKT_SIZE SECONDS_RUN=$SECONDS_RUN RATE=0 TRACE=off ACCEL=$m \
				bash tests/vm/vm-run.sh >"$OUT/r$r-$m-$s.log" 2>&1 || die "run failed: $(grep -m1 ERROR "$OUT/r$r-$m-$s.log")"
			jq -r '"pps \(.tx_pps)"' "$(find "$d" -name '*.json' ! -name '*.ndjson' | head -n 1)" >>"$OUT/$m-$s.txt"
		done
	done
done
for m in $MODES; do
	./ringscope compare --a "$OUT/$m-A.txt" --b "$OUT/$m-A2.txt" --name-a "$m A" --name-b "$m A'" \
		--ab-json "$OUT/$m-aa.json" >"$OUT/$m-aa.txt"
	cat "$OUT/$m-A.txt" "$OUT/$m-A2.txt" | awk -v m="$m" -v out="$OUT" '
		{ v[n++] = $2; s += $2 } END {
			mean = s / n; for (i = 0; i < n; i++) ss += (v[i] - mean) ^ 2
			printf "%-10s %2d runs  mean %9.0f pps  CoV %5.2f %%", m, n, mean, 100 * sqrt(ss / (n - 1)) / mean }'
	jq -r '.metrics.pps | "   A/A ratio \(.ratio * 10000 | round / 10000)  95% CI [\(.ci_low * 10000 | round / 10000), \(.ci_high * 10000 | round / 10000)]  width \((.ci_high - .ci_low) * 1000 | round / 10) %  p \(.p_value * 1000 | round / 1000)"' "$OUT/$m-aa.json"
done | tee "$OUT/summary.txt"
