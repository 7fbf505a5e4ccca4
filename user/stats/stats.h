/* Statistics for comparing two samples of one metric (ringscope compare):
 * median, a bootstrap confidence interval of the ratio of medians, the
 * Mann-Whitney U test, Holm's correction and the verdict built from them.
 * Pure functions on arrays of doubles; no I/O. */
#ifndef RS_STATS_H
#define RS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATS_SEED		0x72696e6773636f70ULL	/* "ringscop": fixed, so reruns agree */
#define STATS_RESAMPLES		10000

/* splitmix64: a tiny, well-known PRNG; state advances by a constant. */
uint64_t stats_splitmix64(uint64_t *state);

/* Median of v[0..n) (n >= 1; v is not modified). NAN for n == 0. */
double stats_median(const double *v, size_t n);
/* Sample standard deviation (n - 1); 0 for n < 2. */
double stats_stddev(const double *v, size_t n);

/* Percentile bootstrap CI at `level` (e.g. 0.95) of median(b) / median(a):
 * `resamples` pairs of resamples with replacement drawn from splitmix64 seeded
 * with `seed`. A resample with median(a) == 0 gives a ratio of 1 when median(b)
 * is 0 too, else +inf. Returns 0 or -EINVAL (empty sample, bad level) or -ENOMEM. */
int stats_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		   unsigned resamples, uint64_t seed, double *lo, double *hi);

/* Two-sided Mann-Whitney U test. Exact null distribution when there are no
 * ties and na + nb <= STATS_MWU_EXACT_MAX; otherwise the normal approximation
 * with tie correction and a 0.5 continuity correction (scipy's "asymptotic").
 * *u gets U of sample a, *exact which method was used (either may be NULL).
 * Returns the p-value in [0, 1], or NAN for an empty sample. */
#define STATS_MWU_EXACT_MAX 40
double stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
			  double *u, bool *exact);

/* Holm-Bonferroni step-down adjustment of n p-values (NAN entries are
 * skipped and stay NAN; they do not count in the family). */
void stats_holm(const double *p, size_t n, double *adjusted);

enum stats_verdict { VERDICT_NONE, VERDICT_HIGHER, VERDICT_LOWER };
/* Significant = p_adjusted < alpha AND the CI excludes 1; the direction is
 * that of the CI (both bounds above or below 1). */
enum stats_verdict stats_verdict(double p_adjusted, double ci_lo, double ci_hi, double alpha);
const char *stats_verdict_name(enum stats_verdict v);	/* "higher", "lower", "no significant change" */

#endif
