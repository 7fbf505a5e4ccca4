#!/usr/bin/env bash
# test_virtio_cache_boot.sh - boots the 6.12 kernels built by
# kernel-patches/build-kernels.sh under qemu (TCG, 2 vCPUs) and runs the guest
# checks of tests/kernel/virtio-cache-guest/init on two virtio-net NICs:
# frames A -> B of 2, 3, 4 and 5 sgs, TX/RX ring resizes (ethtool -G, i.e.
# virtqueue_resize) to 32, 64, 128 and 256 entries, none refused, link
# down/up and resizes under traffic, driver unbind/bind under traffic
# (vring_del_virtqueue + probe), no virtio_net parameter for the cache, no
# "uncached" notice, and no WARNING/BUG/KASAN/kmemleak report in the guest.
#
# The series (kernel-patches/6.12) caches indirect tables of up to 4
# descriptors on split and packed rings; it adds no module parameter.  A resize
# whose cache block cannot be allocated is not provoked here: a 6.12 slot is
# 64 bytes (no extras), so even a 32768-entry ring needs 2 MiB, within the
# page allocator's limit, and qemu's virtio-net queues have at most 1024
# entries (64 KiB); the lab's config has no fault injection.
#
# Usage: tests/kernel/test_virtio_cache_boot.sh
# Environment:
#   RINGSCOPE_CACHE          where build-kernels.sh put the kernels
#                            (default /var/cache/ringscope)
#   RINGSCOPE_VIRTIO_TAP=1   tap backend, see below (default: hub)
#   KERNEL_PATCHED / KERNEL_STOCK   other bzImages to boot
#   RINGSCOPE_TEST_LOGS=DIR  keep the guests' serial logs in DIR
#   RINGSCOPE_VIRTIO_DEVOPTS more virtio-net-pci options, e.g.
#                            ",disable-legacy=on,iommu_platform=on" (the ring
#                            then maps every table through the DMA API, and
#                            the patched one allocates its cache coherent;
#                            the guest then also asserts A's DMA maps per
#                            loop: one per sg plus one per uncached table)
#   RINGSCOPE_VIRTIO_APPEND  more guest kernel command line, e.g. swiotlb=force
#
# Backends:
#   hub (default): the NICs are two hubports of qemu hub 0, a closed loop
#     inside qemu.  qemu offers no VIRTIO_NET_F_CSUM when the backend has no
#     vnet header, so the guest has no scatter-gather, every skb is
#     linearised and TX never builds an indirect table: this mode checks
#     that the patched ring survives the life-cycle paths, not the cache.
#   tap (RINGSCOPE_VIRTIO_TAP=1): the NICs use two taps bridged in a network
#     namespace made for this run (nothing else in it, deleted on exit; the
#     host's own interfaces are never involved).  Taps carry a vnet header, the
#     guest gets scatter-gather, and the guest checks the ring's own
#     kmalloc/kfree count per frame: 1 on the stock kernel, 0 on the patched
#     kernel (split and packed ring) for buffers of at most 4 sgs, 1 above.
# Variants: patched split ring, patched packed ring (qemu packed=on); with
# tap also the stock kernel on both rings as the reference for the counts
# (count loops only: the life-cycle steps test the series, and skipping them
# keeps the two stock boots about as long as one full boot).
#
# Prints one PASS:/FAIL: line per variant; builds the kernels first when
# they are not cached.  Needs root (tracefs in the guest is fine; tap mode makes a netns).
# timeout: 2700

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GUEST=$HERE/virtio-cache-guest
CACHE=${RINGSCOPE_CACHE:-/var/cache/ringscope}
PATCHED=${KERNEL_PATCHED:-$CACHE/kernel/6.12/patched/bzImage}
STOCK=${KERNEL_STOCK:-$CACHE/kernel/6.12/stock/bzImage}
TAP=${RINGSCOPE_VIRTIO_TAP:-0}
NETNS=rs-vq-$$
BOOT_TIMEOUT=600

