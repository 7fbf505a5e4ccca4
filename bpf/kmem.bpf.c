// SPDX-License-Identifier: GPL-2.0
/* kmalloc churn per call site from the kmem raw tracepoints: allocations and
 * frees per call site, bytes, and the alloc -> free lifetime of every object
 * allocated while tracing, histogrammed per allocation site. The tracepoints
 * carry the call site themselves (fentry on __kmalloc would need a stack walk
 * per call to find it), and exist on every kernel ringscope targets.
 *
 * Event semantics the counts follow (docs/trace-counts.md):
 * - an alloc event with ptr == NULL is a failed allocation: counted as
 *   `failed` with the bytes requested, never as an allocation or live object;
 * - from 6.10 a kmalloc above KMALLOC_MAX_CACHE_SIZE fires kmem:kmalloc twice:
 *   first inside __kmalloc_large_node_noprof, whose call site is its caller
 *   (__kmalloc_noprof and friends, which inline __do_kmalloc_node), then at the
 *   real caller. The first ("inner") event is dropped: its call site lies in
 *   one of the inner[] ranges user space resolved from /proc/kallsyms;
 * - kfree(NULL) fires kmem:kfree too: ignored. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bpf/ringscope.h"

/* Memory that does not grow with the CPU count (docs/map-memory.md): the
 * per-site counters and the lifetime histograms are shared by all CPUs and
 * updated with atomic adds. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RS_KMEM_SITES);
	__type(key, struct kmem_site_key);
	__type(value, struct kmem_site_stats);
} kmem_sites SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RS_KMEM_LIFE_SITES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rs_bpf_hist);
} kmem_life SEC(".maps");

/* Lifetime histograms handed out so far (the next free kmem_life index). */
__u32 life_next = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RS_KMEM_LIVE);
	__type(key, __u64);
	__type(value, struct kmem_live_obj);
} kmem_live SEC(".maps");

/* Filters, set by user space before load. */
const volatile __s32 filter_cpu = -1;
/* --site FUNC: [lo, hi) of FUNC and each of its compiler clones. */
const volatile __u32 site_n = 0;
const volatile __u64 site_lo[RS_KMEM_RANGES_MAX] = {}, site_hi[RS_KMEM_RANGES_MAX] = {};
const volatile char filter_comm[16] = {};
const volatile bool track_lifetime = true;
/* The thread that loads and reads these maps (0: none): its own map reads
 * allocate (bpf syscalls), and would show up as the top call sites. */
const volatile __u32 self_tid = 0;
/* Inner kmalloc entry functions: [lo, hi) each, and the size above which
 * their large path (the only one that fires an inner event) is taken. */
const volatile __u32 inner_n = 0;
const volatile __u64 inner_lo[RS_KMEM_RANGES_MAX] = {}, inner_hi[RS_KMEM_RANGES_MAX] = {};
const volatile __u64 inner_min_bytes = ~0ULL;

/* The last inner event dropped on this CPU: the next event with the same
 * pointer and size is its pair, counted wherever it lies (6.12's kvmalloc
 * calls __kmalloc_node_noprof out of line, so its outer event lies in an
 * inner range itself). The pair clears it. */
struct inner_ev {
	__u64 ptr, bytes_req;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct inner_ev);
} kmem_inner_last SEC(".maps");

static __always_inline bool filtered(__u64 call_site)
{
	if (self_tid && (__u32)bpf_get_current_pid_tgid() == self_tid)
		return true;
	if (filter_cpu >= 0 && bpf_get_smp_processor_id() != filter_cpu)
		return true;
	if (site_n) {
		bool in = false;

		for (__u32 i = 0; i < RS_KMEM_RANGES_MAX && i < site_n; i++)
			if (call_site >= site_lo[i] && call_site < site_hi[i])
				in = true;
		if (!in)
			return true;
	}
	if (filter_comm[0]) {
		char comm[16];

		bpf_get_current_comm(comm, sizeof(comm));
		for (int i = 0; i < 16; i++) {
			if (comm[i] != filter_comm[i])
				return true;
			if (!comm[i])
				break;
		}
	}
	return false;
}

/* The site's stats, created on first use; an allocation site (alloc) gets a
 * lifetime histogram with it. A call site address is either an allocation
 * or a free call, never both. */
static __always_inline struct kmem_site_stats *site_stats(__u64 call_site, __u32 kind, bool alloc)
{
	struct kmem_site_key key = { .call_site = call_site, .kind = kind };
	struct kmem_site_stats *st = bpf_map_lookup_elem(&kmem_sites, &key);

	struct kmem_site_stats init = {};
	__u32 idx;

	if (st)
		return st;
	/* A new site: the next lifetime histogram, while there are any. Two
	 * CPUs racing on one new site may use up an index for nothing. */
	if (alloc && track_lifetime) {
		idx = __sync_fetch_and_add(&life_next, 1);
		if (idx < RS_KMEM_LIFE_SITES)
			init.life_idx = idx + 1;
	}
	bpf_map_update_elem(&kmem_sites, &key, &init, BPF_NOEXIST);
	return bpf_map_lookup_elem(&kmem_sites, &key);
}

