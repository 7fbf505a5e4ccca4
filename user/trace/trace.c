#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "map_mem.h"
#include "pin.h"
#include "prog_stats.h"
#include "trace.h"
#include "funclat.skel.h"
#include "kmem.skel.h"
#include "trace_lpi.h"
#include "trace_presets.h"
#include "trace_zc.h"

bool trace_preset_kmalloc(const char *list)
{
	for (const struct preset *p = trace_presets; list && p->name; p++) {
		size_t n = strlen(p->name);

		for (const char *t = strstr(list, p->name); p->kmalloc && t; t = strstr(t + 1, p->name))
			if ((t == list || t[-1] == ',') && (t[n] == ',' || !t[n]))
				return true;
	}
	return false;
}

/* Functions that Debian builds inline (no symbol), and what to trace instead. */
static const struct { const char *name, *into; } inlined[] = {
	{ "alloc_indirect_split", "virtqueue_add_split" },
	{ "alloc_indirect_packed", "virtqueue_add_packed" },
	{ "virtqueue_add", "virtqueue_add_split,virtqueue_add_packed" },
	{ "xmit_skb", "start_xmit" },
	{ "vgic_its_check_cache", "vgic_its_inject_cached_translation" },
	{ "vgic_its_cache_translation", "vgic_its_resolve_lpi" },
	{ NULL }
};

/* Renames across the kernels ringscope targets (either direction). */
static const struct { const char *a, *b; } renamed[] = {
	{ "__kmalloc", "__kmalloc_noprof" },
	{ "__kmalloc_node", "__kmalloc_node_noprof" },
	{ "kmalloc_trace", "__kmalloc_cache_noprof" },
	{ "kmem_cache_alloc", "kmem_cache_alloc_noprof" },
	{ "kmalloc_large", "kmalloc_large_noprof" },
	{ "vhost_zerocopy_callback", "vhost_zerocopy_complete" },
	{ NULL }
};

void trace_opts_defaults(struct trace_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tier = TIER_AUTO;
	o->cpu = -1;
	o->top = 10;
	o->sort = SORT_DEFAULT;
}

bool trace_session_active(const struct trace_session *s)
{
	return s->nslots || s->kmalloc || s->o.lpi || s->o.zerocopy;
}

/* ---- function resolution ----------------------------------------------- */

struct btf_set {
	struct btf *vmlinux;
	struct btf *mods[256];
	int nmods;
	bool loaded;
};

static void btf_set_load(struct btf_set *b)
{
	char path[300];
	struct dirent *de;
	DIR *d;

	b->loaded = true;
	b->vmlinux = btf__load_vmlinux_btf();
	if (!b->vmlinux || !(d = opendir("/sys/kernel/btf")))
		return;
	while ((de = readdir(d)) && b->nmods < 256) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		b->mods[b->nmods] = btf__parse_split(path, b->vmlinux);
		if (b->mods[b->nmods])
			b->nmods++;
	}
	closedir(d);
}

static void btf_set_free(struct btf_set *b)
{
	for (int i = 0; i < b->nmods; i++)
		btf__free(b->mods[i]);
	btf__free(b->vmlinux);
}

static bool btf_has_func(struct btf_set *b, const char *name)
{
	if (!b->loaded)
		btf_set_load(b);
	if (b->vmlinux && btf__find_by_name_kind(b->vmlinux, name, BTF_KIND_FUNC) > 0)
		return true;
	for (int i = 0; i < b->nmods; i++)
		if (btf__find_by_name_kind(b->mods[i], name, BTF_KIND_FUNC) > 0)
			return true;
	return false;
}

static int add_slot(struct trace_session *s, const char *name, enum slot_kind kind, bool required)
{
	for (int i = 0; i < s->nslots; i++)
		if (!strcmp(s->slots[i].name, name) && s->slots[i].kind == kind)
			return 0;
	if (s->nslots >= RS_MAX_FUNCS) {
		rs_err("more than %d functions and tracepoints in one run: trace fewer (narrow the glob or preset)",
		       RS_MAX_FUNCS);
		return -E2BIG;
	}
	snprintf(s->slots[s->nslots].name, sizeof(s->slots[0].name), "%s", name);
	s->slots[s->nslots].required = required;
	s->slots[s->nslots++].kind = kind;
	return 0;
}

