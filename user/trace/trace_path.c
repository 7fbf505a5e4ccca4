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
#include "ksyms.h"
#include "log.h"
#include "probe.h"
#include "trace.h"
#include "trace_path.h"
#include "trace_path_zc.h"
#include "prog_stats.h"
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
		.nhops = 9,
		.order = { HK_SUBMIT, HK_WAKEUP, HK_SKB_ALLOC, HK_NETIF_RX, HK_RECEIVE, PH_RX_REAP,
			   HK_SKB_FREE, HK_REDIRECT, PH_TX_REAP },
		.done_run = PH_RX_REAP,
		.done_trace = HK_SKB_FREE,
		.rx_skb = true,
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
	/* virtio-tx: AF_XDP copy-mode TX through virtio-net in a guest, on the
	 * fentry tier (kprobes where fentry is refused). Kick and interrupt are
	 * per batch: path_join_batch() gives each to its packets. The receiver
	 * of a run (the lab's eth1) reaps the frame at some point after the
	 * device sent it: a side branch from the kick. */
	{
		.name = "virtio-tx",
		.summary = "AF_XDP copy TX through virtio-net, guest fentry/kprobe tier",
		.nhops = 12,
		.order = { HK_SUBMIT, HK_WAKEUP, HK_SKB_ALLOC, HK_START_XMIT, HK_VQ_ADD, HK_KICK, HK_IRQ, HK_DETACH,
			   HK_SKB_FREE, HK_XSK_DONE, PH_TX_REAP, PH_RX_REAP },
		.done_run = PH_TX_REAP,
		.done_trace = HK_XSK_DONE,
		.link = "virtio-net",
		.hop = {
			[HK_SUBMIT] = { "submit", "user: frame put on the TX ring (its ts_ns)", PH_NONE, true },
			[HK_WAKEUP] = { "xsk_xmit", "__xsk_generic_xmit entry of the call that built its skb (per batch)", HK_SUBMIT, true },
			[HK_SKB_ALLOC] = { "skb_alloc", "raw_tp kmem_cache_alloc, skbuff_head_cache, in that call", HK_WAKEUP, true },
			[HK_START_XMIT] = { "start_xmit", "virtio-net start_xmit(skb): the frame is read here (linear data or first page fragment)", HK_SKB_ALLOC, true },
			[HK_VQ_ADD] = { "vq_add", "virtqueue_add_outbuf(vq, data token = skb)", HK_START_XMIT, true },
			[HK_KICK] = { "kick", "virtqueue_notify(vq): the first after its add (per batch)", HK_VQ_ADD, true },
			[HK_IRQ] = { "irq", "vring_interrupt(vq): the last before its detach (per batch)", HK_KICK, true },
			[HK_DETACH] = { "detach", "virtqueue_get_buf(vq) returned its skb", HK_IRQ, true },
			[HK_SKB_FREE] = { "skb_free", "raw_tp consume_skb / kfree_skb", HK_DETACH, true },
			[HK_XSK_DONE] = { "xsk_done", "xsk_destruct_skb: descriptor on the completion ring", HK_SKB_FREE, true },
			[PH_TX_REAP] = { "tx_reap", "user: completion taken from the completion ring (run only)", HK_XSK_DONE, true },
			[PH_RX_REAP] = { "rx_reap", "user: the peer took it from its RX ring (run only)", HK_KICK, false },
		},
	},
	/* virtio-xsk: virtio-net's native AF_XDP zero-copy TX (7.x), where no
	 * skb exists: a packet is its frame's DMA address (bpf/hop.bpf.c), and
	 * its completion is its place in the completion ring. Kick and
	 * interrupt as in virtio-tx. */
	{
		.name = "virtio-xsk",
		.summary = "AF_XDP zero-copy TX through virtio-net (7.x), guest fentry/kprobe tier",
		.nhops = 10,
		.order = { HK_SUBMIT, HK_POLL_TX, HK_GET_DMA, HK_VQ_ADD, HK_KICK, HK_IRQ, HK_DETACH, HK_XSK_DONE,
			   PH_TX_REAP, PH_RX_REAP },
		.done_run = PH_TX_REAP,
		.done_trace = HK_XSK_DONE,
		.link = "virtio-net",
		.zerocopy = true,
		.hop = {
			[HK_SUBMIT] = { "submit", "user: frame put on the TX ring (its ts_ns)", PH_NONE, true },
			[HK_POLL_TX] = { "poll_tx", "virtnet_poll_tx entry of the NAPI poll that took it (per batch)", HK_SUBMIT, true },
			[HK_GET_DMA] = { "get_dma", "xp_raw_get_dma(pool, desc addr): the frame is read here, keyed by its DMA address", HK_POLL_TX, true },
			[HK_VQ_ADD] = { "vq_add", "virtqueue_add_outbuf_premapped(vq, sg): the DMA address of sg[1]", HK_GET_DMA, true },
			[HK_KICK] = { "kick", "virtqueue_notify(vq): the first after its add (per batch)", HK_VQ_ADD, true },
			[HK_IRQ] = { "irq", "vring_interrupt(vq): the last before its detach (per batch)", HK_KICK, true },
			[HK_DETACH] = { "detach", "detach_buf_split_in_order / detach_buf_packed_in_order: the DMA address of the chain's frame", HK_IRQ, true },
			[HK_XSK_DONE] = { "xsk_done", "xsk_tx_completed(pool, n): its completion ring entry, in ring order", HK_DETACH, true },
			[PH_TX_REAP] = { "tx_reap", "user: completion taken from the completion ring (run only)", HK_XSK_DONE, true },
			[PH_RX_REAP] = { "rx_reap", "user: the peer took it from its RX ring (run only)", HK_KICK, false },
		},
	},
};

