/* Per-packet hop stamps joined into one record per packet, by ringscope's own
 * (epoch, stream, seq): the kernel's record (bpf/hop.h) and user space's
 * stamps (RX reap, completion reap) arrive in any order from several threads.
 * A packet is finished once every stamp it can still get has arrived; it then
 * goes into the per-hop histograms, and into the samples if its seq is below
 * the sample limit. Pure bookkeeping (no BPF): tests/unit/test_path_join.c. */
#ifndef RS_PATH_JOIN_H
#define RS_PATH_JOIN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "bpf/hop.h"
#include "hist.h"

/* Hops of a path: the kernel's (enum hop_k) and then user space's. */
enum path_hop {
	PH_RX_REAP = HK_N,	/* the receiver took it from its RX ring */
	PH_TX_REAP,		/* the sender took its completion from the completion ring */
	PH_N
};
#define PH_NONE (-1)

struct path_hop_def {
	const char *name;
	const char *event;	/* what stamps it, and on which tier */
	int from;		/* the hop its latency is measured from (PH_NONE: none) */
	bool on_path;		/* a stage the packet passes (not a side branch) */
};

struct path_def {
	const char *name;
	const char *summary;
	int order[PH_N];	/* hops in the order the table shows them */
	int nhops;
	int done_run, done_trace;	/* the hop that ends the path in a run / in trace */
	int start_trace;	/* the hop end-to-end runs from in trace (HK_SUBMIT, 0: the frame's own stamp;
				 * the zero-copy paths: their first kernel hop, the sender's stamp is run's) */
	const char *link;	/* the kind of link a run must be given with -i (NULL: its own veth pair will do) */
	bool rx_skb;		/* the receiver's hops are skb events: its XDP must be generic (skb mode) */
	bool zerocopy;		/* it follows zero-copy TX: a run binds its sender zero-copy (else copy) */
	bool user_submit;	/* HK_SUBMIT comes from the sender (path_join_user), not from the frame;
				 * a send is ours when its sender stamped it (msg-zerocopy) */
	struct path_hop_def hop[PH_N];
};

/* How a packet left the path. */
enum path_left { PL_DONE = 0, PL_DROPPED, PL_IN_FLIGHT, PL_NLEFT };

/* A finished packet: absolute CLOCK_MONOTONIC stamps (0: not seen). */
struct path_sample {
	uint64_t seq;
	uint16_t stream, epoch;
	uint32_t flags;		/* HOP_F_* */
	int32_t redirect_err;
	uint32_t drop_reason;
	uint64_t ts[PH_N];
	uint64_t vq;		/* virtio-tx: its virtqueue (0: none) */
	enum path_left left;
	int left_at;		/* the last hop it passed (PH_NONE: none) */
};

/* Only u64 counters and histograms (u64s.h): path_results_delta() subtracts
 * them field by field. */
struct path_results {
	uint64_t count[PH_N];		/* packets that passed each hop */
	struct rs_hist lat[PH_N];	/* ns from the hop's `from` hop (or the nearest seen before it) */
	struct rs_hist e2e;		/* submit -> RX reap (run), submit -> last kernel hop (trace) */
	uint64_t packets, done;
	uint64_t left[PL_NLEFT][PH_N];	/* [dropped|in flight][last hop passed] */
	uint64_t order_errors;		/* an on-path stamp earlier than the one before it */
	uint64_t late;			/* a stamp for a packet already finished or replaced */
	uint64_t not_ours;		/* run: stamped, but our sender never completed it (forged or replayed) */
	/* Per-batch events (virtio-tx: [HB_KICK], [HB_IRQ]) and how they were
	 * given to packets (path_join_batch): events seen on the followed
	 * virtqueues, events given at least one packet, packets given one
	 * (== count[HK_KICK] / count[HK_IRQ]), packets added to a virtqueue but
	 * given none, and packets whose window reached past the history kept. */
	uint64_t batch_events[HB_N], batch_used[HB_N], batch_packets[HB_N], batch_none[HB_N], batch_unknown[HB_N];
};

struct pj_slot;
struct pj_vq;
#define PJ_VQS 16		/* virtqueues whose batch events are kept */

struct path_join {
	pthread_mutex_t lock;
	const struct path_def *def;
	bool user;			/* run: RX and completion reap stamps are due */
	uint32_t window;		/* slots per stream, a power of two */
	struct pj_slot *streams[64];
	struct path_results r;
	uint64_t sample_limit;		/* keep packets with seq < this */
	struct path_sample *samples;
	uint64_t nsamples, samples_cap;
	struct pj_vq *vqs[PJ_VQS];	/* per-batch event history, per virtqueue */
	uint64_t submit_max_plus1;	/* the highest seq the sender stamped (user_submit), + 1 */
};

/* window: packets per stream that may be in flight at once (rounded up to a
 * power of two); user: RX and completion reaps will be stamped. -errno. */
int path_join_init(struct path_join *j, const struct path_def *def, uint32_t window, bool user,
		   uint64_t sample_limit);
void path_join_free(struct path_join *j);
void path_join_kernel(struct path_join *j, const struct hop_rec *r);
/* n user-space stamps of one hop (PH_RX_REAP, PH_TX_REAP, or HK_SUBMIT on a
 * path whose sender stamps its sends), one lock. */
struct path_stamp {
	uint64_t seq, ts;
	uint16_t stream, epoch;
};
void path_join_user(struct path_join *j, int hop, const struct path_stamp *v, uint32_t n);
/* The seq whose low 16 bits are v, nearest below the highest seq the sender
 * has stamped (user_submit paths whose kernel sees a u16 index: vhost-tx's
 * avail index). Exact while fewer than 65536 sends separate the two. */
uint64_t path_join_unwrap16(struct path_join *j, uint16_t v);
/* A per-batch event (bpf/hop.h), in the order the kernel emitted them. Each
 * is given to packets when they are accounted (docs/hop-latency.md):
 * a kick (virtqueue_notify) to every packet added to that virtqueue since the
 * kick before it, i.e. a packet gets the first kick on its virtqueue after
 * its add, if that kick came before its buffer was detached (or, with no
 * detach seen, completed; else none: the device took it without one); an interrupt (vring_interrupt) to the packets
 * whose buffers were detached after it, i.e. a packet gets the last interrupt
 * on its virtqueue before its detach, if that came after its add (and
 * kick); else none (reclaimed by a later start_xmit, not after an interrupt). */
void path_join_batch(struct path_join *j, const struct hop_batch *b);
/* End of the run: every packet still open leaves as it stands. */
void path_join_finish(struct path_join *j);
/* A copy of the results so far (under the lock). */
void path_join_results(struct path_join *j, struct path_results *out);
/* d = a - b: what the join accounted between two copies of its results (b
 * the older). Every field only grows, so the deltas of successive copies add
 * up to the last copy exactly. */
void path_results_delta(struct path_results *d, const struct path_results *a, const struct path_results *b);

/* The paths ringscope knows (trace_path.c). NULL if none is called name. */
const struct path_def *path_find(const char *name);
const char *path_names(void);		/* "veth-xsk, virtio-tx, virtio-xsk, msg-zerocopy, vhost-tx" */
const char *path_left_name(enum path_left l);
/* The path has per-batch hops (kick, irq) that path_join_batch() attributes. */
bool path_has_batches(const struct path_def *d);

#endif
