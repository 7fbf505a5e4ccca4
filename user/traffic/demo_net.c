#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "demo_net.h"
#include "log.h"
#include "netlink.h"
#include "netns.h"
#include "owner.h"

/* The veth pair, each end in its namespace, with the MTU pkt_size needs, up. */
static int make_pair(struct demo_net *d, uint32_t mtu)
{
	int fd_tx, fd_rx, err;
	char path[64];

	snprintf(path, sizeof(path), NETNS_DIR "/%s", d->ns_tx);
	fd_tx = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), NETNS_DIR "/%s", d->ns_rx);
	fd_rx = open(path, O_RDONLY | O_CLOEXEC);
	err = fd_tx < 0 || fd_rx < 0 ? -errno : netlink_veth_add(d->if_tx, fd_tx, d->if_rx, fd_rx, mtu, 0);
	if (fd_tx >= 0)
		close(fd_tx);
	if (fd_rx >= 0)
		close(fd_rx);
	if (!err && !(err = netns_enter(d->ns_tx)))
		err = netlink_link_set(d->if_tx, 1, 0);
	if (!err && !(err = netns_enter(d->ns_rx)))
		err = netlink_link_set(d->if_rx, 1, 0);
	if (demo_net_home(d) && !err)
		err = -errno;
	return err;
}

int demo_net_create(struct demo_net *d, uint32_t pkt_size)
{
	int pid = getpid(), err;

	memset(d, 0, sizeof(*d));
	snprintf(d->ns_tx, sizeof(d->ns_tx), DEMO_NS_PREFIX "%d-tx", pid);
	snprintf(d->ns_rx, sizeof(d->ns_rx), DEMO_NS_PREFIX "%d-rx", pid);
	snprintf(d->if_tx, sizeof(d->if_tx), "rsd%dt", pid);
	snprintf(d->if_rx, sizeof(d->if_rx), "rsd%dr", pid);
	snprintf(d->ns_path_tx, sizeof(d->ns_path_tx), "/run/netns/%s", d->ns_tx);
	snprintf(d->ns_path_rx, sizeof(d->ns_path_rx), "/run/netns/%s", d->ns_rx);
	d->home_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (d->home_fd < 0) {
		err = -errno;
		rs_err("cannot open my network namespace: %s", strerror(errno));
		return err;
	}
	d->created = true;
	d->lock_fd[0] = d->lock_fd[1] = -1;
	if ((err = netns_add(d->ns_tx)) || (err = netns_add(d->ns_rx)) ||
	    (err = d->lock_fd[0] = owner_lock(d->ns_path_tx)) < 0 ||
	    (err = d->lock_fd[1] = owner_lock(d->ns_path_rx)) < 0 ||
	    (err = make_pair(d, pkt_size > 1514 ? pkt_size - 14 : 1500))) {
		rs_err("cannot create the demo namespaces and veth pair: %s%s", strerror(-err),
		       err == -EOPNOTSUPP ? " (load the veth module: modprobe veth)" : "");
		return err;
	}
	return 0;
}

int demo_net_enter(struct demo_net *d, const char *ns)
{
	int err = netns_enter(ns);

	if (err)
		rs_err("cannot enter network namespace %s: %s", ns, strerror(-err));
	return err;
}

int demo_net_home(struct demo_net *d)
{
	return setns(d->home_fd, CLONE_NEWNET) ? -errno : 0;
}

void demo_net_destroy(struct demo_net *d)
{
	if (!d->created)
		return;
	demo_net_home(d);
	/* Our locks hold the namespaces open: let them go first. */
	for (int i = 0; i < 2; i++)
		if (d->lock_fd[i] >= 0)
			close(d->lock_fd[i]);
	/* Deleting a namespace destroys the veth end inside it, and its peer. */
	netns_delete(d->ns_tx);
	netns_delete(d->ns_rx);
	close(d->home_fd);
	d->created = false;
}

int demo_net_remove_stale(bool force, FILE *report, int *kept)
{
	struct dirent *de;
	int removed = 0;
	DIR *dir = opendir(NETNS_DIR);

	if (kept)
		*kept = 0;
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		char path[300];
		enum owner_state st;
		int fd;

		if (strncmp(de->d_name, DEMO_NS_PREFIX, strlen(DEMO_NS_PREFIX)))
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		st = owner_probe(path, strtol(de->d_name + strlen(DEMO_NS_PREFIX), NULL, 10), &fd);
		if (st != OWNER_GONE && !force) {
			if (report)
				fprintf(report, "kept    netns %s: %s\n", de->d_name, owner_state_str(st));
			if (kept)
				(*kept)++;
			continue;
		}
		if (fd >= 0)
			close(fd);	/* the namespace lives while a file of it is open */
		if (!netns_delete(de->d_name)) {
			removed++;
			if (report)
				fprintf(report, "removed netns %s: %s\n", de->d_name, st == OWNER_GONE ?
					owner_state_str(st) : "--all (its owner was alive)");
		}
	}
	closedir(dir);
	return removed;
}
