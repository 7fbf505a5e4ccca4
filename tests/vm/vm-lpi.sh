#!/usr/bin/env bash
# make vm-lpi: LPI injection through the vgic-its translation cache, kernels
#   6.1 stock    our arm64 6.1 build without kernel-patches/6.1 (one LRU per VM)
#   6.1 sharded  the same tree and config with the series (8 shards at >= 8 vCPUs)
#   7.2          Debian's stock arm64 kernel (upstream since 6.10: per-ITS xarray, RCU;
#                6.12, the same cache, with KERNELS="... 6.12")
# One arm64 guest boot per (round, guest -smp, kernel), variant order rotating
# each round; inside it, for every K in KS (tests/vm/lpi/sweep-guest.sh):
# lpi-load alone (untraced rate, user-space write latency), then beside
# trace --lpi --tier TIER (hits/misses, irqfd_wakeup -> injected, lock
# contention, and the cache's shape and shard count read from the kernel).
# lpi-load: K injector threads pinned across the guest's CPUs, K devices x
# EVENTS events, VCPUS vCPUs in the nested VM (they never run; the sharded
# series sizes its shards from them).
#
#   OUT=results/lpi ROUNDS=5 KS="1 4 10 32" SMPS="2 4" VCPUS=8 EVENTS=1 SECS=2 \
#     TIER=kprobe KERNELS="6.1-stock 6.1-sharded 7.2" tests/vm/vm-lpi.sh
# Results: OUT/runs.ndjson (one line per run and K), OUT/lpi-table.txt and the
# A/B statistics of 6.1 sharded vs 6.1 stock (tests/vm/lpi/report.sh).
# The 6.1 Images come from kernel-patches/build-arm64-kernels.sh (~50 min once).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-results/lpi}
ROUNDS=${ROUNDS:-5}
KS=${KS:-1 4 10 32}
SMPS=${SMPS:-2 4}
VCPUS=${VCPUS:-8}
EVENTS=${EVENTS:-1}
SECS=${SECS:-2}
TIER=${TIER:-kprobe}
KERNELS=${KERNELS:-6.1-stock 6.1-sharded 7.2}
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}

die() { echo "vm-lpi: ERROR: $*" >&2; exit 1; }
for v in ROUNDS VCPUS EVENTS SECS; do [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"; done
for k in $KS; do [[ "$k" =~ ^[1-9][0-9]*$ ]] || die "KS must list positive integers (got '$k')"; done
for s in $SMPS; do [[ "$s" =~ ^[1-9]$ ]] || die "SMPS must list guest vCPU counts 1-9 (got '$s')"; done
case "$TIER" in fentry | kprobe) ;; *) die "TIER must be kprobe or fentry (6.1 arm64 has no fentry: kprobe compares all rows)" ;; esac
# label -> KERNEL VARIANT KIMAGE for vm-run.sh
variants=()
for label in $KERNELS; do
	case "$label" in
	6.1-stock | 6.1-sharded)
		v=${label#6.1-}; [ "$v" = sharded ] && v=patched
		img=$CACHE/kernel/6.1-arm64/$v/Image
		[ -f "$img" ] || die "no $img: build it with bash kernel-patches/build-arm64-kernels.sh (~50 min), or leave $label out of KERNELS"
		variants+=("$label 6.1 $v $img") ;;
	6.12 | 7.2 | 7.3) variants+=("$label $label stock -") ;;
	*) die "KERNELS entries: 6.1-stock 6.1-sharded 6.12 7.2 7.3 (got '$label')" ;;
	esac
done
mkdir -p "$OUT/runs"
GUEST_CMD="KS='$KS'; VCPUS=$VCPUS; EVENTS=$EVENTS; SECS=$SECS; TIER=$TIER
$(cat "$HERE/lpi/sweep-guest.sh")"
nks=$(wc -w <<<"$KS")

for ((round = 1; round <= ROUNDS; round++)); do
	for smp in $SMPS; do
		n=${#variants[@]}
		for ((i = 0; i < n; i++)); do
			read -r label kver variant img <<<"${variants[$(((i + round) % n))]}"
			tag="r$round-smp$smp-$label"
			echo "vm-lpi: round $round -smp $smp $label (K = $KS)" >&2
			[ "$img" = - ] && img=
			if ! OUT="$OUT/runs/$tag" ARCH=arm64 KERNEL=$kver VARIANT=$variant KIMAGE=$img SMP=$smp \
				WORKLOAD=cmd GUEST_CMD="$GUEST_CMD" TIMEOUT=$((240 + nks * (2 * SECS + 60))) \
				bash "$HERE/vm-run.sh" >"$OUT/runs/$tag.log" 2>&1; then
				echo "vm-lpi: run failed: $(grep -m1 ERROR "$OUT/runs/$tag.log") (log: $OUT/runs/$tag.log)" >&2
			fi
			# One flat record per K: the untraced and the traced run side by side.
			cat "$OUT/runs/$tag"/*.out 2>/dev/null | sed -n 's/^@@LPI@@ \(untraced\|traced\) \([0-9]*\) //p' |
				jq -c --arg lab "$label" --argjson round "$round" --argjson smp "$smp" \
					'{"label": $lab, round: $round, smp: $smp} + .' |
				jq -sc 'group_by(.load.injectors // .injectors)[] | (map(select(.type == "final")) | .[0]) as $u
					| (map(select(.trace)) | .[0]) as $t | {"label": .[0].label, round: .[0].round, smp: .[0].smp,
					   k: ($u.injectors // $t.load.injectors), kernel: ($u.kernel // $t.load.kernel),
					   vcpus: ($u.vcpus // $t.load.vcpus), devices: ($u.devices // $t.load.devices),
					   events: ($u.events // $t.load.events), untraced: $u, load: $t.load, trace: $t.trace}' \
					>>"$OUT/runs.ndjson" || true
			grep -h '^@@LPI@@ error' "$OUT/runs/$tag"/*.out 2>/dev/null | sed "s/^/vm-lpi: $tag: /" >&2 || true
		done
	done
done
bash "$HERE/lpi/report.sh" "$OUT"
