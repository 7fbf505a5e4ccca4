// SPDX-License-Identifier: GPL-2.0
/* Per-send hop stamps of the zero-copy paths, `--path msg-zerocopy` and
 * `--path vhost-tx` (below); user space loads one path's programs.
 *
 * msg-zerocopy (fentry, else kprobes: a VM
 * lab guest; the host has no tracepoint at the ubuf_info's creation or
 * completion). One struct hop_rec per MSG_ZEROCOPY send of the followed
 * process (run: ringscope's own; trace: every process), emitted when the
 * kernel's completion callback covers it; user space
 * (user/trace/trace_path_zc.c, path_join.c) joins it with the sender's own
 * submit and reap stamps by the send's notification id (run), or per socket
 * (trace: the record's skb field is the socket).
 *
 * Identity: a send is (socket, id), the id the kernel gives it
 * (sk->sk_zckey, the number the error-queue notification's [ee_info,
 * ee_data] range counts in). msg_zerocopy_realloc returns the ubuf_info
 * carrying it: a new one (id = uarg->id), or for TCP the tail skb's one
 * extended by this send (id = uarg->id + uarg->len - 1). A ubuf_info is
 * followed from its creation to its __msg_zerocopy_callback (mz_ubufs):
 * events of an address that is not followed are not ours, and a followed
 * address is only ever given to the ids [id, id + len) it holds now, so a
 * recycled ubuf_info address never lends stamps to an older send.
 *
 * Per ubuf_info, not per send (one ubuf_info may hold several sends, and
 * its data may leave in several skbs): xmit goes to the sends it holds
 * that had none yet (the first skb carrying it after their realloc),
 * release to the sends already transmitted that had none (the first skb
 * to let go of it after their xmit), callback to all it holds. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bpf/arch_compat.h"
#include "bpf/hop_zc.h"
#include "bpf/vhost_zc.h"
#include "bpf/skb_frag.h"

#define ZEROCOPY_ENABLE 1	/* SKBFL_ZEROCOPY_ENABLE: skb_shinfo()->destructor_arg is its ubuf_info */

const volatile __u32 target_tgid = 0;	/* the sending process (run); 0: every process (trace) */
/* vhost-tx on kernels whose vhost worker is a kthread ("vhost-<owner pid>",
 * 6.1) rather than a thread of the owner (6.4+): its name. */
const volatile char vhost_comm[16] = {};
const volatile __s64 sendto_nr = -1, sendmsg_nr = -1;
/* __msg_zerocopy_callback is inlined into the complete op (7.2 builds): the
 * complete op holding the last reference is the callback. */
const volatile bool callback_in_complete = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} mz_events SEC(".maps");

struct mz_key {
	__u64 sk;
	__u32 id;
	__u32 pad;
};

/* One send, from its realloc to its callback. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct mz_key);
	__type(value, struct hop_rec);
} mz_sends SEC(".maps");

/* A followed ubuf_info: which sends it holds, and which of them already
 * have their xmit and release stamps. */
struct mz_ubuf {
	__u64 sk;
	__u32 id;		/* its first send */
	__u32 xmit_next;	/* ids below this had their xmit */
	__u32 release_next;	/* ids below this had their release */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);			/* struct ubuf_info * */
	__type(value, struct mz_ubuf);
} mz_ubufs SEC(".maps");

/* LRU: in trace every thread that sends (or runs a vhost pass) leaves one. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);			/* tid */
	__type(value, __u64);			/* its last sendto()/sendmsg() entry */
} mz_wake SEC(".maps");

/* kprobe tier: msg_zerocopy_realloc's arguments, from entry to return. */
struct mz_call {
	__u64 sk, uarg;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);			/* tid */
	__type(value, struct mz_call);
} mz_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mz_counters);
} mz_stats SEC(".maps");

static __always_inline struct mz_counters *counters(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&mz_stats, &k);
}

static __always_inline bool followed(void)
{
	return !target_tgid || bpf_get_current_pid_tgid() >> 32 == target_tgid;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now;

	if ((id != sendto_nr && id != sendmsg_nr) || !followed())
		return 0;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&mz_wake, &tid, &now, BPF_ANY);
	return 0;
}

