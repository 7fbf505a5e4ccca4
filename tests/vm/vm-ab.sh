#!/usr/bin/env bash
# make vm-ab: does kernel B differ from kernel A, beyond the noise of the host?
#
#   A=ours:stock B=ours:patched tests/vm/vm-ab.sh                  (the defaults)
#   A=debian:6.12 B=/path/bzImage ROUNDS=10 SIZES="64 1500" tests/vm/vm-ab.sh
#   A=~/linux@v7.2 B=~/linux@HEAD tests/vm/vm-ab.sh
#   A=ours72:stock B=ours72:patched BIND=zc SMP=1 tests/vm/vm-ab.sh   (7.2, zero-copy TX)
#
# A variant is one of
#   ours:stock, ours:patched   kernel-patches/build-kernels.sh's cached 6.12 builds
#   ours72:stock, ours72:patched   the same for 7.2 (make kernel KERNEL=7.2)
#   debian:6.12, debian:6.1    Debian's image, downloaded by vm-run.sh
#   /path/to/bzImage           any image with the lab's drivers built in
#   TREE@REV                   a commit of your kernel tree, built with the lab's
#                              config fragment and cached by commit hash
#                              (tests/vm/build-tree-kernel.sh)
# Each of ROUNDS (default 5, the minimum for a verdict) rounds boots A, B and
# the A/A control A' (A again) once per ring and size, in an order that
# alternates per round (A B A', then A' B A) so host drift hits all three. One
# boot runs the untraced throughput run (RATE_UNTRACED, default unlimited) and
# then the traced run (RATE, default 1000 pps): vm-run.sh TRACE=both.
# ACCEL=icount (default) makes guest time count guest instructions; ACCEL=tcg
# is wall-clock TCG (see docs/ab.md for the measured A/A spread of both).
# TX_MODE=timer gives both NICs qemu's timer-driven TX (tx=timer): under icount
# qemu then transmits at guest-clock deadlines instead of in a main-loop bottom
# half that runs whenever the host schedules it (docs/ab.md).
#
# BIND=zc runs every boot with vm-run.sh BIND=zc: AF_XDP zero-copy TX through
# virtio-net's virtnet_xsk_xmit on modern devices with iommu_platform=on (7.x
# kernels only; the lab-zc.jq schema, with DMA map counts per packet). Its
# "split" and "packed" cells are modern devices on the hub; copy mode (the
# default, BIND=copy) keeps the cells below.
#
# RINGS names the device cells, one comparison each:
#   split        legacy split-ring device on the qemu hub (header in its own descriptor)
#   packed       packed ring, modern device, qemu hub (one descriptor per packet there)
#   split-tap    modern split-ring device on a tap backend (vnet header: header + fragment)
#   packed-tap   packed ring, modern device, tap backend
#
# OUT/<ring>-<size>/ gets: raw/r<round>-<A|B|A2>/ (the lab JSON, NDJSON and
# console of every boot), A.txt B.txt A2.txt (per-round samples), table.txt
# (the text table, also printed), ab.json, and with gnuplot ratios.svg and
# latency.svg.
#
#   OUT=results/ab ROUNDS=5 RINGS=split SIZES=64 SECONDS_RUN=5 RATE=1000
#   RATE_UNTRACED=0 ACCEL=icount TX_MODE=bh SMP=2 ALPHA=0.05 BIND=copy
#   tests/vm/vm-ab.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
A=${A:-ours:stock}
B=${B:-ours:patched}
OUT=${OUT:-results/ab}
ROUNDS=${ROUNDS:-5}
RINGS=${RINGS:-split}
SIZES=${SIZES:-64}
SECONDS_RUN=${SECONDS_RUN:-5}
RATE=${RATE:-1000}
RATE_UNTRACED=${RATE_UNTRACED:-0}
ACCEL=${ACCEL:-icount}
TX_MODE=${TX_MODE:-bh}
SMP=${SMP:-2}
ALPHA=${ALPHA:-0.05}
BIND=${BIND:-copy}
if [ "$BIND" = zc ]; then
	KEY_FUNCS=${KEY_FUNCS:-virtqueue_add_outbuf_premapped detach_buf_split_in_order}
else
	KEY_FUNCS=${KEY_FUNCS:-virtqueue_add_outbuf detach_buf_split detach_buf_packed}
fi
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
RINGSCOPE=${RINGSCOPE:-$REPO/ringscope}
die() { echo "vm-ab: ERROR: $*" >&2; exit 1; }
say() { echo "vm-ab: $*" >&2; }

# ---- checks before any side effect ------------------------------------------
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] || die "ROUNDS must be a positive integer (got '$ROUNDS')"
[ "$ROUNDS" -ge 5 ] || say "ROUNDS=$ROUNDS: fewer than 5 rounds give no verdict (the table still shows medians and CIs)"
for r in $RINGS; do case "$r" in split | packed | split-tap | packed-tap) ;; *) die "RINGS takes split, packed, split-tap, packed-tap (got '$r')" ;; esac; done
for s in $SIZES; do [[ "$s" =~ ^[0-9]+$ ]] && [ "$s" -ge 60 ] || die "SIZES must be frame sizes >= 60 (got '$s')"; done
case "$ACCEL" in tcg | tcg-single | icount) ;; *) die "ACCEL must be icount, tcg or tcg-single (got '$ACCEL')" ;; esac
case "$TX_MODE" in bh | timer) ;; *) die "TX_MODE must be bh or timer (got '$TX_MODE')" ;; esac
case "$BIND" in copy | zc) ;; *) die "BIND must be copy or zc (got '$BIND')" ;; esac
[ -x "$RINGSCOPE" ] || die "no $RINGSCOPE: build it with 'make'"
command -v jq >/dev/null || die "jq is missing: run 'make deps'"

