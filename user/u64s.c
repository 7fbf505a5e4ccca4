#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "u64s.h"

void u64s_add(void *dst, const void *src, size_t size)
{
	uint64_t *d = dst;
	const uint64_t *s = src;

	for (size_t i = 0; i < size / sizeof(uint64_t); i++)
		d[i] += s[i];
}

void u64s_sub(void *dst, const void *a, const void *b, size_t size)
{
	uint64_t *d = dst;
	const uint64_t *x = a, *y = b;

	for (size_t i = 0; i < size / sizeof(uint64_t); i++)
		d[i] = x[i] - (y ? y[i] : 0);
}

int u64s_percpu_sum(int map_fd, void *out, size_t size)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	size_t stride = (size + 7) & ~(size_t)7;	/* per-CPU values are 8-byte aligned */
	__u32 zero = 0;
	char *vals;

	memset(out, 0, size);
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc(ncpu, stride);
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &zero, vals))
		err = -errno;
	for (int c = 0; !err && c < ncpu; c++)
		u64s_add(out, vals + c * stride, size);
	free(vals);
	return err;
}
