/* The tracing engine behind `trace` and `run`: function latency (funclat.bpf.c)
 * in the best tier the kernel allows, tracepoint counters, and kmalloc churn
 * per call site (kmem.bpf.c). */
#ifndef RS_TRACE_H
#define RS_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include "bpf/ringscope.h"
#include "cpu_array.h"
#include "hist.h"
#include "json.h"
#include "ksyms.h"
#include "probe.h"

#define TIER_AUTO (-1)

/* --sort: the column the text tables are ordered by, largest first (the
 * function table: calls..p99; the call-site table: p50, p99 and allocs..).
 * SORT_DEFAULT: functions in the order given, sites busiest first. */
enum trace_sort {
	SORT_DEFAULT = -1,
	SORT_CALLS, SORT_AVG, SORT_P50, SORT_P90, SORT_P99,
	SORT_ALLOCS, SORT_FREES, SORT_BYTES, SORT_FAILED, SORT_OUTSTANDING,
};
#define TRACE_SORT_CHOICES "calls,avg,p50,p90,p99,allocs,frees,bytes,failed,outstanding"

struct trace_opts {
	const char *funcs;	/* -f: comma list of names and globs */
	const char *preset;	/* -p: comma list of presets */
	const char *tps;	/* -t: comma list of raw tracepoints to count */
	const char *site_func;	/* --site: only kmalloc calls made from this function */
	const char *comm;
	bool kmalloc, slab, no_lifetime, hist, lpi, zerocopy, include_self;
	int tier;		/* TIER_AUTO or enum tier */
	int cpu;		/* -1: all */
	uint32_t top;
	int sort;		/* enum trace_sort */
	const char *path;	/* --path NAME: per-packet hop latency (trace_path.h) */
	uint64_t path_samples;	/* --path-samples N: packets with seq < N as path_sample lines */
};

enum slot_kind { SLOT_FUNC, SLOT_TP };

struct bpf_link;
struct trace_slot {
	char name[64];
	enum slot_kind kind;
	enum tier tier;		/* SLOT_FUNC: fentry or kprobe */
	bool required;		/* named with -f: an error, not a skip, if unusable */
	struct bpf_link *link[2];	/* entry (or tracepoint) and exit links, owned by the session */
};

struct func_snap {
	uint64_t calls, total_ns, lost;
	uint64_t missed;	/* events the kernel did not hand to this slot's programs (link_missed) */
	struct rs_hist hist;
};

struct site_snap {
	struct kmem_site_key key;
	struct kmem_site_stats st;	/* first_lifetimes_ns unused: life_exact holds them */
	struct rs_hist life;		/* alloc -> free lifetimes, ns (kmem_life) */
	uint64_t life_exact[RS_RESERVOIR];	/* every lifetime so far, while freed_objs <= RS_RESERVOIR */
	int nlife_exact;		/* how many, or -1 when there are more */
};

struct trace_snapshot {
	struct func_snap f[RS_MAX_FUNCS];
	struct site_snap *sites;	/* sorted by key */
	int nsites;
	struct lpi_stats lpi;
	struct zc_stats zc;
};

struct trace_session {
	struct trace_opts o;
	enum tier tier;
	struct kernel_caps caps;
	struct ksyms *ksyms;
	struct funclat_bpf *fl;
	struct kmem_bpf *km;
	struct lpi_bpf *lpi;
	struct zerocopy_bpf *zc;
	struct cpu_array fl_rows, km_life, lpi_rows, zc_rows;	/* mmap-ed map values */
	unsigned int zc_paths;	/* enum zc_path bits attached */
	char zc_note[640];	/* what --zerocopy could not attach, and why */
	struct bpf_link *links[2 * RS_MAX_FUNCS + 16];
	int nlinks;
	struct trace_slot slots[RS_MAX_FUNCS];
	int nslots;
	bool kmalloc;
	char pin_dir[256];
	const char *blind[8];	/* what the presets' paths hide from this tier (trace_presets.c) */
	int nblind;
	uint64_t map_bytes, map_bytes_256cpu;	/* kernel memory the maps lock: here, on 256 CPUs */
	char header[1536];	/* tier, what is traced how, and the blind spots: printed first */
};

void trace_opts_defaults(struct trace_opts *o);
/* Refuse options that cannot match anything (one error line, -EINVAL), before
 * anything is loaded: --cpu beyond this machine, a kmalloc filter without the
 * kmalloc view, more than one --site, --hist with --json. (trace_opts.c) */
int trace_opts_check(const struct trace_opts *o);
/* Something for a trace session to attach besides --path (-f, -p, -t,
 * --kmalloc, --lpi, --zerocopy). */
