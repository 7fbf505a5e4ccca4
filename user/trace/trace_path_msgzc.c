/* The msg-zerocopy path (trace_path_msgzc.h): its hop table, and its BPF
 * object's load, attach, ring buffer and counters. */
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
#include "prog_stats.h"
#include "trace_path_msgzc.h"
#include "u64s.h"
#include "hop_msgzc.skel.h"

#define MZ_LINKS 8

struct msgzc_session {
	struct hop_msgzc_bpf *skel;
	struct bpf_link *links[MZ_LINKS];
	struct bpf_program *progs[MZ_LINKS];	/* each link's */
	int nlinks;
};

/* One row per send; user space stamps submit (before send()) and reap (its
 * notification read from the error queue), the kernel the rest. xmit,
 * release and callback are events of the send's ubuf_info (bpf/hop_msgzc.bpf.c
 * says how each is given to the sends it holds). */
const struct path_def msgzc_path_def = {
	.name = "msg-zerocopy",
	.summary = "MSG_ZEROCOPY sends over a private veth pair, guest fentry/kprobe tier",
	.nhops = 7,
	.order = { MZ_SUBMIT, MZ_SENDMSG, MZ_REALLOC, MZ_XMIT, MZ_RELEASE, MZ_CALLBACK, PH_TX_REAP },
	.done_run = PH_TX_REAP,
	.done_trace = MZ_CALLBACK,
	.user_submit = true,
	.hop = {
		[MZ_SUBMIT] = { "submit", "user: the sender's clock before send()", PH_NONE, true },
		[MZ_SENDMSG] = { "sendmsg", "raw_tp sys_enter: the sendto()/sendmsg() that made it (per thread)", MZ_SUBMIT, true },
		[MZ_REALLOC] = { "realloc", "msg_zerocopy_realloc returned its ubuf_info: its notification id", MZ_SENDMSG, true },
		[MZ_XMIT] = { "xmit", "raw_tp net_dev_start_xmit: the first skb carrying its ubuf_info after that (per ubuf_info)", MZ_REALLOC, true },
		[MZ_RELEASE] = { "release", "its ubuf_info's complete op: the first skb to let go after that xmit, freed or copied (per ubuf_info)", MZ_XMIT, true },
		[MZ_CALLBACK] = { "callback", "__msg_zerocopy_callback: the last reference went, notification queued (per ubuf_info)", MZ_RELEASE, true },
		[PH_TX_REAP] = { "reap", "user: its notification read from the error queue (a range of ids)", MZ_CALLBACK, true },
	},
};

/* The ubuf_info's complete op: 6.1 calls it msg_zerocopy_callback. */
static const char *complete_fn(const struct ksyms *ks)
{
	return !ksyms_by_name(ks, "msg_zerocopy_complete") && ksyms_by_name(ks, "msg_zerocopy_callback") ?
	       "msg_zerocopy_callback" : "msg_zerocopy_complete";
}

/* The kernel function a program attaches to (NULL: a raw tracepoint), and
 * whether it is of tier t. */
static const char *func_of(const struct bpf_program *p, enum tier t, const struct ksyms *ks, bool *ret, bool *mine)
{
	const char *sec = bpf_program__section_name(p), *fn = strchr(sec, '/');
	bool fentry = !strncmp(sec, "fentry/", 7) || !strncmp(sec, "fexit/", 6);

	*ret = !strncmp(sec, "fexit/", 6) || !strncmp(sec, "kretprobe/", 10);
	if (!strncmp(sec, "raw_tp/", 7) || !fn) {
		*mine = true;
		return NULL;
	}
	*mine = fentry == (t == TIER_FENTRY);
	return !strcmp(fn + 1, "msg_zerocopy_complete") ? complete_fn(ks) : fn + 1;
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct path_session *ps = ctx;

	if (len >= sizeof(struct hop_rec))
		path_join_kernel(&ps->join, data);
	return 0;
}

/* Every function it needs exists here, and its programs of tier t are set
 * to load (to their real target); else one line naming the missing one. */
static int select_programs(struct hop_msgzc_bpf *skel, enum tier t, const struct ksyms *ks)
{
	struct bpf_program *p;
	int err = 0;

	bpf_object__for_each_program(p, skel->obj) {
		bool ret, mine;
		const char *fn = func_of(p, t, ks, &ret, &mine);

		bpf_program__set_autoload(p, mine);
		if (!mine || !fn)
			continue;
		if (!ksyms_by_name(ks, fn)) {
			rs_err("--path msg-zerocopy: no kernel function %s here (a kernel without MSG_ZEROCOPY, < 4.14)", fn);
			err = -ENOENT;
			break;
		}
		if (t == TIER_FENTRY && (err = bpf_program__set_attach_target(p, 0, fn)))
			break;
	}
	return err;
}

