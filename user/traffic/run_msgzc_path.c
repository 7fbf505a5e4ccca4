/* The engine of `run --path msg-zerocopy` (run_msgzc_path.h). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <netinet/in.h>
#include "gen_opts.h"
#include "log.h"
#include "path_report.h"
#include "run_msgzc_path.h"
#include "stop.h"
#include "trace.h"
#include "trace_path.h"
#include "zc_gen.h"

struct msgzc_run {
	const struct zc_cfg *cfg;
	struct path_session *ps;
	bool shown;		/* an interval was reported: the last share follows the run */
};

/* Each interval: zc-gen's line and the path's share (the sends the join
 * finished in it). */
static void report_interval(void *arg, const void *cur, const void *prev, double t_s, double dt_s)
{
	struct msgzc_run *m = arg;
	struct path_results iv;
	struct json_writer w;

	trace_path_interval(m->ps, &iv);
	m->shown = true;
	if (!rs_json) {
		zc_gen.print_interval(stdout, m->cfg, cur, prev, t_s, dt_s);
		path_print_interval(stdout, m->ps, &iv);
		return;
	}
	json_init(&w, stdout);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "interval");
	json_kv_double(&w, "t_s", t_s);
	json_kv_double(&w, "interval_s", dt_s);
	zc_gen.json_interval(&w, m->cfg, cur, prev, dt_s);
	path_json_interval(&w, m->ps, &iv);
	json_obj_end(&w);
	json_finish_line(&w);
}

/* After the traffic: the sends the join finished since the last interval
 * (so the intervals add up to the final), then the final. */
static void report_end(struct msgzc_run *m, const struct zc_result *res, double t_s, bool hist)
{
	struct path_results iv;
	struct json_writer w;

	if (m->shown) {
		trace_path_interval(m->ps, &iv);
		if (rs_json) {
			json_init(&w, stdout);
			json_obj_begin(&w);
			json_kv_str(&w, "type", "interval");
			json_kv_double(&w, "t_s", t_s);
			json_kv_bool(&w, "after_traffic", true);
			path_json_interval(&w, m->ps, &iv);
			json_obj_end(&w);
			json_finish_line(&w);
		} else {
			printf("  after the traffic:\n");
			path_print_interval(stdout, m->ps, &iv);
		}
	}
	if (!rs_json) {
		zc_gen.print_final(stdout, m->cfg, res);
		path_print_text(stdout, m->ps, hist);
		return;
	}
	json_init(&w, stdout);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "final");
	json_kv_bool(&w, "interrupted", stop_interrupted());
	zc_gen.json_final(&w, m->cfg, res);
	path_json_fields(&w, m->ps);
	json_obj_end(&w);
	json_finish_line(&w);
}

/* What `run` takes that this run has no use for: one line naming it. */
static int refuse(const struct gen_opts *g, const struct trace_opts *t)
{
	const char *what = g->iface ? "-i" : g->rate ? "-r" : g->metrics.listen ? "--metrics" :
			   g->metrics.file ? "--metrics-file" : trace_opts_has_views(t) ? "the trace views (-f, -p, -t, --kmalloc, ...)" :
			   g->size < 1 ? "-s 0" : NULL;

	if (what) {
		rs_err("--path msg-zerocopy sends over its own veth pair, unpaced, with the hop table only: drop %s", what);
		return -EINVAL;
	}
	if (geteuid()) {
		rs_err("--path msg-zerocopy creates network namespaces and attaches BPF: run as root (sudo)");
		return -EPERM;
	}
	return 0;
}

int run_msgzc_path(struct gen_opts *g, int proto, struct trace_opts *t)
{
	struct zc_cfg cfg = { .proto = proto, .zerocopy = true, .size = g->size, .count = g->count,
			      .duration = g->duration, .inflight = 256, .mtu = 1500, .port = 7707,
			      .interval = g->interval };
	struct path_session ps = {};
	struct msgzc_run m = { .cfg = &cfg, .ps = &ps };
	struct zc_result res;
	int err;

	rs_json = g->json;
	if ((err = refuse(g, t)))
		return err;
	if (!cfg.count && cfg.duration <= 0)
		cfg.duration = 10;
	/* every send still awaiting its notification fits the window */
	if ((err = trace_path_open(&ps, "msg-zerocopy", true, (1u << 16) + 2 * cfg.inflight, t->path_samples, t->tier)))
		return err;
	cfg.path = &ps.join;
	rs_note("hop latency along msg-zerocopy: %s, every send (docs/hop-latency.md)", trace_path_probes(&ps));
	if (!rs_json)
		zc_gen.print_banner(stdout, &cfg);
	err = zc_gen_run(&cfg, &res, cfg.interval > 0 ? report_interval : NULL, &m);
	trace_path_finish(&ps);
	if (!err) {
		report_end(&m, &res, res.duration_s, t->hist);
		if (g->json && t->path_samples)
			path_print_samples(stdout, &ps);
	}
	trace_path_close(&ps);
	return err;
}
