// SPDX-License-Identifier: GPL-2.0
/* Zero-copy submit -> completion latency, keyed by the buffer's identity:
 * - AF_XDP copy mode: the skb handed to the driver (__dev_direct_xmit, only
 *   skbs of AF_XDP sockets) -> xsk_destruct_skb(skb), when the descriptor goes
 *   to the completion ring; driver zero-copy completions (xsk_tx_completed)
 *   are counted;
 * - vhost-net TX: tun_sendmsg/tap_sendmsg with a TUN_MSG_UBUF control (the
 *   ubuf_info vhost hands down) -> the last vhost_zerocopy_complete (6.12) /
 *   vhost_zerocopy_callback (6.1) of that ubuf_info -> vhost_zerocopy_signal_used
 *   putting its descriptor in the used ring; copy sends counted;
 * - MSG_ZEROCOPY: msg_zerocopy_realloc returning a new ubuf_info ->
 *   __msg_zerocopy_callback(uarg), counting uarg->len sends and whether the
 *   kernel had to copy them after all (uarg->zerocopy == 0).
 * Each hook exists as fentry/fexit and kprobe/kretprobe: user space loads the
 * tier the kernel allows and only the paths whose functions exist. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bpf/arch_compat.h"
#include "bpf/ringscope.h"
#include "bpf/vhost_zc.h"

#define AF_XDP_FAMILY 44

/* One row per CPU (user space sets max_entries to the possible CPUs), read
 * through mmap: no syscall, no allocation per interval. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct zc_stats);
} zc_stats SEC(".maps");

/* skb (AF_XDP) -> time it was handed to the driver. LRU: an skb the driver
 * refused gets another destructor and never completes here. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u64);
} xsk_inflight SEC(".maps");

struct vhost_inflight {
	__u64 send_ts;
	__u64 done_ts;		/* final completion; 0 while the DMA is in flight */
};

/* vhost ubuf_info (one slot of the vq's UIO_MAXIOV ring) -> its times. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct vhost_inflight);
} vhost_inflight SEC(".maps");

/* MSG_ZEROCOPY ubuf_info -> time of the send that created it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u64);
} msg_inflight SEC(".maps");

/* Per thread, between entry and return: the argument a return probe needs. */
struct zc_call {
	__u64 arg;		/* msg_zerocopy_realloc: uarg passed in; signal_used: vq */
	__s32 done_idx;		/* signal_used: done_idx at entry */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);	/* tid << 1 | which */
	__type(value, struct zc_call);
} zc_calls SEC(".maps");

enum { CALL_REALLOC = 0, CALL_SIGNAL_USED = 1 };

static __always_inline struct zc_stats *stats(void)
{
	return rs_cpu_row(&zc_stats, 1, 0);
}

static __always_inline void hist_add(struct rs_bpf_hist *hist, __u64 v)
{
	rs_hist_inc(hist, v);
}

static __always_inline __u64 call_key(int which)
{
	return ((__u64)(__u32)bpf_get_current_pid_tgid() << 1) | which;
}

/* ---- AF_XDP ----------------------------------------------------------------- */

static __always_inline int xsk_xmit(struct sk_buff *skb)
{
	struct zc_stats *st;
	__u64 key = (__u64)skb, ts;

	/* __dev_direct_xmit also serves AF_PACKET's qdisc bypass: keep AF_XDP's. */
	if (BPF_CORE_READ(skb, sk, __sk_common.skc_family) != AF_XDP_FAMILY || !(st = stats()))
		return 0;
	ts = bpf_ktime_get_ns();
	st->xsk_xmits++;
	if (bpf_map_update_elem(&xsk_inflight, &key, &ts, BPF_ANY))
		st->lost++;
	return 0;
}

static __always_inline int xsk_destruct(struct sk_buff *skb)
{
	__u64 key = (__u64)skb, *ts = bpf_map_lookup_elem(&xsk_inflight, &key);
	struct zc_stats *st = stats();

	if (!st)
		return 0;
	if (!ts) {
		st->xsk_unmatched++;
		return 0;
	}
	st->xsk_completions++;
	hist_add(&st->xsk_hist, bpf_ktime_get_ns() - *ts);
	bpf_map_delete_elem(&xsk_inflight, &key);
	return 0;
}

static __always_inline int xsk_drv_completed(__u32 n)
{
	struct zc_stats *st = stats();

	if (st) {
		st->xsk_drv_calls++;
		st->xsk_drv_descs += n;
	}
	return 0;
}

/* ---- vhost-net -------------------------------------------------------------- */

