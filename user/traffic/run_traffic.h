/* `run` and `demo`: traffic and tracing together, every traced figure also
 * per packet sent. */
#ifndef RS_RUN_TRAFFIC_H
#define RS_RUN_TRAFFIC_H

#include <stdbool.h>

struct gen_opts;
struct trace_opts;
/* g: traffic options (no -i: the private veth pair); peer: the receiving
 * interface with -i; t: the trace view, used when trace is set;
 * trace_final_only: the text view prints the trace table in the summary
 * only (demo). Returns 0 or -errno; everything it set up is torn down. */
int run_traffic(struct gen_opts *g, const char *peer, struct trace_opts *t, bool trace, bool trace_final_only);

#endif
