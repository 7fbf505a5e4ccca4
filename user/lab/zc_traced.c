#include <errno.h>
#include <stdio.h>
#include "log.h"
#include "probe.h"
#include "stop.h"
#include "trace.h"
#include "trace_zc.h"
#include "zc_traced.h"

struct zc_traced {
	const struct lab_gen *g;
	const void *cfg, *res;
	struct trace_session ts;
	struct trace_snapshot before, after;
	bool traced;		/* a session is open: the kernel figures are valid */
};

/* Open a session with only --zerocopy, or say in one notice why there is
 * none (z->traced tells which). Errors other than "no tier" are returned. */
static int session_open(struct zc_traced *z)
{
	struct kernel_caps caps;
	struct trace_opts o;
	char msg[512];
	int err;

	if (probe_best_tier(&caps) == TIER_TRACEPOINT) {
		zc_unattached_msg(&caps, msg, sizeof(msg));
		rs_note("%s", msg);
		return 0;
	}
	trace_opts_defaults(&o);
	o.zerocopy = true;
	err = trace_session_open(&z->ts, &o, false);
	if (!err)
		z->traced = true;
	return err;
}

/* A lab_interval_fn (ctx: the struct zc_traced): the interval's text line,
 * or its JSON object. */
static void report_interval(void *ctx, const void *cur, const void *prev, double t_s, double dt_s)
{
	const struct zc_traced *z = ctx;
	struct json_writer w;

	if (!rs_json) {
		z->g->print_interval(stdout, z->cfg, cur, prev, t_s, dt_s);
		return;
	}
	lab_json_interval_begin(&w, t_s, dt_s);
	z->g->json_interval(&w, z->cfg, cur, prev, dt_s);
	json_obj_end(&w);
	json_finish_line(&w);
}

/* The generator's figures, then the kernel's over the same run. */
static void report_final(struct zc_traced *z, double duration_s)
{
	if (rs_json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_obj_begin(&w);
		json_kv_str(&w, "type", "final");
		json_kv_bool(&w, "interrupted", stop_interrupted());
		z->g->json_final(&w, z->cfg, z->res);
		if (z->traced)
			zc_json(&w, &z->ts, &z->after.zc, &z->before.zc, duration_s);
		json_obj_end(&w);
		json_finish_line(&w);
	} else {
		z->g->print_final(stdout, z->cfg, z->res);
		if (z->traced) {
			putchar('\n');
			zc_print_text(stdout, &z->ts, &z->after.zc, &z->before.zc, duration_s, true);
		}
	}
}

int zc_traced_run(const struct lab_gen *g, const void *cfg, void *res, double interval_s, bool want_trace)
{
	struct zc_traced z = { .g = g, .cfg = cfg, .res = res };
	int err;

	if (want_trace && (err = session_open(&z)))
		return err;
	if (z.traced) {
		rs_note("%s", z.ts.header);
		trace_snapshot(&z.ts, &z.before);
	}
	if (!rs_json)
		g->print_banner(stdout, cfg);
	err = g->run(cfg, res, interval_s > 0 ? report_interval : NULL, &z);
	if (z.traced)
		trace_snapshot(&z.ts, &z.after);
	if (!err)
		report_final(&z, g->duration_s(res));
	trace_snapshot_free(&z.before);
	trace_snapshot_free(&z.after);
	if (z.traced)
		trace_session_close(&z.ts);
	return err;
}