/* Why `name` cannot be attached, as one line naming what to do instead. */
static void explain_missing(struct trace_session *s, const char *name)
{
	char near[256];

	for (int i = 0; inlined[i].name; i++)
		if (!strcmp(inlined[i].name, name)) {
			rs_err("%s is inlined in this kernel (no symbol to attach): trace its caller instead: -f %s%s",
			       name, inlined[i].into,
			       strstr(name, "alloc") ? " (its kmalloc shows under the caller's call site with --kmalloc)" : "");
			return;
		}
	for (int i = 0; renamed[i].a; i++) {
		const char *other = !strcmp(renamed[i].a, name) ? renamed[i].b :
				    !strcmp(renamed[i].b, name) ? renamed[i].a : NULL;

		if (other && ksyms_by_name(s->ksyms, other)) {
			rs_err("%s is called %s in this kernel: use -f %s", name, other, other);
			return;
		}
	}
	ksyms_suggest(s->ksyms, name, near, sizeof(near), 3);
	rs_err("no kernel function '%s' here%s%s", name, near[0] ? ": nearest attachable: " : " (check /proc/kallsyms)", near);
}

struct glob_ctx {
	struct trace_session *s;
	struct btf_set *btf;
	int err, added;
};

static void glob_add(const struct ksym *sym, void *arg)
{
	struct glob_ctx *g = arg;

	if (g->err || (g->s->tier == TIER_FENTRY && !btf_has_func(g->btf, sym->name)))
		return;
	g->err = add_slot(g->s, sym->name, SLOT_FUNC, false);
	g->added++;
}

/* required: an explicit -f name (error if unusable); presets skip what this
 * kernel lacks with a notice. */
static int resolve_func(struct trace_session *s, struct btf_set *btf, const char *name, bool required)
{
	const struct ksym *clone;

	if (strpbrk(name, "*?[")) {
		struct glob_ctx g = { .s = s, .btf = btf };

		ksyms_glob(s->ksyms, name, glob_add, &g);
		if (!g.err && !g.added) {
			rs_err("glob '%s' matches no attachable function here (check /proc/kallsyms)", name);
			return -ENOENT;
		}
		return g.err;
	}
	if (!ksyms_by_name(s->ksyms, name) && (clone = ksyms_entry_clone(s->ksyms, name))) {
		bool btf_ok = btf_has_func(btf, clone->name);

		/* fentry attaches by BTF name, kprobes by any traceable kallsyms name. */
		rs_note("%s exists only as the compiler clone %s in this kernel, using that; tiers that can attach it: "
			"kprobe (if not notrace), fentry %s, tracepoint n/a",
			name, clone->name, btf_ok ? "(it has BTF)" : "no (no BTF for the clone name)");
		if (s->tier == TIER_FENTRY && !btf_ok) {
			if (!required)
				return 0;
			rs_err("%s has no BTF in this kernel, so fentry cannot attach: use --tier kprobe", clone->name);
			return -ENOENT;
		}
		return add_slot(s, clone->name, SLOT_FUNC, required);
	}
	if (!ksyms_by_name(s->ksyms, name)) {
		if (!required) {
			rs_note("%s: not in this kernel, skipped", name);
			return 0;
		}
		explain_missing(s, name);
		return -ENOENT;
	}
	if (s->tier == TIER_FENTRY && !btf_has_func(btf, name)) {
		if (!required) {
			rs_note("%s: no BTF, skipped (try --tier kprobe)", name);
			return 0;
		}
		rs_err("%s has no BTF in this kernel, so fentry cannot attach: use --tier kprobe", name);
		return -ENOENT;
	}
	return add_slot(s, name, SLOT_FUNC, required);
}

static int for_each_item(const char *list, int (*fn)(struct trace_session *, struct btf_set *, const char *, bool),
			 struct trace_session *s, struct btf_set *btf, bool required)
{
	char *copy, *save = NULL;
	int err = 0;

	if (!list || !*list)
		return 0;
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (char *t = strtok_r(copy, ",", &save); t && !err; t = strtok_r(NULL, ",", &save))
		err = fn(s, btf, t, required);
	free(copy);
	return err;
}

