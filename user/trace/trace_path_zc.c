/* The zero-copy paths (trace_path_zc.h): their hop tables, and their BPF
 * object's load (one path's programs), attach, ring buffer and counters. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ksyms.h"
#include "log.h"
#include "prog_stats.h"
#include "trace_path_zc.h"
#include "u64s.h"
#include "hop_zc.skel.h"

#define MZ_LINKS 8

struct zc_path_session {
	struct hop_zc_bpf *skel;
	struct bpf_link *links[MZ_LINKS];
	struct bpf_program *progs[MZ_LINKS];	/* each link's */
	int nlinks;
	/* From the finish on, the counters every renderer shows (the final's
	 * JSON, text and metrics): read once, so they agree with each other and
	 * with the finished join while late kernel events still count. */
	bool frozen;
	struct mz_counters final;
	uint64_t final_missed;
	/* trace (no sender of its own): each socket (msg-zerocopy) or
	 * virtqueue (vhost-tx) seen, in the order first seen; its index i is
	 * the join's (stream, epoch) = (i % 64, i / 64). */
	struct zc_sender *senders;
	uint32_t nsenders, cap;
};

struct zc_sender {
	uint64_t key;		/* the socket or the virtqueue */
	uint64_t last_seq;	/* vhost-tx: its last avail index, extended */
};

#define MZC(f) { #f, offsetof(struct mz_counters, f) }

static const struct zc_counter_row msgzc_rows[] = {
	{ "created", offsetof(struct mz_counters, ubufs) }, MZC(sends), MZC(extended), MZC(xmits), MZC(releases),
	MZC(sender_puts), MZC(callbacks), MZC(callback_sends), MZC(copied_sends), MZC(unmatched), MZC(drops),
	MZC(aborted),
}, vhost_rows[] = {
	{ "zc_sends", offsetof(struct mz_counters, vh_zc_sends) },
	{ "copy_sends", offsetof(struct mz_counters, vh_copy_sends) },
	{ "completions", offsetof(struct mz_counters, vh_completes) },
	{ "failed", offsetof(struct mz_counters, vh_failed) },
	{ "earlier_refs", offsetof(struct mz_counters, vh_refs) },
	{ "used", offsetof(struct mz_counters, vh_used) },
	{ "unscanned", offsetof(struct mz_counters, vh_unscanned) },
};

const struct zc_counter_row *zc_path_counter_rows(const struct path_def *d, const char **object, int *n)
{
	if (d == &msgzc_path_def) {
		*object = "ubufs";
		*n = sizeof(msgzc_rows) / sizeof(msgzc_rows[0]);
		return msgzc_rows;
	}
	if (d == &vhost_path_def) {
		*object = "vhost";
		*n = sizeof(vhost_rows) / sizeof(vhost_rows[0]);
		return vhost_rows;
	}
	*n = 0;
	return NULL;
}

/* One row per send; user space stamps submit (before send()) and reap (its
 * notification read from the error queue), the kernel the rest. xmit,
 * release and callback are events of the send's ubuf_info (bpf/hop_zc.bpf.c
 * says how each is given to the sends it holds). */
