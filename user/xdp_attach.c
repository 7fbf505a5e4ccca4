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

int xdp_link_attach(int prog_fd, int ifindex, const char *ifname, enum xdp_mode mode, bool replace)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	unsigned int other = xdp_attached_prog(ifindex);
	char name[32];
	int fd;

	if (other) {
		prog_name(other, name, sizeof(name));
		if (!replace) {
			rs_err("%s already has XDP program %u (%s): detach it ('ip link set %s xdp off') or pass --replace",
			       ifname, other, name, ifname);
			return -EBUSY;
		}
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
