#!/usr/bin/env bash
# ringscope VM lab: boot a kernel under qemu (TCG) with two virtio-net-pci NICs on one
# closed qemu hub (eth0 -> eth1 inside the guest), run the static ringscope in the guest,
# and bring its JSON back to the host as OUT/<kernel>-<variant>-<arch>-<params>.json.
#
# Nothing here touches the host network: the only qemu netdevs are two hubports on hub 0
# (or, with BACKEND=tap, two taps wired to each other inside a private network namespace),
# qemu runs with -nodefaults (no default user NIC).
#
# Inputs (environment; see docs/vm-lab.md):
#   OUT=results KERNEL=6.12|6.1 ARCH=x86_64 SECONDS_RUN=5 PKT_SIZE=64 INDIRECT=on|off
#   EVENT_IDX=on|off QUEUE_SIZE=256 PACKED=off|on RATE=<pps> TIMEOUT=<s>
#   KIMAGE=/path/bzImage VARIANT=stock|patched|custom RINGSCOPE_BIN=... WORKLOAD=ringscope|loopcheck
#   RINGSCOPE_CACHE=/var/cache/ringscope KPKG=<debian package> RS_EXTRA_ARGS="..." VERBOSE=0|1
#   KEEP_TMP=0|1 APPEND_EXTRA="..." SMP=2 MEM=1024 ACCEL=tcg|tcg-single|icount
#   TRACE=on|off|both RATE_UNTRACED=0 GUEST_BINS="static programs for WORKLOAD=cmd"
#   BACKEND=hub|tap NS_TAG=lab READY_TIMEOUT=600 QEMU=system|backports IN_ORDER=off|on
set -euo pipefail

T_START=$(date +%s.%N)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

OUT=${OUT:-results}
KERNEL=${KERNEL:-6.12}
ARCH=${ARCH:-x86_64}
SECONDS_RUN=${SECONDS_RUN:-5}
PKT_SIZE=${PKT_SIZE:-64}
INDIRECT=${INDIRECT:-on}
EVENT_IDX=${EVENT_IDX:-on}
QUEUE_SIZE=${QUEUE_SIZE:-256}
PACKED=${PACKED:-off}
IN_ORDER=${IN_ORDER:-off}	# in_order= (VIRTIO_F_IN_ORDER): not in qemu 7.2, in 10.0: QEMU=backports
# system: the installed qemu; backports: bookworm-backports' qemu (10.0), fetched and unpacked
# into $RINGSCOPE_CACHE/qemu-<version>/ on first use (tests/vm/qemu-backports.sh), never installed
QEMU=${QEMU:-system}
LAYOUT=${LAYOUT:-auto}
# hub: both NICs on qemu hub 0 (no vnet header: the device offers no offloads).
# tap: each NIC on its own tap (vnet header: CSUM/TSO offered, so the guest keeps
# AF_XDP frames as header + fragment), the two taps joined by tc mirred in a private
# netns rsvm-NS_TAG-PID that is deleted on exit; nothing reaches the host's links.
BACKEND=${BACKEND:-hub}
NS_TAG=${NS_TAG:-lab}
RATE=${RATE:-1000}
# arm64 guests run the LPI workload by default (KVM inside the guest);
# x86_64 guests the AF_XDP virtio-net workload.
if [ -z "${WORKLOAD:-}" ]; then
	case "${ARCH:-x86_64}" in arm64 | aarch64) WORKLOAD=lpi ;; *) WORKLOAD=ringscope ;; esac
fi
LPI_ARGS=${LPI_ARGS:--k 1 -d 3}	# lpi-load options for WORKLOAD=lpi
KIMAGE=${KIMAGE:-}
VARIANT=${VARIANT:-}
SMP=${SMP:-2}
MEM=${MEM:-1024}
VERBOSE=${VERBOSE:-0}
KEEP_TMP=${KEEP_TMP:-0}
APPEND_EXTRA=${APPEND_EXTRA:-}
RS_EXTRA_ARGS=${RS_EXTRA_ARGS:-}
RS_PRESET=${RS_PRESET-virtio-lab}
TRACE=${TRACE:-on}	# off: traffic only (ringscope run --no-trace), for throughput runs;
			# both: an untraced run at RATE_UNTRACED, then the traced run, one boot
RATE_UNTRACED=${RATE_UNTRACED:-0}	# pps of the untraced run of TRACE=both (0 = unlimited)
# qemu accelerator: tcg (multi-threaded TCG, wall-clock guest time), tcg-single
# (one host thread for all vCPUs), icount (single thread, guest time advances
# with guest instructions: pps and latencies become instruction counts that a
# busy host barely moves; see docs/ab.md).
ACCEL=${ACCEL:-tcg}
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
VMCACHE=$CACHE/vm
# Boot (~7-15 s under TCG on 2 shared cores) + BPF load + traffic + shutdown, with margin.
TIMEOUT=${TIMEOUT:-$((150 + SECONDS_RUN))}
# Guest seconds rs-ready (tests/vm/guest-ready.sh) waits for a background
# ringscope to be attached or bound before it fails the run instead of
# starting the workload.
READY_TIMEOUT=${READY_TIMEOUT:-600}