static int resolve_tp(struct trace_session *s, struct btf_set *btf, const char *name, bool required)
{
	const char *colon = strchr(name, ':'), *tp = colon ? colon + 1 : name;

	if (required && (!strcmp(tp, "net_dev_start_xmit") || !strcmp(tp, "net_dev_xmit")))
		rs_note("%s fires in the qdisc/xmit layer only: AF_XDP TX (gen) calls the driver directly and never fires it", tp);

	/* Accept "net:net_dev_xmit" too: raw tracepoints are named without the group. */
	return add_slot(s, tp, SLOT_TP, required);
}

static void add_blind(struct trace_session *s, const char *what)
{
	for (int i = 0; i < s->nblind; i++)
		if (!strcmp(s->blind[i], what))
			return;
	if (s->nblind < (int)(sizeof(s->blind) / sizeof(s->blind[0])))
		s->blind[s->nblind++] = what;
}

static const char *no_function_tier_msg =
	"this kernel refuses fentry and has no kprobes, so functions cannot be timed here: "
	"count tracepoints with -t, use --kmalloc, or run in the VM lab (make vm-run)";

static int resolve_all(struct trace_session *s)
{
	struct btf_set btf = {};
	int err = 0;

	/* Names first: a typo, an inlined or a renamed function is worth
	 * knowing about on any kernel, before being told the tier is missing. */
	err = for_each_item(s->o.funcs, resolve_func, s, &btf, true);
	if (!err && s->o.funcs && s->tier == TIER_TRACEPOINT) {
		rs_err("%s", no_function_tier_msg);
		err = -EOPNOTSUPP;
	}
	if (!err && s->o.preset) {
		char *copy = strdup(s->o.preset), *save = NULL;

		for (char *t = strtok_r(copy, ",", &save); t && !err; t = strtok_r(NULL, ",", &save)) {
			const struct preset *p = preset_find(t);
			const struct preset_tier *pt;

			if (!p) {
				rs_err("unknown preset '%s': use %s (-p list shows what each traces per tier)", t, preset_names());
				err = -EINVAL;
				break;
			}
			s->kmalloc |= p->kmalloc;
			pt = s->tier == TIER_TRACEPOINT ? &p->tp : &p->func;
			for (int i = 0; pt->blind && pt->blind[i]; i++)
				add_blind(s, pt->blind[i]);
			err = for_each_item(pt->events, s->tier == TIER_TRACEPOINT ? resolve_tp : resolve_func, s, &btf, false);
		}
		free(copy);
	}
	if (!err)
		err = for_each_item(s->o.tps, resolve_tp, s, &btf, true);
	btf_set_free(&btf);
	return err;
}

/* ---- load and attach ------------------------------------------------------ */

/* Functions ftrace cannot patch: the kernel's `inline` implies notrace, so a
 * static inline the compiler kept out of line (virtqueue_add_split and
 * virtqueue_add_packed in 6.12) has BTF and a symbol but no fentry, and kprobe
 * events refuse notrace functions too (CONFIG_KPROBE_EVENTS_ON_NOTRACE is off
 * in distribution kernels). Such slots are dropped from presets with a notice,
 * and refused when named with -f. Needs the ftrace function list; when it is
 * not readable, every function is assumed attachable. */
static const struct { const char *name, *caller; } notrace_callers[] = {
	{ "virtqueue_add_split", "virtqueue_add_outbuf" },
	{ "virtqueue_add_packed", "virtqueue_add_outbuf" },
	{ NULL }
};

static int drop_untraceable(struct trace_session *s)
{
	static const char *const lists[] = { "/sys/kernel/tracing/available_filter_functions",
					     "/sys/kernel/debug/tracing/available_filter_functions" };
	bool traceable[RS_MAX_FUNCS] = {};
	char line[256];
	FILE *f = NULL;
	int kept = 0;

	for (int i = 0; i < s->nslots; i++)
		s->slots[i].tier = s->tier;
	if (s->tier == TIER_TRACEPOINT)
		return 0;
	for (size_t i = 0; i < 2 && !f; i++)
		f = fopen(lists[i], "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\n")] = 0;
		for (int i = 0; i < s->nslots; i++)
			if (!strcmp(line, s->slots[i].name))
				traceable[i] = true;
	}
	fclose(f);
	for (int i = 0; i < s->nslots; i++) {
		const char *caller = NULL;

		if (s->slots[i].kind != SLOT_FUNC || traceable[i]) {
			s->slots[kept++] = s->slots[i];
			continue;
		}
		for (int c = 0; notrace_callers[c].name; c++)
			if (!strcmp(notrace_callers[c].name, s->slots[i].name))
				caller = notrace_callers[c].caller;
		if (s->slots[i].required) {
			rs_err("%s is notrace in this kernel (declared inline, or in the ftrace blacklist): neither fentry nor kprobe can attach%s%s",
			       s->slots[i].name, caller ? "; trace its caller: -f " : "", caller ? caller : "");
			return -EOPNOTSUPP;
		}
		if (caller)
			rs_note("%s: notrace in this kernel, skipped (its cost is inside %s)", s->slots[i].name, caller);
		else
			rs_note("%s: notrace in this kernel, skipped", s->slots[i].name);
	}
	s->nslots = kept;
	return 0;
}

