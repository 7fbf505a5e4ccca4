/* vhost-net zero-copy TX as the BPF objects see it (bpf/zerocopy.bpf.c,
 * bpf/hop_zc.bpf.c): the control vhost hands tun/tap sendmsg, the vhost and
 * vhost_net module types read through CO-RE, and the scan of the slots one
 * vhost_zerocopy_signal_used call moved to the used ring. Include after
 * vmlinux.h and bpf_core_read.h. */
#ifndef RS_VHOST_ZC_H
#define RS_VHOST_ZC_H

#define TUN_MSG_UBUF 1		/* include/linux/if_tun.h: ptr is the frame's ubuf_info */
#define TUN_MSG_PTR 2		/* ... a batch of copied frames as XDP buffs, num of them */
#define VHOST_UIO_MAXIOV 1024	/* UIO_MAXIOV: the slots of a virtqueue's ubuf_info ring */

/* The control vhost passes to tun/tap sendmsg (include/linux/if_tun.h). Its
 * layout is fixed and the type may be missing from BTF when tun is a
 * module, so it is read without CO-RE. */
struct rs_tun_msg_ctl {
	unsigned short type;
	unsigned short num;
	void *ptr;
};

/* vhost / vhost_net module types (drivers/vhost/), matched by CO-RE against
 * their modules' BTF. */
struct vhost_virtqueue___rs {
	__u16 last_avail_idx;
} __attribute__((preserve_access_index));

struct vhost_net_ubuf_ref___rs {
	struct vhost_virtqueue___rs *vq;
} __attribute__((preserve_access_index));

/* vhost_net_virtqueue starts with its vhost_virtqueue: the vq pointer vhost
 * passes around is also the vhost_net_virtqueue. */
struct vhost_net_virtqueue___rs {
	int done_idx;
	struct ubuf_info_msgzc *ubuf_info;
} __attribute__((preserve_access_index));

/* 6.1 keeps the completion callback in ubuf_info instead of an ops table,
 * so refcnt moves: CO-RE for the one field read. */
struct ubuf_info___rs {
	refcount_t refcnt;
} __attribute__((preserve_access_index));

/* vhost_zerocopy_signal_used(net, vq) writes the used entries of the slots
 * [done_idx at its entry, done_idx at its return) of vq's ubuf_info ring,
 * in ring order. The scan walks them: each slot's ubuf_info address (the key
 * both objects follow a frame by), within the ring's UIO_MAXIOV slots. */
struct vhost_used_scan {
	__u64 base, sz;		/* the ring's first ubuf_info, and the size of one */
	__u64 now;		/* the time the caller stamps the slots with */
	__u32 idx, end;		/* the next slot, and the one past the last */
};

/* At signal_used's return: the slots it moved, from its entry's done_idx. */
static __always_inline void vhost_used_scan_init(struct vhost_used_scan *u, void *vq, __s32 done_idx_at_entry,
						 __u64 now)
{
	struct vhost_net_virtqueue___rs *nvq = vq;

	u->idx = done_idx_at_entry;
	u->end = BPF_CORE_READ(nvq, done_idx);
	u->base = (__u64)BPF_CORE_READ(nvq, ubuf_info);
	u->sz = bpf_core_type_size(struct ubuf_info_msgzc);
	u->now = now;
}

/* The next slot's ubuf_info address in *key; false once the range (or a
 * bad index) ends the scan. */
static __always_inline bool vhost_used_scan_next(struct vhost_used_scan *u, __u64 *key)
{
	if (u->idx == u->end || u->idx >= VHOST_UIO_MAXIOV)
		return false;
	*key = u->base + (__u64)u->idx * u->sz;
	u->idx = (u->idx + 1) % VHOST_UIO_MAXIOV;
	return true;
}

/* Run one_slot (a bpf_loop callback over u, which calls
 * vhost_used_scan_next()) over every slot moved: a bpf_loop, verified once
 * whatever the bound (an unrolled loop hits 6.1's limit). False if the range
 * was longer than the scan. */
static __always_inline bool vhost_used_scan_run(struct vhost_used_scan *u, long (*one_slot)(__u64, void *))
{
	bpf_loop(VHOST_UIO_MAXIOV, one_slot, u, 0);
	return u->idx == u->end;
}

#endif
