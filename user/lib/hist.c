#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "json.h"

void hist_merge(struct rs_hist *dst, const struct rs_hist *src)
{
	for (int i = 0; i < RS_HIST_SLOTS; i++)
		dst->slot[i] += src->slot[i];
	dst->sum += src->sum;
}

void hist_merge_bpf(struct rs_hist *dst, const struct rs_bpf_hist *src)
{
	for (int i = 0; i < RS_HIST_SLOTS; i++)
		dst->slot[i] += src->slot[i];
	dst->sum += src->sum;
}

void hist_delta(struct rs_hist *dst, const struct rs_hist *a, const struct rs_hist *b)
{
	for (int i = 0; i < RS_HIST_SLOTS; i++)
		dst->slot[i] = a->slot[i] - b->slot[i];
	dst->sum = a->sum - b->sum;
}

uint64_t hist_count(const struct rs_hist *h)
{
	uint64_t n = 0;

	for (int i = 0; i < RS_HIST_SLOTS; i++)
		n += h->slot[i];
	return n;
}

/* Bucket i >= 2^K lies in the power of two [2^m, 2^(m+1)), m = i/2^K + K - 1,
 * as its sub-bucket i % 2^K of width 2^(m-K). */
uint64_t hist_bucket_lower(unsigned int i)
{
	if (i < RS_HIST_SUB)
		return i;
	if (i >= RS_HIST_BUCKETS)
		return UINT64_MAX;
	return (uint64_t)(RS_HIST_SUB + i % RS_HIST_SUB) << (i / RS_HIST_SUB - 1);
}

uint64_t hist_bucket_upper(unsigned int i)
{
	if (i + 1 >= RS_HIST_BUCKETS)
		return UINT64_MAX;
	return hist_bucket_lower(i + 1) - 1;
}

static void slot_bounds(int i, double *lo, double *hi)
{
	*lo = (double)hist_bucket_lower(i);
	*hi = (double)hist_bucket_upper(i);
}

double hist_percentile(const struct rs_hist *h, double p)
{
	uint64_t total = hist_count(h), seen = 0;
	double rank, lo, hi;

	if (!total)
		return 0;
	rank = p / 100.0 * (double)total;
	if (rank < 1)
		rank = 1;
	for (int i = 0; i < RS_HIST_SLOTS; i++) {
		if (!h->slot[i])
			continue;
		if ((double)(seen + h->slot[i]) >= rank) {
			slot_bounds(i, &lo, &hi);
			return lo + (hi - lo) * (rank - (double)seen) / (double)h->slot[i];
		}
		seen += h->slot[i];
	}
	slot_bounds(RS_HIST_SLOTS - 1, &lo, &hi);
	return hi;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double samples_percentile(const uint64_t *v, int n, double p)
{
	uint64_t sorted[RS_RESERVOIR];
	int rank;

	if (n <= 0)
		return 0;
	if (n > RS_RESERVOIR)
		n = RS_RESERVOIR;
	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), cmp_u64);
	rank = (int)(p / 100.0 * n + 0.999999);	/* nearest rank: ceil(p/100 * n) */
	if (rank < 1)
		rank = 1;
	return (double)sorted[(rank > n ? n : rank) - 1];
}

/* The power-of-two row of bucket i: row r holds [2^(r-1), 2^r - 1], row 0 holds 0. */
static int log2_row(int i)
{
	return rs_log2_slot(hist_bucket_lower(i));
}

