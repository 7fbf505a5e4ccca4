/* Unit tests of the compare engine (user/stats/samples.c, user/stats/compare.c): the
 * sample file reader, metric directions, the two Holm families and the
 * minimum number of rounds for a verdict. Expected p-values are those of
 * tests/unit/test_stats.c (5 vs 5 fully separated: exact 2/252; all-tied
 * kmalloc-like samples: 0.00669438144204), Holm worked by hand. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "compare.h"

static char dir[] = "/tmp/ringscope-test-compare.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static const struct compare_row *row(const struct compare_result *r, const char *m)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->rows[i].metric, m))
			return &r->rows[i];
	return NULL;
}

int main(void)
{
	struct sample_set a = { 0 }, b = { 0 }, aa = { 0 }, bad = { 0 };
	struct compare_opts o = { "A", "B", "A'", 0.05, 0.95, 5, STATS_RESAMPLES, STATS_SEED };
	struct compare_result res;
	const struct compare_row *r;
	int err;

	if (!mkdtemp(dir))
		return 1;
	err = samples_read(&a, write_file("a.txt",
		"# round 1\npps 100\nkmalloc_per_pkt 1\nf.p50_ns 900\nonly_in_a 1\n"
		"pps 101\nkmalloc_per_pkt 0.999\nf.p50_ns 950\n"
		"pps 102\nkmalloc_per_pkt 1\nf.p50_ns 880\n"
		"  pps 103  \nkmalloc_per_pkt 1\nf.p50_ns 910\n"
		"pps 104\nkmalloc_per_pkt 1.001\nf.p50_ns 905\n"));
	CHECK(!err && a.n == 4 && samples_find(&a, "pps")->n == 5 && samples_find(&a, "pps")->values[3] == 103,
	      "samples_read_valid", "err %d metrics %zu", err, a.n);
	err = samples_read(&b, write_file("b.txt",
		"pps 110\nkmalloc_per_pkt 0\nf.p50_ns 500\npps 111\nkmalloc_per_pkt 0\nf.p50_ns 510\n"
		"pps 112\nkmalloc_per_pkt 0\nf.p50_ns 490\npps 113\nkmalloc_per_pkt 0\nf.p50_ns 505\n"
		"pps 114\nkmalloc_per_pkt 0\nf.p50_ns 495\n"));
	err |= samples_read(&aa, write_file("aa.txt", "pps 100.5\npps 101.5\npps 102.5\npps 103.5\n"));
	CHECK(!err, "samples_read_b_aa", "err %d", err);
	CHECK(samples_read(&bad, write_file("bad1.txt", "pps\n")) == -EINVAL, "samples_reject_missing_value", "accepted");
	CHECK(samples_read(&bad, write_file("bad2.txt", "pps nan\n")) == -EINVAL, "samples_reject_nan", "accepted");
	CHECK(samples_read(&bad, write_file("bad3.txt", "pps 1 2\n")) == -EINVAL, "samples_reject_extra_field", "accepted");
	CHECK(samples_read(&bad, write_file("bad4.txt", "p\"s 1\n")) == -EINVAL, "samples_reject_bad_name", "accepted");
	CHECK(samples_read(&bad, write_file("bad6.txt", "pps 10\npps -1\n")) == -EINVAL, "samples_reject_negative",
	      "accepted");
	CHECK(samples_read(&bad, "/nonexistent/ringscope") == -ENOENT, "samples_missing_file", "no -ENOENT");
	/* Not a samples file: an endless NUL stream, a directory, a line too long. */
	CHECK(samples_read(&bad, "/dev/zero") == -EINVAL, "samples_reject_nul_stream", "accepted");
	CHECK(samples_read(&bad, dir) == -EISDIR, "samples_reject_directory", "no -EISDIR");
	{
		char longline[SAMPLES_LINE_MAX + 8];

		memset(longline, '1', sizeof(longline) - 2);
		memcpy(longline, "pps ", 4);
		longline[sizeof(longline) - 2] = '\n';
		longline[sizeof(longline) - 1] = '\0';
		CHECK(samples_read(&bad, write_file("bad5.txt", longline)) == -EINVAL, "samples_reject_long_line",
		      "accepted");
	}

	err = compare_run(&a, &b, &aa, &o, &res);
	CHECK(!err && res.n == 3 && !row(&res, "only_in_a"), "compare_rows_shared_metrics_only", "err %d rows %zu", err, res.n);
	CHECK(res.n_only_a == 1 && !strcmp(res.only_a[0], "only_in_a") && res.n_only_b == 0,
	      "compare_names_metrics_of_one_side", "only_a %zu only_b %zu", res.n_only_a, res.n_only_b);
	CHECK(res.n_family[FAMILY_PRIMARY] == 2 && res.n_family[FAMILY_SECONDARY] == 1, "compare_holm_families",
	      "%zu primary %zu secondary", res.n_family[FAMILY_PRIMARY], res.n_family[FAMILY_SECONDARY]);
	r = row(&res, "pps");
	CHECK(r && r->higher_is_better && r->family == FAMILY_PRIMARY && r->ab.ratio == 112.0 / 102 &&
	      fabs(r->ab.p - 2.0 / 252) < 1e-12 && r->ab.exact, "compare_pps_row", "ratio %g p %g", r->ab.ratio, r->ab.p);
	/* Holm over {pps 0.0079365, kmalloc 0.0066944}: 2 x 0.0066944 = 0.0133888 for both */
	CHECK(r && fabs(r->ab.p_adj - 2 * 0.00669438144204) < 1e-9 && r->ab.verdict == VERDICT_HIGHER,
	      "compare_pps_holm_higher", "p_adj %.9g verdict %d", r->ab.p_adj, r->ab.verdict);
	r = row(&res, "kmalloc_per_pkt");
	CHECK(r && !r->higher_is_better && r->ab.ratio == 0 && r->ab.ci_hi == 0 && !r->ab.exact &&
	      fabs(r->ab.p_adj - 2 * 0.00669438144204) < 1e-9 && r->ab.verdict == VERDICT_LOWER,
	      "compare_kmalloc_lower", "ratio %g p_adj %g", r->ab.ratio, r->ab.p_adj);
	r = row(&res, "f.p50_ns");
	CHECK(r && r->family == FAMILY_SECONDARY && fabs(r->ab.p_adj - 2.0 / 252) < 1e-12 &&
	      r->ab.verdict == VERDICT_LOWER, "compare_secondary_own_family", "p_adj %g", r ? r->ab.p_adj : -1);
	/* A' has 4 rounds of pps: statistics shown, no verdict; none for missing metrics */
	r = row(&res, "pps");
	CHECK(r && r->aa.n_y == 4 && !r->aa.enough && r->aa.verdict == VERDICT_NONE && isnan(r->aa.p_adj) &&
	      !isnan(r->aa.ci_lo), "compare_aa_too_few_rounds", "n %zu enough %d", r->aa.n_y, r->aa.enough);
	r = row(&res, "kmalloc_per_pkt");
	CHECK(r && r->aa.n_y == 0 && isnan(r->aa.ratio), "compare_aa_missing_metric", "n %zu", r->aa.n_y);
	compare_free(&res);

	/* %stddev of values near DBL_MAX: 100 * sd overflowed to inf. */
	struct sample_set ha = { 0 }, hb = { 0 };
	err = samples_read(&ha, write_file("ha.txt", "x 1e308\nx 1.5e308\nx 1.7e308\n"));
	err |= samples_read(&hb, write_file("hb.txt", "x 1e308\nx 1e308\nx 1e308\n"));
	err |= compare_run(&ha, &hb, NULL, &o, &res);
	r = err ? NULL : row(&res, "x");
	/* 3.605551275463989e+307 / mean 1.4e308 */
	CHECK(r && fabs(r->ab.x_stddev_pct - 100 * (3.605551275463989e+307 / 1.4e308)) < 1e-9 && r->ab.y_stddev_pct == 0,
	      "compare_stddev_pct_near_dbl_max", "err %d a %g%% b %g%%", err, r ? r->ab.x_stddev_pct : -1,
	      r ? r->ab.y_stddev_pct : -1);
	compare_free(&res);
	samples_free(&ha);
	samples_free(&hb);

	samples_free(&a);
	samples_free(&b);
	samples_free(&aa);
	samples_free(&bad);
	for (const char *f = "a.txt\0b.txt\0aa.txt\0bad1.txt\0bad2.txt\0bad3.txt\0bad4.txt\0bad5.txt\0bad6.txt\0ha.txt\0hb.txt\0"; *f; f += strlen(f) + 1) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", dir, f);
		unlink(path);
	}
	rmdir(dir);
	CHECK_DONE();
}
