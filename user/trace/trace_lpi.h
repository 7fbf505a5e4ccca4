/* `trace --lpi`: KVM arm64 LPI translation cache hits and injection latency
 * (lpi.bpf.c), as one more view of a trace session. */
#ifndef RS_TRACE_LPI_H
#define RS_TRACE_LPI_H

#include <stdio.h>
#include "bpf/ringscope.h"
#include "json.h"

struct trace_session;

int lpi_open(struct trace_session *s);
void lpi_close(struct trace_session *s);
struct bpf_map *lpi_stats_map(struct trace_session *s);
struct bpf_object *lpi_object(struct trace_session *s);
int lpi_snapshot(struct trace_session *s, struct lpi_stats *out);
/* cur - prev (prev may be NULL: since start), and the cache shape of the
 * last VM seen (kind and shards, read from the kernel). */
void lpi_print_text(FILE *out, struct trace_session *s, const struct lpi_stats *cur, const struct lpi_stats *prev,
		    double dt);
void lpi_json(struct json_writer *w, struct trace_session *s, const struct lpi_stats *cur,
	      const struct lpi_stats *prev, double dt);

#endif