static __always_inline int vhost_send(struct msghdr *m)
{
	struct rs_tun_msg_ctl ctl = {};
	struct vhost_inflight v = {};
	struct zc_stats *st = stats();
	void *p = BPF_CORE_READ(m, msg_control);
	__u64 key;

	if (!st)
		return 0;
	if (!p) {
		st->vhost_copy_sends++;	/* a single packet, copied */
		return 0;
	}
	if (BPF_CORE_READ(m, msg_controllen) != sizeof(ctl) || bpf_probe_read_kernel(&ctl, sizeof(ctl), p))
		return 0;
	if (ctl.type == TUN_MSG_PTR) {	/* a batch of copied packets as XDP buffs */
		st->vhost_copy_batches++;
		st->vhost_copy_sends += ctl.num;
		return 0;
	}
	if (ctl.type != TUN_MSG_UBUF || !ctl.ptr)
		return 0;
	st->vhost_zc_sends++;
	key = (__u64)ctl.ptr;
	v.send_ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&vhost_inflight, &key, &v, BPF_ANY))
		st->lost++;
	return 0;
}

static __always_inline int vhost_complete(void *ubuf_base, bool success)
{
	struct ubuf_info___rs *u = ubuf_base;
	struct vhost_inflight *v;
	struct zc_stats *st;
	__u64 key = (__u64)ubuf_base, now;

	/* Only the last reference completes the descriptor (refcnt 1 before the
	 * callback's own decrement). */
	if (BPF_CORE_READ(u, refcnt.refs.counter) != 1 || !(st = stats()))
		return 0;
	now = bpf_ktime_get_ns();
	st->vhost_completions++;
	if (!success)
		st->vhost_failed++;
	v = bpf_map_lookup_elem(&vhost_inflight, &key);
	if (!v) {
		st->vhost_unmatched++;
		return 0;
	}
	hist_add(success ? &st->vhost_hist : &st->vhost_failed_hist, now - v->send_ts);
	v->done_ts = now;
	return 0;
}

static __always_inline int signal_used_enter(void *vq)
{
	struct vhost_net_virtqueue___rs *nvq = vq;
	struct zc_call c = { .arg = (__u64)vq };
	__u64 key = call_key(CALL_SIGNAL_USED);

	c.done_idx = BPF_CORE_READ(nvq, done_idx);
	bpf_map_update_elem(&zc_calls, &key, &c, BPF_ANY);
	return 0;
}

/* One slot vhost_zerocopy_signal_used moved to the used ring (the scan's
 * bpf_loop callback, bpf/vhost_zc.h). */
static long used_scan_one(__u64 i, void *data)
{
	struct vhost_used_scan *u = data;
	struct vhost_inflight *v;
	struct zc_stats *st;
	__u64 key;

	if (!vhost_used_scan_next(u, &key))
		return 1;
	v = bpf_map_lookup_elem(&vhost_inflight, &key);
	if (v && v->done_ts && (st = stats())) {
		st->vhost_used++;
		hist_add(&st->vhost_used_hist, u->now - v->done_ts);
		bpf_map_delete_elem(&vhost_inflight, &key);
	}
	return 0;
}

static __always_inline int signal_used_exit(void)
{
	__u64 key = call_key(CALL_SIGNAL_USED);
	struct zc_call *c = bpf_map_lookup_elem(&zc_calls, &key);
	struct vhost_used_scan u = {};
	struct zc_stats *st;

	if (!c)
		return 0;
	vhost_used_scan_init(&u, (void *)c->arg, c->done_idx, bpf_ktime_get_ns());
	bpf_map_delete_elem(&zc_calls, &key);
	if (!vhost_used_scan_run(&u, used_scan_one) && (st = stats()))
		st->vhost_used_unscanned++;
	return 0;
}

/* ---- MSG_ZEROCOPY ----------------------------------------------------------- */

static __always_inline int msg_realloc_done(__u64 uarg, __u64 ret)
{
	struct zc_stats *st = stats();
	__u64 ts;

	if (!st || !ret)
		return 0;
	if (ret == uarg) {	/* the send was appended to an existing notification */
		st->msg_extended++;
		return 0;
	}
	st->msg_uargs++;
	ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&msg_inflight, &ret, &ts, BPF_ANY))
		st->lost++;
	return 0;
}

static __always_inline int msg_callback(struct ubuf_info_msgzc *uarg)
{
	struct zc_stats *st = stats();
	__u64 key = (__u64)uarg, *ts;
	__u16 len = BPF_CORE_READ(uarg, len);
	__u64 zc = BPF_CORE_READ_BITFIELD_PROBED(uarg, zerocopy);

	if (!st)
		return 0;
	ts = bpf_map_lookup_elem(&msg_inflight, &key);
	if (!len) {
		/* The only send was aborted: no notification is queued. */
		st->msg_aborted++;
	} else {
		st->msg_callbacks++;
		st->msg_completed += len;
		if (!zc)
			st->msg_copied += len;
		if (ts)
			hist_add(zc ? &st->msg_hist : &st->msg_copied_hist, bpf_ktime_get_ns() - *ts);
		else
			st->msg_unmatched++;
	}
	if (ts)
		bpf_map_delete_elem(&msg_inflight, &key);
	return 0;
}

