/* Exposition text (metrics.h): one writer per metric kind, each family's
 * metadata once, then its samples. The two formats differ only in metadata:
 * OpenMetrics names a counter family without its _total suffix, gives units
 * (# UNIT) and an info type, and ends with # EOF. */
#include <stdlib.h>
#include <string.h>
#include "metrics.h"
#include "trace_zc.h"

const char *const metrics_content_type[2] = {
	[METRICS_PROM_004] = "text/plain; version=0.0.4; charset=utf-8",
	[METRICS_OPENMETRICS] = "application/openmetrics-text; version=1.0.0; charset=utf-8",
};

enum mtype { M_COUNTER, M_GAUGE, M_HISTOGRAM, M_INFO };
static const char *const mtype_names[] = { "counter", "gauge", "histogram", "info" };

struct mw {
	FILE *out;
	enum metrics_format fmt;
};

void metrics_fmt_seconds(char *buf, size_t len, uint64_t ns)
{
	int n = snprintf(buf, len, "%llu.%09llu", (unsigned long long)(ns / 1000000000ull),
			 (unsigned long long)(ns % 1000000000ull));

	if (n <= 0 || (size_t)n >= len)
		return;
	while (buf[n - 1] == '0')	/* exact, without trailing zeros */
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[n - 1] = '\0';
}

/* # HELP / # TYPE (/ # UNIT) of a family. name is the sample name without
 * _total (counters) or _info (info); unit "" for none. */
static void family(struct mw *w, const char *name, enum mtype t, const char *unit, const char *help)
{
	bool om = w->fmt == METRICS_OPENMETRICS;
	const char *suffix = om ? "" : t == M_COUNTER ? "_total" : t == M_INFO ? "_info" : "";
	enum mtype shown = !om && t == M_INFO ? M_GAUGE : t;

	fprintf(w->out, "# HELP %s%s %s\n", name, suffix, help);
	fprintf(w->out, "# TYPE %s%s %s\n", name, suffix, mtype_names[shown]);
	if (om && *unit)
		fprintf(w->out, "# UNIT %s %s\n", name, unit);
}

/* A label value, escaped (backslash, double quote, newline). */
static void label_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n') {
			fputs("\\n", out);
			continue;
		}
		fputc(*v, out);
	}
}

/* "{k1="v1",k2="v2"}" from a NULL-terminated key/value list; extra (le) last. */
static void labels(FILE *out, const char *const *kv, const char *le)
{
	bool any = false;

	for (int i = 0; kv && kv[i]; i += 2) {
		fprintf(out, "%s%s=\"", any ? "," : "{", kv[i]);
		label_value(out, kv[i + 1]);
		fputc('"', out);
		any = true;
	}
	if (le) {
		fprintf(out, "%sle=\"%s\"", any ? "," : "{", le);
		any = true;
	}
	if (any)
		fputc('}', out);
}

static void sample_u64(struct mw *w, const char *name, const char *suffix, const char *const *kv, uint64_t v)
{
	fprintf(w->out, "%s%s", name, suffix);
	labels(w->out, kv, NULL);
	fprintf(w->out, " %llu\n", (unsigned long long)v);
}

static void sample_ns(struct mw *w, const char *name, const char *suffix, const char *const *kv, uint64_t ns)
{
	char s[48];

	metrics_fmt_seconds(s, sizeof(s), ns);
	fprintf(w->out, "%s%s", name, suffix);
	labels(w->out, kv, NULL);
	fprintf(w->out, " %s\n", s);
}

static void counter(struct mw *w, const char *name, const char *const *kv, uint64_t v)
{
	sample_u64(w, name, "_total", kv, v);
}

/* The samples of one histogram of ns values, in seconds: every bucket of
 * hist.h, cumulative, its exact inclusive upper edge as le; the open last
 * bucket is +Inf. */
