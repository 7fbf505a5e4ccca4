#include <string.h>
#include "pkt.h"

#define OFF_IP 14
#define OFF_UDP 34
#define OFF_PAYLOAD PKT_HDR_LEN
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_VLAN 0x8100	/* 802.1Q */
#define ETHERTYPE_QINQ 0x88a8	/* 802.1ad outer tag */
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff
#define IP_PROTO_UDP 17

uint32_t csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;

	/* Native 16-bit words: the ones' complement sum is byte-order independent. */
	for (; len > 1; len -= 2, p += 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		sum += w;
	}
	if (len) {
		uint16_t w = 0;

		memcpy(&w, p, 1);
		sum += w;
	}
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

uint32_t pkt_build(uint8_t *f, const struct pkt_template *t)
{
	uint16_t ip_len = t->len - OFF_IP, udp_len = t->len - OFF_UDP, ip_csum;
	struct rs_payload pl = { .magic = PKT_MAGIC, .stream = t->stream };
	uint32_t fixed;

	memcpy(f, t->dst_mac, 6);
	memcpy(f + 6, t->src_mac, 6);
	put_be16(f + 12, ETHERTYPE_IPV4);

	uint8_t *ip = f + OFF_IP;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, ip_len);
	put_be16(ip + 4, t->epoch);	/* Identification: allowed with DF (RFC 6864) */
	put_be16(ip + 6, IP_DF);
	ip[8] = 64;		/* TTL */
	ip[9] = IP_PROTO_UDP;
	memcpy(ip + 12, &t->src_ip, 4);
	memcpy(ip + 16, &t->dst_ip, 4);
	ip_csum = ~csum_fold(csum_partial(ip, 20, 0));
	memcpy(ip + 10, &ip_csum, 2);

	uint8_t *udp = f + OFF_UDP;
	put_be16(udp + 0, t->src_port);
	put_be16(udp + 2, t->dst_port);
	put_be16(udp + 4, udp_len);
	put_be16(udp + 6, 0);	/* no UDP checksum (allowed on IPv4) */

	memcpy(f + OFF_PAYLOAD, &pl, sizeof(pl));
	for (uint32_t i = PKT_MIN_LEN; i < t->len; i++)
		f[i] = (uint8_t)(i * 7 + 3);

	/* Sum of everything in the payload that never changes: magic, stream
	 * and the fill pattern; seq, ts and csum are zero here. */
	fixed = csum_partial(f + OFF_PAYLOAD, t->len - OFF_PAYLOAD, 0);
	return fixed;
}

void pkt_stamp(uint8_t *f, uint32_t fixed_sum, uint64_t seq, uint64_t ts_ns)
{
	struct rs_payload *pl = (struct rs_payload *)(f + OFF_PAYLOAD);
	uint32_t sum = fixed_sum;
	uint16_t csum;

	memcpy(&pl->seq, &seq, 8);
	memcpy(&pl->ts_ns, &ts_ns, 8);
	/* seq and ts start at payload offset 4 (even): their native words add in. */
	sum = csum_partial(&pl->seq, 16, sum);
	csum = ~csum_fold(sum);
	memcpy(&pl->csum, &csum, 2);
}