scratch=
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
	[[ -z $scratch ]] || rm -rf "$scratch"
	[[ $TAP != 1 ]] || ip netns del "$NETNS" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The kernels come from build-kernels.sh (cached: instant when its inputs did
# not change; otherwise ~5 min each on a quiet 2-core machine). A missing
# kernel is a failure, never a skip.
if [[ -z ${KERNEL_PATCHED:-} ]]; then
	blog=$(mktemp /tmp/rs-vq-build.XXXXXX)
	if ! bash "$HERE/../../kernel-patches/build-kernels.sh" >"$blog" 2>&1; then
		echo "FAIL: virtio_cache_kernels_built: build-kernels.sh failed: $(tail -3 "$blog")"
		rm -f "$blog"
		exit 1
	fi
	rm -f "$blog"
fi
if [[ ! -f $PATCHED ]]; then
	echo "FAIL: virtio_cache_kernel: no patched kernel at $PATCHED"
	exit 1
fi

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[[ -x /bin/busybox ]] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
	need+=(busybox-static)
command -v ethtool >/dev/null || need+=(ethtool)
command -v cpio >/dev/null || need+=(cpio)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v file >/dev/null || need+=(file)
if [[ ${#need[@]} -gt 0 ]]; then
	if [[ $(id -u) -ne 0 ]] || ! DEBIAN_FRONTEND=noninteractive timeout 900 \
		apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1; then
		echo "FAIL: cannot install ${need[*]}"
		exit 1
	fi
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ringscope-vq-boot.XXXXXX") || exit 1
root=$scratch/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,etc}
cp /bin/busybox "$root/bin/"
for a in $(/bin/busybox --list); do
	[[ -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"
done
if ! gcc -O2 -Wall -static -o "$root/bin/pkttool" "$GUEST/pkttool.c" >"$scratch/cc.log" 2>&1; then
	echo "FAIL: cannot build pkttool: $(head -n 1 "$scratch/cc.log")"
	exit 1
fi
# ethtool is dynamic: take it with the libraries it needs.
eth=$(command -v ethtool)
cp "$eth" "$root/sbin/ethtool"
for lib in $(ldd "$eth" | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
cp "$GUEST/init" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$scratch/initrd.gz" ||
	{ echo "FAIL: cannot build the initramfs"; exit 1; }

setup_netns() {
	local t
	ip netns add "$NETNS" || return 1
	ip netns exec "$NETNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 || return 1
	ip -n "$NETNS" link add rsbr0 mtu 16000 type bridge || return 1
	for t in rstap0 rstap1; do
		ip -n "$NETNS" tuntap add dev $t mode tap vnet_hdr || return 1
		ip -n "$NETNS" link set $t mtu 16000 master rsbr0 up || return 1
	done
	ip -n "$NETNS" link set rsbr0 up
}

if [[ $TAP == 1 ]]; then
	backend=tap
	setup_netns >"$scratch/netns.log" 2>&1 ||
		{ echo "FAIL: cannot set up netns $NETNS: $(tail -n 1 "$scratch/netns.log")"; exit 1; }
	# shellcheck disable=SC2054  # commas belong to qemu's option syntax
	nets=(-netdev tap,id=n0,ifname=rstap0,script=no,downscript=no,vhost=off
	      -netdev tap,id=n1,ifname=rstap1,script=no,downscript=no,vhost=off)
	run=(ip netns exec "$NETNS")
else
	backend=hub
	# shellcheck disable=SC2054
	nets=(-netdev hubport,id=n0,hubid=0 -netdev hubport,id=n1,hubid=0)
	run=()
fi

status=0
boot() { # NAME KERNEL DEVICE-OPTIONS (NAME is VARIANT-RING: stock|patched - split|packed)
	local name=$1 kernel=$2 dev=$3${RINGSCOPE_VIRTIO_DEVOPTS:-} log=$scratch/$1.log first
	# no_timer_check: a TCG guest on a loaded host can miss the IO-APIC timer
	# check and panic before /init ("IO-APIC + timer doesn't work"; seen once
	# here, a stock boot, load ~20), as vm-run.sh's guests skip it too.
	timeout "$BOOT_TIMEOUT" "${run[@]}" qemu-system-x86_64 -accel tcg,thread=multi \
		-m 1024 -smp 2 -nographic -no-reboot -nic none \
		-kernel "$kernel" -initrd "$scratch/initrd.gz" \
		-append "console=ttyS0 panic=-1 quiet no_timer_check rs_variant=${name%%-*} rs_ring=${name#*-} ${RINGSCOPE_VIRTIO_APPEND:-}" \
		"${nets[@]}" \
		-device "virtio-net-pci,netdev=n0,mac=52:54:00:00:00:01$dev" \
		-device "virtio-net-pci,netdev=n1,mac=52:54:00:00:00:02$dev" \
		>"$log" 2>&1
	local rc=$? loops what
	[[ -z ${RINGSCOPE_TEST_LOGS:-} ]] ||
		{ mkdir -p "$RINGSCOPE_TEST_LOGS" && cp "$log" "$RINGSCOPE_TEST_LOGS/$name-$backend.log"; }
	loops=$(grep -a -c '^RS: .* expected=' "$log")
	what="tx/rx resizes, link flaps and unbind/bind under traffic"
	[[ $name != stock-* ]] || what="the reference (count loops only)"
	if grep -a -q '^RS: RESULT failures=0' "$log"; then
		echo "PASS: $name/$backend: $loops traffic checks (ring kmalloc/kfree per frame as expected), $what; no cache parameter, no uncached notice, no kernel warnings"
	else
		status=1
		first=$(grep -a -m1 '^RS: FAILED' "$log" | cut -c5-)
		[[ -n $first ]] || first="no result (qemu exit $rc$( ((rc == 124)) && echo ', timeout'))"
		echo "FAIL: $name/$backend: $first"
		grep -a '^RS:' "$log" | tail -n 8 | sed 's/^/   /'
		tail -n 5 "$log" | sed 's/^/   | /'
	fi
}

boot patched-split "$PATCHED" ",indirect_desc=on"
boot patched-packed "$PATCHED" ",indirect_desc=on,packed=on"
if [[ $TAP == 1 ]]; then
	if [[ ! -f $STOCK ]]; then
		echo "FAIL: virtio_cache_kernel: no stock kernel at $STOCK (the reference of the tap counts)"
		exit 1
	fi
	boot stock-split "$STOCK" ",indirect_desc=on"
	boot stock-packed "$STOCK" ",indirect_desc=on,packed=on"
fi
exit $status
