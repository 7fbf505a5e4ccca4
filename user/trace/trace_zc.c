#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "hist.h"
#include "log.h"
#include "trace.h"
#include "trace_zc.h"
#include "u64s.h"
#include "zerocopy.skel.h"

/* The functions each path hooks, as named in the BPF sections. */
static const struct zc_func {
	const char *func;
	enum zc_path path;
	bool optional;
} zc_funcs[] = {
	{ "__dev_direct_xmit", ZC_PATH_XSK, false },
	{ "xsk_destruct_skb", ZC_PATH_XSK, false },
	{ "xsk_tx_completed", ZC_PATH_XSK, true },
	{ "tun_sendmsg", ZC_PATH_VHOST, true },		/* one of tun/tap is needed */
	{ "tap_sendmsg", ZC_PATH_VHOST, true },
	{ "vhost_zerocopy_complete", ZC_PATH_VHOST, false },
	{ "vhost_zerocopy_signal_used", ZC_PATH_VHOST, false },
	{ "msg_zerocopy_realloc", ZC_PATH_MSG, false },
	{ "__msg_zerocopy_callback", ZC_PATH_MSG, false },
	{ NULL }
};

static const char *const all_probes =
	"__dev_direct_xmit/xsk_destruct_skb/xsk_tx_completed (AF_XDP), "
	"tun_sendmsg/tap_sendmsg/vhost_zerocopy_complete|callback/vhost_zerocopy_signal_used (vhost-net), "
	"msg_zerocopy_realloc/__msg_zerocopy_callback (MSG_ZEROCOPY)";

void zc_unattached_msg(const struct kernel_caps *caps, char *buf, size_t len)
{
	snprintf(buf, len, "zero copy: kernel-side probes not attached: %s: none has a tracepoint, "
		 "this kernel refuses fentry (%s) and has no kprobes; user-space completion latencies only "
		 "(the kernel side runs in the VM lab)", all_probes,
		 caps->f[FEAT_FENTRY].ok ? "ok" : strstr(caps->f[FEAT_FENTRY].detail, "EPERM") ? "EPERM" : "refused");
}

/* 6.1 calls vhost's completion vhost_zerocopy_callback. */
static const char *real_name(struct trace_session *s, const char *func)
{
	if (!strcmp(func, "vhost_zerocopy_complete") && !ksyms_by_name(s->ksyms, func) &&
	    ksyms_by_name(s->ksyms, "vhost_zerocopy_callback"))
		return "vhost_zerocopy_callback";
	return func;
}

static const struct zc_func *func_of(const struct bpf_program *p, bool *ret, bool *fentry)
{
	const char *sec = bpf_program__section_name(p), *slash = strchr(sec, '/');

	*fentry = !strncmp(sec, "fentry", 6) || !strncmp(sec, "fexit", 5);
	*ret = !strncmp(sec, "fexit", 5) || !strncmp(sec, "kretprobe", 9);
	for (const struct zc_func *f = zc_funcs; slash && f->func; f++)
		if (!strcmp(f->func, slash + 1))
			return f;
	return NULL;
}

/* Which paths this kernel has, and a note naming what is missing. */
static unsigned int paths_present(struct trace_session *s, char *note, size_t len)
{
	bool have[16] = {};
	unsigned int paths = 0;
	int i = 0;

	for (const struct zc_func *f = zc_funcs; f->func; f++, i++)
		have[i] = ksyms_by_name(s->ksyms, real_name(s, f->func)) != NULL;
	/* zc_funcs order: xsk 0-2, vhost 3-6, msg 7-8 */
	if (have[0] && have[1])
		paths |= ZC_PATH_XSK;
	if ((have[3] || have[4]) && have[5] && have[6])
		paths |= ZC_PATH_VHOST;
	if (have[7] && have[8])
		paths |= ZC_PATH_MSG;
	note[0] = 0;
	if (!(paths & ZC_PATH_XSK))
		snprintf(note + strlen(note), len - strlen(note), "; AF_XDP not traced (no xsk_destruct_skb: kernel without XDP sockets)");
	if (!(paths & ZC_PATH_VHOST))
		snprintf(note + strlen(note), len - strlen(note), "; vhost-net not traced (%s)",
			 !(have[5] && have[6]) ? "no vhost_zerocopy_*: modprobe vhost_net" : "no tun_sendmsg/tap_sendmsg: modprobe tun");
	if (!(paths & ZC_PATH_MSG))
		snprintf(note + strlen(note), len - strlen(note), "; MSG_ZEROCOPY not traced (no msg_zerocopy_realloc/__msg_zerocopy_callback)");
	return paths;
}

