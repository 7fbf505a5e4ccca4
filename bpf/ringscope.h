/* Types shared by the BPF programs and user space: map keys and values.
 * Both sides see the same layout, and the BPF objects carry them as BTF so
 * `bpftool map dump pinned …` prints named fields. */
#ifndef RINGSCOPE_H
#define RINGSCOPE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>	/* user space; BPF gets __u64 from vmlinux.h */
#endif

/* Log-linear histograms (cf. HdrHistogram, bpftrace hist(n, k)): values below
 * 2^K have a bucket each; every power of two above, [2^m, 2^(m+1)), is split
 * into 2^K equal sub-buckets of width 2^(m-K). A bucket is at most 1/2^K of
 * its lower edge wide, so a value read from it is off by less than 1/2^K
 * (12.5 %) of itself. RS_HIST_BUCKETS cover every u64 (UINT64_MAX lands in
 * the last one); the array is RS_HIST_SLOTS long, a power of two, so a BPF
 * program can mask the index. */
#define RS_HIST_K 3
#define RS_HIST_SUB (1 << RS_HIST_K)
#define RS_HIST_BUCKETS ((64 - RS_HIST_K + 1) * RS_HIST_SUB)	/* 496 */
#define RS_HIST_SLOTS 512
#define RS_MAX_QUEUES 64	/* XSKMAP size and per-queue counter slots */
#define RS_MAX_FUNCS 16		/* functions one `trace` run can attach to */
#define RS_RESERVOIR 8		/* exact samples kept where a histogram is sparse (power of 2) */

/* A latency histogram as the BPF maps keep it: the exact sum of the values
 * counted (ns) and the log-linear buckets. All u64. */
struct rs_bpf_hist {
	__u64 sum;
	__u64 slot[RS_HIST_SLOTS];
};

/* Per RX queue counters of the XSK redirect program (PERCPU_ARRAY, key = queue). */
struct xsk_queue_stats {
	__u64 packets;		/* frames seen by the XDP program on this queue */
	__u64 redirected;	/* handed to the AF_XDP socket */
	__u64 passed;		/* no socket bound: left to the stack */
	__u64 bytes;
};

/* Per traced function and CPU (mmap-able ARRAY, key = cpu * RS_MAX_FUNCS +
 * slot of the function in this run; all u64). */
struct func_stats {
	__u64 calls;		/* completed calls (entry matched with return) */
	__u64 lost_entries;	/* entry timestamps dropped: map full */
	struct rs_bpf_hist hist;	/* latency, ns; hist.sum is the total */
};

/* Key of the in-flight entry timestamp of one call. */
struct func_entry_key {
	__u32 tid;
	__u32 slot;
};

/* kmalloc churn per call site (HASH shared by all CPUs, atomic adds, key =
 * call site address and kind): its size does not grow with the CPU count. */
struct kmem_site_stats {
	__u64 allocs;		/* kmalloc/kmem_cache_alloc calls made from this site that returned memory */
	__u64 frees;		/* kfree/kmem_cache_free calls made from this site */
	__u64 bytes_req;	/* of the allocations that returned memory */
	__u64 bytes_alloc;
	__u64 failed;		/* allocation events with ptr == NULL: the allocation failed */
	__u64 failed_bytes_req;	/* bytes those failed calls asked for */
	__u64 freed_objs;	/* objects allocated here and freed (anywhere) during the run */
	__u64 life_unbinned;	/* ... whose lifetime found no histogram: kmem_life was full */
	__u32 life_idx;		/* 1 + index of this site's lifetime histogram in kmem_life, 0: none */
	__u32 pad;
	__u64 first_lifetimes_ns[RS_RESERVOIR];	/* the first RS_RESERVOIR lifetimes, exact */
};

/* Lifetime histograms (alloc -> free, ns) of the first RS_KMEM_LIFE_SITES
 * allocation sites seen: an ARRAY shared by all CPUs, indexed by
 * kmem_site_stats.life_idx - 1 (docs/map-memory.md: why not one per site). */
#define RS_KMEM_LIFE_SITES 2048
#define RS_KMEM_SITES 16384
#define RS_KMEM_LIVE 262144

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

/* Address ranges kmem.bpf.c matches call sites against (inner kmalloc entry
 * functions; --site FUNC and its clones), resolved in user space. */
#define RS_KMEM_RANGES_MAX 16

/* KVM arm64 LPI injection (lpi.bpf.c), one mmap-able ARRAY row per CPU. */
struct lpi_stats {
	__u64 cached_calls;	/* vgic_its_inject_cached_translation returns */
	__u64 hits;		/* ... that returned 0 */
	__u64 misses;		/* ... that returned non-zero (-EWOULDBLOCK) */
	__u64 slow_injections;	/* vgic_its_inject_msi: full ITS walk */
	__u64 irqfd_wakeups;
	__u64 contentions;	/* lock:contention_begin inside irqfd_wakeup */
	__u64 contention_ns;
	struct rs_bpf_hist inject_hist;		/* cached injection latency, ns */
	struct rs_bpf_hist wakeup_hist;		/* irqfd_wakeup latency, ns */
	struct rs_bpf_hist wakeup_to_inject_hist;	/* irqfd_wakeup entry -> injection done, ns */
	struct rs_bpf_hist contention_hist;	/* contention_begin -> end, ns */
};

