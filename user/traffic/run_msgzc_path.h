/* `run --path msg-zerocopy`: zc-gen's MSG_ZEROCOPY sends over its private
 * veth pair, each followed from send() to the reap of its notification
 * (trace_path_msgzc.h), with zc-gen's own figures beside the hop table. */
#ifndef RS_RUN_MSGZC_PATH_H
#define RS_RUN_MSGZC_PATH_H

struct gen_opts;
struct trace_opts;
/* g: size, count, duration, interval, --json of `run`; proto IPPROTO_TCP or
 * IPPROTO_UDP; t: --path-samples, --hist, --tier. Options this run cannot
 * honour are refused before anything is set up. 0 or -errno. */
int run_msgzc_path(struct gen_opts *g, int proto, struct trace_opts *t);

#endif
