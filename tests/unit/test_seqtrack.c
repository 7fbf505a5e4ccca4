/* Sequence tracking: exact loss, reordering and duplicate counts. */
#include "check.h"
#include "seqtrack.h"

int main(void)
{
	struct seqtrack s;

	seqtrack_init(&s);
	for (uint64_t i = 0; i < 100000; i++)
		seqtrack_add(&s, i);
	CHECK(s.unique == 100000 && seqtrack_gaps(&s) == 0 && !s.reordered && !s.duplicates,
	      "seq_in_order", "unique %lu gaps %lu", s.unique, seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* Drop every 10th: 10000 gaps. */
	seqtrack_init(&s);
	for (uint64_t i = 0; i < 100000; i++)
		if (i % 10)
			seqtrack_add(&s, i);
	CHECK(seqtrack_gaps(&s) == 10000 && s.unique == 90000, "seq_loss_exact", "gaps %lu", seqtrack_gaps(&s));
	seqtrack_free(&s);

	/* Swap neighbours: 0 2 1 4 3 ...: one reordered per pair, no loss. */
	seqtrack_init(&s);
	seqtrack_add(&s, 0);
	for (uint64_t i = 1; i + 1 < 10001; i += 2) {
		seqtrack_add(&s, i + 1);
		seqtrack_add(&s, i);
	}
	CHECK(s.reordered == 5000 && seqtrack_gaps(&s) == 0 && s.unique == 10001, "seq_reorder_exact",
	      "reordered %lu gaps %lu unique %lu", s.reordered, seqtrack_gaps(&s), s.unique);
	/* Duplicates of recent and of old-but-in-window packets. */
	seqtrack_add(&s, 10000);
	seqtrack_add(&s, 5);
	seqtrack_add(&s, 9999);
	CHECK(s.duplicates == 3 && s.unique == 10001, "seq_duplicates_exact", "dups %lu", s.duplicates);
	seqtrack_free(&s);

	/* A packet older than the window is too late, never a false duplicate. */
	seqtrack_init(&s);
	seqtrack_add(&s, 0);
	seqtrack_add(&s, SEQ_WINDOW + 10);
	seqtrack_add(&s, 0);
	CHECK(s.too_late == 1 && s.duplicates == 0, "seq_beyond_window", "late %lu dup %lu", s.too_late, s.duplicates);
	/* A big jump forward clears the window: an old seq reused is not a duplicate. */
	seqtrack_add(&s, 3 * SEQ_WINDOW);
	seqtrack_add(&s, 3 * SEQ_WINDOW - 5);
	CHECK(s.duplicates == 0 && s.reordered == 1, "seq_window_cleared_on_jump", "dup %lu", s.duplicates);
	seqtrack_free(&s);
	CHECK_DONE();
}
