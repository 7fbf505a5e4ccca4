/* The zero-copy paths of `--path` (bpf/hop_zc.bpf.c ->
 * user/trace/trace_path_zc.c): one struct hop_rec per send, msg-zerocopy's
 * seq the send's notification id (its skb field: the socket), vhost-tx's the
 * low 16 bits of its descriptor's avail index (its vq field: the
 * virtqueue). Their hops live in hop_rec.ts slots of enum hop_k under their
 * own names (as virtio-tx's xsk_xmit uses HK_WAKEUP); the path tables name
 * them (docs/hop-latency.md). */
#ifndef RS_HOP_ZC_H
#define RS_HOP_ZC_H

#include "bpf/hop.h"

#define MZ_SUBMIT HK_SUBMIT		/* user: the sender's clock read before send() */
#define MZ_SENDMSG HK_WAKEUP		/* raw_tp sys_enter: the sendto()/sendmsg() that made the send */
#define MZ_REALLOC HK_SKB_ALLOC		/* msg_zerocopy_realloc returned its ubuf_info (its id assigned) */
#define MZ_XMIT HK_START_XMIT		/* net_dev_start_xmit: the first skb carrying its ubuf_info after it */
#define MZ_RELEASE HK_SKB_FREE		/* the first skb of its ubuf_info to let the pages go after that xmit */
#define MZ_CALLBACK HK_XSK_DONE		/* __msg_zerocopy_callback: the last reference went, notification queued */

#define HOP_F_MZ_COPIED 0x100u		/* the kernel copied it after all (uarg->zerocopy == 0) */

#define VH_SUBMIT HK_SUBMIT		/* user: vhost-gen made the descriptor available */
#define VH_HANDLE_TX HK_WAKEUP		/* handle_tx_zerocopy: the vhost worker's pass that sent it (per batch) */
#define VH_SENDMSG HK_START_XMIT	/* tun_sendmsg/tap_sendmsg with its ubuf_info (TUN_MSG_UBUF) */
#define VH_COMPLETE HK_SKB_FREE		/* vhost_zerocopy_complete: the last skb let go of its pages */
#define VH_USED HK_XSK_DONE		/* vhost_zerocopy_signal_used: its used-ring entry written */

#define HOP_F_VH_FAILED 0x200u		/* completed with success false (the pages were copied) */

/* Counters of the kernel side (PERCPU_ARRAY, key 0). */
struct mz_counters {
	__u64 records;		/* per-send records emitted to the ring buffer */
	__u64 ringbuf_full;	/* records lost: ring buffer full */
	__u64 live_full;	/* sends not followed: a map was full */
	__u64 recycled;		/* an id or ubuf_info address met again before its callback was seen */
	__u64 sends;		/* msg_zerocopy_realloc returned a ubuf_info in the followed process */
	__u64 ubufs;		/* ... a new one */
	__u64 extended;		/* ... the one passed in, one send longer (TCP appends to the tail skb's) */
	__u64 xmits;		/* skbs carrying a followed ubuf_info handed to a device (net_dev_start_xmit) */
	__u64 releases;		/* skbs of a followed ubuf_info that let go of it (its complete op with an skb) */
	__u64 sender_puts;	/* its complete op without an skb: the sending call let go of its own
				 * reference (net_zcopy_put, TCP) or aborted the send */
	__u64 callbacks;	/* __msg_zerocopy_callback of a followed ubuf_info */
	__u64 callback_sends;	/* sends those covered (sum of uarg->len) */
	__u64 copied_sends;	/* ... of callbacks with uarg->zerocopy == 0 */
	__u64 unmatched;	/* a send in a callback's range without a record (sent before the attach) */
	__u64 drops;		/* skbs carrying a followed ubuf_info dropped (kfree_skb) */
	__u64 aborted;		/* sends whose id came back (msg_zerocopy_put_abort: the send failed, e.g.
				 * EAGAIN) and was given to the next send: counted in sends twice */
	/* vhost-tx */
	__u64 vh_zc_sends;	/* tun/tap sendmsg with a ubuf_info (TUN_MSG_UBUF) by the followed worker */
	__u64 vh_copy_sends;	/* ... without one: copied (small frame, zcopytx off, or too many pending) */
	__u64 vh_refs;		/* vhost_zerocopy_complete of a followed slot that was not its last reference */
	__u64 vh_completes;	/* ... that was: the pages are free */
	__u64 vh_failed;	/* ... with success false */
	__u64 vh_used;		/* followed slots signal_used wrote to the used ring (records emitted) */
	__u64 vh_unscanned;	/* signal_used calls whose range was longer than the scan */
};

#endif
