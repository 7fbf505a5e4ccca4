#!/usr/bin/env bash
# run.sh - boot a stock Debian arm64 kernel under qemu TCG with KVM available
# inside (EL2 + GICv3 + ITS) and run `ringscope lpi-load` there, once per line
# of RUNS (see init.sh: a "trace " prefix adds kprobe/hist evidence of the
# cached-translation path). No qemu network device at all.
#
#   KERNEL=6.12|6.1   Debian linux-image-*-arm64 package to boot (default 6.12)
#   BIN=build/arm64/ringscope   static arm64 ringscope (make static-arm64)
#   RUNS=$'-k 1 -d 5\n-k 10 -d 5\ntrace -k 1 -n 100000'   lpi-load argument lines
#   OUT=results/lpi   where <kernel>.log (console) and <kernel>.ndjson go
#   SMP=2 MEM=1024 TIMEOUT=900
#   RINGSCOPE_CACHE=/var/cache/ringscope   kernel/busybox packages unpacked under vm/
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
KERNEL=${KERNEL:-6.12}
BIN=${BIN:-$REPO/build/arm64/ringscope}
RUNS=${RUNS:-$'-k 1 -d 5\n-k 10 -d 5\n-k 1 -d 5 --mode signal-msi\n-k 10 -d 5 --mode signal-msi\ntrace -k 1 -n 100000\ntrace -k 10 -n 100000'}
OUT=${OUT:-results/lpi}
SMP=${SMP:-2}
MEM=${MEM:-1024}
TIMEOUT=${TIMEOUT:-900}
VMCACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}/vm

die() { echo "lpi-vm: ERROR: $*" >&2; exit 1; }
say() { echo "lpi-vm: $*" >&2; }

[ -x "$BIN" ] || die "no static arm64 ringscope at $BIN: run 'make static-arm64' (deps: bash tests/deps-arm64.sh)"
! command -v file >/dev/null || file -b "$BIN" | grep -q "ARM aarch64.*statically linked" || die "$BIN is not a static aarch64 executable"
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 missing: bash tests/deps-arm64.sh"
dpkg --print-foreign-architectures | grep -qx arm64 || die "arm64 dpkg architecture missing: bash tests/deps-arm64.sh"

case "$KERNEL" in
6.12) re='^linux-image-6\.12\.[0-9]+\+deb12-arm64$' ;;
6.1) re='^linux-image-6\.1\.0-[0-9]+-arm64$' ;;
*) die "KERNEL must be 6.12 or 6.1 (got '$KERNEL')" ;;
esac

mkdir -p "$VMCACHE/dl"
# Newest matching package that apt knows (version sort of the names).
pkg=$(apt-cache search --names-only "$re" 2>/dev/null | awk '{print $1}' | grep -E "$re" | sort -V | tail -1)
[ -n "$pkg" ] || die "no package matches $re: apt-get update (with the arm64 architecture added)"
unpack() { # package -> $VMCACHE/<package>
	local p=$1 d=$VMCACHE/$1
	[ -d "$d" ] && { echo "$d"; return; }
	(cd "$VMCACHE/dl" && ls "${p}"_*.deb >/dev/null 2>&1 || apt-get download "$p:arm64" >&2) ||
		die "apt-get download $p:arm64 failed"
	rm -rf "$d.tmp" && mkdir -p "$d.tmp" && dpkg -x "$(ls "$VMCACHE/dl/${p}"_*.deb | head -1)" "$d.tmp" && mv "$d.tmp" "$d"
	echo "$d"
}
kdir=$(unpack "$pkg")
bbdir=$(unpack busybox-static)
kimg=$(ls "$kdir"/boot/vmlinuz-* | head -1)
grep -q '^CONFIG_KVM=y' "$kdir"/boot/config-* || die "$pkg has no built-in KVM (CONFIG_KVM=y)"

tmp=$(mktemp -d /tmp/lpi-vm.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root/bin"
cp "$bbdir/bin/busybox" "$tmp/root/bin/busybox"
cp "$BIN" "$tmp/root/bin/ringscope"
cp "$HERE/init.sh" "$tmp/root/init"
chmod +x "$tmp/root/init" "$tmp/root/bin/"*
printf '%s\n' "$RUNS" > "$tmp/root/lpi-runs"
(cd "$tmp/root" && find . | cpio -o -H newc --quiet) > "$tmp/initramfs.cpio"

mkdir -p "$OUT"
log=$OUT/$KERNEL.log
say "booting $pkg (${SMP} vCPUs, ${MEM} MiB, TCG) -> $log"
t0=$(date +%s)
rc=0
timeout "$TIMEOUT" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3,its=on -cpu max,pauth=off -smp "$SMP" -m "$MEM" \
	-accel tcg,thread=multi -nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$kimg" -initrd "$tmp/initramfs.cpio" \
	-append "console=ttyAMA0 rdinit=/init panic=-1 loglevel=4" </dev/null >"$log" 2>&1 || rc=$?
say "qemu exited ($rc) after $(( $(date +%s) - t0 )) s"
tr -d '\r' < "$log" | sed -n 's/^LPI-JSON //p' > "$OUT/$KERNEL.ndjson"
tr -d '\r' < "$log" | grep -E '^LPI-|^ringscope' >&2 || true
grep -q '^LPI-DONE' <(tr -d '\r' < "$log") || die "the guest did not finish (see $log)"
