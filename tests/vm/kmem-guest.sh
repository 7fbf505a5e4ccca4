# Guest half of tests/vm/test_vm_kmem.sh (vm-run.sh WORKLOAD=cmd GUEST_CMD):
# the raw kmem events of rs_pktring from tracefs, then ringscope's counts of
# the same workload, then a clone-only function on the kprobe tier.
T=/sys/kernel/tracing
mount -t tracefs nodev $T 2>/dev/null
for e in kmalloc kfree; do echo 'comm == "rs_pktring"' >$T/events/kmem/$e/filter; echo 1 >$T/events/kmem/$e/enable; done
echo >$T/trace
rs_pktring
for e in kmalloc kfree; do echo 0 >$T/events/kmem/$e/enable; done
echo '@@RAW'
grep -E ' kmalloc: | kfree: ' $T/trace | sed 's/^.* \(kmalloc\|kfree\): /\1 /'
echo '@@RS'
ringscope trace --kmalloc --comm rs_pktring --top 100 --json -I 3600 --no-pin >/tmp/t.json 2>/tmp/t.err &
p=$!
rs-ready trace /tmp/t.err 'trace: tier ' $p || exit 1
rs_pktring >/dev/null
sleep 1
kill -INT $p; wait $p
grep '"type":"final"' /tmp/t.json | tail -n 1
echo '@@CLONE'
grep -E ' finish_task_switch(\.|$)' /proc/kallsyms | cut -d' ' -f3
ringscope trace -f finish_task_switch --tier kprobe -d 2 --json --no-pin 2>/tmp/c.err | grep '"type":"final"'
cat /tmp/c.err
echo '@@END'
