#!/usr/bin/env bash
# test_vm_tap_notify.sh (make test-lab): two boots of ours:stock 6.12.
#  1. the split-tap cell (modern device, BACKEND=tap): every packet sent is
#     received, tier fentry, one indirect-table kmalloc per packet at
#     virtqueue_add_split (the hub never shows one on a modern device), and
#     the run's private netns is gone afterwards;
#  2. vm-notify.sh at 1000 pps and at full rate, event index on: one point
#     per load, nothing lost, TX kicks and TX interrupts counted (not null, at
#     most one per packet), and the ring batches at full rate: more packets
#     per interrupt there than at 1000 pps (measured: 0.68-0.80 at 1000 pps,
#     5.9-19 at full rate, two boots under icount).
# Needs `make kernel` (ours:stock) and `make static`. Measured: 10.6 min (6 PASS) at load 28-33
# on 2 cores (`SUITE=lab TESTS=test_vm_tap_notify bash tests/run-all.sh`).
# timeout: 2400
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
IMG=$CACHE/kernel/6.12/stock/bzImage
fails=0
pass() { echo "PASS: tap_notify: $*"; }
fail() { echo "FAIL: tap_notify: $*"; fails=$((fails + 1)); }
T=$(mktemp -d /tmp/rs-tap-notify.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ -f "$IMG" ] || { fail "no $IMG: run 'make kernel'"; exit 1; }

# ---- 1. split-tap: header + fragment, one indirect table per packet
if OUT=$T/tap KIMAGE=$IMG VARIANT=stock LAYOUT=modern BACKEND=tap NS_TAG=labtest SECONDS_RUN=1 RATE=500 \
	TRACE=on TIMEOUT=900 bash "$ROOT/tests/vm/vm-run.sh" >"$T/tap.log" 2>&1; then
	R=$(find "$T/tap" -maxdepth 1 -name '*.json' ! -name '*.ndjson' | head -n 1)
	if jq -e '.packets_tx > 0 and .packets_rx == .packets_tx and .lost == 0 and .tier == "fentry"' "$R" >/dev/null; then
		pass "split-tap: $(jq -r '"\(.packets_tx) sent, \(.packets_rx) received, tier \(.tier)"' "$R")"
	else fail "split-tap traffic: $(jq -c '{packets_tx, packets_rx, lost, tier}' "$R")"; fi
	if jq -e '.params.backend == "tap" and .kmalloc_per_pkt >= 0.99 and .kmalloc_per_pkt <= 1.01
		and ([.raw.kmalloc_sites[] | select(.func == "virtqueue_add_split") | .allocs] | add) == .packets_tx' "$R" >/dev/null; then
		pass "split-tap: kmalloc_per_pkt $(jq -r .kmalloc_per_pkt "$R") at virtqueue_add_split"
	else fail "split-tap kmalloc: $(jq -c '{kmalloc_per_pkt, backend: .params.backend, sites: [.raw.kmalloc_sites[] | select(.func | test("virtqueue")) | {site, allocs}]}' "$R")"; fi
else
	fail "split-tap boot failed: $(grep -m1 ERROR "$T/tap.log")"
fi
if ip netns list | grep -q '^rsvm-labtest-'; then fail "a rsvm-labtest-* netns was left behind"; else pass "no tap netns left"; fi

# ---- 2. notifications against load
if OUT=$T/notify KIMAGE=$IMG RATES="1000 0" EVENT_IDXS=on SECONDS_RUN=2 \
	bash "$ROOT/tests/vm/vm-notify.sh" >"$T/notify.log" 2>&1; then
	P=$T/notify/raw/on-r1/points.ndjson
	if [ "$(wc -l <"$P")" = 2 ] && jq -se 'all(.final.lost == 0 and .final.packets_tx > 0 and .tx_kicks != null
		and .tx_irqs != null and .tx_kicks <= .final.packets_tx and .tx_irqs <= .final.packets_tx)' "$P" >/dev/null; then
		pass "notify: 2 loads, nothing lost, kicks and irqs counted: $(jq -sc 'map({rate, sent: .final.packets_tx, tx_kicks, tx_irqs})' "$P")"
	else fail "notify points: $(jq -sc 'map({rate, sent: .final.packets_tx, lost: .final.lost, tx_kicks, tx_irqs})' "$P" 2>&1)"; fi
	if jq -se '(.[0].final.packets_tx / (.[0].tx_irqs + .[0].rx_irqs)) < (.[1].final.packets_tx / (.[1].tx_irqs + .[1].rx_irqs))' "$P" >/dev/null; then
		pass "notify: more packets per interrupt at full rate than at 1000 pps"
	else fail "notify: no batching at full rate: $(jq -sc 'map({rate, sent: .final.packets_tx, tx_irqs, rx_irqs})' "$P")"; fi
	[ -s "$T/notify/table.md" ] && pass "notify: table.md written" || fail "notify: no table.md"
else
	fail "vm-notify failed: $(grep -m1 ERROR "$T/notify.log")"
fi
[ "$fails" = 0 ]