static struct bpf_program *slot_prog(struct funclat_bpf *fl, int slot, int which)
{
	/* which: 0 fentry, 1 fexit, 2 kprobe, 3 kretprobe, 4 raw_tp. Program
	 * names follow FUNC_SLOT() in funclat.bpf.c. */
	static const char *const fmt[] = { "fentry_%d", "fexit_%d", "kprobe_%d", "kretprobe_%d", "tp_%d" };
	char name[32];

	snprintf(name, sizeof(name), fmt[which], slot);
	return bpf_object__find_program_by_name(fl->obj, name);
}

/* keep (may be NULL): where the caller also wants the link (a slot's, for its missed counts) */
static int add_link(struct trace_session *s, struct bpf_link *l, const char *what, const char *name,
		    struct bpf_link **keep)
{
	int err;

	if (!l) {
		err = -errno;
		rs_err("cannot attach %s to %s: %s%s", what, name, strerror(-err),
		       err == -ENOENT ? " (no such tracepoint or function here)" :
		       err == -EINVAL ? " (function is notrace or not traceable)" : "");
		return err;
	}
	s->links[s->nlinks++] = l;
	if (keep)
		*keep = l;
	return 0;
}

static int open_funclat(struct trace_session *s)
{
	struct bpf_program *p;
	int err;

	s->fl = funclat_bpf__open();
	if (!s->fl)
		return -errno;
	bpf_object__for_each_program(p, s->fl->obj)
		bpf_program__set_autoload(p, false);
	s->fl->rodata->filter_cpu = s->o.cpu;
	for (int i = 0; i < s->nslots; i++) {
		if (s->slots[i].kind == SLOT_TP) {
			bpf_program__set_autoload(slot_prog(s->fl, i, 4), true);
			continue;
		}
		for (int w = 0; w < 2; w++) {
			bool fentry = s->slots[i].tier == TIER_FENTRY;

			p = slot_prog(s->fl, i, (fentry ? 0 : 2) + w);
			bpf_program__set_autoload(p, true);
			if (fentry && (err = bpf_program__set_attach_target(p, 0, s->slots[i].name)))
				return err;
		}
	}
	if ((err = cpu_array_size(s->fl->maps.func_stats, RS_MAX_FUNCS)))
		return err;
	err = funclat_bpf__load(s->fl);
	if (err) {
		rs_err("cannot load the function latency programs (%s tier): %s", tier_names[s->tier], strerror(-err));
		return err;
	}
	if ((err = cpu_array_open(&s->fl_rows, s->fl->maps.func_stats, RS_MAX_FUNCS, true)))
		return err;
	for (int i = 0; i < s->nslots && !err; i++) {
		struct trace_slot *sl = &s->slots[i];
		struct { char name[64]; } fname = {};
		__u32 key = i;

		snprintf(fname.name, sizeof(fname.name), "%s", sl->name);
		bpf_map_update_elem(bpf_map__fd(s->fl->maps.func_names), &key, &fname, BPF_ANY);
		if (sl->kind == SLOT_TP) {
			err = add_link(s, bpf_program__attach_raw_tracepoint(slot_prog(s->fl, i, 4), sl->name),
				       "a raw tracepoint program", sl->name, &sl->link[0]);
		} else if (sl->tier == TIER_FENTRY) {
			err = add_link(s, bpf_program__attach(slot_prog(s->fl, i, 0)), "fentry", sl->name, &sl->link[0]);
			if (!err)
				err = add_link(s, bpf_program__attach(slot_prog(s->fl, i, 1)), "fexit", sl->name,
					       &sl->link[1]);
		} else {
			err = add_link(s, bpf_program__attach_kprobe(slot_prog(s->fl, i, 2), false, sl->name),
				       "kprobe", sl->name, &sl->link[0]);
			if (!err)
				err = add_link(s, bpf_program__attach_kprobe(slot_prog(s->fl, i, 3), true, sl->name),
					       "kretprobe", sl->name, &sl->link[1]);
		}
	}
	return err;
}