int zc_open(struct trace_session *s)
{
	bool fentry_tier = s->tier == TIER_FENTRY, others = s->nslots || s->kmalloc || s->lpi;
	struct zerocopy_bpf *skel;
	struct bpf_program *p;
	char missing[384];
	int err;

	if (s->tier == TIER_TRACEPOINT) {
		zc_unattached_msg(&s->caps, s->zc_note, sizeof(s->zc_note));
		if (!others) {
			rs_err("%s", s->zc_note);
			return -EOPNOTSUPP;
		}
		rs_note("%s", s->zc_note);
		return 0;
	}
	s->zc_paths = paths_present(s, missing, sizeof(missing));
	if (!s->zc_paths) {
		rs_err("zero copy: nothing to trace here%s", missing);
		return -ENOENT;
	}
	if (missing[0]) {
		snprintf(s->zc_note, sizeof(s->zc_note), "zero copy:%s", missing + 1);
		rs_note("%s", s->zc_note);
	}
	skel = zerocopy_bpf__open();
	if (!skel)
		return -errno;
	s->zc = skel;
	bpf_object__for_each_program(p, skel->obj) {
		bool ret, is_fentry, load;
		const struct zc_func *f = func_of(p, &ret, &is_fentry);
		const char *name = f ? real_name(s, f->func) : NULL;

		load = f && is_fentry == fentry_tier && (s->zc_paths & f->path) && ksyms_by_name(s->ksyms, name);
		bpf_program__set_autoload(p, load);
		if (load && is_fentry && strcmp(name, f->func) && (err = bpf_program__set_attach_target(p, 0, name)))
			return err;
	}
	if ((err = cpu_array_size(skel->maps.zc_stats, 1)))
		return err;
	err = zerocopy_bpf__load(skel);
	if (err) {
		rs_err("cannot load the zero-copy programs (%s tier): %s%s", tier_names[s->tier], strerror(-err),
		       err == -E2BIG ? " (the verifier gave up: RINGSCOPE_DEBUG=1 shows its log)" :
		       fentry_tier ? " (a module without BTF? try --tier kprobe)" : "");
		return err;
	}
	if ((err = cpu_array_open(&s->zc_rows, skel->maps.zc_stats, 1, true)))
		return err;
	bpf_object__for_each_program(p, skel->obj) {
		bool ret, is_fentry;
		const struct zc_func *f = func_of(p, &ret, &is_fentry);
		const char *name;
		struct bpf_link *l;

		if (!bpf_program__autoload(p))
			continue;
		name = real_name(s, f->func);
		l = fentry_tier ? bpf_program__attach(p) : bpf_program__attach_kprobe(p, ret, name);
		if (!l) {
			err = -errno;
			rs_err("cannot attach %s to %s: %s", fentry_tier ? (ret ? "fexit" : "fentry") :
			       (ret ? "kretprobe" : "kprobe"), name, strerror(-err));
			return err;
		}
		s->links[s->nlinks++] = l;
	}
	return 0;
}

void zc_close(struct trace_session *s)
{
	cpu_array_close(&s->zc_rows);
	zerocopy_bpf__destroy(s->zc);
	s->zc = NULL;
}

struct bpf_object *zc_object(struct trace_session *s)
{
	return s->zc ? s->zc->obj : NULL;
}

struct bpf_map *zc_stats_map(struct trace_session *s)
{
	return s->zc->maps.zc_stats;
}

