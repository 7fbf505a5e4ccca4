/* The exposition text of a fixed snapshot, byte for byte, in both formats:
 * gen counters of a sender and a receiver, a timed function and a counted
 * tracepoint, two kmalloc call sites (one in --top 1), the observer's run
 * time, run --zerocopy rows (one traced in the kernel, one skipped), a
 * --path of three hops with a drop. Bucket lines are expanded from hist.h's edges (the layout belongs to
 * hist.c); everything else is literal. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "metrics.h"

static struct rs_hist hists[10];

/* "@H name labels N": the cumulative bucket lines of hists[N]. */
static void expand(FILE *out, const char *tmpl)
{
	char line[512], name[128], labels[256];
	const char *p = tmpl;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
		int k;

		memcpy(line, p, n);
		line[n] = '\0';
		p += n;
		if (sscanf(line, "@H %127s %255s %d", name, labels, &k) != 3) {
			fputs(line, out);
			continue;
		}
		uint64_t cum = 0;

		for (unsigned int i = 0; i < hist_buckets(); i++) {
			char le[48];

			cum += hists[k].slot[i];
			if (hist_bucket_upper(i) == UINT64_MAX)
				strcpy(le, "+Inf");
			else
				metrics_fmt_seconds(le, sizeof(le), hist_bucket_upper(i));
			fprintf(out, "%s_bucket{%s,le=\"%s\"} %llu\n", name, labels, le, (unsigned long long)cum);
		}
	}
}

