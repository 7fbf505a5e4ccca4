/* The reporting loop shared by gen, demo and run: waits for intervals, a stop
 * signal (stop.h: Ctrl-C, SIGTERM, a closed stdout...) or the end of traffic,
 * and renders each interval and the final summary. */
#ifndef RS_RUNLOOP_H
#define RS_RUNLOOP_H

#include "gen.h"
#include "gen_report.h"
#include "live.h"
#include "metrics_out.h"

struct runloop;
/* Extra figures rendered with every report (the trace view of `run`). */
typedef void (*runloop_extra_fn)(struct runloop *rl, struct json_writer *w, const struct gen_figures *f,
				 bool final);

struct runloop {
	struct gen_session *tx;	/* may be NULL */
	struct gen_session *rx;	/* may be NULL or == tx */
	double interval_s;
	uint64_t rx_expected;	/* rx-only runs with --count: packets due */
	runloop_extra_fn extra;
	void *ctx;
	bool interrupted;	/* set when a signal ended the run */
	bool stopped;		/* the sessions stopped: the reports left are the last interval and the final */
	/* NULL or --metrics/--metrics-file: each report also publishes the
	 * sessions' counters of the same snapshot (and the view extra set). */
	struct metrics_out *metrics;
	bool scroll;		/* --scroll: no live view */
	struct live live;	/* set up by runloop_run */
	FILE *out;		/* where extra prints its text: this interval's frame */
};

int runloop_run(struct runloop *rl);

#endif
