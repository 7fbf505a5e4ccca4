#!/usr/bin/env bash
# VM lab zero-copy test (issue 7), one boot of stock Debian 6.12 (ZC_KERNELS="6.12 6.1" for both)
# with vhost_net and veth loaded (GUEST_MODULES), fentry tier:
#   - MSG_ZEROCOPY on a veth pair, TCP and UDP: the kernel probe's completions
#     (sum of uarg->len in __msg_zerocopy_callback) == the completions user space reads from
#     the error queue == sends;
#   - vhost-gen, 4 KiB frames, experimental_zcopytx=1: used-ring entries == packets sent and the
#     zero-copy completion histogram is non-empty; experimental_zcopytx=0: it is empty and the
#     copy count equals the packets;
#   - AF_XDP copy mode eth0 -> eth1 (run --zerocopy): the kernel's xsk_destruct_skb completions
#     == the user-space completions == packets sent;
#   - trace --zerocopy (unbounded, beside zc-gen, SIGINT): its NDJSON interval counts sum
#     exactly to its final counts, and the final object says "interrupted": true;
#   - trace -f udp_sendmsg -f ip_make_skb -f __msg_zerocopy_callback (repeated -f add up):
#     all three timed, each at least once per send, interval calls summing to the final calls.
# Bounded: ~2 minutes per kernel under TCG on 2 busy cores.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN=${RINGSCOPE_BIN:-$REPO/build/static/ringscope}
N=${ZC_COUNT:-2000}
if [ ! -x "$BIN" ]; then
	echo "FAIL: vm_zerocopy: no static binary at $BIN (make static)"
	exit 1
fi
OUTD=$(mktemp -d /tmp/ringscope-vmzc.XXXXXX)
trap '[ "${KEEP_OUT:-0}" = 1 ] || rm -rf "$OUTD"' EXIT
fails=0
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
pass() { echo "PASS: $1"; }
# check NAME JQ-EXPR JSON DETAIL-JQ
check() {
	if [ -n "$3" ] && jq -e "$2" <<<"$3" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "$(jq -c "$4" <<<"${3:-null}" 2>/dev/null || echo 'no final object')"
	fi
}

# One line of sh for the guest: each step prints a marker and the command's final JSON object.
GUEST_CMD="M=/lib/modules/ringscope-vm; step() { t=\$1; shift; echo \"@@ZC:\$t@@ \$(\"\$@\" 2>/tmp/\$t.err | grep '\"type\":\"final\"' | tail -n 1)\"; tail -n 3 /tmp/\$t.err; };
step zc_tcp ringscope zc-gen --proto tcp -n $N -s 4096 --trace --json -I 0;
step zc_udp ringscope zc-gen --proto udp -n $N -s 1400 --trace --json -I 0;
rmmod vhost_net; insmod \$M/vhost_net.ko experimental_zcopytx=1;
step vhost_zc1 ringscope vhost-gen -n $N -s 4096 --trace --json -I 0;
rmmod vhost_net; insmod \$M/vhost_net.ko experimental_zcopytx=0;
step vhost_zc0 ringscope vhost-gen -n $N -s 4096 --trace --json -I 0;
step xsk ringscope run --zerocopy -i eth0 --peer eth1 -n 1000 -s 256 --rate 20000 --no-pin --json;
ringscope trace --zerocopy --json -I 0.1 --no-pin >/tmp/tzc.json 2>/tmp/tzc.err & tp=\$!;
rs-ready trace /tmp/tzc.err 'trace: tier ' \$tp || exit 1;
ringscope zc-gen --proto udp -n $N -s 1400 --json -I 0 >/dev/null 2>&1; kill -INT \$tp; wait \$tp;
sed 's/^/@@ZCT@@ /' /tmp/tzc.json; tail -n 3 /tmp/tzc.err;
ringscope trace -f udp_sendmsg -f ip_make_skb -f __msg_zerocopy_callback --json -I 0.1 --no-pin >/tmp/tf.json 2>/tmp/tf.err & tp=\$!;
rs-ready trace /tmp/tf.err 'trace: tier ' \$tp || exit 1;
ringscope zc-gen --proto udp -n $N -s 1400 --json -I 0 >/dev/null 2>&1; kill -INT \$tp; wait \$tp;
sed 's/^/@@ZCF@@ /' /tmp/tf.json; tail -n 3 /tmp/tf.err"
GUEST_CMD=$(tr '\n' ' ' <<<"$GUEST_CMD")