/* Zero-copy completions (zerocopy.bpf.c), one mmap-able ARRAY row per CPU.
 * Every field is a __u64 so user space sums and subtracts it as an array. */
struct zc_stats {
	/* AF_XDP copy mode */
	__u64 xsk_xmits;		/* AF_XDP skbs handed to a driver (__dev_direct_xmit) */
	__u64 xsk_completions;		/* ... whose xsk_destruct_skb was seen */
	__u64 xsk_unmatched;		/* xsk_destruct_skb of an skb sent before the probe */
	__u64 xsk_drv_calls;		/* xsk_tx_completed: driver zero-copy completions */
	__u64 xsk_drv_descs;		/* ... descriptors completed */
	/* vhost-net TX through tun/tap */
	__u64 vhost_zc_sends;		/* sendmsg with a TUN_MSG_UBUF ubuf_info */
	__u64 vhost_copy_sends;		/* packets sent by copy: no control, or in TUN_MSG_PTR batches */
	__u64 vhost_copy_batches;	/* TUN_MSG_PTR sendmsg calls */
	__u64 vhost_completions;	/* last vhost_zerocopy_complete/_callback of a ubuf_info */
	__u64 vhost_failed;		/* ... with success == false: copied after all */
	__u64 vhost_unmatched;		/* completion of a ubuf sent before the probe */
	__u64 vhost_used;		/* completed descriptors put in the used ring */
	__u64 vhost_used_unscanned;	/* signal_used calls that moved more than the scan bound */
	/* MSG_ZEROCOPY */
	__u64 msg_uargs;		/* new ubuf_info from msg_zerocopy_realloc */
	__u64 msg_extended;		/* sends appended to an existing ubuf_info (TCP) */
	__u64 msg_callbacks;		/* __msg_zerocopy_callback with len > 0: notifications queued */
	__u64 msg_completed;		/* sends completed: sum of uarg->len, the ee_data-ee_info+1 unit */
	__u64 msg_copied;		/* ... of them with uarg->zerocopy == 0 (SO_EE_CODE_ZEROCOPY_COPIED) */
	__u64 msg_aborted;		/* callbacks with len == 0: the send failed, no notification */
	__u64 msg_unmatched;		/* callbacks of a ubuf_info created before the probe */
	__u64 lost;			/* in-flight entries that did not fit their map */
	struct rs_bpf_hist xsk_hist;		/* __dev_direct_xmit -> xsk_destruct_skb, ns */
	struct rs_bpf_hist vhost_hist;	/* sendmsg(ubuf) -> last complete, success, ns */
	struct rs_bpf_hist vhost_failed_hist;	/* ... success == false, ns */
	struct rs_bpf_hist vhost_used_hist;	/* last complete -> vhost_zerocopy_signal_used, ns */
	struct rs_bpf_hist msg_hist;		/* msg_zerocopy_realloc (new) -> callback, zero-copied, ns */
	struct rs_bpf_hist msg_copied_hist;	/* ... copied after all, ns */
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

/* Bucket of v: v itself below 2^K, else 2^K sub-buckets per power of two. */
static inline unsigned int rs_hist_bucket(__u64 v)
{
	unsigned int m;

	if (v < RS_HIST_SUB)
		return (unsigned int)v;
	m = rs_log2_slot(v) - 1;	/* highest set bit, >= RS_HIST_K */
	return (m - RS_HIST_K + 1) * RS_HIST_SUB + (unsigned int)((v >> (m - RS_HIST_K)) & (RS_HIST_SUB - 1));
}

#ifdef __VMLINUX_H__
/* The bucket of v as an index the verifier can bound: the mask after the
 * clamp is what older verifiers (6.1) need, since they lose the range of the
 * clamped value, and clang drops a mask it can prove redundant unless the
 * value goes through an empty asm first. */
static __always_inline __u32 rs_hist_index(__u64 v)
{
	__u32 s = rs_hist_bucket(v);

	if (s >= RS_HIST_SLOTS)
		s = RS_HIST_SLOTS - 1;
	asm volatile("" : "+r"(s));
	return s & (RS_HIST_SLOTS - 1);
}

/* Count v in a histogram only this CPU writes (per-CPU rows). */
static __always_inline void rs_hist_inc(struct rs_bpf_hist *h, __u64 v)
{
	h->slot[rs_hist_index(v)]++;
	h->sum += v;
}

/* Count v in a histogram all CPUs share. */
static __always_inline void rs_hist_inc_shared(struct rs_bpf_hist *h, __u64 v)
{
	__sync_fetch_and_add(&h->slot[rs_hist_index(v)], 1);
	__sync_fetch_and_add(&h->sum, v);
}

/* This CPU's row `row` of an ARRAY with `rows` rows per CPU (mmap-able, so
 * user space reads it without a syscall; user/trace/cpu_array.c). */
#define rs_cpu_row(map, rows, row) ({						\
	__u32 __key = bpf_get_smp_processor_id() * (rows) + (row);		\
	bpf_map_lookup_elem(map, &__key);					\
})
#endif

#endif
