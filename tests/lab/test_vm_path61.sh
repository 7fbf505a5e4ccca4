#!/usr/bin/env bash
# test_vm_path61.sh (make test-lab): tests/vm/test_vm_path.sh's cells in Debian's 6.1 guest
# (veth-xsk, virtio-tx, msg-zerocopy incl. the ARP-ignored drops, vhost-tx with 6.1's kthread
# worker). make test runs them on 6.12 and 7.2 only, for its time budget. One boot, 2-4 min.
# Needs `make static`.
# timeout: 1200
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KERNELS=6.1 exec bash "$HERE/../vm/test_vm_path.sh"
