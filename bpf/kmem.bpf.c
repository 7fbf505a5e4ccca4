// SPDX-License-Identifier: GPL-2.0
/* kmalloc churn per call site from the kmem raw tracepoints: allocations and
 * frees per call site, bytes, and the alloc -> free lifetime of every object
 * allocated while tracing, histogrammed per allocation site. The tracepoints
 * carry the call site themselves (fentry on __kmalloc would need a stack walk
 * per call to find it), and exist on every kernel ringscope targets. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bpf/ringscope.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct kmem_site_key);
	__type(value, struct kmem_site_stats);
} kmem_sites SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__type(key, __u64);
	__type(value, struct kmem_live_obj);
} kmem_live SEC(".maps");

/* Filters, set by user space before load. */
const volatile __s32 filter_cpu = -1;
const volatile __u64 filter_site_lo = 0, filter_site_hi = 0;	/* [lo, hi) of one function */
const volatile char filter_comm[16] = {};
const volatile bool track_lifetime = true;

static const struct kmem_site_stats zero_stats;

static __always_inline bool filtered(__u64 call_site)
{
	if (filter_cpu >= 0 && bpf_get_smp_processor_id() != filter_cpu)
		return true;
	if (filter_site_hi && (call_site < filter_site_lo || call_site >= filter_site_hi))
		return true;
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

static __always_inline struct kmem_site_stats *site_stats(__u64 call_site, __u32 kind)
{
	struct kmem_site_key key = { .call_site = call_site, .kind = kind };
	struct kmem_site_stats *st = bpf_map_lookup_elem(&kmem_sites, &key);

	if (st)
		return st;
	bpf_map_update_elem(&kmem_sites, &key, &zero_stats, BPF_NOEXIST);
	return bpf_map_lookup_elem(&kmem_sites, &key);
}

static __always_inline void on_alloc(__u64 call_site, __u64 ptr, __u64 req, __u64 alloc, __u32 kind)
{
	struct kmem_site_stats *st;

	if (filtered(call_site))
		return;
	st = site_stats(call_site, kind);
	if (!st)
		return;
	st->allocs++;
	st->bytes_req += req;
	st->bytes_alloc += alloc;
	if (track_lifetime && ptr) {
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
			ast->freed_objs++;
			rs_hist_inc(ast->lifetime_hist, delta);
		}
		bpf_map_delete_elem(&kmem_live, &ptr);
	}
	if (filtered(call_site))
		return;
	st = site_stats(call_site, kind);
	if (st)
		st->frees++;
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
