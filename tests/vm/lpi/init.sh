#!/bin/busybox sh
# /init of the arm64 lpi-load guest (tests/vm/lpi/run.sh packs it with a static
# busybox and the static arm64 ringscope). Runs every line of /lpi-runs as
# `ringscope lpi-load <line>`; a line starting with "trace " runs the same
# with kprobe events + hist triggers on the injection path, and prints how
# often vgic_its_inject_cached_translation returned 0 (cache hit) or
# -EWOULDBLOCK (miss), and who ran the slow path (vgic_its_inject_msi).
# Every result line starts with "LPI-" so the host can grep the console.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /tmp /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
T=/sys/kernel/tracing

echo "LPI-KERNEL $(uname -r) $(uname -m) cpus=$(grep -c ^processor /proc/cpuinfo)"
dmesg | grep -iE 'kvm|vgic|its' | grep -viE 'vmalloc|Kernel command' | head -20 | sed 's/^/LPI-DMESG /'
if [ -c /dev/kvm ]; then echo "LPI-KVM /dev/kvm present"; else echo "LPI-KVM /dev/kvm MISSING"; fi
for f in irqfd_wakeup kvm_arch_set_irq_inatomic vgic_its_inject_cached_translation vgic_its_inject_msi \
	vgic_its_trigger_msi vgic_its_check_cache vgic_its_cache_translation; do
	if grep -q " $f\$" /proc/kallsyms; then k=symbol; else k=inlined/absent; fi
	if grep -q "^$f\$" $T/available_filter_functions 2>/dev/null; then t=traceable; else t=not-traceable; fi
	echo "LPI-SYM $f $k $t"
done

trace_setup() {
	echo 0 > $T/tracing_on
	echo > $T/kprobe_events
	echo 'r:rs_cached vgic_its_inject_cached_translation ret=$retval:s32' >> $T/kprobe_events &&
	echo 'p:rs_slow vgic_its_inject_msi' >> $T/kprobe_events &&
	echo 'p:rs_wakeup irqfd_wakeup' >> $T/kprobe_events || { echo "LPI-TRACE kprobe_events refused"; return 1; }
	echo 'hist:keys=ret' > $T/events/kprobes/rs_cached/trigger
	echo 'hist:keys=common_pid.execname' > $T/events/kprobes/rs_slow/trigger
	echo 'hist:keys=common_pid.execname' > $T/events/kprobes/rs_wakeup/trigger
	echo 64 > $T/buffer_size_kb
	echo 1 > $T/events/kprobes/enable
	echo 1 > $T/tracing_on
}

trace_report() {
	for e in rs_cached rs_slow rs_wakeup; do
		grep -vE '^#|^$' $T/events/kprobes/$e/hist | sed "s/^/LPI-HIST $e /"
	done
	echo 0 > $T/events/kprobes/enable
	echo '!hist:keys=ret' > $T/events/kprobes/rs_cached/trigger
	echo '!hist:keys=common_pid.execname' > $T/events/kprobes/rs_slow/trigger
	echo '!hist:keys=common_pid.execname' > $T/events/kprobes/rs_wakeup/trigger
	echo > $T/kprobe_events || echo "LPI-TRACE could not remove the kprobe events"
}

while read -r line; do
	[ -z "$line" ] && continue
	case "$line" in
	'#'*) continue ;;
	trace\ *)
		args=${line#trace }
		rc=-1
		echo "LPI-RUN trace $args"
		if trace_setup; then
			/bin/ringscope lpi-load $args --json > /tmp/out; rc=$?
			sed 's/^/LPI-JSON /' /tmp/out
			trace_report
		fi
		;;
	*)
		echo "LPI-RUN $line"
		/bin/ringscope lpi-load $line --json > /tmp/out; rc=$?
		sed 's/^/LPI-JSON /' /tmp/out
		;;
	esac
	echo "LPI-RC $rc"
done < /lpi-runs
dmesg | grep -iE 'warn|bug|oops|kvm' | tail -10 | sed 's/^/LPI-DMESG-END /'
echo "LPI-DONE"
poweroff -f
