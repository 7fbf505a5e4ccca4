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
#define RS_RESERVOIR 8		/* exact samples kept where a histogram is sparse (power of 2) */

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
	__u64 allocs;		/* kmalloc/kmem_cache_alloc calls made from this site that returned memory */
	__u64 frees;		/* kfree/kmem_cache_free calls made from this site */
	__u64 bytes_req;	/* of the allocations that returned memory */
	__u64 bytes_alloc;
	__u64 failed;		/* allocation events with ptr == NULL: the allocation failed */
	__u64 failed_bytes_req;	/* bytes those failed calls asked for */
	__u64 freed_objs;	/* objects allocated here and freed (anywhere) during the run */
	__u64 lifetime_hist[RS_HIST_SLOTS];	/* alloc -> free, log2 ns */
	__u64 first_lifetimes_ns[RS_RESERVOIR];	/* the first RS_RESERVOIR of them on this CPU, exact */
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

/* Address ranges kmem.bpf.c matches call sites against (inner kmalloc entry
 * functions; --site FUNC and its clones), resolved in user space. */
#define RS_KMEM_RANGES_MAX 16

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

/* Zero-copy completions (zerocopy.bpf.c), one PERCPU_ARRAY entry. Every
 * field is a __u64 so user space sums and subtracts it as an array. */
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
	__u64 xsk_hist[RS_HIST_SLOTS];		/* __dev_direct_xmit -> xsk_destruct_skb, ns */
	__u64 vhost_hist[RS_HIST_SLOTS];	/* sendmsg(ubuf) -> last complete, success, ns */
	__u64 vhost_failed_hist[RS_HIST_SLOTS];	/* ... success == false, ns */
	__u64 vhost_used_hist[RS_HIST_SLOTS];	/* last complete -> vhost_zerocopy_signal_used, ns */
	__u64 msg_hist[RS_HIST_SLOTS];		/* msg_zerocopy_realloc (new) -> callback, zero-copied, ns */
	__u64 msg_copied_hist[RS_HIST_SLOTS];	/* ... copied after all, ns */
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

#ifdef __VMLINUX_H__
/* Count v in a log2 histogram of RS_HIST_SLOTS u64 buckets. The mask after
 * the clamp is what older verifiers (6.1) need to bound the index: they lose
 * the range of the clamped value, and clang drops a mask it can prove
 * redundant unless the value goes through an empty asm first. */
static __always_inline void rs_hist_inc(__u64 *hist, __u64 v)
{
	__u32 s = rs_log2_slot(v);

	if (s >= RS_HIST_SLOTS)
		s = RS_HIST_SLOTS - 1;
	asm volatile("" : "+r"(s));
	hist[s & (RS_HIST_SLOTS - 1)]++;
}
#endif

#endif
