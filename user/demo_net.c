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
#include "netns.h"
#include "owner.h"

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
	if ((err = run_fmt("ip netns add %s", d->ns_tx)) ||
	    (err = run_fmt("ip netns add %s", d->ns_rx)) ||
	    (err = d->lock_fd[0] = owner_lock(d->ns_path_tx)) < 0 ||
	    (err = d->lock_fd[1] = owner_lock(d->ns_path_rx)) < 0 ||
	    (err = run_fmt("ip link add %s netns %s type veth peer name %s netns %s",
			   d->if_tx, d->ns_tx, d->if_rx, d->ns_rx)) ||
	    (err = run_fmt("ip -n %s link set %s mtu %u up", d->ns_tx, d->if_tx, pkt_size > 1514 ? pkt_size - 14 : 1500)) ||
	    (err = run_fmt("ip -n %s link set %s mtu %u up", d->ns_rx, d->if_rx, pkt_size > 1514 ? pkt_size - 14 : 1500))) {
		rs_err("cannot create the demo namespaces and veth pair with iproute2 (%s): is 'ip' installed? ('make deps')",
		       strerror(-err));
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
	run_fmt("ip netns delete %s", d->ns_tx);
	run_fmt("ip netns delete %s", d->ns_rx);
	close(d->home_fd);
	d->created = false;
}

int demo_net_remove_stale(bool force, FILE *report, int *kept)
{
	struct dirent *de;
	int removed = 0;
	DIR *dir = opendir("/run/netns");

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
		if (!run_fmt("ip netns delete %s", de->d_name)) {
			removed++;
			if (report)
				fprintf(report, "removed netns %s: %s\n", de->d_name, st == OWNER_GONE ?
					owner_state_str(st) : "--all (its owner was alive)");
		}
	}
	closedir(dir);
	return removed;
}