struct ranges {
	__u64 lo[RS_KMEM_RANGES_MAX], hi[RS_KMEM_RANGES_MAX];
	__u32 n;
};

static void range_add(const struct ksym *sym, void *arg)
{
	struct ranges *r = arg;

	if (r->n < RS_KMEM_RANGES_MAX) {
		r->lo[r->n] = sym->addr;
		r->hi[r->n++] = sym->addr + sym->size;
	}
}

/* name's own symbol (if any) and all its clones, .cold parts included:
 * a call site in any of them is a call made from name. */
static void ranges_of(const struct ksyms *ks, const char *name, struct ranges *r)
{
	const struct ksym *sym = ksyms_by_name(ks, name);

	if (sym)
		range_add(sym, r);
	ksyms_clones(ks, name, range_add, r);
}

/* The kmalloc entry functions that inline __do_kmalloc_node (6.10+, hence the
 * _noprof names; 6.1's large path fires one event only). Their large path
 * calls __kmalloc_large_node_noprof, whose own kmem:kmalloc event carries a
 * call site inside them: the inner event kmem.bpf.c drops. __kvmalloc_node_noprof
 * inlines it in 6.18 but not in 6.12 (the BPF side tells the two apart). */
static const char *const kmalloc_inner_funcs[] = {
	"__kmalloc_noprof", "__kmalloc_node_noprof", "__kmalloc_node_track_caller_noprof",
	"__kvmalloc_node_noprof", NULL
};

static int open_kmem(struct trace_session *s)
{
	struct ranges site = {}, inner = {};
	int err;

	if (s->o.site_func) {
		ranges_of(s->ksyms, s->o.site_func, &site);
		if (!site.n) {
			explain_missing(s, s->o.site_func);
			return -ENOENT;
		}
	}
	for (int i = 0; kmalloc_inner_funcs[i]; i++)
		ranges_of(s->ksyms, kmalloc_inner_funcs[i], &inner);
	s->km = kmem_bpf__open();
	if (!s->km)
		return -errno;
	s->km->rodata->filter_cpu = s->o.cpu;
	s->km->rodata->track_lifetime = !s->o.no_lifetime;
	s->km->rodata->self_tid = s->o.include_self ? 0 : (__u32)gettid();
	memcpy((void *)s->km->rodata->site_lo, site.lo, sizeof(site.lo));
	memcpy((void *)s->km->rodata->site_hi, site.hi, sizeof(site.hi));
	s->km->rodata->site_n = site.n;
	memcpy((void *)s->km->rodata->inner_lo, inner.lo, sizeof(inner.lo));
	memcpy((void *)s->km->rodata->inner_hi, inner.hi, sizeof(inner.hi));
	s->km->rodata->inner_n = inner.n;
	/* KMALLOC_MAX_CACHE_SIZE (SLUB): larger requests take the large path. */
	s->km->rodata->inner_min_bytes = 2 * (__u64)sysconf(_SC_PAGESIZE);
	if (s->o.comm)
		strncpy((char *)s->km->rodata->filter_comm, s->o.comm, 15);
	bpf_program__set_autoload(s->km->progs.kmem_cache_alloc, s->o.slab);
	bpf_program__set_autoload(s->km->progs.kmem_cache_free, s->o.slab);
	if (s->o.no_lifetime) {	/* counts only: the lifetime maps stay empty */
		bpf_map__set_max_entries(s->km->maps.kmem_live, 1);
		bpf_map__set_max_entries(s->km->maps.kmem_life, 1);
	}
	err = kmem_bpf__load(s->km);
	if (err) {
		rs_err("cannot load the kmalloc churn programs: %s%s", strerror(-err),
		       err == -EPERM ? " (run as root)" : "");
		return err;
	}
	if ((err = cpu_array_open(&s->km_life, s->km->maps.kmem_life, bpf_map__max_entries(s->km->maps.kmem_life),
				  false)))
		return err;
	err = add_link(s, bpf_program__attach(s->km->progs.kmalloc), "kmem:kmalloc", "raw tracepoint", NULL);
	if (!err)
		err = add_link(s, bpf_program__attach(s->km->progs.kfree), "kmem:kfree", "raw tracepoint", NULL);
	if (!err && s->o.slab)
		err = add_link(s, bpf_program__attach(s->km->progs.kmem_cache_alloc), "kmem:kmem_cache_alloc",
			       "raw tracepoint", NULL);
	if (!err && s->o.slab)
		err = add_link(s, bpf_program__attach(s->km->progs.kmem_cache_free), "kmem:kmem_cache_free",
			       "raw tracepoint", NULL);
	return err;
}

