#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "seqtrack.h"

int seqtrack_init(struct seqtrack *s)
{
	memset(s, 0, sizeof(*s));
	s->bits = calloc(SEQ_WINDOW / 64, sizeof(uint64_t));
	return s->bits ? 0 : -ENOMEM;
}

void seqtrack_free(struct seqtrack *s)
{
	free(s->bits);
	s->bits = NULL;
}

static bool test_and_set(struct seqtrack *s, uint64_t seq)
{
	uint64_t i = seq % SEQ_WINDOW, mask = 1ULL << (i % 64);
	bool was = s->bits[i / 64] & mask;

	s->bits[i / 64] |= mask;
	return was;
}

static void clear_bit_(struct seqtrack *s, uint64_t seq)
{
	uint64_t i = seq % SEQ_WINDOW;

	s->bits[i / 64] &= ~(1ULL << (i % 64));
}

void seqtrack_add(struct seqtrack *s, uint64_t seq)
{
	if (seq >= s->next) {
		/* Advancing: forget the bits of sequence numbers that fall out of
		 * the window, they are reused for the new ones. */
		uint64_t from = s->next, to = seq + 1;

		if (to - from >= SEQ_WINDOW)
			memset(s->bits, 0, SEQ_WINDOW / 8);
		else
			for (uint64_t q = from; q < to; q++)
				clear_bit_(s, q);
		test_and_set(s, seq);
		s->next = to;
		s->unique++;
		return;
	}
	if (s->next - seq > SEQ_WINDOW) {
		s->too_late++;
		return;
	}
	if (test_and_set(s, seq)) {
		s->duplicates++;
		return;
	}
	s->unique++;
	s->reordered++;
}
