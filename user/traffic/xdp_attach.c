#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "xdp_attach.h"
#include "log.h"

unsigned int xdp_attached_prog(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	return q.prog_id ? q.prog_id : (q.drv_prog_id ? q.drv_prog_id :
	       (q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id));
}

static void prog_name(unsigned int id, char *name, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	snprintf(name, len, "?");
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		snprintf(name, len, "%s", info.name);
	close(fd);
}

/* The ip-link keyword that detaches a program attached in this mode: a plain
 * "xdp off" only looks at native mode on a driver that has it (veth), and
 * leaves an xdpgeneric program in place while returning success. */
static const char *ip_xdp_keyword(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return "xdp";
	return q.skb_prog_id ? "xdpgeneric" : q.hw_prog_id ? "xdpoffload" : "xdpdrv";
}

/* Whether program id is attached to ifindex through a bpf_link: then only its
 * owner can remove it (exit or close the link), neither ip-link nor --replace. */
static bool held_by_link(unsigned int id, int ifindex)
{
	__u32 lid = 0;
	bool held = false;

	while (!held && !bpf_link_get_next_id(lid, &lid)) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(lid);

		if (fd < 0)
			continue;
		held = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_XDP &&
		       info.prog_id == id && (int)info.xdp.ifindex == ifindex;
		close(fd);
	}
	return held;
}

int xdp_check_free(int ifindex, const char *ifname, bool replace)
{
	unsigned int other = xdp_attached_prog(ifindex);
	char name[32];

	if (!other)
		return 0;
	prog_name(other, name, sizeof(name));
	if (held_by_link(other, ifindex)) {
		rs_err("%s already has XDP program %u (%s), held by a bpf_link of a running process (another ringscope?): stop that process first; --replace cannot remove it",
		       ifname, other, name);
		return -EBUSY;
	}
	if (!replace) {
		rs_err("%s already has XDP program %u (%s): detach it ('ip link set dev %s %s off') or pass --replace",
		       ifname, other, name, ifname, ip_xdp_keyword(ifindex));
		return -EBUSY;
	}
	return 0;
}

int xdp_link_attach(int prog_fd, int ifindex, const char *ifname, enum xdp_mode mode, bool replace)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	unsigned int other = xdp_attached_prog(ifindex);
	char name[32];
	int fd;

	if (other) {
		if ((fd = xdp_check_free(ifindex, ifname, replace)))
			return fd;
		prog_name(other, name, sizeof(name));
		rs_note("replacing XDP program %u (%s) on %s", other, name, ifname);
		bpf_xdp_detach(ifindex, 0, NULL);
		bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	}
	opts.flags = mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	if (fd < 0) {
		fd = -errno;
		rs_err("cannot attach XDP (%s mode) to %s: %s%s", mode == XDP_MODE_SKB ? "skb" : "native",
		       ifname, strerror(-fd),
		       mode == XDP_MODE_NATIVE ? ": try --xdp-mode skb" :
		       (fd == -EBUSY ? ": another program holds the interface; pass --replace" : ""));
	}
	return fd;
}