/* ---- fentry/fexit tier -------------------------------------------------------- */

SEC("fentry/__dev_direct_xmit")
int BPF_PROG(fentry_dev_direct_xmit, struct sk_buff *skb) { return xsk_xmit(skb); }
SEC("fentry/xsk_destruct_skb")
int BPF_PROG(fentry_xsk_destruct_skb, struct sk_buff *skb) { return xsk_destruct(skb); }
SEC("fentry/xsk_tx_completed")
int BPF_PROG(fentry_xsk_tx_completed, void *pool, __u32 n) { return xsk_drv_completed(n); }

SEC("fentry/tun_sendmsg")
int BPF_PROG(fentry_tun_sendmsg, void *sock, struct msghdr *m) { return vhost_send(m); }
SEC("fentry/tap_sendmsg")
int BPF_PROG(fentry_tap_sendmsg, void *sock, struct msghdr *m) { return vhost_send(m); }
/* vhost_zerocopy_complete in 6.12, vhost_zerocopy_callback in 6.1: user space
 * sets the target. */
SEC("fentry/vhost_zerocopy_complete")
int BPF_PROG(fentry_vhost_complete, void *skb, void *ubuf, bool success) { return vhost_complete(ubuf, success); }
SEC("fentry/vhost_zerocopy_signal_used")
int BPF_PROG(fentry_signal_used, void *net, void *vq) { return signal_used_enter(vq); }
SEC("fexit/vhost_zerocopy_signal_used")
int BPF_PROG(fexit_signal_used) { return signal_used_exit(); }

/* msg_zerocopy_realloc(sk, size, uarg) up to 7.1, (sk, size, uarg, devmem)
 * in 7.2: the first three stay, the return value moves, so it is read with
 * bpf_get_func_ret() instead of from a fixed place in ctx. */
SEC("fexit/msg_zerocopy_realloc")
int BPF_PROG(fexit_msg_realloc, void *sk, __u64 size, void *uarg)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	return msg_realloc_done((__u64)uarg, ret);
}
SEC("fentry/__msg_zerocopy_callback")
int BPF_PROG(fentry_msg_callback, struct ubuf_info_msgzc *uarg) { return msg_callback(uarg); }

/* ---- kprobe/kretprobe tier ---------------------------------------------------- */

SEC("kprobe/__dev_direct_xmit")
int BPF_KPROBE(kprobe_dev_direct_xmit, struct sk_buff *skb) { return xsk_xmit(skb); }
SEC("kprobe/xsk_destruct_skb")
int BPF_KPROBE(kprobe_xsk_destruct_skb, struct sk_buff *skb) { return xsk_destruct(skb); }
SEC("kprobe/xsk_tx_completed")
int BPF_KPROBE(kprobe_xsk_tx_completed, void *pool, __u32 n) { return xsk_drv_completed(n); }

SEC("kprobe/tun_sendmsg")
int BPF_KPROBE(kprobe_tun_sendmsg, void *sock, struct msghdr *m) { return vhost_send(m); }
SEC("kprobe/tap_sendmsg")
int BPF_KPROBE(kprobe_tap_sendmsg, void *sock, struct msghdr *m) { return vhost_send(m); }
SEC("kprobe/vhost_zerocopy_complete")
int BPF_KPROBE(kprobe_vhost_complete, void *skb, void *ubuf, bool success) { return vhost_complete(ubuf, success); }
SEC("kprobe/vhost_zerocopy_signal_used")
int BPF_KPROBE(kprobe_signal_used, void *net, void *vq) { return signal_used_enter(vq); }
SEC("kretprobe/vhost_zerocopy_signal_used")
int BPF_KRETPROBE(kretprobe_signal_used) { return signal_used_exit(); }

SEC("kprobe/msg_zerocopy_realloc")
int BPF_KPROBE(kprobe_msg_realloc, void *sk, __u64 size, void *uarg)
{
	struct zc_call c = { .arg = (__u64)uarg };
	__u64 key = call_key(CALL_REALLOC);

	bpf_map_update_elem(&zc_calls, &key, &c, BPF_ANY);
	return 0;
}
SEC("kretprobe/msg_zerocopy_realloc")
int BPF_KRETPROBE(kretprobe_msg_realloc, void *ret)
{
	__u64 key = call_key(CALL_REALLOC);
	struct zc_call *c = bpf_map_lookup_elem(&zc_calls, &key);
	__u64 uarg;

	if (!c)
		return 0;
	uarg = c->arg;
	bpf_map_delete_elem(&zc_calls, &key);
	return msg_realloc_done(uarg, (__u64)ret);
}
SEC("kprobe/__msg_zerocopy_callback")
int BPF_KPROBE(kprobe_msg_callback, struct ubuf_info_msgzc *uarg) { return msg_callback(uarg); }

char LICENSE[] SEC("license") = "GPL";
