/* The netlink helper against the real kernel: in a fresh, anonymous network
 * namespace (gone when the test exits), a 4-queue veth pair is created, set
 * up, given an MTU, and read back; the default-route dump tells a unicast
 * default route from none. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN). */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if.h>
#include "check.h"
#include "netlink.h"
#include "netns.h"

int main(void)
{
	struct link_info a, b;
	struct link_drops d;
	bool found = true;
	int ns, err;

	if (geteuid()) {
		printf("FAIL: netlink_root: run as root (it creates a namespace and a veth pair)\n");
		return 1;
	}
	ns = netns_new();
	CHECK(ns >= 0, "netlink_netns_new", "netns_new: %s", strerror(-ns));
	if (ns < 0 || setns(ns, CLONE_NEWNET)) {
		printf("FAIL: netlink_setns: cannot enter the new namespace\n");
		return 1;
	}

	err = netlink_veth_add("tn0", -1, "tn1", -1, 0, 4);
	CHECK(!err, "netlink_veth_add", "%s", strerror(-err));
	err = netlink_veth_add("tn0", -1, "tn2", -1, 0, 0);
	CHECK(err == -EEXIST, "netlink_veth_add_exists", "got %d, want -EEXIST", err);

	err = netlink_link_get("tn0", &a, &d);
	CHECK(!err, "netlink_get", "%s", strerror(-err));
	CHECK(a.ifindex == (int)if_nametoindex("tn0"), "netlink_get_ifindex", "%d", a.ifindex);
	CHECK(!strcmp(a.kind, "veth"), "netlink_get_kind", "'%s'", a.kind);
	CHECK(!a.up && !a.lower_up, "netlink_get_down", "up %d lower_up %d", a.up, a.lower_up);
	CHECK(a.mtu == 1500, "netlink_get_mtu", "%u", a.mtu);
	CHECK(a.num_rx_queues == 4 && a.num_tx_queues == 4, "netlink_get_queues", "rx %u tx %u",
	      a.num_rx_queues, a.num_tx_queues);
	CHECK(a.peer_ifindex == (int)if_nametoindex("tn1") && a.peer_netnsid == -1, "netlink_get_peer",
	      "peer %d netnsid %d", a.peer_ifindex, a.peer_netnsid);
	CHECK(d.rx_dropped == 0 && d.tx_dropped == 0 && d.rx_missed == 0, "netlink_get_drops_zero",
	      "rx %llu tx %llu missed %llu", (unsigned long long)d.rx_dropped,
	      (unsigned long long)d.tx_dropped, (unsigned long long)d.rx_missed);
	err = netlink_link_get("tn-none", &a, NULL);
	CHECK(err == -ENODEV, "netlink_get_missing", "got %d, want -ENODEV", err);

	/* One end up: no carrier until the peer is up too. */
	err = netlink_link_set("tn0", 1, 9000);
	CHECK(!err, "netlink_set_up_mtu", "%s", strerror(-err));
	netlink_link_get("tn0", &a, NULL);
	CHECK(a.up && !a.lower_up && a.mtu == 9000, "netlink_one_end_up", "up %d lower_up %d mtu %u",
	      a.up, a.lower_up, a.mtu);
	err = netlink_link_set("tn1", 1, 0);
	CHECK(!err, "netlink_set_peer_up", "%s", strerror(-err));
	netlink_link_get("tn0", &a, NULL);
	netlink_link_get_index(a.peer_ifindex, &b, NULL);
	CHECK(a.lower_up && b.up && b.mtu == 1500, "netlink_both_up", "lower_up %d peer up %d peer mtu %u",
	      a.lower_up, b.up, b.mtu);
	err = netlink_link_set("tn0", 0, 0);
	netlink_link_get("tn0", &a, NULL);
	CHECK(!err && !a.up && a.mtu == 9000, "netlink_set_down_keeps_mtu", "up %d mtu %u", a.up, a.mtu);

	/* lo is up in a new namespace only when set so; its IPv6 reject route
	 * is no default route. A unicast default route through tn0 is one. */
	err = netlink_link_set("lo", 1, 0);
	CHECK(!err, "netlink_lo_up", "%s", strerror(-err));
	err = netlink_has_default_route(if_nametoindex("lo"), &found);
	CHECK(!err && !found, "netlink_lo_no_default_route", "err %d found %d", err, found);
	netlink_link_set("tn0", 1, 0);
	if (system("ip addr add 192.0.2.1/24 dev tn0 && ip route add default via 192.0.2.2 dev tn0") != 0)
		printf("FAIL: netlink_add_route: ip could not add the default route\n"), check_failures++;
	err = netlink_has_default_route(if_nametoindex("tn0"), &found);
	CHECK(!err && found, "netlink_tn0_default_route", "err %d found %d", err, found);
	err = netlink_has_default_route(if_nametoindex("tn1"), &found);
	CHECK(!err && !found, "netlink_tn1_no_default_route", "err %d found %d", err, found);

	/* A VPN-style split default (two /1 routes) sends traffic out as well;
	 * a /2 is an ordinary (if wide) route. */
	netlink_link_set("tn1", 1, 0);
	if (system("ip addr add 198.51.100.1/24 dev tn1 && ip route add 0.0.0.0/2 via 198.51.100.2 dev tn1") != 0)
		printf("FAIL: netlink_add_route_2: ip could not add 0.0.0.0/2\n"), check_failures++;
	err = netlink_has_default_route(if_nametoindex("tn1"), &found);
	CHECK(!err && !found, "netlink_slash2_no_default_route", "err %d found %d", err, found);
	if (system("ip route add 128.0.0.0/1 via 198.51.100.2 dev tn1") != 0)
		printf("FAIL: netlink_add_route_1: ip could not add 128.0.0.0/1\n"), check_failures++;
	err = netlink_has_default_route(if_nametoindex("tn1"), &found);
	CHECK(!err && found, "netlink_split_default_route", "err %d found %d", err, found);
	CHECK_DONE();
}
