/* `run --zerocopy`: AF_XDP and MSG_ZEROCOPY side by side, user-space submit ->
 * completion latency of each, and the kernel-side view (trace --zerocopy)
 * where the kernel allows one. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include "cpu_time.h"
#include "demo_net.h"
#include "gen_link.h"
#include "gen_opts.h"
#include "log.h"
#include "metrics_out.h"
#include "run_zerocopy.h"
#include "stop.h"
#include "trace.h"
#include "trace_zc.h"
#include "zc_gen.h"
struct zc_path_row {
	const char *path;
	bool ran;
	uint64_t sends;			/* submitted: packets (AF_XDP) or send() calls */
	uint64_t packets;		/* completed sends/packets, user space */
	uint64_t copied;		/* MSG_ZEROCOPY: completions the kernel copied after all */
	double pps, gbps, duration_s, cpu_busy_ns, cpu_self_ns;
	struct rs_hist user;		/* user-space submit -> completion seen */
	bool kernel;			/* kernel figures below are valid */
	uint64_t k_completions, k_copied;
	struct rs_hist k;		/* kernel-side submit -> completion */
	char note[160];
};

/* The AF_XDP phase: gen tx -> gen rx like `run`, without the runloop's output. */
static int xsk_phase(struct gen_opts *g, const char *peer, struct zc_path_row *row)
{
	struct gen_session tx = {}, rx = {};
	struct gen_counters c = {};
	struct gen_cfg tcfg, rcfg;
	struct demo_net net = {};
	sigset_t set;
	double busy0, self0;
	uint64_t start, tx_end = 0;
	int err;

	if ((err = gen_opts_to_cfg(g, GEN_TX, &tcfg)))
		return err;
	if (!g->iface) {
		if ((err = demo_net_create(&net, tcfg.pkt_size)))
			goto out;
		tcfg.ifname = net.if_tx;
		peer = net.if_rx;
	}
	tcfg.pin = false;
	rcfg = tcfg;
	rcfg.mode = GEN_RX;
	rcfg.ifname = peer;
	rcfg.count = 0;
	rcfg.duration = 0;
	if (peer && ((err = net.created ? demo_net_enter(&net, net.ns_rx) : 0) || (err = gen_session_open(&rx, &rcfg))))
		goto out;
	if ((err = net.created ? demo_net_enter(&net, net.ns_tx) : 0) || (err = gen_session_open(&tx, &tcfg)))
		goto out;
	if (net.created)
		demo_net_home(&net);
	snprintf(row->note, sizeof(row->note), "%s -> %s, %s mode", tcfg.ifname, peer ? peer : "(no receiver)",
		 tx.w[0].port.zerocopy ? "zero-copy" : "copy");
	busy0 = cpu_busy_seconds(NULL);
	self0 = cpu_self_seconds();
	if (peer)
		gen_session_expect(&rx, &tx);	/* its sender: another epoch or stream is foreign */
	if ((peer && (err = gen_session_start(&rx))) || (err = gen_session_start(&tx)))
		goto out;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	start = now_ns();
	for (;;) {
		struct timespec t = { 0, 20000000 };
		siginfo_t si;

		if (sigtimedwait(&set, &si, &t) > 0) {
			rs_note("stopping on signal %d", si.si_signo);
			break;
		}
		if (!gen_session_done(&tx))
			continue;
		if (!peer)
			break;
		if (!tx_end)
			tx_end = now_ns();
		memset(&c, 0, sizeof(c));
		gen_session_snapshot(&tx, &c);
		gen_session_snapshot(&rx, &c);
		if (c.rx_unique + c.rx_too_late >= c.tx_completed || now_ns() - tx_end > 1000000000ull)
			break;
	}
	gen_session_stop(&tx);
	if (peer)
		gen_session_stop(&rx);
	memset(&c, 0, sizeof(c));
	gen_session_snapshot(&tx, &c);
	row->ran = true;
	row->duration_s = (now_ns() - start) / 1e9;
	row->sends = c.tx_submitted;
	row->packets = c.tx_completed;
	row->user = c.compl_lat;
	row->pps = row->duration_s > 0 ? c.tx_completed / row->duration_s : 0;
	row->gbps = row->duration_s > 0 ? c.tx_completed * tcfg.pkt_size * 8 / row->duration_s / 1e9 : 0;
	if (c.tx_completed) {
		row->cpu_busy_ns = (cpu_busy_seconds(NULL) - busy0) * 1e9 / c.tx_completed;
		row->cpu_self_ns = (cpu_self_seconds() - self0) * 1e9 / c.tx_completed;
	}
out:
	gen_session_close(&tx);
	gen_session_close(&rx);
	demo_net_destroy(&net);
	return err;
}

