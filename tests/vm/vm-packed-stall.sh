#!/usr/bin/env bash
# The packed-ring zero-copy TX stall of 7.2 with EVENT_IDX (docs/virtio-packed-event-idx.md):
# the same cell under the installed qemu (7.2) and bookworm-backports' qemu (10.0), interleaved.
# Per round, one boot per qemu (order alternating): vm-run.sh BIND=zc PACKED=on EVENT_IDX=on
# TRACE=off, i.e. an untraced, unlimited-rate `gen tx --bind zc` for SECONDS_RUN seconds and
# `gen rx` on eth1; prints one line per boot and the medians per qemu.
#
#   [ROUNDS=3] [VARIANT=stock] [ACCEL=icount] [EVENT_IDX=on] [PACKED=on] [SECONDS_RUN=2] [OUT=results/packed-stall]
#   [QEMUS="system backports"] tests/vm/vm-packed-stall.sh
# VARIANT=stock|patched: our own 7.2 build ($RINGSCOPE_CACHE/kernel/7.2/VARIANT/bzImage, make kernel KERNEL=7.2).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROUNDS=${ROUNDS:-3}
VARIANT=${VARIANT:-stock}
ACCEL=${ACCEL:-icount}
EVENT_IDX=${EVENT_IDX:-on}
PACKED=${PACKED:-on}
SECONDS_RUN=${SECONDS_RUN:-2}
OUT=${OUT:-results/packed-stall}
QEMUS=${QEMUS:-system backports}
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
die() { echo "vm-packed-stall: ERROR: $*" >&2; exit 1; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer (got '$ROUNDS')"
case "$VARIANT" in stock | patched) ;; *) die "VARIANT must be stock or patched (got '$VARIANT')" ;; esac
KIMAGE=$CACHE/kernel/7.2/$VARIANT/bzImage
[ -f "$KIMAGE" ] || die "no $KIMAGE: run 'make kernel KERNEL=7.2'"
for q in $QEMUS; do case "$q" in system | backports) ;; *) die "QEMUS takes system and/or backports (got '$q')" ;; esac; done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LINES=$OUT/runs.tsv
: >"$LINES"
# QEMUS in the given order on odd rounds, reversed on even ones
rev=$(echo "$QEMUS" | tr ' ' '\n' | tac | paste -sd' ')
for r in $(seq 1 "$ROUNDS"); do
	order=$QEMUS
	[ $((r % 2)) = 0 ] && order=$rev
	for q in $order; do
		d=$OUT/r$r-$q
		rm -rf "$d"
		OUT=$d KERNEL=7.2 VARIANT=$VARIANT KIMAGE=$KIMAGE BIND=zc PACKED=$PACKED EVENT_IDX=$EVENT_IDX \
			QEMU=$q TRACE=off RATE_UNTRACED=0 SECONDS_RUN=$SECONDS_RUN SMP=1 ACCEL=$ACCEL \
			TIMEOUT=${TIMEOUT:-900} bash "$HERE/vm-run.sh" >"$d.log" 2>&1 ||
			die "round $r, qemu $q: vm-run.sh failed: $(grep -m1 ERROR "$d.log") (log $d.log)"
		R=$(ls "$d"/*.json | head -n 1)
		jq -r --arg r "$r" --arg q "$q" '[$r, $q, (.qemu | capture("version (?<v>[^ ]+)").v),
			.raw.tx.tx_pps, .raw.tx.packets_tx, .raw.rx.packets_rx, .raw.tx.compl_lat_ns_p50,
			.raw.tx.compl_lat_ns_p99, .raw.tx.tx_ring_full, .guest.event_idx, .guest.packed] | @tsv' "$R" | tee -a "$LINES"
	done
done
echo "round qemu version tx_pps packets_tx packets_rx compl_p50_ns compl_p99_ns tx_ring_full event_idx packed: $LINES"
for q in $QEMUS; do
	awk -F'\t' -v q="$q" '$2 == q { print $4 }' "$LINES" | sort -g |
		awk -v q="$q" '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
			printf "qemu %s: tx_pps median %.0f, min %.0f, max %.0f (%d runs)\n", q, m, v[1], v[NR], NR }'
done
