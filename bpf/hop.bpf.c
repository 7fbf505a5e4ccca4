// SPDX-License-Identifier: GPL-2.0
/* Per-packet hop stamps of `--path`: veth-xsk on the raw tracepoint tier (the
 * host refuses fentry and has no kprobes), virtio-tx and virtio-xsk on fentry or kprobes
 * (below; user space loads only the path's programs). One record per packet, emitted to
 * a ring buffer when its skb's last event was seen; user space
 * (user/trace/trace_path.c, user/trace/path_join.c) joins it with its own stamps by
 * (stream, seq). docs/hop-latency.md says what each hop is.
 *
 * Identity: a packet is its skb address while the skb lives (hop_live), and
 * from netif_rx on also ringscope's own (epoch, stream, seq), read from the
 * frame (docs/frame-layout.md) with every later read checked against it. An
 * alloc stamp is joined only if it is not older than the packet's own submit
 * stamp (the frame's ts_ns): a recycled skb address never lends an old
 * packet's stamp to a new one. xdp:xdp_redirect carries no skb: it belongs to
 * the skb this CPU is inside netif_receive_skb for (hop_cur).
 *
 * virtio-xsk (7.x zero-copy TX, no skb: keyed by the frame's DMA address) is
 * its own section below.
 *
 * virtio-tx (a guest: fentry programs, or their kprobe twins; user space
 * loads one tier) follows the skb from __xsk_generic_xmit through virtio-net:
 * start_xmit reads the frame (from the linear data, or where the device has
 * NETIF_F_SG from the first page fragment: bpf/skb_frag.h),
 * virtqueue_add_outbuf's data token is the skb (low bits are virtio-net's
 * flags), virtqueue_get_buf returns it when the
 * device used it, and xsk_destruct_skb (its destructor, after the free) puts
 * the descriptor on the completion ring: there the record is emitted. Kicks
 * and interrupts are per virtqueue, not per packet: each is emitted as a
 * hop_batch, and user space gives it to the packets of its batch. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bpf/arch_compat.h"
#include "bpf/hop.h"
#include "bpf/skb_frag.h"

#define FRAME_BYTES 62		/* up to the end of ts_ns (frame offsets 0..61) */

/* Set by user space before load. */
const volatile __u32 target_tgid = 0;	/* 0: any process; else only its skb allocs and wakeups */
const volatile __s64 sendto_nr = -1;	/* __NR_sendto of this architecture */
/* run: follow nothing until target_epoch names its sender (other processes'
 * ringscope traffic on this host must not enter before it is set). */
const volatile bool need_epoch = false;
/* virtio-tx: the record is emitted at xsk_destruct_skb, after the free. */
const volatile bool virtio_tx = false;
/* The kernel's PAGE_SHIFT (virtio-xsk: the pool's DMA address table is per
 * page; virtio-tx: a fragment's page in the direct map). */
const volatile __u32 page_shift = 12;
/* Set by user space after load, before traffic (run: its sender's epoch). */
volatile __u16 target_epoch = 0;	/* 0: any ringscope sender */
/* The skbuff_head_cache, learnt from its name at its first allocation. */
__u64 skb_cache = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} hop_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);			/* skb address */
	__type(value, struct hop_rec);
} hop_live SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);			/* tid */
	__type(value, __u64);			/* its last sendto() entry */
} hop_wake SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hop_cur);
} hop_cur SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hop_counters);
} hop_stats SEC(".maps");

/* virtio-tx: the virtqueues that carried a followed packet (their kicks and
 * interrupts are emitted). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);			/* struct virtqueue * */
	__type(value, __u8);
} hop_vqs SEC(".maps");

static const struct hop_rec zero_rec;

struct frame_id {
	__u64 seq, ts;
	__u16 stream, epoch;
};

static __always_inline struct hop_counters *counters(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&hop_stats, &k);
}

/* ringscope's identity in the first FRAME_BYTES of a frame; false if it is
 * not one of ours (or not of the sender followed). */
static __always_inline bool parse_frame(const __u8 *f, struct frame_id *id)
{
	/* IPv4, no options, UDP, ringscope's magic (docs/frame-layout.md). */
	if (f[12] != 0x08 || f[13] != 0x00 || f[14] != 0x45 || f[23] != 17 || f[42] != 0x53 || f[43] != 0x52)
		return false;
	id->epoch = (__u16)f[18] << 8 | f[19];
	id->stream = (__u16)f[45] << 8 | f[44];
	__builtin_memcpy(&id->seq, &f[46], 8);
	__builtin_memcpy(&id->ts, &f[54], 8);
	if (id->stream >= 64 || (need_epoch && !target_epoch))
		return false;
	return !target_epoch || id->epoch == target_epoch;
}

/* The ringscope frame an skb carries, bounds-checked against the skb's linear
 * data; false if it is not one of ours. On receive it starts at the MAC
 * header; on transmit (at_data) at skb->data: an AF_XDP skb handed to a
 * driver by __dev_direct_xmit never had its MAC header set. On transmit with
 * no linear data at all, the frame is the start of the first page fragment
 * (a device with NETIF_F_SG gets AF_XDP's umem page as is): *frag says so. */
