#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "gen.h"
#include "lab_gen.h"
#include "log.h"
#include "stop.h"
#include "vhost_gen.h"

#define VHOST_TX_VQ 1			/* virtio-net: queue 0 receives, queue 1 transmits */
#define VH_ETHERTYPE 0x88b5		/* IEEE local experimental: no protocol handler takes it */
#define VH_HDR_LEN ((uint32_t)sizeof(struct virtio_net_hdr))	/* legacy header: no VERSION_1, no MRG_RXBUF */
#define VH_MAGIC 0x52535648u		/* "RSVH" */
#define PUBLISH_NS 10000000ull
#define DRAIN_NS 3000000000ull		/* how long the driver waits for the last used entries */

struct vh_run {
	const struct vhost_cfg *cfg;
	int vhost_fd, tap_fd, kick_fd, call_fd, sink_fd;
	char tap[IFNAMSIZ];
	void *mem;
	size_t mem_len;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint8_t *bufs;
	size_t stride;
	uint64_t *submit_ts;
	uint64_t *seq_of;		/* --path: the send count (avail index) each descriptor carries */
	struct lab_worker w;		/* the driver */
	pthread_t sink;
	bool sink_started, backend_set;
	volatile bool sink_stop;
	struct vhost_counters pub;	/* the driver's, published through w */
	uint64_t rx_frames, rx_bytes;	/* atomic */
	uint64_t start_ns, end_ns;
	int err;
};

