#include <unistd.h>
#include <linux/bpf.h>
#include "map_mem.h"

/* Sizes of the kernel structs the formulas use (x86_64 and arm64 alike):
 * struct htab_elem without its key, struct bucket, the per-CPU lock counts
 * of a hash map (HASHTAB_MAP_LOCK_COUNT ints). */
#define HTAB_ELEM_BYTES 48
#define HTAB_BUCKET_BYTES 16
#define HTAB_LOCK_COUNT 8

static uint64_t round8(uint64_t v)
{
	return (v + 7) & ~7ULL;
}

static uint64_t pow2_up(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static uint64_t page_up(uint64_t v)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	return (v + page - 1) / page * page;
}

/* kernel/bpf/hashtab.c: htab_map_mem_usage() of a preallocated map. */
static uint64_t htab_bytes(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
			   uint32_t ncpu)
{
	int percpu = type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	int lru = type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	uint64_t elem = HTAB_ELEM_BYTES + round8(key_size) + (percpu ? 8 : round8(value_size));
	uint64_t entries = max_entries + (!percpu && !lru ? ncpu : 0);	/* the per-CPU extra elements */
	uint64_t bytes = HTAB_BUCKET_BYTES * pow2_up(max_entries) + 4ULL * ncpu * HTAB_LOCK_COUNT;

	bytes += elem * entries;
	if (percpu)
		bytes += round8(value_size) * ncpu * entries;
	else if (!lru)
		bytes += 8ULL * ncpu;
	return bytes;
}

uint64_t map_mem_bytes(uint32_t type, uint32_t flags, uint32_t key_size, uint32_t value_size,
		       uint32_t max_entries, uint32_t ncpu)
{
	uint64_t elem = round8(value_size);

	switch (type) {
	case BPF_MAP_TYPE_ARRAY:	/* kernel/bpf/arraymap.c: array_map_mem_usage() */
		return flags & BPF_F_MMAPABLE ? page_up(1) + page_up(elem * max_entries) : elem * max_entries;
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return 8ULL * max_entries + elem * max_entries * ncpu;
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		return htab_bytes(type, key_size, value_size, max_entries, ncpu);
	default:
		return (uint64_t)(round8(key_size) + elem) * max_entries;
	}
}