static __always_inline bool read_frame(const struct sk_buff *skb, struct frame_id *id, bool at_data, bool *frag)
{
	unsigned char *head = BPF_CORE_READ(skb, head), *data = BPF_CORE_READ(skb, data);
	__u32 tail = BPF_CORE_READ(skb, tail), start;
	__u8 f[FRAME_BYTES];

	*frag = false;
	if (!head)
		return false;
	if (at_data) {
		if (data < head || data - head > tail)
			return false;
		if (data - head == tail) {
			*frag = true;
			return skb_frag0_read(skb, f, sizeof(f), page_shift) && parse_frame(f, id);
		}
		start = data - head;
	} else {
		start = BPF_CORE_READ(skb, mac_header);
		if (start == (__u16)~0)
			return false;
	}
	if (tail < start || tail - start < FRAME_BYTES)
		return false;
	if (bpf_probe_read_kernel(f, sizeof(f), head + start))
		return false;
	return parse_frame(f, id);
}

static __always_inline bool same_packet(const struct hop_rec *r, const struct frame_id *id)
{
	return r->ts[HK_SUBMIT] && r->seq == id->seq && r->stream == id->stream && r->epoch == id->epoch;
}

static __always_inline void emit(const struct hop_rec *r)
{
	struct hop_counters *c = counters();

	/* Wake the reader only once a batch is waiting (it also reads every
	 * 10 ms): a wakeup per packet would cost more than the record. */
	__u64 flags = bpf_ringbuf_query(&hop_events, BPF_RB_AVAIL_DATA) > (256 << 10) ? BPF_RB_FORCE_WAKEUP
										      : BPF_RB_NO_WAKEUP;

	if (bpf_ringbuf_output(&hop_events, (void *)r, sizeof(*r), flags)) {
		if (c)
			c->ringbuf_full++;
	} else if (c) {
		c->records++;
	}
}

/* A record left pending on this CPU by a free without a redirect after it. */
static __always_inline void flush_pending(struct hop_cur *cur)
{
	struct hop_counters *c;

	if (!cur->pending)
		return;
	emit(&cur->rec);
	cur->pending = 0;
	if ((c = counters()))
		c->no_redirect++;
}

static __always_inline struct hop_cur *this_cpu(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&hop_cur, &k);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	__u64 pt = bpf_get_current_pid_tgid(), now;
	__u32 tid = (__u32)pt;

	if (id != sendto_nr || !target_tgid || pt >> 32 != target_tgid)
		return 0;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&hop_wake, &tid, &now, BPF_ANY);
	return 0;
}

static __always_inline bool is_skb_cache(struct kmem_cache *s)
{
	static const char want[] = "skbuff_head_cache";
	char name[sizeof(want)];
	const char *np;

	if (skb_cache)
		return (__u64)s == skb_cache;
	np = BPF_CORE_READ(s, name);
	if (bpf_probe_read_kernel_str(name, sizeof(name), np) != sizeof(want))
		return false;
	for (int i = 0; i < sizeof(want); i++)
		if (name[i] != want[i])
			return false;
	skb_cache = (__u64)s;
	return true;
}

SEC("raw_tp/kmem_cache_alloc")
int BPF_PROG(kmem_cache_alloc, unsigned long call_site, const void *ptr, struct kmem_cache *s)
{
	__u64 pt = bpf_get_current_pid_tgid(), key = (__u64)ptr, *wake;
	__u32 tid = (__u32)pt;
	struct hop_rec r = {}, *old;
	struct hop_counters *c;

	/* run: the sender is this process; trace (virtio-tx): a thread that
	 * entered the AF_XDP send path (hop_wake) */
	if (target_tgid && pt >> 32 != target_tgid)
		return 0;
	wake = bpf_map_lookup_elem(&hop_wake, &tid);
	if ((!target_tgid && !wake) || !ptr || !is_skb_cache(s))
		return 0;
	r.skb = key;
	r.ts[HK_SKB_ALLOC] = bpf_ktime_get_ns();
	if (wake)
		r.ts[HK_WAKEUP] = *wake;
	old = bpf_map_lookup_elem(&hop_live, &key);
	if (old && old->ts[HK_SUBMIT] && (c = counters()))
		c->recycled++;	/* its free was never seen: it leaves as in flight */
	if (bpf_map_update_elem(&hop_live, &key, &r, BPF_ANY) && (c = counters()))
		c->live_full++;
	return 0;
}

/* The first hop that reads the frame (veth-xsk: netif_rx, virtio-tx:
 * start_xmit): the skb becomes this packet, its alloc and wakeup stamps
 * joined only if they are not older than the packet's own submit. */
