/* map_mem_bytes against figures the 6.18 host kernel reported as memlock in
 * /proc/PID/fdinfo for trace --kmalloc's maps (2 possible CPUs), minus the
 * map struct the formula leaves out (bpf_htab 832 B; bpf_array inside the
 * first page of an mmap-able array). tests/host/test_map_mem.sh compares a
 * live run with the kernel. */
#include <linux/bpf.h>
#include "check.h"
#include "map_mem.h"
#include "bpf/ringscope.h"

int main(void)
{
	/* kmem_sites: HASH, 16 B key, 136 B value, 16384 entries: memlock 3540256. */
	uint64_t sites = map_mem_bytes(BPF_MAP_TYPE_HASH, 0, 16, 136, RS_KMEM_SITES, 2);
	CHECK(sites == 3540256 - 832, "map_mem_hash", "%lu", sites);
	/* kmem_live: HASH, 8 B key, 24 B value, 262144 entries: memlock 25166896. */
	uint64_t live = map_mem_bytes(BPF_MAP_TYPE_HASH, 0, 8, 24, RS_KMEM_LIVE, 2);
	CHECK(live == 25166896 - 832, "map_mem_hash_large", "%lu", live);
	/* kmem_life: mmap-able ARRAY of 2048 histograms: memlock 8409088. */
	uint64_t life = map_mem_bytes(BPF_MAP_TYPE_ARRAY, BPF_F_MMAPABLE, 4, sizeof(struct rs_bpf_hist),
				      RS_KMEM_LIFE_SITES, 2);
	CHECK(life == 8409088, "map_mem_mmapable_array", "%lu", life);
	/* The figures do not grow with the CPU count, except by the hash map's
	 * per-CPU extra elements and lock counters. */
	uint64_t sites256 = map_mem_bytes(BPF_MAP_TYPE_HASH, 0, 16, 136, RS_KMEM_SITES, 256);
	CHECK(sites256 - sites == 254 * (200 + 8 + 32), "map_mem_hash_256cpu", "%lu more", sites256 - sites);
	/* The per-CPU hash kmem_sites was before (value 632 B: log2 lifetimes):
	 * 2.65 GB at 256 CPUs, the figure that made this bound necessary. */
	uint64_t old256 = map_mem_bytes(BPF_MAP_TYPE_PERCPU_HASH, 0, 16, 632, 16384, 256);
	CHECK(old256 > 2600000000ull && old256 < 2700000000ull, "map_mem_percpu_hash_grows", "%lu", old256);
	CHECK_DONE();
}
