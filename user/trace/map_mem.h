/* Kernel memory a BPF map locks, from its type, flags and sizes, as the
 * kernel's own accounting computes it (map_mem_usage, shown as `memlock` in
 * /proc/PID/fdinfo and by `bpftool map show`): elements, hash buckets and
 * per-CPU parts. The map structs themselves (a few hundred bytes each) are
 * left out. ncpu is the number of possible CPUs to compute it for. */
#ifndef RS_MAP_MEM_H
#define RS_MAP_MEM_H

#include <stdint.h>

uint64_t map_mem_bytes(uint32_t type, uint32_t flags, uint32_t key_size, uint32_t value_size,
		       uint32_t max_entries, uint32_t ncpu);

#endif
