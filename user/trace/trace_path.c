/* The paths `--path` knows, and the BPF session that stamps them: load
 * bpf/hop.bpf.c, attach its raw tracepoints, read its ring buffer in a thread
 * into the path_join. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "trace_path.h"
#include "u64s.h"
#include "hop.skel.h"

/* veth-xsk: AF_XDP copy-mode TX on one end of a veth pair, generic-XDP
 * redirect into an AF_XDP socket on the other (docs/hop-latency.md). The
 * socket's copy happens inside netif_receive_skb; the skb free and the
 * redirect event come after that copy, so they run alongside the reaps. */
static const struct path_def paths[] = {
	{
		.name = "veth-xsk",
		.summary = "AF_XDP copy TX over a veth pair to an AF_XDP socket (generic XDP), host tracepoint tier",
		.nhops = PH_N,
		.order = { HK_SUBMIT, HK_WAKEUP, HK_SKB_ALLOC, HK_NETIF_RX, HK_RECEIVE, PH_RX_REAP,
			   HK_SKB_FREE, HK_REDIRECT, PH_TX_REAP },
		.hop = {
			[HK_SUBMIT] = { "submit", "user: frame put on the TX ring (its ts_ns)", PH_NONE, true },
			[HK_WAKEUP] = { "wakeup", "raw_tp sys_enter: the sendto() that sent it (per batch; run only: the sender is ringscope)", HK_SUBMIT, true },
			[HK_SKB_ALLOC] = { "skb_alloc", "raw_tp kmem_cache_alloc, skbuff_head_cache, in that sendto() (run only)", HK_WAKEUP, true },
			[HK_NETIF_RX] = { "netif_rx", "raw_tp netif_rx_entry", HK_SKB_ALLOC, true },
			[HK_RECEIVE] = { "netif_receive_skb", "raw_tp netif_receive_skb (generic XDP, copy to the socket)", HK_NETIF_RX, true },
			[PH_RX_REAP] = { "rx_reap", "user: taken from the RX ring (run only)", HK_RECEIVE, true },
			[HK_SKB_FREE] = { "skb_free", "raw_tp consume_skb / kfree_skb (after the copy)", HK_RECEIVE, false },
			[HK_REDIRECT] = { "xdp_redirect", "raw_tp xdp_redirect(_err) (after the copy; a refused packet: before its free)", HK_RECEIVE, false },
			[PH_TX_REAP] = { "tx_reap", "user: completion taken from the completion ring (run only)", HK_SUBMIT, false },
		},
	},
};

const struct path_def *path_find(const char *name)
{
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!strcmp(paths[i].name, name))
			return &paths[i];
	return NULL;
}

const char *path_names(void)
{
	return "veth-xsk";
}

int trace_path_check(const char *name, uint64_t samples, bool json)
{
	if (!name) {
		if (samples) {
			rs_err("--path-samples needs --path NAME (%s)", path_names());
			return -EINVAL;
		}
		return 0;
	}
	if (!path_find(name)) {
		rs_err("--path %s: no such path: use one of %s", name, path_names());
		return -EINVAL;
	}
	if (samples && !json) {
		rs_err("--path-samples writes NDJSON lines: add --json");
		return -EINVAL;
	}
	return 0;
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct path_session *ps = ctx;

	if (len < sizeof(struct hop_rec))
		return 0;	/* not a record of this build */
	path_join_kernel(&ps->join, data);
	return 0;
}

static void *reader(void *arg)
{
	struct path_session *ps = arg;

	/* The kernel wakes us only for a large batch (hop.bpf.c): read what
	 * is there at least every 10 ms. */
	while (!ps->stop) {
		if (ring_buffer__poll(ps->rb, 10) < 0 && errno != EINTR)
			break;
		ring_buffer__consume(ps->rb);
	}
	return NULL;
}