int zc_snapshot(struct trace_session *s, struct zc_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!s->zc)
		return 0;
	return cpu_array_sum(&s->zc_rows, 0, out);
}

static void delta(struct zc_stats *d, const struct zc_stats *cur, const struct zc_stats *prev)
{
	u64s_sub(d, cur, prev, sizeof(*d));
}

static void fmt_ns(char *b, size_t n, double ns)
{
	if (ns >= 1e6) snprintf(b, n, "%.2fms", ns / 1e6);
	else if (ns >= 1e3) snprintf(b, n, "%.2fus", ns / 1e3);
	else snprintf(b, n, "%.0fns", ns);
}

/* "p50 X p99 Y (N)" or "-" for an empty histogram. */
static const char *pct_str(char *b, size_t n, const struct rs_bpf_hist *src)
{
	struct rs_hist h = hist_from_bpf(src);
	char p50[16], p99[16];

	if (!hist_count(&h))
		return "-";
	fmt_ns(p50, sizeof(p50), hist_percentile(&h, 50));
	fmt_ns(p99, sizeof(p99), hist_percentile(&h, 99));
	snprintf(b, n, "p50 %s p99 %s", p50, p99);
	return b;
}

static void print_hist(FILE *out, const char *title, const struct rs_bpf_hist *src)
{
	struct rs_hist h = hist_from_bpf(src);

	if (!hist_count(&h))
		return;
	fprintf(out, "\n%s:\n", title);
	hist_print(out, &h, "nsecs");
}

void zc_print_text(FILE *out, const struct trace_session *s, const struct zc_stats *cur,
		   const struct zc_stats *prev, double dt, bool hist)
{
	char a[48], b[48], c[48];
	struct zc_stats d;

	if (!s->zc) {
		if (hist)	/* the reason once, with the summary */
			fprintf(out, "%s\n", s->zc_note);
		return;
	}
	delta(&d, cur, prev);
	fprintf(out, "zero copy (kernel side, %s):\n", tier_names[s->tier]);
	if (s->zc_paths & ZC_PATH_XSK)
		fprintf(out, "  AF_XDP copy   xmits %llu completions %llu (unmatched %llu); xmit->destruct %s; driver zc completions %llu descs in %llu calls\n",
			(unsigned long long)d.xsk_xmits, (unsigned long long)d.xsk_completions,
			(unsigned long long)d.xsk_unmatched, pct_str(a, sizeof(a), &d.xsk_hist),
			(unsigned long long)d.xsk_drv_descs, (unsigned long long)d.xsk_drv_calls);
	if (s->zc_paths & ZC_PATH_VHOST)
		fprintf(out, "  vhost-net TX  zc sends %llu, copy sends %llu (%llu batches); completions %llu (success=false %llu), used %llu; send->complete %s; failed %s; complete->used %s\n",
			(unsigned long long)d.vhost_zc_sends, (unsigned long long)d.vhost_copy_sends,
			(unsigned long long)d.vhost_copy_batches, (unsigned long long)d.vhost_completions,
			(unsigned long long)d.vhost_failed, (unsigned long long)d.vhost_used,
			pct_str(a, sizeof(a), &d.vhost_hist), pct_str(b, sizeof(b), &d.vhost_failed_hist),
			pct_str(c, sizeof(c), &d.vhost_used_hist));
	if (s->zc_paths & ZC_PATH_MSG)
		fprintf(out, "  MSG_ZEROCOPY  sends completed %llu in %llu notifications (copied %llu, zero-copied %llu, aborted %llu); send->callback zero-copied %s, copied %s\n",
			(unsigned long long)d.msg_completed, (unsigned long long)d.msg_callbacks,
			(unsigned long long)d.msg_copied, (unsigned long long)(d.msg_completed - d.msg_copied),
			(unsigned long long)d.msg_aborted, pct_str(a, sizeof(a), &d.msg_hist),
			pct_str(b, sizeof(b), &d.msg_copied_hist));
	if (d.lost)
		fprintf(out, "  (%llu in-flight entries lost: maps full)\n", (unsigned long long)d.lost);
	if (!hist)
		return;
	print_hist(out, "AF_XDP __dev_direct_xmit -> xsk_destruct_skb", &d.xsk_hist);
	print_hist(out, "vhost-net sendmsg(ubuf) -> last completion (success)", &d.vhost_hist);
	print_hist(out, "vhost-net sendmsg(ubuf) -> last completion (success=false: copied)", &d.vhost_failed_hist);
	print_hist(out, "vhost-net completion -> used ring", &d.vhost_used_hist);
	print_hist(out, "MSG_ZEROCOPY send -> __msg_zerocopy_callback (zero-copied)", &d.msg_hist);
	print_hist(out, "MSG_ZEROCOPY send -> __msg_zerocopy_callback (copied)", &d.msg_copied_hist);
}