const struct path_def *path_find(const char *name)
{
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!strcmp(paths[i].name, name))
			return &paths[i];
	return zc_path_find(name);	/* trace_path_zc.c */
}

const char *path_names(void)
{
	return "veth-xsk, virtio-tx, virtio-xsk, msg-zerocopy, vhost-tx";
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

/* The programs of bpf/hop.bpf.c each path loads: raw tracepoints by name,
 * and functions by the name after their tier's prefix (fentry_/fexit_ on the
 * fentry tier, kprobe_/kretprobe_ on the kprobe tier). run_only: loaded only
 * when the sender is this process (the syscall hops of veth-xsk). */
static const struct path_progs {
	const char *path;
	bool functions;		/* needs the fentry or the kprobe tier */
	const char *progs[12];
	const char *run_only[4];
} path_progs[] = {
	{ "veth-xsk", false,
	  { "netif_rx_entry", "netif_receive_skb", "consume_skb", "kfree_skb", "xdp_redirect", "xdp_redirect_err" },
	  { "sys_enter", "kmem_cache_alloc" } },
	{ "virtio-tx", true,
	  { "kmem_cache_alloc", "consume_skb", "kfree_skb", "xsk_xmit", "start_xmit", "vq_add", "vq_kick", "vq_irq",
	    "vq_get_buf", "xsk_destruct" },
	  { NULL } },
	{ "virtio-xsk", true,
	  { "zc_poll_tx", "zc_peek", "zc_get_dma", "zc_vq_add", "vq_kick", "vq_irq", "zc_detach", "zc_detach_packed",
	    "zc_completed" },
	  { NULL } },
};

static const struct path_progs *progs_of(const char *path)
{
	for (size_t i = 0; i < sizeof(path_progs) / sizeof(path_progs[0]); i++)
		if (!strcmp(path_progs[i].path, path))
			return &path_progs[i];
	return NULL;
}

/* The name a program has in the path table: a raw tracepoint's own, a
 * function program's without its tier prefix; NULL if of another tier. */
static const char *table_name(const struct bpf_program *p, enum tier tier)
{
	static const char *const pre[2][2] = { { "fentry_", "fexit_" }, { "kprobe_", "kretprobe_" } };
	const char *name = bpf_program__name(p);

	if (!strncmp(bpf_program__section_name(p), "raw_tp/", 7))
		return name;
	for (int t = 0; t < 2; t++)
		for (int k = 0; k < 2; k++)
			if (!strncmp(name, pre[t][k], strlen(pre[t][k])))
				return (t == 0) == (tier == TIER_FENTRY) ? name + strlen(pre[t][k]) : NULL;
	return NULL;
}

static bool listed(const char *const *list, int n, const char *name)
{
	for (int i = 0; name && i < n && list[i]; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

static bool wanted(const struct path_progs *pp, const char *name, bool run)
{
	return listed(pp->progs, sizeof(pp->progs) / sizeof(pp->progs[0]), name) ||
	       (run && listed(pp->run_only, sizeof(pp->run_only) / sizeof(pp->run_only[0]), name));
}

/* The tier a path with function hops uses: forced, or the best there is;
 * one error line if it has none. */
int path_tier(const char *path, int forced, enum tier *tier)
{
	struct kernel_caps caps = {};
	enum tier best;

	if (forced == TIER_TRACEPOINT) {
		rs_err("--path %s times kernel functions: use --tier fentry or kprobe (or drop --tier)", path);
		return -EINVAL;
	}
	best = probe_best_tier(&caps);
	*tier = forced == TIER_AUTO ? best : (enum tier)forced;
	if (*tier == TIER_TRACEPOINT) {
		rs_err("--path %s times kernel functions: this kernel refuses fentry (%s) and has no kprobes: "
		       "run it in a guest of the VM lab (docs/vm-lab.md)", path,
		       strstr(caps.f[FEAT_FENTRY].detail, "EPERM") ? "EPERM" : "refused");
		return -EOPNOTSUPP;
	}
	if ((*tier == TIER_FENTRY && !(caps.f[FEAT_FENTRY].ok && caps.f[FEAT_FEXIT].ok)) ||
	    (*tier == TIER_KPROBE && !(caps.f[FEAT_KPROBE].ok && caps.f[FEAT_KRETPROBE].ok))) {
		rs_err("--tier %s is not available on this kernel: drop --tier to use the best available", tier_names[*tier]);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Every function the loaded programs attach to exists here: else one line
 * naming the missing one. */
static int check_functions(struct hop_bpf *skel, const char *path)
{
	struct ksyms *ks = ksyms_load();
	struct bpf_program *p;
	int err = 0;

	if (!ks) {
		err = -errno;
		rs_err("cannot read kernel symbols from /proc/kallsyms: %s (run as root)", strerror(-err));
		return err;
	}
	bpf_object__for_each_program(p, skel->obj) {
		const char *sec = bpf_program__section_name(p), *fn = strchr(sec, '/');

		if (!bpf_program__autoload(p) || !strncmp(sec, "raw_tp/", 7) || !fn)
			continue;
		if (!ksyms_by_name(ks, fn + 1)) {
			if (!strcmp(path, "virtio-xsk"))
				rs_err("--path %s: no kernel function %s here: it follows virtio-net's zero-copy TX "
				       "of Linux >= 6.13 (load virtio_net, or run in the VM lab's KERNEL=7.2 BIND=zc guest)",
				       path, fn + 1);
			else
				rs_err("--path %s: no kernel function %s here (%s): load virtio_net, or run in the VM lab's guest",
				       path, fn + 1, !strcmp(fn + 1, "__xsk_generic_xmit") || !strcmp(fn + 1, "xsk_destruct_skb") ?
				       "a kernel without AF_XDP sockets" : "virtio-net not loaded");
			err = -ENOENT;
			break;
		}
	}
	ksyms_free(ks);
	return err;
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct path_session *ps = ctx;

	/* Told apart by length (bpf/hop.h); anything else is not of this build. */
	if (len == sizeof(struct hop_batch))
		path_join_batch(&ps->join, data);
	else if (len >= sizeof(struct hop_rec))
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

int trace_path_start_reader(struct path_session *ps, int map_fd, ring_buffer_sample_fn fn)
{
	int err;

	ps->rb = ring_buffer__new(map_fd, fn, ps, NULL);
	if (!ps->rb) {
		err = -errno;
		rs_err("cannot read the hop tracer's ring buffer: %s", strerror(-err));
		return err;
	}
	if ((err = -pthread_create(&ps->thread, NULL, reader, ps)))
		rs_err("cannot start the hop reader thread: %s", strerror(-err));
	else
		ps->started = true;
	return err;
}

int trace_path_open(struct path_session *ps, const char *name, bool run, uint32_t window, uint64_t samples, int tier)
{
	const struct path_progs *pp;
	enum tier t = TIER_TRACEPOINT;
	struct bpf_program *p;
	struct hop_bpf *skel;
	int err;

	memset(ps, 0, sizeof(*ps));
	if ((err = trace_path_check(name, 0, true)))
		return err;
	if (zc_path_find(name))	/* their own BPF object: trace_path_zc.c */
		return zc_path_open(ps, name, run, window, samples, tier);
	pp = progs_of(name);
	if (pp->functions && (err = path_tier(name, tier, &t)))
		return err;
	ps->def = path_find(name);
	ps->tier = t;
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
	skel->rodata->virtio_tx = !strcmp(name, "virtio-tx");
	skel->rodata->page_shift = __builtin_ctzl((unsigned long)sysconf(_SC_PAGESIZE));
	/* Only the path's programs; without a sender of its own, veth-xsk's
	 * syscall hops have no process to follow (sys_enter fires for every
	 * syscall). */
	bpf_object__for_each_program(p, skel->obj) {
		bool want = wanted(pp, table_name(p, t), run);

		bpf_program__set_autoload(p, want);
		ps->raw_tp |= want && !strncmp(bpf_program__section_name(p), "raw_tp/", 7);
	}
	if (pp->functions && (err = check_functions(skel, name)))
		goto fail;
#if !defined(__x86_64__)
	/* bpf/skb_frag.h knows x86_64's direct map only */
	if (skel->rodata->virtio_tx)
		rs_note("--path virtio-tx reads frames in page fragments on x86_64 only: packets of a NIC with "
			"NETIF_F_SG (BACKEND=tap) are not followed here, those of the lab's hub are");
#endif
	if ((err = hop_bpf__load(skel))) {
		rs_err("cannot load the hop tracer (%s): %s%s", pp->functions ? tier_names[t] : "raw tracepoints",
		       strerror(-err), err == -EPERM ? " (run as root)" : "");
		goto fail;
	}
	if ((err = hop_bpf__attach(skel))) {
		rs_err("cannot attach the hop tracer's %s: %s", ps->def->zerocopy ?
		       "probes (virtnet_poll_tx, xsk_tx_peek_release_desc_batch, xp_raw_get_dma, virtqueue_*, vring_interrupt, detach_buf_*_in_order, xsk_tx_completed)" :
		       pp->functions ?
		       "probes (__xsk_generic_xmit, start_xmit, virtqueue_*, vring_interrupt, xsk_destruct_skb, kmem, skb)" :
		       "raw tracepoints (net, skb, xdp, kmem, sys_enter)", strerror(-err));
		goto fail;
	}
	if ((err = trace_path_start_reader(ps, bpf_map__fd(skel->maps.hop_events), on_record)))
		goto fail;
	return 0;
fail:
	trace_path_close(ps);
	return err;
}

const char *trace_path_probes(const struct path_session *ps)
{
	if (ps->tier == TIER_FENTRY)
		return ps->raw_tp ? "fentry/fexit and raw tracepoints" : "fentry/fexit";
	if (ps->tier == TIER_KPROBE)
		return ps->raw_tp ? "kprobes and raw tracepoints" : "kprobes";
	return "raw tracepoints";
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

	struct hop_zc z;

	while (!bpf_map_get_next_key(live, pk, &next)) {
		key = next;
		pk = &key;
		if (!bpf_map_lookup_elem(live, &key, &r) && r.ts[HK_SUBMIT])
			path_join_kernel(&ps->join, &r);
	}
	live = bpf_map__fd(ps->skel->maps.hop_zc_live);
	for (pk = NULL; !bpf_map_get_next_key(live, pk, &next); pk = &key) {
		key = next;
		if (!bpf_map_lookup_elem(live, &key, &z) && z.rec.ts[HK_SUBMIT])
			path_join_kernel(&ps->join, &z.rec);
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
	if (ps->finished || (!ps->skel && !ps->mz))
		return;
	ps->stop = true;
	if (ps->started)
		pthread_join(ps->thread, NULL);
	ps->started = false;
	if (ps->rb)
		ring_buffer__consume(ps->rb);
	if (ps->mz)
		zc_path_in_flight(ps);
	else
		take_in_flight(ps);
	path_join_finish(&ps->join);
	ps->finished = true;
}

void trace_path_interval(struct path_session *ps, struct path_results *iv)
{
	struct path_results now;

	path_join_results(&ps->join, &now);
	path_results_delta(iv, &now, &ps->shown);
	ps->shown = now;
}

void trace_path_counters(struct path_session *ps, struct hop_counters *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct hop_counters *v;
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (ps->mz) {
		zc_path_counters(ps, out, NULL);
		return;
	}
	if (!ps->skel || ncpu <= 0 || !(v = calloc(ncpu, sizeof(*v))))
		return;
	if (!bpf_map_lookup_elem(bpf_map__fd(ps->skel->maps.hop_stats), &zero, v))
		for (int i = 0; i < ncpu; i++)
			u64s_add(out, &v[i], sizeof(*out));	/* every field a __u64 counter */
	free(v);
}

uint64_t trace_path_missed(struct path_session *ps)
{
	const struct bpf_object_skeleton *sk = ps->skel ? ps->skel->skeleton : NULL;
	uint64_t missed = 0;

	if (ps->mz)
		return zc_path_missed(ps);
	for (int i = 0; sk && i < sk->prog_cnt; i++) {
		/* the skeleton's stride: newer libbpf may grow the entry */
		const struct bpf_prog_skeleton *p = (const void *)((const char *)sk->progs + i * sk->prog_skel_sz);

		if (p->link && *p->link)
			missed += link_missed(*p->link, *p->prog);
	}
	return missed;
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
	zc_path_destroy(ps);
	if (ps->def)
		path_join_free(&ps->join);
	ps->def = NULL;
}
