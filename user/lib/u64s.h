/* Structs made only of u64 counters and histogram buckets (the per-CPU map
 * rows of funclat, lpi and zerocopy, gen's counters): sum and subtract
 * them field by field without naming the fields. */
#ifndef RS_U64S_H
#define RS_U64S_H

#include <stddef.h>

/* dst += src, both size bytes of u64s. */
void u64s_add(void *dst, const void *src, size_t size);
/* dst = a - b (b may be NULL: dst = a). */
void u64s_sub(void *dst, const void *a, const void *b, size_t size);

#endif