void hist_print(FILE *out, const struct rs_hist *h, const char *unit)
{
	uint64_t rows[65] = {}, max = 0;
	int first = -1, last = -1;

	for (int i = 0; i < RS_HIST_BUCKETS; i++)
		rows[log2_row(i)] += h->slot[i];
	for (int r = 0; r < 65; r++) {
		if (!rows[r])
			continue;
		if (first < 0)
			first = r;
		last = r;
		if (rows[r] > max)
			max = rows[r];
	}
	if (first < 0) {
		fprintf(out, "     (no samples)\n");
		return;
	}
	fprintf(out, "%24s : %-12s distribution\n", unit, "count");
	for (int r = first; r <= last; r++) {
		uint64_t lo = r ? 1ULL << (r - 1) : 0, hi = r == 0 ? 0 : r == 64 ? UINT64_MAX : (1ULL << r) - 1;
		char stars[41];
		int n = max ? (int)(rows[r] * 40 / max) : 0;

		memset(stars, '*', n);
		stars[n] = 0;
		fprintf(out, "%10llu -> %-10llu : %-12llu |%-40s|\n", (unsigned long long)lo,
			(unsigned long long)hi, (unsigned long long)rows[r], stars);
	}
}

void hist_print_titled(FILE *out, const char *title, const struct rs_hist *h)
{
	fprintf(out, "\n%s:\n", title);
	hist_print(out, h, "nsecs");
	if (hist_sparse(h) && hist_count(h))
		fprintf(out, "p50/p90/p99 not meaningful: %llu sample%s (the buckets above hold them)\n",
			(unsigned long long)hist_count(h), hist_count(h) == 1 ? "" : "s");
	else
		fprintf(out, "p50 %.0f ns  p90 %.0f ns  p99 %.0f ns\n", hist_percentile(h, 50),
			hist_percentile(h, 90), hist_percentile(h, 99));
}

struct rs_hist hist_from_bpf(const struct rs_bpf_hist *src)
{
	struct rs_hist h = {};

	hist_merge_bpf(&h, src);
	return h;
}

void hist_json(struct json_writer *w, const char *prefix, const struct rs_hist *h, bool slots)
{
	static const double pct[] = { 50, 90, 99 };
	char key[96];

	for (int i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "%s_p%.0f", prefix, pct[i]);
		json_kv_double(w, key, hist_percentile(h, pct[i]));
	}
	snprintf(key, sizeof(key), "%s_samples", prefix);
	json_kv_u64(w, key, hist_count(h));
	snprintf(key, sizeof(key), "%s_sum", prefix);
	json_kv_u64(w, key, h->sum);
	/* Below HIST_MIN_SAMPLES the percentiles above are bucket interpolations of a few values. */
	snprintf(key, sizeof(key), "%s_sparse", prefix);
	json_kv_bool(w, key, hist_sparse(h));
	if (!slots)
		return;
	hist_json_buckets(w, prefix, h);
}

void hist_json_buckets(struct json_writer *w, const char *prefix, const struct rs_hist *h)
{
	char key[96];

	snprintf(key, sizeof(key), "%s_buckets", prefix);
	json_key(w, key);
	json_arr_begin(w);
	for (int i = 0; i < RS_HIST_BUCKETS; i++) {
		if (!h->slot[i])
			continue;
		json_arr_begin(w);
		json_u64(w, hist_bucket_lower(i));
		json_u64(w, hist_bucket_upper(i));
		json_u64(w, h->slot[i]);
		json_arr_end(w);
	}
	json_arr_end(w);
}

void hist_json_exact(struct json_writer *w, const char *prefix, const struct rs_hist *h, const uint64_t *v, int n)
{
	static const double pct[] = { 50, 90, 99 };
	char key[96];

	if (n < 0) {
		hist_json(w, prefix, h, false);
	} else {
		for (int i = 0; i < 3; i++) {
			snprintf(key, sizeof(key), "%s_p%.0f", prefix, pct[i]);
			json_kv_double(w, key, samples_percentile(v, n, pct[i]));
		}
		snprintf(key, sizeof(key), "%s_samples", prefix);
		json_kv_u64(w, key, n);
		snprintf(key, sizeof(key), "%s_sparse", prefix);
		json_kv_bool(w, key, false);
	}
	snprintf(key, sizeof(key), "%s_exact", prefix);
	json_kv_bool(w, key, n >= 0);
}

void hist_json_bpf(struct json_writer *w, const char *prefix, const struct rs_bpf_hist *src)
{
	struct rs_hist h = hist_from_bpf(src);

	hist_json(w, prefix, &h, true);
}
