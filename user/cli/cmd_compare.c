/* ringscope compare: is variant B different from variant A, beyond the noise
 * that the A/A control A' shows? Options -> samples -> statistics -> table
 * (stdout) and ab.json. The inputs are "metric value" files, one line per
 * metric per round (tests/vm/vm-ab.sh writes them from the lab's JSON). */
#include <errno.h>
#include <stdio.h>
#include "commands.h"
#include "compare.h"
#include "log.h"
#include "opts.h"
#include "samples.h"
#include "stop.h"

int cmd_compare(int argc, char **argv)
{
	const char *path_a = NULL, *path_b = NULL, *path_aa = NULL, *json_path = NULL;
	struct compare_opts o = {
		.name_a = "A", .name_b = "B", .name_aa = "A'", .alpha = 0.05, .ci_level = 0.95,
		.min_rounds = 5, .resamples = STATS_RESAMPLES, .seed = STATS_SEED,
	};
	struct sample_set a = { 0 }, b = { 0 }, aa = { 0 };
	struct compare_result res = { 0 };
	const char *pos[1];
	int npos, err;
	const struct rs_opt opts[] = {
		{ "a", 0, OPT_STR, &path_a, 0, 0, NULL, "FILE", "samples of variant A (the reference): 'metric value' lines" },
		{ "b", 0, OPT_STR, &path_b, 0, 0, NULL, "FILE", "samples of variant B" },
		{ "aa", 0, OPT_STR, &path_aa, 0, 0, NULL, "FILE", "samples of the A/A control A' (A again, same interleaving)" },
		{ "name-a", 0, OPT_STR, &o.name_a, 0, 0, NULL, "LABEL", "label of A in the reports" },
		{ "name-b", 0, OPT_STR, &o.name_b, 0, 0, NULL, "LABEL", "label of B" },
		{ "name-aa", 0, OPT_STR, &o.name_aa, 0, 0, NULL, "LABEL", "label of A'" },
		{ "alpha", 0, OPT_DOUBLE, &o.alpha, 1e-6, 0.5, NULL, "P", "significance level of the Holm-adjusted p (0.05)" },
		{ "ci", 0, OPT_DOUBLE, &o.ci_level, 0.5, 0.999, NULL, "LEVEL", "confidence level of the bootstrap CI (0.95)" },
		{ "min-rounds", 0, OPT_U32, &o.min_rounds, 1, 1000, NULL, "N", "no verdict with fewer values per variant (5)" },
		{ "ab-json", 0, OPT_STR, &json_path, 0, 0, NULL, "PATH", "also write the result as JSON (ab.json)" },
		OPT_END
	};

	err = opts_parse(opts, argc, argv, pos, 0, &npos,
			 "ringscope compare --a A.txt --b B.txt [--aa A2.txt] [--ab-json ab.json] [--alpha 0.05] [--ci 0.95]");
	if (err)
		return err > 0 ? 0 : err;
	if (!path_a || !path_b) {
		rs_err("--a and --b are required: files of 'metric value' lines, one per metric per round");
		return -EINVAL;
	}
	/* Only a computation: Ctrl-C or a timeout's SIGTERM ends it at once. */
	stop_unblock_signals();
	err = samples_read(&a, path_a);
	if (!err)
		err = samples_read(&b, path_b);
	if (!err && path_aa)
		err = samples_read(&aa, path_aa);
	if (err)
		goto cleanup;
	if (!a.n || !b.n) {
		rs_err("%s has no samples: each file needs 'metric value' lines", !a.n ? path_a : path_b);
		err = -EINVAL;
		goto cleanup;
	}
	err = compare_run(&a, &b, path_aa ? &aa : NULL, &o, &res);
	if (err) {
		rs_err("compare failed: %d (out of memory?)", err);
		goto cleanup;
	}
	if (!res.n) {
		rs_err("A and B share no metric name: check that both files come from the same kind of run");
		err = -EINVAL;
		goto cleanup;
	}
	compare_print_table(&res, stdout);
	if (json_path)
		err = compare_write_json(&res, json_path);
cleanup:
	compare_free(&res);
	samples_free(&a);
	samples_free(&b);
	samples_free(&aa);
	return err;
}
