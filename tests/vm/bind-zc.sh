# shellcheck shell=bash
# Sourced by vm-run.sh when BIND is not "copy". BIND=zc: the guest runs `ringscope gen tx --bind zc`
# so that packets go through virtio-net's native AF_XDP zero-copy TX (virtnet_xsk_xmit, Linux >=
# 6.13), traced with `trace -f` (workload xsk-zc in guest-init.sh, schema in lab-zc.jq).
# What the device needs, and why (docs/vm-lab.md, "Linux 7.2 and zero-copy TX"):
#   - an XSK pool needs a DMA device (virtqueue_dma_dev()), i.e. VIRTIO_F_ACCESS_PLATFORM:
#     qemu's iommu_platform=on, which qemu accepts only on a modern-only device (disable-legacy=on);
#   - nothing else: on the qemu hub the device offers no checksum/TSO offloads, so the guest has
#     no offloads that forbid XDP, and one queue pair is enough for one XSK TX queue.
case "$BIND" in
zc) ;;
*) die "BIND must be copy or zc (got '$BIND')" ;;
esac
case "$KERNEL" in
6.1 | 6.12) [ -n "$KIMAGE" ] || die "BIND=zc needs KERNEL=7.2 or 7.3: virtio-net has AF_XDP zero-copy TX only since 6.13 (6.1/6.12 run copy mode: leave BIND unset)" ;;
esac
case "$LAYOUT" in
auto | modern) LAYOUT=modern ;;
*) die "BIND=zc needs the modern device (iommu_platform=on requires disable-legacy=on): drop LAYOUT=$LAYOUT" ;;
esac
case "$WORKLOAD" in
loopcheck | cmd | shell) ;;	# diagnostics on the zero-copy-capable device
*) WORKLOAD=xsk-zc ;;
esac
NIC_EXTRA="disable-legacy=on,iommu_platform=on${NIC_EXTRA:+,$NIC_EXTRA}"