static void histogram(struct mw *w, const char *name, const char *const *kv, const struct rs_hist *h)
{
	char le[48];
	uint64_t cum = 0, zeros = 0;	/* zeros: counts in buckets holding only 0 */
	bool inf = false;

	for (unsigned int i = 0; i < hist_buckets(); i++) {
		uint64_t up = hist_bucket_upper(i);

		cum += h->slot[i];
		zeros += up == 0 ? h->slot[i] : 0;
		if (up == UINT64_MAX) {
			snprintf(le, sizeof(le), "+Inf");
			inf = true;
		} else {
			metrics_fmt_seconds(le, sizeof(le), up);
		}
		fprintf(w->out, "%s_bucket", name);
		labels(w->out, kv, le);
		fprintf(w->out, " %llu\n", (unsigned long long)cum);
		if (inf)
			break;
	}
	if (!inf) {
		fprintf(w->out, "%s_bucket", name);
		labels(w->out, kv, "+Inf");
		fprintf(w->out, " %llu\n", (unsigned long long)cum);
	}
	/* A source that keeps no sum leaves it 0: then only values in a bucket
	 * of upper edge 0 can explain it, else there is no _sum to give. */
	if (h->sum || cum == zeros)
		sample_ns(w, name, "_sum", kv, h->sum);
	sample_u64(w, name, "_count", kv, hist_count(h));
}

/* ---- gen ---- */

struct gen_counter_def {
	const char *name, *help;
	size_t off;	/* of a uint64_t in struct gen_counters */
	bool rx;	/* receiving side, else sending side */
};

#define GC(f) offsetof(struct gen_counters, f)
static const struct gen_counter_def gen_counters_defs[] = {
	{ "ringscope_gen_tx_submitted_packets", "packets put on the AF_XDP TX ring", GC(tx_submitted), false },
	{ "ringscope_gen_tx_completed_packets", "packets the kernel completed (reaped from the completion ring)", GC(tx_completed), false },
	{ "ringscope_gen_tx_ring_full", "times the TX ring had no room for a batch", GC(tx_ring_full), false },
	{ "ringscope_gen_tx_wakeups", "sendto() wakeups of the kernel's TX path", GC(tx_wakeups), false },
	{ "ringscope_gen_rx_frames", "frames received on the AF_XDP sockets (ours, foreign and corrupt)", GC(rx_packets), true },
	{ "ringscope_gen_rx_unique_packets", "distinct test packets received (sequence numbers seen once)", GC(rx_unique), true },
	{ "ringscope_gen_rx_foreign_packets", "frames that are not ringscope test frames of this run", GC(rx_foreign), true },
	{ "ringscope_gen_rx_corrupt_packets", "test frames failing the verifier (truncated, bad checksum, ...)", GC(rx_corrupt), true },
	{ "ringscope_gen_rx_duplicate_packets", "test packets received again", GC(rx_duplicates), true },
	{ "ringscope_gen_rx_reordered_packets", "test packets received after a later one of their stream", GC(rx_reordered), true },
	{ "ringscope_gen_rx_seq_implausible_packets", "test packets further ahead than their sender can have sent (ignored)", GC(rx_seq_implausible), true },
	{ "ringscope_gen_fwd_packets", "packets forwarded back out (gen fwd)", GC(fwd_packets), true },
};

