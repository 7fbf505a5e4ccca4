/* `trace --zerocopy`: kernel-side submit -> completion latency of AF_XDP copy
 * mode, vhost-net TX zero copy and MSG_ZEROCOPY (zerocopy.bpf.c), as one more
 * view of a trace session. */
#ifndef RS_TRACE_ZC_H
#define RS_TRACE_ZC_H

#include <stdbool.h>
#include <stdio.h>
#include "bpf/ringscope.h"
#include "json.h"
#include "probe.h"

struct trace_session;

enum zc_path { ZC_PATH_XSK = 1, ZC_PATH_VHOST = 2, ZC_PATH_MSG = 4 };

/* Loads and attaches the paths this kernel has. On a kernel with neither
 * fentry nor kprobes it attaches nothing: a notice when the session has other
 * views, else one error line and -EOPNOTSUPP. */
int zc_open(struct trace_session *s);
void zc_close(struct trace_session *s);
struct bpf_map *zc_stats_map(struct trace_session *s);
struct bpf_object *zc_object(struct trace_session *s);
int zc_snapshot(struct trace_session *s, struct zc_stats *out);
/* One line: which kernel-side probes cannot attach with these caps, and why. */
void zc_unattached_msg(const struct kernel_caps *caps, char *buf, size_t len);

/* cur - prev (prev may be NULL: since start). */
void zc_print_text(FILE *out, const struct trace_session *s, const struct zc_stats *cur,
		   const struct zc_stats *prev, double dt, bool hist);
void zc_json(struct json_writer *w, const struct trace_session *s, const struct zc_stats *cur,
	     const struct zc_stats *prev, double dt);

#endif
