#!/usr/bin/env bash
# test_vm_path_xsk72.sh (make test-lab): --path virtio-xsk in Debian's 7.2 (BIND=zc) on the device
# and guest shapes that make test's cell (tests/vm/test_vm_path.sh: split ring, indirect
# descriptors, one vCPU) does not boot, with the same checks on both tiers:
#  1. split ring, no indirect table, so the detach finds the frame in the ring's own descriptor
#     chain, and two vCPUs (single-threaded TCG: multi-threaded TCG with two breaks text patching
#     now and then, docs/vm-lab.md), where a NAPI poll may begin before a packet it takes was
#     queued (poll_tx then counts that packet out, in stale_alloc);
#  2. and 3. the packed ring (detach_buf_packed_in_order), with its indirect table and without
#     (the frame in the ring, from the used slot on), event index off: 7.2's packed-ring zero-copy
#     TX stalls with it on (completions in lumps of 64, not investigated; docs/hop-latency.md).
# Three boots, ~2-4 min each. Needs `make static`.
# timeout: 3600
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rc=0
for zc in "INDIRECT=off SMP=2 ACCEL=tcg-single" "PACKED=on EVENT_IDX=off" "PACKED=on EVENT_IDX=off INDIRECT=off"; do
	KERNELS=7.2 ZC_ENV="$zc" bash "$HERE/../vm/test_vm_path.sh" || rc=1
done
exit $rc