static void kernel_row(struct zc_path_row *row, struct trace_session *ts, const struct zc_stats *a,
		       const struct zc_stats *b, enum zc_path path)
{
	struct rs_hist h = {}, old = {};

	if (!ts->zc || !(ts->zc_paths & path))
		return;
	row->kernel = true;
	if (path == ZC_PATH_XSK) {
		row->k_completions = a->xsk_completions - b->xsk_completions;
		hist_merge_bpf(&h, &a->xsk_hist);
		hist_merge_bpf(&old, &b->xsk_hist);
	} else {
		row->k_completions = a->msg_completed - b->msg_completed;
		row->k_copied = a->msg_copied - b->msg_copied;
		hist_merge_bpf(&h, &a->msg_hist);
		hist_merge_bpf(&h, &a->msg_copied_hist);
		hist_merge_bpf(&old, &b->msg_hist);
		hist_merge_bpf(&old, &b->msg_copied_hist);
	}
	hist_delta(&row->k, &h, &old);
}

/* The rows so far to --metrics / --metrics-file (out: n rows the view points
 * to until the next publish): each path's once its phase ended. */
static void publish(struct metrics_out *m, struct metrics_zc_run_row *out, const struct zc_path_row *rows, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (struct metrics_zc_run_row){
			.path = rows[i].path, .ran = rows[i].ran, .sends = rows[i].sends, .completions = rows[i].packets,
			.copied = rows[i].copied, .user = rows[i].user, .kernel = rows[i].kernel,
			.k_completions = rows[i].k_completions, .k = rows[i].k,
		};
	m->view.zc_run = out;
	m->view.nzc_run = n;
	metrics_out_publish(m);
}

static void print_rows(const struct zc_path_row *rows, int n, const struct trace_session *ts, bool traced,
		       const char *why)
{
	printf("\n--- zero-copy completion latency, side by side ---\n");
	printf("%-22s %10s %10s %9s | %-31s | %-31s %s\n", "PATH", "PACKETS", "PPS", "CPU/PKT",
	       "USER SUBMIT->COMPLETION p50/p99", "KERNEL SUBMIT->COMPLETION p50/p99", "KERNEL COUNT");
	for (int i = 0; i < n; i++) {
		const struct zc_path_row *r = &rows[i];
		char u[40], k[40], kc[48];

		if (!r->ran) {
			printf("%-22s skipped: %s\n", r->path, r->note);
			continue;
		}
		snprintf(u, sizeof(u), "%.0f / %.0f ns", hist_percentile(&r->user, 50), hist_percentile(&r->user, 99));
		if (r->kernel) {
			snprintf(k, sizeof(k), "%.0f / %.0f ns", hist_percentile(&r->k, 50), hist_percentile(&r->k, 99));
			snprintf(kc, sizeof(kc), "%llu (copied %llu)", (unsigned long long)r->k_completions,
				 (unsigned long long)r->k_copied);
		} else {
			snprintf(k, sizeof(k), "not attached");
			snprintf(kc, sizeof(kc), "-");
		}
		printf("%-22s %10llu %10.0f %7.0fns | %-31s | %-31s %s\n", r->path, (unsigned long long)r->packets,
		       r->pps, r->cpu_busy_ns, u, k, kc);
	}
	if (traced ? ts->zc_note[0] != 0 : why[0] != 0)
		printf("(%s)\n", traced ? ts->zc_note : why);
}

