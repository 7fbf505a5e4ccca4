#!/usr/bin/env bash
# The LPI table of make vm-lpi from OUT/runs.ndjson (tests/vm/vm-lpi.sh):
# per guest -smp, K and kernel the median [min..max] over rounds, and for
# every (-smp, K) `ringscope compare` of 6.1 sharded (B) against 6.1 stock (A),
# the same tree and config. Writes OUT/lpi-table.txt and OUT/ab/.
#
#   tests/vm/lpi/report.sh results/lpi
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
OUT=${1:?usage: report.sh OUT (the directory make vm-lpi wrote)}
RUNS=$OUT/runs.ndjson
[ -s "$RUNS" ] || { echo "report: no runs in $RUNS: run make vm-lpi first" >&2; exit 1; }
RINGSCOPE=${RINGSCOPE:-$REPO/ringscope}

# Per run and K, the figures of one table row (null where the run failed).
# exact: every cached call a hit or a miss (the warm-up's one miss per LPI),
# and every LPI its injector reached at least once pending (an injector the
# scheduler starved for the whole run leaves its LPIs cleared by the warm-up).
flat='.events as $ev | .load.per_injector |= (if . then map(.load_events = $ev) else . end) | {smp, k, kernel: .label, round, vcpus, devices, events,
  cache: (.trace.lpi.cache.kind // null), shards: (.trace.lpi.cache.shards // null), tier: (.trace.tier // null),
  injections_pps: (.untraced.injections_per_s // null),
  write_lat_ns_p50: (.untraced.write_lat_ns_p50 // null), write_lat_ns_p99: (.untraced.write_lat_ns_p99 // null),
  traced_injections_pps: (.load.injections_per_s // null),
  wakeup_to_inject_ns_p50: (.trace.lpi.wakeup_to_inject_ns_p50 // null),
  wakeup_to_inject_ns_p99: (.trace.lpi.wakeup_to_inject_ns_p99 // null),
  hit_ratio: (.trace.lpi.hit_ratio // null),
  contentions_per_injection: (.trace.lpi.contentions_per_injection // null),
  contention_ns_per_injection: (if (.trace.lpi.injections // 0) > 0
    then .trace.lpi.contention_total_ns / .trace.lpi.injections else null end),
  exact: (if .trace.lpi then (.trace.lpi.hits + .trace.lpi.misses == .load.injections + .load.lpis
    and .load.lpis_pending == ([.load.per_injector[] | [.injections, .devices * .load_events] | min] | add))
    else null end)}'

{
	echo "LPI injection, median [min..max] over rounds; inj/s and write p50 untraced, the rest beside trace --lpi (kprobe tier)"
	echo
	jq -s -r "map($flat) | group_by([.smp, .k, .kernel])[] | . as \$g |
	  def med: map(select(. != null)) | sort | if length == 0 then null elif length % 2 == 1 then .[(length - 1) / 2]
	           else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	  def mm(f): [.[] | f | select(. != null)] as \$v | if (\$v | length) == 0 then \"-\"
	           else \"\(\$v | med | round) [\(\$v | min | round)..\(\$v | max | round)]\" end;
	  def m4(f): [.[] | f | select(. != null)] | med | if . == null then \"-\" else (. * 10000 | round / 10000 | tostring) end;
	  [(.[0].smp | tostring), (.[0].k | tostring), .[0].kernel,
	   ([.[] | select(.injections_pps != null)] | length | tostring),
	   ((.[0].cache // \"-\") + \"/\" + ((.[0].shards // \"-\") | tostring)),
	   mm(.injections_pps), mm(.write_lat_ns_p50), mm(.wakeup_to_inject_ns_p50), mm(.wakeup_to_inject_ns_p99),
	   m4(.hit_ratio), m4(.contentions_per_injection), m4(.contention_ns_per_injection),
	   ([.[] | .exact | select(. != null)] | if length == 0 then \"-\" elif all then \"yes\" else \"NO\" end)] | @tsv" "$RUNS" |
		awk -F'\t' 'BEGIN { printf "%3s %3s %-12s %4s %-15s %26s %20s %22s %24s %8s %9s %9s %6s\n", "smp", "K", "kernel", "runs",
			"cache/shards", "inj/s (untraced)", "write p50 ns", "wakeup->inj p50 ns", "wakeup->inj p99 ns",
			"hit", "cont/inj", "cont ns/inj", "exact" }
			{ printf "%3s %3s %-12s %4s %-15s %26s %20s %22s %24s %8s %9s %9s %6s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }'
} | tee "$OUT/lpi-table.txt"

# A/B per (-smp, K): 6.1 sharded against 6.1 stock, one 'metric value' line per round.
mkdir -p "$OUT/ab"
metrics='injections_pps write_lat_ns_p50 wakeup_to_inject_ns_p50 wakeup_to_inject_ns_p99 contentions_per_injection'
echo
echo "6.1 sharded (B) vs 6.1 stock (A), ringscope compare (Mann-Whitney U, Holm, bootstrap CI of B/A):"
for sk in $(jq -r "$flat | \"\(.smp):\(.k)\"" "$RUNS" | sort -u -t: -k1,1n -k2,2n); do
	smp=${sk%:*} k=${sk#*:}
	for side in A:6.1-stock B:6.1-sharded; do
		jq -r --argjson smp "$smp" --argjson k "$k" --arg lab "${side#*:}" --arg m "$metrics" "$flat"' |
			select(.smp == $smp and .k == $k and .kernel == $lab) | . as $r
			| ($m | split(" "))[] | select($r[.] != null) | "\(.) \($r[.])"' "$RUNS" >"$OUT/ab/smp$smp-k$k-${side%%:*}.txt"
	done
	[ -s "$OUT/ab/smp$smp-k$k-A.txt" ] && [ -s "$OUT/ab/smp$smp-k$k-B.txt" ] || continue
	"$RINGSCOPE" compare --a "$OUT/ab/smp$smp-k$k-A.txt" --b "$OUT/ab/smp$smp-k$k-B.txt" --name-a "6.1 stock" \
		--name-b "6.1 sharded" --ab-json "$OUT/ab/smp$smp-k$k.json" >"$OUT/ab/smp$smp-k$k.txt" || continue
	jq -r --arg smp "$smp" --arg k "$k" '.metrics | to_entries[] | .value as $m
		| def r(x): if x == null then "-" else (x * 1000 | round / 1000 | tostring) end;
		  [$smp, $k, .key, r($m.a_median), r($m.b_median), r($m.ratio), "[\(r($m.ci_low)), \(r($m.ci_high))]",
		   r($m.p_adjusted), $m.verdict + (if $m.verdict == "higher" or $m.verdict == "lower"
		   then (if $m.verdict == $m.better then " (better)" else " (worse)" end) else "" end)] | @tsv' \
		"$OUT/ab/smp$smp-k$k.json"
done | awk -F'\t' 'BEGIN { printf "%3s %3s %-26s %12s %12s %7s %18s %8s %s\n", "smp", "K", "metric", "A (stock)",
	"B (sharded)", "B/A", "95% CI of B/A", "p_holm", "verdict" }
	{ printf "%3s %3s %-26s %12s %12s %7s %18s %8s %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' | tee -a "$OUT/lpi-table.txt"
