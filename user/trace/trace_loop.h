/* The reporting loop of `trace`: a snapshot of the session each interval,
 * rendered as text (redrawn in place on a terminal) or NDJSON and published
 * to the metrics, until --duration or a stop signal (stop.h); then the last
 * stretch as an interval and the final report, both from one snapshot, so
 * that the intervals add up to the final counts. */
#ifndef RS_TRACE_LOOP_H
#define RS_TRACE_LOOP_H

#include <stdbool.h>
#include "live.h"
#include "metrics_out.h"
#include "trace.h"
#include "trace_path.h"

struct trace_loop {
	struct trace_session *s;	/* its views, where trace_session_active() */
	struct path_session *ps;	/* --path, or NULL: each interval's share and the final hop table */
	bool path_hist;			/* the hop table with each hop's histogram (text) */
	bool path_samples;		/* after the final object: the path's samples (NDJSON) */
	double duration_s;		/* 0: until a stop signal */
	double interval_s;
	struct metrics_out *m;
	struct live *live;
};

void trace_loop_run(const struct trace_loop *l);

#endif
