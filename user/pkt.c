#include <string.h>
#include <arpa/inet.h>
#include "pkt.h"

#define OFF_IP 14
#define OFF_UDP 34
#define OFF_PAYLOAD PKT_HDR_LEN
#define OFF_CSUM (OFF_PAYLOAD + offsetof(struct rs_payload, csum))

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

uint32_t pkt_build(uint8_t *f, const struct pkt_template *t)
{
	uint16_t ip_len = t->len - 14, udp_len = t->len - OFF_UDP, ip_csum;
	struct rs_payload pl = { .magic = PKT_MAGIC, .stream = t->stream };
	uint32_t fixed;

	memcpy(f, t->dst_mac, 6);
	memcpy(f + 6, t->src_mac, 6);
	f[12] = 0x08, f[13] = 0x00;

	uint8_t *ip = f + OFF_IP;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	*(uint16_t *)(ip + 2) = htons(ip_len);
	ip[8] = 64;		/* TTL */
	ip[9] = 17;		/* UDP */
	memcpy(ip + 12, &t->src_ip, 4);
	memcpy(ip + 16, &t->dst_ip, 4);
	ip_csum = ~csum_fold(csum_partial(ip, 20, 0));
	memcpy(ip + 10, &ip_csum, 2);

	uint8_t *udp = f + OFF_UDP;
	*(uint16_t *)(udp + 0) = htons(t->src_port);
	*(uint16_t *)(udp + 2) = htons(t->dst_port);
	*(uint16_t *)(udp + 4) = htons(udp_len);
	*(uint16_t *)(udp + 6) = 0;	/* no UDP checksum (allowed on IPv4) */

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

enum pkt_verdict pkt_verify(const uint8_t *f, uint32_t len, struct rs_payload *out)
{
	uint16_t ip_len, udp_len;

	if (len < PKT_MIN_LEN || f[12] != 0x08 || f[13] != 0x00 || f[OFF_IP + 9] != 17)
		return PKT_FOREIGN;
	memcpy(out, f + OFF_PAYLOAD, sizeof(*out));
	if (out->magic != PKT_MAGIC)
		return PKT_FOREIGN;
	memcpy(&ip_len, f + OFF_IP + 2, 2);
	memcpy(&udp_len, f + OFF_UDP + 4, 2);
	/* veth may pad short frames: only the IP length must fit inside. */
	if (ntohs(ip_len) + 14u > len || ntohs(udp_len) != ntohs(ip_len) - 20)
		return PKT_CORRUPT;
	if (csum_fold(csum_partial(f + OFF_PAYLOAD, ntohs(ip_len) + 14u - OFF_PAYLOAD, 0)) != 0xffff)
		return PKT_CORRUPT;
	return PKT_OK;
}

void pkt_swap_macs(uint8_t *f)
{
	uint8_t tmp[6];

	memcpy(tmp, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, tmp, 6);
}
