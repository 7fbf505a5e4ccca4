/* `run --path msg-zerocopy` and `run --path vhost-tx`: a lab generator's
 * zero-copy sends (zc-gen's MSG_ZEROCOPY over its private veth pair,
 * vhost-gen's frames through vhost-net into a tap), each followed from its
 * submit to the reap of its completion (trace_path_zc.h), with the
 * generator's own figures beside the hop table. */
#ifndef RS_RUN_ZC_PATH_H
#define RS_RUN_ZC_PATH_H

struct gen_opts;
struct trace_opts;
/* g: size, count, duration, interval, --json of `run`; proto IPPROTO_TCP or
 * IPPROTO_UDP (msg-zerocopy); t: --path, --path-samples, --hist, --tier.
 * Options this run cannot honour are refused before anything is set up.
 * 0 or -errno. */
int run_zc_path(struct gen_opts *g, int proto, struct trace_opts *t);

#endif