static int pin_all(struct trace_session *s)
{
	int err = pin_dir_create("trace", s->pin_dir, sizeof(s->pin_dir));

	if (!err && s->fl)
		err = pin_map(s->fl->maps.func_stats, s->pin_dir) ?: pin_map(s->fl->maps.func_names, s->pin_dir);
	if (!err && s->km)
		err = pin_map(s->km->maps.kmem_sites, s->pin_dir) ?: pin_map(s->km->maps.kmem_life, s->pin_dir);
	if (!err && s->lpi)
		err = pin_map(lpi_stats_map(s), s->pin_dir);
	if (!err && s->zc)
		err = pin_map(zc_stats_map(s), s->pin_dir);
	return err;
}

/* What the loaded maps lock for ncpu possible CPUs (map_mem.c): the arrays
 * of per-CPU rows (cpu_array.c) hold ncpu times their rows. */
static uint64_t maps_bytes(struct trace_session *s, uint32_t ncpu)
{
	struct bpf_object *objs[] = { s->fl ? s->fl->obj : NULL, s->km ? s->km->obj : NULL, lpi_object(s), zc_object(s) };
	const struct bpf_map *rows[] = { s->fl ? s->fl->maps.func_stats : NULL, s->lpi ? lpi_stats_map(s) : NULL,
					 s->zc ? zc_stats_map(s) : NULL };
	uint32_t here = libbpf_num_possible_cpus();
	uint64_t total = 0;
	struct bpf_map *m;

	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		if (!objs[i])
			continue;
		bpf_object__for_each_map(m, objs[i]) {
			uint32_t n = bpf_map__max_entries(m);

			for (size_t j = 0; j < sizeof(rows) / sizeof(rows[0]); j++)
				if (m == rows[j])
					n = n / here * ncpu;
			total += map_mem_bytes(bpf_map__type(m), bpf_map__map_flags(m), bpf_map__key_size(m),
					       bpf_map__value_size(m), n, ncpu);
		}
	}
	return total;
}

static void build_header(struct trace_session *s)
{
	int nf = 0, nt = 0;

	for (int i = 0; i < s->nslots; i++)
		s->slots[i].kind == SLOT_FUNC ? nf++ : nt++;
	s->map_bytes = maps_bytes(s, libbpf_num_possible_cpus());
	s->map_bytes_256cpu = maps_bytes(s, 256);
	snprintf(s->header, sizeof(s->header), "tier %s: %d function%s timed%s%s, %d tracepoint%s counted%s",
		 tier_names[s->tier], nf, nf == 1 ? "" : "s",
		 s->tier == TIER_FENTRY ? " with fentry/fexit" : s->tier == TIER_KPROBE ? " with kprobe/kretprobe" : "",
		 s->tier != TIER_TRACEPOINT ? "" : s->o.tier == TIER_TRACEPOINT ?
			" (--tier tracepoint: functions are not timed)" : " (fentry refused, no kprobes: function latency unavailable)",
		 nt, nt == 1 ? "" : "s",
		 s->kmalloc ? (s->o.slab ? "; kmalloc+kmem_cache churn from kmem raw tracepoints" :
			       "; kmalloc churn from kmem raw tracepoints") : "");
	if (s->km)
		snprintf(s->header + strlen(s->header), sizeof(s->header) - strlen(s->header), "%s",
			 s->o.include_self ? " (ringscope's own map-reading thread included)" :
			 " (ringscope's own map-reading thread left out: --include-self keeps it)");
	if (s->lpi)
		snprintf(s->header + strlen(s->header), sizeof(s->header) - strlen(s->header),
			 "; LPI injection via %s", s->tier == TIER_FENTRY ? "fentry/fexit" : "kprobe/kretprobe");
	if (s->zc)
		snprintf(s->header + strlen(s->header), sizeof(s->header) - strlen(s->header),
			 "; zero-copy completions via %s", s->tier == TIER_FENTRY ? "fentry/fexit" : "kprobe/kretprobe");
	snprintf(s->header + strlen(s->header), sizeof(s->header) - strlen(s->header),
		 "; BPF maps lock %.1f MiB here (%d CPUs), %.1f MiB on 256 CPUs", s->map_bytes / 1048576.0,
		 libbpf_num_possible_cpus(), s->map_bytes_256cpu / 1048576.0);
	/* Last: every "; "-separated part after this label is a blind spot. */
	for (int i = 0; i < s->nblind; i++)
		snprintf(s->header + strlen(s->header), sizeof(s->header) - strlen(s->header), "%s%s",
			 i ? "; " : "; blind on this tier: ", s->blind[i]);
}

