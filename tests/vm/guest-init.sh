#!/bin/sh
# /init of the ringscope VM-lab initramfs (busybox sh; runs as PID 1 in the guest).
# Built into the cpio by tests/vm/vm-run.sh together with /etc/ringscope-vm.env
# (parameters), /lib/modules/ringscope-vm/*.ko + load.list, and /bin/ringscope.
#
# Console protocol (parsed by vm-run.sh; every marker starts a line):
#   @@RSVM:INIT:<runid>:<uptime>@@          /init reached (boot time)
#   @@RSVM:INFO:<runid>@@ <one JSON line>   guest facts (uname, BTF, NICs)
#   @@RSVM:BEGIN:<runid>@@                  workload NDJSON follows on stdout
#   @@RSVM:END:<runid>:<rc>@@               workload finished with exit code rc
#   @@RSVM:STDERR:<runid>@@ ... @@RSVM:STDERR-END:<runid>@@   workload stderr tail
#   @@RSVM:FAIL:<runid>:<reason>@@          the guest gave up before the workload
#   @@RSVM:WAIT|READY|NOTREADY:<runid>@@ ... rs-ready (tests/vm/guest-ready.sh, /bin/rs-ready)
#                                           waited for a background ringscope; NOTREADY: it
#                                           never got ready and the workload was not started
# Then the guest powers off (ACPI) or reboots (qemu runs with -no-reboot, so both end qemu).

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /sbin /usr/bin /usr/sbin
/bin/busybox --install -s

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# The kernel opened /dev/console from the cpio; re-open it from devtmpfs in case it was missing.
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
mkdir -p /sys/fs/bpf /sys/kernel/tracing /sys/kernel/debug /dev/pts /dev/shm
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null

RUNID=norunid
WORKLOAD=ringscope
[ -f /etc/ringscope-vm.env ] && . /etc/ringscope-vm.env

uptime_s() { cut -d' ' -f1 /proc/uptime; }
finish() {
	sync
	# Without ACPI (our tinyconfig x86 kernels) power-off halts the CPUs
	# instead ("Power off not available: System halted instead") and qemu
	# never exits: reboot, which -no-reboot turns into qemu exiting.
	if [ "$(uname -m)" = x86_64 ] && [ ! -d /sys/firmware/acpi ]; then
		reboot -f
	else
		poweroff -f
	fi
	sleep 2
	reboot -f
	sleep 5
	echo o > /proc/sysrq-trigger
}
fail() {
	echo "@@RSVM:FAIL:$RUNID:$*@@"
	finish
}

echo "@@RSVM:INIT:$RUNID:$(uptime_s)@@"

# Keep kernel messages off the console while results are printed (only emergencies).
echo "${GUEST_PRINTK:-1}" > /proc/sys/kernel/printk

# Modules, in dependency order (empty list for kernels with everything built in).
if [ -f /lib/modules/ringscope-vm/load.list ]; then
	while read -r m; do
		[ -n "$m" ] || continue
		insmod "/lib/modules/ringscope-vm/$m" || fail "insmod $m failed"
	done < /lib/modules/ringscope-vm/load.list
fi

# Wait for both NICs (virtio-net probing is asynchronous with respect to insmod on some kernels).
i=0
while [ ! -e /sys/class/net/eth0 ] || [ ! -e /sys/class/net/eth1 ]; do
	i=$((i + 1))
	[ $i -gt 200 ] && fail "eth0/eth1 did not appear: $(ls /sys/class/net | tr '\n' ' ')"
	sleep 0.1
done

# No IPv6 autoconfiguration chatter (RS/DAD frames) on the closed loop.
for f in /proc/sys/net/ipv6/conf/default/disable_ipv6 /proc/sys/net/ipv6/conf/all/disable_ipv6; do
	[ -w "$f" ] && echo 1 > "$f"