static const struct {
	const char *name;
	enum pkt_verdict verdict;
} reasons[PKT_NREASONS] = {
	[PKT_R_OK]		= { "ok", PKT_OK },
	[PKT_R_SHORT]		= { "truncated", PKT_FOREIGN },
	[PKT_R_VLAN]		= { "vlan", PKT_FOREIGN },
	[PKT_R_NOT_IPV4]	= { "not_ipv4", PKT_FOREIGN },
	[PKT_R_IP_HEADER]	= { "ip_header", PKT_FOREIGN },
	[PKT_R_IP_OPTIONS]	= { "ip_options", PKT_FOREIGN },
	[PKT_R_IP_FRAGMENT]	= { "ip_fragment", PKT_FOREIGN },
	[PKT_R_NOT_UDP]		= { "not_udp", PKT_FOREIGN },
	[PKT_R_BAD_MAGIC]	= { "bad_magic", PKT_FOREIGN },
	[PKT_R_STREAM]		= { "stream_out_of_range", PKT_FOREIGN },
	[PKT_R_OTHER_SENDER]	= { "other_sender", PKT_FOREIGN },
	[PKT_R_IP_TOTAL_LEN]	= { "ip_total_len", PKT_CORRUPT },
	[PKT_R_CUT]		= { "truncated", PKT_CORRUPT },
	[PKT_R_UDP_LEN]		= { "udp_len", PKT_CORRUPT },
	[PKT_R_IP_CHECKSUM]	= { "ip_checksum", PKT_CORRUPT },
	[PKT_R_BAD_CHECKSUM]	= { "bad_checksum", PKT_CORRUPT },
};

enum pkt_verdict pkt_reason_verdict(enum pkt_reason r)
{
	return (unsigned)r < PKT_NREASONS ? reasons[r].verdict : PKT_FOREIGN;
}

const char *pkt_reason_name(enum pkt_reason r)
{
	return (unsigned)r < PKT_NREASONS ? reasons[r].name : "?";
}

/* Every length is checked before the bytes it covers are read. */
enum pkt_reason pkt_verify(const uint8_t *f, uint32_t len, struct pkt_rx *out)
{
	const uint8_t *ip = f + OFF_IP, *pl = f + OFF_PAYLOAD;
	uint16_t type, ip_len, magic, stream;

	if (len < OFF_IP)
		return PKT_R_SHORT;
	type = be16_at(f + 12);
	if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ)
		return PKT_R_VLAN;
	if (type != ETHERTYPE_IPV4)
		return PKT_R_NOT_IPV4;
	if (len < OFF_UDP)
		return PKT_R_SHORT;
	if (ip[0] >> 4 != 4)
		return PKT_R_NOT_IPV4;
	if ((ip[0] & 0xf) < 5)
		return PKT_R_IP_HEADER;
	if ((ip[0] & 0xf) > 5)
		return PKT_R_IP_OPTIONS;
	if (be16_at(ip + 6) & (IP_MF | IP_OFFMASK))
		return PKT_R_IP_FRAGMENT;
	if (ip[9] != IP_PROTO_UDP)
		return PKT_R_NOT_UDP;
	if (len < OFF_PAYLOAD + 2)
		return PKT_R_SHORT;
	memcpy(&magic, pl, 2);
	if (magic != PKT_MAGIC)
		return PKT_R_BAD_MAGIC;

	/* The frame says it is ours: from here on, damage is corruption. */
	ip_len = be16_at(ip + 2);
	if (ip_len < 20 + 8 + sizeof(struct rs_payload))
		return PKT_R_IP_TOTAL_LEN;
	/* veth may pad short frames: only the IP length must fit inside. */
	if (OFF_IP + (uint32_t)ip_len > len)
		return PKT_R_CUT;
	if (be16_at(f + OFF_UDP + 4) != ip_len - 20)
		return PKT_R_UDP_LEN;
	if (csum_fold(csum_partial(ip, 20, 0)) != 0xffff)
		return PKT_R_IP_CHECKSUM;
	if (csum_fold(csum_partial(pl, ip_len - 28u, 0)) != 0xffff)
		return PKT_R_BAD_CHECKSUM;
	memcpy(&stream, pl + offsetof(struct rs_payload, stream), 2);
	if (stream >= PKT_MAX_STREAMS)
		return PKT_R_STREAM;
	out->epoch = be16_at(ip + 4);
	out->stream = stream;
	memcpy(&out->seq, pl + offsetof(struct rs_payload, seq), 8);
	memcpy(&out->ts_ns, pl + offsetof(struct rs_payload, ts_ns), 8);
	return PKT_R_OK;
}

void pkt_swap_macs(uint8_t *f)
{
	uint8_t tmp[6];

	memcpy(tmp, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, tmp, 6);
}
