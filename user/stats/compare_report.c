/* Renderers of a compare_result: the lkp-style text table and ab.json. Both
 * read the same rows, so text and JSON never disagree. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "compare.h"
#include "json.h"
#include "log.h"

/* Short numbers for the table: integers for large values, 4 digits else. */
static const char *num(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (isinf(v))
		snprintf(buf, len, "inf");
	else if (fabs(v) >= 1e9)	/* beyond the column: 4 digits and an exponent */
		snprintf(buf, len, "%.4g", v);
	else if (fabs(v) >= 10000)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

static const char *pct(char *buf, size_t len, double ratio)
{
	if (isnan(ratio) || isinf(ratio))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", (ratio - 1) * 100);
	return buf;
}

static const char *ci(char *buf, size_t len, const struct compare_side *s)
{
	char lo[24], hi[24];

	if (isnan(s->ci_lo))
		return snprintf(buf, len, "-"), buf;
	snprintf(buf, len, "[%s, %s]", num(lo, sizeof(lo), s->ci_lo), num(hi, sizeof(hi), s->ci_hi));
	return buf;
}

/* "lower (better)", "higher (worse)", "~" (no significant change), "n<5". */
static const char *verdict_text(char *buf, size_t len, const struct compare_row *r,
				const struct compare_side *s, unsigned min_rounds)
{
	bool good;

	if (!s->n_x || !s->n_y)
		snprintf(buf, len, "-");
	else if (!s->enough)
		snprintf(buf, len, "n<%u", min_rounds);
	else if (s->verdict == VERDICT_NONE)
		snprintf(buf, len, "~");
	else {
		good = (s->verdict == VERDICT_HIGHER) == r->higher_is_better;
		snprintf(buf, len, "%s (%s)", stats_verdict_name(s->verdict), good ? "better" : "worse");
	}
	return buf;
}

void compare_print_table(const struct compare_result *res, FILE *out)
{
	const struct compare_opts *o = &res->opts;
	size_t n_a = 0, n_b = 0, n_aa = 0;
	char b1[32], b2[32], b3[32], b4[32], b5[32], b6[48], b7[32], b8[32], b9[32], b10[48], b11[40];

	for (size_t i = 0; i < res->n; i++) {
		n_a = n_a > res->rows[i].ab.n_x ? n_a : res->rows[i].ab.n_x;
		n_b = n_b > res->rows[i].ab.n_y ? n_b : res->rows[i].ab.n_y;
		n_aa = n_aa > res->rows[i].aa.n_y ? n_aa : res->rows[i].aa.n_y;
	}
	fprintf(out, "A = %s (%zu rounds), B = %s (%zu rounds)", o->name_a, n_a, o->name_b, n_b);
	if (n_aa)
		fprintf(out, ", A' = %s (%zu rounds, the A/A control)", o->name_aa, n_aa);
	fprintf(out, "\n");
	fprintf(out, "significant = Holm-adjusted Mann-Whitney p < %g AND the %g%% bootstrap CI of the ratio of medians excludes 1\n",
		o->alpha, o->ci_level * 100);
	fprintf(out, "Holm families: %zu primary metrics, %zu others; CI from %u resamples, fixed seed; no verdict under %u rounds\n\n",
		res->n_family[FAMILY_PRIMARY], res->n_family[FAMILY_SECONDARY], o->resamples, o->min_rounds);
	fprintf(out, "%12s %7s %8s %12s %7s %19s %8s %8s %-16s | %8s %19s | %s\n", "A", "±%sd", "%change", "B", "±%sd",
		"CI of B/A", "p", "p_holm", "verdict", "A'/A", "CI of A'/A", "metric");
	for (size_t i = 0; i < res->n; i++) {
		const struct compare_row *r = &res->rows[i];
		const struct compare_side *s = &r->ab;

		snprintf(b2, sizeof(b2), "±%.0f%%", s->x_stddev_pct);
		snprintf(b5, sizeof(b5), "±%.0f%%", s->y_stddev_pct);
		fprintf(out, "%12s %7s %8s %12s %7s %19s %8s %8s %-16s | %8s %19s | %s%s\n",
			num(b1, sizeof(b1), s->x_median), isnan(s->x_stddev_pct) ? "-" : b2,
			pct(b3, sizeof(b3), s->ratio), num(b4, sizeof(b4), s->y_median),
			isnan(s->y_stddev_pct) ? "-" : b5, ci(b6, sizeof(b6), s),
			num(b7, sizeof(b7), s->p), num(b8, sizeof(b8), s->p_adj),
			verdict_text(b11, sizeof(b11), r, s, o->min_rounds),
			pct(b9, sizeof(b9), r->aa.ratio), ci(b10, sizeof(b10), &r->aa), r->metric,
			r->family == FAMILY_PRIMARY ? " *" : "");
	}
	fprintf(out, "(* primary metric; A'/A is the noise floor: the same kernel against itself in the same interleaving)\n");
	for (int side = 0; side < 2; side++) {
		const char **names = side ? res->only_b : res->only_a;
		size_t n = side ? res->n_only_b : res->n_only_a;

		if (!n)
			continue;
		fprintf(out, "not compared, only in %s:", side ? "B" : "A");
		for (size_t i = 0; i < n; i++)
			fprintf(out, " %s", names[i]);
		fputc('\n', out);
	}
}

static void json_names(struct json_writer *w, const char *key, const char **names, size_t n)
{
	json_key(w, key);
	json_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		json_str(w, names[i]);
	json_arr_end(w);
}

static void json_values(struct json_writer *w, const char *key, const double *v, size_t n)
{
	json_key(w, key);
	json_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		json_double(w, v[i]);
	json_arr_end(w);
}

/* The fields of one comparison; y is B (or A' in the aa block). */
static void json_side(struct json_writer *w, const struct compare_side *s, const char *better,
		      const char *y_name)
{
	json_kv_double(w, "a_median", s->x_median);
	json_kv_double(w, "b_median", s->y_median);
	json_kv_double(w, "a_stddev_pct", s->x_stddev_pct);
	json_kv_double(w, "b_stddev_pct", s->y_stddev_pct);
	json_kv_double(w, "ratio", s->ratio);
	json_kv_double(w, "ci_low", s->ci_lo);
	json_kv_double(w, "ci_high", s->ci_hi);
	json_kv_double(w, "u", s->u);
	json_kv_double(w, "p_value", s->p);
	json_kv_str(w, "p_method", isnan(s->p) ? "none" : s->exact ? "exact" : "normal_tie_corrected");
	json_kv_double(w, "p_adjusted", s->p_adj);
	json_kv_str(w, "verdict", s->enough ? stats_verdict_name(s->verdict) : "too few rounds");
	json_kv_str(w, "better", better);
	json_kv_u64(w, "n_a", s->n_x);
	json_kv_u64(w, "n_b", s->n_y);
	json_values(w, "a_values", s->x, s->n_x);
	json_values(w, "b_values", s->y, s->n_y);
	json_kv_str(w, "b_is", y_name);
}

int compare_write_json(const struct compare_result *res, const char *path)
{
	const struct compare_opts *o = &res->opts;
	struct json_writer w;
	char seed[32];
	FILE *f = fopen(path, "w");

	if (!f) {
		int err = -errno;

		rs_err("cannot write %s: %s", path, strerror(errno));
		return err;
	}
	json_init(&w, f);
	json_obj_begin(&w);
	json_kv_str(&w, "a", o->name_a);
	json_kv_str(&w, "b", o->name_b);
	json_kv_str(&w, "aa", o->name_aa);
	json_kv_double(&w, "alpha", o->alpha);
	json_kv_double(&w, "ci_level", o->ci_level);
	json_kv_u64(&w, "resamples", o->resamples);
	snprintf(seed, sizeof(seed), "0x%llx", o->seed);
	json_kv_str(&w, "seed", seed);
	json_kv_str(&w, "test", "mann-whitney-u two-sided (exact without ties and n_a+n_b <= 40, else normal with tie correction)");
	json_kv_str(&w, "correction", "holm within the primary and the secondary family");
	json_kv_u64(&w, "min_rounds", o->min_rounds);
	json_names(&w, "only_in_a", res->only_a, res->n_only_a);
	json_names(&w, "only_in_b", res->only_b, res->n_only_b);
	json_key(&w, "metrics");
	json_obj_begin(&w);
	for (size_t i = 0; i < res->n; i++) {
		const struct compare_row *r = &res->rows[i];
		const char *better = r->higher_is_better ? "higher" : "lower";

		json_key(&w, r->metric);
		json_obj_begin(&w);
		json_kv_str(&w, "family", r->family == FAMILY_PRIMARY ? "primary" : "secondary");
		json_side(&w, &r->ab, better, "B");
		json_key(&w, "aa");
		json_obj_begin(&w);
		json_side(&w, &r->aa, better, "A'");
		json_obj_end(&w);
		json_obj_end(&w);
	}
	json_obj_end(&w);
	json_obj_end(&w);
	fputc('\n', f);
	if (fclose(f)) {
		rs_err("cannot write %s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}
