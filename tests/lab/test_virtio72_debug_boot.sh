#!/usr/bin/env bash
# test_virtio72_debug_boot.sh - the robustness boots of test_virtio72_cache_boot.sh (ring resize under
# an AF_XDP zero-copy flood, XSK unbind/rebind, link flap, driver unbind/bind; as is and with
# swiotlb=force) on the patched 7.2 kernel built with KASAN, kmemleak, DMA-API debug and lockdep
# (kernel-patches/config/debug.config, `make kernel-debug KERNEL=7.2`, cached). Fails on any KASAN,
# lockdep or DMA-API report, on any WARNING/BUG, and on any object kmemleak's scan at the end reports.
# Part of make test-lab: the debug build takes ~1 h on a loaded 2-core machine the first time; each
# boot ~10-20 min under TCG (KASAN, lockdep and kmemleak slow the guest several times).
# timeout: 9000
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$HERE/test_virtio72_cache_boot.sh" patched-debug
