/* The engine of `run --path msg-zerocopy|vhost-tx` (run_zc_path.h). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <netinet/in.h>
#include "gen_opts.h"
#include "log.h"
#include "metrics_out.h"
#include "path_report.h"
#include "run_zc_path.h"
#include "stop.h"
#include "trace.h"
#include "trace_path.h"
#include "trace_path_zc.h"
#include "vhost_gen.h"
#include "zc_gen.h"

#define VHOST_GOODCOPY_BYTES 256	/* vhost-net copies smaller frames (VHOST_GOODCOPY_LEN) */

struct zc_run {
	const struct lab_gen *g;
	const void *cfg;
	struct path_session *ps;
	struct metrics_out *metrics;	/* the path's families, published each interval and at the end */
	bool shown;		/* an interval was reported: the last share follows the run */
};

/* Each interval: zc-gen's line and the path's share (the sends the join
 * finished in it). */
static void report_interval(void *arg, const void *cur, const void *prev, double t_s, double dt_s)
{
	struct zc_run *m = arg;
	struct path_results iv;
	struct json_writer w;

	trace_path_interval(m->ps, &iv);
	m->shown = true;
	if (metrics_enabled(m->metrics)) {
		path_metrics_view(&m->metrics->view, m->ps);
		metrics_out_publish(m->metrics);
	}
	if (!rs_json) {
		m->g->print_interval(stdout, m->cfg, cur, prev, t_s, dt_s);
		path_print_interval(stdout, m->ps, &iv);
		return;
	}
	lab_json_interval_begin(&w, t_s, dt_s);
	m->g->json_interval(&w, m->cfg, cur, prev, dt_s);
	path_json_interval(&w, m->ps, &iv);
	json_obj_end(&w);
	json_finish_line(&w);
}

/* After the traffic: the sends the join finished since the last interval
 * (so the intervals add up to the final), then the final. */
static void report_end(struct zc_run *m, const void *res, double t_s, bool hist)
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
		m->g->print_final(stdout, m->cfg, res);
		path_print_text(stdout, m->ps, hist);
		return;
	}
	json_init(&w, stdout);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "final");
	json_kv_bool(&w, "interrupted", stop_interrupted());
	m->g->json_final(&w, m->cfg, res);
	path_json_fields(&w, m->ps);
	json_obj_end(&w);
	json_finish_line(&w);
}

/* What `run` takes that this run has no use for, or what vhost-net will
 * not send zero-copy: one line naming the fix. */
static int refuse(const struct gen_opts *g, const struct trace_opts *t, bool vhost)
{
	const char *what = g->iface ? "-i" : g->rate ? "-r" : trace_opts_has_views(t) ? "the trace views (-f, -p, -t, --kmalloc, ...)" :
			   g->size < 1 ? "-s 0" : NULL;
	enum tier tier;
	int z;

	if (what) {
		rs_err("--path %s sends %s, unpaced, with the hop table only: drop %s", t->path,
		       vhost ? "through its own tap" : "over its own veth pair", what);
		return -EINVAL;
	}
	if (vhost && g->size < VHOST_GOODCOPY_BYTES) {
		rs_err("--path vhost-tx: vhost-net copies frames below %d B (VHOST_GOODCOPY_LEN): give -s %d or more",
		       VHOST_GOODCOPY_BYTES, VHOST_GOODCOPY_BYTES);
		return -EINVAL;
	}
	if (geteuid()) {
		rs_err("--path %s attaches BPF and creates %s: run as root (sudo)", t->path,
		       vhost ? "a tap device" : "network namespaces");
		return -EPERM;
	}
	/* the kernel can time its functions: before --metrics-file is written */
	if ((z = path_tier(t->path, t->tier, &tier)))
		return z;
	if (vhost && (z = vhost_zcopytx()) != 1) {
		rs_err("--path vhost-tx: vhost-net sends zero-copy only with experimental_zcopytx=1 (it is %s): "
		       "modprobe -r vhost_net; modprobe vhost_net experimental_zcopytx=1", z < 0 ? "not loaded" : "0");
		return -EOPNOTSUPP;
	}
	return 0;
}

int run_zc_path(struct gen_opts *g, int proto, struct trace_opts *t)
{
	bool vhost = zc_path_find(t->path) == &vhost_path_def;
	struct zc_cfg zcfg = { .proto = proto, .zerocopy = true, .size = g->size, .count = g->count,
			       .duration = g->duration, .inflight = 256, .mtu = 1500, .port = 7707,
			       .interval = g->interval };
	struct vhost_cfg vcfg = { .size = g->size, .qsize = 256, .batch = 32, .count = g->count,
				  .duration = g->duration, .interval = g->interval };
	struct path_session ps = {};
	struct metrics_out mo;
	struct zc_run m = { .g = vhost ? &vhost_gen : &zc_gen, .cfg = vhost ? (void *)&vcfg : (void *)&zcfg, .ps = &ps,
			    .metrics = &mo };
	union {
		struct zc_result z;
		struct vhost_result v;
	} res;
	int err;

	rs_json = g->json;
	if ((err = refuse(g, t, vhost)))
		return err;
	if (!g->count && g->duration <= 0)
		zcfg.duration = vcfg.duration = 10;
	/* every send still awaiting its completion fits the window */
	if ((err = metrics_out_open(&mo, &g->metrics, "run")))
		goto out;
	if ((err = trace_path_open(&ps, t->path, true, (1u << 16) + 2 * zcfg.inflight, t->path_samples, t->tier)))
		goto out;
	zcfg.path = vcfg.path = &ps.join;
	rs_note("hop latency along %s: %s, every send (docs/hop-latency.md)", t->path, trace_path_probes(&ps));
	if (!rs_json)
		m.g->print_banner(stdout, m.cfg);
	err = m.g->run(m.cfg, &res, g->interval > 0 ? report_interval : NULL, &m);
	trace_path_finish(&ps);
	if (!err) {
		/* the final: the finished join and the counters frozen with it,
		 * the same figures as the JSON and text below */
		if (metrics_enabled(&mo)) {
			path_metrics_view(&mo.view, &ps);
			metrics_out_publish(&mo);
		}
		report_end(&m, &res, m.g->duration_s(&res), t->hist);
		if (g->json && t->path_samples)
			path_print_samples(stdout, &ps);
	}
	trace_path_close(&ps);
	if (!err)
		metrics_out_linger(&mo);
out:
	metrics_out_close(&mo);
	return err;
}
