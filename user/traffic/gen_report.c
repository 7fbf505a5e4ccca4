#include <string.h>
#include "gen_report.h"
#include "u64s.h"

void gen_figures(struct gen_figures *f, const struct gen_counters *cur, const struct gen_counters *prev,
		 double t_s, double dt_s, bool has_tx, bool has_rx, uint64_t expected)
{
	struct gen_counters d;	/* the counts of this interval (the whole run when final) */
	uint64_t unique;

	u64s_sub(&d, cur, prev, sizeof(d));
	memset(f, 0, sizeof(*f));
	f->has_tx = has_tx;
	f->has_rx = has_rx;
	f->t_s = t_s;
	f->dt_s = dt_s;
	f->packets_tx = d.tx_completed;
	f->submitted = d.tx_submitted;
	f->packets_rx = d.rx_packets - d.rx_foreign;
	f->forwarded = d.fwd_packets;
	if (dt_s > 0) {
		f->tx_pps = (double)d.tx_completed / dt_s;
		f->rx_pps = (double)f->packets_rx / dt_s;
		f->rx_mbps = (double)d.rx_bytes * 8 / dt_s / 1e6;
	}
	/* lost is no count but an estimate: the run so far, never a delta. */
	unique = cur->rx_unique + cur->rx_too_late;
	if (expected)
		f->lost = expected > unique ? expected - unique : 0;
	else
		f->lost = cur->rx_gaps;
	f->lost_known = expected || unique;
	memcpy(f->foreign_why, d.rx_foreign_why, sizeof(f->foreign_why));
	memcpy(f->corrupt_why, d.rx_corrupt_why, sizeof(f->corrupt_why));
	f->sender_restarts = d.rx_sender_restarts;
	f->stale_sender = d.rx_stale_sender;
	f->seq_jumps = d.rx_seq_jumps;
	f->seq_implausible = d.rx_seq_implausible;
	f->clock_errors = d.rx_clock_errors;
	f->corrupt = d.rx_corrupt;
	f->foreign = d.rx_foreign;
	f->reordered = d.rx_reordered;
	f->duplicates = d.rx_duplicates;
	f->ring_full = d.tx_ring_full;
	f->wakeups = d.tx_wakeups;
	f->kick_errors = d.tx_kick_errors;
	f->fill_short = d.fill_short;
	f->k = d.k;
	f->xdp_passed = d.xdp_passed;
	f->link = d.link;
	f->compl_lat = d.compl_lat;
	f->rx_lat = d.rx_lat;
}

static void fmt_rate(char *buf, size_t len, double pps)
{
	if (pps >= 1e6)
		snprintf(buf, len, "%.3f Mpps", pps / 1e6);
	else
		snprintf(buf, len, "%.1f kpps", pps / 1e3);
}

static void fmt_ns(char *buf, size_t len, double ns)
{
	if (ns >= 1e6)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else
		snprintf(buf, len, "%.0fns", ns);
}

static const char *fmt_lost(char *buf, size_t len, const struct gen_figures *f)
{
	if (!f->lost_known)
		return "unknown";
	snprintf(buf, len, "%llu", (unsigned long long)f->lost);
	return buf;
}

/* The verifier's and the sender accounting's counts: only what is not 0. */
static void print_text_verifier(FILE *out, const struct gen_figures *f)
{
	const struct { const char *what; const uint64_t *why; } cls[] = {
		{ "foreign", f->foreign_why }, { "corrupt", f->corrupt_why },
	};

	for (size_t c = 0; c < 2; c++)
		for (int r = 1; r < PKT_NREASONS; r++)
			if (cls[c].why[r])
				fprintf(out, "rx %s: %s %llu\n", cls[c].what, pkt_reason_name(r),
					(unsigned long long)cls[c].why[r]);
	if (f->sender_restarts || f->stale_sender || f->seq_jumps || f->seq_implausible || f->clock_errors)
		fprintf(out, "rx senders: restarts %llu, packets of a replaced sender %llu, sequence jumps %llu, "
			"implausible jumps %llu, clock errors %llu\n",
			(unsigned long long)f->sender_restarts, (unsigned long long)f->stale_sender,
			(unsigned long long)f->seq_jumps, (unsigned long long)f->seq_implausible,
			(unsigned long long)f->clock_errors);
}

