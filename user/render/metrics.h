/* Prometheus text 0.0.4 and OpenMetrics 1.0 exposition of the figures the
 * text and JSON renderers show, rendered from the same snapshots (gen
 * counters, trace snapshots). Counters are cumulative since the run started;
 * times are in seconds, sizes in bytes; histograms are classic ones whose
 * `le` bounds are the exact, inclusive upper edges of hist.h's buckets. */
#ifndef RS_METRICS_H
#define RS_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "gen.h"
#include "path_join.h"
#include "trace_path_zc.h"
#include "trace.h"

enum metrics_format {
	METRICS_PROM_004,	/* text/plain; version=0.0.4 */
	METRICS_OPENMETRICS,	/* application/openmetrics-text; version=1.0.0 */
};

extern const char *const metrics_content_type[2];

/* One gen session: its interface and which of its families apply. */
struct metrics_gen {
	const char *iface;
	bool has_tx, has_rx;
	struct gen_counters c;	/* cumulative, as gen_session_snapshot() fills it */
};

/* One row of `run --zerocopy` (run_zerocopy.c): a path's phase, once it ended. */
struct metrics_zc_run_row {
	const char *path;		/* af_xdp, msg_zerocopy_tcp, msg_zerocopy_udp */
	bool ran;			/* the phase ran and ended: its figures below are final */
	uint64_t sends, completions, copied;
	struct rs_hist user;		/* user space: submit -> completion seen, ns */
	bool kernel;			/* the kernel side was traced: */
	uint64_t k_completions;
	struct rs_hist k;		/* kernel: submit -> completion, ns */
};

struct metrics_view {
	const char *version, *git, *command;	/* ringscope_build_info labels */
	struct metrics_gen gen[2];
	int ngen;
	struct trace_session *ts;		/* NULL: no trace families */
	const struct trace_snapshot *snap;	/* cumulative, since attach */
	bool have_observer;
	uint64_t observer_ns;			/* run time of ts's BPF programs */
	const struct metrics_zc_run_row *zc_run;	/* run --zerocopy: its rows */
	int nzc_run;
	const struct path_def *path;		/* --path: NULL, no path families */
	struct path_results path_r;		/* its results so far, as path_join_results() gives them */
	struct hop_counters path_k;		/* its BPF programs' counters (trace_path_counters()) */
	uint64_t path_probe_missed;		/* probe hits its programs missed (trace_path_missed()) */
	/* msg-zerocopy, vhost-tx: their own counters (the JSON "ubufs" / "vhost"
	 * object), the rows zc_path_counter_rows() names; npath_zc 0: none. */
	const struct zc_counter_row *path_zc_rows;
	int npath_zc;
	struct mz_counters path_zc;
};

/* The whole exposition of v in fmt (OpenMetrics ends with "# EOF"). */
/* The format an Accept header asks for (metrics_accept.c); NULL: the text format. */
enum metrics_format metrics_negotiate(const char *accept);
void metrics_render(FILE *out, enum metrics_format fmt, const struct metrics_view *v);
/* ns as exact decimal seconds ("0.000001023", "0", "3"). */
void metrics_fmt_seconds(char *buf, size_t len, uint64_t ns);

#endif
