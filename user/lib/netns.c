#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "netlink.h"
#include "netns.h"

int netns_enter(const char *name)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

int netns_new(void)
{
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), fd = -1, err = 0;

	if (home < 0)
		return -errno;
	if (unshare(CLONE_NEWNET)) {
		err = -errno;
		goto out;
	}
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	if (setns(home, CLONE_NEWNET) && !err)
		err = -errno;
out:
	close(home);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

/* As `ip netns add`: a new namespace kept alive by a bind mount of its nsfs
 * file on /run/netns/NAME. */
int netns_add(const char *name)
{
	char path[256], src[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	if (mkdir(NETNS_DIR, 0755) && errno != EEXIST)
		return -errno;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	fd = netns_new();
	if (fd < 0) {
		unlink(path);
		return fd;
	}
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, path, "none", MS_BIND, NULL)) {
		err = -errno;
		unlink(path);
	}
	close(fd);
	return err;
}

int netns_delete(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	umount2(path, MNT_DETACH);
	return unlink(path) ? -errno : 0;
}

bool iface_has_default_route(const char *ifname)
{
	int ifindex = if_nametoindex(ifname);
	bool found;

	/* Netlink answers for this thread's netns, which setns() may have
	 * changed. When it cannot answer, assume the worst. */
	if (!ifindex || netlink_has_default_route(ifindex, &found))
		return true;
	return found;
}
