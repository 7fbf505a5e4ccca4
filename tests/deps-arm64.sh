#!/usr/bin/env bash
# deps-arm64.sh: what the static arm64 cross build (mk/arm64.mk, make
# static-arm64) and the arm64 VM lab need, installed with apt-get when missing:
# the aarch64 cross compiler, the arm64 (Multi-Arch: same) development
# libraries whose .a files are linked statically, and qemu-system-aarch64.
# Adds the arm64 dpkg architecture first when it is not there. Idempotent and
# quiet when everything is installed.
set -euo pipefail

pkgs=(clang llvm bpftool make gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      libbpf-dev:arm64 libxdp-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 libzstd-dev:arm64
      libnl-3-dev:arm64 libnl-route-3-dev:arm64
      qemu-system-arm busybox-static cpio)
missing=()
have_arch=0
dpkg --print-foreign-architectures | grep -qx arm64 && have_arch=1
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
[[ $EUID -eq 0 ]] || { echo "deps-arm64: missing ${missing[*]}: run as root (sudo bash tests/deps-arm64.sh)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=600)
if ((!have_arch)); then
	echo "deps-arm64: adding the arm64 dpkg architecture"
	dpkg --add-architecture arm64
fi
echo "deps-arm64: installing ${missing[*]}"
apt-get "${lock[@]}" update -qq >/dev/null || { echo "deps-arm64: apt-get update failed: check the Debian mirror" >&2; exit 1; }
apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/tmp/ringscope-deps-arm64.log 2>&1 ||
	{ tail -20 /tmp/ringscope-deps-arm64.log >&2; echo "deps-arm64: apt-get install failed (log above)" >&2; exit 1; }
exit 0
