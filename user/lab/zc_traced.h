/* A lab load generator's run with its reports (zc-gen, vhost-gen): the
 * banner, each interval's figures and the final report, text or JSON
 * (--json); with `--trace`, the kernel view of `trace --zerocopy` taken
 * around the run where the kernel allows one, after the generator's own
 * figures in the final report. */
#ifndef RS_ZC_TRACED_H
#define RS_ZC_TRACED_H

#include <stdbool.h>
#include "lab_gen.h"

/* One run of generator g with cfg, its result in res (g's own structs).
 * interval_s <= 0: the final report only. want_trace: the user asked for
 * --trace (a kernel that allows no view gets one notice saying why).
 * Returns the run's 0 or -errno (after one error line); no final report
 * after an error. */
int zc_traced_run(const struct lab_gen *g, const void *cfg, void *res, double interval_s, bool want_trace);

/* The option rows of what zc_traced_run() takes, for the commands' tables. */
#define ZC_TRACED_OPT_ROWS(interval_s, want_trace, json) \
	{ "trace", 0, OPT_FLAG, &(want_trace), 0, 0, NULL, NULL, "also the kernel side (trace --zerocopy) where the kernel allows it" }, \
	{ "interval", 'I', OPT_DOUBLE, &(interval_s), 0, 3600, NULL, "SECONDS", "report interval, 0 = final only (default 1)" }, \
	{ "json", 'j', OPT_FLAG, &(json), 0, 0, NULL, NULL, "NDJSON: one object per interval and a final one" }

#endif