/* msg_zerocopy_realloc(sk, size, uarg) returned ret: this send's id. */
static __always_inline int realloc_done(__u64 sk, __u64 uarg, __u64 ret)
{
	struct ubuf_info_msgzc *z = (void *)ret;	/* its ubuf_info is its first member */
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct mz_counters *c = counters();
	struct mz_ubuf nu = {}, *u;
	struct hop_rec r = {};
	struct mz_key key = { .sk = sk };
	__u64 *wake;
	__u32 id0;
	__u16 len;

	if (!ret || !c || !followed())
		return 0;
	id0 = BPF_CORE_READ(z, id);
	len = BPF_CORE_READ(z, len);
	if (!len)
		return 0;
	u = bpf_map_lookup_elem(&mz_ubufs, &ret);
	if (ret == uarg) {
		c->extended++;
		key.id = id0 + len - 1;
	} else {
		c->ubufs++;
		key.id = id0;
		if (u)
			c->recycled++;	/* its callback was not seen */
		u = NULL;
	}
	if (!u) {
		/* new, or one created before the attach: followed from now */
		nu.sk = sk;
		nu.id = nu.xmit_next = nu.release_next = key.id;
		if (ret == uarg)
			nu.id = id0;
		if (bpf_map_update_elem(&mz_ubufs, &ret, &nu, BPF_ANY)) {
			c->live_full++;
			return 0;
		}
	}
	else if (key.id < u->xmit_next) {
		/* The id of an aborted send (put_abort took it back and shortened
		 * the ubuf_info) given again: its xmit and release are still due. */
		u->xmit_next = key.id;
		if (key.id < u->release_next)
			u->release_next = key.id;
	}
	c->sends++;
	r.skb = sk;	/* the send's socket: trace tells the senders apart by it */
	r.seq = key.id;
	r.ts[MZ_REALLOC] = bpf_ktime_get_ns();
	if ((wake = bpf_map_lookup_elem(&mz_wake, &tid)))
		r.ts[MZ_SENDMSG] = *wake;
	if (bpf_map_lookup_elem(&mz_sends, &key))
		c->aborted++;	/* an aborted send's id, given again: this send's record replaces it */
	if (bpf_map_update_elem(&mz_sends, &key, &r, BPF_ANY))
		c->live_full++;
	return 0;
}

/* The sends [lo, hi) of socket sk: stamp hop `hop` on those without one
 * (not before their realloc); emit: also mark them with flags, emit their
 * record and forget them (the callback). A bpf_loop callback. */
struct mz_range {
	__u64 sk, now;
	__u32 lo, hi;
	int hop;		/* -1: none */
	__u32 flags;		/* set on each */
	__u32 drop_reason;	/* with HOP_F_KFREE */
	bool emit;
};

static long range_one(__u64 i, void *data)
{
	struct mz_range *g = data;
	struct mz_key key = { .sk = g->sk, .id = g->lo + (__u32)i };
	struct mz_counters *c = counters();
	struct hop_rec *r;
	__u64 wake;

	if (key.id == g->hi || !c)
		return 1;
	r = bpf_map_lookup_elem(&mz_sends, &key);
	if (!r) {
		c->unmatched += g->emit;
		return 0;
	}
	if (g->hop >= 0 && g->hop < HK_N && !r->ts[g->hop] && r->ts[MZ_REALLOC] <= g->now)
		r->ts[g->hop] = g->now;
	r->flags |= g->flags;
	if (g->flags & HOP_F_KFREE)
		r->drop_reason = g->drop_reason;
	if (!g->emit)
		return 0;
	/* Wake the reader only once a batch is waiting (it also reads every 10 ms). */
	wake = bpf_ringbuf_query(&mz_events, BPF_RB_AVAIL_DATA) > (256 << 10) ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&mz_events, r, sizeof(*r), wake))
		c->ringbuf_full++;
	else
		c->records++;
	bpf_map_delete_elem(&mz_sends, &key);
	return 0;
}

