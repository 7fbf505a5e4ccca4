# Guest half of tests/lab/test_virtio72_cache_boot.sh (vm-run.sh BIND=zc WORKLOAD=cmd GUEST_CMD):
# life-cycle paths of the virtqueue while AF_XDP zero-copy TX floods eth0 -> eth1. Every
# "RSCHK PASS|FAIL name: detail" line is one check; the host turns them into PASS:/FAIL: lines.
#   - ring resize (ETHTOOL_SRINGPARAM: virtqueue_resize, TX and RX) during the flood;
#   - XSK unbind/rebind (the socket closed, a new one bound) and traffic again;
#   - link flap during the flood (gen stops on the flap by design), then traffic again;
#   - driver unbind/bind of eth0's device (vring_del_virtqueue, probe: the queues made anew);
#   - no WARNING/BUG/Oops/KASAN/kmemleak report in the kernel log.
# rs_ringparam comes from tests/helpers (GUEST_BINS). RX_BIND (zc, or copy: set by the host
# for swiotlb=force, where a zero-copy receiver gets nothing on stock 7.2.13 either) is how
# gen rx binds on eth1; the sender is always zero-copy. RING (split or packed: set by the host
# with PACKED=) is the ring layout eth0 must have negotiated. IN_ORDER=on (set by the host with
# vm-run.sh IN_ORDER=on) also checks that eth0 negotiated VIRTIO_F_IN_ORDER. FLOOD_RATE
# (packets/s, 0 = unlimited: set by the host per kernel) is the floods' rate.
RX_BIND=${RX_BIND:-zc}
RING=${RING:-split}
IN_ORDER=${IN_ORDER:-off}
FLOOD_RATE=${FLOOD_RATE:-0}
ck() { if [ "$2" = 0 ]; then echo "RSCHK PASS $1: $3"; else echo "RSCHK FAIL $1: $3"; fi; }
# VIRTIO_F_RING_PACKED is feature bit 34: the 35th character of the device's features in sysfs
feat=$(cat /sys/class/net/eth0/device/features 2>/dev/null)
got=split
[ "$(printf '%s' "$feat" | cut -c35)" = 1 ] && got=packed
[ "$got" = "$RING" ]
ck "$RING ring negotiated" $? "eth0 runs the $got ring (features $feat)"
# VIRTIO_F_IN_ORDER is feature bit 35: the 36th character
if [ "$IN_ORDER" = on ]; then
	[ "$(printf '%s' "$feat" | cut -c36)" = 1 ]
	ck "in_order negotiated" $? "eth0 feature bit 35 is $(printf '%s' "$feat" | cut -c36)"