/* "name": {reason: count, ...} over the reasons of one verdict, zeros included. */
static void json_reasons(struct json_writer *w, const char *name, const uint64_t *why, enum pkt_verdict v)
{
	json_key(w, name);
	json_obj_begin(w);
	for (int r = 1; r < PKT_NREASONS; r++)
		if (pkt_reason_verdict(r) == v)
			json_kv_u64(w, pkt_reason_name(r), why[r]);
	json_obj_end(w);
}

void gen_print_text_interval(FILE *out, const struct gen_figures *f)
{
	char a[32], b[32], p50[32], p99[32];

	fprintf(out, "%7.2fs", f->t_s);
	if (f->has_tx) {
		fmt_rate(a, sizeof(a), f->tx_pps);
		fmt_ns(p50, sizeof(p50), hist_percentile(&f->compl_lat, 50));
		fmt_ns(p99, sizeof(p99), hist_percentile(&f->compl_lat, 99));
		fprintf(out, "  tx %-13s compl p50 %-8s p99 %-8s ring-full %-6llu", a, p50, p99,
			(unsigned long long)f->ring_full);
	}
	if (f->has_rx) {
		fmt_rate(b, sizeof(b), f->rx_pps);
		fprintf(out, "  rx %-13s lost %s corrupt %llu reord %llu dup %llu", b, fmt_lost(a, sizeof(a), f),
			(unsigned long long)f->corrupt, (unsigned long long)f->reordered,
			(unsigned long long)f->duplicates);
	}
	if (f->has_fwd)
		fprintf(out, " fwd %llu", (unsigned long long)f->forwarded);
	fputc('\n', out);
	fflush(out);
}

void gen_print_text_final(FILE *out, const struct gen_figures *f)
{
	char a[32], b[32];

	fprintf(out, "\n--- summary (%.2f s) ---\n", f->dt_s);
	if (f->has_tx) {
		fmt_rate(a, sizeof(a), f->tx_pps);
		fprintf(out, "tx: %llu packets completed (%llu submitted), %s, ring-full %llu, wakeups %llu, tx_invalid_descs %llu, tx_ring_empty_descs %llu\n",
			(unsigned long long)f->packets_tx, (unsigned long long)f->submitted, a,
			(unsigned long long)f->ring_full, (unsigned long long)f->wakeups,
			(unsigned long long)f->k.tx_invalid_descs, (unsigned long long)f->k.tx_ring_empty_descs);
	}
	if (f->has_rx) {
		fmt_rate(a, sizeof(a), f->rx_pps);
		fprintf(out, "rx: %llu packets, %s, lost %s, corrupt %llu, reordered %llu, duplicates %llu, foreign %llu\n",
			(unsigned long long)f->packets_rx, a, fmt_lost(b, sizeof(b), f),
			(unsigned long long)f->corrupt, (unsigned long long)f->reordered,
			(unsigned long long)f->duplicates, (unsigned long long)f->foreign);
		print_text_verifier(out, f);
		fprintf(out, "rx drops: socket %llu, rx-ring-full %llu, fill-ring-empty %llu, invalid %llu, not redirected by XDP %llu\n",
			(unsigned long long)f->k.rx_dropped, (unsigned long long)f->k.rx_ring_full,
			(unsigned long long)f->k.rx_fill_ring_empty_descs,
			(unsigned long long)f->k.rx_invalid_descs, (unsigned long long)f->xdp_passed);
	}
	if (f->has_fwd)
		fprintf(out, "fwd: %llu packets forwarded\n", (unsigned long long)f->forwarded);
	fprintf(out, "link drops (kernel counters of the interfaces used): rx_dropped %llu, tx_dropped %llu, rx_missed %llu, rx_errors %llu, tx_errors %llu\n",
		(unsigned long long)f->link.rx_dropped, (unsigned long long)f->link.tx_dropped,
		(unsigned long long)f->link.rx_missed, (unsigned long long)f->link.rx_errors,
		(unsigned long long)f->link.tx_errors);
	if (f->has_tx) {
		hist_print_titled(out, "TX completion latency (submit -> completion ring reap)", &f->compl_lat);
	}
	if (f->has_rx && hist_count(&f->rx_lat)) {
		hist_print_titled(out, "One-way latency (TX submit -> RX reap, same clock)", &f->rx_lat);
	}
	fflush(out);
}