static int attach(struct path_session *ps, enum tier t, const struct ksyms *ks)
{
	struct bpf_program *p;
	int err = 0;

	bpf_object__for_each_program(p, ps->mz->skel->obj) {
		bool ret, mine;
		const char *fn = func_of(p, t, ks, &ret, &mine);
		struct bpf_link *l;

		if (!bpf_program__autoload(p))
			continue;
		if (ps->mz->nlinks == MZ_LINKS) {
			err = -E2BIG;
			break;
		}
		l = !fn || t == TIER_FENTRY ? bpf_program__attach(p) : bpf_program__attach_kprobe(p, ret, fn);
		if (!l) {
			err = -errno;
			rs_err("cannot attach the msg-zerocopy tracer to %s: %s", fn ? fn : bpf_program__section_name(p),
			       strerror(-err));
			break;
		}
		ps->mz->progs[ps->mz->nlinks] = p;
		ps->mz->links[ps->mz->nlinks++] = l;
	}
	return err;
}

int msgzc_path_open(struct path_session *ps, bool run, uint32_t window, uint64_t samples, int tier)
{
	enum tier t = TIER_TRACEPOINT;
	struct hop_msgzc_bpf *skel;
	struct ksyms *ks = NULL;
	int err;

	if (!run) {
		rs_err("--path msg-zerocopy follows ringscope's own sends: use ringscope run --path msg-zerocopy");
		return -EINVAL;
	}
	if ((err = path_tier(msgzc_path_def.name, tier, &t)))
		return err;
	ps->def = &msgzc_path_def;
	ps->tier = t;
	if ((err = path_join_init(&ps->join, ps->def, window, true, samples)))
		return err;
	if (!(ps->mz = calloc(1, sizeof(*ps->mz)))) {
		err = -ENOMEM;
		goto fail;
	}
	skel = ps->mz->skel = hop_msgzc_bpf__open();
	if (!skel) {
		err = -errno;
		rs_err("cannot open the msg-zerocopy tracer: %s", strerror(-err));
		goto fail;
	}
	skel->rodata->target_tgid = (uint32_t)getpid();
	skel->rodata->sendto_nr = SYS_sendto;
	skel->rodata->sendmsg_nr = SYS_sendmsg;
	if (!(ks = ksyms_load())) {
		err = -errno;
		rs_err("cannot read /proc/kallsyms: %s (run as root)", strerror(-err));
		goto fail;
	}
	if ((err = select_programs(skel, t, ks)))
		goto fail;
	if ((err = hop_msgzc_bpf__load(skel))) {
		rs_err("cannot load the msg-zerocopy tracer (%s): %s%s", tier_names[t], strerror(-err),
		       err == -EPERM ? " (run as root)" : "");
		goto fail;
	}
	if ((err = attach(ps, t, ks)))
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

void msgzc_path_in_flight(struct path_session *ps)
{
	int fd = bpf_map__fd(ps->mz->skel->maps.mz_sends);
	struct { __u64 sk; __u32 id, pad; } key, next, *pk = NULL;
	struct hop_rec r;

	while (!bpf_map_get_next_key(fd, pk, &next)) {
		key = next;
		pk = &key;
		if (!bpf_map_lookup_elem(fd, &key, &r))
			path_join_kernel(&ps->join, &r);
	}
}

void msgzc_path_counters(struct path_session *ps, struct hop_counters *out, struct mz_counters *mz)
{
	int ncpu = libbpf_num_possible_cpus();
	struct mz_counters sum = {}, *v;
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (ps->mz && ncpu > 0 && (v = calloc(ncpu, sizeof(*v)))) {
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

uint64_t msgzc_path_missed(struct path_session *ps)
{
	uint64_t missed = 0;

	for (int i = 0; ps->mz && i < ps->mz->nlinks; i++)
		missed += link_missed(ps->mz->links[i], ps->mz->progs[i]);
	return missed;
}

void msgzc_path_destroy(struct path_session *ps)
{
	if (!ps->mz)
		return;
	for (int i = 0; i < ps->mz->nlinks; i++)
		bpf_link__destroy(ps->mz->links[i]);
	hop_msgzc_bpf__destroy(ps->mz->skel);
	free(ps->mz);
	ps->mz = NULL;
}
