#!/usr/bin/env bash
# test_vm_zc_path_cost.sh (make test-lab): the BPF run time per send of `run --path msg-zerocopy`
# and `run --path vhost-tx` (docs/hop-latency.md, Cost), in one Debian 6.12 guest under qemu's
# icount (ACCEL=icount: guest time advances with guest instructions, so the figure is an
# instruction-cost one that host load barely moves; not a hardware figure). ROUNDS rounds
# (default 5), interleaved: msg-zerocopy TCP 2000 x 64 B, msg-zerocopy UDP 2000 x 1000 B, vhost-tx
# 2000 x 1500 B, each with `ringscope bpf-stats --until-exit PID` beside it
# (kernel.bpf_stats_enabled=1). Checks that each sample saw the whole run (the per-send programs ran
# once per send the kernel made: fexit msg_zerocopy_realloc == path.ubufs.sends, tun_sendmsg ==
# path.vhost.zc_sends; the 4th column then reads the sender's count) and every run
# completed its sends; prints run time / sends per round and the median and range per cell.
# One boot, ~10 min. Needs `make static`.
# timeout: 2400
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN=$REPO/build/static/ringscope
N=2000
ROUNDS=${ROUNDS:-5}
fails=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
[ -x "$BIN" ] || { fail vm_zc_path_cost "no $BIN: run make static"; exit 1; }
OUTD=$(mktemp -d /tmp/ringscope-zccost.XXXXXX)
trap '[ "${KEEP_OUT:-0}" = 1 ] || rm -rf "$OUTD"' EXIT
# cell NAME RUN-ARGS: one run beside bpf-stats; prints "== NAME", the run's final, the stats.
GUEST_CMD="sysctl -qw kernel.bpf_stats_enabled=1; mount -t bpf bpf /sys/fs/bpf 2>/dev/null
rmmod vhost_net; insmod /lib/modules/ringscope-vm/vhost_net.ko experimental_zcopytx=1
cell() { echo \"== \$1\"; shift; /bin/ringscope run \"\$@\" -d 120 --json --path-samples $N >/tmp/r.json 2>/tmp/r.err & p=\$!
	/bin/ringscope bpf-stats --until-exit \$p >/tmp/s.json; wait \$p; echo rc=\$?; cat /tmp/r.err; grep '\"type\":\"final\"' /tmp/r.json; cat /tmp/s.json; }
for r in \$(seq $ROUNDS); do
	cell mz-tcp --path msg-zerocopy --proto tcp -n $N -s 64
	cell mz-udp --path msg-zerocopy --proto udp -n $N -s 1000
	cell vhost --path vhost-tx -n $N -s 1500
done"
if ! env OUT="$OUTD" KERNEL=6.12 WORKLOAD=cmd ACCEL=icount SMP=1 GUEST_MODULES="vhost_net veth" GUEST_CMD="$GUEST_CMD" \
	RINGSCOPE_BIN="$BIN" TIMEOUT=${TIMEOUT:-2400} "$REPO/tests/vm/vm-run.sh" >"$OUTD/vm.log" 2>&1; then
	fail vm_zc_path_cost "vm-run.sh failed: $(grep -m1 ERROR "$OUTD/vm.log")"
	exit 1
fi
out=$(ls "$OUTD"/*-cmd.out | head -n 1)
# One line per run: cell, sends, per-send program runs (must == sends), BPF ns, runs, ns per send.
awk '/^== / { c = $2 } c && /"type":"final"/ { print c "\tF\t" $0 } c && /"type":"bpf_stats"/ { print c "\tS\t" $0 }' "$out" |
	while IFS=$'\t' read -r c k line; do
		if [ "$k" = F ]; then
			final=$line
			continue
		fi
		jq -r --arg c "$c" --argjson f "$final" '
			(if $c == "vhost" then "fentry_vh_tun_s" else "fexit_realloc" end) as $per |	# names cut to 15 chars
			($f | if $c == "vhost" then .sent else .sends end) as $n |
			[.programs[] | select(.name == $per) | .run_cnt] as $pc |
			# the per-send program runs once per send the kernel made (an aborted send retried: twice)
			($f.path | if $c == "vhost" then .vhost.zc_sends else .ubufs.sends end) as $k |
			"\($c) \($n) \($f.path.done) \(if ($pc | add // 0) == $k then $n else "\($pc | add // 0)!=\($k)" end) \(.observer_run_time_ns) \(.observer_run_cnt) \(.observer_run_time_ns / $n | floor)"' <<<"$line"
	done >"$OUTD/rows"
cat "$OUTD/rows"
for c in mz-tcp mz-udp vhost; do
	rows=$(grep -c "^$c " "$OUTD/rows")
	bad=$(awk -v c="$c" -v n="$N" '$1 == c && !($2 == n && $3 == n && $4 == n) { b++ } END { print b + 0 }' "$OUTD/rows")
	if [ "$rows" = "$ROUNDS" ] && [ "$bad" = 0 ]; then
		pass "vm_zc_path_cost $c: $ROUNDS runs, each $N sends done, its per-send program ran $N times (the sample saw the whole run); BPF ns per send: $(awk -v c="$c" '$1 == c { print $7 }' "$OUTD/rows" | sort -n | awk '{ v[NR] = $1 } END { printf "median %d, range %d-%d", v[int((NR + 1) / 2)], v[1], v[NR] }')"
	else
		fail "vm_zc_path_cost $c" "$rows of $ROUNDS runs, $bad incomplete (sends done per-send-runs): $(grep "^$c " "$OUTD/rows" | tr '\n' ';')"
	fi
done
exit $((fails > 0))
