/* `--path NAME`: per-packet hop latency along a named data path (bpf/hop.bpf.c
 * on the raw tracepoint tier), its records joined with user space's own
 * stamps in a path_join. docs/hop-latency.md. */
#ifndef RS_TRACE_PATH_H
#define RS_TRACE_PATH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "path_join.h"
#include "probe.h"

struct path_session {
	const struct path_def *def;
	int tier;		/* enum tier of its function hops (TIER_TRACEPOINT: none) */
	bool raw_tp;		/* it loads raw tracepoint programs too */
	struct hop_bpf *skel;
	struct zc_path_session *mz;	/* the zero-copy paths' own object and links instead (trace_path_zc.c) */
	struct ring_buffer *rb;
	pthread_t thread;
	bool started;
	volatile bool stop;
	struct path_join join;
	bool finished;
	struct path_results shown;	/* the join's results at the last interval report */
};

/* Refuse a path name this build does not know, or samples without a path:
 * one error line and -EINVAL, nothing loaded. */
int trace_path_check(const char *name, uint64_t samples, bool json);
/* Load and attach the path's probes and start reading its records.
 * run: this process sends and receives (its skb allocs and wakeups are
 * stamped, its reaps are joined); window: packets per stream in flight at
 * most; tier: TIER_AUTO or the --tier a path with function hops must use.
 * One error line and -errno on failure, nothing left attached. */
int trace_path_open(struct path_session *ps, const char *name, bool run, uint32_t window, uint64_t samples,
		    int tier);
/* The tier a path with function hops uses (enum tier): forced (TIER_AUTO:
 * the best there is); one error line and -errno if it has none. */
int path_tier(const char *path, int forced, enum tier *tier);
/* Read the ring buffer map_fd into the join: ps->rb, handed to fn (ctx ps),
 * in a thread (ps->started). One error line and -errno. */
int trace_path_start_reader(struct path_session *ps, int map_fd, ring_buffer_sample_fn fn);
/* What stamps the path's kernel hops: "raw tracepoints", or fentry/kprobes too. */
const char *trace_path_probes(const struct path_session *ps);
/* Only frames of this sender epoch (run: its own sender). */
void trace_path_set_epoch(struct path_session *ps, uint16_t epoch);
/* Stop reading, take every record still in the kernel (and the packets still
 * in flight there), and finish the join. Idempotent. */
void trace_path_finish(struct path_session *ps);
void trace_path_close(struct path_session *ps);
/* The interval report's share: the packets the join accounted (finished:
 * completed, dropped, or in flight at the end) since the last call, or since
 * the start. Called once per interval; after trace_path_finish() the last
 * call leaves nothing out, so the intervals add up to the final exactly. */
void trace_path_interval(struct path_session *ps, struct path_results *iv);
/* The kernel side's counters, summed over CPUs. */
void trace_path_counters(struct path_session *ps, struct hop_counters *out);
/* Probe hits the kernel did not hand to the path's programs (link_missed()
 * over every attached program: a kprobe missed while another ran on its CPU,
 * a recursion miss). A missed destructor or free loses that packet's record:
 * this is the cause shown when a hop counts fewer packets than were sent. */
uint64_t trace_path_missed(struct path_session *ps);

#endif
