#!/usr/bin/env bash
# make deps: install with apt-get whatever ringscope needs and is missing, and
# mount bpffs. Idempotent and quiet when everything is there.
set -euo pipefail

pkgs=(clang llvm libbpf-dev bpftool libxdp-dev xdp-tools libelf-dev zlib1g-dev libzstd-dev
      libnl-3-dev libnl-route-3-dev libmicrohttpd-dev
      prometheus	# the scrape test runs its own server and promtool (tests/host/test_metrics.sh)
      pkg-config iproute2 bpftrace make gcc libc6-dev jq curl ethtool kmod
      qemu-system-x86 busybox-static cpio xz-utils zstd scdoc man-db gnuplot-nox
      libclang-rt-14-dev)	# libclang_rt.fuzzer: make fuzz, tests/fuzz
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	[[ $EUID -eq 0 ]] || { echo "make deps: missing ${missing[*]}: run as root (sudo make deps)" >&2; exit 1; }
	echo "make deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || { echo "make deps: apt-get update failed: check the Debian mirror" >&2; exit 1; }
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/ringscope-deps.log 2>&1 ||
		{ tail -20 /tmp/ringscope-deps.log >&2; echo "make deps: apt-get install failed (log above)" >&2; exit 1; }
fi
# Debian starts and enables a prometheus service on install (listening on
# :9090 for every address): the tests start their own on loopback only.
if [[ $EUID -eq 0 ]] && [[ " ${missing[*]:-} " == *" prometheus "* ]]; then
	systemctl disable --now prometheus >/dev/null 2>&1 || /etc/init.d/prometheus stop >/dev/null 2>&1 || true
fi
if [[ $EUID -eq 0 ]] && ! mountpoint -q /sys/fs/bpf; then
	mount -t bpf bpf /sys/fs/bpf || { echo "make deps: cannot mount bpffs on /sys/fs/bpf" >&2; exit 1; }
fi
# bpftrace attaches tracepoints through tracefs.
if [[ $EUID -eq 0 ]] && [[ -d /sys/kernel/tracing ]] && [[ ! -e /sys/kernel/tracing/events ]]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi
exit 0