# variant -> "KERNEL|KIMAGE|VARIANT" for vm-run.sh (KIMAGE empty: Debian's image)
resolve() {
	local v=$1 img
	case "$v" in
	ours:stock | ours:patched)
		img=$CACHE/kernel/6.12/${v#ours:}/bzImage
		[ -f "$img" ] || die "$v needs $img: build it with 'make kernel'"
		echo "6.12|$img|${v#ours:}" ;;
	ours72:stock | ours72:patched)
		img=$CACHE/kernel/7.2/${v#ours72:}/bzImage
		[ -f "$img" ] || die "$v needs $img: build it with 'make kernel KERNEL=7.2'"
		echo "7.2|$img|${v#ours72:}" ;;
	debian:6.12 | debian:6.1) echo "${v#debian:}||stock" ;;
	ours*:* | debian:*) die "unknown variant '$v' (ours:stock, ours:patched, ours72:stock, ours72:patched, debian:6.12, debian:6.1, /path/bzImage, TREE@REV)" ;;
	*@*)
		img=$("$HERE/build-tree-kernel.sh" "${v%@*}" "${v##*@}") || die "could not build $v (see above)"
		echo "6.12|$img|custom" ;;
	*)
		[ -f "$v" ] || die "variant '$v' is neither ours:*, debian:*, TREE@REV nor an existing kernel image"
		echo "6.12|$(cd "$(dirname "$v")" && pwd)/$(basename "$v")|custom" ;;
	esac
}
SPEC_A=$(resolve "$A")
SPEC_B=$(resolve "$B")

run_one() {	# run_one DIR SPEC RING SIZE
	local dir=$1 spec=$2 ring=$3 size=$4 kernel kimage variant packed=off layout=auto backend=hub nic=
	IFS='|' read -r kernel kimage variant <<<"$spec"
	case "$ring" in packed | packed-tap) packed=on ;; esac
	case "$ring" in *-tap) layout=modern backend=tap ;; esac
	[ "$TX_MODE" = timer ] && nic=tx=timer
	mkdir -p "$dir"
	if ! OUT="$dir" KERNEL=$kernel KIMAGE="$kimage" VARIANT=$variant PACKED=$packed LAYOUT=$layout BACKEND=$backend \
		NS_TAG=${NS_TAG:-ab} NIC_EXTRA=$nic PKT_SIZE=$size SECONDS_RUN=$SECONDS_RUN RATE=$RATE \
		RATE_UNTRACED=$RATE_UNTRACED TRACE=both ACCEL=$ACCEL SMP=$SMP BIND=$BIND \
		bash "$HERE/vm-run.sh" >"$dir/vm-run.log" 2>&1; then
		tail -n 15 "$dir/vm-run.log" >&2
		die "run failed: $(grep -m1 'ERROR' "$dir/vm-run.log" || echo "see $dir/vm-run.log")"
	fi
}

mkdir -p "$OUT"
for ring in $RINGS; do
	for size in $SIZES; do
		d=$OUT/$ring-$size
		rm -rf "$d/raw" && mkdir -p "$d/raw"
		: >"$d/A.txt"; : >"$d/B.txt"; : >"$d/A2.txt"
		for ((round = 1; round <= ROUNDS; round++)); do
			order="A B A2"
			((round % 2 == 0)) && order="A2 B A"
			for slot in $order; do
				spec=$SPEC_A
				[ "$slot" = B ] && spec=$SPEC_B
				say "$ring, $size B, round $round/$ROUNDS: $slot ($([ "$slot" = B ] && echo "$B" || echo "$A")), $ACCEL, tx=$TX_MODE"
				run_one "$d/raw/r$round-$slot" "$spec" "$ring" "$size"
				res=$(find "$d/raw/r$round-$slot" -maxdepth 1 -name '*.json' ! -name '*.ndjson' | head -n 1)
				{ echo "# round $round: $(basename "$res")"; jq -r -f "$HERE/ab-flatten.jq" "$res"; } >>"$d/$slot.txt"
			done
		done
		"$RINGSCOPE" compare --a "$d/A.txt" --b "$d/B.txt" --aa "$d/A2.txt" --alpha "$ALPHA" \
			--name-a "$A" --name-b "$B" --name-aa "$A" --ab-json "$d/ab.json" >"$d/table.txt"
		{ echo "== $ring, $size B frames, BIND=$BIND, ACCEL=$ACCEL, TX_MODE=$TX_MODE, ${SECONDS_RUN} s runs (traced at $RATE pps)"; cat "$d/table.txt"; echo; }
		bash "$HERE/ab-plot.sh" "$d" "$KEY_FUNCS" || say "no SVG for $d (gnuplot missing? run 'make deps')"
	done
done
