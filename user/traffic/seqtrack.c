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

/* Forget the bits of [from, to): their slots are reused for new numbers. A
 * word at a time: a hostile jump of nearly a window costs 16 k word writes,
 * not a million bit operations. */
static void clear_range(struct seqtrack *s, uint64_t from, uint64_t to)
{
	if (to - from >= SEQ_WINDOW) {
		memset(s->bits, 0, SEQ_WINDOW / 8);
		return;
	}
	while (from < to) {
		uint64_t i = from % SEQ_WINDOW, word = i / 64, bit = i % 64, n = 64 - bit;

		if (bit == 0 && to - from >= 64) {
			/* Whole words, up to the end of the ring. */
			uint64_t words = (to - from) / 64, room = SEQ_WINDOW / 64 - word;

			if (words > room)
				words = room;
			memset(&s->bits[word], 0, words * 8);
			from += words * 64;
			continue;
		}
		if (n > to - from)
			n = to - from;
		s->bits[word] &= ~((n == 64 ? ~0ULL : (1ULL << n) - 1) << bit);
		from += n;
	}
}

static bool is_old_epoch(const struct seqtrack *s, uint16_t epoch)
{
	for (uint32_t i = 0; i < s->nold && i < SEQ_OLD_EPOCHS; i++)
		if (s->old_epochs[i] == epoch)
			return true;
	return false;
}

/* The first frame of an epoch: within a window of 0 the sender started
 * there and a lost head counts; further on, the receiver joined late (or the
 * frame is forged) and it sets the base: nothing before it is a gap. */
static void begin_epoch(struct seqtrack *s, uint16_t epoch, uint64_t seq, uint64_t after_ns)
{
	s->epoch = epoch;
	s->base = s->next = seq < SEQ_WINDOW ? 0 : seq;
	s->last_ns = after_ns;
	s->epoch_unique = s->epoch_too_late = 0;
}

/* The current sender is gone: its gaps are final, its window is forgotten. */
static void end_epoch(struct seqtrack *s)
{
	s->gaps_final += seqtrack_epoch_gaps(s);
	s->old_epochs[s->nold++ % SEQ_OLD_EPOCHS] = s->epoch;
	clear_range(s, s->base, s->next);
	s->restarts++;
}

/* How far past `next` the sender can have got since the last number that
 * advanced it arrived, by the receiver's clock: a window of reordering (and
 * ~10 ms in flight) plus one packet per SEQ_MIN_NS_PER_PKT. A long idle
 * stream, or a receiver that fell behind, allows a long jump. */
static uint64_t jump_allowed(const struct seqtrack *s, uint64_t now_ns)
{
	uint64_t elapsed_ns = now_ns > s->last_ns ? now_ns - s->last_ns : 0;

	return SEQ_WINDOW + elapsed_ns / SEQ_MIN_NS_PER_PKT;
}

enum seq_class seqtrack_add(struct seqtrack *s, uint16_t epoch, uint64_t seq, uint64_t after_ns,
			    uint64_t now_ns)
{
	/* 2^64-1 is never a number: next would wrap to 0. */
	if (seq == UINT64_MAX) {
		s->jumps++;
		return SEQ_JUMP;
	}
	if (!s->started) {
		s->started = true;
		begin_epoch(s, epoch, seq, after_ns);
	} else if (epoch != s->epoch) {
		if (is_old_epoch(s, epoch)) {
			s->stale++;
			return SEQ_STALE_SENDER;
		}
		end_epoch(s);
		begin_epoch(s, epoch, seq, after_ns);
	}
	if (seq >= s->next) {
		/* 2^32 ahead is 24 minutes of total loss at 3 Mpps, never real. */
		if (seq - s->next >= SEQ_JUMP_MAX) {
			s->jumps++;
			return SEQ_JUMP;
		}
		if (seq - s->next > jump_allowed(s, now_ns)) {
			s->implausible++;
			return SEQ_IMPLAUSIBLE;
		}
		clear_range(s, s->next, seq + 1);
		test_and_set(s, seq);
		s->next = seq + 1;
		s->last_ns = after_ns;
		s->unique++;
		s->epoch_unique++;
		return SEQ_NEW;
	}
	if (s->next - seq > SEQ_WINDOW) {
		s->too_late++;
		if (seq >= s->base)	/* below the base it fills no gap */
			s->epoch_too_late++;
		return SEQ_TOO_LATE;
	}
	if (seq < s->base)	/* the epoch's head came late: what lies between is a gap */
		s->base = seq;
	if (test_and_set(s, seq)) {
		s->duplicates++;
		return SEQ_DUPLICATE;
	}
	s->unique++;
	s->epoch_unique++;
	s->reordered++;
	return SEQ_REORDERED;
}
