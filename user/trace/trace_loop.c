#include <stdint.h>
#include <stdio.h>
#include "gen.h"
#include "log.h"
#include "path_report.h"
#include "stop.h"
#include "trace_loop.h"

/* One report: an interval (prev: the snapshot before) or the final one. */
static void render(const struct trace_loop *l, const struct trace_snapshot *cur,
		   const struct trace_snapshot *prev, double t, double dt, bool final)
{
	struct trace_session *s = l->s;
	struct path_session *ps = l->ps;
	struct metrics_out *m = l->m;
	bool views = trace_session_active(s);
	struct path_results iv;

	if (ps && !final)
		trace_path_interval(ps, &iv);
	/* The metrics are cumulative: the interval's snapshot is the whole run
	 * so far; the final republishes only for the finished path. */
	if (!final || (ps && metrics_enabled(m))) {
		m->view.ts = views ? s : NULL;
		m->view.snap = cur;
		if (ps && metrics_enabled(m))
			path_metrics_view(&m->view, ps);
		metrics_out_publish(m);
	}
	if (!views && !ps && !final)
		return;
	if (rs_json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_obj_begin(&w);
		json_kv_str(&w, "type", final ? "final" : "interval");
		json_kv_double(&w, "t_s", t);
		json_kv_double(&w, final ? "duration_s" : "interval_s", dt);
		if (views)
			trace_json_fields(&w, s, cur, prev, dt, 0);
		if (ps)
			final ? path_json_fields(&w, ps) : path_json_interval(&w, ps, &iv);
		if (final)
			json_kv_bool(&w, "interrupted", stop_interrupted());
		json_obj_end(&w);
		json_finish_line(&w);
	} else {
		FILE *out = final ? stdout : live_frame_begin(l->live);

		if (!final)
			fprintf(out, "\n%.2fs\n", t);
		if (views)
			trace_print_text(out, s, cur, prev, dt, 0, final);
		if (ps)
			final ? path_print_text(out, ps, l->path_hist) : path_print_interval(out, ps, &iv);
		if (!final)
			live_frame_end(l->live);
	}
}

void trace_loop_run(const struct trace_loop *l)
{
	struct trace_snapshot prev = {}, cur = {};
	uint64_t start = now_ns(), last = start, step = l->interval_s * 1e9, next = start + step, now;
	uint64_t end = l->duration_s > 0 ? start + (uint64_t)(l->duration_s * 1e9) : UINT64_MAX;

	for (;;) {
		now = now_ns();
		if (now >= end)
			break;
		if (now >= next) {
			if (trace_session_active(l->s))
				trace_snapshot(l->s, &cur);
			render(l, &cur, &prev, (now - start) / 1e9, (now - last) / 1e9, false);
			trace_snapshot_free(&prev);
			prev = cur;
			last = now;
			next += step;
			continue;
		}
		if (stop_wait((next < end ? next : end) - now, l->duration_s > 0))
			break;
	}
	/* The last stretch is an interval too, read from the same snapshot as
	 * the final report: the NDJSON intervals add up to the final counts
	 * (the path's too: it is finished before its last interval share). */
	if (trace_session_active(l->s))
		trace_snapshot(l->s, &cur);
	if (l->ps)
		trace_path_finish(l->ps);
	now = now_ns();
	render(l, &cur, &prev, (now - start) / 1e9, (now - last) / 1e9, false);
	render(l, &cur, NULL, (now - start) / 1e9, (now - start) / 1e9, true);
	if (l->ps && l->path_samples)
		path_print_samples(stdout, l->ps);
	trace_snapshot_free(&cur);
	trace_snapshot_free(&prev);
}