int vhost_zcopytx(void)
{
	FILE *f = fopen("/sys/module/vhost_net/parameters/experimental_zcopytx", "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static uint64_t tap_rx_packets(const char *tap)
{
	char path[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/rx_packets", tap);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* ---- tap -------------------------------------------------------------------- */

static int tap_open(struct vh_run *r)
{
	struct ifreq ifr = {};
	char path[128];
	int fd, s, err = 0;

	r->tap_fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (r->tap_fd < 0) {
		err = -errno;
		rs_err("cannot open /dev/net/tun: %s (load the tun module: modprobe tun)", strerror(errno));
		return err;
	}
	/* vhost reads the virtio-net header from the packet: the tap parses it. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", r->cfg->tap ? r->cfg->tap : "rst-zc-tap%d");
	if (ioctl(r->tap_fd, TUNSETIFF, &ifr)) {
		err = -errno;
		rs_err("TUNSETIFF %s: %s", ifr.ifr_name, strerror(errno));
		return err;
	}
	snprintf(r->tap, sizeof(r->tap), "%s", ifr.ifr_name);
	/* No IPv6 autoconfiguration chatter on it. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", r->tap);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
		if (write(fd, "1", 1) < 0)
			rs_note("IPv6 stays on for %s: %s", r->tap, strerror(errno));
		close(fd);
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) || (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr))) {
		err = -errno;
		rs_err("cannot bring %s up: %s", r->tap, strerror(errno));
	}
	if (s >= 0)
		close(s);
	return err;
}

/* ---- vhost ------------------------------------------------------------------ */

static int vh_ioctl(struct vh_run *r, unsigned long req, void *arg, const char *what)
{
	int err;

	if (!ioctl(r->vhost_fd, req, arg))
		return 0;
	err = -errno;
	rs_err("%s on /dev/vhost-net: %s", what, strerror(errno));
	return err;
}

static int vhost_setup(struct vh_run *r, uint64_t *features)
{
	const struct vhost_cfg *cfg = r->cfg;
	uint32_t num = cfg->qsize;
	size_t avail_off = 16 * num, used_off = (avail_off + 6 + 2 * num + 4095) & ~4095ul;
	size_t ring_len = (used_off + 6 + 8 * num + 4095) & ~4095ul;
	struct vhost_memory *mem;
	struct vhost_vring_state st = { .index = VHOST_TX_VQ };
	struct vhost_vring_file file = { .index = VHOST_TX_VQ };
	struct vhost_vring_addr addr = { .index = VHOST_TX_VQ };
	uint64_t f = 0;
	int err;

	r->vhost_fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (r->vhost_fd < 0) {
		err = -errno;
		rs_err("cannot open /dev/vhost-net: %s (load the vhost_net module: modprobe vhost_net)", strerror(errno));
		return err;
	}
	/* The guest's memory is ours: one region, guest-physical == our virtual
	 * address, holding the ring and a page-aligned buffer per descriptor. */
	r->stride = (VH_HDR_LEN + cfg->size + 4095) & ~4095ul;
	r->mem_len = ring_len + num * r->stride;
	r->mem = mmap(NULL, r->mem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (r->mem == MAP_FAILED) {
		r->mem = NULL;
		err = -errno;
		rs_err("cannot map %zu bytes for the ring and buffers: %s (smaller --size or --queue-size)", r->mem_len,
		       strerror(errno));
		return err;
	}
	r->desc = r->mem;
	r->avail = (struct vring_avail *)((char *)r->mem + avail_off);
	r->used = (struct vring_used *)((char *)r->mem + used_off);
	r->bufs = (uint8_t *)r->mem + ring_len;
	r->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->kick_fd < 0 || r->call_fd < 0)
		return -errno;
	mem = calloc(1, sizeof(*mem) + sizeof(mem->regions[0]));
	if (!mem)
		return -ENOMEM;
	mem->nregions = 1;
	mem->regions[0].guest_phys_addr = (uint64_t)(uintptr_t)r->mem;
	mem->regions[0].memory_size = r->mem_len;
	mem->regions[0].userspace_addr = (uint64_t)(uintptr_t)r->mem;
	/* Legacy virtio (no VERSION_1): the 10-byte header, native endianness;
	 * no EVENT_IDX: the flags fields suppress kicks and calls. */
	err = vh_ioctl(r, VHOST_SET_OWNER, NULL, "VHOST_SET_OWNER") ?:
	      vh_ioctl(r, VHOST_GET_FEATURES, &f, "VHOST_GET_FEATURES");
	*features = 0;
	if (!err)
		err = vh_ioctl(r, VHOST_SET_FEATURES, features, "VHOST_SET_FEATURES") ?:
		      vh_ioctl(r, VHOST_SET_MEM_TABLE, mem, "VHOST_SET_MEM_TABLE");
	free(mem);
	if (err)
		return err;
	st.num = num;
	err = vh_ioctl(r, VHOST_SET_VRING_NUM, &st, "VHOST_SET_VRING_NUM");
	addr.desc_user_addr = (uint64_t)(uintptr_t)r->desc;
	addr.avail_user_addr = (uint64_t)(uintptr_t)r->avail;
	addr.used_user_addr = (uint64_t)(uintptr_t)r->used;
	if (!err)
		err = vh_ioctl(r, VHOST_SET_VRING_ADDR, &addr, "VHOST_SET_VRING_ADDR");
	st.num = 0;
	if (!err)
		err = vh_ioctl(r, VHOST_SET_VRING_BASE, &st, "VHOST_SET_VRING_BASE");
	file.fd = r->kick_fd;
	if (!err)
		err = vh_ioctl(r, VHOST_SET_VRING_KICK, &file, "VHOST_SET_VRING_KICK");
	file.fd = r->call_fd;
	if (!err)
		err = vh_ioctl(r, VHOST_SET_VRING_CALL, &file, "VHOST_SET_VRING_CALL");
	file.fd = r->tap_fd;
	if (!err && !(err = vh_ioctl(r, VHOST_NET_SET_BACKEND, &file, "VHOST_NET_SET_BACKEND")))
		r->backend_set = true;
	return err;
}

/* ---- the guest driver ------------------------------------------------------- */

static void fill_frame(struct vh_run *r, uint16_t id, uint64_t seq, uint64_t ts)
{
	uint8_t *b = r->bufs + id * r->stride, *eth = b + VH_HDR_LEN;
	uint32_t magic = htonl(VH_MAGIC);

	memcpy(eth + 14, &magic, 4);
	memcpy(eth + 18, &seq, 8);
	memcpy(eth + 26, &ts, 8);
}

static void init_buffers(struct vh_run *r)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0x7a, 0x02 }, src[6] = { 0x02, 0, 0, 0, 0x7a, 0x01 };
	uint16_t type = htons(VH_ETHERTYPE);

	for (uint32_t id = 0; id < r->cfg->qsize; id++) {
		uint8_t *b = r->bufs + id * r->stride, *eth = b + VH_HDR_LEN;

		memset(b, 0, VH_HDR_LEN);	/* flags 0, GSO_NONE: a plain frame */
		memcpy(eth, dst, 6);
		memcpy(eth + 6, src, 6);
		memcpy(eth + 12, &type, 2);
		for (uint32_t i = 34; i < r->cfg->size; i++)
			eth[i] = (uint8_t)(i * 13 + 5);
		r->desc[id].addr = (uint64_t)(uintptr_t)b;
		r->desc[id].len = VH_HDR_LEN + r->cfg->size;
		r->desc[id].flags = 0;
		r->desc[id].next = 0;
	}
}

static uint32_t reap(struct vh_run *r, struct vhost_counters *c, uint16_t *last_used, uint16_t *free_ids,
		     uint32_t *nfree)
{
	uint16_t idx = __atomic_load_n(&r->used->idx, __ATOMIC_ACQUIRE), num = r->cfg->qsize;
	uint64_t now = now_ns();
	uint32_t n = 0;

	while (*last_used != idx) {
		struct vring_used_elem *e = &r->used->ring[*last_used & (num - 1)];
		uint32_t id = e->id;

		(*last_used)++;
		if (id >= num)
			continue;	/* not ours: vhost would have reported an error */
		hist_add(&c->lat, now - r->submit_ts[id]);
		if (r->cfg->path)
			path_join_user(r->cfg->path, PH_TX_REAP, &(struct path_stamp){ .seq = r->seq_of[id], .ts = now }, 1);
		c->used++;
		c->bytes += r->cfg->size;
		free_ids[(*nfree)++] = id;
		n++;
	}
	return n;
}

/* Nothing to reap and nothing free: ask for a call and sleep on it. */
static void wait_call(struct vh_run *r, struct vhost_counters *c, uint16_t last_used)
{
	struct pollfd pfd = { .fd = r->call_fd, .events = POLLIN };
	uint64_t v;

	__atomic_store_n(&r->avail->flags, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->used->idx, __ATOMIC_ACQUIRE) == last_used) {
		c->call_waits++;
		poll(&pfd, 1, 10);
	}
	v = read(r->call_fd, &v, sizeof(v));	/* clears the eventfd; EAGAIN after a timeout */
	__atomic_store_n(&r->avail->flags, VRING_AVAIL_F_NO_INTERRUPT, __ATOMIC_RELAXED);
}

static void driver_main(void *arg)
{
	struct vh_run *r = arg;
	const struct vhost_cfg *cfg = r->cfg;
	uint32_t num = cfg->qsize, nfree = num;
	uint16_t *free_ids = calloc(num, sizeof(*free_ids)), avail_idx = 0, last_used = 0;
	struct vhost_counters c = {};
	uint64_t start = now_ns(), last_pub = 0, drain_end = 0, one = 1;
	uint64_t end = cfg->duration > 0 ? start + (uint64_t)(cfg->duration * 1e9) : UINT64_MAX;

	if (!free_ids) {
		r->err = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < num; i++)
		free_ids[i] = num - 1 - i;
	r->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	r->start_ns = start;
	for (;;) {
		uint64_t now = now_ns();
		bool sending = !r->w.stop && now < end && (!cfg->count || c.sent < cfg->count);
		uint32_t added = 0;

		if (now - last_pub >= PUBLISH_NS) {
			lab_publish(&r->w, &c);
			last_pub = now;
		}
		while (sending && nfree && added < cfg->batch && (!cfg->count || c.sent < cfg->count)) {
			uint16_t id = free_ids[--nfree];

			r->submit_ts[id] = now;
			if (cfg->path) {	/* before the kernel can see it */
				r->seq_of[id] = c.sent;
				path_join_user(cfg->path, HK_SUBMIT, &(struct path_stamp){ .seq = c.sent, .ts = now }, 1);
			}
			fill_frame(r, id, c.sent, now);
			r->avail->ring[avail_idx & (num - 1)] = id;
			avail_idx++;
			c.sent++;
			added++;
		}
		if (added) {
			__atomic_store_n(&r->avail->idx, avail_idx, __ATOMIC_RELEASE);
			/* The avail index before the notification flag, like virtio_mb(). */
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (!(__atomic_load_n(&r->used->flags, __ATOMIC_RELAXED) & VRING_USED_F_NO_NOTIFY)) {
				if (write(r->kick_fd, &one, sizeof(one)) == sizeof(one))
					c.kicks++;
			}
		}
		if (reap(r, &c, &last_used, free_ids, &nfree) || (added && sending))
			continue;
		if (!sending) {
			if (c.used >= c.sent || r->w.stop)
				break;
			if (!drain_end)
				drain_end = now + DRAIN_NS;
			else if (now > drain_end)
				break;
		}
		wait_call(r, &c, last_used);
	}
	r->end_ns = now_ns();
out:
	free(free_ids);
	lab_publish(&r->w, &c);
}

/* ---- the sink: a packet socket on the tap (--sink read) ---------------------- */

static int sink_open(struct vh_run *r)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	struct timeval tv = { .tv_usec = 100000 };
	int rcvbuf = 8 << 20;

	sll.sll_ifindex = if_nametoindex(r->tap);
	r->sink_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (r->sink_fd < 0 || bind(r->sink_fd, (struct sockaddr *)&sll, sizeof(sll))) {
		int err = -errno;

		rs_err("cannot open a packet socket on %s: %s", r->tap, strerror(errno));
		return err;
	}
	setsockopt(r->sink_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(r->sink_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return 0;
}

static void *sink_main(void *arg)
{
	struct vh_run *r = arg;
	size_t len = 70000;
	uint8_t *buf = malloc(len);

	while (buf && !r->sink_stop) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(r->sink_fd, buf, len, 0, (struct sockaddr *)&from, &fl);

		if (n < 14 || from.sll_pkttype == PACKET_OUTGOING || buf[12] != (VH_ETHERTYPE >> 8) ||
		    buf[13] != (VH_ETHERTYPE & 0xff))
			continue;
		__atomic_add_fetch(&r->rx_frames, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&r->rx_bytes, n, __ATOMIC_RELAXED);
	}
	free(buf);
	return NULL;
}

/* ---- the run ---------------------------------------------------------------- */

/* The driver's counters as published, the sink's as they are. */
static void snapshot(void *arg, void *counters)
{
	struct vh_run *r = arg;
	struct vhost_counters *c = counters;

	lab_read(&r->w, c);
	c->rx_frames = __atomic_load_n(&r->rx_frames, __ATOMIC_RELAXED);
	c->rx_bytes = __atomic_load_n(&r->rx_bytes, __ATOMIC_RELAXED);
}

static void teardown(struct vh_run *r)
{
	lab_worker_stop(&r->w);
	if (r->backend_set) {
		/* Detach: vhost waits for zero-copy buffers still in flight. */
		struct vhost_vring_file file = { .index = VHOST_TX_VQ, .fd = -1 };

		ioctl(r->vhost_fd, VHOST_NET_SET_BACKEND, &file);
	}
	if (r->sink_started) {
		usleep(200000);	/* what the stack still queues for the sink */
		r->sink_stop = true;
		pthread_join(r->sink, NULL);
	}
	if (r->vhost_fd >= 0)
		close(r->vhost_fd);
	if (r->sink_fd >= 0)
		close(r->sink_fd);
	if (r->tap_fd >= 0)
		close(r->tap_fd);	/* a non-persistent tap goes with its last fd */
	if (r->kick_fd >= 0)
		close(r->kick_fd);
	if (r->call_fd >= 0)
		close(r->call_fd);
	if (r->mem)
		munmap(r->mem, r->mem_len);
	free(r->submit_ts);
	free(r->seq_of);
}

int vhost_gen_run(const struct vhost_cfg *cfg, struct vhost_result *res, lab_interval_fn fn, void *ctx)
{
	struct vh_run r = { .cfg = cfg, .vhost_fd = -1, .tap_fd = -1, .kick_fd = -1, .call_fd = -1, .sink_fd = -1 };
	uint64_t tap0 = 0;
	int err;

	memset(res, 0, sizeof(*res));
	res->zcopytx = vhost_zcopytx();
	if (cfg->qsize < 2 || cfg->qsize > 32768 || (cfg->qsize & (cfg->qsize - 1))) {
		rs_err("--queue-size %u: a power of two, 2..32768", cfg->qsize);
		return -EINVAL;
	}
	if (cfg->size < 60) {
		rs_err("--size %u: an Ethernet frame has at least 60 bytes", cfg->size);
		return -EINVAL;
	}
	lab_worker_init(&r.w, driver_main, snapshot, &r, &r.pub, sizeof(r.pub));
	r.submit_ts = calloc(cfg->qsize, sizeof(*r.submit_ts));
	r.seq_of = calloc(cfg->qsize, sizeof(*r.seq_of));
	if (!r.submit_ts || !r.seq_of) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = tap_open(&r)) || (err = vhost_setup(&r, &res->features)))
		goto out;
	snprintf(res->tap, sizeof(res->tap), "%s", r.tap);
	init_buffers(&r);
	if (cfg->sink == VHOST_SINK_READ) {
		if ((err = sink_open(&r)))
			goto out;
		if (pthread_create(&r.sink, NULL, sink_main, &r)) {
			err = -EAGAIN;
			goto out;
		}
		r.sink_started = true;
	}
	tap0 = tap_rx_packets(r.tap);
	if ((err = lab_worker_run(&r.w, cfg->interval, cfg->count || cfg->duration > 0, fn, ctx, &res->cpu)))
		goto out;
	res->tap_rx_packets = tap_rx_packets(r.tap) - tap0;	/* before the tap goes away */
	res->duration_s = (r.end_ns - r.start_ns) / 1e9;
	err = r.err;
out:
	teardown(&r);
	snapshot(&r, &res->c);
	lab_worker_fini(&r.w);
	return err;
}

