#!/usr/bin/env bash
# make vm-lpi: LPI injection through the vgic-its translation cache, for
#   6.1 stock    our arm64 6.1 build without kernel-patches/6.1
#   6.1 sharded  the same tree and config with the series applied
#   6.12 stock   Debian's arm64 6.12 (the upstream answer: per-ITS xarray, RCU)
# and K injector threads ("NICs") in KS, ROUNDS interleaved rounds (variant
# order rotates each round). Each run is one arm64 guest boot: trace --lpi
# watches while lpi-load injects for SECS seconds through irqfd.
#
#   OUT=results/lpi ROUNDS=3 KS="1 10" SECS=3 tests/vm/vm-lpi.sh
# The 6.1 Images come from kernel-patches/build-arm64-kernels.sh.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-results/lpi}
ROUNDS=${ROUNDS:-3}
KS=${KS:-1 10}
SECS=${SECS:-3}
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
variants=()
for v in stock patched; do
	img=$CACHE/kernel/6.1-arm64/$v/Image
	if [ -f "$img" ]; then variants+=("6.1:$v:$img"); else echo "vm-lpi: no $img (kernel-patches/build-arm64-kernels.sh): 6.1 $v left out" >&2; fi
done
variants+=("6.12:stock:")
mkdir -p "$OUT"

for ((round = 1; round <= ROUNDS; round++)); do
	n=${#variants[@]}
	for k in $KS; do
		for ((i = 0; i < n; i++)); do
			IFS=: read -r kver variant img <<<"${variants[$(((i + round) % n))]}"
			echo "vm-lpi: round $round K=$k $kver $variant" >&2
			OUT="$OUT/$round/k$k" ARCH=arm64 KERNEL=$kver VARIANT=$variant KIMAGE=$img \
				LPI_ARGS="-k $k --devices $k -d $SECS" bash "$HERE/vm-run.sh" >/dev/null ||
				echo "vm-lpi: run failed (round $round K=$k $kver $variant)" >&2
		done
	done
done

jq -s -r '
  def med: sort | if length == 0 then null elif length % 2 == 1 then .[(length - 1) / 2]
                  else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def r(x): if x == null then "-" else (x | round | tostring) end;
  def f(x): if x == null then "-" else (x * 10000 | round / 10000 | tostring) end;
  group_by([.kernel, .variant, .params.injectors])[]
  | {k: .[0].params.injectors, v: "\(.[0].kernel) \(if .[0].variant == "patched" then "sharded" else .[0].variant end)",
     tier: .[0].tier, n: length,
     rate: ([.[].lpi.load_injections_per_s] | med), hit: ([.[].lpi.hit_ratio] | med),
     p50: ([.[].lpi.wakeup_to_inject_ns_p50] | med), p99: ([.[].lpi.wakeup_to_inject_ns_p99] | med),
     inj50: ([.[].lpi.inject_ns_p50] | med), cont: ([.[].lpi.contentions_per_injection] | med)}
  | "\(.k)\t\(.v)\t\(.tier)\t\(.n)\t\(r(.rate))\t\(f(.hit))\t\(r(.p50))\t\(r(.p99))\t\(r(.inj50))\t\(f(.cont))"
' $(find "$OUT" -name '*-arm64-*-lpi.json') | sort -n -k1,1 -s |
	awk -F'\t' 'BEGIN {printf "%3s  %-13s %-7s %4s %13s %9s %20s %20s %14s %12s\n", "K", "kernel", "tier", "runs",
		"injections/s", "hit ratio", "wakeup->inject p50", "wakeup->inject p99", "inject p50", "contention/inj"}
		{printf "%3s  %-13s %-7s %4s %13s %9s %17s ns %17s ns %11s ns %12s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}' |
	tee "$OUT/lpi-table.txt"
