#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hist.h"
#include "log.h"
#include "trace.h"
#include "trace_lpi.h"
#include "bpf/lpi_cache.h"
#include "u64s.h"
#include "lpi.skel.h"

int lpi_open(struct trace_session *s)
{
	bool fentry = s->tier == TIER_FENTRY;
	struct bpf_program *p;
	struct lpi_bpf *skel;
	int err;

	if (!ksyms_by_name(s->ksyms, "vgic_its_inject_cached_translation")) {
		rs_err("no vgic_its_inject_cached_translation in this kernel: --lpi needs an arm64 KVM host with a vgic ITS (make vm-run ARCH=arm64)");
		return -ENOENT;
	}
	if (s->tier == TIER_TRACEPOINT) {
		rs_err("--lpi needs fentry or kprobes (the ITS cache has no tracepoint), and this kernel has neither");
		return -EOPNOTSUPP;
	}
	skel = lpi_bpf__open();
	if (!skel)
		return -errno;
	s->lpi = skel;
	bpf_object__for_each_program(p, skel->obj) {
		const char *sec = bpf_program__section_name(p);
		bool is_fentry = !strncmp(sec, "fentry", 6) || !strncmp(sec, "fexit", 5);
		bool is_kprobe = !strncmp(sec, "kprobe", 6) || !strncmp(sec, "kretprobe", 9);

		if (is_fentry || is_kprobe)
			bpf_program__set_autoload(p, fentry ? is_fentry : is_kprobe);
	}
	if ((err = cpu_array_size(skel->maps.lpi_stats, 1)))
		return err;
	err = lpi_bpf__load(skel);
	if (err) {
		rs_err("cannot load the LPI programs (%s tier): %s", tier_names[s->tier], strerror(-err));
		return err;
	}
	if ((err = cpu_array_open(&s->lpi_rows, skel->maps.lpi_stats, 1, true)))
		return err;
	bpf_object__for_each_program(p, skel->obj) {
		struct bpf_link *l;

		if (!bpf_program__autoload(p))
			continue;
		l = bpf_program__attach(p);
		if (!l) {
			err = -errno;
			if (!strncmp(bpf_program__section_name(p), "raw_tp/contention", 17)) {
				/* Older kernels lack lock:contention_*: hits still count. */
				rs_note("lock contention tracepoints unavailable (%s): contention not counted", strerror(-err));
				continue;
			}
			rs_err("cannot attach %s: %s", bpf_program__section_name(p), strerror(-err));
			return err;
		}
		s->links[s->nlinks++] = l;
	}
	return 0;
}

void lpi_close(struct trace_session *s)
{
	cpu_array_close(&s->lpi_rows);
	lpi_bpf__destroy(s->lpi);
	s->lpi = NULL;
}

struct bpf_object *lpi_object(struct trace_session *s)
{
	return s->lpi ? s->lpi->obj : NULL;
}

struct bpf_map *lpi_stats_map(struct trace_session *s)
{
	return s->lpi->maps.lpi_stats;
}

int lpi_snapshot(struct trace_session *s, struct lpi_stats *out)
{
	return cpu_array_sum(&s->lpi_rows, 0, out);
}

static const char *const cache_kind_names[] = { "unknown", "lru", "sharded-lru", "xarray" };

/* The cache of the last VM that injected; kind unknown before any did. */
static struct lpi_cache_shape cache_shape(struct trace_session *s)
{
	struct lpi_cache_shape sh = {};
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(s->lpi->maps.lpi_cache_shape), &zero, &sh) || sh.kind > LPI_CACHE_XARRAY)
		sh.kind = LPI_CACHE_UNKNOWN;
	return sh;
}

static void delta(struct lpi_stats *d, const struct lpi_stats *cur, const struct lpi_stats *prev)
{
	u64s_sub(d, cur, prev, sizeof(*d));
}

