/* Link queries and changes over rtnetlink, backed by Debian's libnl-route-3
 * (it ships static libraries, which the VM lab's static binaries need;
 * Debian's libmnl-dev has no libmnl.a). Every function works in the calling
 * thread's network namespace and returns 0 or -errno. */
#ifndef RS_NETLINK_H
#define RS_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

struct link_info {
	int ifindex;
	char kind[16];			/* rtnl link type, e.g. "veth"; "" when none */
	bool up, lower_up;		/* IFF_UP, IFF_LOWER_UP (carrier) */
	uint8_t operstate;		/* IF_OPER_* */
	uint32_t mtu;
	uint32_t num_rx_queues, num_tx_queues;
	int peer_ifindex;		/* IFLA_LINK (a veth's peer), 0 when none */
	int peer_netnsid;		/* IFLA_LINK_NETNSID, -1: the peer is in this netns */
};

/* The kernel's drop and error counters of a link (rtnl_link_stats64). */
struct link_drops {
	uint64_t rx_dropped, tx_dropped, rx_missed, rx_errors, tx_errors;
};

int netlink_link_get(const char *ifname, struct link_info *li, struct link_drops *d);
int netlink_link_get_index(int ifindex, struct link_info *li, struct link_drops *d);
/* Set ifname up (up > 0), down (up == 0) or leave it (up < 0), and its MTU
 * unless mtu is 0. */
int netlink_link_set(const char *ifname, int up, uint32_t mtu);
/* Create veth pair name <-> peer, each end moved into the netns behind the
 * given fd (-1: stay here), with mtu (0: default) and queues (0: default). */
int netlink_veth_add(const char *name, int netns_fd, const char *peer, int peer_netns_fd,
		     uint32_t mtu, uint32_t nqueues);
/* True when a unicast default route (IPv4 or IPv6, any table) leaves
 * through ifindex, or half of one (a /1, as VPN clients split it):
 * reject/unreachable/prohibit routes do not count. */
int netlink_has_default_route(int ifindex, bool *found);
/* The operstate as iproute2 names it ("UP", "DOWN", "LOWERLAYERDOWN"...). */
const char *link_operstate_name(uint8_t operstate);

#endif
