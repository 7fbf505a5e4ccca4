/* Log-linear histograms (bpf/ringscope.h: RS_HIST_K): values below 2^K have a
 * bucket each, every power of two above is split into 2^K equal buckets. The
 * same layout as the BPF maps, so kernel and user-space histograms merge and
 * render through one path. A percentile read from them is off by less than
 * 1/2^K of its value. */
#ifndef RS_HIST_H
#define RS_HIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "bpf/ringscope.h"

struct rs_hist {
	uint64_t slot[RS_HIST_SLOTS];
	/* Sum of the values counted, in their unit (exact: the BPF maps keep it too). */
	uint64_t sum;
};

/* Bucket edges, for the renderers that print buckets (JSON, metrics):
 * bucket i holds the integer values in [hist_bucket_lower(i),
 * hist_bucket_upper(i)], both inclusive, so a metrics `le` bound is exact.
 * The last bucket is open: its upper is UINT64_MAX. */
static inline unsigned int hist_buckets(void)
{
	return RS_HIST_BUCKETS;
}
uint64_t hist_bucket_lower(unsigned int i);
uint64_t hist_bucket_upper(unsigned int i);

static inline unsigned int hist_slot(uint64_t v)
{
	return rs_hist_bucket(v);
}

static inline void hist_add(struct rs_hist *h, uint64_t v)
{
	h->slot[hist_slot(v)]++;
	h->sum += v;
}

void hist_merge(struct rs_hist *dst, const struct rs_hist *src);
/* dst += a histogram of a BPF map value (buckets and sum). */
void hist_merge_bpf(struct rs_hist *dst, const struct rs_bpf_hist *src);
/* dst = a - b, slot-wise (interval deltas of monotonically growing histograms). */
void hist_delta(struct rs_hist *dst, const struct rs_hist *a, const struct rs_hist *b);
uint64_t hist_count(const struct rs_hist *h);
/* Percentile p in [0,100]: nearest rank, interpolated linearly inside its
 * bucket. 0 when empty. */
double hist_percentile(const struct rs_hist *h, double p);
/* Fewer samples than this make bucket percentiles not meaningful: the
 * renderers show exact values where they have them, else mark the figure. */
#define HIST_MIN_SAMPLES RS_RESERVOIR
static inline bool hist_sparse(const struct rs_hist *h)
{
	return hist_count(h) < HIST_MIN_SAMPLES;
}
/* Percentile p of n exact values (nearest rank); 0 when n == 0. */
double samples_percentile(const uint64_t *v, int n, double p);
/* BCC-style "low -> high : count |****|" rendering, one row per power of two
 * (the fine buckets of a row added up); unit names the values. */
void hist_print(FILE *out, const struct rs_hist *h, const char *unit);
/* "\n<title>:\n", the histogram in ns, and a "p50 … p90 … p99 …" line. */
void hist_print_titled(FILE *out, const char *title, const struct rs_hist *h);
/* A histogram from a BPF map value. */
struct rs_hist hist_from_bpf(const struct rs_bpf_hist *src);

struct json_writer;
/* <prefix>_p50, _p90, _p99, _samples, _sum and, with slots, <prefix>_buckets:
 * [[lower, upper, count], …] for every non-empty bucket in ascending order,
 * edges inclusive (hist_bucket_lower/upper): every renderer's JSON view of a
 * histogram. */
void hist_json(struct json_writer *w, const char *prefix, const struct rs_hist *h, bool slots);
/* Only <prefix>_buckets of hist_json. */
void hist_json_buckets(struct json_writer *w, const char *prefix, const struct rs_hist *h);
/* hist_json (no buckets), but with n >= 0 exact values v the percentiles are
 * theirs (nearest rank); adds <prefix>_exact. */
void hist_json_exact(struct json_writer *w, const char *prefix, const struct rs_hist *h, const uint64_t *v, int n);
/* The same for a BPF map value, with its buckets. */
void hist_json_bpf(struct json_writer *w, const char *prefix, const struct rs_bpf_hist *src);

#endif