fi
zc_ok() { grep -q 'zero-copy' "$1"; }
# running PID: PID exists and is no zombie (an exited job the shell has not reaped yet)
running() { [ -e "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }
# flood LOG: zero-copy TX on eth0 at FLOOD_RATE, in the background (pid in $FP), with no end of
# its own: it runs until flood_stop (or a link flap) ends it, so the steps meant to run during the
# flood do, however slow the guest. A flood bounded by -d raced them: on the debug kernel (one
# vCPU, the flood's NAPI work in softirq) rs-ready's poll loop took longer than the flood itself.
flood() { ringscope gen tx -i eth0 --bind zc -s 64 -r "$FLOOD_RATE" --no-pin >"$1" 2>&1 & FP=$!; rs-ready tx "$1" 'tx on eth0' $FP || exit 1; }
# flood_stop: end a flood that still runs with SIGINT and reap it; returns its exit status
# (0 when it ended on the signal: an unbounded gen takes it as its normal end)
flood_stop() { running $FP && kill -INT $FP; wait $FP; }
# burst TAG: 2000 packets eth0 -> eth1, all must arrive and verify (gen rx's own count, from its JSON: a
# receiver that ends by its -d limit exits 0 whatever it got)
burst() {
	ringscope gen rx -i eth1 --bind "$RX_BIND" --xdp-mode native -s 64 -n 2000 -d 40 --no-pin --json >/tmp/rx.$1 2>/tmp/rxe.$1 &
	rp=$!
	rs-ready rx /tmp/rxe.$1 'rx on eth1' $rp || exit 1
	ringscope gen tx -i eth0 --bind zc -s 64 -n 2000 -r 2000 --no-pin >/tmp/tx.$1 2>&1
	t=$?
	wait $rp
	r=$?
	fin=$(grep '"type":"final"' /tmp/rx.$1 | tail -n 1)
	got=$(echo "$fin" | sed -n 's/.*"packets_rx":\([0-9]*\).*/\1/p')
	bad=$(echo "$fin" | sed -n 's/.*"corrupt":\([0-9]*\).*/\1/p')
	zc_ok /tmp/tx.$1 && [ $t = 0 ] && [ $r = 0 ] && [ "$got" = 2000 ] && [ "$bad" = 0 ]
	ck "traffic $1" $? "tx rc $t rx rc $r, received ${got:-none} of 2000 ($RX_BIND receiver), corrupt ${bad:-none}: $(grep -m1 'zero-copy' /tmp/tx.$1 | cut -c1-60) | $(grep -m1 'drops' /tmp/rxe.$1 | cut -c1-100)"
}
echo "rings before: $(rs_ringparam eth0)"
burst before
# resize TX and RX of eth0 while the flood runs
flood /tmp/flood1
ok=0; steps=""
# within the lab's maximum of 256 entries (vm-run.sh QUEUE_SIZE)
for set in "0 128" "0 64" "0 256" "0 32" "128 0" "256 0" "0 256"; do
	# shellcheck disable=SC2086  # "RX TX"
	if ! e=$(rs_ringparam eth0 $set 2>&1); then ok=1; steps="$steps [$set: $e]"; fi
	sleep 1
done
ck "ring resize under zero-copy flood" $ok "7 resizes (TX 128 64 256 32, RX 128 256, TX 256), now $(rs_ringparam eth0 2>&1)$steps"
# the resizes were under the flood only if it still runs now; it ends on our signal, exit 0
alive=0; running $FP || alive=1
flood_stop; rc=$?
echo "flood1: $(tail -n 2 /tmp/flood1 | tr '\n' ' ')"
zc_ok /tmp/flood1 && [ $alive = 0 ] && [ $rc = 0 ]
ck "flood during resize was zero-copy" $? "still running after the resizes: $([ $alive = 0 ] && echo yes || echo no), exit $rc: $(grep -m1 'tx on' /tmp/flood1)"
burst after-resize
# XSK unbind/rebind: three short sockets in a row, then traffic
ok=0
for i in 1 2 3; do
	ringscope gen tx -i eth0 --bind zc -s 1500 -n 500 --no-pin >/tmp/rebind 2>&1 || ok=1
	zc_ok /tmp/rebind || ok=1
done
ck "XSK unbind/rebind" $ok "$(tail -n 1 /tmp/rebind)"
burst after-rebind
# link flap during the flood: gen was flooding when the link went down if it then either
# reported the flap ("eth0 went down during the run", by design) or still ran after the link
# came back and ended on our signal
flood /tmp/flood2
ip link set eth0 down; sleep 1; ip link set eth0 up
i=0; while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
flood_stop; rc=$?
zc_ok /tmp/flood2 && { grep -q 'eth0 went down during the run' /tmp/flood2 || [ $rc = 0 ]; }
ck "link flap during flood" $? "gen exit $rc: $(tail -n 1 /tmp/flood2 | cut -c1-100)"
burst after-flap
# driver unbind/bind: eth0's virtio device loses and regains its queues
dev=$(basename "$(readlink /sys/class/net/eth0/device)")
u=0; echo "$dev" >/sys/bus/virtio/drivers/virtio_net/unbind || u=1
b=0; echo "$dev" >/sys/bus/virtio/drivers/virtio_net/bind || b=1
i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ip link set eth0 up
i=0; while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ $u = 0 ] && [ $b = 0 ] && [ -e /sys/class/net/eth0 ]
ck "driver unbind/bind of $dev" $? "unbind rc $u bind rc $b, eth0 $(cat /sys/class/net/eth0/operstate 2>/dev/null)"
burst after-rebind-driver
echo "rings after: $(rs_ringparam eth0)"
# the cache is optional: a queue without it says so once ("no memory for the indirect table
# cache"), which with this much memory would be a bug
unc=$(dmesg | grep -c 'indirect table cache')
dmesg | grep -E 'indirect table cache' | head -n 3
ck "no uncached queue" "$unc" "$unc notices"
# On a kernel with kmemleak (make kernel-debug) a scan finds no unreferenced object; what it
# reports is printed in full (backtraces). An object is reported once it is older than 5 s and
# unreferenced in two scans in a row.
# A scan request fails (EPERM) once kmemleak has disabled itself (e.g. its pool ran out): then
# nothing was scanned and 0 objects would mean nothing.
if [ -e /sys/kernel/debug/kmemleak ]; then
	s=0
	echo scan >/sys/kernel/debug/kmemleak || s=1
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak || s=1
	leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
	[ $s = 0 ] && [ "$leaks" = 0 ]
	ck "kmemleak scan" $? "two scans $([ $s = 0 ] && echo ran || echo 'refused: kmemleak is disabled'), $leaks unreferenced objects"
	cat /sys/kernel/debug/kmemleak
fi
# lockdep and DMA-API debug report through WARNING and BUG lines; the "DMA-API:" lines that are
# no WARN() say the checker itself gave up. kmemleak's own boot line is no report.
report='WARNING|BUG|Oops|KASAN|suspected memory leak|cut here|general protection|DMA-API: (debugging out of memory|exceeded|cacheline tracking)'
bad=$(dmesg | grep -cE "$report")
# ... in the whole log: a wrapped log buffer lost its start, and with it any early report
first=$(dmesg | head -n 1 | cut -c1-14)
whole=0
[ "$first" = "[    0.000000]" ] || whole=1
[ "$bad" = 0 ] && [ $whole = 0 ]
ck "no kernel warning" $? "$bad report lines in dmesg$([ $whole = 0 ] || echo ", which lost its start (first line at '$first'): boot with log_buf_len=")"
dmesg | grep -E -A40 "$report" | head -n 200