static const char prom[] =
"# HELP ringscope_build_info ringscope's version, git describe and the running command\n"
"# TYPE ringscope_build_info gauge\n"
"ringscope_build_info{version=\"1.2.3\",git=\"v1.2.3-4-gabc\",command=\"run\"} 1\n"
"# HELP ringscope_gen_tx_submitted_packets_total packets put on the AF_XDP TX ring\n"
"# TYPE ringscope_gen_tx_submitted_packets_total counter\n"
"ringscope_gen_tx_submitted_packets_total{interface=\"a0\"} 1001\n"
"# HELP ringscope_gen_tx_completed_packets_total packets the kernel completed (reaped from the completion ring)\n"
"# TYPE ringscope_gen_tx_completed_packets_total counter\n"
"ringscope_gen_tx_completed_packets_total{interface=\"a0\"} 1000\n"
"# HELP ringscope_gen_tx_ring_full_total times the TX ring had no room for a batch\n"
"# TYPE ringscope_gen_tx_ring_full_total counter\n"
"ringscope_gen_tx_ring_full_total{interface=\"a0\"} 2\n"
"# HELP ringscope_gen_tx_wakeups_total sendto() wakeups of the kernel's TX path\n"
"# TYPE ringscope_gen_tx_wakeups_total counter\n"
"ringscope_gen_tx_wakeups_total{interface=\"a0\"} 17\n"
"# HELP ringscope_gen_rx_frames_total frames received on the AF_XDP sockets (ours, foreign and corrupt)\n"
"# TYPE ringscope_gen_rx_frames_total counter\n"
"ringscope_gen_rx_frames_total{interface=\"b\\\"0\"} 1005\n"
"# HELP ringscope_gen_rx_unique_packets_total distinct test packets received (sequence numbers seen once)\n"
"# TYPE ringscope_gen_rx_unique_packets_total counter\n"
"ringscope_gen_rx_unique_packets_total{interface=\"b\\\"0\"} 1000\n"
"# HELP ringscope_gen_rx_foreign_packets_total frames that are not ringscope test frames of this run\n"
"# TYPE ringscope_gen_rx_foreign_packets_total counter\n"
"ringscope_gen_rx_foreign_packets_total{interface=\"b\\\"0\"} 5\n"
"# HELP ringscope_gen_rx_corrupt_packets_total test frames failing the verifier (truncated, bad checksum, ...)\n"
"# TYPE ringscope_gen_rx_corrupt_packets_total counter\n"
"ringscope_gen_rx_corrupt_packets_total{interface=\"b\\\"0\"} 0\n"
"# HELP ringscope_gen_rx_duplicate_packets_total test packets received again\n"
"# TYPE ringscope_gen_rx_duplicate_packets_total counter\n"
"ringscope_gen_rx_duplicate_packets_total{interface=\"b\\\"0\"} 0\n"
"# HELP ringscope_gen_rx_reordered_packets_total test packets received after a later one of their stream\n"
"# TYPE ringscope_gen_rx_reordered_packets_total counter\n"
"ringscope_gen_rx_reordered_packets_total{interface=\"b\\\"0\"} 3\n"
"# HELP ringscope_gen_rx_seq_implausible_packets_total test packets further ahead than their sender can have sent (ignored)\n"
"# TYPE ringscope_gen_rx_seq_implausible_packets_total counter\n"
"ringscope_gen_rx_seq_implausible_packets_total{interface=\"b\\\"0\"} 1\n"
"# HELP ringscope_gen_fwd_packets_total packets forwarded back out (gen fwd)\n"
"# TYPE ringscope_gen_fwd_packets_total counter\n"
"ringscope_gen_fwd_packets_total{interface=\"b\\\"0\"} 0\n"
"# HELP ringscope_gen_tx_completion_latency_seconds TX completion latency, descriptor on the TX ring to its reap from the completion ring\n"
"# TYPE ringscope_gen_tx_completion_latency_seconds histogram\n"
"@H ringscope_gen_tx_completion_latency_seconds interface=\"a0\" 0\n"
"ringscope_gen_tx_completion_latency_seconds_sum{interface=\"a0\"} 0.0018\n"
"ringscope_gen_tx_completion_latency_seconds_count{interface=\"a0\"} 1000\n"
"# HELP ringscope_gen_rx_latency_seconds one-way latency, TX submit to RX reap (same host clock)\n"
"# TYPE ringscope_gen_rx_latency_seconds histogram\n"
"@H ringscope_gen_rx_latency_seconds interface=\"b\\\"0\" 1\n"
"ringscope_gen_rx_latency_seconds_sum{interface=\"b\\\"0\"} 0.05\n"
"ringscope_gen_rx_latency_seconds_count{interface=\"b\\\"0\"} 1000\n"
"# HELP ringscope_trace_tier_info the tier functions are traced through: fentry, kprobe or tracepoint\n"
"# TYPE ringscope_trace_tier_info gauge\n"
"ringscope_trace_tier_info{tier=\"fentry\"} 1\n"
"# HELP ringscope_observer_seconds_total run time of ringscope's own tracing BPF programs (bpf_prog_info run_time_ns)\n"
"# TYPE ringscope_observer_seconds_total counter\n"
"ringscope_observer_seconds_total 0.123456789\n"
"# HELP ringscope_function_calls_total completed calls of a traced kernel function, or hits of a counted tracepoint\n"
"# TYPE ringscope_function_calls_total counter\n"
"ringscope_function_calls_total{function=\"start_xmit\",kind=\"function\",tier=\"fentry\"} 10\n"
"ringscope_function_calls_total{function=\"netif_rx\",kind=\"tracepoint\",tier=\"tracepoint\"} 42\n"
"# HELP ringscope_function_missed_total calls or hits the kernel did not hand to the programs (kprobe re-entry, BPF recursion): calls is low by up to this\n"
"# TYPE ringscope_function_missed_total counter\n"
"ringscope_function_missed_total{function=\"start_xmit\",kind=\"function\",tier=\"fentry\"} 3\n"
"ringscope_function_missed_total{function=\"netif_rx\",kind=\"tracepoint\",tier=\"tracepoint\"} 0\n"
"# HELP ringscope_function_lost_entries_total entry timestamps dropped (in-flight map full): calls not timed\n"
"# TYPE ringscope_function_lost_entries_total counter\n"
"ringscope_function_lost_entries_total{function=\"start_xmit\",tier=\"fentry\"} 1\n"
"# HELP ringscope_function_latency_seconds kernel function latency, entry to return\n"
"# TYPE ringscope_function_latency_seconds histogram\n"
"@H ringscope_function_latency_seconds function=\"start_xmit\",tier=\"fentry\" 2\n"
"ringscope_function_latency_seconds_sum{function=\"start_xmit\",tier=\"fentry\"} 0.000007\n"
"ringscope_function_latency_seconds_count{function=\"start_xmit\",tier=\"fentry\"} 10\n"
"# HELP ringscope_kmem_allocs_total allocations made from this call site that returned memory\n"
"# TYPE ringscope_kmem_allocs_total counter\n"
"ringscope_kmem_allocs_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 5\n"
"ringscope_kmem_allocs_total{site=\"0xffffffff81000020\",function=\"?\",kind=\"kmem_cache\"} 0\n"
"# HELP ringscope_kmem_frees_total frees made from this call site\n"
"# TYPE ringscope_kmem_frees_total counter\n"
"ringscope_kmem_frees_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 0\n"
"ringscope_kmem_frees_total{site=\"0xffffffff81000020\",function=\"?\",kind=\"kmem_cache\"} 4\n"
"# HELP ringscope_kmem_requested_bytes_total bytes requested by the allocations that returned memory\n"
"# TYPE ringscope_kmem_requested_bytes_total counter\n"
"ringscope_kmem_requested_bytes_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 320\n"
"ringscope_kmem_requested_bytes_total{site=\"0xffffffff81000020\",function=\"?\",kind=\"kmem_cache\"} 0\n"
"# HELP ringscope_kmem_allocated_bytes_total bytes allocated (slab size) for them\n"
"# TYPE ringscope_kmem_allocated_bytes_total counter\n"
"ringscope_kmem_allocated_bytes_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 512\n"
"ringscope_kmem_allocated_bytes_total{site=\"0xffffffff81000020\",function=\"?\",kind=\"kmem_cache\"} 0\n"
"# HELP ringscope_kmem_failed_allocs_total allocations that failed (ptr NULL)\n"
"# TYPE ringscope_kmem_failed_allocs_total counter\n"
"ringscope_kmem_failed_allocs_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 0\n"
"ringscope_kmem_failed_allocs_total{site=\"0xffffffff81000020\",function=\"?\",kind=\"kmem_cache\"} 0\n"
"# HELP ringscope_kmem_outstanding_objects objects allocated here during the run and not freed yet\n"
"# TYPE ringscope_kmem_outstanding_objects gauge\n"
"ringscope_kmem_outstanding_objects{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 2\n"
"ringscope_kmem_outstanding_objects{site=\"0xffffffff81000020\",function=\"?\",kind=\"kmem_cache\"} 0\n"
"# HELP ringscope_kmem_lifetime_seconds alloc to free lifetime of the objects allocated at this call site (the --top busiest sites)\n"
"# TYPE ringscope_kmem_lifetime_seconds histogram\n"
"@H ringscope_kmem_lifetime_seconds site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\" 3\n"
"ringscope_kmem_lifetime_seconds_sum{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 0.000006\n"
"ringscope_kmem_lifetime_seconds_count{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 3\n"
"# HELP ringscope_zerocopy_run_sends_total run --zerocopy: packets (AF_XDP) or send() calls submitted\n"
"# TYPE ringscope_zerocopy_run_sends_total counter\n"
"ringscope_zerocopy_run_sends_total{path=\"af_xdp\"} 300\n"
"ringscope_zerocopy_run_sends_total{path=\"msg_zerocopy_tcp\"} 200\n"
"# HELP ringscope_zerocopy_run_completions_total run --zerocopy: submissions completed, as user space saw them\n"
"# TYPE ringscope_zerocopy_run_completions_total counter\n"
"ringscope_zerocopy_run_completions_total{path=\"af_xdp\"} 299\n"
"ringscope_zerocopy_run_completions_total{path=\"msg_zerocopy_tcp\"} 200\n"
"# HELP ringscope_zerocopy_run_copied_total run --zerocopy: MSG_ZEROCOPY completions the kernel copied after all\n"
"# TYPE ringscope_zerocopy_run_copied_total counter\n"
"ringscope_zerocopy_run_copied_total{path=\"af_xdp\"} 0\n"
"ringscope_zerocopy_run_copied_total{path=\"msg_zerocopy_tcp\"} 7\n"
"# HELP ringscope_zerocopy_run_kernel_completions_total run --zerocopy: completions seen in the kernel (trace --zerocopy)\n"
"# TYPE ringscope_zerocopy_run_kernel_completions_total counter\n"
"ringscope_zerocopy_run_kernel_completions_total{path=\"af_xdp\"} 298\n"
"# HELP ringscope_zerocopy_run_user_completion_latency_seconds run --zerocopy: submit to completion seen in user space\n"
"# TYPE ringscope_zerocopy_run_user_completion_latency_seconds histogram\n"
"@H ringscope_zerocopy_run_user_completion_latency_seconds path=\"af_xdp\" 7\n"
"ringscope_zerocopy_run_user_completion_latency_seconds_sum{path=\"af_xdp\"} 0.000598\n"
"ringscope_zerocopy_run_user_completion_latency_seconds_count{path=\"af_xdp\"} 299\n"
"@H ringscope_zerocopy_run_user_completion_latency_seconds path=\"msg_zerocopy_tcp\" 8\n"
"ringscope_zerocopy_run_user_completion_latency_seconds_sum{path=\"msg_zerocopy_tcp\"} 0.001\n"
"ringscope_zerocopy_run_user_completion_latency_seconds_count{path=\"msg_zerocopy_tcp\"} 200\n"
"# HELP ringscope_zerocopy_run_kernel_completion_latency_seconds run --zerocopy: submit to completion in the kernel (trace --zerocopy)\n"
"# TYPE ringscope_zerocopy_run_kernel_completion_latency_seconds histogram\n"
"@H ringscope_zerocopy_run_kernel_completion_latency_seconds path=\"af_xdp\" 9\n"
"ringscope_zerocopy_run_kernel_completion_latency_seconds_sum{path=\"af_xdp\"} 0.000298\n"
"ringscope_zerocopy_run_kernel_completion_latency_seconds_count{path=\"af_xdp\"} 298\n"
"# HELP ringscope_path_packets_total ringscope packets followed along the path to their end\n"
"# TYPE ringscope_path_packets_total counter\n"
"ringscope_path_packets_total{path=\"p1\"} 5\n"
"# HELP ringscope_path_completed_packets_total packets that completed the path\n"
"# TYPE ringscope_path_completed_packets_total counter\n"
"ringscope_path_completed_packets_total{path=\"p1\"} 4\n"
"# HELP ringscope_path_hop_packets_total packets that passed this hop of the path\n"
"# TYPE ringscope_path_hop_packets_total counter\n"
"ringscope_path_hop_packets_total{path=\"p1\",hop=\"submit\"} 5\n"
"ringscope_path_hop_packets_total{path=\"p1\",hop=\"rx\"} 5\n"
"ringscope_path_hop_packets_total{path=\"p1\",hop=\"reap\"} 4\n"
"# HELP ringscope_path_left_packets_total packets that left the path after this hop: dropped there, or in flight when the run ended\n"
"# TYPE ringscope_path_left_packets_total counter\n"
"ringscope_path_left_packets_total{path=\"p1\",hop=\"submit\",reason=\"dropped\"} 0\n"
"ringscope_path_left_packets_total{path=\"p1\",hop=\"rx\",reason=\"dropped\"} 1\n"
"ringscope_path_left_packets_total{path=\"p1\",hop=\"reap\",reason=\"dropped\"} 0\n"
"ringscope_path_left_packets_total{path=\"p1\",hop=\"submit\",reason=\"in_flight\"} 0\n"
"ringscope_path_left_packets_total{path=\"p1\",hop=\"rx\",reason=\"in_flight\"} 0\n"
"ringscope_path_left_packets_total{path=\"p1\",hop=\"reap\",reason=\"in_flight\"} 0\n"
"# HELP ringscope_path_bookkeeping_events_total path records that were no packet's next stamp (order_errors, late, not_ours), and what the kernel side lost (ringbuf_full, live_full, recycled, stale_alloc, no_redirect, not_queued, probe_missed): docs/hop-latency.md\n"
"# TYPE ringscope_path_bookkeeping_events_total counter\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"order_errors\"} 0\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"late\"} 2\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"not_ours\"} 1\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"ringbuf_full\"} 3\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"live_full\"} 0\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"recycled\"} 0\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"stale_alloc\"} 0\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"no_redirect\"} 0\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"not_queued\"} 0\n"
"ringscope_path_bookkeeping_events_total{path=\"p1\",kind=\"probe_missed\"} 7\n"
"# HELP ringscope_path_hop_latency_seconds per-packet latency of a hop from the hop it is timed from (the hop table's latency-from column, docs/hop-latency.md); end_to_end: submit to the path's end\n"
"# TYPE ringscope_path_hop_latency_seconds histogram\n"
"@H ringscope_path_hop_latency_seconds path=\"p1\",hop=\"rx\" 4\n"
"ringscope_path_hop_latency_seconds_sum{path=\"p1\",hop=\"rx\"} 0.000005\n"
"ringscope_path_hop_latency_seconds_count{path=\"p1\",hop=\"rx\"} 5\n"
"@H ringscope_path_hop_latency_seconds path=\"p1\",hop=\"reap\" 5\n"
"ringscope_path_hop_latency_seconds_sum{path=\"p1\",hop=\"reap\"} 0.00012\n"
"ringscope_path_hop_latency_seconds_count{path=\"p1\",hop=\"reap\"} 4\n"
"@H ringscope_path_hop_latency_seconds path=\"p1\",hop=\"end_to_end\" 6\n"
"ringscope_path_hop_latency_seconds_sum{path=\"p1\",hop=\"end_to_end\"} 0.000124\n"
"ringscope_path_hop_latency_seconds_count{path=\"p1\",hop=\"end_to_end\"} 4\n";

