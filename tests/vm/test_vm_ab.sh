#!/usr/bin/env bash
# timeout: 2400
# Bounded A/B of kernel-patches/6.12 (issue 5): one traced run each of the stock
# and the patched kernel, split ring, 64 B, same parameters. Both kernels are
# built from one tree and one config by kernel-patches/build-kernels.sh (cached
# in $RINGSCOPE_CACHE; ~5 min each on a quiet 2-core machine when not cached).
# Patched must allocate no indirect table per packet, stock one, no loss.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
fails=0
ok() { echo "PASS: $1"; }
ko() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
if ! bash "$REPO/kernel-patches/build-kernels.sh" >/tmp/ringscope-ab-build.log 2>&1; then
	ko ab_kernels_built "build-kernels.sh failed: $(tail -3 /tmp/ringscope-ab-build.log)"
	exit 1
fi
ok ab_kernels_built
OUTD=$(mktemp -d /tmp/ringscope-ab.XXXXXX)
trap 'rm -rf "$OUTD"' EXIT
if ! OUT=$OUTD ROUNDS=1 RINGS=split SIZES=64 MODES=traced SECONDS_RUN=${AB_SECONDS:-3} \
	bash "$HERE/vm-ab.sh" >"$OUTD/log" 2>&1; then
	ko ab_runs "vm-ab.sh failed: $(grep -m1 ERROR "$OUTD/log")"
	tail -20 "$OUTD/log"
	exit 1
fi
cat "$OUTD/log"
for v in stock patched; do
	R=$(find "$OUTD" -name "6.12*-$v-x86_64-*.json" ! -name '*.ndjson' | head -1)
	[ -n "$R" ] || { ko "ab_${v}_result" "no result file"; continue; }
	jq -e '.packets_tx > 0 and .packets_rx == .packets_tx and .lost == 0' "$R" >/dev/null &&
		ok "ab_${v}_no_loss" || ko "ab_${v}_no_loss" "$(jq -c '{packets_tx, packets_rx, lost}' "$R")"
	[ "$(jq -r .tier "$R")" = fentry ] && ok "ab_${v}_tier_fentry" || ko "ab_${v}_tier_fentry" "$(jq -r .tier "$R")"
	k=$(jq -r .kmalloc_per_pkt "$R")
	if [ $v = stock ]; then
		jq -e '.kmalloc_per_pkt >= 0.9 and .kfree_per_pkt >= 0.9' "$R" >/dev/null &&
			ok "ab_stock_kmalloc_per_pkt_$k" || ko ab_stock_kmalloc_per_pkt "kmalloc $k kfree $(jq -r .kfree_per_pkt "$R")"
	else
		jq -e '.kmalloc_per_pkt <= 0.05 and .kfree_per_pkt <= 0.05' "$R" >/dev/null &&
			ok "ab_patched_kmalloc_per_pkt_$k" || ko ab_patched_kmalloc_per_pkt "kmalloc $k kfree $(jq -r .kfree_per_pkt "$R")"
	fi
done
[ "$fails" = 0 ]