/* ---- rendering -------------------------------------------------------------- */

static const char *sink_name(int sink)
{
	return sink == VHOST_SINK_READ ? "read" : "drop";
}

static void vhost_print_banner(FILE *out, const void *cfg_)
{
	const struct vhost_cfg *cfg = cfg_;

	fprintf(out, "vhost-gen: %u B frames, experimental_zcopytx=%d (vhost_net module parameter)\n", cfg->size,
		vhost_zcopytx());
}

static void vhost_print_interval(FILE *out, const void *cfg, const void *cur_, const void *prev_, double t_s,
			   double dt_s)
{
	const struct vhost_counters *cur = cur_, *prev = prev_;
	struct rs_hist lat;

	hist_delta(&lat, &cur->lat, &prev->lat);
	fprintf(out, "%6.2fs vhost tx %9.0f pkts/s %7.3f Gbit/s  kicks %llu  avail->used p50 %.0f ns p99 %.0f ns\n",
		t_s, dt_s > 0 ? (cur->used - prev->used) / dt_s : 0,
		dt_s > 0 ? (cur->bytes - prev->bytes) * 8 / dt_s / 1e9 : 0,
		(unsigned long long)(cur->kicks - prev->kicks), hist_percentile(&lat, 50), hist_percentile(&lat, 99));
	fflush(out);
}

