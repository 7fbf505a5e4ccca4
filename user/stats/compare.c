/* The statistics of ringscope compare, metric by metric (see compare.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"

/* The primary metrics are the claims an A/B is run for; Holm's correction
 * runs over them as one family, and over all other metrics (latency
 * percentiles, observer cost, derived figures) as a second family, so many
 * descriptive rows do not dilute the primary claims. */
static const char *const primary_metrics[] = {
	"pps", "kmalloc_per_pkt", "kfree_per_pkt", "kicks_per_pkt", "irqs_per_pkt",
	"table_dma_maps_per_pkt", NULL
};

static enum compare_family family_of(const char *name)
{
	for (int i = 0; primary_metrics[i]; i++)
		if (!strcmp(name, primary_metrics[i]))
			return FAMILY_PRIMARY;
	return FAMILY_SECONDARY;
}

/* Throughput (names ending in "pps") is better higher; every other metric
 * ringscope reports (per-packet counts, latencies, costs) is better lower. */
static bool higher_is_better(const char *name)
{
	size_t n = strlen(name);

	return n >= 3 && !strcmp(name + n - 3, "pps");
}

/* Coefficient of variation in percent (lkp's %stddev). */
static double stddev_pct(const double *v, size_t n)
{
	double sd = stats_stddev(v, n), mean = 0;

	for (size_t i = 0; i < n; i++)
		mean += v[i] / n;	/* a sum of values near DBL_MAX would overflow */
	return mean != 0 ? 100 * (sd / fabs(mean)) : (sd == 0 ? 0 : NAN);
}

static int compare_one(const struct metric_samples *x, const struct metric_samples *y,
		       const struct compare_opts *o, struct compare_side *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->p = s->p_adj = s->ci_lo = s->ci_hi = s->ratio = s->u = NAN;
	s->x_median = s->y_median = s->x_stddev_pct = s->y_stddev_pct = NAN;
	if (!x || !y || !x->n || !y->n)
		return 0;
	s->x = x->values;
	s->y = y->values;
	s->n_x = x->n;
	s->n_y = y->n;
	s->x_median = stats_median(x->values, x->n);
	s->y_median = stats_median(y->values, y->n);
	s->x_stddev_pct = stddev_pct(x->values, x->n);
	s->y_stddev_pct = stddev_pct(y->values, y->n);
	s->ratio = s->x_median == 0 ? (s->y_median == 0 ? 1 : INFINITY) : s->y_median / s->x_median;
	err = stats_ratio_ci(x->values, x->n, y->values, y->n, o->ci_level, o->resamples, o->seed,
			     &s->ci_lo, &s->ci_hi);
	if (err)
		return err;
	s->p = stats_mann_whitney(x->values, x->n, y->values, y->n, &s->u, &s->exact);
	s->enough = x->n >= o->min_rounds && y->n >= o->min_rounds;
	return 0;
}

/* Holm within each family; the verdict needs the adjusted p and the CI. */
static int adjust(struct compare_result *res, bool aa)
{
	size_t n = res->n, i;
	double *p = malloc(n * sizeof(*p)), *adj = malloc(n * sizeof(*adj));

	if (!p || !adj) {
		free(p);
		free(adj);
		return -ENOMEM;
	}
	for (int fam = FAMILY_PRIMARY; fam <= FAMILY_SECONDARY; fam++) {
		size_t members = 0;

		for (i = 0; i < n; i++) {
			struct compare_side *s = aa ? &res->rows[i].aa : &res->rows[i].ab;

			p[i] = NAN;
			if (res->rows[i].family == (enum compare_family)fam && s->enough) {
				p[i] = s->p;
				members++;
			}
		}
		if (!aa)
			res->n_family[fam] = members;
		stats_holm(p, n, adj);
		for (i = 0; i < n; i++) {
			struct compare_side *s = aa ? &res->rows[i].aa : &res->rows[i].ab;

			if (res->rows[i].family != (enum compare_family)fam)
				continue;
			s->p_adj = adj[i];
			s->verdict = s->enough ? stats_verdict(s->p_adj, s->ci_lo, s->ci_hi, res->opts.alpha)
					       : VERDICT_NONE;
		}
	}
	free(p);
	free(adj);
	return 0;
}

int compare_run(const struct sample_set *a, const struct sample_set *b, const struct sample_set *aa,
		const struct compare_opts *opts, struct compare_result *res)
{
	int err = 0;

	memset(res, 0, sizeof(*res));
	res->opts = *opts;
	res->rows = calloc(a->n ? a->n : 1, sizeof(*res->rows));
	res->only_a = calloc(a->n ? a->n : 1, sizeof(*res->only_a));
	res->only_b = calloc(b->n ? b->n : 1, sizeof(*res->only_b));
	if (!res->rows || !res->only_a || !res->only_b) {
		compare_free(res);
		return -ENOMEM;
	}
	for (size_t i = 0; i < b->n; i++)
		if (!samples_find(a, b->m[i].name))
			res->only_b[res->n_only_b++] = b->m[i].name;
	for (size_t i = 0; i < a->n && !err; i++) {
		const struct metric_samples *ma = &a->m[i], *mb = samples_find(b, ma->name);
		struct compare_row *r;

		if (!mb) {
			res->only_a[res->n_only_a++] = ma->name;
			continue;
		}
		r = &res->rows[res->n++];
		r->metric = ma->name;
		r->higher_is_better = higher_is_better(ma->name);
		r->family = family_of(ma->name);
		err = compare_one(ma, mb, opts, &r->ab);
		if (!err)
			err = compare_one(ma, aa ? samples_find(aa, ma->name) : NULL, opts, &r->aa);
	}
	if (!err)
		err = adjust(res, false);
	if (!err)
		err = adjust(res, true);
	if (err)
		compare_free(res);
	return err;
}

void compare_free(struct compare_result *res)
{
	free(res->rows);
	free(res->only_a);
	free(res->only_b);
	res->rows = NULL;
	res->only_a = res->only_b = NULL;
	res->n = res->n_only_a = res->n_only_b = 0;
}