void lpi_print_text(FILE *out, struct trace_session *s, const struct lpi_stats *cur, const struct lpi_stats *prev,
		    double dt)
{
	struct lpi_cache_shape sh = cache_shape(s);
	struct lpi_stats d;
	struct rs_hist inj, wk, w2i;

	delta(&d, cur, prev);
	inj = hist_from_bpf(&d.inject_hist);
	wk = hist_from_bpf(&d.wakeup_hist);
	w2i = hist_from_bpf(&d.wakeup_to_inject_hist);
	fprintf(out, "LPI: %llu cached injections (%.0f/s), hits %llu misses %llu (hit ratio %.4f), slow path %llu, irqfd wakeups %llu, contentions %llu\n",
		(unsigned long long)d.cached_calls, dt > 0 ? d.cached_calls / dt : 0,
		(unsigned long long)d.hits, (unsigned long long)d.misses,
		d.cached_calls ? (double)d.hits / d.cached_calls : 0, (unsigned long long)d.slow_injections,
		(unsigned long long)d.irqfd_wakeups, (unsigned long long)d.contentions);
	fprintf(out, "     cached injection p50 %.0f ns p99 %.0f ns; irqfd_wakeup -> injected p50 %.0f ns p99 %.0f ns; irqfd_wakeup p50 %.0f ns p99 %.0f ns\n",
		hist_percentile(&inj, 50), hist_percentile(&inj, 99), hist_percentile(&w2i, 50),
		hist_percentile(&w2i, 99), hist_percentile(&wk, 50), hist_percentile(&wk, 99));
	if (sh.kind == LPI_CACHE_XARRAY)
		fprintf(out, "     translation cache: per-ITS xarray (no shards), %llu VMs seen\n", (unsigned long long)sh.vms);
	else if (sh.kind != LPI_CACHE_UNKNOWN)
		fprintf(out, "     translation cache: %s, %u shard%s (read from the VM), %llu VMs seen\n",
			cache_kind_names[sh.kind], sh.shards, sh.shards == 1 ? "" : "s", (unsigned long long)sh.vms);
}

void lpi_json(struct json_writer *w, struct trace_session *s, const struct lpi_stats *cur,
	      const struct lpi_stats *prev, double dt)
{
	struct lpi_cache_shape sh = cache_shape(s);
	struct lpi_stats d;

	delta(&d, cur, prev);
	json_key(w, "lpi");
	json_obj_begin(w);
	json_kv_u64(w, "injections", d.cached_calls);
	json_kv_double(w, "injections_per_s", dt > 0 ? d.cached_calls / dt : 0);
	json_kv_u64(w, "hits", d.hits);
	json_kv_u64(w, "misses", d.misses);
	json_kv_double(w, "hit_ratio", d.cached_calls ? (double)d.hits / d.cached_calls : 0);
	json_kv_u64(w, "slow_injections", d.slow_injections);
	json_kv_u64(w, "irqfd_wakeups", d.irqfd_wakeups);
	json_kv_u64(w, "contentions", d.contentions);
	json_kv_double(w, "contentions_per_injection", d.cached_calls ? (double)d.contentions / d.cached_calls : 0);
		hist_json_bpf(w, "inject_ns", &d.inject_hist);
	hist_json_bpf(w, "wakeup_ns", &d.wakeup_hist);
	hist_json_bpf(w, "wakeup_to_inject_ns", &d.wakeup_to_inject_hist);
	hist_json_bpf(w, "contention_ns", &d.contention_hist);
	json_kv_u64(w, "contention_total_ns", d.contention_ns);
	/* A state, not a count: its own object, so intervals still add up. */
	json_key(w, "cache");
	json_obj_begin(w);
	json_kv_str(w, "kind", cache_kind_names[sh.kind]);
	json_key(w, "shards");
	if (sh.kind == LPI_CACHE_LRU || sh.kind == LPI_CACHE_SHARDED)
		json_u64(w, sh.shards);
	else
		json_null(w);
	json_kv_u64(w, "vms", sh.vms);
	json_obj_end(w);
	json_obj_end(w);
}
