#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "probe.h"
#include "probe.skel.h"

const char *const feature_names[FEAT_COUNT] = {
	"btf", "fentry", "fexit", "kprobe", "kretprobe", "kprobe_multi",
	"raw_tracepoint", "tracepoint", "bpffs", "bpf_stats",
};
const char *const tier_names[] = { "fentry", "kprobe", "tracepoint" };

const char *probe_target(void)
{
	/* Present in every kernel ringscope supports, and in BTF. */
	return "do_nanosleep";
}

static void set_result(struct feature_result *r, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_result(struct feature_result *r, bool ok, const char *fmt, ...)
{
	va_list ap;

	r->ok = ok;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

static const char *attach_hint(const char *what, int err)
{
	struct stat st;

	if ((!strcmp(what, "kprobe") || !strcmp(what, "kretprobe")) && err == -ENOENT &&
	    stat("/sys/bus/event_source/devices/kprobe", &st))
		return " (no kprobe PMU and no kprobe_events: kernel built without CONFIG_KPROBES)";
	if (!strcmp(what, "kprobe.multi") && err == -EOPNOTSUPP)
		return " (kernel built without CONFIG_FPROBE or kprobes)";
	if (!strcmp(what, "tracepoint") && err == -ENOENT && stat("/sys/kernel/tracing/events", &st))
		return " (tracefs not mounted at /sys/kernel/tracing; raw tracepoints do not need it)";
	return "";
}

/* Load only `prog` of the probe object and attach it with `attach`. */
static void try_prog(struct feature_result *r, const char *what,
		     struct bpf_program *(*pick)(struct probe_bpf *),
		     struct bpf_link *(*attach)(struct bpf_program *))
{
	struct probe_bpf *skel = probe_bpf__open();
	struct bpf_program *p, *prog;
	struct bpf_link *link;
	int err;

	if (!skel) {
		set_result(r, false, "cannot open the probe object: %s", strerror(errno));
		return;
	}
	prog = pick(skel);
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, p == prog);
	if (bpf_program__type(prog) == BPF_PROG_TYPE_TRACING)
		bpf_program__set_attach_target(prog, 0, probe_target());
	err = probe_bpf__load(skel);
	if (err) {
		set_result(r, false, "BPF_PROG_LOAD of a %s program failed: %s (%s)", what, strerror(-err),
			   err == -EPERM ? "EPERM: the kernel refuses this program type" :
			   err == -EINVAL ? "EINVAL: type or helper unsupported" : "errno");
		goto out;
	}
	link = attach(prog);
	if (!link) {
		err = -errno;
		set_result(r, false, "loaded, but attach failed: %s%s", strerror(-err), attach_hint(what, err));
		goto out;
	}
	set_result(r, true, "loaded and attached a %s program to %s", what,
		   strcmp(what, "raw_tp") && strcmp(what, "tracepoint") ? probe_target() : "kmem:kmalloc");
	bpf_link__destroy(link);
out:
	probe_bpf__destroy(skel);
}

static struct bpf_program *p_fentry(struct probe_bpf *s) { return s->progs.probe_fentry; }
static struct bpf_program *p_fexit(struct probe_bpf *s) { return s->progs.probe_fexit; }
static struct bpf_program *p_kprobe(struct probe_bpf *s) { return s->progs.probe_kprobe; }
static struct bpf_program *p_kretprobe(struct probe_bpf *s) { return s->progs.probe_kretprobe; }
static struct bpf_program *p_kmulti(struct probe_bpf *s) { return s->progs.probe_kprobe_multi; }
static struct bpf_program *p_raw_tp(struct probe_bpf *s) { return s->progs.probe_raw_tp; }
static struct bpf_program *p_tp(struct probe_bpf *s) { return s->progs.probe_tracepoint; }

static struct bpf_link *a_trace(struct bpf_program *p) { return bpf_program__attach_trace(p); }
static struct bpf_link *a_kprobe(struct bpf_program *p) { return bpf_program__attach_kprobe(p, false, probe_target()); }
static struct bpf_link *a_kretprobe(struct bpf_program *p) { return bpf_program__attach_kprobe(p, true, probe_target()); }
static struct bpf_link *a_kmulti(struct bpf_program *p)
{
	const char *syms[] = { probe_target() };
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o, .syms = syms, .cnt = 1);

	return bpf_program__attach_kprobe_multi_opts(p, NULL, &o);
}
static struct bpf_link *a_raw_tp(struct bpf_program *p) { return bpf_program__attach_raw_tracepoint(p, "kmalloc"); }
static struct bpf_link *a_tp(struct bpf_program *p) { return bpf_program__attach_tracepoint(p, "kmem", "kmalloc"); }

static void probe_btf(struct feature_result *r)
{
	struct stat st;

	if (stat("/sys/kernel/btf/vmlinux", &st))
		set_result(r, false, "no /sys/kernel/btf/vmlinux: kernel built without CONFIG_DEBUG_INFO_BTF");
	else
		set_result(r, true, "/sys/kernel/btf/vmlinux (%lld bytes)", (long long)st.st_size);
}

static void probe_bpffs(struct feature_result *r)
{
	struct statfs st;

	if (!statfs("/sys/fs/bpf", &st) && st.f_type == BPF_FS_MAGIC)
		set_result(r, true, "mounted at /sys/fs/bpf");
	else
		set_result(r, false, "not mounted at /sys/fs/bpf: mount -t bpf bpf /sys/fs/bpf");
}

static void probe_stats(struct feature_result *r)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	if (fd < 0)
		set_result(r, false, "BPF_ENABLE_STATS failed: %s", strerror(errno));
	else
		set_result(r, true, "BPF_ENABLE_STATS(RUN_TIME) works (run_time_ns/run_cnt per program)");
	if (fd >= 0)
		close(fd);
}

static void probe_tier_features(struct kernel_caps *c)
{
	try_prog(&c->f[FEAT_FENTRY], "fentry", p_fentry, a_trace);
	try_prog(&c->f[FEAT_FEXIT], "fexit", p_fexit, a_trace);
	try_prog(&c->f[FEAT_KPROBE], "kprobe", p_kprobe, a_kprobe);
	try_prog(&c->f[FEAT_KRETPROBE], "kretprobe", p_kretprobe, a_kretprobe);
	try_prog(&c->f[FEAT_RAW_TP], "raw_tp", p_raw_tp, a_raw_tp);
}

void probe_kernel(struct kernel_caps *c)
{
	memset(c, 0, sizeof(*c));
	probe_btf(&c->f[FEAT_BTF]);
	probe_tier_features(c);
	try_prog(&c->f[FEAT_KPROBE_MULTI], "kprobe.multi", p_kmulti, a_kmulti);
	try_prog(&c->f[FEAT_TRACEPOINT], "tracepoint", p_tp, a_tp);
	probe_bpffs(&c->f[FEAT_BPFFS]);
	probe_stats(&c->f[FEAT_BPF_STATS]);
}

enum tier probe_best_tier(struct kernel_caps *c)
{
	if (!c->f[FEAT_FENTRY].detail[0])
		probe_tier_features(c);
	if (c->f[FEAT_FENTRY].ok && c->f[FEAT_FEXIT].ok)
		return TIER_FENTRY;
	if (c->f[FEAT_KPROBE].ok && c->f[FEAT_KRETPROBE].ok)
		return TIER_KPROBE;
	return TIER_TRACEPOINT;
}
