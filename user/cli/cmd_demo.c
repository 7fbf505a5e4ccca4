/* ringscope demo: the embedded default, `run` on its private veth pair. Two
 * namespaces joined by a veth pair; gen tx on one end, gen rx (verifying) on
 * the other, kmalloc churn traced meanwhile; torn down on exit, Ctrl-C or
 * error. */
#include <errno.h>
#include "commands.h"
#include "log.h"
#include "gen_opts.h"
#include "run_traffic.h"
#include "trace.h"

static const char usage[] = "ringscope demo [--duration S] [--size B] [--rate PPS] [--no-trace] [--json]";

int cmd_demo(int argc, char **argv)
{
	struct gen_opts g;
	struct trace_opts t;
	bool no_trace = false;
	const char *pos[1];
	int npos, err;
	const struct rs_opt opts[] = {
		{ "no-trace", 0, OPT_FLAG, &no_trace, 0, 0, NULL, NULL, "traffic only: do not trace kmalloc churn" },
		{ "rate", 'r', OPT_U64, &g.rate, 0, 1e9, NULL, "PPS", "rate limit per queue, 0 = unlimited (default 500000)" },
		{ "count", 'n', OPT_U64, &g.count, 0, 1e15, NULL, "N", "packets per queue, 0 = until --duration" },
		{ "duration", 'd', OPT_DOUBLE, &g.duration, 0, 86400, NULL, "SECONDS", "length of the run (default 10)" },
		GEN_OPT_SOCKET_ROWS(g),
		OPT_END
	};

	gen_opts_defaults(&g);
	trace_opts_defaults(&t);
	g.duration = 10;
	/* A rate the receiving side of the pair sustains on these 2-core
	 * machines, so the demo shows exact delivery rather than drops. */
	g.rate = 500000;
	err = opts_parse(opts, argc, argv, pos, 0, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	if (!g.duration && !g.count) {
		rs_err("-d 0: the demo is a run of a set length: give -d SECONDS > 0 (for a run until Ctrl-C: ringscope run -d 0)");
		return -EINVAL;
	}
	/* What each packet costs in allocations, on any kernel: the kmem
	 * tracepoints, including the slab caches skbs come from. */
	t.kmalloc = t.slab = true;
	t.no_lifetime = false;
	/* Where each packet's time goes, stage by stage, on every kernel: the
	 * hop table of the veth-xsk path (tracepoints) in the summary; it
	 * follows the receiver's skb, which native XDP never builds. */
	if (g.xdp_mode == XDP_MODE_NATIVE)
		rs_note("--xdp-mode native: no hop table (the veth-xsk path follows the receiver's skb, which native XDP never builds)");
	else
		t.path = "veth-xsk";
	return run_traffic(&g, NULL, &t, !no_trace, true);
}