int trace_path_open(struct path_session *ps, const char *name, bool run, uint32_t window, uint64_t samples)
{
	struct hop_bpf *skel;
	int err;

	memset(ps, 0, sizeof(*ps));
	if ((err = trace_path_check(name, 0, true)))
		return err;
	ps->def = path_find(name);
	if ((err = path_join_init(&ps->join, ps->def, window, run, samples)))
		return err;
	skel = ps->skel = hop_bpf__open();
	if (!skel) {
		err = -errno;
		rs_err("cannot open the hop tracer: %s", strerror(-err));
		goto fail;
	}
	skel->rodata->target_tgid = run ? (uint32_t)getpid() : 0;
	skel->rodata->sendto_nr = SYS_sendto;
	skel->rodata->need_epoch = run;
	/* Without a sender of its own, the sender's syscall hops have no
	 * process to follow: not loaded (sys_enter fires for every syscall). */
	bpf_program__set_autoload(skel->progs.sys_enter, run);
	bpf_program__set_autoload(skel->progs.kmem_cache_alloc, run);
	if ((err = hop_bpf__load(skel))) {
		rs_err("cannot load the hop tracer (raw tracepoints): %s%s", strerror(-err),
		       err == -EPERM ? " (run as root)" : "");
		goto fail;
	}
	if ((err = hop_bpf__attach(skel))) {
		rs_err("cannot attach the hop tracer's raw tracepoints (net, skb, xdp, kmem, sys_enter): %s", strerror(-err));
		goto fail;
	}
	ps->rb = ring_buffer__new(bpf_map__fd(skel->maps.hop_events), on_record, ps, NULL);
	if (!ps->rb) {
		err = -errno;
		rs_err("cannot read the hop tracer's ring buffer: %s", strerror(-err));
		goto fail;
	}
	if ((err = -pthread_create(&ps->thread, NULL, reader, ps))) {
		rs_err("cannot start the hop reader thread: %s", strerror(-err));
		goto fail;
	}
	ps->started = true;
	return 0;
fail:
	trace_path_close(ps);
	return err;
}

void trace_path_set_epoch(struct path_session *ps, uint16_t epoch)
{
	if (ps->skel)
		ps->skel->bss->target_epoch = epoch;
}

/* Packets still in flight in the kernel at the end: their partial records. */
static void take_in_flight(struct path_session *ps)
{
	int live = bpf_map__fd(ps->skel->maps.hop_live), ncpu = libbpf_num_possible_cpus();
	__u64 key, next, *pk = NULL;
	struct hop_rec r;

	while (!bpf_map_get_next_key(live, pk, &next)) {
		key = next;
		pk = &key;
		if (!bpf_map_lookup_elem(live, &key, &r) && r.ts[HK_SUBMIT])
			path_join_kernel(&ps->join, &r);
	}
	if (ncpu > 0) {
		struct hop_cur *c = calloc(ncpu, sizeof(*c));
		__u32 zero = 0;

		if (c && !bpf_map_lookup_elem(bpf_map__fd(ps->skel->maps.hop_cur), &zero, c))
			for (int i = 0; i < ncpu; i++)
				if (c[i].pending)
					path_join_kernel(&ps->join, &c[i].rec);
		free(c);
	}
}

void trace_path_finish(struct path_session *ps)
{
	if (ps->finished || !ps->skel)
		return;
	ps->stop = true;
	if (ps->started)
		pthread_join(ps->thread, NULL);
	ps->started = false;
	if (ps->rb)
		ring_buffer__consume(ps->rb);
	take_in_flight(ps);
	path_join_finish(&ps->join);
	ps->finished = true;
}

void trace_path_counters(struct path_session *ps, struct hop_counters *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct hop_counters *v;
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (!ps->skel || ncpu <= 0 || !(v = calloc(ncpu, sizeof(*v))))
		return;
	if (!bpf_map_lookup_elem(bpf_map__fd(ps->skel->maps.hop_stats), &zero, v))
		for (int i = 0; i < ncpu; i++)
			u64s_add(out, &v[i], sizeof(*out));	/* every field a __u64 counter */
	free(v);
}

void trace_path_close(struct path_session *ps)
{
	ps->stop = true;
	if (ps->started)
		pthread_join(ps->thread, NULL);
	ps->started = false;
	ring_buffer__free(ps->rb);
	ps->rb = NULL;
	hop_bpf__destroy(ps->skel);	/* detaches every program */
	ps->skel = NULL;
	if (ps->def)
		path_join_free(&ps->join);
	ps->def = NULL;
}
