/* Packet builder, checksum and the frame verifier: every size verifies, any
 * flipped byte is caught, and each malformed frame of tests/lib/frames.c gets
 * its exact reason and verdict without a read beyond its length. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "frames.h"
#include "pkt.h"

int main(void)
{
	uint8_t f[4096];
	struct pkt_rx pl;
	struct pkt_template t = { .src_ip = 0x0100a8c0, .dst_ip = 0x0200a8c0, .src_port = 1, .dst_port = 9,
				  .stream = 3, .epoch = 0xbeef };
	int bad = 0, caught = 0, total = 0, wrong = 0, shorter = 0;

	memset(t.dst_mac, 0xff, 6);
	for (uint32_t len = PKT_MIN_LEN; len <= 4096; len += (len < 200 ? 1 : 97)) {
		uint32_t fixed;

		t.len = len;
		fixed = pkt_build(f, &t);
		pkt_stamp(f, fixed, 0x123456789abcull + len, 987654321ull * len);
		if (pkt_verify(f, len, &pl) != PKT_R_OK || pl.seq != 0x123456789abcull + len ||
		    pl.ts_ns != 987654321ull * len || pl.stream != 3 || pl.epoch != 0xbeef)
			bad++;
		/* Corrupt one payload byte at a time after the magic: all caught. */
		for (uint32_t i = PKT_HDR_LEN + 2; i < len; i += (len / 13) + 1) {
			f[i] ^= 0x5a;
			total++;
			caught += pkt_reason_verdict(pkt_verify(f, len, &pl)) == PKT_CORRUPT;
			f[i] ^= 0x5a;
		}
	}
	CHECK(PKT_MIN_LEN == 64, "pkt_min_len_is_64", "PKT_MIN_LEN=%d", PKT_MIN_LEN);
	CHECK(bad == 0, "pkt_roundtrip_all_sizes", "%d sizes failed to verify", bad);
	CHECK(caught == total, "pkt_corruption_detected", "%d of %d flips caught", caught, total);

	t.len = 64;
	pkt_stamp(f, pkt_build(f, &t), 1, 2);
	/* The frozen layout (docs/frame-layout.md): epoch in the IPv4 ID, DF set. */
	CHECK(f[18] == 0xbe && f[19] == 0xef && f[20] == 0x40 && f[21] == 0 && f[42] == 0x53 && f[43] == 0x52 &&
	      f[44] == 3 && f[45] == 0 && f[46] == 1 && f[54] == 2,
	      "pkt_frozen_layout", "bytes 18..21 %02x%02x %02x%02x, 42..46 %02x %02x %02x %02x %02x",
	      f[18], f[19], f[20], f[21], f[42], f[43], f[44], f[45], f[46]);
	f[PKT_HDR_LEN] ^= 1;	/* magic */
	CHECK(pkt_verify(f, 64, &pl) == PKT_R_BAD_MAGIC, "pkt_foreign_magic", "bad magic not foreign");
	CHECK(pkt_verify(f, 40, &pl) == PKT_R_SHORT, "pkt_short_frame_foreign", "short frame accepted");
	f[PKT_HDR_LEN] ^= 1;
	t.len = 100;
	pkt_stamp(f, pkt_build(f, &t), 1, 2);
	CHECK(pkt_verify(f, 80, &pl) == PKT_R_CUT, "pkt_truncated_corrupt", "truncated frame not corrupt");
	CHECK(pkt_verify(f, 128, &pl) == PKT_R_OK, "pkt_padded_frame_ok", "padding rejected");
	/* IPv4 header checksum valid: ones' complement sum over the header is 0xffff. */
	CHECK(csum_fold(csum_partial(f + 14, 20, 0)) == 0xffff, "pkt_ipv4_header_checksum", "bad IP csum");
	pkt_swap_macs(f);
	CHECK(f[6] == 0xff && f[0] == 0 , "pkt_swap_macs", "macs not swapped");

	/* The malformed table: each case in a heap block of exactly its length,
	 * so a read beyond it is an ASan report in the sanitizer build. */
	CHECK(frame_ncases >= 20, "pkt_table_size", "%d cases", frame_ncases);
	for (int i = 0; i < frame_ncases; i++) {
		const struct frame_case *c = &frame_cases[i];
		uint8_t buf[FRAME_MAX], *exact;
		uint32_t len;
		enum pkt_reason got;
		char name[64];

		frame_make(c, buf, &len, 0x1234, 7);
		exact = malloc(len ? len : 1);
		memcpy(exact, buf, len);
		got = pkt_verify(exact, len, &pl);
		free(exact);
		snprintf(name, sizeof(name), "pkt_case_%s", c->name);
		CHECK(got == c->want, name, "got %s, want %s", pkt_reason_name(got), pkt_reason_name(c->want));
		wrong += got != c->want;
		/* Any prefix of the frame is refused (or accepted) without a crash,
		 * and no prefix shorter than the IP datagram verifies. */
		for (uint32_t l = 0; l < len; l++) {
			exact = malloc(l ? l : 1);
			memcpy(exact, buf, l);
			shorter += pkt_verify(exact, l, &pl) == PKT_R_OK && l < 64;
			free(exact);
		}
	}
	CHECK(shorter == 0, "pkt_prefixes_never_ok", "%d prefixes shorter than 64 B verified", shorter);
	CHECK(!strcmp(pkt_reason_name(PKT_R_STREAM), "stream_out_of_range") &&
	      pkt_reason_verdict(PKT_R_STREAM) == PKT_FOREIGN && pkt_reason_verdict(PKT_R_CUT) == PKT_CORRUPT &&
	      pkt_reason_verdict(PKT_R_SHORT) == PKT_FOREIGN,
	      "pkt_reason_classes", "stream/cut/short classes wrong");
	CHECK_DONE();
}
