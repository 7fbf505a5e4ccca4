/* ringscope trace: live function latency and kmalloc churn, no traffic. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "commands.h"
#include "gen.h"
#include "live.h"
#include "log.h"
#include "metrics_out.h"
#include "opts.h"
#include "path_report.h"
#include "stop.h"
#include "trace.h"
#include "trace_presets.h"

static const char usage[] = "ringscope trace [-f FUNCS] [-p PRESET] [-t TPS] [--kmalloc] [-d S] [-I S] [--json]";

/* ps: --path (NULL: none): its hop table in the final only, its metrics each interval; hist: with
 * each hop's histogram. */
static void render(struct trace_session *s, const struct trace_snapshot *cur, const struct trace_snapshot *prev,
		   struct path_session *ps, bool hist, double t, double dt, bool final, struct metrics_out *m,
		   struct live *live)
{
	bool views = trace_session_active(s);

	if (final && ps)
		trace_path_finish(ps);
	/* The metrics are cumulative: the interval's snapshot is the whole run
	 * so far; the final republishes only for the finished path. */
	if (!final || (ps && metrics_enabled(m))) {
		m->view.ts = views ? s : NULL;
		m->view.snap = cur;
		if (ps && metrics_enabled(m))
			path_metrics_view(&m->view, ps);
		metrics_out_publish(m);
	}
	if (!views && !final)
		return;	/* --path alone: one table at the end */
	if (rs_json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_obj_begin(&w);
		json_kv_str(&w, "type", final ? "final" : "interval");
		json_kv_double(&w, "t_s", t);
		json_kv_double(&w, final ? "duration_s" : "interval_s", dt);
		if (views)
			trace_json_fields(&w, s, cur, prev, dt, 0);
		if (final && ps)
			path_json_fields(&w, ps);
		if (final)
			json_kv_bool(&w, "interrupted", stop_interrupted());
		json_obj_end(&w);
		json_finish_line(&w);
	} else {
		FILE *out = final ? stdout : live_frame_begin(live);

		if (!final)
			fprintf(out, "\n%.2fs\n", t);
		if (views)
			trace_print_text(out, s, cur, prev, dt, 0, final);
		if (final && ps)
			path_print_text(out, ps, hist);
		if (!final)
			live_frame_end(live);
	}
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts t;
	struct trace_session s = {};
	struct path_session ps = {};
	struct trace_snapshot prev = {}, cur = {};
	struct metrics_opts mo = {};
	struct metrics_out m;
	double duration = 0, interval = 1;
	bool json = false, no_pin = false, scroll = false;
	struct live live;
	const char *pos[1];
	int npos, err;
	const struct rs_opt opts[] = {
		TRACE_OPT_ROWS(t),
		{ "duration", 'd', OPT_DOUBLE, &duration, 0, 86400, NULL, "SECONDS", "stop after this long (default: Ctrl-C)" },
		{ "interval", 'I', OPT_DOUBLE, &interval, 0.05, 3600, NULL, "SECONDS", "report interval (default 1)" },
		{ "no-pin", 0, OPT_FLAG, &no_pin, 0, 0, NULL, NULL, "do not pin maps under /sys/fs/bpf/ringscope" },
		{ "json", 'j', OPT_FLAG, &json, 0, 0, NULL, NULL, "NDJSON: one object per interval and a final one" },
		{ "scroll", 0, OPT_FLAG, &scroll, 0, 0, NULL, NULL, LIVE_SCROLL_HELP },
		METRICS_OPT_ROWS(mo),
		OPT_END
	};

	trace_opts_defaults(&t);
	err = opts_parse(opts, argc, argv, pos, 0, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	rs_json = json;
	live_init(&live, scroll);
	if (t.preset && !strcmp(t.preset, "list")) {	/* the preset table (trace_presets.c) */
		preset_print_table(stdout);
		return 0;
	}
	if ((err = trace_opts_check(&t)))
		return err;
	if (geteuid()) {
		rs_err("tracing loads BPF programs: run as root (sudo)");
		return -EPERM;
	}
	if ((err = metrics_out_open(&m, &mo, "trace")))
		goto out;
	/* --path alone needs no trace session (and without anything else, the
	 * session's own error says what to give). */
	if ((trace_opts_has_views(&t) || !t.path) && (err = trace_session_open(&s, &t, !no_pin)))
		goto out;
	if (t.path && (err = trace_path_open(&ps, t.path, false, 1u << 16, t.path_samples, t.tier)))
		goto out;
	if (trace_session_active(&s))
		rs_note("%s%s%s", s.header, s.pin_dir[0] ? "; maps pinned at " : "", s.pin_dir);
	if (t.path)
		rs_note("hop latency along %s: %s, every ringscope packet (docs/hop-latency.md); the table comes at the end",
			t.path, trace_path_probes(&ps));

	uint64_t start = now_ns(), last = start, step = interval * 1e9, next = start + step, now;
	uint64_t end = duration > 0 ? start + (uint64_t)(duration * 1e9) : UINT64_MAX;

	for (;;) {
		now = now_ns();
		if (now >= end)
			break;
		if (now >= next) {
			if (trace_session_active(&s))
				trace_snapshot(&s, &cur);
			render(&s, &cur, &prev, t.path ? &ps : NULL, false, (now - start) / 1e9, (now - last) / 1e9, false, &m, &live);
			trace_snapshot_free(&prev);
			prev = cur;
			last = now;
			next += step;
			continue;
		}
		if (stop_wait((next < end ? next : end) - now, duration > 0))
			break;
	}
	/* The last stretch is an interval too, read from the same snapshot as
	 * the final report: the NDJSON intervals add up to the final counts. */
	if (trace_session_active(&s))
		trace_snapshot(&s, &cur);
	now = now_ns();
	render(&s, &cur, &prev, t.path ? &ps : NULL, false, (now - start) / 1e9, (now - last) / 1e9, false, &m, &live);
	render(&s, &cur, NULL, t.path ? &ps : NULL, t.hist, (now - start) / 1e9, (now - start) / 1e9, true, &m, &live);
	if (t.path && json && t.path_samples)
		path_print_samples(stdout, &ps);
	trace_snapshot_free(&cur);
	trace_snapshot_free(&prev);
	m.view.ts = NULL;	/* the published texts stay served, the session goes */
	trace_session_close(&s);
	trace_path_close(&ps);
	metrics_out_linger(&m);
out:
	trace_session_close(&s);
	trace_path_close(&ps);
	metrics_out_close(&m);
	return err;
}
