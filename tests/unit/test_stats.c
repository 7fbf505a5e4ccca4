/* Unit tests of user/stats/stats.c against values computed by hand and by an
 * independent reference (tests/unit/stats_reference.py: exact fractions by
 * enumeration for the Mann-Whitney null distribution, math.erfc for the normal
 * approximation, the same splitmix64 bootstrap), run once, numbers committed. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include "check.h"
#include "stats.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

static int near(double x, double want, double tol)
{
	return fabs(x - want) <= tol;
}

static void check_mwu(const char *name, const double *a, size_t na, const double *b, size_t nb,
		      double want_u, double want_p, bool want_exact)
{
	double u = -1, p;
	bool exact = !want_exact;

	p = stats_mann_whitney(a, na, b, nb, &u, &exact);
	CHECK(near(p, want_p, 1e-9) && u == want_u && exact == want_exact, name,
	      "U %g p %.12g exact %d, want U %g p %.12g exact %d", u, p, exact, want_u, want_p, want_exact);
}

static void check_ci(const char *name, const double *a, size_t na, const double *b, size_t nb,
		     double level, double want_lo, double want_hi)
{
	double lo = NAN, hi = NAN;
	int err = stats_ratio_ci(a, na, b, nb, level, STATS_RESAMPLES, STATS_SEED, &lo, &hi);

	CHECK(!err && near(lo, want_lo, 1e-9) && near(hi, want_hi, 1e-9), name,
	      "err %d CI [%.12g, %.12g], want [%.12g, %.12g]", err, lo, hi, want_lo, want_hi);
}

int main(void)
{
	/* median: odd, even, n = 1, input untouched */
	double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 }, one[] = { 7 };

	CHECK(stats_median(odd, 3) == 2 && odd[0] == 3, "median_odd", "%g", stats_median(odd, 3));
	CHECK(stats_median(even, 4) == 2.5, "median_even", "%g", stats_median(even, 4));
	CHECK(stats_median(one, 1) == 7, "median_n1", "%g", stats_median(one, 1));
	CHECK(isnan(stats_median(one, 0)), "median_n0_nan", "%g", stats_median(one, 0));
	/* stddev by hand: {2,4,4,4,5,5,7,9}: mean 5, sum of squares 32, /7 */
	double sd[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	CHECK(near(stats_stddev(sd, 8), sqrt(32.0 / 7), 1e-12), "stddev_sample", "%g", stats_stddev(sd, 8));
	CHECK(stats_stddev(one, 1) == 0, "stddev_n1_zero", "%g", stats_stddev(one, 1));
	/* Near DBL_MAX the sums overflow unless scaled; reference: Python's
	 * statistics.stdev([1e308, 1.5e308, 1.7e308]) = 3.605551275463989e+307. */
	double huge[] = { 1e308, 1.5e308, 1.7e308 };
	CHECK(near(stats_stddev(huge, 3) / 3.605551275463989e+307, 1, 1e-12), "stddev_near_dbl_max", "%g",
	      stats_stddev(huge, 3));

	/* Mann-Whitney, exact (no ties). By hand: 3 vs 3 fully separated is 1 of
	 * C(6,3) = 20 arrangements on each side: p = 2/20; 5 vs 5: 2/252. */
	double a3[] = { 1, 2, 3 }, b3[] = { 4, 5, 6 };
	double a5[] = { 1, 2, 3, 4, 5 }, b5[] = { 6, 7, 8, 9, 10 };
	double odd5[] = { 1, 3, 5, 7, 9 }, even5[] = { 2, 4, 6, 8, 10 };
	double x1[] = { 1 }, y1[] = { 2 };
	double pa[] = { 5.1, 4.9, 5.3, 5.0, 5.2 }, pb[] = { 5.4, 5.6, 5.25, 5.5, 5.7 };
	check_mwu("mwu_exact_3v3_separated", a3, 3, b3, 3, 0, 0.1, true);
	check_mwu("mwu_exact_3v3_reversed", b3, 3, a3, 3, 9, 0.1, true);
	check_mwu("mwu_exact_5v5_separated", a5, 5, b5, 5, 0, 2.0 / 252, true);
	check_mwu("mwu_exact_5v5_interleaved", odd5, 5, even5, 5, 10, 0.690476190476, true);
	check_mwu("mwu_exact_5v5_one_swap", pa, 5, pb, 5, 1, 0.015873015873, true);
	check_mwu("mwu_n1", x1, 1, y1, 1, 0, 1, true);

	/* Mann-Whitney with ties: normal approximation with tie correction. By hand
	 * for all-1 vs all-0: sigma^2 = 25/12 (11 - 240/90), z = 12/4.1667. */
	double ones[] = { 1, 1, 1, 1, 1 }, zeros[] = { 0, 0, 0, 0, 0 };
	double ta[] = { 1, 2, 2, 3, 4 }, tb[] = { 2, 3, 5, 6, 7 };
	double kstock[] = { 1.0, 0.999, 1.0, 1.0, 1.001 };
	check_mwu("mwu_ties_all_separated", ones, 5, zeros, 5, 25, 0.00397675170979, false);
	check_mwu("mwu_ties_partial", ta, 5, tb, 5, 4.5, 0.111611768298, false);
	check_mwu("mwu_ties_kmalloc_like", kstock, 5, zeros, 5, 25, 0.00669438144204, false);
	check_mwu("mwu_all_equal_p1", zeros, 3, zeros + 2, 3, 4.5, 1, false);
	CHECK(isnan(stats_mann_whitney(ones, 0, zeros, 5, NULL, NULL)), "mwu_empty_nan", "not NaN");

	/* Bootstrap CI of median(b)/median(a), seed STATS_SEED, 10 000 resamples. */
	double ba[] = { 10, 11, 12, 13, 14 }, bb[] = { 20, 21, 23, 22, 25 };
	double aa1[] = { 100, 103, 98, 101, 99 }, aa2[] = { 100, 102, 97, 104, 101 };
	double s1[] = { 5 }, s2[] = { 7 };
	double w1[] = { 1, 2, 3, 4, 5, 6, 7 }, w2[] = { 2, 3, 4, 5, 6, 7, 8 };
	double twos[] = { 2, 2, 2 };
	check_ci("ci95_shifted", ba, 5, bb, 5, 0.95, 1.53846153846, 2.27272727273);
	check_ci("ci99_shifted", ba, 5, bb, 5, 0.99, 1.5, 2.3);
	check_ci("ci95_aa_like", aa1, 5, aa2, 5, 0.95, 0.97, 1.04081632653);
	check_ci("ci99_aa_like", aa1, 5, aa2, 5, 0.99, 0.960396039604, 1.05050505051);
	check_ci("ci95_n1", s1, 1, s2, 1, 0.95, 1.4, 1.4);
	check_ci("ci95_wide", w1, 7, w2, 7, 0.95, 0.6, 3);
	check_ci("ci99_wide", w1, 7, w2, 7, 0.99, 0.5, 5);
	check_ci("ci_constant_half", twos, 3, ones, 3, 0.95, 0.5, 0.5);	/* by hand */
	check_ci("ci_zero_over_zero_is_1", zeros, 3, zeros, 3, 0.95, 1, 1);
	check_ci("ci_drop_to_zero", kstock, 5, zeros, 5, 0.95, 0, 0);
	double lo1, hi1, lo2, hi2;
	stats_ratio_ci(w1, 7, w2, 7, 0.95, 2000, 1, &lo1, &hi1);
	stats_ratio_ci(w1, 7, w2, 7, 0.95, 2000, 1, &lo2, &hi2);
	CHECK(lo1 == lo2 && hi1 == hi2, "ci_same_seed_same_result", "[%g,%g] vs [%g,%g]", lo1, hi1, lo2, hi2);
	CHECK(stats_ratio_ci(w1, 0, w2, 7, 0.95, 100, 1, &lo1, &hi1) == -EINVAL, "ci_empty_einval", "no -EINVAL");
	CHECK(stats_ratio_ci(w1, 7, w2, 7, 1.0, 100, 1, &lo1, &hi1) < 0, "ci_level_1_rejected", "accepted");

	/* Holm by hand: sorted 0.005 x4 = 0.02, 0.01 x3 = 0.03, 0.03 x2 = 0.06,
	 * 0.04 x1 = 0.04 -> 0.06 (never below the previous); NaN skipped. */
	double p[] = { 0.01, 0.04, NAN, 0.03, 0.005 }, adj[5];
	stats_holm(p, 5, adj);
	CHECK(near(adj[0], 0.03, 1e-15) && near(adj[1], 0.06, 1e-15) && isnan(adj[2]) &&
	      near(adj[3], 0.06, 1e-15) && near(adj[4], 0.02, 1e-15), "holm_by_hand",
	      "%g %g %g %g %g", adj[0], adj[1], adj[2], adj[3], adj[4]);
	double pbig[] = { 0.5, 0.6 }, adjbig[2];
	stats_holm(pbig, 2, adjbig);
	CHECK(adjbig[0] == 1 && adjbig[1] == 1, "holm_capped_at_1", "%g %g", adjbig[0], adjbig[1]);

	/* verdicts: both conditions needed */
	CHECK(stats_verdict(0.01, 0.2, 0.5, 0.05) == VERDICT_LOWER, "verdict_lower", "wrong");
	CHECK(stats_verdict(0.01, 1.02, 1.5, 0.05) == VERDICT_HIGHER, "verdict_higher", "wrong");
	CHECK(stats_verdict(0.01, 0.9, 1.1, 0.05) == VERDICT_NONE, "verdict_ci_spans_1", "wrong");
	CHECK(stats_verdict(0.05, 0.2, 0.5, 0.05) == VERDICT_NONE, "verdict_p_not_below_alpha", "wrong");
	CHECK(stats_verdict(NAN, 0.2, 0.5, 0.05) == VERDICT_NONE, "verdict_nan_p", "wrong");
	CHECK(!strcmp(stats_verdict_name(VERDICT_NONE), "no significant change"), "verdict_name", "wrong");
	CHECK_DONE();
}