static __always_inline void for_range(struct mz_range *g)
{
	g->now = bpf_ktime_get_ns();
	/* ids wrap: hi - lo is the count; a ubuf_info holds < 65535 sends */
	if (g->hi - g->lo && g->hi - g->lo < 65536)
		bpf_loop(g->hi - g->lo, range_one, g, 0);
}

static __always_inline void stamp(struct mz_ubuf *u, __u32 lo, __u32 hi, int hop)
{
	struct mz_range g = { .sk = u->sk, .lo = lo, .hi = hi, .hop = hop };

	for_range(&g);
}

static __always_inline struct mz_ubuf *skb_ubuf(const struct sk_buff *skb, __u64 *uarg);

SEC("raw_tp/net_dev_start_xmit")
int BPF_PROG(net_dev_start_xmit, struct sk_buff *skb)
{
	struct ubuf_info_msgzc *z;
	struct mz_counters *c;
	struct mz_ubuf *u;
	__u64 uarg;
	__u32 hi;

	if (!(u = skb_ubuf(skb, &uarg)) || !(c = counters()))
		return 0;
	c->xmits++;
	z = (void *)uarg;
	hi = u->id + BPF_CORE_READ(z, len);	/* past the last send it holds now */
	stamp(u, u->xmit_next, hi, MZ_XMIT);
	u->xmit_next = hi;
	return 0;
}

/* The ubuf_info an skb carries (skb_shinfo(skb)->destructor_arg, CO-RE,
 * read only with SKBFL_ZEROCOPY_ENABLE), if it is followed: its address in
 * *uarg. */
static __always_inline struct mz_ubuf *skb_ubuf(const struct sk_buff *skb, __u64 *uarg)
{
	struct skb_shared_info *sh = skb_shinfo_of(skb);

	if (!sh || !(BPF_CORE_READ(sh, flags) & ZEROCOPY_ENABLE))
		return NULL;
	*uarg = (__u64)BPF_CORE_READ(sh, destructor_arg) & ~1ull;	/* bit 0: no uarg (skb_zcopy_set_nouarg) */
	return *uarg ? bpf_map_lookup_elem(&mz_ubufs, uarg) : NULL;
}

/* An skb carrying a followed ubuf_info dropped (kfree_skb, e.g. the
 * neighbour's queue full while ARP resolves): the sends it holds that no
 * device took yet leave the path there, with the kernel's reason. */
SEC("raw_tp/kfree_skb")
int BPF_PROG(kfree_skb, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	struct mz_range g = { .hop = -1, .flags = HOP_F_KFREE, .drop_reason = reason };
	struct ubuf_info_msgzc *z;
	struct mz_counters *c;
	struct mz_ubuf *u;
	__u64 uarg;

	if (!(u = skb_ubuf(skb, &uarg)) || !(c = counters()))
		return 0;
	c->drops++;
	z = (void *)uarg;
	g.sk = u->sk;
	g.lo = u->xmit_next;
	g.hi = u->id + BPF_CORE_READ(z, len);
	for_range(&g);
	return 0;
}

/* The ubuf_info's complete op (msg_zerocopy_complete, 6.1:
 * msg_zerocopy_callback): one skb let go of it (freed, or its pages copied:
 * success false), or with no skb, the sending call let go of its own
 * reference (TCP: net_zcopy_put at the end of tcp_sendmsg) or aborted. */
static __always_inline int callback(struct ubuf_info_msgzc *z, bool copied);

static __always_inline int complete_op(__u64 skb, __u64 uarg, bool success)
{
	struct mz_counters *c = counters();
	struct mz_ubuf *u = bpf_map_lookup_elem(&mz_ubufs, &uarg);
	struct ubuf_info___rs *b = (void *)uarg;	/* the msgzc's first member */

	if (!u || !c)
		return 0;
	if (!skb) {
		c->sender_puts++;
	} else {
		c->releases++;
		stamp(u, u->release_next, u->xmit_next, MZ_RELEASE);
		u->release_next = u->xmit_next;
	}
	/* The last reference (refcnt 1 before the op's own decrement): where
	 * the callback has no symbol of its own, this call is it, and clears
	 * zerocopy first unless success. */
	if (callback_in_complete && BPF_CORE_READ(b, refcnt.refs.counter) == 1)
		callback((struct ubuf_info_msgzc *)uarg, !success);
	return 0;
}