static void json_rows(const struct zc_path_row *rows, int n, const struct trace_session *ts, bool traced,
		      const char *why)
{
	struct json_writer w;

	json_init(&w, stdout);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "final");
	json_kv_bool(&w, "interrupted", stop_interrupted());
	json_kv_str(&w, "tier", traced ? tier_names[ts->tier] : strstr(why, "--no-trace") ? "none" : "tracepoint");
	if (traced ? ts->zc_note[0] != 0 : why[0] != 0)
		json_kv_str(&w, "kernel_note", traced ? ts->zc_note : why);
	json_key(&w, "paths");
	json_arr_begin(&w);
	for (int i = 0; i < n; i++) {
		const struct zc_path_row *r = &rows[i];

		json_obj_begin(&w);
		json_kv_str(&w, "path", r->path);
		json_kv_bool(&w, "ran", r->ran);
		json_kv_str(&w, "note", r->note);
		if (r->ran) {
			json_kv_u64(&w, "sends", r->sends);
			json_kv_u64(&w, "packets", r->packets);
			json_kv_u64(&w, "copied", r->copied);
			json_kv_double(&w, "pps", r->pps);
			json_kv_double(&w, "gbps", r->gbps);
			json_kv_double(&w, "duration_s", r->duration_s);
			json_kv_double(&w, "cpu_busy_ns_per_pkt", r->cpu_busy_ns);
			json_kv_double(&w, "cpu_self_ns_per_pkt", r->cpu_self_ns);
			json_kv_u64(&w, "user_compl_lat_ns_samples", hist_count(&r->user));
			json_kv_double(&w, "user_compl_lat_ns_p50", hist_percentile(&r->user, 50));
			json_kv_double(&w, "user_compl_lat_ns_p90", hist_percentile(&r->user, 90));
			json_kv_double(&w, "user_compl_lat_ns_p99", hist_percentile(&r->user, 99));
			json_kv_bool(&w, "kernel_attached", r->kernel);
			if (r->kernel) {
				json_kv_u64(&w, "kernel_completions", r->k_completions);
				json_kv_u64(&w, "kernel_copied", r->k_copied);
				json_kv_double(&w, "kernel_compl_lat_ns_p50", hist_percentile(&r->k, 50));
				json_kv_double(&w, "kernel_compl_lat_ns_p90", hist_percentile(&r->k, 90));
				json_kv_double(&w, "kernel_compl_lat_ns_p99", hist_percentile(&r->k, 99));
			}
		}
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_obj_end(&w);
	json_finish_line(&w);
}

