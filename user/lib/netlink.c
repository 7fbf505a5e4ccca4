#include <errno.h>
#include <string.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include "netlink.h"

/* libnl returns its own negative NLE_* codes: map the ones we can name. */
static int nl_to_errno(int nlerr)
{
	switch (-nlerr) {
	case 0: return 0;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_EXIST: return -EEXIST;
	case NLE_OBJ_NOTFOUND: case NLE_NODEV: return -ENODEV;
	case NLE_INVAL: case NLE_RANGE: return -EINVAL;
	case NLE_BUSY: return -EBUSY;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

static int sock_open(struct nl_sock **sk)
{
	int err;

	*sk = nl_socket_alloc();
	if (!*sk)
		return -ENOMEM;
	err = nl_connect(*sk, NETLINK_ROUTE);
	if (err) {
		nl_socket_free(*sk);
		*sk = NULL;
		return nl_to_errno(err);
	}
	return 0;
}

static void fill_info(struct rtnl_link *l, struct link_info *li, struct link_drops *d)
{
	const char *kind = rtnl_link_get_type(l);
	unsigned int flags = rtnl_link_get_flags(l);
	int32_t nsid;

	if (li) {
		memset(li, 0, sizeof(*li));
		li->ifindex = rtnl_link_get_ifindex(l);
		if (kind)
			snprintf(li->kind, sizeof(li->kind), "%s", kind);
		li->up = flags & IFF_UP;
		li->lower_up = flags & IFF_LOWER_UP;
		li->operstate = rtnl_link_get_operstate(l);
		li->mtu = rtnl_link_get_mtu(l);
		li->num_rx_queues = rtnl_link_get_num_rx_queues(l);
		li->num_tx_queues = rtnl_link_get_num_tx_queues(l);
		li->peer_ifindex = rtnl_link_get_link(l);
		li->peer_netnsid = rtnl_link_get_link_netnsid(l, &nsid) ? -1 : nsid;
	}
	if (d) {
		d->rx_dropped = rtnl_link_get_stat(l, RTNL_LINK_RX_DROPPED);
		d->tx_dropped = rtnl_link_get_stat(l, RTNL_LINK_TX_DROPPED);
		d->rx_missed = rtnl_link_get_stat(l, RTNL_LINK_RX_MISSED_ERR);
		d->rx_errors = rtnl_link_get_stat(l, RTNL_LINK_RX_ERRORS);
		d->tx_errors = rtnl_link_get_stat(l, RTNL_LINK_TX_ERRORS);
	}
}

static int link_get(int ifindex, const char *ifname, struct link_info *li, struct link_drops *d)
{
	struct nl_sock *sk;
	struct rtnl_link *l = NULL;
	int err = sock_open(&sk);

	if (err)
		return err;
	err = nl_to_errno(rtnl_link_get_kernel(sk, ifindex, ifname, &l));
	if (!err)
		fill_info(l, li, d);
	rtnl_link_put(l);
	nl_socket_free(sk);
	return err;
}

int netlink_link_get(const char *ifname, struct link_info *li, struct link_drops *d)
{
	return link_get(0, ifname, li, d);
}

int netlink_link_get_index(int ifindex, struct link_info *li, struct link_drops *d)
{
	return link_get(ifindex, NULL, li, d);
}

int netlink_link_set(const char *ifname, int up, uint32_t mtu)
{
	struct rtnl_link *l = NULL, *change = rtnl_link_alloc();
	struct nl_sock *sk;
	int err;

	if (!change)
		return -ENOMEM;
	if (up > 0)
		rtnl_link_set_flags(change, IFF_UP);
	else if (!up)
		rtnl_link_unset_flags(change, IFF_UP);
	if (mtu)
		rtnl_link_set_mtu(change, mtu);
	err = sock_open(&sk);
	if (!err) {
		err = nl_to_errno(rtnl_link_get_kernel(sk, 0, ifname, &l));
		if (!err)
			err = nl_to_errno(rtnl_link_change(sk, l, change, 0));
		rtnl_link_put(l);
		nl_socket_free(sk);
	}
	rtnl_link_put(change);
	return err;
}

static void set_end(struct rtnl_link *l, const char *name, int netns_fd, uint32_t mtu, uint32_t nqueues)
{
	rtnl_link_set_name(l, name);
	if (netns_fd >= 0)
		rtnl_link_set_ns_fd(l, netns_fd);
	if (mtu)
		rtnl_link_set_mtu(l, mtu);
	if (nqueues) {
		rtnl_link_set_num_rx_queues(l, nqueues);
		rtnl_link_set_num_tx_queues(l, nqueues);
	}
}

int netlink_veth_add(const char *name, int netns_fd, const char *peer, int peer_netns_fd,
		     uint32_t mtu, uint32_t nqueues)
{
	struct nl_sock *sk;
	struct rtnl_link *l, *p;
	int err = sock_open(&sk);

	if (err)
		return err;
	l = rtnl_link_veth_alloc();
	if (!l) {
		nl_socket_free(sk);
		return -ENOMEM;
	}
	p = rtnl_link_veth_get_peer(l);
	set_end(l, name, netns_fd, mtu, nqueues);
	set_end(p, peer, peer_netns_fd, mtu, nqueues);
	err = nl_to_errno(rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL));
	rtnl_link_put(p);
	rtnl_link_veth_release(l);
	nl_socket_free(sk);
	return err;
}

struct route_match {
	int ifindex;
	bool found;
};

static void nh_match(struct rtnl_nexthop *nh, void *arg)
{
	struct route_match *m = arg;

	if (rtnl_route_nh_get_ifindex(nh) == m->ifindex)
		m->found = true;
}

static void route_match(struct nl_object *o, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)o;
	struct nl_addr *dst = rtnl_route_get_dst(r);

	/*
	 * Only a unicast route sends traffic out. Besides ::/0 and 0.0.0.0/0,
	 * a /1 counts: VPN clients install 0/1 + 128/1 (or ::/1 + 8000::/1) so
	 * as to win over the default route without replacing it.
	 */
	if (rtnl_route_get_type(r) != RTN_UNICAST || (dst && nl_addr_get_prefixlen(dst) > 1))
		return;
	rtnl_route_foreach_nexthop(r, nh_match, arg);
}

int netlink_has_default_route(int ifindex, bool *found)
{
	struct route_match m = { .ifindex = ifindex };
	struct nl_cache *cache = NULL;
	struct nl_sock *sk;
	int err = sock_open(&sk);

	*found = false;
	if (err)
		return err;
	err = nl_to_errno(rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &cache));
	if (!err) {
		nl_cache_foreach(cache, route_match, &m);
		*found = m.found;
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return err;
}

const char *link_operstate_name(uint8_t operstate)
{
	static const char *const names[] = {
		[IF_OPER_UNKNOWN] = "UNKNOWN", [IF_OPER_NOTPRESENT] = "NOTPRESENT",
		[IF_OPER_DOWN] = "DOWN", [IF_OPER_LOWERLAYERDOWN] = "LOWERLAYERDOWN",
		[IF_OPER_TESTING] = "TESTING", [IF_OPER_DORMANT] = "DORMANT", [IF_OPER_UP] = "UP",
	};

	return operstate < sizeof(names) / sizeof(names[0]) && names[operstate] ? names[operstate] : "?";
}
