#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cpu_array.h"
#include "u64s.h"

int cpu_array_size(struct bpf_map *map, uint32_t rows)
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	return bpf_map__set_max_entries(map, (uint32_t)ncpu * rows);
}

int cpu_array_open(struct cpu_array *a, struct bpf_map *map, uint32_t rows, bool per_cpu)
{
	int ncpu = per_cpu ? libbpf_num_possible_cpus() : 1;
	long page = sysconf(_SC_PAGESIZE);

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	if (bpf_map__max_entries(map) < (uint32_t)ncpu * rows)
		return -EINVAL;	/* a per-CPU array not sized by cpu_array_size */
	a->fd = bpf_map__fd(map);
	a->rows = rows;
	a->ncpu = ncpu;
	a->value_size = bpf_map__value_size(map);
	a->stride = (a->value_size + 7) & ~(size_t)7;
	a->mem_len = (a->stride * bpf_map__max_entries(map) + page - 1) / page * page;
	if (bpf_map__map_flags(map) & BPF_F_MMAPABLE) {
		a->mem = mmap(NULL, a->mem_len, PROT_READ, MAP_SHARED, a->fd, 0);
		if (a->mem == MAP_FAILED)
			a->mem = NULL;
	}
	return 0;
}

void cpu_array_close(struct cpu_array *a)
{
	if (a->mem)
		munmap(a->mem, a->mem_len);
	memset(a, 0, sizeof(*a));
	a->fd = -1;
}

int cpu_array_sum(const struct cpu_array *a, uint32_t row, void *out)
{
	void *buf = NULL;

	memset(out, 0, a->value_size);
	if (row >= a->rows)
		return -EINVAL;
	if (!a->mem && !(buf = malloc(a->stride)))
		return -ENOMEM;
	for (uint32_t c = 0; c < a->ncpu; c++) {
		uint32_t key = c * a->rows + row;

		if (a->mem) {
			u64s_add(out, (const char *)a->mem + (size_t)key * a->stride, a->value_size);
		} else if (bpf_map_lookup_elem(a->fd, &key, buf)) {
			int err = -errno;

			free(buf);
			return err;
		} else {
			u64s_add(out, buf, a->value_size);
		}
	}
	free(buf);
	return 0;
}
