#!/usr/bin/env bash
# arm64 LPI smoke: stock Debian arm64 6.12 under qemu TCG with EL2 (KVM, vgic-v3
# and an ITS inside the guest). lpi-load maps 2 devices x 1 event on a VM of 8
# vCPUs and injects N MSIs through irqfd from 2 threads while `trace --lpi`
# counts every call of vgic_its_inject_cached_translation and reads the VM's
# cache layout (6.12: the per-ITS xarray, no shards). The warm-up (one
# KVM_SIGNAL_MSI per LPI) is the only slow path: each LPI misses once, every
# irqfd injection hits. Our 6.1 kernels (one LRU, 8 shards) are checked the
# same way by tests/lab/test_vm_lpi_shards.sh (make test-lab: they are built).
# A second boot checks that trace --lpi's NDJSON intervals sum to its final.
# Cost: two arm64 boots, ~1-2 min each on a quiet 2-core host (VM_TIMEOUT bounds
# each at 600 s: a loaded host once needed more than vm-run's default 155 s).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
N=${LPI_N:-3000}
BIN=$REPO/build/arm64/ringscope
[ -x "$BIN" ] || { echo "FAIL: lpi_smoke: no $BIN (make static-arm64)"; exit 1; }
OUTD=$(mktemp -d /tmp/ringscope-vmlpi.XXXXXX)
trap 'rm -rf "$OUTD"' EXIT
fails=0
ok() { echo "PASS: $1"; }
ko() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }

VM_TIMEOUT=${VM_TIMEOUT:-600}
if ! OUT=$OUTD ARCH=arm64 KERNEL=6.12 TIMEOUT=$VM_TIMEOUT LPI_ARGS="-k 2 --devices 2 --vcpus 8 -n $N" bash "$HERE/vm-run.sh" >"$OUTD/log" 2>&1; then
	ko lpi_smoke_run "vm-run failed: $(grep -m1 ERROR "$OUTD/log")"
	tail -30 "$OUTD/log"
	exit 1
fi
cat "$OUTD/log"
R=$(ls "$OUTD"/*-lpi.json | head -1)
v() { jq -r "$1" "$R"; }
L=$(v .lpi.lpis)
[ "$(v .lpi.load_injections)" = "$N" ] && ok lpi_injector_sent_n || ko lpi_injector_sent_n "sent $(v .lpi.load_injections)"
[ "$(v .lpi.irqfd_wakeups)" = "$N" ] && ok lpi_irqfd_wakeups_eq_n || ko lpi_irqfd_wakeups_eq_n "wakeups $(v .lpi.irqfd_wakeups) != $N"
# Every cached-translation call is a hit or a miss, and there are exactly N
# (irqfd) + L (warm-up) of them.
[ "$(v '.lpi.hits + .lpi.misses')" = "$((N + L))" ] && ok lpi_hits_plus_misses_exact ||
	ko lpi_hits_plus_misses_exact "hits $(v .lpi.hits) + misses $(v .lpi.misses) != $N + $L"
jq -e --argjson n "$N" '.lpi.hits / $n >= 0.99' "$R" >/dev/null && ok lpi_hit_ratio_after_warmup ||
	ko lpi_hit_ratio_after_warmup "hits $(v .lpi.hits) of $N irqfd injections"
[ "$(v .lpi.lpis_pending)" = "$L" ] && ok lpi_all_lpis_delivered || ko lpi_all_lpis_delivered "pending $(v .lpi.lpis_pending) of $L"
[ "$(v .params.vcpus)" = 8 ] && ok lpi_vcpus_8 || ko lpi_vcpus_8 "vcpus $(v .params.vcpus)"
[ "$(v '"\(.lpi.cache.kind) \(.lpi.cache.shards)"')" = "xarray null" ] && ok lpi_cache_xarray_read_from_vm ||
	ko lpi_cache_xarray_read_from_vm "cache read from the VM: $(v '.lpi.cache | tostring'), expected the per-ITS xarray"
[ "$(v .tier)" != tracepoint ] && ok "lpi_tier_$(v .tier)" || ko lpi_tier "tier $(v .tier)"

# A second boot: trace --lpi reporting every 0.2 s beside the same load, stopped
# by SIGINT: its NDJSON interval counts sum exactly to its final counts.
GUEST_CMD="ringscope trace --lpi --json -I 0.2 --no-pin >/tmp/tl.json 2>/tmp/tl.err & tp=\$!;
rs-ready trace /tmp/tl.err 'trace: tier ' \$tp || exit 1;
ringscope lpi-load -k 2 --devices 2 -n $N --json >/dev/null 2>&1; kill -INT \$tp; wait \$tp;
sed 's/^/@@LPIT@@ /' /tmp/tl.json; tail -n 3 /tmp/tl.err"
if OUT=$OUTD/sums ARCH=arm64 KERNEL=6.12 TIMEOUT=$VM_TIMEOUT WORKLOAD=cmd GUEST_CMD="$(tr '\n' ' ' <<<"$GUEST_CMD")" \
	bash "$HERE/vm-run.sh" >"$OUTD/sums.log" 2>&1; then
	j=$(grep -ah '^@@LPIT@@' "$OUTD"/sums/*.out | sed 's/^@@LPIT@@ *//' | jq -sc '
		def flat: .lpi | to_entries | map(select((.value | type) == "number" and
			(.key | test("_p[0-9]+$|_per_s$|_ratio$|_per_injection$") | not)));
		([.[] | select(.type == "interval") | flat[]] | group_by(.key)
		 | map({key: .[0].key, value: (map(.value) | add)}) | from_entries) as $sum
		| ([.[] | select(.type == "final") | flat[]] | from_entries) as $fin
		| {equal: ($sum == $fin), injections: $fin.injections,
		   intervals: ([.[] | select(.type == "interval")] | length),
		   interrupted: ([.[] | select(.type == "final")][0].interrupted), sum: $sum, fin: $fin}' 2>/dev/null)
	if jq -e --argjson n "$N" '.equal and .injections >= $n and .intervals >= 2 and .interrupted == true' \
		<<<"$j" >/dev/null 2>&1; then
		echo "trace --lpi: $(jq -c '{intervals, injections, equal}' <<<"$j")"
		ok lpi_trace_interval_sums_eq_final
	else
		ko lpi_trace_interval_sums_eq_final "$(jq -c . <<<"${j:-null}" 2>/dev/null)"
	fi
else
	ko lpi_trace_interval_sums_run "vm-run failed: $(grep -m1 ERROR "$OUTD/sums.log")"
	tail -30 "$OUTD/sums.log"
fi
[ "$fails" = 0 ]