const struct path_def msgzc_path_def = {
	.name = "msg-zerocopy",
	.summary = "MSG_ZEROCOPY sends (run: zc-gen's over a private veth pair), guest fentry/kprobe tier",
	.nhops = 7,
	.order = { MZ_SUBMIT, MZ_SENDMSG, MZ_REALLOC, MZ_XMIT, MZ_RELEASE, MZ_CALLBACK, PH_TX_REAP },
	.done_run = PH_TX_REAP,
	.done_trace = MZ_CALLBACK,
	.start_trace = MZ_SENDMSG,
	.user_submit = true,
	.hop = {
		[MZ_SUBMIT] = { "submit", "user: the sender's clock before send() (run only)", PH_NONE, true },
		[MZ_SENDMSG] = { "sendmsg", "raw_tp sys_enter: the sendto()/sendmsg() that made it (per thread)", MZ_SUBMIT, true },
		[MZ_REALLOC] = { "realloc", "msg_zerocopy_realloc returned its ubuf_info: its notification id", MZ_SENDMSG, true },
		[MZ_XMIT] = { "xmit", "raw_tp net_dev_start_xmit: the first skb carrying its ubuf_info after that (per ubuf_info)", MZ_REALLOC, true },
		[MZ_RELEASE] = { "release", "its ubuf_info's complete op: the first skb to let go after that xmit, freed or copied (per ubuf_info)", MZ_XMIT, true },
		[MZ_CALLBACK] = { "callback", "__msg_zerocopy_callback (inlined in 7.2: the complete op holding the last reference): the last reference went, notification queued (per ubuf_info)", MZ_RELEASE, true },
		[PH_TX_REAP] = { "reap", "user: its notification read from the error queue (a range of ids; run only)", MZ_CALLBACK, true },
	},
};

/* One row per frame vhost-gen made available; user space stamps submit and
 * reap (its used-ring entry taken), the kernel the rest. */
const struct path_def vhost_path_def = {
	.name = "vhost-tx",
	.summary = "vhost-net zero-copy TX into a tap (run: vhost-gen as the guest driver), guest fentry/kprobe tier",
	.nhops = 6,
	.order = { VH_SUBMIT, VH_HANDLE_TX, VH_SENDMSG, VH_COMPLETE, VH_USED, PH_TX_REAP },
	.done_run = PH_TX_REAP,
	.done_trace = VH_USED,
	.start_trace = VH_SENDMSG,
	.user_submit = true,
	.hop = {
		[VH_SUBMIT] = { "submit", "user: vhost-gen made the descriptor available (run only)", PH_NONE, true },
		[VH_HANDLE_TX] = { "handle_tx", "handle_tx_zerocopy entry of the worker's pass that sent it (per batch; a pass drains the ring, so it may begin before the submit: not ordered, counted)", PH_NONE, false },
		[VH_SENDMSG] = { "sendmsg", "tun_sendmsg/tap_sendmsg with its ubuf_info (TUN_MSG_UBUF)", VH_SUBMIT, true },
		[VH_COMPLETE] = { "complete", "vhost_zerocopy_complete: the last skb let go of its pages", VH_SENDMSG, true },
		[VH_USED] = { "used", "vhost_zerocopy_signal_used (its entry) that wrote its used-ring entry", VH_COMPLETE, true },
		[PH_TX_REAP] = { "reap", "user: vhost-gen took its used-ring entry (run only)", VH_USED, true },
	},
};

/* Each path's kernel functions (the sections' targets; raw tracepoints by
 * name); optional: one of them may be missing (tap is its own module). */
static const struct zc_path {
	const struct path_def *def;
	const char *funcs[8];
	const char *optional[2];
	const char *hint;		/* what makes the functions exist */
	/* A function the kernel may have inlined into another the path
	 * attaches to, whose work that one's program then does. */
	const char *may_inline;
} zc_paths[] = {
	/* __msg_zerocopy_callback: inlined into msg_zerocopy_complete in 7.2 */
	{ &msgzc_path_def, { "sys_enter", "net_dev_start_xmit", "kfree_skb", "msg_zerocopy_realloc",
			     "msg_zerocopy_complete", "__msg_zerocopy_callback" }, { NULL }, "a kernel without MSG_ZEROCOPY, < 4.14",
	  "__msg_zerocopy_callback" },
	{ &vhost_path_def, { "handle_tx_zerocopy", "vhost_zerocopy_complete", "vhost_zerocopy_signal_used" },
	  { "tun_sendmsg", "tap_sendmsg" }, "modprobe vhost_net and tun", NULL },
};