static __always_inline int identify(const struct sk_buff *skb, int hop)
{
	__u64 key = (__u64)skb, now;
	struct hop_counters *c;
	struct frame_id id;
	struct hop_rec *r;
	bool frag;

	if (!read_frame(skb, &id, hop == HK_START_XMIT, &frag) || hop < 0 || hop >= HK_N)
		return 0;
	now = bpf_ktime_get_ns();
	r = bpf_map_lookup_elem(&hop_live, &key);
	if (r && same_packet(r, &id))
		return 0;	/* seen at this hop already (a requeued skb) */
	if (r && !r->ts[HK_SUBMIT]) {
		/* The alloc stamp of this address: ours only if it is not older
		 * than this packet's submit (else a recycled address's). */
		if (r->ts[HK_SKB_ALLOC] < id.ts) {
			r->ts[HK_SKB_ALLOC] = r->ts[HK_WAKEUP] = 0;
			if ((c = counters()))
				c->stale_alloc++;
		} else if (r->ts[HK_WAKEUP] < id.ts) {
			r->ts[HK_WAKEUP] = 0;	/* a sendto() before this packet was queued */
		}
	} else {
		if (r && (c = counters()))
			c->recycled++;
		if (bpf_map_update_elem(&hop_live, &key, &zero_rec, BPF_ANY)) {
			if ((c = counters()))
				c->live_full++;
			return 0;
		}
		if (!(r = bpf_map_lookup_elem(&hop_live, &key)))
			return 0;
	}
	r->skb = key;
	r->seq = id.seq;
	r->stream = id.stream;
	r->epoch = id.epoch;
	r->ts[HK_SUBMIT] = id.ts;
	r->ts[hop] = now;
	if (frag && (c = counters()))
		c->frag_frames++;
	return 0;
}

SEC("raw_tp/netif_rx_entry")
int BPF_PROG(netif_rx_entry, const struct sk_buff *skb)
{
	return identify(skb, HK_NETIF_RX);
}

SEC("raw_tp/netif_receive_skb")
int BPF_PROG(netif_receive_skb, const struct sk_buff *skb)
{
	__u64 key = (__u64)skb;
	struct hop_cur *cur = this_cpu();
	struct frame_id id;
	struct hop_rec *r;
	bool frag;

	if (!cur)
		return 0;
	flush_pending(cur);
	cur->skb = 0;
	r = bpf_map_lookup_elem(&hop_live, &key);
	if (!r || !r->ts[HK_SUBMIT] || !read_frame(skb, &id, false, &frag) || !same_packet(r, &id))
		return 0;
	if (!r->ts[HK_RECEIVE])
		r->ts[HK_RECEIVE] = bpf_ktime_get_ns();
	cur->skb = key;
	return 0;
}

static __always_inline void stamp_free(struct hop_rec *r, bool drop, __u32 reason)
{
	r->ts[HK_SKB_FREE] = bpf_ktime_get_ns();
	if (drop) {
		r->flags |= HOP_F_KFREE;
		r->drop_reason = reason;
	}
}

/* virtio-tx: a packet's skb is freed before its destructor runs
 * (xsk_destruct_skb emits the record); anything else leaves hop_live. */
static __always_inline int on_free_virtio(__u64 key, struct hop_rec *r, bool drop, __u32 reason)
{
	struct hop_counters *c;

	if (r->ts[HK_SUBMIT] && (r->ts[HK_VQ_ADD] || drop)) {
		stamp_free(r, drop, reason);
		return 0;
	}
	/* Consumed before the driver took it: xsk_consume_skb on
	 * NETDEV_TX_BUSY, the descriptor is sent again in a new skb. */
	if (r->ts[HK_SUBMIT] && (c = counters()))
		c->not_queued++;
	bpf_map_delete_elem(&hop_live, &key);
	return 0;
}

static __always_inline int on_free(const struct sk_buff *skb, bool drop, __u32 reason)
{
	__u64 key = (__u64)skb;
	struct hop_cur *cur;
	struct hop_rec *r = bpf_map_lookup_elem(&hop_live, &key);

	if (!r)
		return 0;
	if (virtio_tx)
		return on_free_virtio(key, r, drop, reason);
	if (r->ts[HK_SUBMIT]) {
		stamp_free(r, drop, reason);
		cur = this_cpu();
		/* Freed inside the receive that redirects it (generic XDP to an
		 * XSK frees the skb before the redirect event): held until the
		 * redirect event, or the next receive on this CPU. */
		if (cur && cur->skb == key && !r->ts[HK_REDIRECT]) {
			flush_pending(cur);
			cur->rec = *r;
			cur->pending = 1;
			cur->skb = 0;
		} else {
			emit(r);
		}
	}
	bpf_map_delete_elem(&hop_live, &key);
	return 0;
}

SEC("raw_tp/consume_skb")
int BPF_PROG(consume_skb, const struct sk_buff *skb)
{
	return on_free(skb, false, 0);
}

SEC("raw_tp/kfree_skb")
int BPF_PROG(kfree_skb, const struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	return on_free(skb, true, reason);
}

