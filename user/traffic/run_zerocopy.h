/* `run --zerocopy`: AF_XDP and MSG_ZEROCOPY side by side on private veth
 * pairs, user-space submit -> completion latency of each, and the kernel side
 * (trace --zerocopy) when trace is set and the kernel allows it. */
#ifndef RS_RUN_ZEROCOPY_H
#define RS_RUN_ZEROCOPY_H

#include <stdbool.h>

struct gen_opts;
struct trace_opts;
/* g: the traffic options of `run` (size, duration/count, -i/--peer); t: its
 * trace options (others than --zerocopy contradict --no-trace). Renders one
 * row per path; returns 0 or -errno. */
int run_zerocopy(struct gen_opts *g, const char *peer, struct trace_opts *t, bool trace);

#endif
