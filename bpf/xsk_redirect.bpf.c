// SPDX-License-Identifier: GPL-2.0
/* XDP program of `ringscope gen`: redirect every frame of a queue to the AF_XDP
 * socket bound to that queue, counting per queue. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf/ringscope.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, RS_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RS_MAX_QUEUES);
	__type(key, __u32);
	__type(value, struct xsk_queue_stats);
} queue_stats SEC(".maps");

SEC("xdp")
int xsk_redirect(struct xdp_md *ctx)
{
	__u32 queue = ctx->rx_queue_index;
	struct xsk_queue_stats *st = bpf_map_lookup_elem(&queue_stats, &queue);
	long ret;

	ret = bpf_redirect_map(&xsks, queue, XDP_PASS);
	if (st) {
		st->packets++;
		st->bytes += ctx->data_end - ctx->data;
		if (ret == XDP_REDIRECT)
			st->redirected++;
		else
			st->passed++;
	}
	return ret;
}

char LICENSE[] SEC("license") = "GPL";