static void vhost_json_interval(struct json_writer *w, const void *cfg, const void *cur_, const void *prev_, double dt_s)
{
	const struct vhost_counters *cur = cur_, *prev = prev_;
	struct rs_hist lat;

	hist_delta(&lat, &cur->lat, &prev->lat);
	json_kv_u64(w, "used", cur->used - prev->used);
	json_kv_double(w, "pps", dt_s > 0 ? (cur->used - prev->used) / dt_s : 0);
	json_kv_double(w, "gbps", dt_s > 0 ? (cur->bytes - prev->bytes) * 8 / dt_s / 1e9 : 0);
	json_kv_u64(w, "kicks", cur->kicks - prev->kicks);
	json_kv_double(w, "used_lat_ns_p50", hist_percentile(&lat, 50));
	json_kv_double(w, "used_lat_ns_p99", hist_percentile(&lat, 99));
}

static void vhost_print_final(FILE *out, const void *cfg_, const void *res)
{
	const struct vhost_cfg *cfg = cfg_;
	const struct vhost_result *r = res;
	const struct vhost_counters *c = &r->c;
	double d = r->duration_s > 0 ? r->duration_s : 1;

	fprintf(out, "\n--- vhost-gen: %u B frames, queue %u, batch %u, tap %s, sink %s, experimental_zcopytx=%d, %.2f s ---\n",
		cfg->size, cfg->qsize, cfg->batch, r->tap, sink_name(cfg->sink), r->zcopytx, r->duration_s);
	fprintf(out, "sent %llu, used %llu (%.0f pkts/s, %.3f Gbit/s), kicks %llu (%.3f per packet), call waits %llu, tap rx_packets %llu",
		(unsigned long long)c->sent, (unsigned long long)c->used, c->used / d, c->bytes * 8 / d / 1e9,
		(unsigned long long)c->kicks, c->used ? (double)c->kicks / c->used : 0,
		(unsigned long long)c->call_waits, (unsigned long long)r->tap_rx_packets);
	if (cfg->sink == VHOST_SINK_READ)
		fprintf(out, ", sink read %llu frames", (unsigned long long)c->rx_frames);
	fprintf(out, "\nCPU per packet: %.0f ns busy on all %d CPUs (/proc/stat), %.0f ns in this process (getrusage)\n",
		c->used ? r->cpu.busy_s * 1e9 / c->used : 0, r->cpu.ncpu, c->used ? r->cpu.self_s * 1e9 / c->used : 0);
	hist_print_titled(out, "avail -> used (descriptor made available -> its used entry reaped)", &c->lat);
	fflush(out);
}

