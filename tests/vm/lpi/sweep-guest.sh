# Guest side of make vm-lpi (tests/vm/vm-lpi.sh runs it through vm-run.sh's
# WORKLOAD=cmd, after KS, VCPUS, EVENTS, SECS and TIER are set): for every K in
# KS, in this one boot, lpi-load alone (the untraced rate), then lpi-load
# beside trace --lpi. K injectors pinned across the guest's CPUs, K devices x
# EVENTS events, VCPUS vCPUs in the nested VM (they set the shard count).
# One line per run: "@@LPI@@ <untraced|traced> <K> <json>".
for k in $KS; do
	args="-k $k --devices $k --events $EVENTS --vcpus $VCPUS --pin -d $SECS --json"
	# shellcheck disable=SC2086  # args is a word list on purpose
	if ringscope lpi-load $args >/tmp/u.json 2>/tmp/u.err; then
		echo "@@LPI@@ untraced $k $(grep '"type":"final"' /tmp/u.json | tail -n 1)"
	else
		echo "@@LPI@@ error $k untraced: $(tail -n 1 /tmp/u.err)"
	fi
	: >/tmp/t.err
	ringscope trace --lpi --tier "$TIER" --json -I 3600 --no-pin >/tmp/t.json 2>/tmp/t.err &
	tp=$!
	# no load before trace is attached: a NOTREADY line fails the boot (vm-run.sh)
	rs-ready trace /tmp/t.err 'trace: tier ' $tp || exit 1
	# shellcheck disable=SC2086
	ringscope lpi-load $args >/tmp/l.json 2>/tmp/l.err
	rc=$?
	kill -INT $tp 2>/dev/null
	wait $tp || rc=$?
	load=$(grep '"type":"final"' /tmp/l.json | tail -n 1)
	trace=$(grep '"type":"final"' /tmp/t.json | tail -n 1)
	if [ "$rc" = 0 ] && [ -n "$load" ] && [ -n "$trace" ]; then
		echo "@@LPI@@ traced $k {\"load\":$load,\"trace\":$trace}"
	else
		echo "@@LPI@@ error $k traced (rc $rc): $(tail -n 1 /tmp/l.err) / $(tail -n 1 /tmp/t.err)"
	fi
done