int run_zerocopy(struct gen_opts *g, const char *peer, struct trace_opts *t, bool trace)
{
	struct zc_path_row rows[3] = { { .path = "af_xdp" }, { .path = "msg_zerocopy_tcp" }, { .path = "msg_zerocopy_udp" } };
	struct trace_session ts = {};
	struct trace_snapshot s0 = {}, s1 = {};
	struct kernel_caps caps;
	struct metrics_out m;
	struct metrics_zc_run_row mrows[3];
	bool traced = false, others = t->funcs || t->preset || t->tps || t->kmalloc || t->lpi;
	char why[640] = "";
	int err = 0;

	rs_json = g->json;
	if (geteuid()) {
		rs_err("AF_XDP, namespaces and tracing need root: run with sudo");
		return -EPERM;
	}
	if (!trace && others) {
		rs_err("--no-trace contradicts the trace options given: drop one");
		return -EINVAL;
	}
	if ((err = metrics_out_open(&m, &g->metrics, "run")))
		goto out;
	/* The kernel view is optional here: user-space latencies still mean something. */
	if (!trace) {
		snprintf(why, sizeof(why), "kernel side not traced (--no-trace)");
	} else if (!others && probe_best_tier(&caps) == TIER_TRACEPOINT) {
		zc_unattached_msg(&caps, why, sizeof(why));
		rs_note("%s", why);
	} else if ((err = trace_session_open(&ts, t, !g->no_pin))) {
		goto out;
	} else {
		traced = true;
		rs_note("%s", ts.header);
	}
	for (int i = 0; i < 3 && !err; i++) {
		struct zc_path_row *r = &rows[i];

		if (traced)
			trace_snapshot(&ts, &s0);
		if (i == 0) {
			/* The receiving socket decides: 256 B of each frame are XDP headroom. */
			if (g->size > xsk_rx_room_bytes(g->frame_size)) {
				snprintf(r->note, sizeof(r->note), "%u B does not fit: a %u B UMEM frame receives at most %u B%s",
					 g->size, g->frame_size, xsk_rx_room_bytes(g->frame_size),
					 g->frame_size < 4096 ? " (--frame-size 4096 for up to 3840 B)" : "");
			} else {
				if (!rs_json)
					printf("AF_XDP: %u B packets for %.1f s ...\n", g->size, g->duration);
				err = xsk_phase(g, peer, r);
			}
		} else {
			struct zc_cfg cfg = { .proto = i == 1 ? IPPROTO_TCP : IPPROTO_UDP, .zerocopy = true,
					      .size = g->size, .duration = g->duration, .count = g->count,
					      .inflight = 256, .mtu = 1500, .port = 7707 };
			struct zc_result res;

			if (cfg.proto == IPPROTO_UDP && cfg.size > 65507) {
				snprintf(r->note, sizeof(r->note), "a UDP datagram carries at most 65507 B");
			} else {
				if (!rs_json)
					printf("MSG_ZEROCOPY %s: %u B sends for %.1f s ...\n", zc_proto_name(&cfg), cfg.size,
					       g->duration);
				err = zc_gen_run(&cfg, &res, NULL, NULL);
				if (!err) {
					r->ran = true;
					r->sends = res.c.sends;
					r->packets = res.c.completions;
					r->copied = res.c.copied;
					r->duration_s = res.duration_s;
					r->pps = res.duration_s > 0 ? res.c.sends / res.duration_s : 0;
					r->gbps = res.duration_s > 0 ? res.c.bytes * 8 / res.duration_s / 1e9 : 0;
					r->cpu_busy_ns = res.c.sends ? res.cpu.busy_s * 1e9 / res.c.sends : 0;
					r->cpu_self_ns = res.c.sends ? res.cpu.self_s * 1e9 / res.c.sends : 0;
					r->user = res.c.lat;
					snprintf(r->note, sizeof(r->note), "%llu sends, %llu completions, copied %llu, veth rst-zc-a -> rst-zc-b",
						 (unsigned long long)res.c.sends, (unsigned long long)res.c.completions,
						 (unsigned long long)res.c.copied);
				}
			}
		}
		if (traced && r->ran) {
			trace_snapshot(&ts, &s1);
			kernel_row(r, &ts, &s1.zc, &s0.zc, i == 0 ? ZC_PATH_XSK : ZC_PATH_MSG);
			trace_snapshot_free(&s1);
		}
		trace_snapshot_free(&s0);
		if (!err)
			publish(&m, mrows, rows, 3);
	}
	if (!err) {
		if (rs_json)
			json_rows(rows, 3, &ts, traced, why);
		else
			print_rows(rows, 3, &ts, traced, why);
	}
	if (traced)
		trace_session_close(&ts);
	if (!err)
		metrics_out_linger(&m);	/* everything BPF is detached */
out:
	metrics_out_close(&m);
	return err;
}
