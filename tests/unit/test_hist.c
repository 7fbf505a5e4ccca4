/* log2 histogram bucketing and percentiles. */
#include <math.h>
#include "check.h"
#include "hist.h"

int main(void)
{
	struct rs_hist h = {}, d;

	CHECK(hist_slot(0) == 0 && hist_slot(1) == 1 && hist_slot(2) == 2 && hist_slot(3) == 2 &&
	      hist_slot(4) == 3 && hist_slot(1023) == 10 && hist_slot(1024) == 11 &&
	      hist_slot(~0ull) == RS_HIST_SLOTS - 1, "hist_slot_bounds", "slot mapping wrong");
	CHECK(hist_bucket_lower(0) == 0 && hist_bucket_upper(0) == 0 && hist_bucket_lower(1) == 1 &&
	      hist_bucket_upper(1) == 1 && hist_bucket_lower(10) == 512 && hist_bucket_upper(10) == 1023 &&
	      hist_bucket_upper(hist_buckets() - 1) == UINT64_MAX, "hist_bucket_edges", "edges wrong");
	unsigned int gap = 0;
	for (unsigned int i = 1; i < hist_buckets() && !gap; i++)
		if (hist_bucket_lower(i) != hist_bucket_upper(i - 1) + 1 || hist_slot(hist_bucket_lower(i)) != i ||
		    hist_slot(hist_bucket_upper(i)) != i)
			gap = i;
	CHECK(!gap, "hist_bucket_edges_contiguous", "bucket %u", gap);
	CHECK(hist_percentile(&h, 50) == 0 && hist_count(&h) == 0, "hist_empty", "empty not 0");
	for (int i = 0; i < 100; i++)
		hist_add(&h, 1000);	/* slot 10: [512, 1023] */
	CHECK(h.sum == 100000, "hist_sum", "sum %lu", h.sum);
	CHECK(hist_count(&h) == 100 && h.slot[10] == 100, "hist_count", "count %lu", hist_count(&h));
	double p50 = hist_percentile(&h, 50);
	CHECK(p50 >= 512 && p50 <= 1023, "hist_p50_in_bucket", "p50 %f", p50);
	for (int i = 0; i < 900; i++)
		hist_add(&h, 100000);	/* slot 17 */
	CHECK(hist_percentile(&h, 5) <= 1023, "hist_p5_low_bucket", "p5 %f", hist_percentile(&h, 5));
	CHECK(hist_percentile(&h, 50) >= 65536 && hist_percentile(&h, 99) <= 131071, "hist_p50_p99_high_bucket",
	      "p50 %f p99 %f", hist_percentile(&h, 50), hist_percentile(&h, 99));
	CHECK(hist_percentile(&h, 10) <= hist_percentile(&h, 50) && hist_percentile(&h, 50) <= hist_percentile(&h, 99),
	      "hist_percentiles_monotonic", "not monotonic");
	struct rs_hist early = h;
	hist_add(&h, 5);
	hist_delta(&d, &h, &early);
	CHECK(hist_count(&d) == 1 && d.slot[3] == 1, "hist_delta", "delta count %lu", hist_count(&d));
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
