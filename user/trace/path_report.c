/* Rendering the hop table of `--path` (path_report.h). */
#include <inttypes.h>
#include <string.h>
#include "path_report.h"
#include "trace_path_zc.h"

static void fmt_ns(char *buf, size_t len, double ns)
{
	if (ns >= 1e9)
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else
		snprintf(buf, len, "%.0fns", ns);
}

static const char *hop_name(const struct path_def *d, int h)
{
	return h == PH_NONE ? "-" : d->hop[h].name;
}

/* The hop a row's latency runs from: its own `from`, or where no packet was
 * seen there, the nearest one before it that was (what path_join measured). */
static int shown_from(const struct path_def *d, const struct path_results *r, int h)
{
	int f = d->hop[h].from;

	while (f != PH_NONE && !r->count[f])
		f = d->hop[f].from;
	return f;
}

/* The hop that ends the path: in a run, or in trace (no reaps of its own). */
static int done_hop(const struct path_session *ps)
{
	return ps->join.user ? ps->def->done_run : ps->def->done_trace;
}

/* The hop end-to-end runs from: submit, or in trace where the sender's own
 * stamp does not exist, the path's first kernel hop. */
static int start_hop(const struct path_session *ps)
{
	return ps->join.user ? HK_SUBMIT : ps->def->start_trace;
}

static void print_row(FILE *out, const char *name, const char *from, uint64_t count, const struct rs_hist *h,
		      const char *unseen)
{
	char p[3][16];
	uint64_t n = hist_count(h);

	fprintf(out, "  %-18s %-18s %10" PRIu64, name, from, count);
	if (!n) {
		fprintf(out, "%s%s\n", unseen ? "  not seen: " : "", unseen ? unseen : "");
		return;
	}
	fmt_ns(p[0], sizeof(p[0]), hist_percentile(h, 50));
	fmt_ns(p[1], sizeof(p[1]), hist_percentile(h, 90));
	fmt_ns(p[2], sizeof(p[2]), hist_percentile(h, 99));
	fprintf(out, "  %9s  %9s  %9s%s\n", p[0], p[1], p[2], hist_sparse(h) ? "  (few samples)" : "");
}

/* One row per hop and the end-to-end row; unseen: name what stamps a hop
 * no packet passed. */
static void print_rows(FILE *out, const struct path_session *ps, const struct path_results *r, bool unseen)
{
	const struct path_def *d = ps->def;
	char e2e[48];

	for (int i = 0; i < d->nhops; i++) {
		int h = d->order[i];

		print_row(out, d->hop[h].name, hop_name(d, shown_from(d, r, h)), r->count[h], &r->lat[h],
			  r->count[h] || !unseen ? NULL : d->hop[h].event);
	}
	snprintf(e2e, sizeof(e2e), "%s->%s", d->hop[start_hop(ps)].name, d->hop[done_hop(ps)].name);
	print_row(out, "end-to-end", e2e, r->done, &r->e2e, NULL);
}

/* "  left the path: dropped at H N, in flight after H N", if any left. */
static void print_left(FILE *out, const struct path_def *d, const struct path_results *r)
{
	bool any = false;

	for (int l = PL_DROPPED; l < PL_NLEFT; l++)
		for (int h = 0; h < PH_N; h++)
			if (r->left[l][h]) {
				fprintf(out, "%s %s %s %" PRIu64, any ? "," : "  left the path:",
					l == PL_DROPPED ? "dropped at" : "in flight after", d->hop[h].name, r->left[l][h]);
				any = true;
			}
	if (any)
		fprintf(out, "\n");
}

/* msg-zerocopy: what its ubuf_infos did (the kernel's counters). */
static void msgzc_print(FILE *out, struct path_session *ps)
{
	struct hop_counters k;
	struct mz_counters z;

	zc_path_counters(ps, &k, &z);
	if (ps->def == &vhost_path_def) {
		fprintf(out, "  vhost worker: %" PRIu64 " frames sent zero-copy, %" PRIu64 " copied; %" PRIu64
			" completions (%" PRIu64 " failed, %" PRIu64 " earlier references), %" PRIu64 " used entries\n",
			(uint64_t)z.vh_zc_sends, (uint64_t)z.vh_copy_sends, (uint64_t)z.vh_completes,
			(uint64_t)z.vh_failed, (uint64_t)z.vh_refs, (uint64_t)z.vh_used);
		return;
	}
	fprintf(out, "  ubuf_infos %" PRIu64 " for %" PRIu64 " sends (%" PRIu64 " sends appended to one), %" PRIu64
		" skbs carrying one transmitted, %" PRIu64 " let go; %" PRIu64 " callbacks covering %" PRIu64
		" sends, %" PRIu64 " of them copied; %" PRIu64 " skbs dropped\n", (uint64_t)z.ubufs, (uint64_t)z.sends,
		(uint64_t)z.extended, (uint64_t)z.xmits, (uint64_t)z.releases, (uint64_t)z.callbacks,
		(uint64_t)z.callback_sends, (uint64_t)z.copied_sends, (uint64_t)z.drops);
}

