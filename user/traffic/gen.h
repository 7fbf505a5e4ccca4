/* The AF_XDP traffic engine behind `gen`, `demo` and `run`: a session is one
 * interface with one socket (and worker thread) per queue and, when it
 * receives, ringscope's XSK redirect program attached through a bpf_link. */
#ifndef RS_GEN_H
#define RS_GEN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "hist.h"
#include "path_join.h"
#include "netlink.h"
#include "pkt.h"
#include "seqtrack.h"
#include "xdp_attach.h"
#include "xsk_port.h"

enum gen_mode { GEN_TX = 0, GEN_RX = 1, GEN_FWD = 2 };

struct gen_cfg {
	enum gen_mode mode;
	bool tx_recv;		/* tx: also receive and verify returning packets */
	const char *ifname;
	uint64_t queues;	/* bitmask */
	struct xsk_port_cfg port;	/* ifname/queue filled per worker */
	enum xdp_mode xdp_mode;
	bool replace;		/* replace a foreign XDP program */
	bool force;		/* allow the default-route interface */
	bool pin;
	uint32_t pkt_size;
	uint32_t batch;
	uint64_t count;		/* packets per queue; 0 = unbounded (rx: the session
				 * stops at count x queues distinct packets) */
	double duration;	/* seconds; 0 = unbounded */
	uint64_t rate;		/* pps per queue; 0 = as fast as possible */
	uint16_t epoch;		/* tx: the sender epoch; 0 = a random one */
	uint8_t src_mac[6], dst_mac[6];
	bool have_dst_mac;
	/* Nonzero: the only sender epoch this receiver accepts (gen tx --rx: its
	 * own; run, demo: their sender's), and expect_streams the streams (queue
	 * ids, bitmask) that sender sends on; frames of another epoch or stream
	 * are foreign (other_sender). */
	uint16_t expect_epoch;
	uint64_t expect_streams;
	/* --path: the join that gets this session's RX and completion reap
	 * stamps (path_join.h); NULL: none. */
	struct path_join *path;
};

/* Everything a report shows; summed over workers by gen_session_snapshot(). */
struct gen_counters {
	uint64_t tx_submitted, tx_completed, tx_ring_full, tx_wakeups, tx_kick_errors;
	uint64_t rx_packets, rx_bytes, rx_foreign, rx_corrupt;
	uint64_t rx_unique, rx_duplicates, rx_reordered, rx_gaps, rx_too_late;
	uint64_t fwd_packets, fill_short;
	/* Frame verifier and sender accounting (docs/traffic-counts.md): why
	 * frames were foreign/corrupt (indexed by enum pkt_reason), epochs that
	 * replaced another on a stream, packets of a replaced epoch, sequence
	 * numbers too far ahead, send stamps later than the receive clock. */
	uint64_t rx_foreign_why[PKT_NREASONS], rx_corrupt_why[PKT_NREASONS];
	uint64_t rx_sender_restarts, rx_stale_sender, rx_seq_jumps, rx_seq_implausible, rx_clock_errors;
	struct xsk_kstats k;
	uint64_t xdp_seen, xdp_redirected, xdp_passed;	/* from the XDP program */
	struct link_drops link;		/* the interface's kernel counters since the session opened */
	struct rs_hist compl_lat;	/* TX submit -> completion ring reap, ns */
	struct rs_hist rx_lat;		/* TX submit -> RX reap (same clock), ns */
};

struct gen_worker {
	struct gen_session *s;
	struct xsk_port port;
	uint32_t queue;
	uint32_t frame_shift;	/* log2(frame size): frame index of a UMEM address */
	pthread_t thread;
	bool started;
	volatile bool done;
	uint64_t begin_ns;	/* when its measured traffic began: its loop's start,
				 * after the UMEM frames are built (setup is not measured) */
	uint64_t end_ns;	/* when its measured traffic ended: tx stopped sending
				 * (the drain after it is not measured), rx receiving */
	pthread_mutex_t lock;
	struct gen_counters pub;	/* published copy, under lock */
	int err;
	int link_err;		/* errno when its link went down or away mid-run (it stopped the session) */
};

struct gen_session {
	struct gen_cfg cfg;
	struct xsk_redirect_bpf *skel;
	int link_fd;
	char pin_dir[256];
	int nworkers;
	struct gen_worker *w;
	volatile bool stop;
	uint64_t start_ns;
	uint16_t epoch;		/* this session's sender epoch (random, nonzero) */
	int ifindex;
	struct link_drops link_start;	/* kernel drop counters at open */
};

/* pkt_stamp() for the TX hot path, byte-for-byte the same result (the unit
 * test test_gen_stamp holds it to that): seq and ts are added as 32-bit words,
 * which is the same ones' complement sum as their 16-bit words, and nothing
 * is called. pkt_stamp() was the costliest user-space function per packet. */
static inline void gen_stamp(uint8_t *frame, uint32_t fixed_sum, uint64_t seq, uint64_t ts_ns)
{
	struct rs_payload *pl = (struct rs_payload *)(frame + PKT_HDR_LEN);
	uint64_t sum = (uint64_t)fixed_sum + (uint32_t)seq + (seq >> 32) + (uint32_t)ts_ns + (ts_ns >> 32);
	uint16_t csum;

	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);	/* now 16 bits, as csum_fold() */
	csum = ~(uint16_t)sum;
	memcpy(&pl->seq, &seq, 8);
	memcpy(&pl->ts_ns, &ts_ns, 8);
	memcpy(&pl->csum, &csum, 2);
}

int gen_cfg_check(const struct gen_cfg *cfg);
/* Everything that can refuse cfg on this host, checked with no side effect
 * (interface, default route, every queue, a foreign XDP program, bpffs):
 * 0, or -errno after the one error line. gen_session_open starts with it. */
int gen_session_check(const struct gen_cfg *cfg);
int gen_session_open(struct gen_session *s, const struct gen_cfg *cfg);
/* Before start: receiver rx accepts only sender tx's epoch and streams. */
void gen_session_expect(struct gen_session *rx, const struct gen_session *tx);
int gen_session_start(struct gen_session *s);
bool gen_session_done(struct gen_session *s);
void gen_session_stop(struct gen_session *s);	/* ask workers to finish, join */
void gen_session_close(struct gen_session *s);	/* free, detach, unpin */
void gen_session_snapshot(struct gen_session *s, struct gen_counters *sum);
void gen_counters_add(struct gen_counters *dst, const struct gen_counters *src);
/* The start of the session's measured interval: the earliest begin_ns of its
 * workers (building a worker's UMEM frames, ~27 us each, is not traffic);
 * 0 before any worker began. */
uint64_t gen_session_begin_ns(struct gen_session *s);
/* The end of the session's measured interval: the latest end_ns of its
 * workers, 0 while one still runs. */
uint64_t gen_session_end_ns(struct gen_session *s);
/* The errno (ENETDOWN, ENXIO) of a link that went down or away during the run,
 * which stopped the session; 0 if none. */
int gen_session_link_error(struct gen_session *s);

uint64_t now_ns(void);

#endif
