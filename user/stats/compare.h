/* ringscope compare: per metric, variant B against variant A and the A/A
 * control A' against A, with medians, a bootstrap CI of the ratio of medians,
 * Mann-Whitney p-values, Holm's correction and a verdict (compare.c); and
 * the two renderers of the same rows, an lkp-style text table and JSON
 * (compare_report.c). */
#ifndef RS_COMPARE_H
#define RS_COMPARE_H

#include <stdbool.h>
#include <stdio.h>
#include "samples.h"
#include "stats.h"

struct compare_opts {
	const char *name_a, *name_b, *name_aa;	/* variant labels for the reports */
	double alpha;		/* significance level of the Holm-adjusted p */
	double ci_level;	/* e.g. 0.95 */
	unsigned min_rounds;	/* fewer values in either sample: no verdict */
	unsigned resamples;
	unsigned long long seed;
};

/* One comparison of a sample x (the reference) with a sample y. */
struct compare_side {
	const double *x, *y;	/* raw values (owned by the sample sets) */
	size_t n_x, n_y;
	double x_median, y_median, x_stddev_pct, y_stddev_pct;
	double ratio, ci_lo, ci_hi, u, p, p_adj;
	bool exact, enough;	/* exact MWU; both samples >= min_rounds */
	enum stats_verdict verdict;
};

enum compare_family { FAMILY_PRIMARY, FAMILY_SECONDARY };

struct compare_row {
	const char *metric;
	bool higher_is_better;
	enum compare_family family;
	struct compare_side ab;	/* x = A, y = B */
	struct compare_side aa;	/* x = A, y = A' */
};

struct compare_result {
	struct compare_opts opts;
	struct compare_row *rows;
	size_t n;
	size_t n_family[2];	/* metrics in each Holm family */
	/* Metrics only one of A and B has: not compared, but named (a run that
	 * lost a metric must not read as "no change"). */
	const char **only_a, **only_b;
	size_t n_only_a, n_only_b;
};

/* Rows for every metric of A that B has; A' rows where A' has it; the
 * metrics of only one of A and B in only_a/only_b. */
int compare_run(const struct sample_set *a, const struct sample_set *b, const struct sample_set *aa,
		const struct compare_opts *opts, struct compare_result *res);
void compare_free(struct compare_result *res);

void compare_print_table(const struct compare_result *res, FILE *out);
int compare_write_json(const struct compare_result *res, const char *path);

#endif
