#include <string.h>
#include "frames.h"

#define IP 14
#define UDP 34
#define PL 42

uint64_t frame_ts_ns = 1000;
static uint16_t f_epoch;
static uint64_t f_seq;

void frame_valid(uint8_t *f, uint32_t len, uint16_t epoch, uint16_t stream, uint64_t seq)
{
	struct pkt_template t = { .src_ip = 0x0140a8c0, .dst_ip = 0x0240a8c0, .src_port = 9000, .dst_port = 9,
				  .len = len, .stream = stream, .epoch = epoch };

	memset(t.dst_mac, 0xff, 6);
	memcpy(t.src_mac, "\x02\x00\x00\x00\x00\x01", 6);
	memset(f, 0, FRAME_MAX);
	pkt_stamp(f, pkt_build(f, &t), seq, frame_ts_ns);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Recompute the IPv4 header checksum after a header field was changed on purpose. */
static void fix_ip_csum(uint8_t *f)
{
	uint16_t c;

	f[IP + 10] = f[IP + 11] = 0;
	c = ~csum_fold(csum_partial(f + IP, 20, 0));
	memcpy(f + IP + 10, &c, 2);
}

/* Insert n bytes at off (the frame grows). */
static void insert(uint8_t *f, uint32_t *len, uint32_t off, const void *b, uint32_t n)
{
	memmove(f + off + n, f + off, *len - off);
	memcpy(f + off, b, n);
	*len += n;
}

static void ok(uint8_t *f, uint32_t *len) { }
static void padded(uint8_t *f, uint32_t *len) { *len = 84; }	/* 20 zero bytes after the IP datagram */
static void ip_total_len(uint8_t *f, uint32_t *len, uint16_t v)
{
	put16(f + IP + 2, v);
	put16(f + UDP + 4, v >= 20 ? v - 20 : 0);	/* consistent, as in the crash of issue 10 */
	fix_ip_csum(f);
}
static void ip_len_20(uint8_t *f, uint32_t *len) { ip_total_len(f, len, 20); }
static void ip_len_27(uint8_t *f, uint32_t *len) { ip_total_len(f, len, 27); }
static void ip_len_49(uint8_t *f, uint32_t *len) { ip_total_len(f, len, 49); }
static void ip_len_0(uint8_t *f, uint32_t *len) { ip_total_len(f, len, 0); }
static void ip_len_big(uint8_t *f, uint32_t *len) { ip_total_len(f, len, 1000); }
static void ip_len_max(uint8_t *f, uint32_t *len) { ip_total_len(f, len, 65535); }
static void cut_payload(uint8_t *f, uint32_t *len) { *len = 50; }
static void cut_magic(uint8_t *f, uint32_t *len) { *len = 43; }
static void cut_ip(uint8_t *f, uint32_t *len) { *len = 30; }
static void cut_eth(uint8_t *f, uint32_t *len) { *len = 13; }
static void empty(uint8_t *f, uint32_t *len) { *len = 0; }
static void udp_len_small(uint8_t *f, uint32_t *len) { put16(f + UDP + 4, 8); }
static void udp_len_big(uint8_t *f, uint32_t *len) { put16(f + UDP + 4, 1000); }
static void ihl_6(uint8_t *f, uint32_t *len) { f[IP] = 0x46; fix_ip_csum(f); }
static void ihl_4(uint8_t *f, uint32_t *len) { f[IP] = 0x44; fix_ip_csum(f); }
static void ihl_15(uint8_t *f, uint32_t *len) { f[IP] = 0x4f; fix_ip_csum(f); }
static void ip_options(uint8_t *f, uint32_t *len)
{
	/* A real 4-byte option (NOPs + EOL): IHL 6, total length + 4. */
	insert(f, len, IP + 20, "\x01\x01\x01\x00", 4);
	f[IP] = 0x46;
	put16(f + IP + 2, *len - IP);
	put16(f + IP + 10, 0);
	uint16_t c = ~csum_fold(csum_partial(f + IP, 24, 0));
	memcpy(f + IP + 10, &c, 2);
}
static void vlan(uint8_t *f, uint32_t *len) { insert(f, len, 12, "\x81\x00\x00\x64", 4); }
static void vlan_double(uint8_t *f, uint32_t *len) { insert(f, len, 12, "\x88\xa8\x00\x0a\x81\x00\x00\x64", 8); }
static void vlan_cut(uint8_t *f, uint32_t *len) { vlan(f, len); *len = 14; }
static void ipv6(uint8_t *f, uint32_t *len) { put16(f + 12, 0x86dd); }
static void arp(uint8_t *f, uint32_t *len) { put16(f + 12, 0x0806); }
static void ip_version_6(uint8_t *f, uint32_t *len) { f[IP] = 0x65; fix_ip_csum(f); }
static void tcp(uint8_t *f, uint32_t *len) { f[IP + 9] = 6; fix_ip_csum(f); }
static void fragment_mf(uint8_t *f, uint32_t *len) { put16(f + IP + 6, 0x2000); fix_ip_csum(f); }
static void fragment_off(uint8_t *f, uint32_t *len) { put16(f + IP + 6, 0x0010); fix_ip_csum(f); }
static void bad_magic(uint8_t *f, uint32_t *len) { f[PL] ^= 0xff; }
static void stream_64(uint8_t *f, uint32_t *len) { frame_valid(f, 64, f_epoch, 64, f_seq); }
static void stream_max(uint8_t *f, uint32_t *len) { frame_valid(f, 64, f_epoch, 0xffff, f_seq); }
static void bad_checksum(uint8_t *f, uint32_t *len) { f[PL + 4] ^= 0x01; }	/* a bit of seq */
static void bad_fill(uint8_t *f, uint32_t *len) { frame_valid(f, 128, f_epoch, 0, f_seq); f[100] ^= 0x80; *len = 128; }
static void ip_checksum(uint8_t *f, uint32_t *len) { f[IP + 8] = 1; }	/* TTL, not re-summed */
static void epoch_flip(uint8_t *f, uint32_t *len) { f[IP + 5] ^= 1; }	/* the epoch is under the IP checksum */

const struct frame_case frame_cases[] = {
	{ "ok", PKT_R_OK, ok },
	{ "padded", PKT_R_OK, padded },
	{ "ip_total_len_20", PKT_R_IP_TOTAL_LEN, ip_len_20 },
	{ "ip_total_len_27", PKT_R_IP_TOTAL_LEN, ip_len_27 },
	{ "ip_total_len_49", PKT_R_IP_TOTAL_LEN, ip_len_49 },
	{ "ip_total_len_0", PKT_R_IP_TOTAL_LEN, ip_len_0 },
	{ "ip_total_len_1000", PKT_R_CUT, ip_len_big },
	{ "ip_total_len_65535", PKT_R_CUT, ip_len_max },
	{ "cut_payload", PKT_R_CUT, cut_payload },
	{ "cut_magic", PKT_R_SHORT, cut_magic },
	{ "cut_ip", PKT_R_SHORT, cut_ip },
	{ "cut_eth", PKT_R_SHORT, cut_eth },
	{ "empty", PKT_R_SHORT, empty },
	{ "udp_len_8", PKT_R_UDP_LEN, udp_len_small },
	{ "udp_len_1000", PKT_R_UDP_LEN, udp_len_big },
	{ "ihl_6", PKT_R_IP_OPTIONS, ihl_6 },
	{ "ihl_15", PKT_R_IP_OPTIONS, ihl_15 },
	{ "ip_options", PKT_R_IP_OPTIONS, ip_options },
	{ "ihl_4", PKT_R_IP_HEADER, ihl_4 },
	{ "vlan", PKT_R_VLAN, vlan },
	{ "vlan_double", PKT_R_VLAN, vlan_double },
	{ "vlan_cut", PKT_R_VLAN, vlan_cut },
	{ "ipv6", PKT_R_NOT_IPV4, ipv6 },
	{ "arp", PKT_R_NOT_IPV4, arp },
	{ "ip_version_6", PKT_R_NOT_IPV4, ip_version_6 },
	{ "tcp", PKT_R_NOT_UDP, tcp },
	{ "fragment_mf", PKT_R_IP_FRAGMENT, fragment_mf },
	{ "fragment_offset", PKT_R_IP_FRAGMENT, fragment_off },
	{ "bad_magic", PKT_R_BAD_MAGIC, bad_magic },
	{ "stream_64", PKT_R_STREAM, stream_64 },
	{ "stream_65535", PKT_R_STREAM, stream_max },
	{ "bad_checksum", PKT_R_BAD_CHECKSUM, bad_checksum },
	{ "bad_fill", PKT_R_BAD_CHECKSUM, bad_fill },
	{ "ip_checksum", PKT_R_IP_CHECKSUM, ip_checksum },
	{ "epoch_flip", PKT_R_IP_CHECKSUM, epoch_flip },
};
const int frame_ncases = sizeof(frame_cases) / sizeof(frame_cases[0]);

void frame_make(const struct frame_case *c, uint8_t *f, uint32_t *len, uint16_t epoch, uint64_t seq)
{
	f_epoch = epoch;
	f_seq = seq;
	frame_valid(f, 64, epoch, 0, seq);
	*len = 64;
	c->make(f, len);
}

const struct frame_case *frame_case_find(const char *name)
{
	for (int i = 0; i < frame_ncases; i++)
		if (!strcmp(frame_cases[i].name, name))
			return &frame_cases[i];
	return NULL;
}