/* True for the first of the two events of one large kmalloc. */
static __always_inline bool inner_event(__u64 call_site, __u64 ptr, __u64 req)
{
	struct inner_ev *last;
	__u32 zero = 0;
	bool in = false;

	if (req <= inner_min_bytes || !(last = bpf_map_lookup_elem(&kmem_inner_last, &zero)))
		return false;
	if (last->ptr == ptr && last->bytes_req == req) {
		/* The second event of the pair, at the caller (or in a wrapper
		 * that lies in an inner range itself): counted, and forgotten so
		 * a later allocation reusing the pointer is not taken for it. */
		last->bytes_req = 0;
		return false;
	}
	for (__u32 i = 0; i < RS_KMEM_RANGES_MAX && i < inner_n; i++)
		if (call_site >= inner_lo[i] && call_site < inner_hi[i])
			in = true;
	if (!in)
		return false;
	last->ptr = ptr;
	last->bytes_req = req;
	return true;
}

static __always_inline void on_alloc(__u64 call_site, __u64 ptr, __u64 req, __u64 alloc, __u32 kind)
{
	struct kmem_site_stats *st;

	if (kind == KMEM_KMALLOC && inner_event(call_site, ptr, req))
		return;
	if (filtered(call_site))
		return;
	st = site_stats(call_site, kind, true);
	if (!st)
		return;
	if (!ptr) {
		__sync_fetch_and_add(&st->failed, 1);
		__sync_fetch_and_add(&st->failed_bytes_req, req);
		return;
	}
	__sync_fetch_and_add(&st->allocs, 1);
	__sync_fetch_and_add(&st->bytes_req, req);
	__sync_fetch_and_add(&st->bytes_alloc, alloc);
	if (track_lifetime) {
		struct kmem_live_obj obj = { .site = call_site, .ts_ns = bpf_ktime_get_ns(), .kind = kind };

		bpf_map_update_elem(&kmem_live, &ptr, &obj, BPF_ANY);
	}
}

static __always_inline void on_free(__u64 call_site, __u64 ptr, __u32 kind)
{
	struct kmem_site_stats *st;
	struct kmem_live_obj *obj;

	if (!ptr)	/* kfree(NULL) fires the tracepoint too */
		return;
	if (track_lifetime && (obj = bpf_map_lookup_elem(&kmem_live, &ptr))) {
		/* Lifetime goes to the site that allocated the object. */
		__u64 delta = bpf_ktime_get_ns() - obj->ts_ns;
		struct kmem_site_key key = { .call_site = obj->site, .kind = obj->kind };
		struct kmem_site_stats *ast = bpf_map_lookup_elem(&kmem_sites, &key);

		if (ast) {
			__u64 n = __sync_fetch_and_add(&ast->freed_objs, 1);
			__u32 li = ast->life_idx - 1;
			struct rs_bpf_hist *life;

			/* Exact values while few: percentiles of a bucket would
			 * print an interpolation for a lone sample. */
			if (n < RS_RESERVOIR)
				ast->first_lifetimes_ns[n & (RS_RESERVOIR - 1)] = delta;
			if (ast->life_idx && (life = bpf_map_lookup_elem(&kmem_life, &li)))
				rs_hist_inc_shared(life, delta);
			else
				__sync_fetch_and_add(&ast->life_unbinned, 1);
		}
		bpf_map_delete_elem(&kmem_live, &ptr);
	}
	if (filtered(call_site))
		return;
	st = site_stats(call_site, kind, false);
	if (st)
		__sync_fetch_and_add(&st->frees, 1);
}

SEC("raw_tp/kmalloc")
int BPF_PROG(kmalloc, unsigned long call_site, const void *ptr, size_t bytes_req, size_t bytes_alloc)
{
	on_alloc(call_site, (__u64)ptr, bytes_req, bytes_alloc, KMEM_KMALLOC);
	return 0;
}

SEC("raw_tp/kfree")
int BPF_PROG(kfree, unsigned long call_site, const void *ptr)
{
	on_free(call_site, (__u64)ptr, KMEM_KMALLOC);
	return 0;
}

SEC("raw_tp/kmem_cache_alloc")
int BPF_PROG(kmem_cache_alloc, unsigned long call_site, const void *ptr, struct kmem_cache *s)
{
	__u64 size = s ? BPF_CORE_READ(s, object_size) : 0;

	on_alloc(call_site, (__u64)ptr, size, s ? BPF_CORE_READ(s, size) : 0, KMEM_CACHE);
	return 0;
}

SEC("raw_tp/kmem_cache_free")
int BPF_PROG(kmem_cache_free, unsigned long call_site, const void *ptr)
{
	on_free(call_site, (__u64)ptr, KMEM_CACHE);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
