# VM lab guest side of tests/vm/vm-notify.sh (run by WORKLOAD=cmd, busybox sh).
# Needs RATES, SIZE, SECS set before it and /bin/rs_ethstats (GUEST_BINS).
# For each offered load in RATES (pps, 0 = as fast as the guest can), one
# untraced `ringscope run` eth0 -> eth1, and around it the driver's own
# counters: virtio-net's kicks per queue (ethtool stats) and the interrupts of
# each virtqueue's MSI-X vector (/proc/interrupts). No probe is attached, so
# the counts cost the guest nothing. Prints one JSON line per load:
#   {"type":"point","rate":R,"final":<ringscope's final object>,
#    "tx_kicks":..,"tx_irqs":..,"rx_kicks":..,"rx_irqs":..}
# tx_* are eth0's TX queue (the sender), rx_* eth1's RX queue (the receiver).
dev_of() { basename "$(readlink "/sys/class/net/$1/device")"; }
stat_of() {	# stat_of IFACE NAME... -> the first NAME the driver has, else -1
	rs_ethstats "$1" | awk -v names="$2" 'BEGIN { n = split(names, w, " ") }
		{ v[$1] = $2 } END { for (i = 1; i <= n; i++) if (w[i] in v) { print v[w[i]]; exit } print -1 }'
}
irqs_of() {	# irqs_of virtioN input|output -> interrupts of that vector summed over CPUs, else -1
	awk -v q="$1-$2.0" '$NF == q { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; found = 1 }
		END { print found ? s : -1 }' /proc/interrupts
}
snap() {
	echo "$(stat_of eth0 "tx0_kicks tx_queue_0_kicks") $(irqs_of "$D0" output)" \
		"$(stat_of eth1 "rx0_kicks rx_queue_0_kicks") $(irqs_of "$D1" input)"
}
d() { if [ "$1" -lt 0 ] || [ "$2" -lt 0 ]; then echo null; else echo $(($2 - $1)); fi; }
D0=$(dev_of eth0)
D1=$(dev_of eth1)
rc=0
for R in $RATES; do
	set -- $(snap)
	/bin/ringscope run -i eth0 --peer eth1 --size "$SIZE" --duration "$SECS" --rate "$R" \
		--no-trace --json >/tmp/notify.json 2>/tmp/notify.err || rc=1
	set -- "$@" $(snap)
	final=$(grep '"type":"final"' /tmp/notify.json | tail -n 1)
	if [ -z "$final" ]; then
		tail -n 3 /tmp/notify.err
		rc=1
		continue
	fi
	echo "{\"type\":\"point\",\"rate\":$R,\"final\":$final,\"tx_kicks\":$(d "$1" "$5"),\"tx_irqs\":$(d "$2" "$6"),\"rx_kicks\":$(d "$3" "$7"),\"rx_irqs\":$(d "$4" "$8")}"
done
exit $rc