static __always_inline int on_redirect(int err)
{
	struct hop_cur *cur = this_cpu();
	struct hop_rec *r;
	__u64 now;

	if (!cur)
		return 0;
	now = bpf_ktime_get_ns();
	if (cur->pending) {
		r = &cur->rec;
	} else if (cur->skb) {
		r = bpf_map_lookup_elem(&hop_live, &cur->skb);
		if (!r)
			return 0;
	} else {
		return 0;
	}
	r->ts[HK_REDIRECT] = now;
	if (err) {
		r->flags |= HOP_F_REDIRECT_ERR;
		r->redirect_err = err;
	}
	if (cur->pending) {
		emit(r);
		cur->pending = 0;
	}
	cur->skb = 0;
	return 0;
}

SEC("raw_tp/xdp_redirect")
int BPF_PROG(xdp_redirect, const void *dev, const void *prog, const void *tgt, int err)
{
	return on_redirect(err);
}

SEC("raw_tp/xdp_redirect_err")
int BPF_PROG(xdp_redirect_err, const void *dev, const void *prog, const void *tgt, int err)
{
	return on_redirect(err ? err : -1);
}

/* ---- virtio-tx ---------------------------------------------------------------- */

/* __xsk_generic_xmit: the sender thread entered the AF_XDP copy-mode send;
 * the skbs it allocates until its next entry belong to this call. */
static __always_inline int xsk_xmit(void)
{
	__u64 pt = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u32 tid = (__u32)pt;

	if (target_tgid && pt >> 32 != target_tgid)
		return 0;
	bpf_map_update_elem(&hop_wake, &tid, &now, BPF_ANY);
	return 0;
}

/* The followed packet a virtqueue data token stands for: virtio-net's token
 * is the skb with flags in its low bits (6.12: bit 1 orphan; bit 0 an XDP
 * frame, never ours). NULL if none. */
static __always_inline struct hop_rec *token_rec(__u64 token, __u64 *key)
{
	struct hop_rec *r;

	if (!token || token & 1)
		return NULL;
	*key = token & ~3ull;
	r = bpf_map_lookup_elem(&hop_live, key);
	return r && r->ts[HK_SUBMIT] ? r : NULL;
}

static __always_inline int vq_add(__u64 vq, __u64 token)
{
	struct hop_rec *r;
	__u8 one = 1;
	__u64 key;

	if (!(r = token_rec(token, &key)) || r->ts[HK_VQ_ADD])
		return 0;
	r->ts[HK_VQ_ADD] = bpf_ktime_get_ns();
	r->vq = vq;
	if (!bpf_map_lookup_elem(&hop_vqs, &vq))
		bpf_map_update_elem(&hop_vqs, &vq, &one, BPF_ANY);
	return 0;
}

static __always_inline int vq_batch(__u64 vq, __u32 kind)
{
	struct hop_batch b = { .vq = vq, .kind = kind };
	struct hop_counters *c;

	if (kind >= HB_N || !bpf_map_lookup_elem(&hop_vqs, &vq))
		return 0;
	b.ts = bpf_ktime_get_ns();
	c = counters();
	if (bpf_ringbuf_output(&hop_events, &b, sizeof(b), BPF_RB_NO_WAKEUP)) {
		if (c)
			c->ringbuf_full++;
	} else if (c) {
		c->batch_events[kind]++;
	}
	return 0;
}

static __always_inline int vq_detached(__u64 vq, __u64 token)
{
	struct hop_rec *r;
	__u64 key;

	if ((r = token_rec(token, &key)) && r->ts[HK_VQ_ADD] && !r->ts[HK_DETACH] && (!vq || r->vq == vq))
		r->ts[HK_DETACH] = bpf_ktime_get_ns();
	return 0;
}

/* The skb's destructor: the descriptor goes to the completion ring. Called
 * from the free, after consume_skb / kfree_skb. */
static __always_inline int xsk_destruct(const struct sk_buff *skb)
{
	__u64 key = (__u64)skb;
	struct hop_rec *r = bpf_map_lookup_elem(&hop_live, &key);

	if (!r)
		return 0;
	if (r->ts[HK_SUBMIT]) {
		r->ts[HK_XSK_DONE] = bpf_ktime_get_ns();
		emit(r);
	}
	bpf_map_delete_elem(&hop_live, &key);
	return 0;
}