bool trace_opts_has_views(const struct trace_opts *o);
/* One of the presets in this comma list turns on the kmalloc view. */
bool trace_preset_kmalloc(const char *list);
/* Resolve, load, attach and (if pin) pin; one error line and -errno on failure,
 * with nothing left attached. */
int trace_session_open(struct trace_session *s, const struct trace_opts *o, bool pin);
void trace_session_close(struct trace_session *s);
/* The session's own BPF run time so far, ns, all its programs (moves only
 * while BPF_ENABLE_STATS or kernel.bpf_stats_enabled is on); 0 for NULL. */
uint64_t trace_session_run_time_ns(struct trace_session *s);
bool trace_session_active(const struct trace_session *s);
int trace_snapshot(struct trace_session *s, struct trace_snapshot *snap);
void trace_snapshot_free(struct trace_snapshot *snap);

/* Render cur - prev over dt seconds; packets > 0 adds per-packet figures. */
void trace_print_text(FILE *out, struct trace_session *s, const struct trace_snapshot *cur,
		      const struct trace_snapshot *prev, double dt, uint64_t packets, bool final);
void trace_json_fields(struct json_writer *w, struct trace_session *s, const struct trace_snapshot *cur,
		       const struct trace_snapshot *prev, double dt, uint64_t packets);

#define TRACE_OPT_ROWS(t) \
	{ "func", 'f', OPT_LIST, &(t).funcs, 0, 0, NULL, "LIST", "kernel functions to time: names and globs, comma-separated" }, \
	{ "preset", 'p', OPT_LIST, &(t).preset, 0, 0, NULL, "LIST", "virtio-tx, virtio-lab, xsk-tx, kmalloc (list: what each traces per tier)" }, \
	{ "tracepoint", 't', OPT_LIST, &(t).tps, 0, 0, NULL, "LIST", "raw tracepoints to count, e.g. net_dev_xmit,napi_poll" }, \
	{ "kmalloc", 'k', OPT_FLAG, &(t).kmalloc, 0, 0, NULL, NULL, "kmalloc/kfree churn per call site" }, \
	{ "slab", 0, OPT_FLAG, &(t).slab, 0, 0, NULL, NULL, "with --kmalloc: also kmem_cache_alloc/free" }, \
	{ "no-lifetime", 0, OPT_FLAG, &(t).no_lifetime, 0, 0, NULL, NULL, "with --kmalloc: count only, no alloc->free lifetimes" }, \
	{ "tier", 0, OPT_CHOICE, &(t).tier, 0, 0, "fentry,kprobe,tracepoint", NULL, "force a tier (default: best the kernel allows)" }, \
	{ "cpu", 0, OPT_U32, &(t).cpu, 0, 4095, NULL, "N", "only events on this CPU" }, \
	{ "comm", 0, OPT_STR, &(t).comm, 0, 0, NULL, "NAME", "with --kmalloc: only this task name" }, \
	{ "site", 0, OPT_LIST, &(t).site_func, 0, 0, NULL, "FUNC", "with --kmalloc: only calls made from FUNC (one function, and its compiler clones)" }, \
	{ "include-self", 0, OPT_FLAG, &(t).include_self, 0, 0, NULL, NULL, "with --kmalloc: also count ringscope's own map-reading thread" }, \
	{ "lpi", 0, OPT_FLAG, &(t).lpi, 0, 0, NULL, NULL, "KVM arm64 LPI translation cache hits and injection latency" }, \
	{ "zerocopy", 0, OPT_FLAG, &(t).zerocopy, 0, 0, NULL, NULL, "AF_XDP, vhost-net and MSG_ZEROCOPY submit->completion latency" }, \
	{ "hist", 0, OPT_FLAG, &(t).hist, 0, 0, NULL, NULL, "print latency histograms every interval" }, \
	{ "top", 0, OPT_U32, &(t).top, 1, 10000, NULL, "N", "call sites shown (default 10)" }, \
	{ "sort", 0, OPT_CHOICE, &(t).sort, 0, 0, TRACE_SORT_CHOICES, NULL, "order the tables by this column, largest first (default: functions as given, call sites busiest first)" }, \
	{ "path", 0, OPT_STR, &(t).path, 0, 0, NULL, "NAME", "per-packet hop latency along a data path: veth-xsk, virtio-tx, virtio-xsk, msg-zerocopy, vhost-tx (docs/hop-latency.md)" }, \
	{ "path-samples", 0, OPT_U64, &(t).path_samples, 1, 1e9, NULL, "N", "with --path --json: every hop stamp of the packets with seq < N, one path_sample line each" }

#endif