void zc_json(struct json_writer *w, const struct trace_session *s, const struct zc_stats *cur,
	     const struct zc_stats *prev, double dt)
{
	struct zc_stats d;

	delta(&d, cur, prev);
	json_key(w, "zerocopy");
	json_obj_begin(w);
	json_kv_str(w, "tier", tier_names[s->tier]);
	json_kv_bool(w, "attached", s->zc != NULL);
	if (s->zc_note[0])
		json_kv_str(w, "note", s->zc_note);
	if (s->zc_paths & ZC_PATH_XSK) {
		json_key(w, "af_xdp");
		json_obj_begin(w);
		json_kv_u64(w, "xmits", d.xsk_xmits);
		json_kv_u64(w, "completions", d.xsk_completions);
		json_kv_u64(w, "unmatched", d.xsk_unmatched);
		json_kv_u64(w, "driver_completed_calls", d.xsk_drv_calls);
		json_kv_u64(w, "driver_completed_descs", d.xsk_drv_descs);
		hist_json_bpf(w, "lat_ns", &d.xsk_hist);
		json_obj_end(w);
	}
	if (s->zc_paths & ZC_PATH_VHOST) {
		json_key(w, "vhost_net");
		json_obj_begin(w);
		json_kv_u64(w, "zc_sends", d.vhost_zc_sends);
		json_kv_u64(w, "copy_sends", d.vhost_copy_sends);
		json_kv_u64(w, "copy_batches", d.vhost_copy_batches);
		json_kv_u64(w, "completions", d.vhost_completions);
		json_kv_u64(w, "failed", d.vhost_failed);
		json_kv_u64(w, "unmatched", d.vhost_unmatched);
		json_kv_u64(w, "used", d.vhost_used);
		json_kv_u64(w, "used_unscanned", d.vhost_used_unscanned);
		hist_json_bpf(w, "lat_ns", &d.vhost_hist);
		hist_json_bpf(w, "failed_lat_ns", &d.vhost_failed_hist);
		hist_json_bpf(w, "used_lat_ns", &d.vhost_used_hist);
		json_obj_end(w);
	}
	if (s->zc_paths & ZC_PATH_MSG) {
		json_key(w, "msg_zerocopy");
		json_obj_begin(w);
		json_kv_u64(w, "uargs", d.msg_uargs);
		json_kv_u64(w, "extended", d.msg_extended);
		json_kv_u64(w, "notifications", d.msg_callbacks);
		json_kv_u64(w, "completed", d.msg_completed);
		json_kv_u64(w, "copied", d.msg_copied);
		json_kv_u64(w, "zerocopied", d.msg_completed - d.msg_copied);
		json_kv_u64(w, "aborted", d.msg_aborted);
		json_kv_u64(w, "unmatched", d.msg_unmatched);
		hist_json_bpf(w, "lat_ns", &d.msg_hist);
		hist_json_bpf(w, "copied_lat_ns", &d.msg_copied_hist);
		json_obj_end(w);
	}
	json_kv_u64(w, "lost", d.lost);
	json_kv_double(w, "interval_s", dt);
	json_obj_end(w);
}
