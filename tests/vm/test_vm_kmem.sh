#!/usr/bin/env bash
# kmalloc event semantics in Debian's 6.12 and 6.1 guests (docs/trace-counts.md):
# rs_pktring makes a failing and a successful large kmalloc at packet_set_ring;
# ringscope's counts must equal the raw tracefs event stream of the same kind
# of run at that function (failed apart, the inner event of 6.12 dropped), with
# no row at __kmalloc_noprof; and a function that exists only as a compiler
# clone (finish_task_switch.isra.N) resolves and counts > 0 on the kprobe tier.
# Needs `make static` (build/static/ringscope, build/helpers/rs_pktring.static).
# timeout: 900
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN=$REPO/build/static/ringscope HELPER=$REPO/build/helpers/rs_pktring.static
fails=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
if [ ! -x "$BIN" ] || [ ! -x "$HELPER" ]; then
	fail vm_kmem "no $BIN or $HELPER: run make static"
	exit 1
fi
OUTD=$(mktemp -d /tmp/ringscope-vmkmem.XXXXXX)
trap 'rm -rf "$OUTD"' EXIT
for kver in 6.12 6.1; do
	n="vm_kmem[$kver]"
	# TIMEOUT: the guest waits for trace to be attached (rs-ready), which on a
	# loaded host took the 6.1 guest past vm-run's default 155 s.
	if ! OUT=$OUTD/$kver KERNEL=$kver WORKLOAD=cmd GUEST_CMD="$(cat "$HERE/kmem-guest.sh")" GUEST_BINS=$HELPER \
		RINGSCOPE_BIN=$BIN TIMEOUT=420 "$HERE/vm-run.sh" >"$OUTD/$kver.log" 2>&1; then
		fail "$n" "vm-run.sh failed: $(grep -m1 ERROR "$OUTD/$kver.log")"
		continue
	fi
	grep -h 'ready after' "$OUTD/$kver.log"
	out=$(ls "$OUTD/$kver"/*-cmd.out | head -n 1)
	raw=$(sed -n '/^@@RAW/,/^@@RS/p' "$out")
	final=$(sed -n '/^@@RS/,/^@@CLONE/p' "$out" | grep '"type":"final"')
	# Raw stream at packet_set_ring: "failed failed_bytes allocs bytes"
	want=$(awk '$1 == "kmalloc" && $2 ~ /^call_site=packet_set_ring\+/ {
		split($4, b, "="); if ($3 == "ptr=0000000000000000") {f++; fb += b[2]} else {a++; ab += b[2]}
	} END {print f + 0, fb + 0, a + 0, ab + 0}' <<<"$raw")
	got=$(jq -r '[.kmalloc_sites[] | select(.func == "packet_set_ring")] |
		"\(map(.failed) | add) \(map(.failed_bytes_req) | add) \(map(.allocs) | add) \(map(.bytes_req) | add)"' <<<"$final")
	inner_raw=$(grep -c '^kmalloc call_site=__kmalloc_noprof+' <<<"$raw")
	[ "$got" = "$want" ] && [ "${want%% *}" = 1 ] && pass "$n: packet_set_ring failed/bytes/allocs/bytes $got, as tracefs (inner events in tracefs: $inner_raw)" ||
		fail "$n" "packet_set_ring failed failed_bytes allocs bytes: ringscope '$got', tracefs '$want'"
	outst=$(jq '[.kmalloc_sites[] | select(.func == "packet_set_ring") | .outstanding] | add' <<<"$final")
	[ "$outst" = 0 ] && pass "$n: 0 outstanding after close" || fail "$n" "outstanding $outst"
	rows=$(jq '[.kmalloc_sites[] | select(.func | test("^__k(v)?malloc"))] | length' <<<"$final")
	[ "$rows" = 0 ] && pass "$n: no row at the kmalloc entry functions" || fail "$n" "$rows rows at kmalloc entry functions"
	clone=$(sed -n '/^@@CLONE/,/^@@END/p' "$out" | grep -m1 '^finish_task_switch\.')
	calls=$(sed -n '/^@@CLONE/,/^@@END/p' "$out" | grep '"type":"final"' | jq --arg c "$clone" '[.functions[] | select(.name == $c) | .calls] | add // 0')
	if [ -n "$clone" ] && [ "${calls:-0}" -gt 0 ] && grep -q "only as the compiler clone $clone" "$out"; then
		pass "$n: finish_task_switch resolved to $clone, kprobe tier, $calls calls"
	else
		fail "$n" "clone '$clone' calls '${calls:-}': $(sed -n '/^@@CLONE/,/^@@END/p' "$out" | tail -n 3 | tr '\n' ' ')"
	fi
done
exit $((fails > 0))