const struct path_def *zc_path_find(const char *name)
{
	for (size_t i = 0; i < sizeof(zc_paths) / sizeof(zc_paths[0]); i++)
		if (!strcmp(zc_paths[i].def->name, name))
			return zc_paths[i].def;
	return NULL;
}

static const struct zc_path *zc_path_of(const struct path_def *d)
{
	for (size_t i = 0; i < sizeof(zc_paths) / sizeof(zc_paths[0]); i++)
		if (zc_paths[i].def == d)
			return &zc_paths[i];
	return NULL;
}

static bool listed(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n && list[i]; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

/* The name 6.1 gives a function, where it has another. */
static const char *real_name(const struct ksyms *ks, const char *fn)
{
	static const char *const renamed[][2] = {
		{ "msg_zerocopy_complete", "msg_zerocopy_callback" },
		{ "vhost_zerocopy_complete", "vhost_zerocopy_callback" },
	};

	for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		if (!strcmp(fn, renamed[i][0]) && !ksyms_by_name(ks, fn) && ksyms_by_name(ks, renamed[i][1]))
			return renamed[i][1];
	return fn;
}

/* The kernel function (or raw tracepoint: *raw) a program attaches to, if
 * it belongs to path zp on tier t; else NULL. */
static const char *func_of(const struct bpf_program *p, const struct zc_path *zp, enum tier t,
			   const struct ksyms *ks, bool *ret, bool *raw)
{
	const char *sec = bpf_program__section_name(p), *fn = strchr(sec, '/');
	bool fentry = !strncmp(sec, "fentry/", 7) || !strncmp(sec, "fexit/", 6);

	*ret = !strncmp(sec, "fexit/", 6) || !strncmp(sec, "kretprobe/", 10);
	*raw = !strncmp(sec, "raw_tp/", 7);
	if (!fn || !(listed(zp->funcs, 8, fn + 1) || listed(zp->optional, 2, fn + 1)))
		return NULL;
	if (!*raw && fentry != (t == TIER_FENTRY))
		return NULL;
	return *raw ? fn + 1 : real_name(ks, fn + 1);
}

/* trace: the sender a record belongs to (its socket, or its virtqueue),
 * added when first seen; NULL without memory. */
static struct zc_sender *sender_of(struct zc_path_session *z, uint64_t key, uint32_t *index)
{
	for (uint32_t i = 0; i < z->nsenders; i++)
		if (z->senders[i].key == key) {
			*index = i;
			return &z->senders[i];
		}
	if (z->nsenders == z->cap) {
		uint32_t cap = z->cap ? 2 * z->cap : 16;
		struct zc_sender *n = cap <= (64u << 16) ? realloc(z->senders, cap * sizeof(*n)) : NULL;

		if (!n)
			return NULL;
		z->senders = n;
		z->cap = cap;
	}
	*index = z->nsenders;
	z->senders[z->nsenders] = (struct zc_sender){ .key = key, .last_seq = UINT64_MAX };
	return &z->senders[z->nsenders++];
}

/* v, a 16-bit avail index, extended from the sender's last one (the nearest
 * count with these low bits; records come in ring order, mostly). */
static uint64_t unwrap_from(struct zc_sender *s, uint16_t v)
{
	int16_t d = (int16_t)(v - (uint16_t)s->last_seq);

	if (s->last_seq == UINT64_MAX || (d < 0 && (uint64_t)-d > s->last_seq))
		return s->last_seq = v;
	s->last_seq += d;
	return s->last_seq;
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct path_session *ps = ctx;
	bool vhost = ps->def == &vhost_path_def;
	struct zc_sender *s;
	struct hop_rec r;
	uint32_t i;

	if (len < sizeof(r))
		return 0;
	memcpy(&r, data, sizeof(r));
	if (ps->join.user) {
		/* run: one sender; vhost-gen counts in 64 bits what the
		 * kernel's avail index counts in 16 */
		if (vhost)
			r.seq = path_join_unwrap16(&ps->join, (uint16_t)r.seq);
		path_join_kernel(&ps->join, &r);
		return 0;
	}
	/* trace: every sender its own stream (the kernel's ids and avail
	 * indices count per socket / per virtqueue) */
	if (!(s = sender_of(ps->mz, vhost ? r.vq : r.skb, &i)))
		return 0;
	r.stream = i % 64;
	r.epoch = (uint16_t)(i / 64);
	if (vhost)
		r.seq = unwrap_from(s, (uint16_t)r.seq);
	path_join_kernel(&ps->join, &r);
	return 0;
}

/* Every function it needs exists here, and its programs of tier t are set
 * to load (to their real target); else one line naming the missing one. */
static int select_programs(struct path_session *ps, struct hop_zc_bpf *skel, const struct zc_path *zp, enum tier t,
			   const struct ksyms *ks)
{
	const char *missing = NULL;
	struct bpf_program *p;
	int err = 0, optional = 0;

	bpf_object__for_each_program(p, skel->obj) {
		bool ret, raw, load;
		const char *fn = func_of(p, zp, t, ks, &ret, &raw);

		load = fn && (raw || ksyms_by_name(ks, fn));
		bpf_program__set_autoload(p, load);
		ps->raw_tp |= load && raw;	/* trace_path_probes() names them */
		if (fn && !load && zp->may_inline && !strcmp(fn, zp->may_inline)) {
			skel->rodata->callback_in_complete = true;	/* the one such function */
			continue;
		}
		if (fn && !load && !listed(zp->optional, 2, fn))
			missing = fn;
		optional += load && listed(zp->optional, 2, fn);
		if (load && !raw && t == TIER_FENTRY && (err = bpf_program__set_attach_target(p, 0, fn)))
			return err;
	}
	if (!missing && zp->optional[0] && !optional)
		missing = zp->optional[0];
	if (missing) {
		rs_err("--path %s: no kernel function %s here: %s", zp->def->name, missing, zp->hint);
		return -ENOENT;
	}
	return 0;
}

static int attach(struct path_session *ps, const struct zc_path *zp, enum tier t, const struct ksyms *ks)
{
	struct bpf_program *p;
	int err = 0;

	bpf_object__for_each_program(p, ps->mz->skel->obj) {
		bool ret, raw;
		const char *fn = func_of(p, zp, t, ks, &ret, &raw);
		struct bpf_link *l;

		if (!bpf_program__autoload(p))
			continue;
		if (ps->mz->nlinks == MZ_LINKS) {
			err = -E2BIG;
			break;
		}
		l = raw || t == TIER_FENTRY ? bpf_program__attach(p) : bpf_program__attach_kprobe(p, ret, fn);
		if (!l) {
			err = -errno;
			rs_err("cannot attach the %s tracer to %s: %s", zp->def->name, fn, strerror(-err));
			break;
		}
		ps->mz->progs[ps->mz->nlinks] = p;
		ps->mz->links[ps->mz->nlinks++] = l;
	}
	return err;
}

int zc_path_open(struct path_session *ps, const char *name, bool run, uint32_t window, uint64_t samples, int tier)
{
	const struct path_def *d = zc_path_find(name);
	const struct zc_path *zp = d ? zc_path_of(d) : NULL;
	enum tier t = TIER_TRACEPOINT;
	struct hop_zc_bpf *skel;
	struct ksyms *ks = NULL;
	int err;

	if (!zp)
		return -EINVAL;
	if ((err = path_tier(name, tier, &t)))
		return err;
	ps->def = d;
	ps->tier = t;
	if ((err = path_join_init(&ps->join, ps->def, window, run, samples)))
		return err;
	if (!(ps->mz = calloc(1, sizeof(*ps->mz)))) {
		err = -ENOMEM;
		goto fail;
	}
	skel = ps->mz->skel = hop_zc_bpf__open();
	if (!skel) {
		err = -errno;
		rs_err("cannot open the msg-zerocopy tracer: %s", strerror(-err));
		goto fail;
	}
	/* run: this process's sends (its vhost worker's: a thread of it, or
	 * 6.1's kthread vhost-<pid>); trace: every process's */
	skel->rodata->target_tgid = run ? (uint32_t)getpid() : 0;
	skel->rodata->sendto_nr = SYS_sendto;
	skel->rodata->sendmsg_nr = SYS_sendmsg;
	if (run)
		snprintf((char *)skel->rodata->vhost_comm, sizeof(skel->rodata->vhost_comm), "vhost-%d", (int)getpid());
	if (!(ks = ksyms_load())) {
		err = -errno;
		rs_err("cannot read /proc/kallsyms: %s (run as root)", strerror(-err));
		goto fail;
	}
	if ((err = select_programs(ps, skel, zp, t, ks)))
		goto fail;
	if ((err = hop_zc_bpf__load(skel))) {
		rs_err("cannot load the %s tracer (%s): %s%s", name, tier_names[t], strerror(-err),
		       err == -EPERM ? " (run as root)" : "");
		goto fail;
	}
	if ((err = attach(ps, zp, t, ks)))
		goto fail;
	if ((err = trace_path_start_reader(ps, bpf_map__fd(skel->maps.mz_events), on_record)))
		goto fail;
	ksyms_free(ks);
	return 0;
fail:
	ksyms_free(ks);
	trace_path_close(ps);
	return err;
}

void zc_path_in_flight(struct path_session *ps)
{
	bool vhost = ps->def == &vhost_path_def;
	int fd = bpf_map__fd(vhost ? ps->mz->skel->maps.vh_live : ps->mz->skel->maps.mz_sends);
	__u8 key[16], next[16];	/* mz_sends' (socket, id), vh_live's slot address */
	void *pk = NULL;
	struct hop_rec r;

	while (!bpf_map_get_next_key(fd, pk, next)) {
		memcpy(key, next, sizeof(key));
		pk = key;
		if (!bpf_map_lookup_elem(fd, key, &r))
			on_record(ps, &r, sizeof(r));
	}
	zc_path_counters(ps, &(struct hop_counters){}, &ps->mz->final);
	ps->mz->final_missed = zc_path_missed(ps);
	ps->mz->frozen = true;
}

void zc_path_counters(struct path_session *ps, struct hop_counters *out, struct mz_counters *mz)
{
	int ncpu = libbpf_num_possible_cpus();
	struct mz_counters sum = {}, *v;
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (ps->mz && ps->mz->frozen)
		sum = ps->mz->final;
	else if (ps->mz && ncpu > 0 && (v = calloc(ncpu, sizeof(*v)))) {
		if (!bpf_map_lookup_elem(bpf_map__fd(ps->mz->skel->maps.mz_stats), &zero, v))
			for (int i = 0; i < ncpu; i++)
				u64s_add(&sum, &v[i], sizeof(sum));	/* every field a __u64 counter */
		free(v);
	}
	out->records = sum.records;
	out->ringbuf_full = sum.ringbuf_full;
	out->live_full = sum.live_full;
	out->recycled = sum.recycled;
	if (mz)
		*mz = sum;
}

uint64_t zc_path_missed(struct path_session *ps)
{
	uint64_t missed = 0;

	if (ps->mz && ps->mz->frozen)
		return ps->mz->final_missed;
	for (int i = 0; ps->mz && i < ps->mz->nlinks; i++)
		missed += link_missed(ps->mz->links[i], ps->mz->progs[i]);
	return missed;
}

void zc_path_destroy(struct path_session *ps)
{
	if (!ps->mz)
		return;
	for (int i = 0; i < ps->mz->nlinks; i++)
		bpf_link__destroy(ps->mz->links[i]);
	hop_zc_bpf__destroy(ps->mz->skel);
	free(ps->mz->senders);
	free(ps->mz);
	ps->mz = NULL;
}
