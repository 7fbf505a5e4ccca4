/* One AF_XDP socket on one queue, with its own UMEM (libxdp xsk API). */
#ifndef RS_XSK_PORT_H
#define RS_XSK_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <xdp/xsk.h>

enum bind_mode { BIND_COPY = 0, BIND_ZEROCOPY = 1, BIND_AUTO = 2 };

struct xsk_port_cfg {
	const char *ifname;
	uint32_t queue;
	enum bind_mode bind;
	bool need_wakeup;
	uint32_t ring_size;	/* fill, completion, rx and tx rings */
	uint32_t frame_size;
	uint32_t nframes;	/* UMEM frames */
	uint32_t busy_poll_us;	/* 0: off */
	uint32_t batch;		/* busy-poll budget */
};

struct xsk_port {
	struct xsk_port_cfg cfg;
	int ifindex;
	void *area;
	size_t area_len;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	bool zerocopy;		/* what the bind really got */
	int fd;
};

/* Kernel-side socket counters (XDP_STATISTICS). */
struct xsk_kstats {
	uint64_t rx_dropped, rx_invalid_descs, tx_invalid_descs;
	uint64_t rx_ring_full, rx_fill_ring_empty_descs, tx_ring_empty_descs;
};

/* Validate cfg against the interface (queue count, frame size...). */
int xsk_port_check(const struct xsk_port_cfg *cfg);
int xsk_port_open(struct xsk_port *p, const struct xsk_port_cfg *cfg);
void xsk_port_close(struct xsk_port *p);
int xsk_port_kstats(const struct xsk_port *p, struct xsk_kstats *st);
/* Number of RX/combined queues of ifname (1 when ethtool says nothing). */
int iface_queue_count(const char *ifname);

#endif