static void gen_families(struct mw *w, const struct metrics_view *v)
{
	const char *kv[3] = { "interface", NULL, NULL };

	for (size_t d = 0; d < sizeof(gen_counters_defs) / sizeof(gen_counters_defs[0]); d++) {
		const struct gen_counter_def *def = &gen_counters_defs[d];
		bool any = false;

		for (int i = 0; i < v->ngen; i++)
			any |= def->rx ? v->gen[i].has_rx : v->gen[i].has_tx;
		if (!any)
			continue;
		family(w, def->name, M_COUNTER, "", def->help);
		for (int i = 0; i < v->ngen; i++) {
			if (!(def->rx ? v->gen[i].has_rx : v->gen[i].has_tx))
				continue;
			kv[1] = v->gen[i].iface;
			counter(w, def->name, kv, *(const uint64_t *)((const char *)&v->gen[i].c + def->off));
		}
	}
	for (int rx = 0; rx < 2; rx++) {
		const char *name = rx ? "ringscope_gen_rx_latency_seconds" : "ringscope_gen_tx_completion_latency_seconds";
		bool any = false;

		for (int i = 0; i < v->ngen; i++)
			any |= rx ? v->gen[i].has_rx : v->gen[i].has_tx;
		if (!any)
			continue;
		family(w, name, M_HISTOGRAM, "seconds",
		       rx ? "one-way latency, TX submit to RX reap (same host clock)"
			  : "TX completion latency, descriptor on the TX ring to its reap from the completion ring");
		for (int i = 0; i < v->ngen; i++) {
			if (!(rx ? v->gen[i].has_rx : v->gen[i].has_tx))
				continue;
			kv[1] = v->gen[i].iface;
			histogram(w, name, kv, rx ? &v->gen[i].c.rx_lat : &v->gen[i].c.compl_lat);
		}
	}
}

/* ---- trace: functions and tracepoints ---- */

/* function and tier labels of a timed function; false for a tracepoint slot. */
static bool func_labels(const char *kv[5], const struct trace_slot *sl)
{
	kv[0] = "function", kv[1] = sl->name, kv[2] = "tier", kv[3] = tier_names[sl->tier], kv[4] = NULL;
	return sl->kind == SLOT_FUNC;
}

/* Labels of a row of every slot: function, kind (function or tracepoint), tier. */
static void slot_labels(const char *lv[7], const struct trace_slot *sl)
{
	bool tp = sl->kind == SLOT_TP;

	lv[0] = "function", lv[1] = sl->name, lv[2] = "kind", lv[3] = tp ? "tracepoint" : "function";
	lv[4] = "tier", lv[5] = tp ? "tracepoint" : tier_names[sl->tier], lv[6] = NULL;
}

static void func_families(struct mw *w, const struct trace_session *s, const struct trace_snapshot *snap)
{
	const char *kv[5], *lv[7];
	bool timed = false;

	if (!s->nslots)
		return;
	family(w, "ringscope_function_calls", M_COUNTER, "",
	       "completed calls of a traced kernel function, or hits of a counted tracepoint");
	for (int i = 0; i < s->nslots; i++) {
		slot_labels(lv, &s->slots[i]);
		counter(w, "ringscope_function_calls", lv, snap->f[i].calls);
		timed |= s->slots[i].kind == SLOT_FUNC;
	}
	family(w, "ringscope_function_missed", M_COUNTER, "",
	       "calls or hits the kernel did not hand to the programs (kprobe re-entry, BPF recursion): calls is low by up to this");
	for (int i = 0; i < s->nslots; i++) {
		slot_labels(lv, &s->slots[i]);
		counter(w, "ringscope_function_missed", lv, snap->f[i].missed);
	}
	if (!timed)
		return;
	family(w, "ringscope_function_lost_entries", M_COUNTER, "",
	       "entry timestamps dropped (in-flight map full): calls not timed");
	for (int i = 0; i < s->nslots; i++)
		if (func_labels(kv, &s->slots[i]))
			counter(w, "ringscope_function_lost_entries", kv, snap->f[i].lost);
	family(w, "ringscope_function_latency_seconds", M_HISTOGRAM, "seconds",
	       "kernel function latency, entry to return");
	for (int i = 0; i < s->nslots; i++)
		if (func_labels(kv, &s->slots[i]))
			histogram(w, "ringscope_function_latency_seconds", kv, &snap->f[i].hist);
}

/* ---- trace: kmalloc churn per call site ---- */

struct site_labels {
	char site[160], func[96], module[64];
	const char *kv[9];
};

