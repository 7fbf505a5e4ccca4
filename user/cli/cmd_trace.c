/* ringscope trace: live function latency and kmalloc churn, no traffic. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "commands.h"
#include "live.h"
#include "log.h"
#include "metrics_out.h"
#include "opts.h"
#include "trace.h"
#include "trace_loop.h"
#include "trace_path.h"
#include "trace_presets.h"

static const char usage[] = "ringscope trace [-f FUNCS] [-p PRESET] [-t TPS] [--kmalloc] [-d S] [-I S] [--json]";

int cmd_trace(int argc, char **argv)
{
	struct trace_opts t;
	struct trace_session s = {};
	struct path_session ps = {};
	struct metrics_opts mo = {};
	struct metrics_out m;
	double duration = 0, interval = 1;
	bool json = false, no_pin = false, scroll = false;
	struct live live;
	struct trace_loop loop;
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
		rs_note("hop latency along %s: %s, %s (docs/hop-latency.md); each interval the packets finished in it, the whole table at the end",
			t.path, trace_path_probes(&ps), ps.mz ? "every send of any process, from its first kernel hop" :
			"every ringscope packet");

	loop = (struct trace_loop){ .s = &s, .ps = t.path ? &ps : NULL, .path_hist = t.hist,
				    .path_samples = json && t.path_samples, .duration_s = duration,
				    .interval_s = interval, .m = &m, .live = &live };
	trace_loop_run(&loop);
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
