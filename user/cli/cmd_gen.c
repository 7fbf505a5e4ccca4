/* ringscope gen tx|rx|fwd: AF_XDP traffic on one interface. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "gen_link.h"
#include "gen_opts.h"
#include "log.h"
#include "netns.h"
#include "runloop.h"

static const char usage[] = "ringscope gen tx|rx|fwd -i IFACE [options]";

int cmd_gen(int argc, char **argv)
{
	struct gen_opts g;
	struct gen_cfg cfg;
	struct gen_session s = {};
	struct runloop rl = {};
	struct metrics_out m;
	const char *pos[1];
	char sizes[64];
	int npos, mode, err;
	const struct rs_opt opts[] = {
		{ "iface", 'i', OPT_STR, &g.iface, 0, 0, NULL, "IFACE", "interface to use (required)" },
		{ "netns", 0, OPT_STR, &g.netns, 0, 0, NULL, "NAME", "run inside network namespace /run/netns/NAME" },
		{ "rx", 0, OPT_FLAG, &g.rx, 0, 0, NULL, NULL, "tx: also receive and verify packets coming back (with a fwd peer)" },
		GEN_OPT_ROWS(g),
		OPT_END
	};

	gen_opts_defaults(&g);
	err = opts_parse(opts, argc, argv, pos, 1, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	if (npos != 1 || (mode = !strcmp(pos[0], "tx") ? GEN_TX : !strcmp(pos[0], "rx") ? GEN_RX :
			  !strcmp(pos[0], "fwd") ? GEN_FWD : -1) < 0) {
		rs_err("give a mode: tx, rx or fwd (%s)", usage);
		return -EINVAL;
	}
	if (!g.iface) {
		rs_err("-i IFACE is required (%s)", usage);
		return -EINVAL;
	}
	rs_json = g.json;
	if ((err = gen_opts_to_cfg(&g, mode, &cfg)))
		return err;
	if (geteuid()) {
		rs_err("AF_XDP and XDP need root: run with sudo");
		return -EPERM;
	}
	/* Before the namespace: the listener stays where ringscope started. */
	if ((err = metrics_out_open(&m, &g.metrics, "gen")))
		goto out;
	if (g.netns && (err = netns_enter(g.netns))) {
		rs_err("cannot enter network namespace '%s': %s (see 'ip netns list')", g.netns, strerror(-err));
		goto out;
	}
	err = gen_session_open(&s, &cfg);
	if (err)
		goto out;
	/* A receiver takes any size that fits its frames, not only -s. */
	if (mode == GEN_TX)
		snprintf(sizes, sizeof(sizes), "%u B packets%s", cfg.pkt_size, cfg.tx_recv ? " out and back" : "");
	else
		snprintf(sizes, sizeof(sizes), "packets up to %u B", xsk_rx_room_bytes(cfg.port.frame_size));
	rs_note("%s on %s queues %s (%s, %s)%s%s", pos[0], g.iface, g.queues ? g.queues : "0",
		s.w[0].port.zerocopy ? "zero-copy" : "copy", sizes,
		s.pin_dir[0] ? ", maps pinned at " : "", s.pin_dir);
	rl.tx = mode == GEN_TX ? &s : NULL;
	rl.rx = mode == GEN_TX ? (cfg.tx_recv ? &s : NULL) : &s;
	rl.interval_s = g.interval;
	if (mode == GEN_RX && cfg.count)
		rl.rx_expected = cfg.count * s.nworkers;
	rl.metrics = &m;
	rl.scroll = g.scroll;
	err = runloop_run(&rl);
	gen_session_close(&s);
	if (!err)
		metrics_out_linger(&m);
out:
	metrics_out_close(&m);
	return err;
}