int trace_session_open(struct trace_session *s, const struct trace_opts *o, bool pin)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->o = *o;
	s->kmalloc = o->kmalloc;
	if (pin && (err = pin_check_bpffs()))
		return err;
	s->ksyms = ksyms_load();
	if (!s->ksyms) {
		err = -errno;
		rs_err("cannot read kernel symbols from /proc/kallsyms: %s (run as root)", strerror(errno));
		return err;
	}
	if (o->tier == TIER_AUTO) {
		s->tier = probe_best_tier(&s->caps);
	} else {
		s->tier = o->tier;
		probe_best_tier(&s->caps);
		if ((s->tier == TIER_FENTRY && !(s->caps.f[FEAT_FENTRY].ok && s->caps.f[FEAT_FEXIT].ok)) ||
		    (s->tier == TIER_KPROBE && !(s->caps.f[FEAT_KPROBE].ok && s->caps.f[FEAT_KRETPROBE].ok))) {
			rs_err("--tier %s is not available on this kernel (%s): drop --tier to use the best available",
			       tier_names[s->tier], s->caps.f[s->tier == TIER_FENTRY ? FEAT_FENTRY : FEAT_KPROBE].detail);
			err = -EOPNOTSUPP;
			goto fail;
		}
	}
	err = resolve_all(s);
	if (err)
		goto fail;
	if (!trace_session_active(s)) {
		rs_err("nothing to trace: give -f FUNCS, -p PRESET, -t TRACEPOINTS or --kmalloc");
		err = -EINVAL;
		goto fail;
	}
	if ((err = drop_untraceable(s)))
		goto fail;
	if (s->nslots && (err = open_funclat(s)))
		goto fail;
	if (s->kmalloc && (err = open_kmem(s)))
		goto fail;
	if (o->lpi && (err = lpi_open(s)))
		goto fail;
	if (o->zerocopy && (err = zc_open(s)))
		goto fail;
	if (pin && (err = pin_all(s)))
		goto fail;
	build_header(s);
	return 0;
fail:
	trace_session_close(s);
	return err;
}

uint64_t trace_session_run_time_ns(struct trace_session *s)
{
	if (!s)
		return 0;
	return obj_run_time_ns(s->fl ? s->fl->obj : NULL) + obj_run_time_ns(s->km ? s->km->obj : NULL) +
	       obj_run_time_ns(lpi_object(s)) + obj_run_time_ns(zc_object(s));
}

void trace_session_close(struct trace_session *s)
{
	for (int i = 0; i < s->nlinks; i++)
		bpf_link__destroy(s->links[i]);
	s->nlinks = 0;
	if (s->pin_dir[0])
		pin_dir_remove(s->pin_dir);
	s->pin_dir[0] = 0;
	cpu_array_close(&s->fl_rows);
	cpu_array_close(&s->km_life);
	funclat_bpf__destroy(s->fl);
	kmem_bpf__destroy(s->km);
	lpi_close(s);
	zc_close(s);
	ksyms_free(s->ksyms);
	s->fl = NULL;
	s->km = NULL;
	s->ksyms = NULL;
}

/* ---- snapshots ------------------------------------------------------------ */