/* The last reference went: every send it holds is complete; each record
 * is emitted here. copied: the kernel copied them after all (whatever
 * uarg->zerocopy says yet). */
static __always_inline int callback(struct ubuf_info_msgzc *z, bool copied)
{
	__u64 uarg = (__u64)z;
	struct mz_ubuf *u = bpf_map_lookup_elem(&mz_ubufs, &uarg);
	struct mz_counters *c = counters();
	struct mz_range g = { .hop = MZ_CALLBACK, .emit = true };
	__u16 len;

	if (!u || !c)
		return 0;
	len = BPF_CORE_READ(z, len);
	g.sk = u->sk;
	g.lo = BPF_CORE_READ(z, id);
	g.hi = g.lo + len;
	g.flags = !copied && BPF_CORE_READ_BITFIELD_PROBED(z, zerocopy) ? 0 : HOP_F_MZ_COPIED;
	c->callbacks++;
	c->callback_sends += len;
	if (g.flags)
		c->copied_sends += len;
	for_range(&g);
	bpf_map_delete_elem(&mz_ubufs, &uarg);
	return 0;
}

/* msg_zerocopy_realloc(sk, size, uarg) up to 7.1, (sk, size, uarg, devmem)
 * in 7.2: the first three stay, the return value moves, so it is read with
 * bpf_get_func_ret() instead of from a fixed place in ctx. */
SEC("fexit/msg_zerocopy_realloc")
int BPF_PROG(fexit_realloc, void *sk, __u64 size, void *uarg)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	return realloc_done((__u64)sk, (__u64)uarg, ret);
}
/* msg_zerocopy_complete (6.12) / msg_zerocopy_callback (6.1): user space sets the target. */
SEC("fentry/msg_zerocopy_complete")
int BPF_PROG(fentry_complete, void *skb, void *uarg, bool success)
{
	return complete_op((__u64)skb, (__u64)uarg, success);
}
SEC("fentry/__msg_zerocopy_callback")
int BPF_PROG(fentry_callback, struct ubuf_info_msgzc *uarg) { return callback(uarg, false); }

SEC("kprobe/msg_zerocopy_realloc")
int BPF_KPROBE(kprobe_realloc, void *sk, __u64 size, void *uarg)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct mz_call c = { .sk = (__u64)sk, .uarg = (__u64)uarg };

	if (followed())
		bpf_map_update_elem(&mz_calls, &tid, &c, BPF_ANY);
	return 0;
}
SEC("kretprobe/msg_zerocopy_realloc")
int BPF_KRETPROBE(kretprobe_realloc, void *ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct mz_call *c = bpf_map_lookup_elem(&mz_calls, &tid);
	struct mz_call a;

	if (!c)
		return 0;
	a = *c;
	bpf_map_delete_elem(&mz_calls, &tid);
	return realloc_done(a.sk, a.uarg, (__u64)ret);
}
SEC("kprobe/msg_zerocopy_complete")
int BPF_KPROBE(kprobe_complete, void *skb, void *uarg, bool success)
{
	return complete_op((__u64)skb, (__u64)uarg, success);
}
SEC("kprobe/__msg_zerocopy_callback")
int BPF_KPROBE(kprobe_callback, struct ubuf_info_msgzc *uarg) { return callback(uarg, false); }

/* ---- vhost-tx ------------------------------------------------------------------
 * vhost-gen (ringscope as the guest driver of a vhost-net TX virtqueue) makes
 * descriptors available; the vhost worker's handle_tx_zerocopy hands each
 * frame of 256 B or more (VHOST_GOODCOPY_LEN) to tun/tap sendmsg with a
 * ubuf_info of the virtqueue's ring of UIO_MAXIOV (ubuf->desc its slot),
 * vhost_zerocopy_complete runs when the last skb lets go of the pages, and
 * vhost_zerocopy_signal_used writes the used-ring entries of the completed
 * slots, in order (stamped at its entry). One ubuf_info per frame: every hop
 * is per packet except handle_tx (a pass over many, which drains the ring:
 * it may begin before the frame was made available). Identity: the slot's address while the
 * frame is in flight (vh_live), created at sendmsg, emitted and forgotten at
 * signal_used; the record carries the descriptor's avail index (u16), which
 * user space extends to vhost-gen's 64-bit count. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4 * VHOST_UIO_MAXIOV);
	__type(key, __u64);			/* the slot's ubuf_info */
	__type(value, struct hop_rec);
} vh_live SEC(".maps");

