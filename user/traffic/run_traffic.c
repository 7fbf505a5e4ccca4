/* The engine of `run` and `demo`: gen tx and gen rx on a veth pair (the
 * private one of demo_net.c, or -i/--peer), with the trace view of the same
 * intervals per packet sent, the --path hop table, and the metrics. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "demo_net.h"
#include "gen_link.h"
#include "gen_opts.h"
#include "log.h"
#include "metrics_out.h"
#include "netns.h"
#include "path_report.h"
#include "run_traffic.h"
#include "runloop.h"
#include "trace.h"

struct run_ctx {
	struct trace_session *ts;
	bool final_only;	/* text: the trace table in the summary only */
	struct trace_snapshot prev;	/* the last interval's; counts are since attach */
	bool have_prev;
	uint64_t start_ns, last_ns;
	struct path_session *ps;	/* --path: its share of each interval, its hop table in the final */
	bool path_hist;
	struct metrics_out *metrics;	/* publishes prev, the latest snapshot, with the traffic */
};

/* The trace view of the same interval, per packet sent. */
static void trace_extra(struct runloop *rl, struct json_writer *w, const struct gen_figures *f, bool final)
{
	struct run_ctx *c = rl->ctx;
	struct trace_snapshot cur;
	uint64_t now = now_ns();
	/* f holds this interval's counts (the whole run's when final): the
	 * packets the trace counts of the same stretch are divided by. */
	uint64_t packets = f->packets_tx;
	double dt = final ? (now - c->start_ns) / 1e9 : (now - c->last_ns) / 1e9;

	if (!w && !final && c->final_only && !metrics_enabled(c->metrics))
		return;
	/* Where intervals were shown, the final is the snapshot of the last one
	 * (runloop always renders the last stretch when there is a trace view):
	 * the interval deltas then add up to the final exactly. */
	if (final && c->have_prev && (w || !c->final_only)) {
		if (w)
			trace_json_fields(w, c->ts, &c->prev, NULL, dt, packets);
		else
			trace_print_text(rl->out, c->ts, &c->prev, NULL, dt, packets, final);
		return;
	}
	if (trace_snapshot(c->ts, &cur))
		return;
	/* The first interval counts from the attach (no previous snapshot), so
	 * the intervals add up to the counts since attach, which the final shows. */
	if (w)
		trace_json_fields(w, c->ts, &cur, final || !c->have_prev ? NULL : &c->prev, dt, packets);
	else if (final || !c->final_only)	/* final_only here: taken for the metrics alone */
		trace_print_text(rl->out, c->ts, &cur, final || !c->have_prev ? NULL : &c->prev, dt, packets, final);
	if (c->have_prev)
		trace_snapshot_free(&c->prev);
	c->prev = cur;
	c->have_prev = true;
	c->last_ns = now;
	if (c->metrics) {
		c->metrics->view.ts = c->ts;
		c->metrics->view.snap = &c->prev;
	}
}

/* runloop extra: the trace view, and the --path hop table: each interval
 * its share, the packets the join finished in it; once the traffic stopped
 * (every stamp of user space is in) the path is finished before the last
 * interval, so the interval shares add up to the final table exactly. */
static void run_extra(struct runloop *rl, struct json_writer *w, const struct gen_figures *f, bool final)
{
	struct run_ctx *c = rl->ctx;
	struct path_results iv;

	if (c->ts)
		trace_extra(rl, w, f, final);
	if (!c->ps)
		return;
	if (rl->stopped)
		trace_path_finish(c->ps);
	if (metrics_enabled(c->metrics))	/* runloop publishes it after this */
		path_metrics_view(&c->metrics->view, c->ps);
	if (final) {
		if (w)
			path_json_fields(w, c->ps);
		else
			path_print_text(stdout, c->ps, c->path_hist);
		return;
	}
	if (!w && c->final_only)	/* demo's text: the table in the summary only */
		return;
	trace_path_interval(c->ps, &iv);
	if (w)
		path_json_interval(w, c->ps, &iv);
	else
		path_print_interval(rl->out, c->ps, &iv);
}

