#!/usr/bin/env bash
# arm64 LPI smoke: stock Debian arm64 6.12 under qemu TCG with EL2 (KVM, vgic-v3
# and an ITS inside the guest). lpi-load maps 2 devices x 1 event and injects
# N MSIs through irqfd from 2 threads while `trace --lpi` counts every call of
# vgic_its_inject_cached_translation. The warm-up (one KVM_SIGNAL_MSI per LPI)
# is the only slow path: each LPI misses once, every irqfd injection hits.
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

if ! OUT=$OUTD ARCH=arm64 KERNEL=6.12 LPI_ARGS="-k 2 --devices 2 -n $N" bash "$HERE/vm-run.sh" >"$OUTD/log" 2>&1; then
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
[ "$(v .tier)" != tracepoint ] && ok "lpi_tier_$(v .tier)" || ko lpi_tier "tier $(v .tier)"
[ "$fails" = 0 ]