SEC("fentry/__xsk_generic_xmit")
int BPF_PROG(fentry_xsk_xmit, void *sk) { return xsk_xmit(); }
SEC("fentry/start_xmit")
int BPF_PROG(fentry_start_xmit, struct sk_buff *skb) { return identify(skb, HK_START_XMIT); }
SEC("fentry/virtqueue_add_outbuf")
int BPF_PROG(fentry_vq_add, void *vq, void *sg, unsigned int num, void *data)
{
	return vq_add((__u64)vq, (__u64)data);
}
SEC("fentry/virtqueue_notify")
int BPF_PROG(fentry_vq_kick, void *vq) { return vq_batch((__u64)vq, HB_KICK); }
SEC("fentry/vring_interrupt")
int BPF_PROG(fentry_vq_irq, int irq, void *vq) { return vq_batch((__u64)vq, HB_IRQ); }
SEC("fexit/virtqueue_get_buf")
int BPF_PROG(fexit_vq_get_buf, void *vq, unsigned int *len, void *ret)
{
	return vq_detached((__u64)vq, (__u64)ret);
}
SEC("fentry/xsk_destruct_skb")
int BPF_PROG(fentry_xsk_destruct, struct sk_buff *skb) { return xsk_destruct(skb); }

SEC("kprobe/__xsk_generic_xmit")
int BPF_KPROBE(kprobe_xsk_xmit) { return xsk_xmit(); }
SEC("kprobe/start_xmit")
int BPF_KPROBE(kprobe_start_xmit, struct sk_buff *skb) { return identify(skb, HK_START_XMIT); }
SEC("kprobe/virtqueue_add_outbuf")
int BPF_KPROBE(kprobe_vq_add, void *vq, void *sg, unsigned int num, void *data)
{
	return vq_add((__u64)vq, (__u64)data);
}
SEC("kprobe/virtqueue_notify")
int BPF_KPROBE(kprobe_vq_kick, void *vq) { return vq_batch((__u64)vq, HB_KICK); }
SEC("kprobe/vring_interrupt")
int BPF_KPROBE(kprobe_vq_irq, int irq, void *vq) { return vq_batch((__u64)vq, HB_IRQ); }
/* A kretprobe has no arguments: the record's own virtqueue is not compared. */
SEC("kretprobe/virtqueue_get_buf")
int BPF_KRETPROBE(kretprobe_vq_get_buf, void *ret) { return vq_detached(0, (__u64)ret); }
SEC("kprobe/xsk_destruct_skb")
int BPF_KPROBE(kprobe_xsk_destruct, struct sk_buff *skb) { return xsk_destruct(skb); }

/* ---- virtio-xsk --------------------------------------------------------------- */
/* virtio-net's native AF_XDP zero-copy TX (Linux >= 6.13): virtnet_poll_tx ->
 * virtnet_xsk_xmit -> xsk_tx_peek_release_desc_batch(pool, budget) takes a
 * batch of descriptors (and reserves their completion ring entries, in
 * order), then per descriptor virtnet_xsk_xmit_one: xp_raw_get_dma(pool,
 * desc->addr) gives the frame's DMA address, and virtqueue_add_outbuf_premapped
 * adds two premapped sgs (header, frame) whose data token encodes only the
 * length. No skb exists: a packet is its frame's DMA address (hop_zc), read
 * again from the sg at the add and from the detached descriptor chain.
 * xsk_tx_completed(pool, n) completes the n oldest reserved entries: each
 * packet keeps its completion ring index (hop_zc_cq) and is emitted there. */

struct hop_zc_pool {
	__u32 next, end;	/* completion ring indices of the current peek's descriptors not yet taken */
};

struct hop_zc_cq_key {
	__u64 pool;
	__u32 idx;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);			/* the frame's DMA address */
	__type(value, struct hop_zc);
} hop_zc_live SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct hop_zc_cq_key);
	__type(value, __u64);			/* the DMA address of the packet at that entry */
} hop_zc_cq SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);			/* struct xsk_buff_pool * */
	__type(value, struct hop_zc_pool);
} hop_zc_pools SEC(".maps");

/* Per CPU: the entry of the virtnet_poll_tx this CPU runs (NAPI polls do not
 * nest), and the pool of a peek between its kprobe and its kretprobe. */
struct hop_zc_cpu {
	__u64 poll_ns;
	__u64 peek_pool;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hop_zc_cpu);
} hop_zc_cpu SEC(".maps");

#define VIRTNET_XMIT_TYPE_XSK 3ull	/* the low two bits of virtio-net's data token */
#define XSK_UNALIGNED_OFFSET_SHIFT 48

static __always_inline struct hop_zc_cpu *zc_cpu(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&hop_zc_cpu, &k);
}

static __always_inline int zc_poll_tx(void)
{
	struct hop_zc_cpu *c = zc_cpu();

	if (c)
		c->poll_ns = bpf_ktime_get_ns();
	return 0;
}

/* The peek returned n descriptors: the completion ring entries [cached_prod
 * - n, cached_prod) are theirs, in the order virtio-net takes them. */
static __always_inline int zc_peeked(struct xsk_buff_pool *pool, __u32 n)
{
	struct hop_zc_pool p = {};
	__u64 key = (__u64)pool;

	if (!pool || !n)
		return 0;
	p.end = BPF_CORE_READ(pool, cq, cached_prod);
	p.next = p.end - n;
	bpf_map_update_elem(&hop_zc_pools, &key, &p, BPF_ANY);
	return 0;
}

