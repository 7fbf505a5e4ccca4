#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include "xsk_port.h"
#include "log.h"

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

int iface_queue_count(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = {};
	int fd, n = 1;
	char path[128];
	FILE *f;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
		ifr.ifr_data = (void *)&ch;
		if (!ioctl(fd, SIOCETHTOOL, &ifr) && (ch.rx_count + ch.combined_count))
			n = ch.rx_count + ch.combined_count;
		close(fd);
		if (n > 1)
			return n;
	}
	/* veth reports channels only on newer kernels: count queue dirs too. */
	for (int q = 1; q < 1024; q++) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-%d", ifname, q);
		f = fopen(path, "r");
		if (!f && errno == ENOENT)
			break;
		if (f)
			fclose(f);
		n = q + 1;
	}
	return n;
}

int xsk_port_check(const struct xsk_port_cfg *c)
{
	int nq;

	if (!if_nametoindex(c->ifname)) {
		rs_err("no interface '%s' here: check 'ip link' (and --netns)", c->ifname);
		return -ENODEV;
	}
	nq = iface_queue_count(c->ifname);
	if ((int)c->queue >= nq) {
		rs_err("queue %u is out of range: %s has %d queue%s (use 0..%d)",
		       c->queue, c->ifname, nq, nq > 1 ? "s" : "", nq - 1);
		return -EINVAL;
	}
	return 0;
}

static int try_bind(struct xsk_port *p, uint16_t mode_flag)
{
	struct xsk_socket_config sc = {
		.rx_size = p->cfg.ring_size,
		.tx_size = p->cfg.ring_size,
		/* ringscope attaches its own XDP program: libxdp must not load one. */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = mode_flag | (p->cfg.need_wakeup ? XDP_USE_NEED_WAKEUP : 0),
	};

	return xsk_socket__create(&p->xsk, p->cfg.ifname, p->cfg.queue, p->umem,
				  &p->rx, &p->tx, &sc);
}

/* A socket closed a moment ago (a run that just ended) keeps its queue until
 * the kernel's deferred release has run, which takes a while on a loaded
 * machine: retry a busy bind for up to 2 s before calling the queue taken. */
static int bind_retry(struct xsk_port *p, uint16_t mode_flag)
{
	int err;

	for (int i = 0;; i++) {
		err = try_bind(p, mode_flag);
		if (err != -EBUSY || i == 40)
			return err;
		usleep(50000);
	}
}

static void set_busy_poll(struct xsk_port *p)
{
	int one = 1, us = p->cfg.busy_poll_us, budget = p->cfg.batch;

	if (setsockopt(p->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof(one)) ||
	    setsockopt(p->fd, SOL_SOCKET, SO_BUSY_POLL, &us, sizeof(us)) ||
	    setsockopt(p->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &budget, sizeof(budget)))
		rs_note("busy polling not available on %s: %s (continuing without)",
			p->cfg.ifname, strerror(errno));
}

int xsk_port_open(struct xsk_port *p, const struct xsk_port_cfg *cfg)
{
	struct xsk_umem_config uc = {
		.fill_size = cfg->ring_size,
		.comp_size = cfg->ring_size,
		.frame_size = cfg->frame_size,
		.frame_headroom = 0,
	};
	int err;

	memset(p, 0, sizeof(*p));
	p->cfg = *cfg;
	p->fd = -1;
	err = xsk_port_check(cfg);
	if (err)
		return err;
	p->ifindex = if_nametoindex(cfg->ifname);
	p->area_len = (size_t)cfg->nframes * cfg->frame_size;
	p->area = mmap(NULL, p->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p->area == MAP_FAILED) {
		p->area = NULL;
		rs_err("cannot map %zu bytes of UMEM: %s", p->area_len, strerror(errno));
		return -ENOMEM;
	}
	err = xsk_umem__create(&p->umem, p->area, p->area_len, &p->fq, &p->cq, &uc);
	if (err) {
		rs_err("cannot create UMEM on %s: %s%s", cfg->ifname, strerror(-err),
		       err == -ENOMEM || err == -EPERM ? " (locked memory limit: lower --frames)" : "");
		goto fail;
	}
	if (cfg->bind == BIND_COPY) {
		err = bind_retry(p, XDP_COPY);
	} else {
		err = bind_retry(p, XDP_ZEROCOPY);
		p->zerocopy = !err;
		/* EBUSY: the queue has a socket already, zero-copy or not. */
		if (err && err != -EBUSY && cfg->bind == BIND_AUTO) {
			rs_note("%s queue %u: zero-copy not supported (%s), using copy mode",
				cfg->ifname, cfg->queue, strerror(-err));
			err = try_bind(p, XDP_COPY);
		} else if (err && err != -EBUSY) {
			rs_err("%s queue %u: zero-copy bind failed (%s): the driver cannot do AF_XDP zero-copy; use --bind copy or auto",
			       cfg->ifname, cfg->queue, strerror(-err));
			goto fail;
		}
	}
	if (err == -EBUSY) {
		rs_err("%s queue %u already has an AF_XDP socket (another ringscope?): stop it or pick another queue with -q",
		       cfg->ifname, cfg->queue);
		goto fail;
	}
	if (err) {
		rs_err("cannot bind AF_XDP socket to %s queue %u: %s", cfg->ifname, cfg->queue, strerror(-err));
		goto fail;
	}
	p->fd = xsk_socket__fd(p->xsk);
	if (cfg->busy_poll_us)
		set_busy_poll(p);
	return 0;
fail:
	xsk_port_close(p);
	return err;
}

void xsk_port_close(struct xsk_port *p)
{
	if (p->xsk)
		xsk_socket__delete(p->xsk);
	if (p->umem)
		xsk_umem__delete(p->umem);
	if (p->area)
		munmap(p->area, p->area_len);
	p->xsk = NULL;
	p->umem = NULL;
	p->area = NULL;
}

int xsk_port_kstats(const struct xsk_port *p, struct xsk_kstats *st)
{
	struct xdp_statistics xs = {};
	socklen_t len = sizeof(xs);

	memset(st, 0, sizeof(*st));
	if (getsockopt(p->fd, SOL_XDP, XDP_STATISTICS, &xs, &len))
		return -errno;
	st->rx_dropped = xs.rx_dropped;
	st->rx_invalid_descs = xs.rx_invalid_descs;
	st->tx_invalid_descs = xs.tx_invalid_descs;
	st->rx_ring_full = xs.rx_ring_full;
	st->rx_fill_ring_empty_descs = xs.rx_fill_ring_empty_descs;
	st->tx_ring_empty_descs = xs.tx_ring_empty_descs;
	return 0;
}