static void vhost_json_final(struct json_writer *w, const void *cfg_, const void *res)
{
	const struct vhost_cfg *cfg = cfg_;
	const struct vhost_result *r = res;
	const struct vhost_counters *c = &r->c;
	double d = r->duration_s > 0 ? r->duration_s : 1;

	json_kv_u64(w, "size", cfg->size);
	json_kv_u64(w, "queue_size", cfg->qsize);
	json_kv_u64(w, "batch", cfg->batch);
	json_kv_str(w, "sink", sink_name(cfg->sink));
	json_kv_str(w, "tap", r->tap);
	json_key(w, "experimental_zcopytx");
	r->zcopytx < 0 ? json_null(w) : json_u64(w, r->zcopytx);
	json_kv_u64(w, "features", r->features);
	json_kv_double(w, "duration_s", r->duration_s);
	json_kv_u64(w, "sent", c->sent);
	json_kv_u64(w, "used", c->used);
	json_kv_u64(w, "bytes", c->bytes);
	json_kv_double(w, "pps", c->used / d);
	json_kv_double(w, "gbps", c->bytes * 8 / d / 1e9);
	json_kv_u64(w, "kicks", c->kicks);
	json_kv_double(w, "kicks_per_pkt", c->used ? (double)c->kicks / c->used : 0);
	json_kv_u64(w, "call_waits", c->call_waits);
	json_kv_u64(w, "tap_rx_packets", r->tap_rx_packets);
	json_kv_u64(w, "sink_frames", c->rx_frames);
	json_kv_u64(w, "sink_bytes", c->rx_bytes);
	json_kv_double(w, "cpu_busy_s", r->cpu.busy_s);
	json_kv_double(w, "cpu_self_s", r->cpu.self_s);
	json_kv_u64(w, "ncpu", r->cpu.ncpu);
	json_kv_double(w, "cpu_busy_ns_per_pkt", c->used ? r->cpu.busy_s * 1e9 / c->used : 0);
	json_kv_double(w, "cpu_self_ns_per_pkt", c->used ? r->cpu.self_s * 1e9 / c->used : 0);
	hist_json(w, "used_lat_ns", &c->lat, true);
}

static int vhost_lab_run(const void *cfg, void *res, lab_interval_fn fn, void *ctx)
{
	return vhost_gen_run(cfg, res, fn, ctx);
}

static double vhost_lab_duration_s(const void *res)
{
	return ((const struct vhost_result *)res)->duration_s;
}

const struct lab_gen vhost_gen = {
	.run = vhost_lab_run,
	.duration_s = vhost_lab_duration_s,
	.print_banner = vhost_print_banner,
	.print_interval = vhost_print_interval,
	.json_interval = vhost_json_interval,
	.print_final = vhost_print_final,
	.json_final = vhost_json_final,
};
