/* ringscope run: traffic (gen) and tracing together, so every traced figure
 * is also reported per packet. Without -i it runs on the embedded veth pair
 * of `demo`. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <netinet/in.h>
#include "commands.h"
#include "gen_opts.h"
#include "log.h"
#include "path_join.h"
#include "run_zc_path.h"
#include "run_traffic.h"
#include "run_zerocopy.h"
#include "trace.h"
#include "trace_path_zc.h"

static const char usage[] = "ringscope run [-i IFACE [--peer IFACE]] [gen options] [trace options]";

int cmd_run(int argc, char **argv)
{
	struct gen_opts g;
	struct trace_opts t;
	const char *peer = NULL, *pos[1];
	bool no_trace = false;
	int npos, err, proto = -1;
	const struct rs_opt opts[] = {
		{ "iface", 'i', OPT_STR, &g.iface, 0, 0, NULL, "IFACE", "send on IFACE (default: a private veth pair)" },
		{ "peer", 0, OPT_STR, &peer, 0, 0, NULL, "IFACE", "receive and verify on IFACE (e.g. eth1 in the VM lab)" },
		{ "no-trace", 0, OPT_FLAG, &no_trace, 0, 0, NULL, NULL, "traffic only: attach no tracing (clean throughput runs)" },
		{ "proto", 0, OPT_CHOICE, &proto, 0, 0, "tcp,udp", NULL, "--path msg-zerocopy: transport of its sends (default tcp)" },
		GEN_OPT_ROWS(g),
		TRACE_OPT_ROWS(t),
		OPT_END
	};

	gen_opts_defaults(&g);
	trace_opts_defaults(&t);
	g.duration = 10;
	err = opts_parse(opts, argc, argv, pos, 0, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	if (peer && !g.iface) {
		rs_err("--peer %s needs -i IFACE to send from: without -i, run sends and receives on its own veth pair", peer);
		return -EINVAL;
	}
	const struct path_def *pd = t.path ? path_find(t.path) : NULL;

	if (proto >= 0 && pd != &msgzc_path_def) {
		rs_err("--proto chooses the transport of --path msg-zerocopy: add --path msg-zerocopy or drop --proto");
		return -EINVAL;
	}
	/* The paths with a generator of their own (trace_path_zc.c) */
	if (t.path && zc_path_find(t.path)) {
		if (no_trace || peer || t.zerocopy) {
			rs_err("--path %s follows its own generator's sends: drop %s", pd->name,
			       no_trace ? "--no-trace" : peer ? "--peer" : "--zerocopy");
			return -EINVAL;
		}
		return (err = trace_opts_check(&t)) ? err : run_zc_path(&g, proto == 1 ? IPPROTO_UDP : IPPROTO_TCP, &t);
	}

	if (pd && pd->link && !g.iface) {
		rs_err("--path %s follows packets through %s: give -i IFACE --peer IFACE (the VM lab guest's eth0 -> eth1)",
		       t.path, pd->link);
		return -EINVAL;
	}
	if (pd && pd->link) {
		/* A virtio path follows one TX mode: zero-copy (virtio-xsk) or
		 * copy (virtio-tx); auto would take zero-copy wherever it binds. */
		int want = pd->zerocopy ? BIND_ZEROCOPY : BIND_COPY;

		if (g.bind != BIND_AUTO && g.bind != want) {
			rs_err("--path %s follows %s TX: use --bind %s (or --path %s)", t.path,
			       pd->zerocopy ? "zero-copy" : "copy-mode", pd->zerocopy ? "zc" : "copy",
			       pd->zerocopy ? "virtio-tx" : "virtio-xsk");
			return -EINVAL;
		}
		g.bind = want;
	}
	if (t.path && g.iface && !peer) {
		rs_err("--path %s follows packets to ringscope's own receiver: add --peer IFACE%s", t.path,
		       pd && pd->link ? "" : " (or drop -i for the private veth pair)");
		return -EINVAL;
	}
	if (pd && pd->rx_skb && g.xdp_mode == XDP_MODE_NATIVE) {
		/* Native XDP redirects before any skb exists: no hop of the path would fire. */
		rs_err("--path %s follows the receiver's skb, which native XDP never builds: drop --xdp-mode native",
		       t.path);
		return -EINVAL;
	}
	if (t.zerocopy && t.path) {
		rs_err("--path and --zerocopy are separate runs (the zerocopy run has no veth-xsk path): drop one");
		return -EINVAL;
	}
	if (t.zerocopy)	/* AF_XDP and MSG_ZEROCOPY, one after the other, side by side */
		return (err = trace_opts_check(&t)) ? err : run_zerocopy(&g, peer, &t, !no_trace);
	if (no_trace && (t.funcs || t.preset || t.tps || t.kmalloc || t.lpi || t.slab || t.comm || t.site_func ||
			 t.cpu >= 0 || t.hist || t.path || t.sort != SORT_DEFAULT)) {
		rs_err("--no-trace contradicts the trace options given: drop one");
		return -EINVAL;
	}
	if (!trace_opts_has_views(&t) && !t.path) {
		t.preset = "xsk-tx";	/* the default view: the AF_XDP TX path and its allocations */
		t.kmalloc = t.slab = true;
	}
	if ((err = trace_opts_check(&t)))
		return err;
	return run_traffic(&g, peer, &t, !no_trace, false);
}
