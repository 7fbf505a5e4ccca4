/* Where a long-running command's metrics go: --metrics ADDR:PORT (HTTP),
 * --metrics-file PATH, or both. A command opens it before any side effect
 * (and before entering a --netns), publishes its view each interval and at
 * the end, lingers if asked, and closes it last. */
#ifndef RS_METRICS_OUT_H
#define RS_METRICS_OUT_H

#include <stdbool.h>
#include "metrics.h"

struct metrics_opts {
	const char *listen;	/* --metrics ADDR:PORT */
	const char *file;	/* --metrics-file PATH */
	double linger_s;	/* --metrics-linger: keep serving the final values */
};

struct metrics_out {
	struct metrics_opts o;
	struct metrics_http *http;
	int stats_fd;			/* BPF_ENABLE_STATS(RUN_TIME) held while open */
	struct metrics_view view;	/* filled by the command, rendered by publish */
};

static inline bool metrics_enabled(const struct metrics_out *m)
{
	return m && (m->o.listen || m->o.file);
}

/* Bind the listener and write a first file (the build info), so a bad address,
 * a port in use or an unwritable file is the one error line before anything
 * is attached. 0 (also when neither option was given) or -errno. */
int metrics_out_open(struct metrics_out *m, const struct metrics_opts *o, const char *command);
/* Render m->view in both formats; serve them and write the file. */
void metrics_out_publish(struct metrics_out *m);
/* After the final publish: keep serving for --metrics-linger seconds, or until
 * a stop signal. */
void metrics_out_linger(struct metrics_out *m);
void metrics_out_close(struct metrics_out *m);

#define METRICS_HELP_HTTP "serve Prometheus /metrics on ADDR:PORT (text 0.0.4; OpenMetrics 1.0 when the scraper asks); not in static builds: use --metrics-file"
#define METRICS_OPT_ROWS(m) \
	{ "metrics", 0, OPT_STR, &(m).listen, 0, 0, NULL, "ADDR:PORT", METRICS_HELP_HTTP }, \
	{ "metrics-file", 0, OPT_STR, &(m).file, 0, 0, NULL, "PATH", "write the Prometheus text to PATH each interval (atomically: temp file + rename)" }, \
	{ "metrics-linger", 0, OPT_DOUBLE, &(m).linger_s, 0, 3600, NULL, "SECONDS", "after the run, keep serving its final values this long (a scraper's last look)" }

#endif