static void site_labels(struct site_labels *l, const struct trace_session *s, const struct site_snap *c)
{
	const struct ksym *sym = s->ksyms ? ksyms_by_addr(s->ksyms, c->key.call_site) : NULL;

	ksyms_format(s->ksyms, c->key.call_site, l->site, sizeof(l->site));
	snprintf(l->func, sizeof(l->func), "%s", sym ? sym->name : "?");
	snprintf(l->module, sizeof(l->module), "%s", sym ? sym->module : "");
	l->kv[0] = "site", l->kv[1] = l->site;
	l->kv[2] = "function", l->kv[3] = l->func;
	l->kv[4] = "kind", l->kv[5] = c->key.kind == KMEM_CACHE ? "kmem_cache" : "kmalloc";
	l->kv[6] = l->module[0] ? "module" : NULL, l->kv[7] = l->module, l->kv[8] = NULL;
}

static uint64_t site_activity(const struct site_snap *c)
{
	return c->st.allocs + c->st.frees + c->st.failed;
}

struct site_counter_def {
	const char *name, *unit, *help;
	size_t off;	/* of a __u64 in struct kmem_site_stats */
};

#define KS(f) offsetof(struct kmem_site_stats, f)
static const struct site_counter_def site_counter_defs[] = {
	{ "ringscope_kmem_allocs", "", "allocations made from this call site that returned memory", KS(allocs) },
	{ "ringscope_kmem_frees", "", "frees made from this call site", KS(frees) },
	{ "ringscope_kmem_requested_bytes", "bytes", "bytes requested by the allocations that returned memory", KS(bytes_req) },
	{ "ringscope_kmem_allocated_bytes", "bytes", "bytes allocated (slab size) for them", KS(bytes_alloc) },
	{ "ringscope_kmem_failed_allocs", "", "allocations that failed (ptr NULL)", KS(failed) },
};

/* The sites whose lifetime histogram is exported: the --top busiest since
 * the start, as the text view's rows (a flag per site, in snapshot order). */
static bool *top_sites(const struct trace_session *s, const struct trace_snapshot *snap)
{
	bool *top = calloc(snap->nsites ? snap->nsites : 1, sizeof(*top));

	if (!top)
		return NULL;
	for (uint32_t k = 0; k < s->o.top; k++) {
		int best = -1;

		for (int i = 0; i < snap->nsites; i++)
			if (!top[i] && site_activity(&snap->sites[i]) &&
			    (best < 0 || site_activity(&snap->sites[i]) > site_activity(&snap->sites[best])))
				best = i;
		if (best < 0)
			break;
		top[best] = true;
	}
	return top;
}

static void site_families(struct mw *w, const struct trace_session *s, const struct trace_snapshot *snap)
{
	struct site_labels l;
	bool *top;

	for (size_t d = 0; d < sizeof(site_counter_defs) / sizeof(site_counter_defs[0]); d++) {
		const struct site_counter_def *def = &site_counter_defs[d];

		family(w, def->name, M_COUNTER, def->unit, def->help);
		for (int i = 0; i < snap->nsites; i++) {
			if (!site_activity(&snap->sites[i]))
				continue;
			site_labels(&l, s, &snap->sites[i]);
			counter(w, def->name, l.kv, *(const __u64 *)((const char *)&snap->sites[i].st + def->off));
		}
	}
	family(w, "ringscope_kmem_outstanding_objects", M_GAUGE, "",
	       "objects allocated here during the run and not freed yet");
	for (int i = 0; i < snap->nsites; i++) {
		const struct kmem_site_stats *st = &snap->sites[i].st;

		if (!site_activity(&snap->sites[i]))
			continue;
		site_labels(&l, s, &snap->sites[i]);
		sample_u64(w, "ringscope_kmem_outstanding_objects", "", l.kv,
			   st->allocs > st->freed_objs ? st->allocs - st->freed_objs : 0);
	}
	if (s->o.no_lifetime || !(top = top_sites(s, snap)))
		return;
	family(w, "ringscope_kmem_lifetime_seconds", M_HISTOGRAM, "seconds",
	       "alloc to free lifetime of the objects allocated at this call site (the --top busiest sites)");
	for (int i = 0; i < snap->nsites; i++) {
		struct rs_hist h;

		if (!top[i])
			continue;
		h = snap->sites[i].life;
		site_labels(&l, s, &snap->sites[i]);
		histogram(w, "ringscope_kmem_lifetime_seconds", l.kv, &h);
	}
	free(top);
}

