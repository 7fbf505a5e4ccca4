/* Packet builder and checksum: every size verifies, any flipped byte is caught. */
#include <string.h>
#include "check.h"
#include "pkt.h"

int main(void)
{
	uint8_t f[4096];
	struct rs_payload pl;
	struct pkt_template t = { .src_ip = 0x0100a8c0, .dst_ip = 0x0200a8c0, .src_port = 1, .dst_port = 9,
				  .stream = 3 };
	int bad = 0, caught = 0, total = 0;

	memset(t.dst_mac, 0xff, 6);
	for (uint32_t len = PKT_MIN_LEN; len <= 4096; len += (len < 200 ? 1 : 97)) {
		uint32_t fixed;

		t.len = len;
		fixed = pkt_build(f, &t);
		pkt_stamp(f, fixed, 0x123456789abcull + len, 987654321ull * len);
		if (pkt_verify(f, len, &pl) != PKT_OK || pl.seq != 0x123456789abcull + len ||
		    pl.ts_ns != 987654321ull * len || pl.stream != 3)
			bad++;
		/* Corrupt one payload byte at a time after the magic: all caught. */
		for (uint32_t i = PKT_HDR_LEN + 2; i < len; i += (len / 13) + 1) {
			f[i] ^= 0x5a;
			total++;
			caught += pkt_verify(f, len, &pl) == PKT_CORRUPT;
			f[i] ^= 0x5a;
		}
	}
	CHECK(PKT_MIN_LEN == 64, "pkt_min_len_is_64", "PKT_MIN_LEN=%d", PKT_MIN_LEN);
	CHECK(bad == 0, "pkt_roundtrip_all_sizes", "%d sizes failed to verify", bad);
	CHECK(caught == total, "pkt_corruption_detected", "%d of %d flips caught", caught, total);

	t.len = 64;
	pkt_stamp(f, pkt_build(f, &t), 1, 2);
	f[PKT_HDR_LEN] ^= 1;	/* magic */
	CHECK(pkt_verify(f, 64, &pl) == PKT_FOREIGN, "pkt_foreign_magic", "bad magic not foreign");
	CHECK(pkt_verify(f, 40, &pl) == PKT_FOREIGN, "pkt_short_frame_foreign", "short frame accepted");
	f[PKT_HDR_LEN] ^= 1;
	t.len = 100;
	pkt_stamp(f, pkt_build(f, &t), 1, 2);
	CHECK(pkt_verify(f, 80, &pl) == PKT_CORRUPT, "pkt_truncated_corrupt", "truncated frame not corrupt");
	CHECK(pkt_verify(f, 128, &pl) == PKT_OK, "pkt_padded_frame_ok", "padding rejected");
	/* IPv4 header checksum valid: ones' complement sum over the header is 0xffff. */
	CHECK(csum_fold(csum_partial(f + 14, 20, 0)) == 0xffff, "pkt_ipv4_header_checksum", "bad IP csum");
	pkt_swap_macs(f);
	CHECK(f[6] == 0xff && f[0] == 0 , "pkt_swap_macs", "macs not swapped");
	CHECK_DONE();
}
