/* The link under a traffic session: can it carry the packets asked for (up,
 * carrier, MTU at both ends of a veth, AF_XDP receive room), and its kernel
 * drop counters, so that a loss always shows a cause. */
#ifndef RS_GEN_LINK_H
#define RS_GEN_LINK_H

#include <stdbool.h>
#include <stdint.h>
#include "netlink.h"

/* What an AF_XDP socket reserves in front of every received packet
 * (XDP_PACKET_HEADROOM), in copy and zero-copy mode alike: the kernel drops
 * (socket rx_dropped) any packet longer than frame size - this - the UMEM
 * frame headroom (0 here). 2048 B frames receive at most 1792 B packets. */
#define XSK_RX_HEADROOM_BYTES 256

static inline uint32_t xsk_rx_room_bytes(uint32_t frame_size)
{
	return frame_size - XSK_RX_HEADROOM_BYTES;
}

/* Refuse (one line naming the interface and the fix, -errno) a link that is
 * down, has no carrier, or whose MTU (or its veth peer's, when that is in
 * this namespace) is below pkt_size - 14; and, when receives, a pkt_size
 * above the frame's receive room. */
int gen_link_check(const char *ifname, uint32_t pkt_size, uint32_t frame_size, bool receives);
/* run -i IFNAME --peer PEER: refuse a PEER that cannot receive what IFNAME
 * sends, when that is known (IFNAME a veth whose other end is in this
 * namespace and is not PEER): every packet would count as lost, with no cause. */
int gen_link_peer_check(const char *ifname, const char *peer);

#endif
