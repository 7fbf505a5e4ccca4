#include <errno.h>
#include <net/if.h>
#include <string.h>
#include "gen_link.h"
#include "log.h"

#define ETH_HDR_BYTES 14	/* the MTU counts the bytes after the Ethernet header */

static int check_mtu(const char *what, const char *ifname, uint32_t mtu, uint32_t pkt_size)
{
	if (pkt_size - ETH_HDR_BYTES <= mtu)
		return 0;
	rs_err("--size %u: %s%s has MTU %u, which carries at most %u B packets: run 'ip link set %s mtu %u' or lower --size",
	       pkt_size, what, ifname, mtu, mtu + ETH_HDR_BYTES, ifname, pkt_size - ETH_HDR_BYTES);
	return -EMSGSIZE;
}

/* A veth whose other end is in this namespace: that end's name, into peer. */
static bool veth_peer_here(const struct link_info *li, char peer[IF_NAMESIZE])
{
	return !strcmp(li->kind, "veth") && li->peer_netnsid < 0 && li->peer_ifindex > 0 &&
	       if_indextoname(li->peer_ifindex, peer);
}

int gen_link_check(const char *ifname, uint32_t pkt_size, uint32_t frame_size, bool receives)
{
	struct link_info li, peer;
	char peer_name[IF_NAMESIZE];
	int err = netlink_link_get(ifname, &li, NULL);

	if (err) {
		rs_err("cannot read the state of %s over netlink: %s", ifname, strerror(-err));
		return err;
	}
	if (!li.up) {
		rs_err("%s is down: run 'ip link set %s up'", ifname, ifname);
		return -ENETDOWN;
	}
	if (!li.lower_up) {
		rs_err("%s has no carrier (operstate %s; a veth also needs its peer up): bring up the other end of the link",
		       ifname, link_operstate_name(li.operstate));
		return -ENETDOWN;
	}
	if ((err = check_mtu("", ifname, li.mtu, pkt_size)))
		return err;
	/* A veth peer in this namespace: it drops what exceeds its own MTU. */
	if (veth_peer_here(&li, peer_name) && !netlink_link_get_index(li.peer_ifindex, &peer, NULL) &&
	    (err = check_mtu("the veth peer ", peer_name, peer.mtu, pkt_size)))
		return err;
	if (receives && pkt_size > xsk_rx_room_bytes(frame_size)) {
		if (frame_size < 4096)
			rs_err("--size %u: a %u B UMEM frame receives at most %u B (%u B XDP headroom): use --frame-size 4096",
			       pkt_size, frame_size, xsk_rx_room_bytes(frame_size), XSK_RX_HEADROOM_BYTES);
		else
			rs_err("--size %u: a %u B UMEM frame receives at most %u B (%u B XDP headroom): lower --size to %u",
			       pkt_size, frame_size, xsk_rx_room_bytes(frame_size), XSK_RX_HEADROOM_BYTES,
			       xsk_rx_room_bytes(frame_size));
		return -EMSGSIZE;
	}
	return 0;
}

int gen_link_peer_check(const char *ifname, const char *peer)
{
	struct link_info li;
	char peer_name[IF_NAMESIZE];

	/* Only a veth whose other end is in this namespace tells where its
	 * packets arrive; any other link (a NIC, a hub in the VM lab) may. */
	if (netlink_link_get(ifname, &li, NULL) || !veth_peer_here(&li, peer_name) || !strcmp(peer_name, peer))
		return 0;
	rs_err("--peer %s: %s is a veth whose other end is %s, where everything it sends arrives: use --peer %s",
	       peer, ifname, peer_name, peer_name);
	return -EINVAL;
}
