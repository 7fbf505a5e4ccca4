// SPDX-License-Identifier: GPL-2.0
/* Empty programs of each attach type, for `ringscope probe`: user space
 * loads and attaches one at a time to learn what this kernel really allows. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("fentry") int BPF_PROG(probe_fentry) { return 0; }
SEC("fexit") int BPF_PROG(probe_fexit) { return 0; }
SEC("kprobe") int BPF_KPROBE(probe_kprobe) { return 0; }
SEC("kretprobe") int BPF_KRETPROBE(probe_kretprobe) { return 0; }
SEC("kprobe.multi") int probe_kprobe_multi(struct pt_regs *ctx) { return 0; }
SEC("raw_tp") int BPF_PROG(probe_raw_tp) { return 0; }
SEC("tracepoint") int probe_tracepoint(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
