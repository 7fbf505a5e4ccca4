#!/usr/bin/env bash
# test_virtio72_debug_boot.sh - the robustness boots of test_virtio72_cache_boot.sh (ring resize under
# an AF_XDP zero-copy flood, XSK unbind/rebind, link flap, driver unbind/bind; as is and with
# swiotlb=force) on the patched 7.2 kernel built with KASAN, kmemleak, DMA-API debug and lockdep
# (kernel-patches/config/debug.config, `make kernel-debug KERNEL=7.2`, cached). Fails on any KASAN,
# lockdep or DMA-API report, on any WARNING/BUG, and on any object kmemleak's scan at the end reports.
# Part of make test-lab: the first debug build compiles the whole kernel (~1200 objects) with KASAN:
# ~10 objects a minute on this 2-core machine shared by five engineers (2026-11-30); cached
# afterwards, and an interrupted build resumes where it stopped. A boot took 11-15 min here (2026-11-30,
# host load 11-26; the plain kernel's: ~1-3 min), hence 1 h per boot. The guest has one CPU and its
# floods run at 50 frames/s (test_virtio72_cache_boot.sh says why); results and what they showed:
# docs/virtio-indirect-cache.md, "The debug kernel".
# timeout: 14400
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$HERE/test_virtio72_cache_boot.sh" patched-debug