for k in ${ZC_KERNELS:-6.12}; do
	out=$OUTD/$k
	if ! OUT=$out KERNEL=$k WORKLOAD=cmd GUEST_MODULES="vhost_net veth" GUEST_CMD="$GUEST_CMD" \
		RINGSCOPE_BIN=$BIN TIMEOUT=${ZC_TIMEOUT:-300} "$HERE/vm-run.sh" >"$OUTD/$k.log" 2>&1; then
		fail "vm_zerocopy[$k]" "vm-run.sh failed: $(grep -m1 'ERROR' "$OUTD/$k.log")"
		tail -n 30 "$OUTD/$k.log"
		continue
	fi
	grep -a '@@ZC' "$OUTD/$k.log" | cut -c1-200
	get() { grep -a "^@@ZC:$1@@" "$out"/*.out | tail -n 1 | sed "s/^@@ZC:$1@@ *//"; }

	for p in tcp udp; do
		j=$(get zc_$p)
		check "vm_zerocopy[$k] msg_zerocopy $p: tier fentry" '.zerocopy.tier == "fentry"' "$j" '.zerocopy.tier'
		check "vm_zerocopy[$k] msg_zerocopy $p: user completions == sends == $N" \
			".sends == $N and .completions == .sends and .compl_lat_ns_samples == .sends" "$j" \
			'{sends, completions, compl_lat_ns_samples}'
		check "vm_zerocopy[$k] msg_zerocopy $p: probe completions == user-space completions" \
			'.zerocopy.msg_zerocopy.completed == .completions and .zerocopy.msg_zerocopy.copied == .copied' "$j" \
			'{completions, copied, probe: .zerocopy.msg_zerocopy}'
	done

	j=$(get vhost_zc1)
	check "vm_zerocopy[$k] vhost zcopytx=1: used entries == packets sent" \
		".experimental_zcopytx == 1 and .sent == $N and .used == .sent" "$j" '{experimental_zcopytx, sent, used}'
	check "vm_zerocopy[$k] vhost zcopytx=1: zero-copy completion histogram non-empty" \
		'.zerocopy.vhost_net.lat_ns_samples > 0 and .zerocopy.vhost_net.zc_sends > 0 and
		 .zerocopy.vhost_net.zc_sends + .zerocopy.vhost_net.copy_sends == .sent' "$j" '{sent, probe: .zerocopy.vhost_net}'
	j=$(get vhost_zc0)
	check "vm_zerocopy[$k] vhost zcopytx=0: used entries == packets sent" \
		".experimental_zcopytx == 0 and .sent == $N and .used == .sent" "$j" '{experimental_zcopytx, sent, used}'
	check "vm_zerocopy[$k] vhost zcopytx=0: no zero-copy completions, copy count == packets" \
		'.zerocopy.vhost_net.lat_ns_samples == 0 and .zerocopy.vhost_net.zc_sends == 0 and
		 .zerocopy.vhost_net.copy_sends == .sent' "$j" '{sent, probe: .zerocopy.vhost_net}'

	j=$(get xsk | jq -c '.paths[] | select(.path == "af_xdp")' 2>/dev/null)
	check "vm_zerocopy[$k] af_xdp: user samples == packets == sent, kernel xsk_destruct_skb == packets" \
		'.ran and .sends == 1000 and .packets == .sends and .user_compl_lat_ns_samples == .packets and
		 .kernel_attached and .kernel_completions == .packets' "$j" \
		'{sends, packets, user_compl_lat_ns_samples, kernel_completions}'

	# trace --zerocopy beside zc-gen, stopped by SIGINT: every count of its
	# NDJSON intervals (percentiles and bucket arrays aside) sums exactly to
	# the final object's.
	j=$(grep -a '^@@ZCT@@' "$out"/*.out | sed 's/^@@ZCT@@ *//' | jq -sc '
		def flat: .zerocopy | [paths(numbers) as $p | select(($p | any(type == "number")) | not)
			| select($p[-1] | test("_p[0-9]+$|^interval_s$") | not) | {key: ($p | join(".")), value: getpath($p)}];
		([.[] | select(.type == "interval") | flat[]] | group_by(.key)
		 | map({key: .[0].key, value: (map(.value) | add)}) | from_entries) as $sum
		| ([.[] | select(.type == "final") | flat[]] | from_entries) as $fin
		| {equal: ($sum == $fin and ($fin | length) > 0), completed: $fin["msg_zerocopy.completed"],
		   intervals: ([.[] | select(.type == "interval")] | length),
		   interrupted: ([.[] | select(.type == "final")][0].interrupted), sum: $sum, fin: $fin}' 2>/dev/null)
	check "vm_zerocopy[$k] trace --zerocopy: NDJSON interval counts sum to the final counts" \
		".equal and .completed >= $N and .intervals >= 2 and .interrupted == true" "$j" '.'

	# -f given three times times all three (it used to keep only the last);
	# their interval calls sum to the final calls too.
	j=$(grep -a '^@@ZCF@@' "$out"/*.out | sed 's/^@@ZCF@@ *//' | jq -sc '
		([.[] | select(.type == "interval") | .functions[]] | group_by(.name)
		 | map({key: .[0].name, value: (map(.calls) | add)}) | from_entries) as $sum
		| ([.[] | select(.type == "final")][0].functions | map({key: .name, value: .calls}) | from_entries) as $fin
		| {names: ($fin | keys), sum: $sum, fin: $fin}' 2>/dev/null)
	check "vm_zerocopy[$k] trace -f A -f B -f C: all three timed, each >= $N calls" \
		".names == [\"__msg_zerocopy_callback\", \"ip_make_skb\", \"udp_sendmsg\"] and ([.fin[]] | min) >= $N" "$j" '.'
	check "vm_zerocopy[$k] trace -f: NDJSON interval calls sum to the final calls" '.sum == .fin' "$j" '.'
done
[ "$fails" = 0 ]