say() { echo "vm-run: $*" >&2; }
die() { echo "vm-run: ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- arch table
# One row per guest architecture: qemu binary and package, machine/cpu options, console,
# Debian architecture, kernel package patterns, name of the kernel image in the package.
arch_table() {
	case "$1" in
	x86_64 | amd64)
		ARCH=x86_64
		QEMU_BIN=qemu-system-x86_64
		QEMU_PKG=qemu-system-x86
		QEMU_MACHINE=(-M pc)
		QEMU_CPU=()
		CONSOLE=ttyS0
		# A TCG guest on a loaded host can miss the IO-APIC timer check and
		# panic ("IO-APIC + timer doesn't work"): skip the check, as VMs do.
		ARCH_APPEND="no_timer_check"
		DEB_ARCH=amd64
		KPKG_RE_6_12='^linux-image-6\.12\.[0-9]+\+deb12-amd64$'
		KPKG_RE_6_1='^linux-image-6\.1\.0-[0-9]+-amd64$'
		KIMG_IN_PKG='boot/vmlinuz-*'
		STATIC_BIN_IN_REPO=build/static/ringscope
		;;
	arm64 | aarch64)
		ARCH=arm64
		QEMU_BIN=qemu-system-aarch64
		QEMU_PKG=qemu-system-arm
		QEMU_MACHINE=(-M virt,virtualization=on,gic-version=3,its=on)	# EL2: /dev/kvm in the guest
		# pauth=off: Debian's arm64 kernels sign every return address
		# (PTR_AUTH_KERNEL), and TCG's QARMA5 emulation made the 6.12 guest ~25x
		# slower at LPI injection than without it (1.3k vs 34.5k/s at K=10):
		# that measured the emulator, not KVM. PACIASP/AUTIASP are NOP hints then.
		QEMU_CPU=(-cpu max,pauth=off)
		CONSOLE=ttyAMA0
		ARCH_APPEND=""
		DEB_ARCH=arm64
		KPKG_RE_6_12='^linux-image-6\.12\.[0-9]+\+deb12-arm64$'
		KPKG_RE_6_1='^linux-image-6\.1\.0-[0-9]+-arm64$'
		KIMG_IN_PKG='boot/vmlinuz-*'
		STATIC_BIN_IN_REPO=build/arm64/ringscope
		;;
	*) die "unknown ARCH=$1 (known: x86_64, arm64)" ;;
	esac
}
arch_table "$ARCH"

# ---------------------------------------------------------------- input checks
onoff() { case "$2" in on | off) ;; *) die "$1 must be on or off (got '$2')" ;; esac; }
onoff INDIRECT "$INDIRECT"
onoff EVENT_IDX "$EVENT_IDX"
onoff PACKED "$PACKED"
onoff IN_ORDER "$IN_ORDER"
case "$QEMU" in system | backports) ;; *) die "QEMU must be system or backports (got '$QEMU')" ;; esac
[ "$QEMU" = system ] || [ "$ARCH" = x86_64 ] || die "QEMU=backports is x86_64 only (got ARCH=$ARCH): drop QEMU="
[ "$IN_ORDER" = off ] || [ "$QEMU" = backports ] ||
	die "IN_ORDER=on needs QEMU=backports: the installed qemu $(qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p') does not offer in_order"
case "$BACKEND" in hub | tap) ;; *) die "BACKEND must be hub or tap (got '$BACKEND')" ;; esac
[[ "$NS_TAG" =~ ^[a-z0-9-]{1,12}$ ]] || die "NS_TAG must be 1-12 of a-z 0-9 - (got '$NS_TAG')"
if [ "$BACKEND" = tap ]; then
	[ -c /dev/net/tun ] || die "BACKEND=tap needs /dev/net/tun (modprobe tun)"
	command -v tc >/dev/null || die "BACKEND=tap needs tc: apt-get install iproute2"
fi
isint() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 must be a non-negative integer (got '$2')"; }
isint SECONDS_RUN "$SECONDS_RUN"
isint PKT_SIZE "$PKT_SIZE"
isint RATE "$RATE"
isint TIMEOUT "$TIMEOUT"
isint READY_TIMEOUT "$READY_TIMEOUT"
isint RATE_UNTRACED "$RATE_UNTRACED"
[[ "$SMP" =~ ^[1-9][0-9]?$ ]] || die "SMP must be a vCPU count from 1 to 99 (got '$SMP')"
[[ "$MEM" =~ ^[1-9][0-9]*$ ]] && [ "$MEM" -ge 64 ] || die "MEM must be the guest's memory in MiB, 64 or more (got '$MEM')"
case "$TRACE" in on | off | both) ;; *) die "TRACE must be on, off or both (got '$TRACE')" ;; esac
case "$ACCEL" in
tcg) ACCEL_ARGS=(-accel tcg,thread=multi) ;;
tcg-single) ACCEL_ARGS=(-accel tcg,thread=single) ;;
icount) ACCEL_ARGS=(-accel tcg,thread=single -icount shift=3,sleep=off) ;;
*) die "ACCEL must be tcg, tcg-single or icount (got '$ACCEL')" ;;
esac
isint QUEUE_SIZE "$QUEUE_SIZE"
# Device layout. On a qemu hub the device never offers VIRTIO_NET_F_CSUM (the hub has no
# vnet header), so the guest has no NETIF_F_SG and linearizes every AF_XDP skb: with a modern
# (VERSION_1/ANY_LAYOUT) device the header is pushed into the linear data and each packet is ONE
# descriptor, so no indirect table is ever allocated. A legacy device without ANY_LAYOUT puts the
# header in its own descriptor: two per packet, an indirect table per packet when negotiated.
# auto = legacy for the split ring, modern for PACKED=on (packed needs VERSION_1).
# BIND=zc: AF_XDP zero-copy TX on a modern virtio-net device (7.x guests; tests/vm/bind-zc.sh)
[ "${BIND:-copy}" = copy ] || . "$HERE/bind-zc.sh"
case "$LAYOUT" in
auto) if [ "$PACKED" = on ]; then LAYOUT=modern; else LAYOUT=legacy; fi ;;
modern | legacy) ;;
*) die "LAYOUT must be auto, modern or legacy (got '$LAYOUT')" ;;
esac
[ "$LAYOUT" = legacy ] && [ "$PACKED" = on ] && die "PACKED=on needs LAYOUT=modern (the packed ring is a VIRTIO 1.0 feature)"
case "$QUEUE_SIZE" in
256 | 512 | 1024) ;;
*) die "QUEUE_SIZE must be 256, 512 or 1024 (qemu's limits for rx_queue_size/tx_queue_size; got $QUEUE_SIZE)" ;;
esac
case "$KERNEL" in 6.12 | 6.1 | 7.2 | 7.3) ;; *) [ -n "$KIMAGE" ] || die "KERNEL must be 6.12, 6.1, 7.2 or 7.3 (got '$KERNEL')" ;; esac
case "$WORKLOAD" in ringscope | lpi | loopcheck | shell | cmd | xsk-zc) ;; *) die "WORKLOAD must be ringscope, lpi, loopcheck, cmd or shell (xsk-zc: BIND=zc)" ;; esac
[ "$WORKLOAD" != cmd ] || [ -n "${GUEST_CMD:-}" ] || die "WORKLOAD=cmd needs GUEST_CMD='...'"
[ "$PKT_SIZE" -ge 60 ] || die "PKT_SIZE must be >= 60"