struct vh_call {
	__u64 vq, ts;		/* at signal_used's entry */
	__s32 done_idx;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);			/* tid */
	__type(value, struct vh_call);
} vh_calls SEC(".maps");

/* The vhost worker of the followed process: its thread (6.4+) or its
 * kthread, named vhost-<pid>. */
static __always_inline bool vh_followed(void)
{
	char comm[16];

	if (followed())
		return true;
	if (!vhost_comm[0] || bpf_get_current_comm(comm, sizeof(comm)))
		return false;
	for (int i = 0; i < 16; i++) {
		if (comm[i] != vhost_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline int vh_handle_tx(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now;

	if (!vh_followed())
		return 0;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&mz_wake, &tid, &now, BPF_ANY);
	return 0;
}

static __always_inline int vh_sendmsg(struct msghdr *m)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct vhost_net_ubuf_ref___rs *ref;
	struct vhost_virtqueue___rs *vq;
	struct rs_tun_msg_ctl ctl = {};
	struct ubuf_info_msgzc *z;
	struct mz_counters *c;
	struct hop_rec r = {};
	void *p;
	__u64 key, *wake;

	if (!vh_followed() || !(c = counters()))
		return 0;
	p = BPF_CORE_READ(m, msg_control);
	if (!p || BPF_CORE_READ(m, msg_controllen) != sizeof(ctl) || bpf_probe_read_kernel(&ctl, sizeof(ctl), p) ||
	    ctl.type != TUN_MSG_UBUF || !ctl.ptr) {
		c->vh_copy_sends++;
		return 0;
	}
	z = ctl.ptr;
	ref = BPF_CORE_READ(z, ctx);
	vq = BPF_CORE_READ(ref, vq);
	if (!vq)
		return 0;
	c->vh_zc_sends++;
	key = (__u64)z;
	r.skb = key;
	r.vq = (__u64)vq;
	/* vhost_get_vq_desc counted this descriptor already */
	r.seq = (__u16)(BPF_CORE_READ(vq, last_avail_idx) - 1);
	r.ts[VH_SENDMSG] = bpf_ktime_get_ns();
	if ((wake = bpf_map_lookup_elem(&mz_wake, &tid)))
		r.ts[VH_HANDLE_TX] = *wake;
	if (bpf_map_lookup_elem(&vh_live, &key))
		c->recycled++;	/* a slot whose used entry was not seen (or a send retried) */
	if (bpf_map_update_elem(&vh_live, &key, &r, BPF_ANY))
		c->live_full++;
	return 0;
}

static __always_inline int vh_complete(void *ubuf, bool success)
{
	struct ubuf_info___rs *u = ubuf;
	__u64 key = (__u64)ubuf;
	struct hop_rec *r = bpf_map_lookup_elem(&vh_live, &key);
	struct mz_counters *c = counters();

	if (!r || !c)
		return 0;
	/* Only the last reference completes the frame (refcnt 1 before the
	 * callback's own decrement). */
	if (BPF_CORE_READ(u, refcnt.refs.counter) != 1) {
		c->vh_refs++;
		return 0;
	}
	c->vh_completes++;
	if (!r->ts[VH_COMPLETE])
		r->ts[VH_COMPLETE] = bpf_ktime_get_ns();
	if (!success) {
		c->vh_failed++;
		r->flags |= HOP_F_VH_FAILED;
	}
	return 0;
}

static __always_inline int vh_used_enter(void *vq)
{
	struct vhost_net_virtqueue___rs *nvq = vq;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct vh_call k = { .vq = (__u64)vq };

	if (!vh_followed())
		return 0;
	k.done_idx = BPF_CORE_READ(nvq, done_idx);
	k.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&vh_calls, &tid, &k, BPF_ANY);
	return 0;
}

