#!/usr/bin/env bash
# Attach fentry (or kprobes) WHILE AF_XDP zero-copy traffic flows in a 7.2 guest, ROUNDS boots per
# accelerator setting, and tabulate what happened: clean, or the guest's Oops and where.
# (docs/vm-lab.md, "Linux 7.2 and zero-copy TX": multi-threaded TCG broke live patching.)
#
#   CASES="tcg:2 tcg:1 tcg-single:2 tcg-single:1" ROUNDS=3 TIER=fentry OUT=results/attach-live
#   CASES entries are ACCEL:SMP (ACCEL as vm-run.sh: tcg = thread=multi, tcg-single = thread=single).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CASES=${CASES:-tcg:2 tcg:1 tcg-single:2 tcg-single:1}
ROUNDS=${ROUNDS:-3}
TIER=${TIER:-fentry}
OUT=${OUT:-results/attach-live}
VM_RUN=${VM_RUN:-$HERE/vm-run.sh}
case "$TIER" in fentry | kprobe) ;; *) echo "vm-attach-live: ERROR: TIER must be fentry or kprobe" >&2; exit 1 ;; esac
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "vm-attach-live: ERROR: ROUNDS must be a positive integer" >&2; exit 1; }
for c in $CASES; do
	case "$c" in tcg:[1-9] | tcg-single:[1-9]) ;; *) echo "vm-attach-live: ERROR: CASES entry '$c' is not tcg:N or tcg-single:N" >&2; exit 1 ;; esac
done
# ACCEL is vm-run.sh's accelerator input; a vm-run.sh without it would run every case multi-threaded.
if [[ $CASES == *tcg-single* ]] && ! grep -q 'tcg-single' "$VM_RUN"; then
	echo "vm-attach-live: ERROR: $VM_RUN has no ACCEL=tcg-single: use a vm-run.sh with the ACCEL input, or CASES with tcg:N only" >&2
	exit 1
fi
mkdir -p "$OUT"
# 80 000 packets at 2 000 pps (40 s of traffic); four 1-s traces attach and detach during it
# (with 20 s, only the first 1-3 attach cycles overlapped the traffic under TCG).
CMD='echo 7 >/proc/sys/kernel/printk
ringscope gen rx -i eth1 --bind zc --xdp-mode native -n 80000 -d 120 --no-pin >/tmp/rx.out 2>&1 &
rs-ready rx /tmp/rx.out "rx on eth1" $! || exit 1
ringscope gen tx -i eth0 --bind zc -n 80000 -r 2000 --no-pin >/tmp/tx.out 2>&1 &
txp=$!
rs-ready tx /tmp/tx.out "tx on eth0" $txp || exit 1
sleep 2
for i in 1 2 3 4; do
	ringscope trace --tier '"$TIER"' -f virtnet_poll_tx,virtnet_xsk_wakeup,virtqueue_add_outbuf_premapped,detach_buf_split_in_order -d 1 --no-pin --json >/tmp/tr.out 2>&1
	echo "attach $i rc=$? packets sent while attached: $(grep -o "\"name\":\"virtqueue_add_outbuf_premapped\",[^}]*\"calls\":[0-9]*" /tmp/tr.out | tail -n 1 | sed "s/.*://")"
done
wait $txp
echo "tx rc=$?"
wait
grep -h "packets\|lost\|error" /tmp/tx.out /tmp/rx.out | tail -n 4'
printf '%-12s %-4s %-5s %s\n' ACCEL SMP ROUND OUTCOME
for c in $CASES; do
	accel=${c%:*} smp=${c#*:}
	for r in $(seq 1 "$ROUNDS"); do
		d=$OUT/$accel-smp$smp-$TIER-$r
		rm -rf "$d"
		rc=0
		OUT=$d KERNEL=7.2 BIND=zc WORKLOAD=cmd GUEST_CMD="$CMD" ACCEL=$accel SMP=$smp TIMEOUT=240 \
			"$VM_RUN" >"$d.log" 2>&1 || rc=$?
		con=$(ls "$d"/*.console.log 2>/dev/null | head -n 1 || true)
		oops=$(grep -a -m1 -E 'Oops|BUG:|Kernel panic' "$con" 2>/dev/null | tr -d '\r' || true)
		rip=$(grep -a -m1 'RIP: 0010' "$con" 2>/dev/null | tr -d '\r' | sed 's/.*RIP: 0010://' || true)
		atboot=$(grep -aq '@@RSVM:INIT:' "$con" 2>/dev/null && echo "" || echo " (before /init)")
		attaches=$(grep -ao 'attach [0-9] rc=0' "$con" 2>/dev/null | sort -u | wc -l || true)
		during=$(grep -ao 'attached: [0-9]*' "$con" 2>/dev/null | sed 's/.* //' | paste -sd/ || true)
		if [ -n "$oops" ]; then
			outcome="CRASH$atboot: ${oops#*] } at $rip; clean attaches before it: $attaches"
		elif [ $rc = 0 ] && grep -aq 'tx rc=0' "$con"; then
			outcome="clean: $attaches/4 attaches (packets sent while attached: ${during:-?}), $(grep -a 'rx: [0-9]* packets' "$con" | tail -n 1 | tr -d '\r' | cut -c1-60)"
		else
			outcome="FAILED without an Oops (vm-run rc $rc): $(grep -m1 ERROR "$d.log" || true)"
		fi
		printf '%-12s %-4s %-5s %s\n' "$accel" "$smp" "$r" "$outcome"
	done
done