# Our own kernel images (all drivers built in): KIMAGE=..., or VARIANT=patched alone picks
# the image the kernel build puts in the cache.
if [ -z "$KIMAGE" ] && [ -n "$VARIANT" ] && [ "$VARIANT" != stock ]; then
	KIMAGE=$CACHE/kernel/$KERNEL/$VARIANT/bzImage
	[ -f "$KIMAGE" ] || die "VARIANT=$VARIANT needs $KIMAGE (build it first) or KIMAGE=/path/bzImage"
fi
if [ -n "$KIMAGE" ]; then
	[ -f "$KIMAGE" ] || die "KIMAGE=$KIMAGE does not exist"
	VARIANT=${VARIANT:-custom}
	KSRC=image
	# Our tinyconfig x86 kernels have no ACPI, so no HPET/PM timer to
	# calibrate the TSC against: they fall back to jiffies (4 ms steps) and
	# every latency histogram collapses into 0 or 4 ms. Under TCG the guest
	# TSC is the host's: give its rate and trust it.
	if [ "$ARCH" = x86_64 ]; then
		host_khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)
		[ -n "$host_khz" ] && ARCH_APPEND="$ARCH_APPEND tsc_early_khz=$host_khz tsc=reliable clocksource=tsc"
	fi
else
	VARIANT=${VARIANT:-stock}
	KSRC=debian
fi
case "$VARIANT" in stock | patched | custom) ;; *) die "VARIANT must be stock, patched or custom" ;; esac

