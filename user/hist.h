/* log2 histograms: slot i counts values in [2^(i-1), 2^i), slot 0 counts 0.
 * The same layout as the BPF maps (RS_HIST_SLOTS), so kernel and user-space
 * histograms merge and render through one path. */
#ifndef RS_HIST_H
#define RS_HIST_H

#include <stdint.h>
#include <stdio.h>
#include "bpf/ringscope.h"

struct rs_hist {
	uint64_t slot[RS_HIST_SLOTS];
};

static inline unsigned int hist_slot(uint64_t v)
{
	unsigned int s = rs_log2_slot(v);

	return s < RS_HIST_SLOTS ? s : RS_HIST_SLOTS - 1;
}

static inline void hist_add(struct rs_hist *h, uint64_t v)
{
	h->slot[hist_slot(v)]++;
}

void hist_merge(struct rs_hist *dst, const struct rs_hist *src);
void hist_merge_slots(struct rs_hist *dst, const __u64 *slots);
/* dst = a - b, slot-wise (interval deltas of monotonically growing histograms). */
void hist_delta(struct rs_hist *dst, const struct rs_hist *a, const struct rs_hist *b);
uint64_t hist_count(const struct rs_hist *h);
/* Percentile p in [0,100]; linear interpolation inside the log2 bucket. 0 when empty. */
double hist_percentile(const struct rs_hist *h, double p);
/* BCC-style "low -> high : count |****|" rendering; unit names the values. */
void hist_print(FILE *out, const struct rs_hist *h, const char *unit);

#endif
