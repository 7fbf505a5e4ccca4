# Guest half of tests/lab/test_vm_presets.sh (vm-run.sh WORKLOAD=cmd GUEST_CMD,
# GUEST_MODULES=veth): every preset of `trace -p list` on every tier, each
# under its own workload, forced with --tier. trace attaches before the
# traffic starts and detaches after it ends (attaching during traffic crashed
# multi-threaded TCG guests: docs/vm-lab.md); rs-ready (tests/vm/guest-ready.sh)
# waits for trace's header and for gen rx's "rx on" line, and when either never
# comes the script stops there: no workload runs that its observer would miss.
# Output, per run:
#   @@RUN <preset> <tier>
#   rs-ready's WAIT/READY lines (trace, then rx: guest seconds to be ready),
#   the header line trace printed, the final JSON of trace, gen tx and gen rx
# and once, first, the preset table between @@TABLE and @@RUNS.
N=${PRESET_PKTS:-300}
RATE=${PRESET_RATE:-1000}
# A veth pair in the guest for the veth workloads; busybox ip names the peer
# veth<N>, so it is found by the first end's iflink and renamed.
ip link add xa type veth || exit 1
for d in /sys/class/net/*; do
	[ "$(cat "$d/ifindex")" = "$(cat /sys/class/net/xa/iflink)" ] && peer=${d##*/}
done
ip link set "$peer" name xb || exit 1
for d in xa xb; do ip link set $d up; done
i=0
while [ "$(cat /sys/class/net/xa/carrier)$(cat /sys/class/net/xb/carrier)" != 11 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done

echo '@@TABLE'
ringscope trace -p list
echo '@@RUNS'
ringscope trace -p list | awk -F' [|] ' 'NR > 2 {sub(/^\| /, "", $1); sub(/ [|]$/, "", $6); print $1 "|" $6}' | sort -u |
while IFS='|' read -r preset workload; do
	case "$workload" in
	*virtio-net*) tx=eth0 rx=eth1 ;;
	*) tx=xa rx=xb ;;
	esac
	for tier in fentry kprobe tracepoint; do
		echo "@@RUN $preset $tier $tx $rx"
		ringscope trace -p "$preset" --tier $tier -I 3600 --json --no-pin >/tmp/t.json 2>/tmp/t.err &
		tp=$!
		rs-ready trace /tmp/t.err 'trace: tier ' $tp || exit 1
		ringscope gen rx -i $rx -n $N -d 60 --no-pin --json >/tmp/rx.json 2>/tmp/rx.err &
		rp=$!
		rs-ready rx /tmp/rx.err "rx on $rx" $rp || exit 1
		ringscope gen tx -i $tx -n $N -r $RATE --no-pin --json >/tmp/tx.json 2>/tmp/tx.err
		wait $rp
		sleep 0.3
		kill -INT $tp
		wait $tp
		echo "trace exit $?"
		grep -v '"type":"interval"' /tmp/t.err
		grep '"type":"final"' /tmp/t.json | tail -n 1
		grep '"type":"final"' /tmp/tx.json | tail -n 1
		grep '"type":"final"' /tmp/rx.json | tail -n 1
	done
done
echo '@@END'
