#define _GNU_SOURCE	/* qsort_r */
/* Rendering of trace snapshots: the figures are computed once per row
 * (func_row, site_row) and printed as text or JSON from there. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "trace.h"
#include "trace_lpi.h"
#include "trace_zc.h"

struct func_row {
	const struct trace_slot *slot;
	uint64_t calls, lost, missed;
	double rate, per_pkt, avg_ns;
	struct rs_hist hist;
};

struct site_row {
	const struct site_snap *cur;
	uint64_t allocs, frees, bytes_req, bytes_alloc, outstanding, failed, failed_bytes_req;
	uint64_t life_unbinned;		/* lifetimes without a histogram (kmem_life full) */
	double alloc_rate, free_rate, allocs_per_pkt, frees_per_pkt;
	struct rs_hist life;
	uint64_t life_exact[RS_RESERVOIR];	/* this window's lifetimes, when known exactly */
	int nlife_exact;			/* -1: not known exactly */
	char sym[160], func[96], module[64];
};

static void func_row(struct func_row *r, const struct trace_slot *sl, const struct func_snap *c,
		     const struct func_snap *p, double dt, uint64_t packets)
{
	uint64_t total_ns = c->total_ns - (p ? p->total_ns : 0);

	memset(r, 0, sizeof(*r));
	r->slot = sl;
	r->calls = c->calls - (p ? p->calls : 0);
	r->lost = c->lost - (p ? p->lost : 0);
	r->missed = c->missed - (p ? p->missed : 0);
	r->rate = dt > 0 ? r->calls / dt : 0;
	r->per_pkt = packets ? (double)r->calls / packets : 0;
	r->avg_ns = r->calls ? (double)total_ns / r->calls : 0;
	if (p)
		hist_delta(&r->hist, &c->hist, &p->hist);
	else
		r->hist = c->hist;
}