int run_traffic(struct gen_opts *g, const char *peer, struct trace_opts *t, bool trace, bool trace_final_only)
{
	struct gen_session tx = {}, rx = {};
	struct trace_session ts = {};
	struct gen_cfg tcfg, rcfg;
	struct demo_net net = {};
	struct runloop rl = {};
	struct run_ctx ctx = {};
	struct path_session ps = {};
	bool views = trace && trace_opts_has_views(t);
	struct metrics_out m;
	int err;

	rs_json = g->json;
	if ((err = gen_opts_to_cfg(g, GEN_TX, &tcfg)))
		return err;
	if (geteuid()) {
		rs_err("AF_XDP, XDP and tracing need root: run with sudo");
		return -EPERM;
	}
	if (peer && !strcmp(peer, tcfg.ifname)) {
		rs_err("--peer must differ from -i (use gen tx --rx for one interface)");
		return -EINVAL;
	}
	if (g->iface) {
		/* Both interfaces checked before either is touched (or tracing
		 * attached): a bad -i is the only line, with no receiver set up. */
		rcfg = tcfg;
		rcfg.mode = GEN_RX;
		rcfg.ifname = peer;
		if ((err = gen_session_check(&tcfg)) || (peer && (err = gen_session_check(&rcfg))) ||
		    (peer && (err = gen_link_peer_check(tcfg.ifname, peer))))
			return err;
	}
	if ((err = metrics_out_open(&m, &g->metrics, trace_final_only ? "demo" : "run")))
		goto cleanup;
	if (views && (err = trace_session_open(&ts, t, !g->no_pin)))
		goto cleanup;
	/* Packets of one stream that may be open at once: a descheduled
	 * receiver's ring can hold packets sent long before (~130 ms at
	 * 500 kpps for 64 Ki), so at least 64 Ki, and the sender's frames and
	 * the rings twice over. */
	if (trace && t->path &&
	    (err = trace_path_open(&ps, t->path, true, 2 * (tcfg.port.nframes + 8 * tcfg.port.ring_size) + (1u << 16),
				   t->path_samples, t->tier)))
		goto cleanup;
	if (ps.def)
		tcfg.path = &ps.join;
	if (!g->iface) {
		if ((err = demo_net_create(&net, tcfg.pkt_size)))
			goto cleanup;
		tcfg.ifname = net.if_tx;
		peer = net.if_rx;
	}
	rcfg = tcfg;
	rcfg.mode = GEN_RX;
	rcfg.ifname = peer;
	rcfg.count = 0;
	rcfg.duration = 0;	/* the receiver runs until the sender is done */
	if (net.created && rcfg.port.ring_size < 4096) {
		/* On the embedded pair the sender runs flat out when the rate is
		 * out of reach, and a receiver on a busy 2-core machine is
		 * descheduled for longer than a 2048-entry fill ring lasts at
		 * ~0.4 Mpps (12 % lost at load 8): 4x the rings, 4x the buffering. */
		rcfg.port.ring_size *= 4;
		if (rcfg.port.nframes < 2 * rcfg.port.ring_size)
			rcfg.port.nframes = 2 * rcfg.port.ring_size;
	}
	if (peer && (err = net.created ? demo_net_enter(&net, net.ns_rx) : 0))
		goto cleanup;
	if (peer && (err = gen_session_open(&rx, &rcfg)))
		goto cleanup;
	if (net.created && (err = demo_net_enter(&net, net.ns_tx)))
		goto cleanup;
	if ((err = gen_session_open(&tx, &tcfg)))
		goto cleanup;
	trace_path_set_epoch(&ps, tx.epoch);
	if (net.created)
		demo_net_home(&net);
	char length[32] = "until stopped";

	if (g->duration > 0)
		snprintf(length, sizeof(length), "%g s", g->duration);
	if (net.created)
		rs_note("%s (netns %s) -> %s (netns %s), %u B packets, %s, %s%s%s%s%s",
			net.if_tx, net.ns_tx, net.if_rx, net.ns_rx, tcfg.pkt_size,
			g->rate ? "rate-limited" : "unlimited rate", length,
			rx.pin_dir[0] ? ", receiver maps pinned at " : "", rx.pin_dir,
			views ? "; " : "", views ? ts.header : "");
	else
		rs_note("%s -> %s, %u B packets%s%s", tcfg.ifname, peer ? peer : "(no receiver)", tcfg.pkt_size,
			views ? "; " : "", views ? ts.header : "");
	if (ps.def)
		rs_note("hop latency along %s: %s, every packet (docs/hop-latency.md)", ps.def->name,
			trace_path_probes(&ps));
	rl.tx = &tx;
	rl.rx = peer ? &rx : NULL;
	rl.interval_s = g->interval;
	rl.metrics = &m;
	rl.scroll = g->scroll;
	if (trace) {
		ctx.ts = views ? &ts : NULL;
		ctx.ps = ps.def ? &ps : NULL;
		ctx.path_hist = t->hist;
		ctx.final_only = trace_final_only;
		ctx.start_ns = ctx.last_ns = now_ns();
		ctx.metrics = &m;
		rl.extra = run_extra;
		rl.ctx = &ctx;
	}
	err = runloop_run(&rl);
	if (ps.def && g->json && t->path_samples)
		path_print_samples(stdout, &ps);
cleanup:
	gen_session_close(&tx);
	gen_session_close(&rx);
	demo_net_destroy(&net);
	if (ctx.have_prev)
		trace_snapshot_free(&ctx.prev);
	m.view.ts = NULL;	/* the published texts stay served, the session goes */
	trace_session_close(&ts);
	trace_path_close(&ps);
	if (!err)
		metrics_out_linger(&m);
	metrics_out_close(&m);
	return err;
}
