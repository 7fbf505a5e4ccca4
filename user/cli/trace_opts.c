/* Checks of the trace options that no single option row can make: values
 * that would trace nothing, or options that need another one. */
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "trace.h"
#include "trace_path.h"

bool trace_opts_has_views(const struct trace_opts *o)
{
	return o->funcs || o->preset || o->tps || o->kmalloc || o->lpi || o->zerocopy;
}

/* The names of enum trace_sort, as TRACE_SORT_CHOICES lists them. */
static const char *const sort_names[] = { "calls", "avg", "p50", "p90", "p99", "allocs", "frees", "bytes", "failed",
					  "outstanding" };

int trace_opts_check(const struct trace_opts *o)
{
	bool kmalloc = o->kmalloc || trace_preset_kmalloc(o->preset);
	const struct { const char *name; bool given; } kmalloc_only[] = {
		{ "comm", o->comm != NULL },
		{ "site", o->site_func != NULL },
		{ "slab", o->slab },
		{ "no-lifetime", o->no_lifetime },
		{ "include-self", o->include_self },
	};
	int ncpus = libbpf_num_possible_cpus();

	if (o->cpu >= 0 && ncpus > 0 && o->cpu >= ncpus) {
		rs_err("--cpu %d: this machine has CPU%s 0..%d: pick one of them", o->cpu, ncpus > 1 ? "s" : "", ncpus - 1);
		return -EINVAL;
	}
	/* TASK_COMM_LEN is 16: the kernel keeps 15 characters of a name. */
	if (o->comm && (!o->comm[0] || strlen(o->comm) > 15)) {
		rs_err("--comm '%s': a task name (comm) has 1 to 15 characters, the kernel cuts longer ones: give the first 15 (see /proc/PID/comm)",
		       o->comm);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < sizeof(kmalloc_only) / sizeof(kmalloc_only[0]); i++)
		if (kmalloc_only[i].given && !kmalloc) {
			rs_err("--%s applies to the kmalloc view only: add --kmalloc (or drop --%s)",
			       kmalloc_only[i].name, kmalloc_only[i].name);
			return -EINVAL;
		}
	if (o->site_func && strchr(o->site_func, ',')) {
		rs_err("--site %s: one function per run (the filter is one address range): run once per function",
		       o->site_func);
		return -EINVAL;
	}
	/* A column only one table has, without that table, would order nothing. */
	if (o->sort >= SORT_ALLOCS && !kmalloc) {
		rs_err("--sort %s is a column of the call-site table: add --kmalloc, or sort by calls, avg, p50, p90 or p99",
		       sort_names[o->sort]);
		return -EINVAL;
	}
	if ((o->sort == SORT_CALLS || o->sort == SORT_AVG || o->sort == SORT_P90) && !o->funcs && !o->preset && !o->tps) {
		rs_err("--sort %s is a column of the function table: add -f, -p or -t, or sort by allocs, frees, bytes, failed, outstanding, p50 or p99",
		       sort_names[o->sort]);
		return -EINVAL;
	}
	if (o->hist && rs_json) {
		rs_err("--hist is for the text view: with --json every function's histogram is already in lat_ns_buckets: drop --hist");
		return -EINVAL;
	}
	return trace_path_check(o->path, o->path_samples, rs_json);
}
