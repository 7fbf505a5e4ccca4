/* Test packets: Ethernet + IPv4 + UDP + a ringscope payload that carries a
 * stream id, a sequence number, a send timestamp and a checksum over the whole
 * payload, so a receiver can tell loss, reordering, duplicates and corruption. */
#ifndef RS_PKT_H
#define RS_PKT_H

#include <stdint.h>
#include <stddef.h>

#define PKT_HDR_LEN 42		/* Ethernet 14 + IPv4 20 + UDP 8 */
#define PKT_MAGIC 0x5253	/* "RS" */

struct rs_payload {
	uint16_t magic;
	uint16_t stream;	/* one sequence space per sender queue */
	uint64_t seq;
	uint64_t ts_ns;		/* CLOCK_MONOTONIC at submit */
	uint16_t csum;		/* ones' complement of the payload's 16-bit sum */
} __attribute__((packed));

#define PKT_MIN_LEN (PKT_HDR_LEN + (int)sizeof(struct rs_payload))	/* 64 */

struct pkt_template {
	uint8_t dst_mac[6], src_mac[6];
	uint32_t src_ip, dst_ip;	/* network byte order */
	uint16_t src_port, dst_port;	/* host byte order */
	uint32_t len;			/* frame length without FCS */
	uint16_t stream;
};

/* Write headers and the fill pattern of a len-byte frame; returns the partial
 * checksum of the fixed part of the payload, for pkt_stamp(). */
uint32_t pkt_build(uint8_t *frame, const struct pkt_template *t);
/* Per packet: write seq and timestamp and fix the checksum (O(1)). */
void pkt_stamp(uint8_t *frame, uint32_t fixed_sum, uint64_t seq, uint64_t ts_ns);

enum pkt_verdict { PKT_OK = 0, PKT_FOREIGN, PKT_CORRUPT };
/* Check lengths, magic and checksum of a received frame. */
enum pkt_verdict pkt_verify(const uint8_t *frame, uint32_t len, struct rs_payload *out);
/* Swap source and destination MAC addresses in place (fwd mode). */
void pkt_swap_macs(uint8_t *frame);

/* RFC 1071 helpers. */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);
uint16_t csum_fold(uint32_t sum);

#endif