/* ---- trace --lpi ---- */

static void lpi_families(struct mw *w, const struct lpi_stats *st)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} hs[] = {
		{ "ringscope_lpi_cached_injection_latency_seconds", "vgic_its_inject_cached_translation latency",
		  offsetof(struct lpi_stats, inject_hist) },
		{ "ringscope_lpi_irqfd_wakeup_latency_seconds", "irqfd_wakeup latency", offsetof(struct lpi_stats, wakeup_hist) },
		{ "ringscope_lpi_wakeup_to_inject_seconds", "irqfd_wakeup entry to injection done",
		  offsetof(struct lpi_stats, wakeup_to_inject_hist) },
		{ "ringscope_lpi_contention_seconds", "lock contention inside irqfd_wakeup, begin to end",
		  offsetof(struct lpi_stats, contention_hist) },
	};
	const char *hit[] = { "result", "hit", NULL }, *miss[] = { "result", "miss", NULL };

	family(w, "ringscope_lpi_cached_injections", M_COUNTER, "",
	       "vgic_its_inject_cached_translation returns: hit (0) or miss (non-zero)");
	counter(w, "ringscope_lpi_cached_injections", hit, st->hits);
	counter(w, "ringscope_lpi_cached_injections", miss, st->misses);
	family(w, "ringscope_lpi_slow_injections", M_COUNTER, "", "vgic_its_inject_msi calls: full ITS walk");
	counter(w, "ringscope_lpi_slow_injections", NULL, st->slow_injections);
	family(w, "ringscope_lpi_irqfd_wakeups", M_COUNTER, "", "irqfd_wakeup calls");
	counter(w, "ringscope_lpi_irqfd_wakeups", NULL, st->irqfd_wakeups);
	family(w, "ringscope_lpi_contentions", M_COUNTER, "", "lock contentions inside irqfd_wakeup");
	counter(w, "ringscope_lpi_contentions", NULL, st->contentions);
	for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		struct rs_hist h = hist_from_bpf((const struct rs_bpf_hist *)((const char *)st + hs[i].off));

		family(w, hs[i].name, M_HISTOGRAM, "seconds", hs[i].help);
		histogram(w, hs[i].name, NULL, &h);
	}
}

/* ---- trace --zerocopy ---- */

/* A zc_stats field of one path: a counter or the first bucket of a histogram. */
struct zc_field {
	const char *path;
	unsigned int bit;	/* enum zc_path */
	size_t off;
};

static const struct zc_field zc_hists[] = {
	{ "xsk", ZC_PATH_XSK, offsetof(struct zc_stats, xsk_hist) },
	{ "vhost", ZC_PATH_VHOST, offsetof(struct zc_stats, vhost_hist) },
	{ "vhost_failed", ZC_PATH_VHOST, offsetof(struct zc_stats, vhost_failed_hist) },
	{ "vhost_used", ZC_PATH_VHOST, offsetof(struct zc_stats, vhost_used_hist) },
	{ "msg", ZC_PATH_MSG, offsetof(struct zc_stats, msg_hist) },
	{ "msg_copied", ZC_PATH_MSG, offsetof(struct zc_stats, msg_copied_hist) },
}, zc_counters[] = {
	{ "xsk", ZC_PATH_XSK, offsetof(struct zc_stats, xsk_completions) },
	{ "vhost", ZC_PATH_VHOST, offsetof(struct zc_stats, vhost_completions) },
	{ "msg", ZC_PATH_MSG, offsetof(struct zc_stats, msg_completed) },
};

