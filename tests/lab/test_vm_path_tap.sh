#!/usr/bin/env bash
# test_vm_path_tap.sh (make test-lab): --path virtio-tx with BACKEND=tap, in Debian's 6.12 and 6.1
# guests. A tap has a vnet header, so the device offers checksum offload and the guest NIC has
# NETIF_F_SG: the AF_XDP copy-mode skb keeps its frame in a page fragment (no linear data), which
# start_xmit's program reads through the direct map (bpf/skb_frag.h; 6.12's skb_frag_t holds a
# netmem, 6.1's is a struct bio_vec). make test's hub cells never take that branch (the hub's
# device has no SG, the stack linearizes). Fentry and kprobe tiers, the checks of make test's
# virtio-tx cell (tests/vm/test_vm_path.sh: every packet hop counts every packet, every seq once,
# causal order, the kick/irq attribution adding up), and every frame read from a fragment.
# A boot of its own per kernel (the backend is the qemu netdev): ~2-4 min each under TCG. Needs
# `make static`.
# timeout: 2400
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KERNELS="6.12 6.1" CELLS=virtio-tx TX_ENV="BACKEND=tap NS_TAG=pathtap" TIMEOUT=${TIMEOUT:-900} \
	bash "$HERE/../vm/test_vm_path.sh"
rc=$?
# vm-run.sh deletes the taps' private namespace on exit
if ip netns list | grep -q '^rsvm-pathtap-'; then
	echo "FAIL: vm_path_tap: a rsvm-pathtap-* netns was left behind"
	rc=1
else
	echo "PASS: vm_path_tap: no tap netns left"
fi
exit $rc
