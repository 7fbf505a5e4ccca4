/* Sequence tracking: exact loss, reordering and duplicate counts, sender
 * epochs (restart, a second sender), numbers absurdly far ahead and numbers
 * further ahead than the sender can have sent (by the receiver's clock). */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "seqtrack.h"

#define E 0x1111	/* an epoch */

/* The receiver's clock: each frame arrives step_ns after the one before and
 * is taken at once (the ring was empty just before). */
static uint64_t now_ns, step_ns = 1000;

static enum seq_class add(struct seqtrack *s, uint16_t epoch, uint64_t seq)
{
	now_ns += step_ns;
	return seqtrack_add(s, epoch, seq, now_ns, now_ns);
}

int main(void)
{
	struct seqtrack s;

	seqtrack_init(&s);
	for (uint64_t i = 0; i < 100000; i++)
		add(&s, E, i);
	CHECK(s.unique == 100000 && seqtrack_gaps(&s) == 0 && !s.reordered && !s.duplicates,
	      "seq_in_order", "unique %lu gaps %lu", s.unique, seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* Drop every 10th (0, 10, ...: the head counts too): 10000 gaps. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 100000; i++)
		if (i % 10)
			add(&s, E, i);
	CHECK(seqtrack_gaps(&s) == 10000 && s.unique == 90000, "seq_loss_exact", "gaps %lu", seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* Swap neighbours: 0 2 1 4 3 ...: one reordered per pair, no loss. */
	seqtrack_init(&s);
	add(&s, E, 0);
	for (uint64_t i = 1; i + 1 < 10001; i += 2) {
		add(&s, E, i + 1);
		add(&s, E, i);
	}
	CHECK(s.reordered == 5000 && seqtrack_gaps(&s) == 0 && s.unique == 10001, "seq_reorder_exact",
	      "reordered %lu gaps %lu unique %lu", s.reordered, seqtrack_gaps(&s), s.unique);
	/* Duplicates of recent and of old-but-in-window packets. */
	add(&s, E, 10000);
	add(&s, E, 5);
	add(&s, E, 9999);
	CHECK(s.duplicates == 3 && s.unique == 10001, "seq_duplicates_exact", "dups %lu", s.duplicates);
	seqtrack_free(&s);

	/* A packet older than the window is too late, never a false duplicate. */
	seqtrack_init(&s);
	add(&s, E, 0);
	add(&s, E, SEQ_WINDOW + 10);
	add(&s, E, 0);
	CHECK(s.too_late == 1 && s.duplicates == 0, "seq_beyond_window", "late %lu dup %lu", s.too_late, s.duplicates);
	/* A big jump forward clears the window: an old seq reused is not a
	 * duplicate (after a second of silence, so that the jump is believable). */
	now_ns += 1000000000;
	add(&s, E, 3 * SEQ_WINDOW);
	add(&s, E, 3 * SEQ_WINDOW - 5);
	CHECK(s.duplicates == 0 && s.reordered == 1, "seq_window_cleared_on_jump", "dup %lu", s.duplicates);
	seqtrack_free(&s);

	/* A too-late packet repeated more often than there are gaps: the loss
	 * goes to 0, never below (it was 1.8e19). */
	seqtrack_init(&s);
	add(&s, E, 0);
	add(&s, E, SEQ_WINDOW + 10);
	for (uint64_t i = 0; i < 2 * (uint64_t)SEQ_WINDOW; i++)
		add(&s, E, 0);
	CHECK(seqtrack_gaps(&s) == 0 && s.too_late == 2 * (uint64_t)SEQ_WINDOW, "seq_too_late_no_underflow",
	      "gaps %lu late %lu", seqtrack_gaps(&s), s.too_late);
	seqtrack_free(&s);

	/* 2^64-1 after 0..9: a jump, not 1.8e19 lost; the sequence goes on. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 10; i++)
		add(&s, E, i);
	CHECK(add(&s, E, UINT64_MAX) == SEQ_JUMP, "seq_max_is_jump", "not classified as a jump");
	for (uint64_t i = 10; i < 15; i++)
		add(&s, E, i);
	CHECK(s.jumps == 1 && seqtrack_gaps(&s) == 0 && s.unique == 15 && s.next == 15, "seq_max_no_loss",
	      "jumps %lu gaps %lu unique %lu", s.jumps, seqtrack_gaps(&s), s.unique);
	/* Just below the jump bound is loss (a real outage of over a minute),
	 * at the bound a jump. */
	now_ns += 60000000000ull;
	CHECK(add(&s, E, 15 + SEQ_JUMP_MAX) == SEQ_JUMP, "seq_jump_bound", "bound not a jump");
	CHECK(add(&s, E, 15 + SEQ_JUMP_MAX - 1) == SEQ_NEW && seqtrack_gaps(&s) == SEQ_JUMP_MAX - 1,
	      "seq_below_jump_bound_is_loss", "gaps %lu", seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* A wrap 2^64-2, 2^64-1, 0, 1 after 0..4: two jumps, two duplicates. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 5; i++)
		add(&s, E, i);
	add(&s, E, UINT64_MAX - 1);
	add(&s, E, UINT64_MAX);
	add(&s, E, 0);
	add(&s, E, 1);
	CHECK(s.jumps == 2 && s.duplicates == 2 && seqtrack_gaps(&s) == 0 && s.unique == 5, "seq_wrap",
	      "jumps %lu dup %lu gaps %lu", s.jumps, s.duplicates, seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* A restarted sender: 0..19 without 3 and 7, then a new epoch 0..9
	 * without 5: lost 3 (2 final + 1), one restart, nothing duplicate. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 20; i++)
		if (i != 3 && i != 7)
			add(&s, 0xaaaa, i);
	for (uint64_t i = 0; i < 10; i++)
		if (i != 5)
			add(&s, 0xbbbb, i);
	CHECK(s.restarts == 1 && seqtrack_gaps(&s) == 3 && s.gaps_final == 2 && s.duplicates == 0 &&
	      s.unique == 27, "seq_restart_exact", "restarts %lu gaps %lu final %lu dup %lu unique %lu",
	      s.restarts, seqtrack_gaps(&s), s.gaps_final, s.duplicates, s.unique);
	/* The first sender again (a straggler or a second sender): stale, not counted. */
	CHECK(add(&s, 0xaaaa, 20) == SEQ_STALE_SENDER && s.stale == 1 && seqtrack_gaps(&s) == 3,
	      "seq_old_epoch_stale", "stale %lu gaps %lu", s.stale, seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* Two senders interleaved on one stream: A0 B0 A1 B1 ... A4 B4. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 5; i++) {
		add(&s, 0xaaaa, i);
		add(&s, 0xbbbb, i);
	}
	CHECK(s.restarts == 1 && s.stale == 4 && s.unique == 6 && seqtrack_gaps(&s) == 0 && s.duplicates == 0,
	      "seq_two_senders", "restarts %lu stale %lu unique %lu gaps %lu", s.restarts, s.stale, s.unique,
	      seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* Against a plain model (one byte per number): random steps forward of
	 * 1..~2 windows and looks back, so that the window is cleared word by
	 * word, across the ring's end and all at once. */
	{
		enum { SPAN = 48 * SEQ_WINDOW };
		uint8_t *seen = calloc(SPAN, 1);
		uint64_t next = 0, q, mismatches = 0, i;
		enum seq_class want, got;

		seqtrack_init(&s);
		srandom(7);
		step_ns = 1000000;	/* 1 ms per frame: every step here is believable */
		for (i = 0; i < 200000 && seen; i++) {
			long r = random() % 100000;

			if (r < 60000)
				q = next + random() % 3;
			else if (r < 65000)
				q = next + random() % 3000;
			else if (r < 65010)
				q = next + SEQ_WINDOW - 200 + random() % 2000;
			else if (r < 85000)	/* a recent number: where stale bits would show */
				q = next > 0 ? next - 1 - random() % (next < 4096 ? next : 4096) : 0;
			else
				q = next > 0 ? next - 1 - random() % (next < SEQ_WINDOW + 50 ? next : SEQ_WINDOW + 50) : 0;
			if (q >= SPAN)
				break;
			if (q >= next)
				want = SEQ_NEW, next = q + 1;
			else if (next - q > SEQ_WINDOW)
				want = SEQ_TOO_LATE;
			else
				want = seen[q] ? SEQ_DUPLICATE : SEQ_REORDERED;
			if (want != SEQ_TOO_LATE)
				seen[q] = 1;
			got = add(&s, E, q);
			mismatches += got != want;
		}
		CHECK(seen && mismatches == 0 && i == 200000, "seq_window_matches_model",
		      "%lu of %lu classifications differ", mismatches, i);
		free(seen);
		seqtrack_free(&s);
		step_ns = 1000;
	}

	/* The tester's reproducer: 0..99, ONE forged frame 3e9 ahead (below
	 * 2^32), then the genuine 100..199, 1 us apart. The forged frame is
	 * implausible and moves nothing: before, unique 101, too_late 100,
	 * gaps 2 999 999 800. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 100; i++)
		add(&s, E, i);
	CHECK(add(&s, E, 3000000000ull) == SEQ_IMPLAUSIBLE, "seq_forged_jump_refused", "not implausible");
	for (uint64_t i = 100; i < 200; i++)
		add(&s, E, i);
	CHECK(s.unique == 200 && s.too_late == 0 && seqtrack_gaps(&s) == 0 && s.implausible == 1 &&
	      s.reordered == 0 && s.duplicates == 0 && s.jumps == 0 && s.next == 200, "seq_forged_jump_exact",
	      "unique %lu too_late %lu gaps %lu implausible %lu reordered %lu dup %lu", s.unique, s.too_late,
	      seqtrack_gaps(&s), s.implausible, s.reordered, s.duplicates);
	seqtrack_free(&s);

	/* The bound itself: 1 ms after the last in-order number (next = 1), a
	 * jump of SEQ_WINDOW + 1e6 / SEQ_MIN_NS_PER_PKT is believable, one more is
	 * not. A refused frame does not restart the clock: the next one is
	 * measured from the same last in-order number. */
	seqtrack_init(&s);
	seqtrack_add(&s, E, 0, 5000000, 5000000);
	CHECK(seqtrack_add(&s, E, 1 + SEQ_WINDOW + 100000 + 1, 6000000, 6000000) == SEQ_IMPLAUSIBLE &&
	      seqtrack_add(&s, E, 1 + SEQ_WINDOW + 100000, 6000000, 6000000) == SEQ_NEW &&
	      seqtrack_gaps(&s) == SEQ_WINDOW + 100000 && s.implausible == 1, "seq_implausible_bound_exact",
	      "implausible %lu gaps %lu", s.implausible, seqtrack_gaps(&s));
	seqtrack_free(&s);
	seqtrack_init(&s);
	seqtrack_add(&s, E, 0, 0, 0);
	seqtrack_add(&s, E, 1 + SEQ_WINDOW + 100, 500, 500);	/* 50 allowed: refused */
	CHECK(seqtrack_add(&s, E, 1 + SEQ_WINDOW + 100, 1000, 1000) == SEQ_NEW && s.implausible == 1,
	      "seq_implausible_clock_from_last_in_order", "implausible %lu", s.implausible);
	seqtrack_free(&s);

	/* A receiver stopped for 1 s: it took 0..99 at 1 ms (its ring empty at
	 * 0), then 100..163 at 1.001 s (a full batch: waiting since before the
	 * stop) and 3000164..3000199 just after (the sender went on at 3 Mpps,
	 * the kernel dropped the rest). Dated from when they were taken, the
	 * jump would look like 3e6 in 0.1 ms; dated from the last empty ring it
	 * is 1 s of sending: loss, not implausible. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 100; i++)
		seqtrack_add(&s, E, i, 0, 1000000);
	for (uint64_t i = 100; i < 164; i++)
		seqtrack_add(&s, E, i, 1000000, 1001000000);
	for (uint64_t i = 3000164; i < 3000200; i++)
		seqtrack_add(&s, E, i, 1000000, 1001100000);
	CHECK(s.implausible == 0 && s.unique == 200 && seqtrack_gaps(&s) == 3000000, "seq_stalled_receiver_is_loss",
	      "implausible %lu unique %lu gaps %lu", s.implausible, s.unique, seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* A long idle stream (a minute without a packet) may come back far
	 * ahead: a real outage is loss, not implausible. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 10; i++)
		add(&s, E, i);
	now_ns += 60000000000ull;
	CHECK(add(&s, E, 10 + 1000000000ull) == SEQ_NEW && seqtrack_gaps(&s) == 1000000000ull &&
	      s.implausible == 0, "seq_long_idle_jump_is_loss", "gaps %lu implausible %lu", seqtrack_gaps(&s),
	      s.implausible);
	seqtrack_free(&s);

	/* A receiver started late: the first frame sets the base, even 2^32 and
	 * more into a long-running sender's sequence; nothing before it is lost. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 100; i++)
		add(&s, E, 5000000000ull + i);
	CHECK(s.unique == 100 && seqtrack_gaps(&s) == 0 && s.jumps == 0 && s.implausible == 0,
	      "seq_late_receiver_base", "unique %lu gaps %lu jumps %lu implausible %lu", s.unique,
	      seqtrack_gaps(&s), s.jumps, s.implausible);
	/* ... and a restarted sender (new epoch) starts at 0 without a jump. */
	for (uint64_t i = 0; i < 10; i++)
		add(&s, 0x2222, i);
	CHECK(s.restarts == 1 && s.unique == 110 && seqtrack_gaps(&s) == 0 && s.implausible == 0,
	      "seq_late_receiver_then_restart", "restarts %lu unique %lu gaps %lu", s.restarts, s.unique,
	      seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* A receiver that joined late: the head of the epoch arriving late
	 * lowers the base. B+5, then B+2, B+6..B+9 (B beyond the window): B+2
	 * reordered in, B+3 and B+4 lost; below B+2 nothing was seen, nothing is. */
	seqtrack_init(&s);
	add(&s, E, SEQ_WINDOW + 5);
	add(&s, E, SEQ_WINDOW + 2);
	for (uint64_t i = 6; i < 10; i++)
		add(&s, E, SEQ_WINDOW + i);
	CHECK(s.unique == 6 && s.reordered == 1 && seqtrack_gaps(&s) == 2 && s.base == SEQ_WINDOW + 2,
	      "seq_late_head_lowers_base", "unique %lu reordered %lu gaps %lu base %lu", s.unique, s.reordered,
	      seqtrack_gaps(&s), s.base);
	seqtrack_free(&s);

	/* A sender whose first 3 packets were dropped (the receiver ran first):
	 * a first number within the window of 0 is a lost head, counted. */
	seqtrack_init(&s);
	for (uint64_t i = 3; i < 10; i++)
		add(&s, E, i);
	CHECK(s.unique == 7 && seqtrack_gaps(&s) == 3 && s.base == 0, "seq_lost_head_counts",
	      "unique %lu gaps %lu base %lu", s.unique, seqtrack_gaps(&s), s.base);
	seqtrack_free(&s);
	CHECK_DONE();
}
