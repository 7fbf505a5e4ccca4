// SPDX-License-Identifier: GPL-2.0
/* Per-packet hop stamps of the veth-xsk path on the raw tracepoint tier (the
 * host refuses fentry and has no kprobes). One record per packet, emitted to
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
 * the skb this CPU is inside netif_receive_skb for (hop_cur). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bpf/hop.h"

#define FRAME_BYTES 62		/* up to the end of ts_ns (frame offsets 0..61) */

/* Set by user space before load. */
const volatile __u32 target_tgid = 0;	/* 0: any process; else only its skb allocs and wakeups */
const volatile __s64 sendto_nr = -1;	/* __NR_sendto of this architecture */
/* run: follow nothing until target_epoch names its sender (other processes'
 * ringscope traffic on this host must not enter before it is set). */
const volatile bool need_epoch = false;
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

/* The ringscope frame an skb carries, from its MAC header on, bounds-checked
 * against the skb's linear data; false if it is not one of ours. */
static __always_inline bool read_frame(const struct sk_buff *skb, struct frame_id *id)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 mac = BPF_CORE_READ(skb, mac_header);
	__u32 tail = BPF_CORE_READ(skb, tail);
	__u8 f[FRAME_BYTES];

	if (!head || mac == (__u16)~0 || tail < mac || tail - mac < FRAME_BYTES)
		return false;
	if (bpf_probe_read_kernel(f, sizeof(f), head + mac))
		return false;
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

	if (!target_tgid || pt >> 32 != target_tgid || !ptr || !is_skb_cache(s))
		return 0;
	r.skb = key;
	r.ts[HK_SKB_ALLOC] = bpf_ktime_get_ns();
	if ((wake = bpf_map_lookup_elem(&hop_wake, &tid)))
		r.ts[HK_WAKEUP] = *wake;
	old = bpf_map_lookup_elem(&hop_live, &key);
	if (old && old->ts[HK_SUBMIT] && (c = counters()))
		c->recycled++;	/* its free was never seen: it leaves as in flight */
	if (bpf_map_update_elem(&hop_live, &key, &r, BPF_ANY) && (c = counters()))
		c->live_full++;
	return 0;
}

SEC("raw_tp/netif_rx_entry")
int BPF_PROG(netif_rx_entry, const struct sk_buff *skb)
{
	__u64 key = (__u64)skb, now;
	struct hop_counters *c;
	struct frame_id id;
	struct hop_rec *r;

	if (!read_frame(skb, &id))
		return 0;
	now = bpf_ktime_get_ns();
	r = bpf_map_lookup_elem(&hop_live, &key);
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
	r->ts[HK_NETIF_RX] = now;
	return 0;
}

SEC("raw_tp/netif_receive_skb")
int BPF_PROG(netif_receive_skb, const struct sk_buff *skb)
{
	__u64 key = (__u64)skb;
	struct hop_cur *cur = this_cpu();
	struct frame_id id;
	struct hop_rec *r;

	if (!cur)
		return 0;
	flush_pending(cur);
	cur->skb = 0;
	r = bpf_map_lookup_elem(&hop_live, &key);
	if (!r || !r->ts[HK_SUBMIT] || !read_frame(skb, &id) || !same_packet(r, &id))
		return 0;
	if (!r->ts[HK_RECEIVE])
		r->ts[HK_RECEIVE] = bpf_ktime_get_ns();
	cur->skb = key;
	return 0;
}

static __always_inline int on_free(const struct sk_buff *skb, bool drop, __u32 reason)
{
	__u64 key = (__u64)skb;
	struct hop_cur *cur;
	struct hop_rec *r = bpf_map_lookup_elem(&hop_live, &key);

	if (!r)
		return 0;
	if (r->ts[HK_SUBMIT]) {
		r->ts[HK_SKB_FREE] = bpf_ktime_get_ns();
		if (drop) {
			r->flags |= HOP_F_KFREE;
			r->drop_reason = reason;
		}
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

char LICENSE[] SEC("license") = "GPL";
