/* Log-linear histogram bucketing (2^K sub-buckets per power of two), edges,
 * percentiles and the sum. */
#include <math.h>
#include "check.h"
#include "hist.h"

int main(void)
{
	struct rs_hist h = {}, d;

	/* K = 3: 0..7 exact, then 8 buckets per power of two. */
	CHECK(RS_HIST_K == 3 && hist_buckets() == 496, "hist_layout", "K %d buckets %u", RS_HIST_K, hist_buckets());
	CHECK(hist_slot(0) == 0 && hist_slot(1) == 1 && hist_slot(7) == 7 && hist_slot(8) == 8 && hist_slot(15) == 15 &&
	      hist_slot(16) == 16 && hist_slot(17) == 16 && hist_slot(18) == 17 && hist_slot(31) == 23 &&
	      hist_slot(32) == 24 && hist_slot(1000) == 63 && hist_slot(1023) == 63 && hist_slot(1024) == 64 &&
	      hist_slot(~0ull) == hist_buckets() - 1 && hist_slot(1ull << 63) == hist_buckets() - 8,
	      "hist_slot_bounds", "slot mapping wrong: 1000 -> %u, u64 max -> %u", hist_slot(1000), hist_slot(~0ull));
	CHECK(hist_bucket_lower(0) == 0 && hist_bucket_upper(0) == 0 && hist_bucket_lower(7) == 7 &&
	      hist_bucket_upper(7) == 7 && hist_bucket_lower(16) == 16 && hist_bucket_upper(16) == 17 &&
	      hist_bucket_lower(63) == 960 && hist_bucket_upper(63) == 1023 &&
	      hist_bucket_lower(hist_buckets() - 1) == 15ull << 60 &&
	      hist_bucket_upper(hist_buckets() - 1) == UINT64_MAX, "hist_bucket_edges", "edges wrong");
	/* Every bucket from 2^K up is at most 1/2^K of its lower edge wide. */
	unsigned int wide = 0;
	for (unsigned int i = RS_HIST_SUB; i < hist_buckets() && !wide; i++)
		if (hist_bucket_upper(i) - hist_bucket_lower(i) >= hist_bucket_lower(i) / RS_HIST_SUB)
			wide = i;
	CHECK(!wide, "hist_bucket_width_bound", "bucket %u too wide", wide);
	unsigned int gap = 0;
	for (unsigned int i = 1; i < hist_buckets() && !gap; i++)
		if (hist_bucket_lower(i) != hist_bucket_upper(i - 1) + 1 || hist_slot(hist_bucket_lower(i)) != i ||
		    hist_slot(hist_bucket_upper(i)) != i)
			gap = i;
	CHECK(!gap, "hist_bucket_edges_contiguous", "bucket %u", gap);
	CHECK(hist_percentile(&h, 50) == 0 && hist_count(&h) == 0, "hist_empty", "empty not 0");
	for (int i = 0; i < 100; i++)
		hist_add(&h, 1000);	/* bucket 63: [960, 1023] */
	CHECK(h.sum == 100000, "hist_sum", "sum %lu", h.sum);
	CHECK(hist_count(&h) == 100 && h.slot[63] == 100, "hist_count", "count %lu", hist_count(&h));
	/* Nearest rank 50 of 100 in one bucket: 960 + 63 * 50/100. */
	double p50 = hist_percentile(&h, 50);
	CHECK(p50 == 960 + 63 * 0.5, "hist_p50_interpolated", "p50 %f", p50);
	CHECK(fabs(p50 - 1000) <= 1000.0 / RS_HIST_SUB, "hist_p50_error_bound", "p50 %f", p50);
	for (int i = 0; i < 900; i++)
		hist_add(&h, 100000);	/* bucket 151: [98304, 106495] */
	CHECK(h.sum == 100000 + 900 * 100000ull, "hist_sum_two_buckets", "sum %lu", h.sum);
	CHECK(hist_percentile(&h, 5) <= 1023, "hist_p5_low_bucket", "p5 %f", hist_percentile(&h, 5));
	CHECK(hist_percentile(&h, 50) >= 98304 && hist_percentile(&h, 99) <= 106495, "hist_p50_p99_high_bucket",
	      "p50 %f p99 %f", hist_percentile(&h, 50), hist_percentile(&h, 99));
	/* Rank 550 of 1000 is the 450th of the 900 in [98304, 106495]. */
	CHECK(hist_percentile(&h, 55) == 98304 + 8191 * 450.0 / 900, "hist_p55_interpolated", "p55 %f",
	      hist_percentile(&h, 55));
	CHECK(hist_percentile(&h, 10) <= hist_percentile(&h, 50) && hist_percentile(&h, 50) <= hist_percentile(&h, 99),
	      "hist_percentiles_monotonic", "not monotonic");
	struct rs_hist top = {};
	hist_add(&top, ~0ull);
	hist_add(&top, 0);
	CHECK(top.slot[hist_buckets() - 1] == 1 && top.slot[0] == 1 && hist_percentile(&top, 100) == (double)UINT64_MAX &&
	      hist_percentile(&top, 1) == 0, "hist_extremes", "p100 %f p1 %f", hist_percentile(&top, 100),
	      hist_percentile(&top, 1));
	/* A BPF map value merges with its sum. */
	struct rs_bpf_hist b = {};
	b.slot[hist_slot(5000)] = 3;
	b.sum = 15000;
	struct rs_hist fb = hist_from_bpf(&b);
	CHECK(hist_count(&fb) == 3 && fb.sum == 15000 && fb.slot[hist_slot(5000)] == 3, "hist_from_bpf",
	      "count %lu sum %lu", hist_count(&fb), fb.sum);
	struct rs_hist early = h;
	hist_add(&h, 5);
	hist_delta(&d, &h, &early);
	CHECK(hist_count(&d) == 1 && d.slot[5] == 1 && d.sum == 5, "hist_delta", "delta count %lu", hist_count(&d));
	hist_merge(&d, &early);
	CHECK(hist_count(&d) == 1001, "hist_merge", "merged %lu", hist_count(&d));
	/* Sparse histograms: a lone 4.5 s sample must not read as 8.59 s. */
	struct rs_hist one = {};
	uint64_t lone = 4500000000ull, eight[RS_RESERVOIR] = { 8, 1, 7, 2, 6, 3, 5, 4 };
	hist_add(&one, lone);
	CHECK(hist_sparse(&one), "hist_one_sample_sparse", "one sample not sparse");
	CHECK(samples_percentile(&lone, 1, 50) == 4.5e9 && samples_percentile(&lone, 1, 99) == 4.5e9,
	      "samples_one_exact", "p50 %f p99 %f", samples_percentile(&lone, 1, 50), samples_percentile(&lone, 1, 99));
	CHECK(samples_percentile(eight, 8, 50) == 4 && samples_percentile(eight, 8, 99) == 8 &&
	      samples_percentile(eight, 8, 1) == 1 && samples_percentile(eight, 8, 90) == 8,
	      "samples_nearest_rank", "p1 %f p50 %f p90 %f p99 %f", samples_percentile(eight, 8, 1),
	      samples_percentile(eight, 8, 50), samples_percentile(eight, 8, 90), samples_percentile(eight, 8, 99));
	CHECK(samples_percentile(eight, 0, 50) == 0, "samples_empty", "not 0");
	struct rs_hist seven = {};
	for (int i = 0; i < HIST_MIN_SAMPLES - 1; i++)
		hist_add(&seven, 100);
	CHECK(hist_sparse(&seven), "hist_seven_sparse", "7 samples not sparse");
	hist_add(&seven, 100);
	CHECK(!hist_sparse(&seven) && !hist_sparse(&h), "hist_eight_not_sparse", "8 samples sparse");
	CHECK_DONE();
}