/* One slot signal_used moved to the used ring (the scan's bpf_loop
 * callback, bpf/vhost_zc.h): its frame's record is emitted here. */
static long vh_used_one(__u64 i, void *data)
{
	struct vhost_used_scan *u = data;
	struct mz_counters *c = counters();
	struct hop_rec *r;
	__u64 key, wake;

	if (!c || !vhost_used_scan_next(u, &key))
		return 1;
	if (!(r = bpf_map_lookup_elem(&vh_live, &key)))
		return 0;
	r->ts[VH_USED] = u->now;
	c->vh_used++;
	wake = bpf_ringbuf_query(&mz_events, BPF_RB_AVAIL_DATA) > (256 << 10) ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&mz_events, r, sizeof(*r), wake))
		c->ringbuf_full++;
	else
		c->records++;
	bpf_map_delete_elem(&vh_live, &key);
	return 0;
}

static __always_inline int vh_used_exit(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct vh_call *k = bpf_map_lookup_elem(&vh_calls, &tid);
	struct vhost_used_scan u = {};
	struct mz_counters *c;

	if (!k)
		return 0;
	/* Stamped with its entry time: it writes the used entries and signals
	 * the driver before it returns, and a descheduled worker returns long
	 * after the driver reaped them. Every slot it moved was complete before
	 * it began. */
	vhost_used_scan_init(&u, (void *)k->vq, k->done_idx, k->ts);
	bpf_map_delete_elem(&vh_calls, &tid);
	if (!vhost_used_scan_run(&u, vh_used_one) && (c = counters()))
		c->vh_unscanned++;
	return 0;
}

SEC("fentry/handle_tx_zerocopy")
int BPF_PROG(fentry_vh_handle_tx) { return vh_handle_tx(); }
SEC("fentry/tun_sendmsg")
int BPF_PROG(fentry_vh_tun_sendmsg, void *sock, struct msghdr *m) { return vh_sendmsg(m); }
SEC("fentry/tap_sendmsg")
int BPF_PROG(fentry_vh_tap_sendmsg, void *sock, struct msghdr *m) { return vh_sendmsg(m); }
/* vhost_zerocopy_complete (6.12) / vhost_zerocopy_callback (6.1): user space sets the target. */
SEC("fentry/vhost_zerocopy_complete")
int BPF_PROG(fentry_vh_complete, void *skb, void *ubuf, bool success) { return vh_complete(ubuf, success); }
SEC("fentry/vhost_zerocopy_signal_used")
int BPF_PROG(fentry_vh_used, void *net, void *vq) { return vh_used_enter(vq); }
SEC("fexit/vhost_zerocopy_signal_used")
int BPF_PROG(fexit_vh_used) { return vh_used_exit(); }

SEC("kprobe/handle_tx_zerocopy")
int BPF_KPROBE(kprobe_vh_handle_tx) { return vh_handle_tx(); }
SEC("kprobe/tun_sendmsg")
int BPF_KPROBE(kprobe_vh_tun_sendmsg, void *sock, struct msghdr *m) { return vh_sendmsg(m); }
SEC("kprobe/tap_sendmsg")
int BPF_KPROBE(kprobe_vh_tap_sendmsg, void *sock, struct msghdr *m) { return vh_sendmsg(m); }
SEC("kprobe/vhost_zerocopy_complete")
int BPF_KPROBE(kprobe_vh_complete, void *skb, void *ubuf, bool success) { return vh_complete(ubuf, success); }
SEC("kprobe/vhost_zerocopy_signal_used")
int BPF_KPROBE(kprobe_vh_used, void *net, void *vq) { return vh_used_enter(vq); }
SEC("kretprobe/vhost_zerocopy_signal_used")
int BPF_KRETPROBE(kretprobe_vh_used) { return vh_used_exit(); }

char LICENSE[] SEC("license") = "GPL";
