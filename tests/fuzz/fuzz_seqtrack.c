/* libFuzzer harness of the sequence tracker: the input is a list of 12-byte
 * records (epoch: 2 bytes, seq: 8 bytes, dt: 2 bytes, little-endian) added
 * to one stream; dt advances the receiver's clock by (dt & 0xfff) << 2 * (dt
 * >> 12) ns (0 to ~73 minutes, so that long idle gaps are explored). After
 * each, no count may have underflowed or lost track. */
#include <stdlib.h>
#include <string.h>
#include "seqtrack.h"

static struct seqtrack s;

/* The most gaps `adds` numbers can open by time now_ns: each may lower the
 * base, start an epoch or jump ahead by a window, and the jumps beyond that
 * share the elapsed time at one number per SEQ_MIN_NS_PER_PKT (twice: each
 * frame is dated from the one before it). One forged number cannot do more. */
static uint64_t gaps_max(uint64_t adds, uint64_t now_ns)
{
	return adds * 2 * (uint64_t)SEQ_WINDOW + 2 * (now_ns / SEQ_MIN_NS_PER_PKT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t adds = 0, sorted, now_ns = 0, after_ns;

	if (!s.bits && seqtrack_init(&s))
		abort();
	/* Reuse the window between inputs (the allocation is 128 KiB). */
	memset(s.bits, 0, SEQ_WINDOW / 8);
	{
		uint64_t *bits = s.bits;

		memset(&s, 0, sizeof(s));
		s.bits = bits;
	}
	for (size_t off = 0; off + 12 <= size; off += 12, adds++) {
		uint16_t epoch, dt;
		uint64_t seq, gaps;

		memcpy(&epoch, data + off, 2);
		memcpy(&seq, data + off + 2, 8);
		memcpy(&dt, data + off + 10, 2);
		after_ns = now_ns;	/* the frame arrived since the last one */
		now_ns += (uint64_t)(dt & 0xfff) << 2 * (dt >> 12);
		/* Keep most numbers near the window so that paths other than the
		 * jump are explored; the top bit keeps the raw value. */
		if (!(seq >> 63))
			seq %= 4 * (uint64_t)SEQ_WINDOW;
		seqtrack_add(&s, epoch, seq, after_ns, now_ns);
		sorted = s.unique + s.duplicates + s.too_late + s.jumps + s.stale + s.implausible;
		gaps = seqtrack_gaps(&s);
		if (sorted != adds + 1 || s.base > s.next || s.epoch_unique > s.next - s.base || s.unique > adds + 1 ||
		    s.restarts > adds || gaps > gaps_max(adds + 1, now_ns))
			abort();
	}
	return 0;
}