static void zc_families(struct mw *w, const struct trace_session *s, const struct zc_stats *st)
{
	const struct zc_field *hs = zc_hists, *cs = zc_counters;
	const char *kv[] = { "path", NULL, NULL };

	if (!s->zc_paths)
		return;
	family(w, "ringscope_zerocopy_completions", M_COUNTER, "",
	       "zero-copy completions seen in the kernel, per path (msg: sends completed)");
	for (size_t i = 0; i < sizeof(zc_counters) / sizeof(zc_counters[0]); i++) {
		if (!(s->zc_paths & cs[i].bit))
			continue;
		kv[1] = cs[i].path;
		counter(w, "ringscope_zerocopy_completions", kv, *(const __u64 *)((const char *)st + cs[i].off));
	}
	family(w, "ringscope_zerocopy_completion_latency_seconds", M_HISTOGRAM, "seconds",
	       "submit to completion latency in the kernel, per path");
	for (size_t i = 0; i < sizeof(zc_hists) / sizeof(zc_hists[0]); i++) {
		struct rs_hist h;

		if (!(s->zc_paths & hs[i].bit))
			continue;
		h = hist_from_bpf((const struct rs_bpf_hist *)((const char *)st + hs[i].off));
		kv[1] = hs[i].path;
		histogram(w, "ringscope_zerocopy_completion_latency_seconds", kv, &h);
	}
}

/* ---- run --zerocopy: one row per path, each final once its phase ended ---- */

static void zc_run_families(struct mw *w, const struct metrics_zc_run_row *rows, int n)
{
	static const struct {
		const char *name, *help;
		size_t off;	/* of a uint64_t in struct metrics_zc_run_row */
		bool kernel;
	} cs[] = {
		{ "ringscope_zerocopy_run_sends", "run --zerocopy: packets (AF_XDP) or send() calls submitted",
		  offsetof(struct metrics_zc_run_row, sends), false },
		{ "ringscope_zerocopy_run_completions", "run --zerocopy: submissions completed, as user space saw them",
		  offsetof(struct metrics_zc_run_row, completions), false },
		{ "ringscope_zerocopy_run_copied", "run --zerocopy: MSG_ZEROCOPY completions the kernel copied after all",
		  offsetof(struct metrics_zc_run_row, copied), false },
		{ "ringscope_zerocopy_run_kernel_completions", "run --zerocopy: completions seen in the kernel (trace --zerocopy)",
		  offsetof(struct metrics_zc_run_row, k_completions), true },
	};
	const char *kv[] = { "path", NULL, NULL };
	bool any = false, kernel = false;

	for (int i = 0; i < n; i++)
		any |= rows[i].ran, kernel |= rows[i].ran && rows[i].kernel;
	if (!any)
		return;
	for (size_t c = 0; c < sizeof(cs) / sizeof(cs[0]); c++) {
		if (cs[c].kernel && !kernel)
			continue;
		family(w, cs[c].name, M_COUNTER, "", cs[c].help);
		for (int i = 0; i < n; i++)
			if (rows[i].ran && (!cs[c].kernel || rows[i].kernel)) {
				kv[1] = rows[i].path;
				counter(w, cs[c].name, kv, *(const uint64_t *)((const char *)&rows[i] + cs[c].off));
			}
	}
	family(w, "ringscope_zerocopy_run_user_completion_latency_seconds", M_HISTOGRAM, "seconds",
	       "run --zerocopy: submit to completion seen in user space");
	for (int i = 0; i < n; i++)
		if (rows[i].ran) {
			kv[1] = rows[i].path;
			histogram(w, "ringscope_zerocopy_run_user_completion_latency_seconds", kv, &rows[i].user);
		}
	if (!kernel)
		return;
	family(w, "ringscope_zerocopy_run_kernel_completion_latency_seconds", M_HISTOGRAM, "seconds",
	       "run --zerocopy: submit to completion in the kernel (trace --zerocopy)");
	for (int i = 0; i < n; i++)
		if (rows[i].ran && rows[i].kernel) {
			kv[1] = rows[i].path;
			histogram(w, "ringscope_zerocopy_run_kernel_completion_latency_seconds", kv, &rows[i].k);
		}
}

