#!/usr/bin/env bash
# make vm-ab: stock vs patched 6.12 (kernel-patches/6.12, built by `make
# kernel`) in the VM lab, same workload and parameters, interleaved rounds.
#
# Per (ring, size, variant) and round, two guest boots:
#   traced    ringscope run with the virtio-lab preset and --kmalloc at RATE
#             pps: kmalloc/kfree per packet in the virtio path, function
#             latency (virtqueue_add_outbuf: virtqueue_add_split/_packed are
#             notrace in 6.12; detach_buf_*), indirect lifetime;
#   untraced  ringscope run --no-trace at RATE_MAX (0 = unlimited): pps with
#             no probe overhead.
# Variants alternate order every round so drift on a shared machine hits both.
# Every run's lab JSON is kept in OUT/<round>/; the table is printed at the end
# (and written to OUT/ab-table.txt).
#
#   OUT=results/ab ROUNDS=3 RINGS="split packed" SIZES="64 1500" SECONDS_RUN=5 \
#     RATE=1000 RATE_MAX=0 MODES="traced untraced" tests/vm/vm-ab.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-results/ab}
ROUNDS=${ROUNDS:-3}
RINGS=${RINGS:-split packed}
SIZES=${SIZES:-64 1500}
MODES=${MODES:-traced untraced}
SECONDS_RUN=${SECONDS_RUN:-5}
RATE=${RATE:-1000}
RATE_MAX=${RATE_MAX:-0}
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
for v in stock patched; do
	[ -f "$CACHE/kernel/6.12/$v/bzImage" ] ||
		{ echo "vm-ab: ERROR: no $CACHE/kernel/6.12/$v/bzImage: build both kernels first with 'make kernel'" >&2; exit 1; }
done
mkdir -p "$OUT"

run_one() {	# run_one ROUND RING SIZE VARIANT MODE
	local round=$1 ring=$2 size=$3 variant=$4 mode=$5 packed=off trace=on rate=$RATE
	[ "$ring" = packed ] && packed=on
	[ "$mode" = untraced ] && trace=off rate=$RATE_MAX
	echo "vm-ab: round $round: $ring ring, $size B, $variant, $mode" >&2
	# Both variants are our builds (one tree, one config), never Debian's stock.
	OUT="$OUT/$round" KERNEL=6.12 VARIANT=$variant KIMAGE="$CACHE/kernel/6.12/$variant/bzImage" PACKED=$packed PKT_SIZE=$size \
		SECONDS_RUN=$SECONDS_RUN RATE=$rate TRACE=$trace bash "$HERE/vm-run.sh" >/dev/null
}

for ((round = 1; round <= ROUNDS; round++)); do
	order="stock patched"
	((round % 2 == 0)) && order="patched stock"
	for ring in $RINGS; do
		for size in $SIZES; do
			for variant in $order; do
				for mode in $MODES; do
					run_one "$round" "$ring" "$size" "$variant" "$mode"
				done
			done
		done
	done
done

# ---- table: medians over rounds, spread as min..max -------------------------
jq -s -r --arg rounds "$ROUNDS" '
  def med: sort | if length == 0 then null elif length % 2 == 1 then .[(length - 1) / 2]
                  else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def f(x): if x == null then "-" else (x * 1000 | round / 1000 | tostring) end;
  def i(x): if x == null then "-" else (x | round | tostring) end;
  def fn(r; name; p): [r[] | .functions[name][p] // empty] | med;
  map(. + {ring: (if .params.packed == "on" then "packed" else "split" end)}) as $all
  | ($all | map(select(.raw.functions != null and ((.raw.functions | length) > 0)))) as $tr
  | ($all | map(select(.raw.functions == null or ((.raw.functions | length) == 0)))) as $un
  | [$all[] | {ring, size: .params.pkt_size}] | unique[] as $k
  | ["stock", "patched"] | map(. as $v
      | ($tr | map(select(.ring == $k.ring and .params.pkt_size == $k.size and .variant == $v))) as $t
      | ($un | map(select(.ring == $k.ring and .params.pkt_size == $k.size and .variant == $v))) as $u
      | {v: $v,
         kmalloc: ([$t[].kmalloc_per_pkt // empty] | med), kfree: ([$t[].kfree_per_pkt // empty] | med),
         lost: ([$t[].lost, $u[].lost] | add),
         pps: ([$u[].tx_pps // empty] | med), pmin: ([$u[].tx_pps // empty] | min), pmax: ([$u[].tx_pps // empty] | max),
         add50: (fn($t; "virtqueue_add_outbuf"; "p50")),
         add99: (fn($t; "virtqueue_add_outbuf"; "p99")),
         det50: (fn($t; (if $k.ring == "packed" then "detach_buf_packed" else "detach_buf_split" end); "p50")),
         det99: (fn($t; (if $k.ring == "packed" then "detach_buf_packed" else "detach_buf_split" end); "p99")),
         n: ($t | length), nu: ($u | length)}) as $rows
  | "\($k.ring) ring, \($k.size) B (medians of \($rows[0].n) traced + \($rows[0].nu) untraced runs per variant)",
    "variant\tkmalloc/pkt\tkfree/pkt\ttx_pps\tmin..max\tadd_outbuf_p50_ns\tp99\tdetach_p50_ns\tp99\tlost",
    ($rows[] | "\(.v)\t\(f(.kmalloc))\t\(f(.kfree))\t\(i(.pps))\t\(i(.pmin))..\(i(.pmax))\t\(i(.add50))\t\(i(.add99))\t\(i(.det50))\t\(i(.det99))\t\(.lost)"),
    "  patched/stock pps ratio: \(if ($rows[0].pps // 0) > 0 and $rows[1].pps != null then ($rows[1].pps / $rows[0].pps * 1000 | round / 1000) else "-" end)",
    ""
' $(find "$OUT" -name '6.12*-x86_64-*.json' ! -name '*.ndjson') |
	awk -F'\t' 'NF == 1 {print; next} {printf "  %-8s %11s %9s %9s %15s %17s %8s %13s %8s %5s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}' |
	tee "$OUT/ab-table.txt"
