/* Per-CPU rows of an mmap-able BPF ARRAY (bpf/ringscope.h: rs_cpu_row): the
 * BPF side writes row `row` of its CPU, key cpu * rows + row; user space sums
 * a row over CPUs straight from the mapped memory, so reading a snapshot
 * makes no syscall and no kernel allocation (a per-key
 * bpf_map_lookup_elem allocates twice in the kernel). Where mmap is refused
 * the rows are read with bpf_map_lookup_elem. A shared array (one set of
 * rows for all CPUs) is read the same way with per_cpu false. */
#ifndef RS_CPU_ARRAY_H
#define RS_CPU_ARRAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_map;

struct cpu_array {
	int fd;
	uint32_t rows;		/* rows per CPU */
	uint32_t ncpu;
	size_t value_size, stride;	/* stride: value_size rounded up to 8 */
	void *mem;		/* the mapping, NULL: read by syscall */
	size_t mem_len;
};

/* Before load: size map for rows rows on every possible CPU. */
int cpu_array_size(struct bpf_map *map, uint32_t rows);
/* After load: map it (or prepare the syscall fallback). -errno on failure. */
int cpu_array_open(struct cpu_array *a, struct bpf_map *map, uint32_t rows, bool per_cpu);
void cpu_array_close(struct cpu_array *a);
/* out (value_size bytes of u64s) = row summed over every CPU (per_cpu) or
 * the row itself. */
int cpu_array_sum(const struct cpu_array *a, uint32_t row, void *out);

#endif