static const struct site_snap *find_site(const struct trace_snapshot *snap, const struct kmem_site_key *k)
{
	size_t lo = 0, hi = snap ? snap->nsites : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct kmem_site_key *m = &snap->sites[mid].key;

		if (m->call_site == k->call_site && m->kind == k->kind)
			return &snap->sites[mid];
		if (m->call_site < k->call_site || (m->call_site == k->call_site && m->kind < k->kind))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void fmt_ns(char *b, size_t n, double ns)
{
	if (ns >= 1e6) snprintf(b, n, "%.2fms", ns / 1e6);
	else if (ns >= 1e3) snprintf(b, n, "%.2fus", ns / 1e3);
	else snprintf(b, n, "%.0fns", ns);
}

/* The window's exact lifetimes: the run's so far minus those of prev (a
 * sub-multiset: reservoirs only grow). */
static void exact_window(struct site_row *r, const struct site_snap *c, const struct site_snap *p)
{
	bool used[RS_RESERVOIR] = {};

	r->nlife_exact = c->nlife_exact;
	if (c->nlife_exact < 0)
		return;
	r->nlife_exact = 0;
	for (int i = 0; i < c->nlife_exact; i++) {
		bool old = false;

		for (int j = 0; p && j < p->nlife_exact && !old; j++)
			if (!used[j] && p->life_exact[j] == c->life_exact[i])
				used[j] = old = true;
		if (!old)
			r->life_exact[r->nlife_exact++] = c->life_exact[i];
	}
}

/* LIFE P50/P99 cell: exact when known, "n=K" when too few for a bucket to say. */
static void fmt_life(char *b, size_t n, const struct site_row *r, double p)
{
	if (r->nlife_exact > 0)
		fmt_ns(b, n, samples_percentile(r->life_exact, r->nlife_exact, p));
	else if (!hist_count(&r->life))
		snprintf(b, n, "-");
	else if (hist_sparse(&r->life))
		snprintf(b, n, "n=%llu", (unsigned long long)hist_count(&r->life));
	else
		fmt_ns(b, n, hist_percentile(&r->life, p));
}

static void site_row(struct site_row *r, struct trace_session *s, const struct site_snap *c,
		     const struct trace_snapshot *prev, double dt, uint64_t packets)
{
	const struct site_snap *p = find_site(prev, &c->key);
	const struct ksym *sym = ksyms_by_addr(s->ksyms, c->key.call_site);

	memset(r, 0, sizeof(*r));
	r->cur = c;
	r->allocs = c->st.allocs - (p ? p->st.allocs : 0);
	r->frees = c->st.frees - (p ? p->st.frees : 0);
	r->bytes_req = c->st.bytes_req - (p ? p->st.bytes_req : 0);
	r->bytes_alloc = c->st.bytes_alloc - (p ? p->st.bytes_alloc : 0);
	r->failed = c->st.failed - (p ? p->st.failed : 0);
	r->failed_bytes_req = c->st.failed_bytes_req - (p ? p->st.failed_bytes_req : 0);
	/* Objects allocated here during the whole run and not freed yet. */
	r->outstanding = c->st.allocs > c->st.freed_objs ? c->st.allocs - c->st.freed_objs : 0;
	r->alloc_rate = dt > 0 ? r->allocs / dt : 0;
	r->free_rate = dt > 0 ? r->frees / dt : 0;
	r->allocs_per_pkt = packets ? (double)r->allocs / packets : 0;
	r->frees_per_pkt = packets ? (double)r->frees / packets : 0;
	if (p)
		hist_delta(&r->life, &c->life, &p->life);
	else
		r->life = c->life;
	r->life_unbinned = c->st.life_unbinned - (p ? p->st.life_unbinned : 0);
	exact_window(r, c, p);
	ksyms_format(s->ksyms, c->key.call_site, r->sym, sizeof(r->sym));
	snprintf(r->func, sizeof(r->func), "%s", sym ? sym->name : "?");
	snprintf(r->module, sizeof(r->module), "%s", sym ? sym->module : "");
}

/* The figure a LIFE P50/P99 cell shows (fmt_life), as a number to sort by. */
static double life_value(const struct site_row *r, double p)
{
	if (r->nlife_exact > 0)
		return samples_percentile(r->life_exact, r->nlife_exact, p);
	return hist_percentile(&r->life, p);
}

/* A call-site row's value in the --sort column; activity by default. */
static double site_value(const struct site_row *r, int sort)
{
	switch (sort) {
	case SORT_P50: return life_value(r, 50);
	case SORT_P99: return life_value(r, 99);
	case SORT_ALLOCS: return r->allocs;
	case SORT_FREES: return r->frees;
	case SORT_BYTES: return r->bytes_req;
	case SORT_FAILED: return r->failed;
	case SORT_OUTSTANDING: return r->outstanding;
	default: return (double)(r->allocs + r->frees + r->failed);
	}
}

/* Largest first; ties busiest first, then by name. */
static int cmp_rows(const void *a, const void *b, void *sort)
{
	const struct site_row *x = a, *y = b;
	double sx = site_value(x, *(int *)sort), sy = site_value(y, *(int *)sort);
	uint64_t vx = x->allocs + x->frees + x->failed, vy = y->allocs + y->frees + y->failed;

	if (sx != sy)
		return sx < sy ? 1 : -1;
	return vx < vy ? 1 : vx > vy ? -1 : strcmp(x->sym, y->sym);
}

/* A function row's value in the --sort column; NAN: keep the given order. */
static double func_value(const struct func_row *r, int sort)
{
	switch (sort) {
	case SORT_CALLS: return r->calls;
	case SORT_AVG: return r->avg_ns;
	case SORT_P50: return hist_percentile(&r->hist, 50);
	case SORT_P90: return hist_percentile(&r->hist, 90);
	case SORT_P99: return hist_percentile(&r->hist, 99);
	default: return NAN;
	}
}

/* Largest first, the order given among equals (slot index). */
static int cmp_funcs(const void *a, const void *b, void *sort)
{
	const struct func_row *x = a, *y = b;
	double vx = func_value(x, *(int *)sort), vy = func_value(y, *(int *)sort);

	if (!isnan(vx) && vx != vy)
		return vx < vy ? 1 : -1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* Active sites of the window, busiest first; caller frees. */
static struct site_row *site_rows(struct trace_session *s, const struct trace_snapshot *cur,
				  const struct trace_snapshot *prev, double dt, uint64_t packets, int *n)
{
	struct site_row *rows = calloc(cur->nsites ? cur->nsites : 1, sizeof(*rows));

	*n = 0;
	if (!rows)
		return NULL;
	for (int i = 0; i < cur->nsites; i++) {
		site_row(&rows[*n], s, &cur->sites[i], prev, dt, packets);
		if (rows[*n].allocs || rows[*n].frees || rows[*n].failed)
			(*n)++;
	}
	qsort_r(rows, *n, sizeof(*rows), cmp_rows, &s->o.sort);
	return rows;
}

void trace_print_text(FILE *out, struct trace_session *s, const struct trace_snapshot *cur,
		      const struct trace_snapshot *prev, double dt, uint64_t packets, bool final)
{
	char p50[16], p90[16], p99[16], avg[16];
	struct func_row *frows = NULL;
	struct site_row *rows;
	int nrows;

	if (final)
		fprintf(out, "\n--- trace summary (%.2f s, %s) ---\n", dt, s->header);
	if (s->nslots && (frows = calloc(s->nslots, sizeof(*frows)))) {
		for (int i = 0; i < s->nslots; i++)
			func_row(&frows[i], &s->slots[i], &cur->f[i], prev ? &prev->f[i] : NULL, dt, packets);
		qsort_r(frows, s->nslots, sizeof(*frows), cmp_funcs, &s->o.sort);
		fprintf(out, "%-28s %10s %12s %9s %9s %9s %9s%s\n", "FUNCTION", "CALLS", "CALLS/s", "AVG", "P50",
			"P90", "P99", packets ? "   CALLS/PKT" : "");
		for (int i = 0; i < s->nslots; i++) {
			const struct func_row *fr = &frows[i];

			if (fr->slot->kind == SLOT_TP) {
				fprintf(out, "%-28.28s %10llu %12.0f %9s %9s %9s %9s", fr->slot->name,
					(unsigned long long)fr->calls, fr->rate, "-", "-", "-", "-");
			} else {
				fmt_ns(avg, sizeof(avg), fr->avg_ns);
				fmt_ns(p50, sizeof(p50), hist_percentile(&fr->hist, 50));
				fmt_ns(p90, sizeof(p90), hist_percentile(&fr->hist, 90));
				fmt_ns(p99, sizeof(p99), hist_percentile(&fr->hist, 99));
				if (fr->calls && hist_sparse(&fr->hist)) {	/* too few for a log2 bucket to say */
					snprintf(p50, sizeof(p50), "n=%llu", (unsigned long long)fr->calls);
					snprintf(p90, sizeof(p90), "-");
					snprintf(p99, sizeof(p99), "-");
				}
				fprintf(out, "%-28.28s %10llu %12.0f %9s %9s %9s %9s", fr->slot->name,
					(unsigned long long)fr->calls, fr->rate, avg, p50, p90, p99);
			}
			if (packets)
				fprintf(out, " %11.4f", fr->per_pkt);
			fputc('\n', out);
			if (fr->missed)
				fprintf(out, "  ^ the kernel missed %llu events of %s before its programs ran (kprobe re-entry or BPF recursion): CALLS is low by up to that\n",
					(unsigned long long)fr->missed, fr->slot->name);
			if ((final || s->o.hist) && fr->slot->kind == SLOT_FUNC && fr->calls) {
				fprintf(out, "\n%s latency:\n", fr->slot->name);
				hist_print(out, &fr->hist, "nsecs");
				fputc('\n', out);
			}
		}
		free(frows);
	}
	if (s->lpi)
		lpi_print_text(out, s, &cur->lpi, prev ? &prev->lpi : NULL, dt);
	if (s->o.zerocopy)
		zc_print_text(out, s, &cur->zc, prev ? &prev->zc : NULL, dt, final || s->o.hist);
	if (s->km && (rows = site_rows(s, cur, prev, dt, packets, &nrows))) {
		fprintf(out, "%-44s %-6s %10s %10s %9s %9s %7s %8s %9s %9s%s\n", "CALL SITE", "KIND", "ALLOCS", "FREES",
			"ALLOCS/s", "BYTES", "FAILED", "OUTSTND", "LIFE P50", "LIFE P99",
			packets ? "  ALLOC/PKT  FREE/PKT" : "");
		for (int i = 0; i < nrows && i < (int)s->o.top; i++) {
			struct site_row *r = &rows[i];

			fmt_life(p50, sizeof(p50), r, 50);
			fmt_life(p99, sizeof(p99), r, 99);
			fprintf(out, "%-44.44s %-6s %10llu %10llu %9.0f %9llu %7llu %8llu %9s %9s", r->sym,
				r->cur->key.kind == KMEM_CACHE ? "cache" : "kmalloc",
				(unsigned long long)r->allocs, (unsigned long long)r->frees, r->alloc_rate,
				(unsigned long long)r->bytes_req, (unsigned long long)r->failed,
				(unsigned long long)r->outstanding,
				p50, p99);
			if (packets)
				fprintf(out, " %10.4f %9.4f", r->allocs_per_pkt, r->frees_per_pkt);
			fputc('\n', out);
		}
		if (nrows > (int)s->o.top)
			fprintf(out, "  (%d more call sites: --top N)\n", nrows - (int)s->o.top);
		free(rows);
	}
	fflush(out);
}

void trace_json_fields(struct json_writer *w, struct trace_session *s, const struct trace_snapshot *cur,
		       const struct trace_snapshot *prev, double dt, uint64_t packets)
{
	struct site_row *rows;
	int nrows;

	json_kv_str(w, "tier", tier_names[s->tier]);
	json_kv_u64(w, "map_bytes", s->map_bytes);
	json_kv_u64(w, "map_bytes_256cpu", s->map_bytes_256cpu);
	json_key(w, "blind");
	json_arr_begin(w);
	for (int i = 0; i < s->nblind; i++)
		json_str(w, s->blind[i]);
	json_arr_end(w);
	json_key(w, "functions");
	json_arr_begin(w);
	for (int i = 0; i < s->nslots; i++) {
		struct func_row fr;

		func_row(&fr, &s->slots[i], &cur->f[i], prev ? &prev->f[i] : NULL, dt, packets);
		json_obj_begin(w);
		json_kv_str(w, "name", fr.slot->name);
		json_kv_str(w, "kind", fr.slot->kind == SLOT_TP ? "tracepoint" : "function");
		if (fr.slot->kind == SLOT_FUNC)
			json_kv_str(w, "tier", tier_names[fr.slot->tier]);
		json_kv_u64(w, "calls", fr.calls);
		json_kv_double(w, "calls_per_s", fr.rate);
		if (packets)
			json_kv_double(w, "calls_per_pkt", fr.per_pkt);
		if (fr.slot->kind == SLOT_FUNC) {
			json_kv_double(w, "lat_ns_avg", fr.avg_ns);
			hist_json(w, "lat_ns", &fr.hist, true);
			json_kv_u64(w, "lost_entries", fr.lost);
		}
		json_kv_u64(w, "missed", fr.missed);
		json_obj_end(w);
	}
	json_arr_end(w);
	if (s->lpi)
		lpi_json(w, s, &cur->lpi, prev ? &prev->lpi : NULL, dt);
	if (s->o.zerocopy)
		zc_json(w, s, &cur->zc, prev ? &prev->zc : NULL, dt);
	if (!s->km)
		return;
	json_key(w, "kmalloc_sites");
	json_arr_begin(w);
	rows = site_rows(s, cur, prev, dt, packets, &nrows);
	for (int i = 0; rows && i < nrows && i < (int)s->o.top; i++) {
		struct site_row *r = &rows[i];

		json_obj_begin(w);
		json_kv_str(w, "site", r->sym);
		json_kv_str(w, "func", r->func);
		json_kv_str(w, "module", r->module);
		json_kv_str(w, "kind", r->cur->key.kind == KMEM_CACHE ? "kmem_cache" : "kmalloc");
		json_kv_u64(w, "allocs", r->allocs);
		json_kv_u64(w, "frees", r->frees);
		json_kv_double(w, "allocs_per_s", r->alloc_rate);
		json_kv_double(w, "frees_per_s", r->free_rate);
		if (packets) {
			json_kv_double(w, "allocs_per_pkt", r->allocs_per_pkt);
			json_kv_double(w, "frees_per_pkt", r->frees_per_pkt);
		}
		json_kv_u64(w, "bytes_req", r->bytes_req);
		json_kv_u64(w, "bytes_alloc", r->bytes_alloc);
		json_kv_u64(w, "failed", r->failed);
		json_kv_u64(w, "failed_bytes_req", r->failed_bytes_req);
		json_kv_u64(w, "outstanding", r->outstanding);
		json_kv_u64(w, "lifetime_samples", hist_count(&r->life));
		hist_json_exact(w, "lifetime_ns", &r->life, r->life_exact, r->nlife_exact);
		hist_json_buckets(w, "lifetime_ns", &r->life);
		json_kv_u64(w, "lifetime_unbinned", r->life_unbinned);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "kmalloc_sites_active", rows ? nrows : 0);
	free(rows);
}