/* The path's zero-copy counters: the JSON object its table names
 * (zc_path_counter_rows(), which the metrics render too). */
static void msgzc_json(struct json_writer *w, struct path_session *ps)
{
	struct hop_counters k;
	struct mz_counters z;
	const char *object;
	int n;
	const struct zc_counter_row *rows = zc_path_counter_rows(ps->def, &object, &n);

	zc_path_counters(ps, &k, &z);
	json_key(w, object);
	json_obj_begin(w);
	for (int i = 0; i < n; i++)
		json_kv_u64(w, rows[i].name, *(const __u64 *)((const char *)&z + rows[i].off));
	json_obj_end(w);
}

void path_print_interval(FILE *out, struct path_session *ps, const struct path_results *iv)
{
	fprintf(out, "  %s: %" PRIu64 " packets finished in this interval, %" PRIu64 " completed the path\n",
		ps->def->name, iv->packets, iv->done);
	print_rows(out, ps, iv, false);
	print_left(out, ps->def, iv);
}

void path_print_text(FILE *out, struct path_session *ps, bool with_hist)
{
	const struct path_def *d = ps->def;
	struct path_results r;
	struct hop_counters k;

	path_join_results(&ps->join, &r);
	trace_path_counters(ps, &k);
	fprintf(out, "\nhop latency along %s (%s): %" PRIu64 " packets, %" PRIu64 " completed the path\n",
		d->name, d->summary, r.packets, r.done);
	fprintf(out, "  %-18s %-18s %10s  %9s  %9s  %9s\n", "hop", "latency from", "count", "p50", "p90", "p99");
	print_rows(out, ps, &r, true);
	print_left(out, d, &r);
	if (path_has_batches(d))
		for (int b = 0; b < HB_N; b++)
			fprintf(out, "  %-5s %" PRIu64 " on the followed virtqueues, %" PRIu64 " given to %" PRIu64
				" packets; %" PRIu64 " packets had none%s\n", b == HB_KICK ? "kicks" : "irqs",
				r.batch_events[b], r.batch_used[b], r.batch_packets[b], r.batch_none[b] + r.batch_unknown[b],
				r.batch_unknown[b] ? " (some beyond the history kept)" : "");
	if (ps->mz)
		msgzc_print(out, ps);
	if (r.order_errors || r.late || r.not_ours || k.ringbuf_full || k.live_full || k.recycled || k.stale_alloc)
		fprintf(out, "  bookkeeping: order_errors %" PRIu64 ", late %" PRIu64 ", not_ours %" PRIu64
			", ringbuf_full %" PRIu64 ", live_full %" PRIu64 ", recycled %" PRIu64 ", stale_alloc %" PRIu64 "\n",
			r.order_errors, r.late, r.not_ours, (uint64_t)k.ringbuf_full, (uint64_t)k.live_full,
			(uint64_t)k.recycled, (uint64_t)k.stale_alloc);
	if (!with_hist)
		return;
	for (int i = 0; i < d->nhops; i++) {
		int h = d->order[i];
		char title[96];

		if (!hist_count(&r.lat[h]))
			continue;
		snprintf(title, sizeof(title), "%s (from %s)", d->hop[h].name, hop_name(d, d->hop[h].from));
		hist_print_titled(out, title, &r.lat[h]);
	}
	hist_print_titled(out, "end-to-end", &r.e2e);
}

/* The "path" object: the final's (k: the kernel side's counters) or an
 * interval's share (k NULL: the join's own figures only). Each hop's latency
 * is the histogram every ringscope JSON view prints (hist_json: lat_ns_p50 …
 * lat_ns_buckets as [lower, upper, count], docs/histograms.md). */
