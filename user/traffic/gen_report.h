/* Rendering of gen counters: one function computes the figures, the text and
 * JSON renderers print the same ones. */
#ifndef RS_GEN_REPORT_H
#define RS_GEN_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "gen.h"
#include "json.h"

struct gen_figures {
	bool has_tx, has_rx, has_fwd;
	double t_s, dt_s;	/* since start; length of this interval */
	uint64_t packets_tx, packets_rx, submitted;
	double tx_pps, rx_pps, rx_mbps;
	uint64_t forwarded;	/* fwd: packets sent back out */
	uint64_t lost, corrupt, foreign, reordered, duplicates;
	bool lost_known;	/* false: nothing expected and nothing received */
	uint64_t foreign_why[PKT_NREASONS], corrupt_why[PKT_NREASONS];
	uint64_t sender_restarts, stale_sender, seq_jumps, seq_implausible, clock_errors;
	uint64_t ring_full, wakeups, kick_errors, fill_short;
	struct xsk_kstats k;
	uint64_t xdp_passed;
	struct link_drops link;	/* kernel counters of the session's interfaces */
	struct rs_hist compl_lat, rx_lat;	/* of the interval, or whole run when final */
};

/* cur/prev: cumulative snapshots (prev NULL: the final, whole-run figures);
 * every count is cur - prev, so the intervals add up to the final exactly;
 * expected: packets the receiver should have got (0 when unknown: loss is
 * then the gaps in the sequence). */
void gen_figures(struct gen_figures *f, const struct gen_counters *cur, const struct gen_counters *prev,
		 double t_s, double dt_s, bool has_tx, bool has_rx, uint64_t expected);
void gen_print_text_interval(FILE *out, const struct gen_figures *f);
void gen_print_text_final(FILE *out, const struct gen_figures *f);
/* The gen keys into an open JSON object. */
void gen_json_fields(struct json_writer *w, const struct gen_figures *f, bool final);

#endif
