/* Receiver-side accounting of one stream id: exact loss, reordering and
 * duplicates with a sliding window of SEQ_WINDOW sequence numbers, per sender
 * epoch. A new epoch on the stream is a restarted (or another) sender: the
 * loss of the finished epoch becomes final. The first frame of an epoch
 * beyond SEQ_WINDOW sets its base (a receiver started late counts nothing it
 * never could see); nearer to 0, the numbers before it are a lost head.
 * A number further ahead than the sender can have sent since the stream's
 * last in-order packet, by the receiver's own clock, is refused and counted
 * (implausible): one forged frame cannot move the tracker.
 * No count can underflow: see docs/traffic-counts.md for each one. */
#ifndef RS_SEQTRACK_H
#define RS_SEQTRACK_H

#include <stdint.h>
#include <stdbool.h>

#define SEQ_WINDOW (1u << 20)		/* bits: how far back a late packet can be checked */
#define SEQ_JUMP_MAX (1ull << 32)	/* further ahead than this: not a real sequence number */
#define SEQ_OLD_EPOCHS 4		/* finished epochs remembered per stream */
/* The fastest a sender can number packets on one stream: 10 ns each is
 * 100 Mpps, ~30x what AF_XDP reaches here (docs/traffic-counts.md). */
#define SEQ_MIN_NS_PER_PKT 10

enum seq_class {
	SEQ_NEW = 0,		/* advanced the sequence (possibly over a gap) */
	SEQ_REORDERED,		/* filled a gap below the highest seen */
	SEQ_DUPLICATE,
	SEQ_TOO_LATE,		/* older than the window: cannot be classified */
	SEQ_JUMP,		/* >= SEQ_JUMP_MAX ahead: ignored, counted */
	SEQ_STALE_SENDER,	/* from an epoch already finished on this stream */
	SEQ_IMPLAUSIBLE,	/* further ahead than the sender can have sent: ignored, counted */
};

struct seqtrack {
	uint64_t *bits;		/* SEQ_WINDOW bits, ring indexed by seq % SEQ_WINDOW */
	/* the current epoch */
	uint16_t epoch;
	bool started;
	uint64_t base;		/* where gaps start: 0, or the first number if beyond SEQ_WINDOW (lowered by a late head) */
	uint64_t next;		/* one past the highest sequence seen */
	uint64_t last_ns;	/* the last number that advanced next arrived after this (receiver's clock) */
	uint64_t epoch_unique, epoch_too_late;
	/* finished epochs */
	uint16_t old_epochs[SEQ_OLD_EPOCHS];
	uint32_t nold;
	uint64_t gaps_final;	/* their losses, final */
	/* all epochs */
	uint64_t unique;	/* distinct sequence numbers seen */
	uint64_t duplicates;
	uint64_t reordered;	/* arrived after a higher sequence number */
	uint64_t too_late;
	uint64_t jumps;
	uint64_t implausible;	/* ahead by more than SEQ_WINDOW + elapsed / SEQ_MIN_NS_PER_PKT */
	uint64_t restarts;	/* epoch changes (the first epoch is not one) */
	uint64_t stale;		/* packets of a finished epoch: a second sender */
};

int seqtrack_init(struct seqtrack *s);
void seqtrack_free(struct seqtrack *s);
/* The frame arrived between after_ns and now_ns by the receiver's own clock
 * (CLOCK_MONOTONIC): after its last empty RX ring, before it was taken.
 * Never the frame's send stamp, which is as forgeable as its seq. */
enum seq_class seqtrack_add(struct seqtrack *s, uint16_t epoch, uint64_t seq, uint64_t after_ns,
			    uint64_t now_ns);

/* Sequence numbers of the current epoch in [base, next) not seen, plus the
 * final gaps of finished epochs. A too-late packet is taken to fill a gap
 * (never below 0). The in-flight tail after the highest seen is not counted. */
static inline uint64_t seqtrack_epoch_gaps(const struct seqtrack *s)
{
	uint64_t seen = s->epoch_unique + s->epoch_too_late;

	return s->next - s->base > seen ? s->next - s->base - seen : 0;
}

static inline uint64_t seqtrack_gaps(const struct seqtrack *s)
{
	return s->gaps_final + seqtrack_epoch_gaps(s);
}

#endif
