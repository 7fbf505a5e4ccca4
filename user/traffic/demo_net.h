/* The embedded default world: two private network namespaces joined by a veth
 * pair, named after this process and locked by it for its life (owner.h), so
 * a killed run's leftovers can be found and a live run's never taken. */
#ifndef RS_DEMO_NET_H
#define RS_DEMO_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define DEMO_NS_PREFIX "rs-demo-"

struct demo_net {
	char ns_tx[32], ns_rx[32];	/* rs-demo-<pid>-tx / -rx */
	char if_tx[16], if_rx[16];	/* rsd<pid>t / rsd<pid>r */
	char ns_path_tx[48], ns_path_rx[48];	/* /run/netns/... */
	int lock_fd[2];			/* owner_lock of each, -1 if none */
	int home_fd;			/* netns we came from */
	bool created;
};

int demo_net_create(struct demo_net *d, uint32_t pkt_size);
/* Move the calling thread into the tx/rx namespace, or back home. */
int demo_net_enter(struct demo_net *d, const char *ns);
int demo_net_home(struct demo_net *d);
void demo_net_destroy(struct demo_net *d);
/* Delete rs-demo-* namespaces whose owner is gone (all if force), one line per
 * namespace removed or kept on report (if not NULL); returns how many were
 * deleted; *kept (if not NULL): how many were left alone. */
int demo_net_remove_stale(bool force, FILE *report, int *kept);

#endif