static int cmp_site(const void *a, const void *b)
{
	const struct site_snap *x = a, *y = b;

	if (x->key.call_site != y->key.call_site)
		return x->key.call_site < y->key.call_site ? -1 : 1;
	return (int)x->key.kind - (int)y->key.kind;
}

static void read_site(struct trace_session *s, struct site_snap *ss, const struct kmem_site_key *key,
		      const struct kmem_site_stats *v)
{
	struct rs_bpf_hist life;

	memset(ss, 0, sizeof(*ss));
	ss->key = *key;
	ss->st = *v;
	if (v->life_idx && !cpu_array_sum(&s->km_life, v->life_idx - 1, &life))
		hist_merge_bpf(&ss->life, &life);
	/* The first RS_RESERVOIR lifetimes: while there are no more, all of them. */
	for (__u64 k = 0; k < v->freed_objs && k < RS_RESERVOIR; k++)
		ss->life_exact[ss->nlife_exact++] = v->first_lifetimes_ns[k];
	if (v->freed_objs > RS_RESERVOIR)
		ss->nlife_exact = -1;
}

/* Read every call site with batched lookups: the kernel copies keys and values
 * through two buffers per batch instead of allocating per element, so an
 * interval read costs a few kmallocs instead of two or three per site. */
#define SITE_BATCH 128
static int snap_sites(struct trace_session *s, struct trace_snapshot *snap)
{
	int fd = bpf_map__fd(s->km->maps.kmem_sites), cap = 0, err = 0;
	struct kmem_site_key *keys = calloc(SITE_BATCH, sizeof(*keys));
	struct kmem_site_stats *vals = calloc(SITE_BATCH, sizeof(*vals));
	__u64 in_batch, out_batch;
	bool first = true;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		__u32 count = SITE_BATCH;
		int r = bpf_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch, keys, vals, &count, NULL);

		if (r && errno != ENOENT) {
			err = -errno;
			break;
		}
		if (snap->nsites + (int)count > cap) {
			struct site_snap *ss;

			cap = (snap->nsites + count) * 2;
			ss = realloc(snap->sites, cap * sizeof(*ss));
			if (!ss) {
				err = -ENOMEM;
				break;
			}
			snap->sites = ss;
		}
		for (__u32 i = 0; i < count; i++)
			read_site(s, &snap->sites[snap->nsites++], &keys[i], &vals[i]);
		if (r)	/* ENOENT: that was the last batch */
			break;
		in_batch = out_batch;
		first = false;
	}
	qsort(snap->sites, snap->nsites, sizeof(*snap->sites), cmp_site);
out:
	free(keys);
	free(vals);
	return err;
}

/* What the kernel did not hand to slot i's programs: a call lost to a missed
 * kprobe shows in neither calls nor lost_entries. A tracepoint slot has one
 * program (4), a function slot an entry and an exit one. */
static uint64_t slot_missed(struct trace_session *s, int i)
{
	const struct trace_slot *sl = &s->slots[i];
	int first = sl->kind == SLOT_TP ? 4 : sl->tier == TIER_FENTRY ? 0 : 2;
	uint64_t missed = link_missed(sl->link[0], slot_prog(s->fl, i, first));

	return sl->kind == SLOT_TP ? missed : missed + link_missed(sl->link[1], slot_prog(s->fl, i, first + 1));
}

int trace_snapshot(struct trace_session *s, struct trace_snapshot *snap)
{
	struct func_stats v;

	memset(snap, 0, sizeof(*snap));
	for (__u32 i = 0; s->fl && i < (__u32)s->nslots; i++) {
		struct func_snap *f = &snap->f[i];

		if (cpu_array_sum(&s->fl_rows, i, &v))
			continue;
		f->calls = v.calls;
		f->lost = v.lost_entries;
		f->missed = slot_missed(s, i);
		hist_merge_bpf(&f->hist, &v.hist);
		f->total_ns = v.hist.sum;
	}
	if (s->lpi)
		lpi_snapshot(s, &snap->lpi);
	if (s->zc)
		zc_snapshot(s, &snap->zc);
	return s->km ? snap_sites(s, snap) : 0;
}

void trace_snapshot_free(struct trace_snapshot *snap)
{
	free(snap->sites);
	snap->sites = NULL;
	snap->nsites = 0;
}
