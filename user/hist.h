/* log2 histograms: slot i counts values in [2^(i-1), 2^i), slot 0 counts 0.
 * The same layout as the BPF maps (RS_HIST_SLOTS), so kernel and user-space
 * histograms merge and render through one path. */
#ifndef RS_HIST_H
#define RS_HIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "bpf/ringscope.h"

struct rs_hist {
	uint64_t slot[RS_HIST_SLOTS];
	/* Sum of the values counted, in their unit; 0 where the source does not
	 * record it (hist_from_slots: BPF maps without a sum field). */
	uint64_t sum;
};

/* Bucket edges, for the renderers that print buckets (JSON, metrics):
 * bucket i holds the integer values in [hist_bucket_lower(i),
 * hist_bucket_upper(i)], both inclusive, so a metrics `le` bound is exact.
 * The last bucket is open: its upper is UINT64_MAX. */
static inline unsigned int hist_buckets(void)
{
	return RS_HIST_SLOTS;
}
uint64_t hist_bucket_lower(unsigned int i);
uint64_t hist_bucket_upper(unsigned int i);

static inline unsigned int hist_slot(uint64_t v)
{
	unsigned int s = rs_log2_slot(v);

	return s < RS_HIST_SLOTS ? s : RS_HIST_SLOTS - 1;
}

static inline void hist_add(struct rs_hist *h, uint64_t v)
{
	h->slot[hist_slot(v)]++;
	h->sum += v;
}

void hist_merge(struct rs_hist *dst, const struct rs_hist *src);
void hist_merge_slots(struct rs_hist *dst, const __u64 *slots);
/* dst = a - b, slot-wise (interval deltas of monotonically growing histograms). */
void hist_delta(struct rs_hist *dst, const struct rs_hist *a, const struct rs_hist *b);
uint64_t hist_count(const struct rs_hist *h);
/* Percentile p in [0,100]; linear interpolation inside the log2 bucket. 0 when empty. */
double hist_percentile(const struct rs_hist *h, double p);
/* Fewer samples than this make log2-bucket percentiles not meaningful: the
 * renderers show exact values where they have them, else mark the figure. */
#define HIST_MIN_SAMPLES RS_RESERVOIR
static inline bool hist_sparse(const struct rs_hist *h)
{
	return hist_count(h) < HIST_MIN_SAMPLES;
}
/* Percentile p of n exact values (nearest rank); 0 when n == 0. */
double samples_percentile(const uint64_t *v, int n, double p);
/* BCC-style "low -> high : count |****|" rendering; unit names the values. */
void hist_print(FILE *out, const struct rs_hist *h, const char *unit);
/* "\n<title>:\n", the histogram in ns, and a "p50 … p90 … p99 …" line. */
void hist_print_titled(FILE *out, const char *title, const struct rs_hist *h);
/* A histogram from the u64 buckets of a BPF map value. */
struct rs_hist hist_from_slots(const __u64 *slots);

struct json_writer;
/* <prefix>_p50, _p90, _p99, _samples and, with slots, <prefix>_log2_hist
 * (element i counts values in [2^(i-1), 2^i)): every renderer's JSON view of
 * a histogram. */
void hist_json(struct json_writer *w, const char *prefix, const struct rs_hist *h, bool slots);
/* hist_json (no buckets), but with n >= 0 exact values v the percentiles are
 * theirs (nearest rank); adds <prefix>_exact. */
void hist_json_exact(struct json_writer *w, const char *prefix, const struct rs_hist *h, const uint64_t *v, int n);
/* The same for the u64 buckets of a BPF map value (no bucket array). */
void hist_json_slots(struct json_writer *w, const char *prefix, const __u64 *slots);

#endif
