// SPDX-License-Identifier: GPL-2.0
/* KVM arm64 LPI injection through the ITS translation cache:
 * - hits and misses of vgic_its_inject_cached_translation (0 = hit,
 *   -EWOULDBLOCK = miss; the cache lookup itself is inlined),
 * - latency of irqfd_wakeup and of the cached injection, and the time from
 *   irqfd_wakeup entry to the injection being done,
 * - lock contention (lock:contention_begin/end) while inside irqfd_wakeup:
 *   on 6.1 that is dist->lpi_list_lock, the lock the EulerOS sharded LPI cache patch shards.
 * Each hook exists as fentry/fexit and kprobe/kretprobe: user space loads the
 * tier the kernel allows. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "bpf/arch_compat.h"
#include "bpf/ringscope.h"

/* One row per CPU (user space sets max_entries to the possible CPUs), read
 * through mmap: no syscall, no allocation per interval. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct lpi_stats);
} lpi_stats SEC(".maps");

struct lpi_thread {
	__u64 wakeup_ts;	/* irqfd_wakeup entry, 0 when outside */
	__u64 inject_ts;
	__u64 contention_ts;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct lpi_thread);
} lpi_threads SEC(".maps");

static __always_inline struct lpi_stats *stats(void)
{
	return rs_cpu_row(&lpi_stats, 1, 0);
}

static __always_inline struct lpi_thread *thread(bool create)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct lpi_thread *t = bpf_map_lookup_elem(&lpi_threads, &tid), zero = {};

	if (t || !create)
		return t;
	bpf_map_update_elem(&lpi_threads, &tid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&lpi_threads, &tid);
}

static __always_inline void hist_add(struct rs_bpf_hist *hist, __u64 v)
{
	rs_hist_inc(hist, v);
}

static __always_inline int wakeup_enter(void)
{
	struct lpi_thread *t = thread(true);

	if (t)
		t->wakeup_ts = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int wakeup_exit(void)
{
	struct lpi_thread *t = thread(false);
	struct lpi_stats *st = stats();

	if (!t || !t->wakeup_ts || !st)
		return 0;
	st->irqfd_wakeups++;
	hist_add(&st->wakeup_hist, bpf_ktime_get_ns() - t->wakeup_ts);
	t->wakeup_ts = 0;
	return 0;
}

static __always_inline int inject_enter(void)
{
	struct lpi_thread *t = thread(true);

	if (t)
		t->inject_ts = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int inject_exit(long ret)
{
	struct lpi_thread *t = thread(false);
	struct lpi_stats *st = stats();
	__u64 now = bpf_ktime_get_ns();

	if (!st)
		return 0;
	st->cached_calls++;
	if (ret == 0)
		st->hits++;
	else
		st->misses++;
	if (t && t->inject_ts) {
		hist_add(&st->inject_hist, now - t->inject_ts);
		t->inject_ts = 0;
	}
	if (t && t->wakeup_ts)
		hist_add(&st->wakeup_to_inject_hist, now - t->wakeup_ts);
	return 0;
}

static __always_inline int slow_inject(void)
{
	struct lpi_stats *st = stats();

	if (st)
		st->slow_injections++;
	return 0;
}

SEC("fentry/irqfd_wakeup") int BPF_PROG(fentry_irqfd_wakeup) { return wakeup_enter(); }
SEC("fexit/irqfd_wakeup") int BPF_PROG(fexit_irqfd_wakeup) { return wakeup_exit(); }
SEC("fentry/vgic_its_inject_cached_translation") int BPF_PROG(fentry_inject) { return inject_enter(); }
SEC("fexit/vgic_its_inject_cached_translation")
int BPF_PROG(fexit_inject, void *kvm, void *msi, int ret) { return inject_exit(ret); }
SEC("fentry/vgic_its_inject_msi") int BPF_PROG(fentry_slow_inject) { return slow_inject(); }

SEC("kprobe/irqfd_wakeup") int BPF_KPROBE(kprobe_irqfd_wakeup) { return wakeup_enter(); }
SEC("kretprobe/irqfd_wakeup") int BPF_KRETPROBE(kretprobe_irqfd_wakeup) { return wakeup_exit(); }
SEC("kprobe/vgic_its_inject_cached_translation") int BPF_KPROBE(kprobe_inject) { return inject_enter(); }
SEC("kretprobe/vgic_its_inject_cached_translation")
int BPF_KRETPROBE(kretprobe_inject, int ret) { return inject_exit(ret); }
SEC("kprobe/vgic_its_inject_msi") int BPF_KPROBE(kprobe_slow_inject) { return slow_inject(); }

SEC("raw_tp/contention_begin")
int BPF_PROG(contention_begin, void *lock, unsigned int flags)
{
	struct lpi_thread *t = thread(false);

	if (t && t->wakeup_ts)
		t->contention_ts = bpf_ktime_get_ns();
	return 0;
}

SEC("raw_tp/contention_end")
int BPF_PROG(contention_end, void *lock, int ret)
{
	struct lpi_thread *t = thread(false);
	struct lpi_stats *st = stats();
	__u64 d;

	if (!t || !t->contention_ts || !st)
		return 0;
	d = bpf_ktime_get_ns() - t->contention_ts;
	st->contentions++;
	st->contention_ns += d;
	hist_add(&st->contention_hist, d);
	t->contention_ts = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
