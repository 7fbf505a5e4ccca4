/* Receiver-side accounting of one sequence space: exact loss, reordering and
 * duplicates with a sliding window of SEQ_WINDOW sequence numbers. */
#ifndef RS_SEQTRACK_H
#define RS_SEQTRACK_H

#include <stdint.h>
#include <stdbool.h>

#define SEQ_WINDOW (1u << 20)	/* bits: how far back a late packet can be checked */

struct seqtrack {
	uint64_t *bits;		/* SEQ_WINDOW bits, ring indexed by seq % SEQ_WINDOW */
	uint64_t next;		/* one past the highest sequence seen */
	uint64_t unique;	/* distinct sequence numbers seen */
	uint64_t duplicates;
	uint64_t reordered;	/* arrived after a higher sequence number */
	uint64_t too_late;	/* older than the window: cannot be classified */
	bool started;
};

int seqtrack_init(struct seqtrack *s);
void seqtrack_free(struct seqtrack *s);
void seqtrack_add(struct seqtrack *s, uint64_t seq);
/* Sequence numbers below `next` never seen (in-flight tail not counted). */
static inline uint64_t seqtrack_gaps(const struct seqtrack *s)
{
	return s->next - s->unique - s->too_late;
}

#endif
