#!/usr/bin/env bash
# test_vm_path_xsk72.sh (make test-lab): --path virtio-xsk in Debian's 7.2 (BIND=zc) on the two
# device and guest shapes that make test's cell (tests/vm/test_vm_path.sh: indirect descriptors,
# one vCPU) does not boot: no indirect table, so the detach finds the frame in the ring's own
# descriptor chain, and two vCPUs (single-threaded TCG: multi-threaded TCG with two breaks text
# patching now and then, docs/vm-lab.md), where a NAPI poll may begin before a packet it takes was
# queued (poll_tx then counts that packet out, in stale_alloc). The same checks as make test's
# cell, on both tiers. One boot, ~2 min. Needs `make static`.
# timeout: 1200
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KERNELS=7.2 ZC_ENV="INDIRECT=off SMP=2 ACCEL=tcg-single" exec bash "$HERE/../vm/test_vm_path.sh"
