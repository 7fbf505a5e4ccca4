#!/usr/bin/env bash
# test_vm_lpi_shards.sh - the exact-count LPI smoke on our arm64 6.1 kernels,
# stock and with kernel-patches/6.1 (the sharded translation cache), with 8
# vCPUs in the nested VM: lpi-load injects N MSIs through irqfd from 2 threads
# into 2 devices while trace --lpi counts every cached-translation call and
# reads the cache's layout from the VM's struct kvm (CO-RE):
#   hits + misses == N + L (L = the warm-up's one miss per LPI), irqfd wakeups
#   == N, every LPI pending afterwards, and the cache: stock one LRU (shards 1),
#   patched "sharded-lru" with shards == 8.
# Part of make test-lab: build-arm64-kernels.sh builds (or reuses) both Images
# first (~50 min on 2 cores when nothing is cached); each boot here ~1 min.
# timeout: 3600
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
N=${LPI_N:-3000}
fails=0
ok() { echo "PASS: $1"; }
ko() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }

[ -x "$ROOT/build/arm64/ringscope" ] || { ko lpi_shards "no $ROOT/build/arm64/ringscope (make static-arm64)"; exit 1; }
blog=$(mktemp /tmp/rs-lpi-shards-build.XXXXXX)
if ! bash "$ROOT/kernel-patches/build-arm64-kernels.sh" >"$blog" 2>&1; then
	ko lpi_shards_kernels "build-arm64-kernels.sh failed: $(tail -n 3 "$blog")"
	rm -f "$blog"
	exit 1
fi
rm -f "$blog"
OUTD=$(mktemp -d /tmp/rs-lpi-shards.XXXXXX)
trap 'rm -rf "$OUTD"' EXIT

for v in stock patched; do
	img=$CACHE/kernel/6.1-arm64/$v/Image
	[ -f "$img" ] || { ko "lpi_6.1_${v}_image" "no $img after build-arm64-kernels.sh"; continue; }
	if ! OUT=$OUTD/$v ARCH=arm64 KERNEL=6.1 TIMEOUT=600 VARIANT=$v KIMAGE=$img WORKLOAD=lpi \
		LPI_ARGS="-k 2 --devices 2 --vcpus 8 -n $N" bash "$ROOT/tests/vm/vm-run.sh" >"$OUTD/$v.log" 2>&1; then
		ko "lpi_6.1_${v}_run" "vm-run failed: $(grep -m1 ERROR "$OUTD/$v.log")"
		tail -n 30 "$OUTD/$v.log"
		continue
	fi
	cat "$OUTD/$v.log"
	R=$(ls "$OUTD/$v"/*-lpi.json | head -n 1)
	j() { jq -r "$1" "$R"; }
	L=$(j .lpi.lpis)
	[ "$(j .params.vcpus)" = 8 ] && ok "lpi_6.1_${v}_vcpus_8" || ko "lpi_6.1_${v}_vcpus_8" "vcpus $(j .params.vcpus)"
	[ "$(j .lpi.load_injections)" = "$N" ] && ok "lpi_6.1_${v}_sent_n" || ko "lpi_6.1_${v}_sent_n" "sent $(j .lpi.load_injections)"
	[ "$(j .lpi.irqfd_wakeups)" = "$N" ] && ok "lpi_6.1_${v}_irqfd_wakeups_eq_n" ||
		ko "lpi_6.1_${v}_irqfd_wakeups_eq_n" "wakeups $(j .lpi.irqfd_wakeups) != $N"
	[ "$(j '.lpi.hits + .lpi.misses')" = "$((N + L))" ] && ok "lpi_6.1_${v}_hits_plus_misses_exact" ||
		ko "lpi_6.1_${v}_hits_plus_misses_exact" "hits $(j .lpi.hits) + misses $(j .lpi.misses) != $N + $L"
	[ "$(j .lpi.lpis_pending)" = "$L" ] && ok "lpi_6.1_${v}_all_lpis_delivered" ||
		ko "lpi_6.1_${v}_all_lpis_delivered" "pending $(j .lpi.lpis_pending) of $L"
	if [ "$v" = patched ]; then want="sharded-lru 8"; else want="lru 1"; fi
	got="$(j .lpi.cache.kind) $(j .lpi.cache.shards)"
	[ "$got" = "$want" ] && ok "lpi_6.1_${v}_cache_${want// /_}" || ko "lpi_6.1_${v}_cache" "cache read from the VM: '$got', expected '$want'"
done
[ "$fails" = 0 ]