static void json_path(struct json_writer *w, struct path_session *ps, const struct path_results *r,
		      const struct hop_counters *k)
{
	const struct path_def *d = ps->def;

	json_key(w, "path");
	json_obj_begin(w);
	json_kv_str(w, "name", d->name);
	json_kv_str(w, "probes", trace_path_probes(ps));
	json_kv_u64(w, "packets", r->packets);
	json_kv_u64(w, "done", r->done);
	json_key(w, "hops");
	json_arr_begin(w);
	for (int i = 0; i < d->nhops; i++) {
		int h = d->order[i];

		json_obj_begin(w);
		json_kv_str(w, "hop", d->hop[h].name);
		json_kv_str(w, "event", d->hop[h].event);
		json_key(w, "from");
		d->hop[h].from == PH_NONE ? json_null(w) : json_str(w, d->hop[d->hop[h].from].name);
		json_kv_bool(w, "on_path", d->hop[h].on_path);
		json_kv_u64(w, "count", r->count[h]);
		json_kv_u64(w, "dropped_here", r->left[PL_DROPPED][h]);
		json_kv_u64(w, "in_flight_after", r->left[PL_IN_FLIGHT][h]);
		hist_json(w, "lat_ns", &r->lat[h], true);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "end_to_end");
	json_obj_begin(w);
	json_kv_str(w, "from", d->hop[start_hop(ps)].name);
	json_kv_str(w, "to", d->hop[done_hop(ps)].name);
	hist_json(w, "lat_ns", &r->e2e, true);
	json_obj_end(w);
	json_kv_u64(w, "order_errors", r->order_errors);
	json_kv_u64(w, "late", r->late);
	json_kv_u64(w, "not_ours", r->not_ours);
	if (k) {
		json_kv_u64(w, "kernel_records", k->records);
		json_kv_u64(w, "ringbuf_full", k->ringbuf_full);
		json_kv_u64(w, "live_full", k->live_full);
		json_kv_u64(w, "recycled", k->recycled);
		json_kv_u64(w, "stale_alloc", k->stale_alloc);
		json_kv_u64(w, "no_redirect", k->no_redirect);
		json_kv_u64(w, "probe_missed", trace_path_missed(ps));
		if (ps->mz)
			msgzc_json(w, ps);
	}
	if (path_has_batches(d)) {
		if (k) {
			json_kv_u64(w, "not_queued", k->not_queued);
			json_kv_u64(w, "frag_frames", k->frag_frames);
		}
		json_key(w, "batches");
		json_obj_begin(w);
		for (int b = 0; b < HB_N; b++) {
			json_key(w, b == HB_KICK ? "kick" : "irq");
			json_obj_begin(w);
			json_kv_u64(w, "events", r->batch_events[b]);
			if (k)
				json_kv_u64(w, "kernel_events", k->batch_events[b]);
			json_kv_u64(w, "events_used", r->batch_used[b]);
			json_kv_u64(w, "packets", r->batch_packets[b]);
			json_kv_u64(w, "packets_without", r->batch_none[b]);
			json_kv_u64(w, "packets_unknown", r->batch_unknown[b]);
			json_obj_end(w);
		}
		json_obj_end(w);
	}
	json_obj_end(w);
}

void path_json_fields(struct json_writer *w, struct path_session *ps)
{
	struct path_results r;
	struct hop_counters k;

	path_join_results(&ps->join, &r);
	trace_path_counters(ps, &k);
	json_path(w, ps, &r, &k);
}

void path_json_interval(struct json_writer *w, struct path_session *ps, const struct path_results *iv)
{
	json_path(w, ps, iv, NULL);
}

void path_print_samples(FILE *out, struct path_session *ps)
{
	const struct path_def *d = ps->def;
	struct path_join *j = &ps->join;

	pthread_mutex_lock(&j->lock);
	for (uint64_t i = 0; i < j->nsamples; i++) {
		const struct path_sample *s = &j->samples[i];
		struct json_writer w;

		json_init(&w, out);
		json_obj_begin(&w);
		json_kv_str(&w, "type", "path_sample");
		json_kv_str(&w, "path", d->name);
		json_kv_u64(&w, "stream", s->stream);
		json_kv_u64(&w, "epoch", s->epoch);
		json_kv_u64(&w, "seq", s->seq);
		for (int k = 0; k < d->nhops; k++) {
			int h = d->order[k];
			char key[48];

			snprintf(key, sizeof(key), "%s_ns", d->hop[h].name);
			json_key(&w, key);
			s->ts[h] ? json_u64(&w, s->ts[h]) : json_null(&w);
		}
		json_kv_str(&w, "left", path_left_name(s->left));
		json_key(&w, "left_at");
		s->left == PL_DONE || s->left_at == PH_NONE ? json_null(&w) : json_str(&w, d->hop[s->left_at].name);
		if (s->flags & HOP_F_REDIRECT_ERR)
			json_kv_double(&w, "redirect_err", s->redirect_err);
		if (s->flags & HOP_F_KFREE)
			json_kv_u64(&w, "drop_reason", s->drop_reason);
		if (s->flags & (HOP_F_MZ_COPIED | HOP_F_VH_FAILED))
			json_kv_bool(&w, "copied", true);
		json_obj_end(&w);
		json_finish_line(&w);
	}
	pthread_mutex_unlock(&j->lock);
}

void path_metrics_view(struct metrics_view *v, struct path_session *ps)
{
	const char *object;

	v->path = ps->def;
	path_join_results(&ps->join, &v->path_r);
	v->path_zc_rows = zc_path_counter_rows(ps->def, &object, &v->npath_zc);
	if (ps->mz)	/* one read: its counters and the ones every path has */
		zc_path_counters(ps, &v->path_k, &v->path_zc);
	else
		trace_path_counters(ps, &v->path_k);
	v->path_probe_missed = trace_path_missed(ps);
}