# ---------------------------------------------------------------- host dependencies
need_pkgs=()
command -v "$QEMU_BIN" >/dev/null || need_pkgs+=("$QEMU_PKG")
command -v jq >/dev/null || need_pkgs+=(jq)
command -v cpio >/dev/null || need_pkgs+=(cpio)
command -v xz >/dev/null || need_pkgs+=(xz-utils)
command -v modinfo >/dev/null || need_pkgs+=(kmod)
if [ "$ARCH" = "$(uname -m)" ] || { [ "$ARCH" = arm64 ] && [ "$(uname -m)" = aarch64 ]; }; then
	{ [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; } || need_pkgs+=(busybox-static)
fi
command -v file >/dev/null || need_pkgs+=(file)
if [ ${#need_pkgs[@]} -gt 0 ]; then
	say "installing host packages: ${need_pkgs[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >/dev/null 2>&1 ||
			die "could not install ${need_pkgs[*]} with apt-get"
	fi
fi

# The backports qemu: its own binary, modules and firmware (-L), nothing installed.
QEMU_L=()
if [ "$QEMU" = backports ]; then
	QDIR=$("$HERE/qemu-backports.sh" "$CACHE") || die "QEMU=backports: could not fetch bookworm-backports' qemu (see above)"
	QEMU_BIN=$QDIR/usr/bin/qemu-system-x86_64
	export QEMU_MODULE_DIR=$QDIR/usr/lib/x86_64-linux-gnu/qemu
	QEMU_L=(-L "$QDIR/fw")
fi

# ---------------------------------------------------------------- temp dir + cleanup
TMP=$(mktemp -d /tmp/ringscope-vm.XXXXXX)
QPID=
TAPNS=
cleanup() {
	local rc=$?
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill -TERM "$QPID" 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$QPID" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$QPID" 2>/dev/null || true
		wait "$QPID" 2>/dev/null || true
	fi
	[ -z "$TAPNS" ] || ip netns del "$TAPNS" 2>/dev/null || true
	if [ "$KEEP_TMP" = 1 ]; then say "kept $TMP"; else rm -rf "$TMP"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$VMCACHE"
exec 9>"$VMCACHE/.lock"

# ---------------------------------------------------------------- kernel package
# Newest cached extraction matching the pattern, else newest in the apt cache (apt-get
# update once when the lists know none), downloaded with apt-get download + dpkg -x.
resolve_kpkg() {
	local re=$1 p
	p=$(find "$VMCACHE" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | grep -E "$re" | sort -V | tail -n 1 || true)
	if [ -n "$p" ] && [ -f "$VMCACHE/$p/.complete" ]; then echo "$p"; return; fi
	p=$(apt-cache pkgnames linux-image- 2>/dev/null | grep -E "$re" | sort -V | tail -n 1 || true)
	if [ -z "$p" ]; then
		say "apt lists know no package matching $re; running apt-get update"
		apt-get update -q >/dev/null 2>&1 || true
		p=$(apt-cache pkgnames linux-image- 2>/dev/null | grep -E "$re" | sort -V | tail -n 1 || true)
	fi
	echo "$p"
}

fetch_kpkg() { # $1 = package name -> $VMCACHE/$1 extracted
	local pkg=$1 d=$VMCACHE/$1
	[ -f "$d/.complete" ] && return 0
	flock 9
	if [ ! -f "$d/.complete" ]; then
		say "downloading $pkg (once; cached in $d)"
		local dl
		dl=$(mktemp -d "$VMCACHE/.dl.XXXXXX")
		if ! (cd "$dl" && apt-get download -q "$pkg:$DEB_ARCH" >"$dl/apt.log" 2>&1); then
			local why
			why=$(grep -m1 '^E:' "$dl/apt.log" | sed 's/^E: //')
			rm -rf "$dl"
			flock -u 9
			die "could not download kernel package $pkg: ${why:-apt-get download failed} (check the name with apt-cache policy; apt-get update)"
		fi
		rm -rf "$d"
		dpkg-deb -x "$dl"/*.deb "$dl/x" || { rm -rf "$dl"; flock -u 9; die "dpkg -x failed for $pkg"; }
		mv "$dl/x" "$d"
		basename "$dl"/*.deb >"$d/.deb-name"
		rm -rf "$dl"
		touch "$d/.complete"
	fi
	flock -u 9
}

MODLIST=() # module files, load order, relative to $MODSRC
if [ "$KSRC" = debian ]; then
	if [ -n "${KPKG:-}" ]; then
		PKG=$KPKG
	elif [ "${KERNEL%%.*}" = 7 ]; then
		# 7.x is not in this machine's release: Debian's newer suites, private apt configuration
		PKG=$("$HERE/debian-kernel.sh" "$KERNEL" "$DEB_ARCH" "$VMCACHE") || die "could not fetch Debian's $KERNEL kernel (see above)"
	else
		case "$KERNEL" in 6.12) re=$KPKG_RE_6_12 ;; 6.1) re=$KPKG_RE_6_1 ;; esac
		PKG=$(resolve_kpkg "$re")
		[ -n "$PKG" ] || die "no Debian kernel package for KERNEL=$KERNEL ARCH=$ARCH (pattern $re) in the apt lists"
	fi
	fetch_kpkg "$PKG"
	KDIR=$VMCACHE/$PKG
	# shellcheck disable=SC2086
	KIMG=$(ls $KDIR/$KIMG_IN_PKG 2>/dev/null | head -n 1)
	[ -n "$KIMG" ] || die "no kernel image ($KIMG_IN_PKG) in $PKG"
	MODROOT=$(ls -d "$KDIR"/lib/modules/*/ 2>/dev/null | head -n 1)
	[ -n "$MODROOT" ] || die "no lib/modules in $PKG"
else
	PKG=
	KIMG=$KIMAGE
	MODROOT=
fi

# ---------------------------------------------------------------- modules (load order)
# virtio_pci and virtio_net plus their dependencies, unless built in (modules.builtin).
# Dependencies come from modinfo (the .deb ships no modules.dep), loaded depth-first.
declare -A MOD_SEEN=()
modfile() { # module name -> path relative to MODROOT, or empty if built in / absent
	local n=${1//-/_} f
	if grep -qE "/(${n}|${n//_/-})\.ko$" "$MODROOT/modules.builtin" 2>/dev/null; then return 0; fi
	f=$(cd "$MODROOT" && find kernel -name "${n}.ko*" -o -name "${n//_/-}.ko*" | head -n 1)
	echo "$f"
}
add_mod() {
	local n=${1//-/_} f dep
	[ -n "${MOD_SEEN[$n]:-}" ] && return 0
	MOD_SEEN[$n]=1
	f=$(modfile "$n")
	[ -n "$f" ] || return 0
	for dep in $(modinfo -F depends "$MODROOT/$f" | tr ',' ' '); do add_mod "$dep"; done
	MODLIST+=("$f")
}
if [ -n "$MODROOT" ]; then
	add_mod virtio_pci
	add_mod virtio_net
	# virtio_net must be either built in or present as a module
	if ! grep -qE '/virtio_net\.ko$' "$MODROOT/modules.builtin" && [ -z "$(modfile virtio_net)" ]; then
		die "virtio_net is neither built in nor a module in $PKG"
	fi
	# GUEST_MODULES="vhost_net veth": more modules (and their dependencies) in the
	# initramfs, loaded at boot; their .ko stay in /lib/modules/ringscope-vm/ for
	# a guest command to reload with parameters.
	for m in ${GUEST_MODULES:-}; do
		grep -qE "/${m//_/[_-]}\.ko\$" "$MODROOT/modules.builtin" || [ -n "$(modfile "$m")" ] ||
			die "GUEST_MODULES: $m is neither built in nor a module in $PKG"
		add_mod "$m"
	done
fi

# ---------------------------------------------------------------- initramfs
# Three concatenated newc archives (the kernel unpacks them in order):
#   base (busybox + /init + /dev/console), cached per arch and init script;
#   modules, cached per kernel package;  run (parameters + ringscope), built every run.
BUSYBOX=
if [ "$ARCH" = "$(uname -m)" ] || { [ "$ARCH" = arm64 ] && [ "$(uname -m)" = aarch64 ]; }; then
	BUSYBOX=/bin/busybox
else
	bbdir=$VMCACHE/busybox-static-$DEB_ARCH
	if [ ! -f "$bbdir/.complete" ]; then
		flock 9
		if [ ! -f "$bbdir/.complete" ]; then
			dl=$(mktemp -d "$VMCACHE/.dl.XXXXXX")
			(cd "$dl" && apt-get download -q "busybox-static:$DEB_ARCH" >/dev/null 2>&1) ||
				{ rm -rf "$dl"; die "could not download busybox-static:$DEB_ARCH (dpkg --add-architecture $DEB_ARCH; apt-get update)"; }
			rm -rf "$bbdir"
			dpkg-deb -x "$dl"/*.deb "$bbdir" && touch "$bbdir/.complete"
			rm -rf "$dl"
		fi
		flock -u 9
	fi
	BUSYBOX=$bbdir/bin/busybox
fi
[ -x "$BUSYBOX" ] || die "no static busybox for $ARCH at $BUSYBOX"

mkcpio() { # $1 = directory, $2 = output archive
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$2"
}

INIT_SUM=$(cat "$HERE/guest-init.sh" "$HERE/guest-ready.sh" "$BUSYBOX" | sha256sum | cut -c1-16)
BASE_CPIO=$VMCACHE/initramfs/base-$ARCH-$INIT_SUM.cpio
if [ ! -f "$BASE_CPIO" ]; then
	mkdir -p "$VMCACHE/initramfs"
	b=$TMP/base
	mkdir -p "$b"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,lib/modules}
	cp "$BUSYBOX" "$b/bin/busybox"
	ln -s busybox "$b/bin/sh"
	install -m 0755 "$HERE/guest-init.sh" "$b/init"
	install -m 0755 "$HERE/guest-ready.sh" "$b/bin/rs-ready"
	mknod "$b/dev/console" c 5 1 2>/dev/null || true
	mknod "$b/dev/null" c 1 3 2>/dev/null || true
	mkcpio "$b" "$TMP/base.cpio"
	mv "$TMP/base.cpio" "$BASE_CPIO"
fi

MOD_CPIO=
if [ ${#MODLIST[@]} -gt 0 ]; then
	MOD_CPIO=$VMCACHE/initramfs/modules-$PKG${GUEST_MODULES:+-$(echo $GUEST_MODULES | tr " " "+")}.cpio
	if [ ! -f "$MOD_CPIO" ]; then
		m=$TMP/mods
		mkdir -p "$m/lib/modules/ringscope-vm"
		: >"$m/lib/modules/ringscope-vm/load.list"
		for f in "${MODLIST[@]}"; do
			n=$(basename "$f")
			case "$n" in
			*.ko.xz) xz -dc "$MODROOT/$f" >"$m/lib/modules/ringscope-vm/${n%.xz}"; n=${n%.xz} ;;
			*.ko.zst) zstd -qdc "$MODROOT/$f" >"$m/lib/modules/ringscope-vm/${n%.zst}"; n=${n%.zst} ;;
			*.ko.gz) gzip -dc "$MODROOT/$f" >"$m/lib/modules/ringscope-vm/${n%.gz}"; n=${n%.gz} ;;
			*.ko) cp "$MODROOT/$f" "$m/lib/modules/ringscope-vm/$n" ;;
			*) die "unexpected module file $f" ;;
			esac
			echo "$n" >>"$m/lib/modules/ringscope-vm/load.list"
		done
		mkcpio "$m" "$TMP/mods.cpio"
		mv "$TMP/mods.cpio" "$MOD_CPIO"
	fi
fi

RUNID=$(date +%s)-$$-$RANDOM
MTU=1500
[ "$PKT_SIZE" -gt 1514 ] && MTU=$((PKT_SIZE - 14))
r=$TMP/run
mkdir -p "$r/etc" "$r/bin"
if [ "$WORKLOAD" = ringscope ] || [ "$WORKLOAD" = lpi ] || { [ "$WORKLOAD" != loopcheck ] && [ -x "${RINGSCOPE_BIN:-$REPO/$STATIC_BIN_IN_REPO}" ]; }; then
	RINGSCOPE_BIN=${RINGSCOPE_BIN:-$REPO/$STATIC_BIN_IN_REPO}
	[ -x "$RINGSCOPE_BIN" ] || die "no static ringscope binary at $RINGSCOPE_BIN (run '$(if [ "$ARCH" = arm64 ]; then echo make static-arm64; else echo make static; fi)', or set RINGSCOPE_BIN=; WORKLOAD=loopcheck runs without it)"
	file -L "$RINGSCOPE_BIN" | grep -qE 'statically linked|static-pie linked' ||
		die "$RINGSCOPE_BIN is not statically linked (the initramfs has no libc)"
	cp "$RINGSCOPE_BIN" "$r/bin/ringscope"
	chmod 0755 "$r/bin/ringscope"
fi
# GUEST_BINS="a b": more static programs for WORKLOAD=cmd (e.g. build/helpers/*.static).
for f in ${GUEST_BINS:-}; do
	file -L "$f" | grep -qE 'statically linked|static-pie linked' || die "GUEST_BINS: $f is not statically linked"
	cp "$f" "$r/bin/$(basename "${f%.static}")"
done
q() { printf "%q" "$1"; }
cat >"$r/etc/ringscope-vm.env" <<EOF
RUNID=$(q "$RUNID")
WORKLOAD=$(q "$WORKLOAD")
PKT_SIZE=$(q "$PKT_SIZE")
SECONDS_RUN=$(q "$SECONDS_RUN")
RATE=$(q "$RATE")
GUEST_MTU=$(q "$MTU")
RS_EXTRA_ARGS=$(q "$RS_EXTRA_ARGS")
GUEST_CMD=$(q "${GUEST_CMD:-}")
LPI_ARGS=$(q "$LPI_ARGS")
RS_PRESET=$(q "$RS_PRESET")
TRACE=$(q "$TRACE")
RATE_UNTRACED=$(q "$RATE_UNTRACED")
READY_TIMEOUT=$(q "$READY_TIMEOUT")
EOF
mkcpio "$r" "$TMP/run.cpio"
INITRD=$TMP/initrd.cpio
cat "$BASE_CPIO" ${MOD_CPIO:+"$MOD_CPIO"} "$TMP/run.cpio" >"$INITRD"

# ---------------------------------------------------------------- qemu
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PARAMS_SLUG="s${SECONDS_RUN}-p${PKT_SIZE}-ind_${INDIRECT}-eidx_${EVENT_IDX}-q${QUEUE_SIZE}-pk_${PACKED}-${LAYOUT}-r${RATE}"
[ "$TRACE" = off ] && PARAMS_SLUG="${PARAMS_SLUG}-notrace"
[ "$TRACE" = both ] && PARAMS_SLUG="${PARAMS_SLUG}-both${RATE_UNTRACED}"
[ "$ACCEL" = tcg ] || PARAMS_SLUG="${PARAMS_SLUG}-${ACCEL}"
[ "$SMP" = 2 ] || PARAMS_SLUG="${PARAMS_SLUG}-smp${SMP}"
[ "$BACKEND" = hub ] || PARAMS_SLUG="${PARAMS_SLUG}-${BACKEND}"
[ "$IN_ORDER" = off ] || PARAMS_SLUG="${PARAMS_SLUG}-inorder"
[ "$QEMU" = system ] || PARAMS_SLUG="${PARAMS_SLUG}-qemu_${QEMU}"
[ -z "${NIC1_EXTRA:-}" ] || PARAMS_SLUG="${PARAMS_SLUG}-nic1_$(echo "$NIC1_EXTRA" | tr -c 'a-z0-9_\n' '_')"
TAG="${KERNEL}-${VARIANT}-${ARCH}-${PARAMS_SLUG}"
[ "$WORKLOAD" = ringscope ] || TAG="${TAG}-${WORKLOAD}"
CONSOLE_LOG=$OUT/$TAG.console.log
: >"$CONSOLE_LOG"

NICOPTS="indirect_desc=$INDIRECT,event_idx=$EVENT_IDX,packed=$PACKED,rx_queue_size=$QUEUE_SIZE,tx_queue_size=$QUEUE_SIZE"
[ "$IN_ORDER" = off ] || NICOPTS="$NICOPTS,in_order=on"
[ "$LAYOUT" = legacy ] && NICOPTS="$NICOPTS,disable-modern=on,disable-legacy=off,any_layout=off"
# NIC_EXTRA: more virtio-net-pci properties (e.g. "disable-modern=on,any_layout=off"); no netdev.
if [ -n "${NIC_EXTRA:-}" ]; then
	case "$NIC_EXTRA" in *netdev* | *,id=* | id=*) die "NIC_EXTRA must not name a netdev or id" ;; esac
	NICOPTS="$NICOPTS,$NIC_EXTRA"
fi
# NIC1_EXTRA: properties of eth1's device only, after the shared ones (a repeated property takes
# the last value), e.g. EVENT_IDX=on NIC1_EXTRA=event_idx=off to tell the sender's ring from the
# receiver's; no netdev.
NIC1OPTS=$NICOPTS
if [ -n "${NIC1_EXTRA:-}" ]; then
	case "$NIC1_EXTRA" in *netdev* | *,id=* | id=*) die "NIC1_EXTRA must not name a netdev or id" ;; esac
	NIC1OPTS="$NICOPTS,$NIC1_EXTRA"
fi
QEMU_ARGS=(
	"${QEMU_L[@]}" "${QEMU_MACHINE[@]}" "${QEMU_CPU[@]}"
	"${ACCEL_ARGS[@]}" -smp "$SMP" -m "$MEM"
	-nodefaults -no-user-config -display none -no-reboot
	-serial "file:$CONSOLE_LOG" -monitor none
	-kernel "$KIMG" -initrd "$INITRD"
	-append "console=$CONSOLE quiet panic=-1 oops=panic rdinit=/init ringscope.run=$RUNID $ARCH_APPEND $APPEND_EXTRA"
	-device "virtio-net-pci,id=nic0,netdev=n0,mac=52:54:00:52:53:00,$NICOPTS"
	-device "virtio-net-pci,id=nic1,netdev=n1,mac=52:54:00:52:53:01,$NIC1OPTS"
)
QEMU_PREFIX=()
if [ "$BACKEND" = hub ]; then
	QEMU_ARGS+=(-netdev hubport,id=n0,hubid=0 -netdev hubport,id=n1,hubid=0)
else
	# A wire between two taps: whatever one tap's qemu side sends leaves by the other.
	TAPNS=rsvm-$NS_TAG-$$
	ip netns add "$TAPNS" || die "could not create netns $TAPNS"
	for t in rst0 rst1; do
		ip -n "$TAPNS" tuntap add dev $t mode tap vnet_hdr && ip -n "$TAPNS" link set $t mtu 9000 up &&
			ip netns exec "$TAPNS" tc qdisc add dev $t clsact || die "could not set up tap $t in $TAPNS"
	done
	for p in "rst0 rst1" "rst1 rst0"; do
		set -- $p
		ip netns exec "$TAPNS" tc filter add dev "$1" ingress protocol all u32 match u32 0 0 \
			action mirred egress redirect dev "$2" || die "tc mirred $1 -> $2 failed (act_mirred, cls_u32 in the host kernel?)"
	done
	QEMU_ARGS+=(-netdev tap,id=n0,ifname=rst0,script=no,downscript=no,vhost=off
		-netdev tap,id=n1,ifname=rst1,script=no,downscript=no,vhost=off)
	QEMU_PREFIX=(ip netns exec "$TAPNS")
fi
# Debugging hook only (e.g. QEMU_EXTRA="-monitor unix:/tmp/m.sock,server,nowait"); never a netdev.
if [ -n "${QEMU_EXTRA:-}" ]; then
	case "$QEMU_EXTRA" in *netdev* | *-nic* | *-net\ *) die "QEMU_EXTRA must not add network devices" ;; esac
	# shellcheck disable=SC2206
	QEMU_ARGS+=($QEMU_EXTRA)
fi
if [ "$WORKLOAD" = shell ]; then
	# Interactive debugging only: console on this terminal, no result processing.
	QEMU_ARGS=("${QEMU_ARGS[@]/file:$CONSOLE_LOG/mon:stdio}")
	"${QEMU_PREFIX[@]}" "$QEMU_BIN" "${QEMU_ARGS[@]}"	# not exec: cleanup removes the tap netns
	exit
fi

say "booting $(basename "$KIMG") ($KSRC, $VARIANT, $ARCH) workload=$WORKLOAD params=$PARAMS_SLUG timeout=${TIMEOUT}s"
# One boot; sets QRC, timed_out, T_QEMU, T_INIT, T_END.
boot_once() {
	T_QEMU=$(date +%s.%N)
	"${QEMU_PREFIX[@]}" "$QEMU_BIN" "${QEMU_ARGS[@]}" </dev/null >"$TMP/qemu.out" 2>&1 &
	QPID=$!
	TAILPID=
	if [ "$VERBOSE" = 1 ]; then
		tail -n +1 -f "$CONSOLE_LOG" --pid="$QPID" >&2 &
		TAILPID=$!
	fi

	T_INIT=
	deadline=$(($(date +%s) + TIMEOUT))
	timed_out=0
	while kill -0 "$QPID" 2>/dev/null; do
		if [ -z "$T_INIT" ] && grep -qa "@@RSVM:INIT:$RUNID:" "$CONSOLE_LOG"; then T_INIT=$(date +%s.%N); fi
		if [ "$(date +%s)" -ge "$deadline" ]; then timed_out=1; break; fi
		sleep 0.1
	done
	if [ "$timed_out" = 1 ]; then
		kill -TERM "$QPID" 2>/dev/null || true
		sleep 1
		kill -KILL "$QPID" 2>/dev/null || true
	fi
	QRC=0
	wait "$QPID" || QRC=$?
	QPID=
	[ -n "$TAILPID" ] && { kill "$TAILPID" 2>/dev/null || true; wait "$TAILPID" 2>/dev/null || true; }
	[ -z "$T_INIT" ] && grep -qa "@@RSVM:INIT:$RUNID:" "$CONSOLE_LOG" && T_INIT=$(date +%s.%N)
	T_END=$(date +%s.%N)
}
boot_once
# A guest that stops before /init ran none of our code: under TCG a boot
# sometimes dies that early (seen about once in 15 boots on a loaded host).
# Boot once more, saying so; the first console is kept beside the result.
if [ "$timed_out" = 0 ] && [ -z "$T_INIT" ]; then
	cp "$CONSOLE_LOG" "$OUT/console-boot1-$RUNID.log" 2>/dev/null || true
	say "boot 1 never reached /init (qemu exit $QRC): booting once more (console of boot 1: $OUT/console-boot1-$RUNID.log)"
	: >"$CONSOLE_LOG"
	boot_once
fi

console_tail() {
	echo "---- console tail ($CONSOLE_LOG) ----" >&2
	tr -d '\r' <"$CONSOLE_LOG" | tail -n "${1:-40}" >&2
	if [ -s "$TMP/qemu.out" ]; then
		echo "---- qemu output ----" >&2
		tail -n 10 "$TMP/qemu.out" >&2
	fi
	echo "----" >&2
}

# ---------------------------------------------------------------- parse console
CLEAN=$TMP/console.txt
tr -d '\r' <"$CONSOLE_LOG" >"$CLEAN"
# rs-ready's lines (tests/vm/guest-ready.sh), as "WAIT|READY|NOTREADY <what> ...":
# the guest waited for a background ringscope before starting its workload.
grep -a "@@RSVM:[A-Z]*READY:$RUNID@@ \|@@RSVM:WAIT:$RUNID@@ " "$CLEAN" |
	sed "s/^.*@@RSVM:\([A-Z]*\):$RUNID@@ /\1 /" >"$TMP/ready" || true
# A workload that was not started (its observer or receiver never got ready)
# fails the run with the cause, whatever else the guest printed.
NOT_READY=$(sed -n 's/^NOTREADY //p' "$TMP/ready" | head -n 1)
if [ -n "$NOT_READY" ]; then
	console_tail 30
	die "guest did not start its workload: $NOT_READY"
fi
if [ "$timed_out" = 1 ]; then
	console_tail 40
	waiting=$(tail -n 1 "$TMP/ready" | sed -n 's/^WAIT //p')
	die "guest did not finish within TIMEOUT=${TIMEOUT}s (killed)${waiting:+ while waiting for $waiting to be ready (READY_TIMEOUT=$READY_TIMEOUT guest s)}"
fi
# Ready times of every wait, for the record: "what N.N s".
if grep -q '^READY ' "$TMP/ready"; then
	say "ready after: $(sed -n 's/^READY //p' "$TMP/ready" | paste -sd, | sed 's/,/, /g')"
fi
if grep -qa "@@RSVM:FAIL:$RUNID:" "$CLEAN"; then
	console_tail 40
	die "guest failed: $(grep -a "@@RSVM:FAIL:$RUNID:" "$CLEAN" | head -n 1 | sed "s/.*@@RSVM:FAIL:$RUNID:\(.*\)@@.*/\1/")"
fi
if ! grep -qa "@@RSVM:INIT:$RUNID:" "$CLEAN"; then
	console_tail 60
	die "guest never reached /init (qemu exit $QRC; kernel panic or wrong image?)"
fi
END_LINE=$(grep -a "@@RSVM:END:$RUNID:" "$CLEAN" | head -n 1 || true)
if [ -z "$END_LINE" ]; then
	console_tail 60
	die "workload did not finish (no END marker; qemu exit $QRC: guest crashed?)"
fi
WRC=$(echo "$END_LINE" | sed "s/.*@@RSVM:END:$RUNID:\([0-9-]*\)@@.*/\1/")
INFO=$(grep -a "@@RSVM:INFO:$RUNID@@" "$CLEAN" | head -n 1 | sed "s/.*@@RSVM:INFO:$RUNID@@ //")
echo "$INFO" | jq -e . >/dev/null 2>&1 || INFO='{}'
# NDJSON between BEGIN and END, keeping only lines that parse as JSON objects.
awk -v b="@@RSVM:BEGIN:$RUNID@@" -v e="@@RSVM:END:$RUNID:" '
	index($0, e) { on = 0 } on { print } index($0, b) { on = 1 }' "$CLEAN" >"$TMP/ndjson.raw"
jq -cR 'fromjson? | objects' "$TMP/ndjson.raw" >"$TMP/ndjson" || true
awk -v b="@@RSVM:STDERR:$RUNID@@" -v e="@@RSVM:STDERR-END:$RUNID@@" '
	index($0, e) { on = 0 } on { print } index($0, b) { on = 1 }' "$CLEAN" >"$TMP/stderr"
cp "$TMP/ndjson" "$OUT/$TAG.ndjson"

if [ "$WORKLOAD" = cmd ]; then
	cp "$TMP/ndjson.raw" "$OUT/$TAG.out"
	cat "$OUT/$TAG.out"
	say "guest command exited $WRC; output in $OUT/$TAG.out"
	[ "$WRC" = 0 ]
	exit
fi

FINAL=$(jq -c 'select(.type == "final")' "$TMP/ndjson" | tail -n 1)
# TRACE=both: the untraced run's final object, renamed by the guest.
UNTRACED=$(jq -c 'select(.type == "final_untraced")' "$TMP/ndjson" | tail -n 1)
[ "$TRACE" != both ] || [ -n "$UNTRACED" ] || [ "$WRC" != 0 ] ||
	die "TRACE=both but the guest printed no untraced result (console: $CONSOLE_LOG)"
[ -n "$UNTRACED" ] || UNTRACED=null
# The guest CPU time the run without probes kept busy (guest-init.sh cpu_json).
UNTRACED_CPU=$(jq -c 'select(.type == "cpu_untraced") | del(.type)' "$TMP/ndjson" | tail -n 1)
[ -n "$UNTRACED_CPU" ] || UNTRACED_CPU=null
# The guest's BPF program statistics at the end of the traced run (observer cost).
BPF_STATS=$(jq -c 'select(.type == "bpf_stats")' "$TMP/ndjson" | tail -n 1)
[ -n "$BPF_STATS" ] || BPF_STATS=null
if [ "$WRC" != 0 ] || [ -z "$FINAL" ]; then
	if [ -s "$TMP/stderr" ]; then
		echo "---- workload stderr (tail) ----" >&2
		tail -n 20 "$TMP/stderr" >&2
	else
		console_tail 30
	fi
	why=$(grep -m1 -i 'error' "$TMP/stderr" || tail -n 1 "$TMP/stderr" || true)
	[ -z "$FINAL" ] && die "workload exited $WRC and printed no \"type\":\"final\" line${why:+: $why}"
	die "workload exited $WRC${why:+: $why}"
fi

T_DONE=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
BOOT_S=null
[ -n "$T_INIT" ] && BOOT_S=$(secs "$T_QEMU" "$T_INIT")
WALL_S=$(secs "$T_START" "$T_DONE")
QEMU_S=$(secs "$T_QEMU" "$T_END")

# kernel version: from the Debian version in /proc/version, else uname -r's leading x.y.z
KVER=$(echo "$INFO" | jq -r '
	([.proc_version // "" | match("#[0-9]+ [^(]*Debian ([0-9]+\\.[0-9]+\\.[0-9]+)"; "g") | .captures[0].string] | last) //
	(.uname_r // "" | capture("^(?<v>[0-9]+\\.[0-9]+(\\.[0-9]+)?)") | .v) // empty' 2>/dev/null | head -n 1)
KVER=${KVER:-$KERNEL}
RESULT=$OUT/${KVER}-${VARIANT}-${ARCH}-${PARAMS_SLUG}.json
[ "$WORKLOAD" = ringscope ] || RESULT=$OUT/${KVER}-${VARIANT}-${ARCH}-${PARAMS_SLUG}-${WORKLOAD}.json

# name the evidence after the result
mv "$CONSOLE_LOG" "${RESULT%.json}.console.log" && CONSOLE_LOG=${RESULT%.json}.console.log
mv "$OUT/$TAG.ndjson" "${RESULT%.json}.ndjson"

# [{what, s}] of every rs-ready wait in the guest
READY_JSON=$(sed -n 's/^READY //p' "$TMP/ready" | jq -R 'capture("^(?<what>.*) (?<s>[0-9.]+) s$") | .s |= tonumber' | jq -sc .)
META=$(jq -n --argjson ready "$READY_JSON" \
	--arg variant "$VARIANT" --arg arch "$ARCH" --arg ksrc "$KSRC" --arg pkg "$PKG" \
	--arg kimage "$KIMG" --arg workload "$WORKLOAD" --arg console "$CONSOLE_LOG" \
	--arg qemu "$("$QEMU_BIN" --version | head -n 1)" \
	--argjson seconds "$SECONDS_RUN" --argjson pkt_size "$PKT_SIZE" --arg indirect "$INDIRECT" \
	--arg event_idx "$EVENT_IDX" --arg in_order "$IN_ORDER" --argjson queue_size "$QUEUE_SIZE" --arg packed "$PACKED" \
	--argjson rate "$RATE" --arg layout "$LAYOUT" --argjson boot_s "$BOOT_S" --argjson wall_s "$WALL_S" \
	--argjson qemu_s "$QEMU_S" --argjson guest "$INFO" --arg accel "$ACCEL" --argjson smp "$SMP" \
	--arg trace "$TRACE" --arg backend "$BACKEND" --argjson untraced "$UNTRACED" --argjson bpf_stats "$BPF_STATS" \
	--argjson untraced_cpu "$UNTRACED_CPU" \
	'{variant: $variant, arch: $arch, kernel_source: $ksrc, kernel_package: $pkg, kernel_image: $kimage,
	  workload: $workload, console_log: $console, qemu: $qemu,
	  params: {seconds: $seconds, pkt_size: $pkt_size, indirect: $indirect, event_idx: $event_idx, in_order: $in_order,
	           queue_size: $queue_size, packed: $packed, layout: $layout, rate: $rate,
	           accel: $accel, smp: $smp, trace: $trace, backend: $backend},
	  untraced: $untraced, untraced_cpu: $untraced_cpu, bpf_stats: $bpf_stats,
	  queue_sizes: {rx: $queue_size, tx: ([$queue_size, 256] | min),
	                note: "qemu clamps tx_queue_size to 256 unless the backend is vhost-user/vdpa"},
	  boot_s: $boot_s, wall_s: $wall_s, qemu_s: $qemu_s, ready: $ready, guest: $guest}')

if [ "$WORKLOAD" = ringscope ]; then
	echo "$FINAL" | jq --argjson meta "$META" --arg kernel "$KVER" -f "$HERE/lab-result.jq" >"$RESULT.tmp"
elif [ "$WORKLOAD" = xsk-zc ]; then
	echo "$FINAL" | jq --argjson meta "$META" --arg kernel "$KVER" -f "$HERE/lab-zc.jq" >"$RESULT.tmp"
elif [ "$WORKLOAD" = lpi ]; then
	# The lab schema for an LPI run: the trace's lpi object, plus the
	# injector's own view (rate, write latency, delivery check).
	echo "$FINAL" | jq --argjson meta "$META" --arg kernel "$KVER" --arg lpi_args "$LPI_ARGS" '
		. as $in | ($meta | .params = {lpi_args: $lpi_args, mode: $in.load.mode, injectors: $in.load.injectors,
		                   devices: $in.load.devices, events: $in.load.events, vcpus: $in.load.vcpus}) as $m
		| $m + {kernel: $kernel, tier: .trace.tier,
		  lpi: (.trace.lpi + {load_injections: .load.injections, load_injections_per_s: .load.injections_per_s,
		                      lpis: .load.lpis, lpis_pending: .load.lpis_pending,
		                      write_lat_ns_p50: .load.write_lat_ns_p50, write_lat_ns_p99: .load.write_lat_ns_p99}),
		  raw: .}' >"$RESULT.tmp"
else
	echo "$FINAL" | jq --argjson meta "$META" --arg kernel "$KVER" \
		'$meta + {kernel: $kernel, raw: .}' >"$RESULT.tmp"
fi
mv "$RESULT.tmp" "$RESULT"
if [ "$WORKLOAD" = ringscope ]; then
	"$HERE/lab-summary.sh" "$RESULT"
elif [ "$WORKLOAD" = xsk-zc ]; then
	jq -r '"== \(.kernel) \(.variant) \(.arch) gen tx --bind zc: \(.bind), tier \(.tier), \(.packets_tx)/\(.count) sent, \(.packets_rx) received, lost \(.lost)",
	       "   calls per packet: \(.calls_per_pkt | to_entries | map("\(.key) \(.value)") | join(", "))",
	       "   kmalloc_per_pkt \(.kmalloc_per_pkt) kfree_per_pkt \(.kfree_per_pkt) (indirect \(.params.indirect)); boot \(.boot_s) s, wall \(.wall_s) s"' "$RESULT"
elif [ "$WORKLOAD" = lpi ]; then
	jq -r '"== \(.kernel) \(.variant) \(.arch) lpi-load \(.params.lpi_args) (\(.params.mode), tier \(.tier))",
	       "   injections \(.lpi.load_injections) (\(.lpi.load_injections_per_s | round)/s), cached calls \(.lpi.injections): hits \(.lpi.hits) misses \(.lpi.misses) hit ratio \(.lpi.hit_ratio)",
	       "   irqfd_wakeup -> injected p50 \(.lpi.wakeup_to_inject_ns_p50 | round) ns p99 \(.lpi.wakeup_to_inject_ns_p99 | round) ns; contentions/injection \(.lpi.contentions_per_injection); LPIs pending \(.lpi.lpis_pending)/\(.lpi.lpis)"' "$RESULT"
else
	jq -r '"kernel \(.kernel) (\(.guest.uname_r)) boot \(.boot_s)s wall \(.wall_s)s: " + (.raw | tostring)' "$RESULT"
fi
say "result: $RESULT"
