#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "metrics_file.h"
#include "metrics_http.h"
#include "metrics_out.h"
#include "stop.h"
#include "version.h"

static void publish(struct metrics_out *m, bool to_file)
{
	char *text[2] = {};
	size_t len[2] = {};
	int err;

	if (!metrics_enabled(m))
		return;
	m->view.have_observer = m->view.ts && m->stats_fd >= 0;
	if (m->view.have_observer)
		m->view.observer_ns = trace_session_run_time_ns(m->view.ts);
	for (int fmt = 0; fmt < 2; fmt++) {
		FILE *f = open_memstream(&text[fmt], &len[fmt]);

		if (!f)
			goto out;
		metrics_render(f, fmt, &m->view);
		fclose(f);
	}
	if (m->http)
		metrics_http_set(m->http, text[0], len[0], text[1], len[1]);
	if (to_file && m->o.file && (err = metrics_file_write(m->o.file, text[0], len[0])))
		rs_note("--metrics-file %s: write failed (%s): keeping the previous one", m->o.file, strerror(-err));
out:
	free(text[0]);
	free(text[1]);
}

int metrics_out_open(struct metrics_out *m, const struct metrics_opts *o, const char *command)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->o = *o;
	m->stats_fd = -1;
	m->view.version = RS_VERSION;
	m->view.git = RS_GIT_DESCRIBE;
	m->view.command = command;
	if (o->linger_s > 0 && !o->listen) {
		/* It keeps the HTTP endpoint up; alone it was silently ignored. */
		rs_err("--metrics-linger keeps the --metrics endpoint serving after the run: add --metrics ADDR:PORT (or drop --metrics-linger)");
		return -EINVAL;
	}
	if (!metrics_enabled(m))
		return 0;
	if (o->file && !*o->file) {
		rs_err("--metrics-file needs a PATH");
		return -EINVAL;
	}
	if (o->file) {
		/* Checked here, written from the first publish on: a run refused
		 * later (unknown interface or function) leaves the file of the
		 * previous run as it was. */
		err = metrics_file_check(o->file);
		if (err == -EINVAL)
			rs_err("--metrics-file %s: it exists and is not a regular file (a device, FIFO, socket or symlink is never replaced): give the path of a regular file or a new one",
			       o->file);
		else if (err)
			rs_err("--metrics-file %s: cannot write it (%s, writing %s.tmp.PID in its directory and renaming it over the file): give a path in a writable directory",
			       o->file, strerror(-err), o->file);
		if (err)
			return err;
	}
	if (o->listen && !(m->http = metrics_http_open(o->listen)))
		return -errno;
	/* run_time_ns of our programs counts while this fd is open. */
	m->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	publish(m, false);	/* the endpoint answers from the start; the file waits */
	return 0;
}

void metrics_out_publish(struct metrics_out *m)
{
	publish(m, true);
}

void metrics_out_linger(struct metrics_out *m)
{
	if (!m->http || m->o.linger_s <= 0)
		return;
	stop_wait((uint64_t)(m->o.linger_s * 1e9), false);
}

void metrics_out_close(struct metrics_out *m)
{
	metrics_http_close(m->http);
	m->http = NULL;
	if (m->stats_fd >= 0)
		close(m->stats_fd);
	m->stats_fd = -1;
}