done
MTU=${GUEST_MTU:-1500}
for d in eth0 eth1; do
	ip link set "$d" mtu "$MTU" || fail "ip link set $d mtu $MTU"
	ip link set "$d" up || fail "ip link set $d up"
done
# Wait for carrier on both ends.
i=0
while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] || [ "$(cat /sys/class/net/eth1/carrier 2>/dev/null)" != 1 ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.1
done

jbool() { if [ -e "$1" ]; then echo true; else echo false; fi; }
jstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
drv() { basename "$(readlink "/sys/class/net/$1/device/driver" 2>/dev/null)" 2>/dev/null; }
features() { cat "/sys/class/net/$1/device/features" 2>/dev/null; }
# virtio feature bits (string of 0/1, bit 0 first): 28 INDIRECT_DESC, 29 EVENT_IDX, 34 RING_PACKED, 35 IN_ORDER
featbit() { f=$(features "$1"); [ -n "$f" ] || { echo null; return; }; b=$(echo "$f" | cut -c$(($2 + 1))); [ "$b" = 1 ] && echo true || echo false; }

echo "@@RSVM:INFO:$RUNID@@ {\"uname_r\":$(jstr "$(uname -r)"),\"uname_m\":$(jstr "$(uname -m)"),\"proc_version\":$(jstr "$(cat /proc/version)"),\"init_uptime_s\":$(uptime_s),\"nproc\":$(nproc),\"btf_vmlinux\":$(jbool /sys/kernel/btf/vmlinux),\"btf_virtio_net\":$(jbool /sys/kernel/btf/virtio_net),\"tracefs\":$(jbool /sys/kernel/tracing/events),\"eth0_mac\":$(jstr "$(cat /sys/class/net/eth0/address)"),\"eth1_mac\":$(jstr "$(cat /sys/class/net/eth1/address)"),\"eth0_driver\":$(jstr "$(drv eth0)"),\"mtu\":$(cat /sys/class/net/eth0/mtu),\"eth0_virtio_features\":$(jstr "$(features eth0)"),\"indirect_desc\":$(featbit eth0 28),\"event_idx\":$(featbit eth0 29),\"packed\":$(featbit eth0 34),\"in_order\":$(featbit eth0 35),\"eth1_virtio_features\":$(jstr "$(features eth1)")}"

# The guest's CPU time in USER_HZ ticks (10 ms on x86_64 and arm64), from
# /proc/stat's first line: "user system irq softirq idle" (user with nice,
# system with steal, idle with iowait). Around the run without probes,
# cpu_json prints {"type":"cpu_untraced",...}: the deltas, and busy = all but
# idle. Under icount guest time counts guest instructions (docs/ab.md, "A cost
# measure the host cannot move").
cpu_ticks() {
	read -r _ u n s i w q sq st _ </proc/stat
	echo "$((u + n)) $((s + st)) $q $sq $((i + w))"
}
cpu_json() {
	set -- $1 $2
	echo "{\"type\":\"cpu_untraced\",\"user_ticks\":$(($6 - $1)),\"system_ticks\":$(($7 - $2)),\"irq_ticks\":$(($8 - $3)),\"softirq_ticks\":$(($9 - $4)),\"idle_ticks\":$((${10} - $5)),\"busy_ticks\":$(($6 + $7 + $8 + $9 - $1 - $2 - $3 - $4)),\"user_hz\":100,\"ncpu\":$(nproc)}"
}

case "$WORKLOAD" in
loopcheck)
	# Busybox-only check that frames sent on eth0 arrive on eth1 (closed qemu hub).
	# Link-local addresses exist only inside this guest; the hub has no other port.
	ip addr add 169.254.77.1/24 dev eth0
	ip addr add 169.254.77.2/24 dev eth1
	rx0=$(cat /sys/class/net/eth1/statistics/rx_packets)
	tx0=$(cat /sys/class/net/eth0/statistics/tx_packets)
	arping -I eth0 -c "${LOOP_COUNT:-5}" -w 5 169.254.77.2 > /tmp/arping.out 2>&1
	arc=$?
	rx1=$(cat /sys/class/net/eth1/statistics/rx_packets)
	tx1=$(cat /sys/class/net/eth0/statistics/tx_packets)
	echo "@@RSVM:BEGIN:$RUNID@@"
	echo "{\"type\":\"final\",\"workload\":\"loopcheck\",\"eth0_tx_delta\":$((tx1 - tx0)),\"eth1_rx_delta\":$((rx1 - rx0)),\"arping_rc\":$arc,\"arping\":$(jstr "$(tail -n 2 /tmp/arping.out | tr '\n' ' ')")}"
	echo "@@RSVM:END:$RUNID:0@@"
	;;
