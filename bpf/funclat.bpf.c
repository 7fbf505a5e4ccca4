// SPDX-License-Identifier: GPL-2.0
/* Per-function call counts and latency histograms for up to RS_MAX_FUNCS
 * kernel functions at once. Every slot has an entry/exit pair in each tier —
 * fentry/fexit, kprobe/kretprobe — and a raw tracepoint counter; user space
 * loads only the programs of the tier the kernel allows and sets each slot's
 * target at run time. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "bpf/ringscope.h"

struct func_name {
	char name[64];
};

/* Slot -> function name, filled by user space, so a pinned dump is readable. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RS_MAX_FUNCS);
	__type(key, __u32);
	__type(value, struct func_name);
} func_names SEC(".maps");

/* RS_MAX_FUNCS rows per CPU; user space sets max_entries to that times the
 * possible CPUs and reads the rows through mmap (no syscall, no allocation). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RS_MAX_FUNCS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct func_stats);
} func_stats SEC(".maps");

/* Entry timestamps of calls in flight, per thread and slot. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct func_entry_key);
	__type(value, __u64);
} func_starts SEC(".maps");

const volatile __s32 filter_cpu = -1;

static __always_inline int on_entry(__u32 slot)
{
	struct func_entry_key key = { .tid = (__u32)bpf_get_current_pid_tgid(), .slot = slot };
	__u64 ts;

	if (filter_cpu >= 0 && bpf_get_smp_processor_id() != filter_cpu)
		return 0;
	ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&func_starts, &key, &ts, BPF_ANY)) {
		struct func_stats *st = rs_cpu_row(&func_stats, RS_MAX_FUNCS, slot);

		if (st)
			st->lost_entries++;
	}
	return 0;
}

static __always_inline int on_exit(__u32 slot)
{
	struct func_entry_key key = { .tid = (__u32)bpf_get_current_pid_tgid(), .slot = slot };
	struct func_stats *st;
	__u64 *start, delta;

	start = bpf_map_lookup_elem(&func_starts, &key);
	if (!start)
		return 0;	/* entered before we attached, or filtered out */
	delta = bpf_ktime_get_ns() - *start;
	bpf_map_delete_elem(&func_starts, &key);
	st = rs_cpu_row(&func_stats, RS_MAX_FUNCS, slot);
	if (!st)
		return 0;
	st->calls++;
	rs_hist_inc(&st->hist, delta);
	return 0;
}

/* Tracepoint tier: no entry/exit pair, count events only. */
static __always_inline int on_event(__u32 slot)
{
	struct func_stats *st;

	if (filter_cpu >= 0 && bpf_get_smp_processor_id() != filter_cpu)
		return 0;
	st = rs_cpu_row(&func_stats, RS_MAX_FUNCS, slot);
	if (st)
		st->calls++;
	return 0;
}

#define FUNC_SLOT(N)							\
SEC("fentry") int BPF_PROG(fentry_##N) { return on_entry(N); }		\
SEC("fexit") int BPF_PROG(fexit_##N) { return on_exit(N); }		\
SEC("kprobe") int BPF_KPROBE(kprobe_##N) { return on_entry(N); }		\
SEC("kretprobe") int BPF_KRETPROBE(kretprobe_##N) { return on_exit(N); }	\
SEC("raw_tp") int BPF_PROG(tp_##N) { return on_event(N); }

FUNC_SLOT(0) FUNC_SLOT(1) FUNC_SLOT(2) FUNC_SLOT(3)
FUNC_SLOT(4) FUNC_SLOT(5) FUNC_SLOT(6) FUNC_SLOT(7)
FUNC_SLOT(8) FUNC_SLOT(9) FUNC_SLOT(10) FUNC_SLOT(11)
FUNC_SLOT(12) FUNC_SLOT(13) FUNC_SLOT(14) FUNC_SLOT(15)

char LICENSE[] SEC("license") = "GPL";
