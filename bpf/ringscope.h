/* Types shared by the BPF programs and user space: map keys and values.
 * Both sides see the same layout, and the BPF objects carry them as BTF so
 * `bpftool map dump pinned …` prints named fields. */
#ifndef RINGSCOPE_H
#define RINGSCOPE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>	/* user space; BPF gets __u64 from vmlinux.h */
#endif

#define RS_HIST_SLOTS 64	/* log2 buckets: slot i counts values in [2^(i-1), 2^i) */
#define RS_MAX_QUEUES 64	/* XSKMAP size and per-queue counter slots */
#define RS_MAX_FUNCS 16		/* functions one `trace` run can attach to */

/* Per RX queue counters of the XSK redirect program (PERCPU_ARRAY, key = queue). */
struct xsk_queue_stats {
	__u64 packets;		/* frames seen by the XDP program on this queue */
	__u64 redirected;	/* handed to the AF_XDP socket */
	__u64 passed;		/* no socket bound: left to the stack */
	__u64 bytes;
};

/* Per traced function (PERCPU_ARRAY, key = slot of the function in this run). */
struct func_stats {
	__u64 calls;		/* completed calls (entry matched with return) */
	__u64 total_ns;
	__u64 lost_entries;	/* entry timestamps dropped: map full */
	__u64 hist[RS_HIST_SLOTS];	/* latency, log2 ns */
};

/* Key of the in-flight entry timestamp of one call. */
struct func_entry_key {
	__u32 tid;
	__u32 slot;
};

/* kmalloc churn per call site (PERCPU_HASH, key = call site address). */
struct kmem_site_stats {
	__u64 allocs;		/* kmalloc/kmem_cache_alloc calls made from this site */
	__u64 frees;		/* kfree/kmem_cache_free calls made from this site */
	__u64 bytes_req;
	__u64 bytes_alloc;
	__u64 freed_objs;	/* objects allocated here and freed (anywhere) during the run */
	__u64 lifetime_hist[RS_HIST_SLOTS];	/* alloc -> free, log2 ns */
};

/* An object allocated during the run and not yet freed (HASH, key = pointer). */
struct kmem_live_obj {
	__u64 site;		/* allocation call site */
	__u64 ts_ns;
	__u32 kind;		/* enum kmem_kind of the allocation */
	__u32 pad;
};

/* kmalloc churn map key: the call site address, and which family it was. */
enum kmem_kind { KMEM_KMALLOC = 0, KMEM_CACHE = 1 };
struct kmem_site_key {
	__u64 call_site;
	__u32 kind;		/* enum kmem_kind */
	__u32 pad;
};

/* KVM arm64 LPI injection (lpi.bpf.c), one PERCPU_ARRAY entry. */
struct lpi_stats {
	__u64 cached_calls;	/* vgic_its_inject_cached_translation returns */
	__u64 hits;		/* ... that returned 0 */
	__u64 misses;		/* ... that returned non-zero (-EWOULDBLOCK) */
	__u64 slow_injections;	/* vgic_its_inject_msi: full ITS walk */
	__u64 irqfd_wakeups;
	__u64 contentions;	/* lock:contention_begin inside irqfd_wakeup */
	__u64 contention_ns;
	__u64 inject_hist[RS_HIST_SLOTS];		/* cached injection latency, ns */
	__u64 wakeup_hist[RS_HIST_SLOTS];		/* irqfd_wakeup latency, ns */
	__u64 wakeup_to_inject_hist[RS_HIST_SLOTS];	/* irqfd_wakeup entry -> injection done, ns */
	__u64 contention_hist[RS_HIST_SLOTS];	/* contention_begin -> end, ns */
};

static inline unsigned int rs_log2_slot(__u64 v)
{
	unsigned int slot = 0;

	/* Branchy log2 the verifier accepts: slot = number of significant bits. */
	if (v >> 32) { v >>= 32; slot += 32; }
	if (v >> 16) { v >>= 16; slot += 16; }
	if (v >> 8)  { v >>= 8;  slot += 8; }
	if (v >> 4)  { v >>= 4;  slot += 4; }
	if (v >> 2)  { v >>= 2;  slot += 2; }
	if (v >> 1)  { v >>= 1;  slot += 1; }
	return slot + (unsigned int)v;	/* 0 -> 0, 1 -> 1, 2..3 -> 2, ... */
}

#endif
