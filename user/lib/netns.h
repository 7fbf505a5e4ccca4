/* Network namespaces and the interfaces ringscope may act on. */
#ifndef RS_NETNS_H
#define RS_NETNS_H

#include <stdbool.h>

#define NETNS_DIR "/run/netns"	/* where iproute2 keeps named namespaces */

/* Move the calling thread into /run/netns/<name>. */
int netns_enter(const char *name);
/* A new anonymous network namespace, as an fd for setns() (it lives as long
 * as the fd); the calling thread stays where it is. -errno on failure. */
int netns_new(void);
/* Create or delete /run/netns/<name>, as `ip netns add/delete` do. */
int netns_add(const char *name);
int netns_delete(const char *name);
/* True when a unicast default route leaves through ifname in the calling
 * thread's netns (reject/unreachable routes, e.g. IPv6's on lo, do not
 * count); true also when it cannot be read. */
bool iface_has_default_route(const char *ifname);

#endif