ringscope)
	[ -x /bin/ringscope ] || fail "no /bin/ringscope in the initramfs"
	ulimit -l unlimited 2>/dev/null
	echo "@@RSVM:BEGIN:$RUNID@@"
	rc=0
	: >/tmp/ringscope.err
	if [ "${TRACE:-on}" = both ]; then
		# Throughput first, with no probe attached, in the same boot; its
		# final object is renamed so the traced run's stays "final".
		c0=$(cpu_ticks)
		# shellcheck disable=SC2086  # RS_EXTRA_ARGS is a word list on purpose
		/bin/ringscope run -i eth0 --peer eth1 --size "$PKT_SIZE" --duration "$SECONDS_RUN" \
			--rate "${RATE_UNTRACED:-0}" --no-trace --json $RS_EXTRA_ARGS >/tmp/untraced.json 2>>/tmp/ringscope.err
		rc=$?
		cpu_json "$c0" "$(cpu_ticks)"
		sed -n 's/"type":"final"/"type":"final_untraced"/p' /tmp/untraced.json
	fi
	if [ "${TRACE:-on}" = off ]; then
		TRACE_ARGS="--no-trace"
	else
		TRACE_ARGS="${RS_PRESET:+--preset $RS_PRESET} --kmalloc"
		# Observer cost: the kernel then counts run time and runs of every
		# BPF program (read by bpf_stats below; costs two clock reads per run).
		[ -w /proc/sys/kernel/bpf_stats_enabled ] && echo 1 >/proc/sys/kernel/bpf_stats_enabled
	fi
	if [ $rc = 0 ]; then
		c0=$(cpu_ticks)
		# shellcheck disable=SC2086  # TRACE_ARGS is a word list on purpose
		/bin/ringscope run -i eth0 --peer eth1 --size "$PKT_SIZE" --duration "$SECONDS_RUN" \
			--rate "$RATE" $TRACE_ARGS --json $RS_EXTRA_ARGS >/tmp/run.json 2>>/tmp/ringscope.err &
		rp=$!
		# The BPF programs die with the run: sample them until it exits.
		[ "${TRACE:-on}" = off ] || /bin/ringscope bpf-stats --until-exit $rp >/tmp/bpf_stats.json 2>>/tmp/ringscope.err
		wait $rp
		rc=$?
		[ "${TRACE:-on}" = off ] && cpu_json "$c0" "$(cpu_ticks)"
		cat /tmp/run.json /tmp/bpf_stats.json 2>/dev/null
	fi
	echo "@@RSVM:END:$RUNID:$rc@@"
	echo "@@RSVM:STDERR:$RUNID@@"
	tail -n 40 /tmp/ringscope.err
	echo "@@RSVM:STDERR-END:$RUNID@@"
	;;
