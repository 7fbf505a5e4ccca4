#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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
