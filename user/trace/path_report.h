/* The hop table of `--path`: text, the JSON "path" object, and the
 * per-packet "path_sample" NDJSON lines (one renderer each, one data path). */
#ifndef RS_PATH_REPORT_H
#define RS_PATH_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "json.h"
#include "metrics.h"
#include "trace_path.h"

/* with_hist: each hop's histogram too. */
void path_print_text(FILE *out, struct path_session *ps, bool with_hist);
void path_json_fields(struct json_writer *w, struct path_session *ps);
/* An interval's share (trace_path_interval()): the same per-hop rows as the
 * final, as a compact text block or the same "path" object (without the
 * kernel side's counters, which are the final's). */
void path_print_interval(FILE *out, struct path_session *ps, const struct path_results *iv);
void path_json_interval(struct json_writer *w, struct path_session *ps, const struct path_results *iv);
/* One {"type":"path_sample",...} line per kept packet. */
void path_print_samples(FILE *out, struct path_session *ps);

/* The path's results so far into a metrics view (its path families), the
 * same snapshot the text and JSON renderers take. */
void path_metrics_view(struct metrics_view *v, struct path_session *ps);

#endif