lpi)
	# arm64 KVM: trace --lpi watches while lpi-load injects MSIs into vgic-its
	# LPIs; one combined final object {load, trace} comes back.
	[ -e /dev/kvm ] || fail "no /dev/kvm in the guest (qemu needs -M virt,virtualization=on)"
	ulimit -l unlimited 2>/dev/null
	/bin/ringscope trace --lpi --json -I 3600 --no-pin >/tmp/trace.json 2>/tmp/ringscope.err &
	tp=$!
	rs-ready trace /tmp/ringscope.err 'trace: tier ' $tp || finish
	# shellcheck disable=SC2086  # LPI_ARGS is a word list on purpose
	/bin/ringscope lpi-load $LPI_ARGS --json >/tmp/load.json 2>>/tmp/ringscope.err
	rc=$?
	kill -INT $tp 2>/dev/null
	wait $tp || rc=$?
	echo "@@RSVM:BEGIN:$RUNID@@"
	load=$(grep '"type":"final"' /tmp/load.json | tail -n 1)
	trace=$(grep '"type":"final"' /tmp/trace.json | tail -n 1)
	[ -n "$load" ] && [ -n "$trace" ] &&
		echo "{\"type\":\"final\",\"workload\":\"lpi\",\"load\":$load,\"trace\":$trace}"
	echo "@@RSVM:END:$RUNID:$rc@@"
	echo "@@RSVM:STDERR:$RUNID@@"
	tail -n 40 /tmp/ringscope.err
	echo "@@RSVM:STDERR-END:$RUNID@@"
	;;
