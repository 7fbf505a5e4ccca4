/* A load generator's run with `--trace` (zc-gen, vhost-gen): the kernel view
 * of `trace --zerocopy` taken around it where the kernel allows one, and its
 * final report with the generator's own figures first. */
#ifndef RS_ZC_TRACED_H
#define RS_ZC_TRACED_H

#include <stdbool.h>
#include <stdio.h>
#include "json.h"
#include "trace.h"

struct zc_traced {
	struct trace_session ts;
	struct trace_snapshot before, after;
	bool traced;		/* a session is open: the kernel figures are valid */
};

/* For commands whose kernel view is optional: open a session with only
 * --zerocopy, or say in one notice why there is none (*opened tells which).
 * Errors other than "no tier" are returned. */
int zc_session_open_optional(struct trace_session *s, bool *opened);

/* want: the user asked for --trace. Opens the session (or notes why not) and
 * takes the snapshot the run is measured from. */
int zc_traced_begin(struct zc_traced *z, bool want);
/* The snapshot after the run. */
void zc_traced_end(struct zc_traced *z);

/* The generator's own final figures, rendered by the caller's functions. */
struct zc_traced_final {
	void (*json_fields)(struct json_writer *w, const void *ctx);
	void (*print)(FILE *out, const void *ctx);
	const void *ctx;
	double duration_s;
};
/* The final report (one JSON object with --json, else text): the generator's
 * figures, then the kernel's over the same run. Closes the session. */
void zc_traced_finish(struct zc_traced *z, const struct zc_traced_final *f, bool report);

#endif
