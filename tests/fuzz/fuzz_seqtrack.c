/* libFuzzer harness of the sequence tracker: the input is a list of 10-byte
 * records (epoch: 2 bytes, seq: 8 bytes, little-endian) added to one stream;
 * after each, no count may have underflowed or lost track. */
#include <stdlib.h>
#include <string.h>
#include "seqtrack.h"

static struct seqtrack s;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t adds = 0, sorted;

	if (!s.bits && seqtrack_init(&s))
		abort();
	/* Reuse the window between inputs (the allocation is 128 KiB). */
	memset(s.bits, 0, SEQ_WINDOW / 8);
	{
		uint64_t *bits = s.bits;

		memset(&s, 0, sizeof(s));
		s.bits = bits;
	}
	for (size_t off = 0; off + 10 <= size; off += 10, adds++) {
		uint16_t epoch;
		uint64_t seq, gaps;

		memcpy(&epoch, data + off, 2);
		memcpy(&seq, data + off + 2, 8);
		/* Keep most numbers near the window so that paths other than the
		 * jump are explored; the top bit keeps the raw value. */
		if (!(seq >> 63))
			seq %= 4 * (uint64_t)SEQ_WINDOW;
		seqtrack_add(&s, epoch, seq);
		sorted = s.unique + s.duplicates + s.too_late + s.jumps + s.stale;
		gaps = seqtrack_gaps(&s);
		if (sorted != adds + 1 || s.epoch_unique > s.next || s.unique > adds + 1 ||
		    s.restarts > adds || gaps > (adds + 1) * (SEQ_JUMP_MAX + 4 * (uint64_t)SEQ_WINDOW))
			abort();
	}
	return 0;
}