/* ---- --path: per-hop latency ---- */

/* The path's bookkeeping, as in its JSON (docs/hop-latency.md): records
 * that were no packet's next stamp, and records or packets the kernel side
 * lost; when a hop counts fewer packets than were sent, the cause is here. */
static void path_bookkeeping(struct mw *w, const struct path_def *d, const struct path_results *r,
			     const struct hop_counters *k, uint64_t probe_missed)
{
	const struct { const char *kind; uint64_t n; } rows[] = {
		{ "order_errors", r->order_errors }, { "late", r->late }, { "not_ours", r->not_ours },
		{ "ringbuf_full", k->ringbuf_full }, { "live_full", k->live_full },
		{ "recycled", k->recycled }, { "stale_alloc", k->stale_alloc },
		{ "no_redirect", k->no_redirect }, { "not_queued", k->not_queued },
		{ "probe_missed", probe_missed },
	};
	const char *kv[] = { "path", d->name, "kind", NULL, NULL };

	family(w, "ringscope_path_bookkeeping_events", M_COUNTER, "",
	       "path records that were no packet's next stamp (order_errors, late, not_ours), and what the kernel "
	       "side lost (ringbuf_full, live_full, recycled, stale_alloc, no_redirect, not_queued, probe_missed): "
	       "docs/hop-latency.md");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kv[3] = rows[i].kind;
		counter(w, "ringscope_path_bookkeeping_events", kv, rows[i].n);
	}
}

/* What path_join's results hold, per hop in the table's order: packets that
 * passed it, its latency (hops measured from another; end_to_end last), and
 * the packets that left the path after it (dropped there, or still in
 * flight when the run ended). Every series always listed. */
static void path_families(struct mw *w, const struct path_def *d, const struct path_results *r,
			  const struct hop_counters *k, uint64_t probe_missed)
{
	static const char *const left_names[PL_NLEFT] = { [PL_DROPPED] = "dropped", [PL_IN_FLIGHT] = "in_flight" };
	const char *pkv[] = { "path", d->name, NULL };
	const char *kv[] = { "path", d->name, "hop", NULL, NULL, NULL, NULL };
	const char *name;

	family(w, "ringscope_path_packets", M_COUNTER, "", "ringscope packets followed along the path to their end");
	counter(w, "ringscope_path_packets", pkv, r->packets);
	family(w, "ringscope_path_completed_packets", M_COUNTER, "", "packets that completed the path");
	counter(w, "ringscope_path_completed_packets", pkv, r->done);
	family(w, "ringscope_path_hop_packets", M_COUNTER, "", "packets that passed this hop of the path");
	for (int i = 0; i < d->nhops; i++) {
		kv[3] = d->hop[d->order[i]].name;
		counter(w, "ringscope_path_hop_packets", kv, r->count[d->order[i]]);
	}
	family(w, "ringscope_path_left_packets", M_COUNTER, "",
	       "packets that left the path after this hop: dropped there, or in flight when the run ended");
	kv[4] = "reason";
	for (int l = PL_DROPPED; l < PL_NLEFT; l++)
		for (int i = 0; i < d->nhops; i++) {
			kv[3] = d->hop[d->order[i]].name, kv[5] = left_names[l];
			counter(w, "ringscope_path_left_packets", kv, r->left[l][d->order[i]]);
		}
	kv[4] = NULL;
	path_bookkeeping(w, d, r, k, probe_missed);
	name = "ringscope_path_hop_latency_seconds";
	family(w, name, M_HISTOGRAM, "seconds",
	       "per-packet latency of a hop from the hop it is timed from (the hop table's latency-from column, "
	       "docs/hop-latency.md); end_to_end: submit to the path's end");
	for (int i = 0; i < d->nhops; i++) {
		int h = d->order[i];

		if (d->hop[h].from == PH_NONE)
			continue;	/* the first hop: nothing to measure from */
		kv[3] = d->hop[h].name;
		histogram(w, name, kv, &r->lat[h]);
	}
	kv[3] = "end_to_end";
	histogram(w, name, kv, &r->e2e);
	if (!path_has_batches(d))
		return;
	/* virtio-tx: kicks and interrupts, and the packets they were given to. */
	kv[2] = "kind", kv[4] = NULL;
	family(w, "ringscope_path_batch_events", M_COUNTER, "",
	       "per-batch events on the path's virtqueues (kick: virtqueue_notify, irq: vring_interrupt)");
	for (int b = 0; b < HB_N; b++) {
		kv[3] = b == HB_KICK ? "kick" : "irq";
		counter(w, "ringscope_path_batch_events", kv, r->batch_events[b]);
	}
	family(w, "ringscope_path_batch_packets", M_COUNTER, "",
	       "packets given a per-batch event of this kind (docs/hop-latency.md, attribution)");
	for (int b = 0; b < HB_N; b++) {
		kv[3] = b == HB_KICK ? "kick" : "irq";
		counter(w, "ringscope_path_batch_packets", kv, r->batch_packets[b]);
	}
}