/* xp_raw_get_dma(pool, addr): the DMA address of the frame at umem offset
 * addr, computed as the kernel does (per page, from pool->dma_pages), and the
 * frame itself read at pool->addrs + addr; every offset checked against the
 * umem's size and the page table's length first. */
static __always_inline int zc_get_dma(struct xsk_buff_pool *pool, __u64 addr)
{
	__u64 key = (__u64)pool, umem_bytes, page, dma, *pages, now;
	struct hop_zc z = {}, *old;
	struct hop_zc_cq_key ck = {};
	struct hop_counters *c;
	struct hop_zc_pool *p;
	struct hop_zc_cpu *cpu;
	struct frame_id id;
	__u8 f[FRAME_BYTES];
	__u8 *base;

	if (!pool || !(p = bpf_map_lookup_elem(&hop_zc_pools, &key)) || p->next == p->end)
		return 0;	/* not a descriptor of a peek seen (another caller) */
	ck.pool = key;
	ck.idx = p->next++;
	if (BPF_CORE_READ(pool, unaligned))
		addr = (addr & ((1ull << XSK_UNALIGNED_OFFSET_SHIFT) - 1)) + (addr >> XSK_UNALIGNED_OFFSET_SHIFT);
	umem_bytes = BPF_CORE_READ(pool, addrs_cnt);
	base = BPF_CORE_READ(pool, addrs);
	if (!base || addr >= umem_bytes || umem_bytes - addr < FRAME_BYTES)
		return 0;
	if (bpf_probe_read_kernel(f, sizeof(f), base + addr) || !parse_frame(f, &id))
		return 0;
	page = addr >> (page_shift & 31);
	pages = BPF_CORE_READ(pool, dma_pages);
	if (!pages || page >= BPF_CORE_READ(pool, dma_pages_cnt) ||
	    bpf_probe_read_kernel(&dma, sizeof(dma), pages + page))
		return 0;
	dma = (dma & ~1ull) + (addr & ((1ull << (page_shift & 31)) - 1));	/* ~XSK_NEXT_PG_CONTIG_MASK */
	now = bpf_ktime_get_ns();
	z.rec.skb = dma;
	z.rec.seq = id.seq;
	z.rec.stream = id.stream;
	z.rec.epoch = id.epoch;
	z.rec.ts[HK_SUBMIT] = id.ts;
	z.rec.ts[HK_GET_DMA] = now;
	/* The NAPI poll this runs in: its entry, unless older than the
	 * packet's own submit (a poll already running on another CPU took a
	 * descriptor queued after it began). */
	if ((cpu = zc_cpu()) && cpu->poll_ns) {
		if (cpu->poll_ns >= id.ts)
			z.rec.ts[HK_POLL_TX] = cpu->poll_ns;
		else if ((c = counters()))
			c->stale_alloc++;
	}
	z.pool = key;
	z.cq_idx = ck.idx;
	old = bpf_map_lookup_elem(&hop_zc_live, &dma);
	if (old) {
		/* the frame's completion was never seen: that packet leaves with the stamps it has */
		emit(&old->rec);
		if ((c = counters()))
			c->recycled++;
	}
	if (bpf_map_update_elem(&hop_zc_live, &dma, &z, BPF_ANY) ||
	    bpf_map_update_elem(&hop_zc_cq, &ck, &dma, BPF_ANY)) {
		bpf_map_delete_elem(&hop_zc_live, &dma);
		if ((c = counters()))
			c->live_full++;
	}
	return 0;
}

/* virtqueue_add_outbuf_premapped(vq, sg, num, token): sg[1] carries the frame. */
static __always_inline int zc_vq_add(__u64 vq, struct scatterlist *sg, __u32 num, __u64 token)
{
	struct scatterlist *frame;
	struct hop_zc *z;
	__u64 dma;
	__u8 one = 1;

	if ((token & 3) != VIRTNET_XMIT_TYPE_XSK || num < 2 || !sg)
		return 0;
	frame = (void *)sg + bpf_core_type_size(struct scatterlist);
	dma = BPF_CORE_READ(frame, dma_address);
	z = bpf_map_lookup_elem(&hop_zc_live, &dma);
	if (!z || !z->rec.ts[HK_GET_DMA] || z->rec.ts[HK_VQ_ADD])
		return 0;
	z->rec.ts[HK_VQ_ADD] = bpf_ktime_get_ns();
	z->rec.vq = vq;
	if (!bpf_map_lookup_elem(&hop_vqs, &vq))
		bpf_map_update_elem(&hop_vqs, &vq, &one, BPF_ANY);
	return 0;
}

/* The buffer whose frame is at dma left virtqueue vvq: its detach hop, taken
 * once, after its add on the same virtqueue. */
static __always_inline int zc_detached(struct vring_virtqueue *vvq, __u64 dma)
{
	__u64 vq = (__u64)vvq + bpf_core_field_offset(struct vring_virtqueue, vq);
	struct hop_zc *z = bpf_map_lookup_elem(&hop_zc_live, &dma);

	if (z && z->rec.ts[HK_VQ_ADD] && !z->rec.ts[HK_DETACH] && z->rec.vq == vq)
		z->rec.ts[HK_DETACH] = bpf_ktime_get_ns();
	return 0;
}

