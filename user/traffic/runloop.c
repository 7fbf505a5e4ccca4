#include <errno.h>
#include <string.h>
#include <time.h>
#include "runloop.h"
#include "log.h"
#include "stop.h"

#define RX_GRACE_NS 1000000000ull	/* after TX ends, how long RX may still wait */

static bool has_rx(struct runloop *rl);

/* The sessions' counters summed into c; with metrics, each session's own as
 * well (the same snapshot: what is published is what is printed). */
static void snapshot(struct runloop *rl, struct gen_counters *c)
{
	struct gen_session *s[2] = { rl->tx, rl->rx != rl->tx ? rl->rx : NULL };
	struct metrics_view *v = rl->metrics ? &rl->metrics->view : NULL;

	memset(c, 0, sizeof(*c));
	if (v)
		v->ngen = 0;
	for (int i = 0; i < 2; i++) {
		struct gen_counters one = {};

		if (!s[i])
			continue;
		gen_session_snapshot(s[i], &one);
		gen_counters_add(c, &one);
		if (!v)
			continue;
		v->gen[v->ngen].iface = s[i]->cfg.ifname;
		v->gen[v->ngen].has_tx = s[i] == rl->tx;
		v->gen[v->ngen].has_rx = s[i] == rl->tx ? rl->tx->cfg.tx_recv : true;
		v->gen[v->ngen++].c = one;
	}
}

static bool has_rx(struct runloop *rl)
{
	return rl->rx || (rl->tx && rl->tx->cfg.tx_recv);
}

static void render(struct runloop *rl, const struct gen_counters *cur, const struct gen_counters *prev,
		   double t_s, double dt_s, bool final)
{
	struct gen_figures f;
	uint64_t expected = rl->rx_expected;

	if (final && rl->tx && has_rx(rl))
		expected = cur->tx_completed;
	gen_figures(&f, cur, prev, t_s, dt_s, rl->tx != NULL, has_rx(rl), final ? expected : 0);
	/* rx-only -n on one queue: N - distinct received can hide a gap it saw
	 * (packets beyond the sender's N, or of another stream, filled the count):
	 * lost is at least the gaps. Not with several queues, where a stream's
	 * packets may be spread over workers and each sees holes that are not. */
	if (final && !rl->tx && rl->rx_expected && rl->rx && rl->rx->nworkers == 1 && f.lost < cur->rx_gaps)
		f.lost = cur->rx_gaps;
	f.has_fwd = rl->rx && rl->rx->cfg.mode == GEN_FWD;
	if (rs_json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_obj_begin(&w);
		json_kv_str(&w, "type", final ? "final" : "interval");
		gen_json_fields(&w, &f, final);
		if (final)
			json_kv_bool(&w, "interrupted", rl->interrupted);
		if (rl->extra)
			rl->extra(rl, &w, &f, final);
		json_obj_end(&w);
		json_finish_line(&w);
	} else {
		rl->out = final ? stdout : live_frame_begin(&rl->live);
		if (final)
			gen_print_text_final(rl->out, &f);
		else
			gen_print_text_interval(rl->out, &f);
		if (rl->extra)
			rl->extra(rl, NULL, &f, final);
		if (!final)
			live_frame_end(&rl->live);
	}
	/* Cumulative counters: the last interval's snapshot is also the final's. */
	if (!final)
		metrics_out_publish(rl->metrics);
}

int runloop_run(struct runloop *rl)
{
	struct gen_counters prev = {}, cur;
	uint64_t start = now_ns(), last = start, next = start, tx_end = 0, end, measured, begin;
	uint64_t step = (uint64_t)(rl->interval_s * 1e9);
	/* A run with its own end (-n/-d, or a receiver counting to -n) is cut
	 * short by a signal; an unbounded one is ended by it, normally. */
	bool bounded = rl->rx_expected || (rl->tx && (rl->tx->cfg.count || rl->tx->cfg.duration > 0)) ||
		       (rl->rx && (rl->rx->cfg.count || rl->rx->cfg.duration > 0));
	int err;

	live_init(&rl->live, rl->scroll);
	rl->out = stdout;
	/* The receiver of run and demo knows its sender: another epoch is foreign. */
	if (rl->rx && rl->tx && rl->rx != rl->tx)
		gen_session_expect(rl->rx, rl->tx);
	if (rl->rx && rl->rx != rl->tx && (err = gen_session_start(rl->rx)))
		return err;
	if (rl->tx && (err = gen_session_start(rl->tx)))
		return err;
	for (;;) {
		uint64_t now = now_ns(), wait;

		if (now >= next + step) {
			next += step * ((now - next) / step);
			snapshot(rl, &cur);
			render(rl, &cur, &prev, (now - start) / 1e9, (now - last) / 1e9, false);
			prev = cur;
			last = now;
		}
		if (rl->tx && gen_session_done(rl->tx)) {
			if (!rl->rx || rl->rx == rl->tx)
				break;
			/* TX finished: RX stops once it has everything, or after a grace period. */
			if (!tx_end)
				tx_end = now;
			snapshot(rl, &cur);
			if (cur.rx_unique + cur.rx_too_late >= cur.tx_completed || now - tx_end > RX_GRACE_NS)
				break;
		} else if (!rl->tx && rl->rx && gen_session_done(rl->rx)) {
			break;
		}
		wait = next + step > now ? next + step - now : 0;
		if (wait > 20000000)
			wait = 20000000;	/* poll the workers' state every 20 ms */
		if (stop_wait(wait, bounded)) {
			rl->interrupted = true;
			break;
		}
	}
	if (rl->tx)
		gen_session_stop(rl->tx);
	if (rl->rx && rl->rx != rl->tx)
		gen_session_stop(rl->rx);
	rl->stopped = true;
	snapshot(rl, &cur);
	end = now_ns();
	/* The last, partial interval, so that the intervals add up to the final
	 * (always with a trace view: its counts move even when the packets do not). */
	if (rl->extra || rl->metrics || memcmp(&cur, &prev, sizeof(cur)))
		render(rl, &cur, &prev, (end - start) / 1e9, (end - last) / 1e9, false);
	/* Rates over the measured interval: from the first send (or receive), not
	 * the building of the UMEM frames before it, until the sender stopped
	 * sending (or the receiver receiving), not the drain or the grace after it. */
	measured = gen_session_end_ns(rl->tx ? rl->tx : rl->rx);
	if (!measured || measured > end)
		measured = end;
	begin = gen_session_begin_ns(rl->tx ? rl->tx : rl->rx);
	if (!begin || begin < start || begin > measured)
		begin = start;
	render(rl, &cur, NULL, (end - start) / 1e9, (measured - begin) / 1e9, true);
	for (int i = 0; i < 2; i++) {
		struct gen_session *s = i ? rl->rx : rl->tx;
		int lerr = s ? gen_session_link_error(s) : 0;

		if (lerr) {
			rs_err("%s went %s during the run (%s): the counts above end there; check 'ip link'",
			       s->cfg.ifname, lerr == ENETDOWN ? "down" : "away", strerror(lerr));
			return -lerr;
		}
	}
	return 0;
}
