/* ringscope demo: the embedded default. Two private namespaces joined by a
 * veth pair; gen tx on one end, gen rx (verifying) on the other; torn down on
 * exit, Ctrl-C or error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "demo_net.h"
#include "gen_opts.h"
#include "log.h"
#include "runloop.h"

static const char usage[] = "ringscope demo [--duration S] [--size B] [--rate PPS] [--json]";

int cmd_demo(int argc, char **argv)
{
	struct gen_session tx = {}, rx = {};
	struct gen_cfg tcfg, rcfg;
	struct demo_net net = {};
	struct runloop rl = {};
	struct gen_opts g;
	const char *pos[1];
	int npos, err;
	const struct rs_opt opts[] = { GEN_OPT_ROWS(g), OPT_END };

	gen_opts_defaults(&g);
	g.duration = 10;
	g.rate = 1000000;
	err = opts_parse(opts, argc, argv, pos, 0, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	rs_json = g.json;
	if ((err = gen_opts_to_cfg(&g, GEN_TX, &tcfg)))
		return err;
	if (geteuid()) {
		rs_err("the demo creates namespaces and attaches XDP: run it as root (sudo)");
		return -EPERM;
	}
	err = demo_net_create(&net, tcfg.pkt_size);
	if (err)
		goto cleanup;
	tcfg.ifname = net.if_tx;
	rcfg = tcfg;
	rcfg.mode = GEN_RX;
	rcfg.ifname = net.if_rx;
	rcfg.count = 0;
	rcfg.duration = 0;	/* the receiver runs until the sender is done */
	/* The sender runs flat out when the rate is out of reach; a receiver on
	 * a busy 2-core machine is descheduled for longer than a 2048-entry fill
	 * ring lasts at ~0.4 Mpps (12 % lost at load 8). 4x the rings, 4x the
	 * buffering: mostly none lost there, a few % at load 10. */
	if (rcfg.port.ring_size < 4096) {
		rcfg.port.ring_size *= 4;
		if (rcfg.port.nframes < 2 * rcfg.port.ring_size)
			rcfg.port.nframes = 2 * rcfg.port.ring_size;
	}
	tcfg.pin = false;	/* the TX side has no XDP program and no maps */
	if ((err = demo_net_enter(&net, net.ns_rx)) || (err = gen_session_open(&rx, &rcfg)))
		goto cleanup;
	if ((err = demo_net_enter(&net, net.ns_tx)) || (err = gen_session_open(&tx, &tcfg)))
		goto cleanup;
	demo_net_home(&net);
	rs_note("demo: %s (netns %s) -> %s (netns %s), %u B packets, %s, %.0f s%s%s",
		net.if_tx, net.ns_tx, net.if_rx, net.ns_rx, tcfg.pkt_size,
		g.rate ? "rate-limited" : "unlimited rate", g.duration,
		rx.pin_dir[0] ? ", receiver maps pinned at " : "", rx.pin_dir);
	rl.tx = &tx;
	rl.rx = &rx;
	rl.interval_s = g.interval;
	err = runloop_run(&rl);
cleanup:
	gen_session_close(&tx);
	gen_session_close(&rx);
	demo_net_destroy(&net);
	return err;
}