/* detach_buf_split_in_order(vq, head): the used buffer whose chain starts at
 * head leaves the ring (7.x calls it for every split-ring detach). Its frame
 * is the chain's second descriptor: in the indirect table if it has one, else
 * the ring descriptor after head (desc_extra's next). The address is read from
 * the descriptors the device reads: desc_extra holds none for premapped sgs. */
static __always_inline int zc_detach(struct vring_virtqueue *vvq, __u32 head)
{
	__u32 num = BPF_CORE_READ(vvq, split.vring.num), next;
	struct vring_desc_state_split *st = BPF_CORE_READ(vvq, split.desc_state);
	struct vring_desc_extra *ex = BPF_CORE_READ(vvq, split.desc_extra), *eh;
	__u64 token, dma = 0;
	struct vring_desc *ind, *ring;

	if (head >= num || !st || !ex)
		return 0;
	st = (void *)st + head * bpf_core_type_size(struct vring_desc_state_split);
	token = (__u64)BPF_CORE_READ(st, data);
	if ((token & 3) != VIRTNET_XMIT_TYPE_XSK)
		return 0;
	eh = (void *)ex + head * bpf_core_type_size(struct vring_desc_extra);
	ind = BPF_CORE_READ(st, indir_desc);
	if (ind) {
		/* the table's length is in its ring entry: two descriptors at least */
		if (BPF_CORE_READ(eh, len) < 2 * sizeof(struct vring_desc) ||
		    bpf_probe_read_kernel(&dma, sizeof(dma), &ind[1].addr))
			return 0;
	} else {
		/* the ring's own descriptor: a premapped buffer's extra holds no address */
		ring = BPF_CORE_READ(vvq, split.vring.desc);
		next = BPF_CORE_READ(eh, next);
		if (!ring || next >= num || bpf_probe_read_kernel(&dma, sizeof(dma), &ring[next].addr))
			return 0;
	}
	return zc_detached(vvq, dma);
}

/* detach_buf_packed_in_order(vq, id): the packed ring's detach (7.x; also
 * called by detach_buf_packed, inlined, for out-of-order rings). The used
 * buffer id leaves the ring; its frame is the chain's second descriptor: in
 * the indirect table if it has one (its length in desc_extra[id], which the
 * DMA API path that zero-copy needs fills in), else in the ring. There the
 * chain sits from the slot the used element was read at (last_used_idx, not
 * yet advanced: the device writes a used element where the chain began);
 * both descriptors must carry this buffer's id (the driver writes it in every
 * descriptor of a chain), so a slot the device wrote another buffer's used
 * element into is never read as ours. */
static __always_inline int zc_detach_packed(struct vring_virtqueue *vvq, __u32 id)
{
	__u32 num = BPF_CORE_READ(vvq, packed.vring.num), pos, next;
	struct vring_desc_state_packed *st = BPF_CORE_READ(vvq, packed.desc_state);
	struct vring_desc_extra *ex = BPF_CORE_READ(vvq, packed.desc_extra);
	struct vring_packed_desc *ind, *ring, d0, d1;
	__u64 token, dma = 0;

	if (id >= num || !st || !ex)
		return 0;
	st = (void *)st + id * bpf_core_type_size(struct vring_desc_state_packed);
	token = (__u64)BPF_CORE_READ(st, data);
	if ((token & 3) != VIRTNET_XMIT_TYPE_XSK)
		return 0;
	ind = BPF_CORE_READ(st, indir_desc);
	if (ind && BPF_CORE_READ(vvq, indirect)) {
		ex = (void *)ex + id * bpf_core_type_size(struct vring_desc_extra);
		if (BPF_CORE_READ(ex, len) < 2 * sizeof(struct vring_packed_desc) ||
		    bpf_probe_read_kernel(&dma, sizeof(dma), &ind[1].addr))
			return 0;
	} else {
		ring = BPF_CORE_READ(vvq, packed.vring.desc);
		pos = BPF_CORE_READ(vvq, last_used_idx) & 0x7fff;	/* packed_last_used(): without the wrap bit */
		next = pos + 1 < num ? pos + 1 : 0;
		if (!ring || pos >= num || BPF_CORE_READ(st, num) < 2 ||
		    bpf_probe_read_kernel(&d0, sizeof(d0), &ring[pos]) ||
		    bpf_probe_read_kernel(&d1, sizeof(d1), &ring[next]) || d0.id != id || d1.id != id)
			return 0;
		dma = d1.addr;
	}
	return zc_detached(vvq, dma);
}

struct zc_done_ctx {
	__u64 pool, now;
	__u32 first;
};