void gen_json_fields(struct json_writer *w, const struct gen_figures *f, bool final)
{
	json_kv_double(w, "t_s", f->t_s);
	json_kv_double(w, final ? "duration_s" : "interval_s", f->dt_s);
	if (f->has_tx) {
		json_kv_u64(w, "packets_tx", f->packets_tx);
		json_kv_u64(w, "tx_submitted", f->submitted);
		json_kv_double(w, "tx_pps", f->tx_pps);
		json_kv_u64(w, "completions", f->packets_tx);
		json_kv_u64(w, "tx_ring_full", f->ring_full);
		json_kv_u64(w, "tx_wakeups", f->wakeups);
		json_kv_u64(w, "tx_kick_errors", f->kick_errors);
		json_kv_u64(w, "tx_invalid_descs", f->k.tx_invalid_descs);
		json_kv_u64(w, "tx_ring_empty_descs", f->k.tx_ring_empty_descs);
		hist_json(w, "compl_lat_ns", &f->compl_lat, final);
	}
	if (f->has_rx) {
		json_kv_u64(w, "packets_rx", f->packets_rx);
		json_kv_double(w, "rx_pps", f->rx_pps);
		json_kv_double(w, "rx_mbps", f->rx_mbps);
		json_key(w, "lost");
		if (f->lost_known)
			json_u64(w, f->lost);
		else
			json_null(w);	/* unknown: nothing expected, nothing received */
		json_kv_u64(w, "corrupt", f->corrupt);
		json_kv_u64(w, "reordered", f->reordered);
		json_kv_u64(w, "duplicates", f->duplicates);
		json_kv_u64(w, "foreign", f->foreign);
		json_reasons(w, "foreign_reasons", f->foreign_why, PKT_FOREIGN);
		json_reasons(w, "corrupt_reasons", f->corrupt_why, PKT_CORRUPT);
		json_kv_u64(w, "sender_restarts", f->sender_restarts);
		json_kv_u64(w, "stale_sender", f->stale_sender);
		json_kv_u64(w, "seq_jumps", f->seq_jumps);
		json_kv_u64(w, "seq_implausible", f->seq_implausible);
		json_kv_u64(w, "clock_errors", f->clock_errors);
		json_kv_u64(w, "rx_dropped", f->k.rx_dropped);
		json_kv_u64(w, "rx_ring_full", f->k.rx_ring_full);
		json_kv_u64(w, "rx_fill_ring_empty", f->k.rx_fill_ring_empty_descs);
		json_kv_u64(w, "rx_invalid_descs", f->k.rx_invalid_descs);
		json_kv_u64(w, "xdp_not_redirected", f->xdp_passed);
		hist_json(w, "rx_lat_ns", &f->rx_lat, final);
	}
	if (f->has_fwd)
		json_kv_u64(w, "forwarded", f->forwarded);
	json_kv_u64(w, "link_rx_dropped", f->link.rx_dropped);
	json_kv_u64(w, "link_tx_dropped", f->link.tx_dropped);
	json_kv_u64(w, "link_rx_missed", f->link.rx_missed);
	json_kv_u64(w, "link_rx_errors", f->link.rx_errors);
	json_kv_u64(w, "link_tx_errors", f->link.tx_errors);
}