xsk-zc)
	# BIND=zc (tests/vm/bind-zc.sh): gen rx on eth1, gen tx --bind zc on eth0, RATE x SECONDS_RUN
	# packets, while trace -f counts the zero-copy path (virtqueue_add_outbuf_premapped) and the
	# copy path (__xsk_generic_xmit, start_xmit). The receiver is zero-copy too: a copy-mode
	# socket calls __xsk_generic_xmit from every poll(), even with nothing to send, and that
	# count must stay 0 for a fallback of the sender to show. trace attaches BEFORE the traffic: an
	# fentry attached to virtnet_poll_tx during zero-copy traffic crashed multi-threaded TCG
	# guests (docs/vm-lab.md, "Linux 7.2 and zero-copy TX"). One final object comes back.
	# TRACE=both: first an untraced run (nothing attached) of SECONDS_RUN at RATE_UNTRACED
	# (0 = unlimited) for throughput, its object typed "final_untraced"; TRACE=off: only that
	# kind of run, as the final object.
	ulimit -l unlimited 2>/dev/null
	n=$((RATE * SECONDS_RUN))
	# dma_map_phys/dma_unmap_phys (7.x: every streaming map/unmap of the DMA API ends there);
	# virtqueue_map_single_attrs: virtio_ring maps an indirect table through it (vring_map_single),
	# and nothing else calls it per packet (virtio-net maps its XSK header once, at bind).
	funcs=virtqueue_add_outbuf_premapped,__xsk_generic_xmit,start_xmit,virtnet_xsk_wakeup,virtnet_poll_tx,detach_buf_split_in_order,xsk_tx_completed,dma_map_phys,dma_unmap_phys,virtqueue_map_single_attrs
	rc=0
	# gen's own line: "tx on eth0 queues 0 (zero-copy, 64 B packets)"
	bind_of() { sed -n 's/^.*tx on eth0 queues [0-9-]* (\([a-z-]*\), .*$/\1/p' "$1" | head -n 1; }
	final_of() { grep '"type":"final"' "$1" 2>/dev/null | tail -n 1; }
	untraced=
	if [ "${TRACE:-on}" != on ]; then
		# the receiver runs until the sender is done, then is stopped (an unbounded run's normal end)
		/bin/ringscope gen rx -i eth1 --bind zc --xdp-mode native -s "$PKT_SIZE" --no-pin --json >/tmp/rx0.json 2>/tmp/rx0.err &
		rp=$!
		rs-ready rx /tmp/rx0.err 'rx on eth1' $rp || finish
		/bin/ringscope gen tx -i eth0 --bind zc -s "$PKT_SIZE" -d "$SECONDS_RUN" -r "${RATE_UNTRACED:-0}" --no-pin --json >/tmp/tx0.json 2>/tmp/tx0.err || rc=$?
		sleep 1
		kill -INT $rp 2>/dev/null
		wait $rp || rc=$?
		tx0=$(final_of /tmp/tx0.json)
		rx0=$(final_of /tmp/rx0.json)
		[ -n "$tx0" ] && [ -n "$rx0" ] &&
			untraced="{\"workload\":\"xsk-zc\",\"bind\":$(jstr "$(bind_of /tmp/tx0.err)"),\"tx\":$tx0,\"rx\":$rx0,\"trace\":null}"
	fi
	: >/tmp/trace.err
	if [ "${TRACE:-on}" != off ] && [ $rc = 0 ]; then
		# shellcheck disable=SC2086  # RS_EXTRA_ARGS is a word list on purpose
		/bin/ringscope trace -f "$funcs" --kmalloc --json -I 3600 --no-pin $RS_EXTRA_ARGS >/tmp/trace.json 2>/tmp/trace.err &
		tp=$!
		rs-ready trace /tmp/trace.err 'trace: tier ' $tp || finish
		# the receiver is ready once it has printed its "rx on eth1" line
		/bin/ringscope gen rx -i eth1 --bind zc --xdp-mode native -s "$PKT_SIZE" -n "$n" -d $((SECONDS_RUN + 30)) --no-pin --json >/tmp/rx.json 2>/tmp/rx.err &
		rp=$!
		rs-ready rx /tmp/rx.err 'rx on eth1' $rp || finish
		/bin/ringscope gen tx -i eth0 --bind zc -s "$PKT_SIZE" -n "$n" -r "$RATE" --no-pin --json >/tmp/tx.json 2>/tmp/tx.err || rc=$?
		wait $rp || rc=$?
		kill -INT $tp 2>/dev/null
		wait $tp || rc=$?
	fi
	tx=$(final_of /tmp/tx.json)
	rx=$(final_of /tmp/rx.json)
	trace=$(final_of /tmp/trace.json)
	echo "@@RSVM:BEGIN:$RUNID@@"
	case "${TRACE:-on}" in
	off) [ -n "$untraced" ] && echo "{\"type\":\"final\",${untraced#\{}" ;;
	*)
		[ -n "$untraced" ] && echo "{\"type\":\"final_untraced\",${untraced#\{}"
		[ -n "$tx" ] && [ -n "$rx" ] &&
			echo "{\"type\":\"final\",\"workload\":\"xsk-zc\",\"bind\":$(jstr "$(bind_of /tmp/tx.err)"),\"count\":$n,\"tx\":$tx,\"rx\":$rx,\"trace\":${trace:-null}}"
		;;
	esac
	echo "@@RSVM:END:$RUNID:$rc@@"
	echo "@@RSVM:STDERR:$RUNID@@"
	tail -n 15 /tmp/trace.err /tmp/rx0.err /tmp/tx0.err /tmp/rx.err /tmp/tx.err 2>/dev/null
	echo "@@RSVM:STDERR-END:$RUNID@@"
	;;
cmd)
	# Diagnostics: run GUEST_CMD (sh syntax) with /bin/ringscope available; output verbatim.
	ulimit -l unlimited 2>/dev/null
	echo "@@RSVM:BEGIN:$RUNID@@"
	sh -c "$GUEST_CMD" 2>&1
	rc=$?
	echo "@@RSVM:END:$RUNID:$rc@@"
	;;
shell)
	# Interactive debugging: SHELL_ON_CONSOLE via vm-run.sh (INTERACTIVE=1).
	echo "@@RSVM:BEGIN:$RUNID@@"
	setsid cttyhack sh
	echo "@@RSVM:END:$RUNID:0@@"
	;;
*)
	fail "unknown WORKLOAD=$WORKLOAD"
	;;
esac
finish