static long zc_done_one(__u64 i, struct zc_done_ctx *x)
{
	struct hop_zc_cq_key ck = { .pool = x->pool, .idx = x->first + (__u32)i };
	__u64 *dma = bpf_map_lookup_elem(&hop_zc_cq, &ck), d;
	struct hop_zc *z;

	if (!dma)
		return 0;
	d = *dma;
	bpf_map_delete_elem(&hop_zc_cq, &ck);
	z = bpf_map_lookup_elem(&hop_zc_live, &d);
	/* the packet at that entry, not a later one in the same frame */
	if (!z || z->pool != x->pool || z->cq_idx != ck.idx)
		return 0;
	z->rec.ts[HK_XSK_DONE] = x->now;
	emit(&z->rec);
	bpf_map_delete_elem(&hop_zc_live, &d);
	return 0;
}

/* xsk_tx_completed(pool, n): the completion ring's next n entries (from its
 * producer index on) become visible to user space. */
static __always_inline int zc_completed(struct xsk_buff_pool *pool, __u32 n)
{
	struct zc_done_ctx x = { .pool = (__u64)pool };

	if (!pool || !n || !bpf_map_lookup_elem(&hop_zc_pools, &x.pool))
		return 0;
	x.first = BPF_CORE_READ(pool, cq, ring, producer);
	x.now = bpf_ktime_get_ns();
	bpf_loop(n < 65536 ? n : 65536, zc_done_one, &x, 0);
	return 0;
}

SEC("fentry/virtnet_poll_tx")
int BPF_PROG(fentry_zc_poll_tx, void *napi, int budget) { return zc_poll_tx(); }
SEC("fexit/xsk_tx_peek_release_desc_batch")
int BPF_PROG(fexit_zc_peek, struct xsk_buff_pool *pool, __u32 max, __u32 ret) { return zc_peeked(pool, ret); }
SEC("fentry/xp_raw_get_dma")
int BPF_PROG(fentry_zc_get_dma, struct xsk_buff_pool *pool, __u64 addr) { return zc_get_dma(pool, addr); }
SEC("fentry/virtqueue_add_outbuf_premapped")
int BPF_PROG(fentry_zc_vq_add, void *vq, struct scatterlist *sg, unsigned int num, void *data)
{
	return zc_vq_add((__u64)vq, sg, num, (__u64)data);
}
SEC("fentry/detach_buf_split_in_order")
int BPF_PROG(fentry_zc_detach, struct vring_virtqueue *vq, unsigned int head) { return zc_detach(vq, head); }
SEC("fentry/detach_buf_packed_in_order")
int BPF_PROG(fentry_zc_detach_packed, struct vring_virtqueue *vq, unsigned int id) { return zc_detach_packed(vq, id); }
SEC("fentry/xsk_tx_completed")
int BPF_PROG(fentry_zc_completed, struct xsk_buff_pool *pool, __u32 n) { return zc_completed(pool, n); }

SEC("kprobe/virtnet_poll_tx")
int BPF_KPROBE(kprobe_zc_poll_tx) { return zc_poll_tx(); }
/* A kretprobe has no arguments: the pool is kept per CPU from the entry (the
 * peek runs in the NAPI poll, which does not migrate). */
SEC("kprobe/xsk_tx_peek_release_desc_batch")
int BPF_KPROBE(kprobe_zc_peek, struct xsk_buff_pool *pool)
{
	struct hop_zc_cpu *c = zc_cpu();

	if (c)
		c->peek_pool = (__u64)pool;
	return 0;
}
SEC("kretprobe/xsk_tx_peek_release_desc_batch")
int BPF_KRETPROBE(kretprobe_zc_peek, __u32 ret)
{
	struct hop_zc_cpu *c = zc_cpu();
	__u64 pool;

	if (!c)
		return 0;
	pool = c->peek_pool;
	c->peek_pool = 0;
	return zc_peeked((struct xsk_buff_pool *)pool, ret);
}
SEC("kprobe/xp_raw_get_dma")
int BPF_KPROBE(kprobe_zc_get_dma, struct xsk_buff_pool *pool, __u64 addr) { return zc_get_dma(pool, addr); }
SEC("kprobe/virtqueue_add_outbuf_premapped")
int BPF_KPROBE(kprobe_zc_vq_add, void *vq, struct scatterlist *sg, unsigned int num, void *data)
{
	return zc_vq_add((__u64)vq, sg, num, (__u64)data);
}
SEC("kprobe/detach_buf_split_in_order")
int BPF_KPROBE(kprobe_zc_detach, struct vring_virtqueue *vq, unsigned int head) { return zc_detach(vq, head); }
SEC("kprobe/detach_buf_packed_in_order")
int BPF_KPROBE(kprobe_zc_detach_packed, struct vring_virtqueue *vq, unsigned int id) { return zc_detach_packed(vq, id); }
SEC("kprobe/xsk_tx_completed")
int BPF_KPROBE(kprobe_zc_completed, struct xsk_buff_pool *pool, __u32 n) { return zc_completed(pool, n); }

char LICENSE[] SEC("license") = "GPL";