/* A smaller view in OpenMetrics: counter families named without _total,
 * units, the info type, # EOF. */
static const char om[] =
"# HELP ringscope_build ringscope's version, git describe and the running command\n"
"# TYPE ringscope_build info\n"
"ringscope_build_info{version=\"1.2.3\",git=\"v1.2.3-4-gabc\",command=\"run\"} 1\n"
"# HELP ringscope_gen_tx_submitted_packets packets put on the AF_XDP TX ring\n"
"# TYPE ringscope_gen_tx_submitted_packets counter\n"
"ringscope_gen_tx_submitted_packets_total{interface=\"a0\"} 1001\n"
"# HELP ringscope_gen_tx_completed_packets packets the kernel completed (reaped from the completion ring)\n"
"# TYPE ringscope_gen_tx_completed_packets counter\n"
"ringscope_gen_tx_completed_packets_total{interface=\"a0\"} 1000\n"
"# HELP ringscope_gen_tx_ring_full times the TX ring had no room for a batch\n"
"# TYPE ringscope_gen_tx_ring_full counter\n"
"ringscope_gen_tx_ring_full_total{interface=\"a0\"} 2\n"
"# HELP ringscope_gen_tx_wakeups sendto() wakeups of the kernel's TX path\n"
"# TYPE ringscope_gen_tx_wakeups counter\n"
"ringscope_gen_tx_wakeups_total{interface=\"a0\"} 17\n"
"# HELP ringscope_gen_tx_completion_latency_seconds TX completion latency, descriptor on the TX ring to its reap from the completion ring\n"
"# TYPE ringscope_gen_tx_completion_latency_seconds histogram\n"
"# UNIT ringscope_gen_tx_completion_latency_seconds seconds\n"
"@H ringscope_gen_tx_completion_latency_seconds interface=\"a0\" 0\n"
"ringscope_gen_tx_completion_latency_seconds_sum{interface=\"a0\"} 0.0018\n"
"ringscope_gen_tx_completion_latency_seconds_count{interface=\"a0\"} 1000\n"
"# HELP ringscope_trace_tier the tier functions are traced through: fentry, kprobe or tracepoint\n"
"# TYPE ringscope_trace_tier info\n"
"ringscope_trace_tier_info{tier=\"tracepoint\"} 1\n"
"# HELP ringscope_observer_seconds run time of ringscope's own tracing BPF programs (bpf_prog_info run_time_ns)\n"
"# TYPE ringscope_observer_seconds counter\n"
"# UNIT ringscope_observer_seconds seconds\n"
"ringscope_observer_seconds_total 0.123456789\n"
"# HELP ringscope_kmem_allocs allocations made from this call site that returned memory\n"
"# TYPE ringscope_kmem_allocs counter\n"
"ringscope_kmem_allocs_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 5\n"
"# HELP ringscope_kmem_frees frees made from this call site\n"
"# TYPE ringscope_kmem_frees counter\n"
"ringscope_kmem_frees_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 0\n"
"# HELP ringscope_kmem_requested_bytes bytes requested by the allocations that returned memory\n"
"# TYPE ringscope_kmem_requested_bytes counter\n"
"# UNIT ringscope_kmem_requested_bytes bytes\n"
"ringscope_kmem_requested_bytes_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 320\n"
"# HELP ringscope_kmem_allocated_bytes bytes allocated (slab size) for them\n"
"# TYPE ringscope_kmem_allocated_bytes counter\n"
"# UNIT ringscope_kmem_allocated_bytes bytes\n"
"ringscope_kmem_allocated_bytes_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 512\n"
"# HELP ringscope_kmem_failed_allocs allocations that failed (ptr NULL)\n"
"# TYPE ringscope_kmem_failed_allocs counter\n"
"ringscope_kmem_failed_allocs_total{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 0\n"
"# HELP ringscope_kmem_outstanding_objects objects allocated here during the run and not freed yet\n"
"# TYPE ringscope_kmem_outstanding_objects gauge\n"
"ringscope_kmem_outstanding_objects{site=\"0xffffffff81000010\",function=\"?\",kind=\"kmalloc\"} 2\n"
"# EOF\n";

