#!/usr/bin/env bash
# make vm-zerocopy: the copy vs zero-copy table of issue 7, measured in one VM-lab boot per kernel
# (stock Debian, qemu TCG, vhost_net + veth loaded). For each path and size:
#   AF_XDP        gen eth0 -> eth1 (virtio-net, copy mode: neither veth nor virtio-net < 6.13
#                 has AF_XDP zero-copy TX, so there is no zero-copy column); sizes <= 4 KiB
#   MSG_ZEROCOPY  zc-gen TCP and UDP over a veth pair, MSG_ZEROCOPY vs plain send()
#   vhost-net     vhost-gen, 4 KiB..64 KiB frames into a tap, experimental_zcopytx=1 vs 0
# throughput, CPU time per packet (guest /proc/stat: busy time of both vCPUs / packets), the
# user-space submit -> completion latency p50/p99 (untraced runs), the kernel-side latency p50/p99
# (separate traced runs: fentry), and the crossover size where zero copy starts to cost less CPU.
#
#   KERNELS="6.12 6.1" SIZES="64 256 1500 4096 65536" SECS=2 TRACED=1 OUT=results/zerocopy
#   REUSE=1: render the tables again from the last run's log
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
KERNELS=${KERNELS:-${KERNEL:-6.12}}
SIZES=${SIZES:-64 256 1500 4096 65536}
SECS=${SECS:-2}
TRACED=${TRACED:-1}
OUT=${OUT:-results/zerocopy}
BIN=${RINGSCOPE_BIN:-$REPO/build/static/ringscope}
die() { echo "vm-zerocopy: ERROR: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "no static binary at $BIN (make static)"
for s in $SIZES; do [[ $s =~ ^[0-9]+$ ]] && [ "$s" -ge 64 ] && [ "$s" -le 65536 ] || die "SIZES: $s is not 64..65536"; done
[[ $SECS =~ ^[0-9]+$ ]] || die "SECS must be whole seconds"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# ---- the guest script: one flat line of sh, a marker before each final JSON object ----
g="M=/lib/modules/ringscope-vm; ip link set eth0 mtu 9000; ip link set eth1 mtu 9000;"
g+=" step() { t=\$1; shift; echo \"@@ZC:\$t@@ \$(\"\$@\" 2>/tmp/err | grep '\"type\":\"final\"' | tail -n 1)\"; grep -i error /tmp/err | tail -n 2; };"
for s in $SIZES; do
	fs=2048; [ "$s" -gt 1792 ] && fs=4096	# a frame receives its size - 256 B (XDP headroom)
	g+=" step run_u_$s ringscope run --zerocopy --no-trace -i eth0 --peer eth1 -s $s --frame-size $fs -d $SECS --json;"
	g+=" step tcpcopy_$s ringscope zc-gen --proto tcp --zerocopy off -s $s -d $SECS -I 0 --json;"
	if [ "$s" -le 65507 ]; then
		g+=" step udpcopy_$s ringscope zc-gen --proto udp --zerocopy off -s $s -d $SECS -I 0 --json;"
	fi
	if [ "$TRACED" = 1 ]; then
		g+=" step run_t_$s ringscope run --zerocopy --no-pin -i eth0 --peer eth1 -s $s --frame-size $fs -d $SECS --json;"
	fi
done
for z in 0 1; do
	g+=" rmmod vhost_net; insmod \$M/vhost_net.ko experimental_zcopytx=$z;"
	for s in $SIZES; do
		g+=" step vh${z}_$s ringscope vhost-gen -s $s -d $SECS -I 0 --json;"
		if [ "$TRACED" = 1 ] && [ $z = 1 ]; then
			g+=" step vh1t_$s ringscope vhost-gen -s $s -d $SECS -I 0 --trace --json;"
		fi
	done
done

nsizes=$(wc -w <<<"$SIZES")
timeout=$((240 + nsizes * (14 * SECS + (TRACED == 1 ? 60 : 0) + 20)))
for k in $KERNELS; do
	log=$OUT/vm-zerocopy-$k.log
	if [ "${REUSE:-0}" = 1 ] && [ -s "$log" ]; then
		echo "vm-zerocopy: $k: REUSE=1: tables from $log" >&2
	else
		echo "vm-zerocopy: $k: booting; $nsizes sizes x (AF_XDP, TCP, UDP, vhost) x $SECS s, traced=$TRACED (timeout ${timeout}s)" >&2
		OUT=$OUT/raw-$k KERNEL=$k WORKLOAD=cmd GUEST_MODULES="vhost_net veth" GUEST_CMD="$g" RINGSCOPE_BIN=$BIN \
			TIMEOUT=$timeout "$HERE/vm-run.sh" >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "vm-run.sh failed for $k (log: $log)"; }
	fi
	nd=$OUT/zerocopy-$k.ndjson
	grep -a '^@@ZC:' "$log" | sed -E 's/^@@ZC:([^@]*)@@ *(.*)$/\1\t\2/' |
		while IFS=$'\t' read -r tag json; do
			[ -n "$json" ] && jq -c --arg tag "$tag" '{tag: $tag} + .' <<<"$json" 2>/dev/null || echo "{\"tag\":\"$tag\",\"missing\":true}"
		done >"$nd"
	kver=$(grep -ao '"uname_r":"[^"]*"' "$OUT"/raw-$k/*.console.log 2>/dev/null | head -n 1 | cut -d'"' -f4)

	# ---- rows: path size mode gbps kpps cpu_ns user_p50 user_p99 kernel_p50 kernel_p99 copied ----
	jq -rs --arg sizes "$SIZES" '
	  def byt($t): map(select(.tag == $t)) | .[0] // {};
	  def path($o; $p): ($o.paths // []) | map(select(.path == $p)) | .[0] // {};
	  def n($x): if $x == null then "-" elif ($x | type) == "number" then
	      (if $x >= 100 then ($x | round | tostring) else ((($x * 100) | round) / 100 | tostring) end) else $x end;
	  def us($x): if $x == null or $x == 0 then "-" else n($x / 1000) end;
	  . as $all | ($sizes | split(" ") | map(select(. != "") | tonumber)) as $S |
	  [ $S[] as $s |
	    ($all | byt("run_u_\($s)")) as $ru | ($all | byt("run_t_\($s)")) as $rt |
	    (path($ru; "af_xdp")) as $x | (path($rt; "af_xdp")) as $xt |
	    {path: "AF_XDP (virtio-net)", size: $s, mode: "copy", gbps: $x.gbps, kpps: (($x.pps // null) | if . then . / 1000 else . end),
	     cpu: $x.cpu_busy_ns_per_pkt, up50: $x.user_compl_lat_ns_p50, up99: $x.user_compl_lat_ns_p99,
	     kp50: $xt.kernel_compl_lat_ns_p50, kp99: $xt.kernel_compl_lat_ns_p99, copied: null, note: $x.note, ran: ($x.ran // false)},
	    {path: "AF_XDP (virtio-net)", size: $s, mode: "zerocopy", ran: false, note: "no AF_XDP zero-copy TX on virtio-net < 6.13 or veth"},
	    ( ["tcp", "udp"][] as $p |
	      (path($ru; "msg_zerocopy_\($p)")) as $z | (path($rt; "msg_zerocopy_\($p)")) as $zt | ($all | byt("\($p)copy_\($s)")) as $c |
	      {path: "MSG_ZEROCOPY \($p)", size: $s, mode: "copy", gbps: $c.gbps, kpps: (($c.sends_per_s // null) | if . then . / 1000 else . end),
	       cpu: $c.cpu_busy_ns_per_send, up50: null, up99: null, kp50: null, kp99: null, copied: null, ran: ($c.sends != null),
	       note: (if $c.sends != null then "plain send()" elif $p == "udp" and $s > 65507 then "a UDP datagram carries at most 65507 B" else "not run" end)},
	      {path: "MSG_ZEROCOPY \($p)", size: $s, mode: "zerocopy", gbps: $z.gbps, kpps: (($z.pps // null) | if . then . / 1000 else . end),
	       cpu: $z.cpu_busy_ns_per_pkt, up50: $z.user_compl_lat_ns_p50, up99: $z.user_compl_lat_ns_p99,
	       kp50: $zt.kernel_compl_lat_ns_p50, kp99: $zt.kernel_compl_lat_ns_p99,
	       copied: (if $z.packets then "copied \($z.copied) of \($z.packets) completions" else null end), note: ($z.note // "not run"),
	       ran: ($z.ran // false)} ),
	    ( [0, 1][] as $zc | ($all | byt("vh\($zc)_\($s)")) as $v | ($all | byt("vh1t_\($s)")) as $vt |
	      {path: "vhost-net TX", size: $s, mode: (if $zc == 1 then "zerocopy" else "copy" end), gbps: $v.gbps,
	       kpps: (($v.pps // null) | if . then . / 1000 else . end), cpu: $v.cpu_busy_ns_per_pkt,
	       up50: $v.used_lat_ns_p50, up99: $v.used_lat_ns_p99,
	       kp50: (if $zc == 1 then $vt.zerocopy.vhost_net.lat_ns_p50 else null end),
	       kp99: (if $zc == 1 then $vt.zerocopy.vhost_net.lat_ns_p99 else null end),
	       copied: (if $zc == 1 and $vt.zerocopy then "zc \($vt.zerocopy.vhost_net.zc_sends) copy \($vt.zerocopy.vhost_net.copy_sends) failed \($vt.zerocopy.vhost_net.failed)" else null end),
	       ran: ($v.used != null and $v.used > 0), zcopytx: $v.experimental_zcopytx} )
	  ] | .[] | [.path, .size, .mode, (if .ran then n(.gbps) else "-" end), (if .ran then n(.kpps) else "-" end),
	             (if .ran then n(.cpu) else "-" end), us(.up50), us(.up99), us(.kp50), us(.kp99), (.copied // .note // "-")] | @tsv' \
		"$nd" >"$OUT/rows-$k.tsv"

	{
		echo "## Zero-copy vs copy, Linux ${kver:-$k} under qemu TCG (2 vCPUs), ${SECS} s per cell"
		echo
		echo "| path | size B | mode | Gbit/s | kpps | CPU ns/pkt | user compl p50 us | p99 us | kernel compl p50 us | p99 us | copied / notes |"
		echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
		awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$OUT/rows-$k.tsv"
		echo
		echo "### zero copy vs copy, per size (CPU per packet and throughput, change of zero copy against copy)"
		echo
		echo "| path | size B | CPU/pkt | throughput |"
		echo "| --- | ---: | ---: | ---: |"
		awk -F'\t' '
			$3 == "copy" && $6 != "-" { cpu[$1 SUBSEP $2] = $6; thr[$1 SUBSEP $2] = $5 }
			$3 == "zerocopy" && $6 != "-" && (($1 SUBSEP $2) in cpu) {
				c = cpu[$1 SUBSEP $2]; t = thr[$1 SUBSEP $2]
				dc = (c > 0) ? ($6 - c) * 100 / c : 0
				dt = (t > 0) ? ($5 - t) * 100 / t : 0	# packets/s: the same size on both sides
				printf "| %s | %s | %+.0f %% | %+.0f %% |\n", $1, $2, dc, dt
				if (!(($1) in cross) && $6 < c) cross[$1] = $2
				seen[$1] = 1
			}
			END {
				print ""
				print "### crossover: smallest size at which zero copy costs less CPU per packet than copy"
				print ""
				for (p in seen) printf "- %s: %s\n", p, (p in cross) ? cross[p] " B" : "none up to the largest size measured"
			}' "$OUT/rows-$k.tsv"
		echo
		echo "CPU ns/pkt: busy time of all guest vCPUs (/proc/stat user+nice+system+irq+softirq+steal) / packets (MSG_ZEROCOPY: per send() of SIZE bytes; vhost: per frame)."
		echo "user compl: AF_XDP submit -> completion-ring reap; MSG_ZEROCOPY send() -> notification read from the error queue;"
		echo "vhost-net: descriptor made available -> its used entry reaped by the driver (vhost-gen). kernel compl (traced runs, fentry):"
		echo "__dev_direct_xmit -> xsk_destruct_skb; msg_zerocopy_realloc -> __msg_zerocopy_callback; tun_sendmsg(ubuf) -> vhost_zerocopy_complete."
	} | tee "$OUT/zerocopy-table-$k.md"
done