/* msg-zerocopy, vhost-tx: what their ubuf_infos (or the vhost worker) did,
 * the counters of the JSON path object's "ubufs" / "vhost", kind by kind. */
static void path_zc_families(struct mw *w, const struct metrics_view *v)
{
	const char *kv[] = { "path", v->path->name, "kind", NULL, NULL };

	family(w, "ringscope_path_zc_events", M_COUNTER, "",
	       "msg-zerocopy: what its ubuf_infos did (the JSON path.ubufs); vhost-tx: what the vhost worker did "
	       "(path.vhost): docs/hop-latency.md");
	for (int i = 0; i < v->npath_zc; i++) {
		kv[3] = v->path_zc_rows[i].name;
		counter(w, "ringscope_path_zc_events", kv,
			*(const __u64 *)((const char *)&v->path_zc + v->path_zc_rows[i].off));
	}
}

void metrics_render(FILE *out, enum metrics_format fmt, const struct metrics_view *v)
{
	struct mw w = { out, fmt };
	const char *build[] = { "version", v->version, "git", v->git, "command", v->command, NULL };

	family(&w, "ringscope_build", M_INFO, "", "ringscope's version, git describe and the running command");
	sample_u64(&w, "ringscope_build", "_info", build, 1);
	gen_families(&w, v);
	if (v->ts && v->snap) {
		const char *tier[] = { "tier", tier_names[v->ts->tier], NULL };

		family(&w, "ringscope_trace_tier", M_INFO, "",
		       "the tier functions are traced through: fentry, kprobe or tracepoint");
		sample_u64(&w, "ringscope_trace_tier", "_info", tier, 1);
		if (v->have_observer) {
			/* Not _ns_total: promtool's lint refuses abbreviated units. */
			family(&w, "ringscope_observer_seconds", M_COUNTER, "seconds",
			       "run time of ringscope's own tracing BPF programs (bpf_prog_info run_time_ns)");
			sample_ns(&w, "ringscope_observer_seconds", "_total", NULL, v->observer_ns);
		}
		func_families(&w, v->ts, v->snap);
		if (v->ts->kmalloc)
			site_families(&w, v->ts, v->snap);
		if (v->ts->o.lpi)
			lpi_families(&w, &v->snap->lpi);
		if (v->ts->o.zerocopy)
			zc_families(&w, v->ts, &v->snap->zc);
	}
	if (v->zc_run)
		zc_run_families(&w, v->zc_run, v->nzc_run);
	if (v->path)
		path_families(&w, v->path, &v->path_r, &v->path_k, v->path_probe_missed);
	if (v->path && v->npath_zc)
		path_zc_families(&w, v);
	if (fmt == METRICS_OPENMETRICS)
		fputs("# EOF\n", out);
}