static int same(const char *name, const char *got, const char *want)
{
	size_t i = 0;

	while (got[i] && got[i] == want[i])
		i++;
	CHECK(!got[i] && !want[i], name, "differs at byte %zu: got \"%.60s\" want \"%.60s\"", i, got + i, want + i);
	return !got[i] && !want[i];
}

static enum metrics_format render_fmt;

static void render_to(FILE *f, const void *v)
{
	metrics_render(f, render_fmt, v);
}

static void expand_to(FILE *f, const void *tmpl)
{
	expand(f, tmpl);
}

/* What fn writes, as a string (caller frees). */
static char *text_of(void (*fn)(FILE *, const void *), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fn(f, arg);
	fclose(f);
	return text;
}

/* v rendered in fmt is the expanded template, byte for byte. */
static void same_render(const char *name, enum metrics_format fmt, const struct metrics_view *v, const char *tmpl)
{
	char *got, *want;

	render_fmt = fmt;
	got = text_of(render_to, v);
	want = text_of(expand_to, tmpl);
	same(name, got, want);
	free(got);
	free(want);
}

int main(void)
{
	static struct trace_session ts;
	static struct trace_snapshot snap;
	struct site_snap sites[2] = {};
	struct metrics_view v = { .version = "1.2.3", .git = "v1.2.3-4-gabc", .command = "run" };
	char buf[48];

	/* exact decimal seconds, also beyond a double's 53 bits */
	metrics_fmt_seconds(buf, sizeof(buf), 0);
	CHECK(!strcmp(buf, "0"), "metrics_seconds_zero", "%s", buf);
	metrics_fmt_seconds(buf, sizeof(buf), 1023);
	CHECK(!strcmp(buf, "0.000001023"), "metrics_seconds_1023ns", "%s", buf);
	metrics_fmt_seconds(buf, sizeof(buf), 1500000000);
	CHECK(!strcmp(buf, "1.5"), "metrics_seconds_1500ms", "%s", buf);
	metrics_fmt_seconds(buf, sizeof(buf), 3000000000ull);
	CHECK(!strcmp(buf, "3"), "metrics_seconds_whole", "%s", buf);
	metrics_fmt_seconds(buf, sizeof(buf), UINT64_MAX - 1);
	CHECK(!strcmp(buf, "18446744073.709551614"), "metrics_seconds_u64", "%s", buf);

	/* gen: a sender a0 and a receiver whose name needs escaping */
	v.ngen = 2;
	v.gen[0] = (struct metrics_gen){ .iface = "a0", .has_tx = true };
	v.gen[0].c.tx_submitted = 1001, v.gen[0].c.tx_completed = 1000;
	v.gen[0].c.tx_ring_full = 2, v.gen[0].c.tx_wakeups = 17;
	for (int i = 0; i < 1000; i++)
		hist_add(&v.gen[0].c.compl_lat, i < 600 ? 1000 : 3000);	/* sum 1.8 ms */
	v.gen[1] = (struct metrics_gen){ .iface = "b\"0", .has_rx = true };
	v.gen[1].c.rx_packets = 1005, v.gen[1].c.rx_unique = 1000, v.gen[1].c.rx_foreign = 5;
	v.gen[1].c.rx_reordered = 3;
	v.gen[1].c.rx_seq_implausible = 1;
	for (int i = 0; i < 1000; i++)
		hist_add(&v.gen[1].c.rx_lat, 50000);
	hists[0] = v.gen[0].c.compl_lat;
	hists[1] = v.gen[1].c.rx_lat;

	/* trace: a timed function, a tracepoint, two call sites (--top 1) */
	ts.tier = TIER_FENTRY;
	ts.nslots = 2;
	ts.slots[0] = (struct trace_slot){ .name = "start_xmit", .kind = SLOT_FUNC, .tier = TIER_FENTRY };
	ts.slots[1] = (struct trace_slot){ .name = "netif_rx", .kind = SLOT_TP };
	ts.kmalloc = true;
	ts.o.top = 1;
	snap.f[0].calls = 10, snap.f[0].lost = 1, snap.f[0].missed = 3;
	for (int i = 0; i < 10; i++)
		hist_add(&snap.f[0].hist, 700);
	snap.f[1].calls = 42;
	hists[2] = snap.f[0].hist;
	sites[0].key = (struct kmem_site_key){ .call_site = 0xffffffff81000010ull, .kind = KMEM_KMALLOC };
	sites[0].st.allocs = 5, sites[0].st.bytes_req = 320, sites[0].st.bytes_alloc = 512, sites[0].st.freed_objs = 3;
	for (int i = 0; i < 3; i++)
		hist_add(&sites[0].life, 2000);
	sites[1].key = (struct kmem_site_key){ .call_site = 0xffffffff81000020ull, .kind = KMEM_CACHE };
	sites[1].st.frees = 4;
	snap.sites = sites;
	snap.nsites = 2;
	hists[3] = sites[0].life;
	v.ts = &ts;
	v.snap = &snap;
	v.have_observer = true;
	v.observer_ns = 123456789;

	/* --path: three hops shown in table order (reap, index 0, last), the
	 * first has no latency; one packet dropped after rx */
	static const struct path_def p1 = {
		.name = "p1", .nhops = 3, .order = { 1, 2, 0 },
		.hop = { [0] = { "reap", "", 2, true }, [1] = { "submit", "", PH_NONE, true }, [2] = { "rx", "", 1, true } },
	};
	v.path = &p1;
	v.path_r.packets = 5, v.path_r.done = 4;
	v.path_r.count[1] = 5, v.path_r.count[2] = 5, v.path_r.count[0] = 4;
	v.path_r.left[PL_DROPPED][2] = 1;
	v.path_r.late = 2, v.path_r.not_ours = 1, v.path_k.ringbuf_full = 3, v.path_probe_missed = 7;
	for (int i = 0; i < 5; i++)
		hist_add(&v.path_r.lat[2], 1000);
	for (int i = 0; i < 4; i++)
		hist_add(&v.path_r.lat[0], 30000), hist_add(&v.path_r.e2e, 31000);
	hists[4] = v.path_r.lat[2], hists[5] = v.path_r.lat[0], hists[6] = v.path_r.e2e;

	/* run --zerocopy: AF_XDP traced in the kernel too, TCP user space
	 * only, UDP skipped (no samples at all) */
	struct metrics_zc_run_row zc[3] = {
		{ .path = "af_xdp", .ran = true, .sends = 300, .completions = 299, .kernel = true, .k_completions = 298 },
		{ .path = "msg_zerocopy_tcp", .ran = true, .sends = 200, .completions = 200, .copied = 7 },
		{ .path = "msg_zerocopy_udp" },
	};
	for (int i = 0; i < 299; i++)
		hist_add(&zc[0].user, 2000);
	for (int i = 0; i < 200; i++)
		hist_add(&zc[1].user, 5000);
	for (int i = 0; i < 298; i++)
		hist_add(&zc[0].k, 1000);
	hists[7] = zc[0].user, hists[8] = zc[1].user, hists[9] = zc[0].k;
	v.zc_run = zc;
	v.nzc_run = 3;

	same_render("metrics_prom_004_bytes", METRICS_PROM_004, &v, prom);
	v.path = NULL;
	v.zc_run = NULL, v.nzc_run = 0;

	/* the smaller view, as OpenMetrics */
	v.ngen = 1;
	ts.tier = TIER_TRACEPOINT;
	ts.nslots = 0;
	ts.o.no_lifetime = true;
	snap.nsites = 1;
	same_render("metrics_openmetrics_bytes", METRICS_OPENMETRICS, &v, om);

	/* msg-zerocopy, vhost-tx: their own counters, one series per row of
	 * the table the JSON's "ubufs" / "vhost" object is printed from, in
	 * its order, after the path's common families */
	struct metrics_view z = { .version = "1", .git = "g", .command = "run", .path = &msgzc_path_def };
	const char *object;
	char *text;

	z.path_zc_rows = zc_path_counter_rows(&msgzc_path_def, &object, &z.npath_zc);
	z.path_zc.ubufs = 3, z.path_zc.sends = 5, z.path_zc.extended = 2, z.path_zc.drops = 1;
	render_fmt = METRICS_PROM_004;
	text = text_of(render_to, &z);
	CHECK(!strcmp(object, "ubufs") && z.npath_zc == 12 && strstr(text,
	      "ringscope_path_zc_events_total{path=\"msg-zerocopy\",kind=\"created\"} 3\n"
	      "ringscope_path_zc_events_total{path=\"msg-zerocopy\",kind=\"sends\"} 5\n"
	      "ringscope_path_zc_events_total{path=\"msg-zerocopy\",kind=\"extended\"} 2\n") &&
	      strstr(text, "kind=\"drops\"} 1\n") && strstr(text, "ringscope_path_bookkeeping_events_total") <
	      strstr(text, "ringscope_path_zc_events_total"), "metrics_path_zc_ubufs", "%s", object);
	free(text);
	z.path = &vhost_path_def;
	z.path_zc_rows = zc_path_counter_rows(&vhost_path_def, &object, &z.npath_zc);
	z.path_zc = (struct mz_counters){ .vh_zc_sends = 7, .vh_unscanned = 1 };
	text = text_of(render_to, &z);
	CHECK(!strcmp(object, "vhost") && z.npath_zc == 7 &&
	      strstr(text, "ringscope_path_zc_events_total{path=\"vhost-tx\",kind=\"zc_sends\"} 7\n") &&
	      strstr(text, "ringscope_path_zc_events_total{path=\"vhost-tx\",kind=\"unscanned\"} 1\n") &&
	      !strstr(text, "kind=\"created\""), "metrics_path_zc_vhost", "%s", object);
	free(text);
	CHECK(!zc_path_counter_rows(&p1, &object, &z.npath_zc) && !z.npath_zc, "metrics_path_zc_none", "%d", z.npath_zc);
	CHECK_DONE();
}
