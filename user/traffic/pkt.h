/* Test packets: Ethernet + IPv4 + UDP + a ringscope payload that carries a
 * stream id, a sequence number, a send timestamp and a checksum over the whole
 * payload; the IPv4 Identification field carries the sender's epoch. The
 * layout is frozen and documented byte by byte in docs/frame-layout.md (BPF
 * programs read it): change nothing here without changing that file. */
#ifndef RS_PKT_H
#define RS_PKT_H

#include <stdint.h>
#include <stddef.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the ringscope payload is little-endian and written natively: port pkt.c/gen_stamp() first"
#endif

#define PKT_HDR_LEN 42		/* Ethernet 14 + IPv4 20 + UDP 8 */
#define PKT_MAGIC 0x5253	/* "RS"; on the wire 0x53 0x52 (little-endian) */
#define PKT_MAX_STREAMS 64	/* stream ids 0..63: one per sender queue */

/* The first 22 bytes of the UDP payload, little-endian. */
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
	uint16_t epoch;			/* the sender session's id: IPv4 Identification */
};

/* Write headers and the fill pattern of a len-byte frame; returns the partial
 * checksum of the fixed part of the payload, for pkt_stamp(). */
uint32_t pkt_build(uint8_t *frame, const struct pkt_template *t);
/* Per packet: write seq and timestamp and fix the checksum (O(1)). */
void pkt_stamp(uint8_t *frame, uint32_t fixed_sum, uint64_t seq, uint64_t ts_ns);

enum pkt_verdict { PKT_OK = 0, PKT_FOREIGN, PKT_CORRUPT };

/* Why pkt_verify() refused a frame. The first checks decide whether the
 * frame is a ringscope frame at all (foreign otherwise); once the magic is
 * found, damage is corruption. Names: pkt_reason_name(). */
enum pkt_reason {
	PKT_R_OK = 0,
	/* foreign */
	PKT_R_SHORT,		/* "truncated": too short for the headers read so far */
	PKT_R_VLAN,		/* 802.1Q / 802.1ad tagged: ringscope sends untagged */
	PKT_R_NOT_IPV4,		/* EtherType or IP version not IPv4 */
	PKT_R_IP_HEADER,	/* IHL < 5 */
	PKT_R_IP_OPTIONS,	/* IHL > 5: ringscope sends no options */
	PKT_R_IP_FRAGMENT,	/* MF set or a fragment offset */
	PKT_R_NOT_UDP,
	PKT_R_BAD_MAGIC,
	PKT_R_STREAM,		/* "stream_out_of_range": valid frame, stream id >= 64 */
	PKT_R_OTHER_SENDER,	/* valid frame of another sender epoch, or of a stream its sender
				 * does not send on, where the run knows its own sender (gen tx
				 * --rx, run, demo); set by the receiver, not pkt_verify() */
	/* corrupt */
	PKT_R_IP_TOTAL_LEN,	/* IPv4 total length below 20 + 8 + 22 */
	PKT_R_CUT,		/* "truncated": total length beyond the received bytes */
	PKT_R_UDP_LEN,		/* UDP length != IPv4 total length - 20 */
	PKT_R_IP_CHECKSUM,
	PKT_R_BAD_CHECKSUM,	/* payload checksum */
	PKT_NREASONS
};

/* What a verified frame says (only valid when pkt_verify() returns PKT_R_OK). */
struct pkt_rx {
	uint16_t epoch, stream;
	uint64_t seq, ts_ns;
};

/* Check every header and the payload checksum of a received frame of len
 * bytes; never reads beyond len. */
enum pkt_reason pkt_verify(const uint8_t *frame, uint32_t len, struct pkt_rx *out);
enum pkt_verdict pkt_reason_verdict(enum pkt_reason r);
const char *pkt_reason_name(enum pkt_reason r);
/* Swap source and destination MAC addresses in place (fwd mode). */
void pkt_swap_macs(uint8_t *frame);

/* RFC 1071 helpers. */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);
uint16_t csum_fold(uint32_t sum);

#endif
