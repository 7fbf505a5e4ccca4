/* Per-packet hop stamps of `--path` (bpf/hop.bpf.c -> user/trace/trace_path.c):
 * the record the kernel side emits once per packet, and its counters. */
#ifndef RS_HOP_H
#define RS_HOP_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Kernel-visible stamps of one packet, CLOCK_MONOTONIC ns (0: not seen).
 * HK_SUBMIT is not a kernel event: it is the send stamp the packet carries
 * (docs/frame-layout.md, ts_ns), read with the sequence number. Each path
 * uses its own subset (user/trace/trace_path.c names them). */
enum hop_k {
	HK_SUBMIT = 0,		/* payload ts_ns: user space put the frame on its TX ring */
	HK_WAKEUP,		/* the sender thread's entry into the call that built this packet's skb
				 * (per batch): sendto() (veth-xsk), __xsk_generic_xmit (virtio-tx) */
	HK_SKB_ALLOC,		/* kmem:kmem_cache_alloc from skbuff_head_cache, in that call */
	HK_NETIF_RX,		/* net:netif_rx_entry: the veth hands it to the peer's backlog */
	HK_RECEIVE,		/* net:netif_receive_skb on the peer */
	HK_SKB_FREE,		/* skb:consume_skb or skb:kfree_skb */
	HK_REDIRECT,		/* xdp:xdp_redirect(_err) of the skb this CPU is receiving */
	/* virtio-tx (guest; fentry or kprobe tier) */
	HK_START_XMIT,		/* virtio-net's start_xmit(skb) */
	HK_VQ_ADD,		/* virtqueue_add_outbuf(vq, .., data token = skb) */
	HK_KICK,		/* virtqueue_notify(vq) (per batch: user space attributes it, path_join.c) */
	HK_IRQ,			/* vring_interrupt(vq) (per batch: user space attributes it) */
	HK_DETACH,		/* virtqueue_get_buf(vq) returned its token: the buffer left the ring */
	HK_XSK_DONE,		/* xsk_destruct_skb(skb) (virtio-tx), xsk_tx_completed(pool, n) in
				 * ring order (virtio-xsk): its descriptor went to the completion ring */
	/* virtio-xsk (7.x zero-copy TX; the same tiers): also HK_VQ_ADD .. HK_XSK_DONE */
	HK_POLL_TX,		/* virtnet_poll_tx entry of the NAPI poll that took it (per batch) */
	HK_GET_DMA,		/* xp_raw_get_dma(pool, desc addr): virtio-net took its descriptor */
	HK_N
};

/* hop_rec.flags */
#define HOP_F_REDIRECT_ERR 1u	/* xdp:xdp_redirect_err: the socket refused it (ring full, no buffer) */
#define HOP_F_KFREE 2u		/* freed by kfree_skb (a drop), not consume_skb */

struct hop_rec {
	__u64 skb;		/* the skb's address while it lived (virtio-xsk: the frame's DMA address) */
	__u64 vq;		/* virtio-tx: the virtqueue it was added to (0: none) */
	__u64 seq;
	__u16 stream, epoch;
	__u32 flags;
	__u32 drop_reason;	/* kfree_skb's enum skb_drop_reason */
	__s32 redirect_err;	/* xdp_redirect_err's err (-errno) */
	__u64 ts[HK_N];
};

/* A per-batch event on a virtqueue that carried one of the followed packets
 * (virtio-tx), emitted into the same ring buffer as the records (told apart
 * by length), so user space sees it before the records of packets it may
 * belong to. */
enum hop_batch_kind { HB_KICK = 0, HB_IRQ, HB_N };

struct hop_batch {
	__u64 vq;
	__u64 ts;
	__u32 kind;		/* enum hop_batch_kind */
	__u32 pad;
};

/* virtio-xsk: a packet in flight, keyed by its frame's DMA address (no skb
 * exists): its record, and where its descriptor sits in its pool's
 * completion ring (xsk_tx_completed() completes them in that order). */
struct hop_zc {
	struct hop_rec rec;
	__u64 pool;		/* struct xsk_buff_pool * */
	__u32 cq_idx;		/* its completion ring index (a free-running u32) */
	__u32 pad;
};

/* Per CPU: the skb this CPU is receiving (set at netif_receive_skb), and a
 * record whose skb was freed inside that receive before its redirect event. */
struct hop_cur {
	__u64 skb;
	__u32 pending;
	__u32 pad;
	struct hop_rec rec;
};

/* Counters of the kernel side (PERCPU_ARRAY, key 0). */
struct hop_counters {
	__u64 records;		/* emitted to the ring buffer */
	__u64 ringbuf_full;	/* records lost: ring buffer full */
	__u64 live_full;	/* packets not followed: the in-flight map was full */
	__u64 recycled;		/* an skb address reused before its packet's free was seen */
	__u64 stale_alloc;	/* an alloc stamp (virtio-xsk: a NAPI poll entry) older than the
				 * packet's own submit: not joined */
	__u64 no_redirect;	/* freed mid-receive, and no redirect event followed on that CPU */
	__u64 not_queued;	/* virtio-tx: freed before it reached the virtqueue (a retried send) */
	__u64 frag_frames;	/* virtio-tx: packets whose frame was read from the skb's first page
				 * fragment (no linear data: a device with NETIF_F_SG) */
	__u64 batch_events[HB_N];	/* virtio-tx: kicks, interrupts on the followed virtqueues */
};

#endif
