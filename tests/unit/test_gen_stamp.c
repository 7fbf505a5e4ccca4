/* gen_stamp(), the TX hot path's inline pkt_stamp(), writes the same bytes. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "gen.h"

int main(void)
{
	static const uint64_t edge[] = { 0, 1, 0xffff, 0x10000, 0xffffffff, 0x100000000ull, 0xfffeffffffffull,
					 0x8000000000000000ull, ~0ull, ~0ull - 1 };
	struct pkt_template t = { .src_ip = 0x0100a8c0, .dst_ip = 0x0200a8c0, .src_port = 1, .dst_port = 9 };
	uint8_t a[2048], b[2048];
	struct pkt_rx pl;
	int differ = 0, bad = 0, n = 0;

	memset(t.dst_mac, 0xff, 6);
	srandom(1);
	for (uint32_t len = PKT_MIN_LEN; len <= 2048; len += 61) {
		uint32_t fixed;

		t.len = len;
		t.stream = len & 63;
		fixed = pkt_build(a, &t);
		memcpy(b, a, len);
		for (int i = 0; i < 400; i++, n++) {
			uint64_t seq = i < 10 ? edge[i] : ((uint64_t)random() << 33) ^ (uint64_t)random();
			uint64_t ts = i < 10 ? edge[9 - i] : ((uint64_t)random() << 31) ^ (uint64_t)random();

			pkt_stamp(a, fixed, seq, ts);
			gen_stamp(b, fixed, seq, ts);
			differ += memcmp(a, b, len) != 0;
			bad += pkt_verify(b, len, &pl) != PKT_R_OK || pl.seq != seq || pl.ts_ns != ts;
		}
	}
	CHECK(differ == 0, "gen_stamp_same_bytes_as_pkt_stamp", "%d of %d stamps differ", differ, n);
	CHECK(bad == 0, "gen_stamp_verifies", "%d of %d stamped frames do not verify", bad, n);
	CHECK_DONE();
}
