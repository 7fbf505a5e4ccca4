#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "gen.h"
#include "lab_gen.h"
#include "log.h"
#include "netlink.h"
#include "stop.h"
#include "netns.h"
#include "zc_gen.h"

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif
#ifndef SO_EE_ORIGIN_ZEROCOPY
#define SO_EE_ORIGIN_ZEROCOPY 5
#endif
#ifndef SO_EE_CODE_ZEROCOPY_COPIED
#define SO_EE_CODE_ZEROCOPY_COPIED 1
#endif

#define ZC_IF_A "rst-zc-a"
#define ZC_IF_B "rst-zc-b"
#define ZC_ADDR_A "10.77.0.1"
#define ZC_ADDR_B "10.77.0.2"
#define PUBLISH_NS 10000000ull		/* the sender publishes counters every 10 ms */
#define DRAIN_NS 2000000000ull		/* how long the sender waits for the last completions */
#define UDP_MAX_PAYLOAD 65507

struct zc_run {
	const struct zc_cfg *cfg;
	int home_fd, ns_a, ns_b;	/* anonymous namespaces: they go with our fds */
	int sfd, lfd, rfd;		/* sender, TCP listener, receiver */
	void *buf;
	uint64_t *ts;			/* send time per zerocopy id, ring */
	uint32_t ts_mask;
	struct lab_worker w;		/* the sender */
	pthread_t receiver;
	bool receiver_started;
	volatile bool receiver_stop;
	struct zc_counters pub;		/* the sender's, published through w */
	uint64_t rx_bytes, rx_msgs;	/* receiver's, atomic */
	uint64_t start_ns, end_ns;
	int err;
};

/* ---- namespaces and the veth pair ------------------------------------------- */

/* In the calling thread's netns: address/24 on ifname, and up. */
static int if_config(const char *ifname, const char *addr)
{
	struct ifreq ifr = {};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
	if (ioctl(fd, SIOCSIFADDR, &ifr))
		err = -errno;
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	if (!err && ioctl(fd, SIOCSIFNETMASK, &ifr))
		err = -errno;
	if (!err && ioctl(fd, SIOCGIFFLAGS, &ifr))
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(fd, SIOCSIFFLAGS, &ifr))
		err = -errno;
	close(fd);
	return err;
}

static int enter(int fd)
{
	return setns(fd, CLONE_NEWNET) ? -errno : 0;
}

/* ---- sockets ---------------------------------------------------------------- */

static void set_timeouts(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int sock_open(const struct zc_cfg *cfg)
{
	return socket(AF_INET, (cfg->proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
}

static int receiver_open(struct zc_run *r)
{
	const struct zc_cfg *cfg = r->cfg;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cfg->port) };
	int one = 1, rcvbuf = 4 << 20;

	inet_pton(AF_INET, ZC_ADDR_B, &sa.sin_addr);
	r->lfd = sock_open(cfg);
	if (r->lfd < 0)
		return -errno;
	setsockopt(r->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(r->lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(r->lfd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	if (cfg->proto == IPPROTO_TCP && listen(r->lfd, 1))
		return -errno;
	if (cfg->proto == IPPROTO_UDP) {
		r->rfd = r->lfd;
		r->lfd = -1;
		set_timeouts(r->rfd, 100);
	}
	return 0;
}

static int sender_open(struct zc_run *r, const char *dst)
{
	const struct zc_cfg *cfg = r->cfg;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cfg->port) };
	int one = 1, sndbuf = 4 << 20;

	if (inet_pton(AF_INET, dst, &sa.sin_addr) != 1) {
		rs_err("--dst '%s': give an IPv4 address", dst);
		return -EINVAL;
	}
	r->sfd = sock_open(cfg);
	if (r->sfd < 0)
		return -errno;
	setsockopt(r->sfd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (cfg->zerocopy && setsockopt(r->sfd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one))) {
		int err = -errno;

		rs_err("setsockopt SO_ZEROCOPY: %s (kernel older than 4.14, or --proto not TCP/UDP)", strerror(errno));
		return err;
	}
	if (cfg->ifname && setsockopt(r->sfd, SOL_SOCKET, SO_BINDTODEVICE, cfg->ifname, strlen(cfg->ifname) + 1))
		return -errno;
	if (connect(r->sfd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	set_timeouts(r->sfd, 200);	/* blocking sends, but the stop flag is seen */
	return 0;
}

/* ---- sender ----------------------------------------------------------------- */

/* --path: the notification [lo, hi] reaped at now: each send's reap stamp
 * (path_join.h), by its id. */
static void stamp_reaps(struct path_join *j, uint32_t lo, uint32_t hi, uint64_t now)
{
	struct path_stamp v[256];
	uint32_t n = 0;

	for (uint32_t id = lo;; id++) {
		v[n++] = (struct path_stamp){ .seq = id, .ts = now };
		if (n == 256 || id == hi) {
			path_join_user(j, PH_TX_REAP, v, n);
			n = 0;
		}
		if (id == hi)
			break;
	}
}

/* Read completion notifications; wait up to 10 ms for one when asked. */
static void read_errqueue(struct zc_run *r, struct zc_counters *c, uint64_t *outstanding, bool wait)
{
	char control[256];
	uint64_t now;

	if (wait) {
		struct pollfd pfd = { .fd = r->sfd, .events = 0 };	/* POLLERR is always reported */

		poll(&pfd, 1, 10);
	}
	for (;;) {
		struct msghdr msg = { .msg_control = control, .msg_controllen = sizeof(control) };
		struct cmsghdr *cm;

		if (recvmsg(r->sfd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		now = now_ns();
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			struct sock_extended_err *ee;
			uint32_t lo, hi;

			if (!((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
			      (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR)))
				continue;
			ee = (struct sock_extended_err *)CMSG_DATA(cm);
			if (ee->ee_origin != SO_EE_ORIGIN_ZEROCOPY || ee->ee_errno) {
				c->send_errors++;
				continue;
			}
			lo = ee->ee_info;
			hi = ee->ee_data;
			/* A range covers sends still outstanding, at most the
			 * send-time ring: anything wider is not looked into. */
			if (cm->cmsg_len < CMSG_LEN(sizeof(*ee)) || hi - lo >= *outstanding || hi - lo > r->ts_mask) {
				c->bad_notifications++;
				continue;
			}
			c->notifications++;
			c->completions += hi - lo + 1;
			if (ee->ee_code & SO_EE_CODE_ZEROCOPY_COPIED)
				c->copied += hi - lo + 1;
			for (uint32_t id = lo; id != hi + 1; id++)
				hist_add(&c->lat, now - r->ts[id & r->ts_mask]);
			if (r->cfg->path)
				stamp_reaps(r->cfg->path, lo, hi, now);
			*outstanding -= hi - lo + 1;
		}
	}
}

static void sender_main(void *arg)
{
	struct zc_run *r = arg;
	const struct zc_cfg *cfg = r->cfg;
	struct zc_counters c = {};
	uint64_t next_id = 0, outstanding = 0, last_pub = 0, start = now_ns(), drain_end;
	uint64_t end = cfg->duration > 0 ? start + (uint64_t)(cfg->duration * 1e9) : UINT64_MAX;
	int flags = cfg->zerocopy ? MSG_ZEROCOPY : 0;

	r->start_ns = start;
	for (;;) {
		uint64_t now = now_ns(), t1;
		ssize_t n;

		if (r->w.stop || now >= end || (cfg->count && c.sends >= cfg->count))
			break;
		if (now - last_pub >= PUBLISH_NS) {
			lab_publish(&r->w, &c);
			last_pub = now;
		}
		if (cfg->zerocopy) {
			read_errqueue(r, &c, &outstanding, false);
			if (outstanding >= cfg->inflight) {
				read_errqueue(r, &c, &outstanding, true);
				continue;
			}
			r->ts[next_id & r->ts_mask] = now;
		}
		n = send(r->sfd, r->buf, cfg->size, flags);
		t1 = now_ns();
		if (n < 0) {
			if (errno == ENOBUFS && cfg->zerocopy) {
				/* optmem_max full of notifications: read some first. */
				c.enobufs++;
				read_errqueue(r, &c, &outstanding, true);
				continue;
			}
			if (errno == EINTR || errno == EAGAIN || errno == ECONNREFUSED) {
				c.send_errors += errno == ECONNREFUSED;
				continue;
			}
			r->err = -errno;
			rs_err("send: %s", strerror(errno));
			break;
		}
		hist_add(&c.send_lat, t1 - now);
		c.sends++;
		c.bytes += n;
		if (cfg->zerocopy) {
			if (cfg->path)	/* its submit stamp, under the id the kernel gave it */
				path_join_user(cfg->path, HK_SUBMIT, &(struct path_stamp){ .seq = (uint32_t)next_id, .ts = now }, 1);
			next_id++;
			outstanding++;
		}
	}
	/* Drain: the last completions. */
	drain_end = now_ns() + DRAIN_NS;
	while (cfg->zerocopy && outstanding && now_ns() < drain_end && !r->w.stop)
		read_errqueue(r, &c, &outstanding, true);
	r->end_ns = now_ns();
	lab_publish(&r->w, &c);
}

/* ---- receiver --------------------------------------------------------------- */

static void *receiver_main(void *arg)
{
	struct zc_run *r = arg;
	size_t len = 256 << 10;
	char *buf = malloc(len);
	int fd = r->rfd;

	if (!buf)
		return NULL;
	if (r->lfd >= 0) {	/* TCP: one connection */
		while (!r->receiver_stop && fd < 0) {
			struct pollfd pfd = { .fd = r->lfd, .events = POLLIN };

			if (poll(&pfd, 1, 100) > 0)
				fd = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC);
		}
		if (fd >= 0)
			set_timeouts(fd, 100);
		r->rfd = fd;
	}
	while (fd >= 0 && !r->receiver_stop) {
		ssize_t n = recv(fd, buf, len, 0);

		if (n > 0) {
			__atomic_add_fetch(&r->rx_bytes, n, __ATOMIC_RELAXED);
			__atomic_add_fetch(&r->rx_msgs, 1, __ATOMIC_RELAXED);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			break;	/* EOF: the sender is done */
		}
	}
	free(buf);
	return NULL;
}

/* ---- the run ---------------------------------------------------------------- */

/* The sender's counters as published, the receiver's as they are. */
static void snapshot(void *arg, void *counters)
{
	struct zc_run *r = arg;
	struct zc_counters *c = counters;

	lab_read(&r->w, c);
	c->rx_bytes = __atomic_load_n(&r->rx_bytes, __ATOMIC_RELAXED);
	c->rx_msgs = __atomic_load_n(&r->rx_msgs, __ATOMIC_RELAXED);
}

static int setup(struct zc_run *r)
{
	const struct zc_cfg *cfg = r->cfg;
	int err;

	if (cfg->ifname) {
		if (!cfg->dst) {
			rs_err("-i %s needs --dst ADDR (the receiver's IPv4 address on that link)", cfg->ifname);
			return -EINVAL;
		}
		if (iface_has_default_route(cfg->ifname) && !cfg->force) {
			rs_err("%s carries the default route: generated traffic would leave the machine; use a veth pair (drop -i) or --force",
			       cfg->ifname);
			return -EPERM;
		}
		if ((err = sender_open(r, cfg->dst)))
			rs_err("cannot connect to %s:%u on %s: %s%s", cfg->dst, cfg->port, cfg->ifname, strerror(-err),
			       cfg->proto == IPPROTO_TCP ? " (TCP needs a listener there)" : "");
		return err;
	}
	r->home_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (r->home_fd < 0 || (r->ns_a = netns_new()) < 0 || (r->ns_b = netns_new()) < 0) {
		err = r->home_fd < 0 ? -errno : r->ns_a < 0 ? r->ns_a : r->ns_b;
		rs_err("cannot create network namespaces: %s (run as root)", strerror(-err));
		return err;
	}
	/* Netlink, not ip: the VM guest's busybox ip has no veth and no netns. */
	if ((err = netlink_veth_add(ZC_IF_A, r->ns_a, ZC_IF_B, r->ns_b, cfg->mtu, 0))) {
		rs_err("cannot create the veth pair %s/%s: %s%s", ZC_IF_A, ZC_IF_B, strerror(-err),
		       err == -EOPNOTSUPP ? " (load the veth module: modprobe veth)" : "");
		return err;
	}
	if ((err = enter(r->ns_b)) || (err = if_config(ZC_IF_B, ZC_ADDR_B)) || (err = receiver_open(r))) {
		rs_err("cannot set up the receiver in its namespace: %s", strerror(-err));
		goto home;
	}
	if ((err = enter(r->ns_a)) || (err = if_config(ZC_IF_A, ZC_ADDR_A))) {
		rs_err("cannot set up the sender's interface in its namespace: %s", strerror(-err));
		goto home;
	}
	/* The receiver thread must accept before a TCP connect completes. */
	if (pthread_create(&r->receiver, NULL, receiver_main, r)) {
		err = -EAGAIN;
		goto home;
	}
	r->receiver_started = true;
	if ((err = sender_open(r, ZC_ADDR_B)))
		rs_err("cannot connect %s -> %s:%u: %s", ZC_ADDR_A, ZC_ADDR_B, cfg->port, strerror(-err));
home:
	if (enter(r->home_fd) && !err)
		err = -errno;
	return err;
}

static void teardown(struct zc_run *r)
{
	lab_worker_stop(&r->w);
	if (r->sfd >= 0 && r->cfg->proto == IPPROTO_TCP)
		shutdown(r->sfd, SHUT_WR);	/* EOF for the receiver once it has read everything */
	if (r->receiver_started) {
		uint64_t deadline = now_ns() + 2000000000ull, last = UINT64_MAX;

		/* Let the receiver consume what is queued (TCP: until EOF). */
		while (now_ns() < deadline) {
			uint64_t b = __atomic_load_n(&r->rx_bytes, __ATOMIC_RELAXED);

			if (b == last && (r->cfg->proto == IPPROTO_UDP || b >= r->pub.bytes))
				break;
			last = b;
			usleep(50000);
		}
		r->receiver_stop = true;
		pthread_join(r->receiver, NULL);
	}
	if (r->sfd >= 0)
		close(r->sfd);
	if (r->lfd >= 0)
		close(r->lfd);
	if (r->rfd >= 0)
		close(r->rfd);
	if (r->ns_a >= 0)
		close(r->ns_a);
	if (r->ns_b >= 0)
		close(r->ns_b);
	if (r->home_fd >= 0)
		close(r->home_fd);
	free(r->buf);
	free(r->ts);
}

int zc_gen_run(const struct zc_cfg *cfg, struct zc_result *res, lab_interval_fn fn, void *ctx)
{
	struct zc_run r = { .cfg = cfg, .home_fd = -1, .ns_a = -1, .ns_b = -1, .sfd = -1, .lfd = -1, .rfd = -1 };
	uint32_t ring = 1024;
	int err;

	memset(res, 0, sizeof(*res));
	if (cfg->proto == IPPROTO_UDP && cfg->size > UDP_MAX_PAYLOAD) {
		rs_err("--size %u: a UDP datagram carries at most %d bytes", cfg->size, UDP_MAX_PAYLOAD);
		return -EINVAL;
	}
	while (ring < 2 * cfg->inflight)
		ring <<= 1;
	lab_worker_init(&r.w, sender_main, snapshot, &r, &r.pub, sizeof(r.pub));
	r.ts = calloc(ring, sizeof(*r.ts));
	r.ts_mask = ring - 1;
	r.buf = aligned_alloc(4096, (cfg->size + 4095) & ~4095u);
	if (!r.ts || !r.buf) {
		err = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < cfg->size; i++)
		((uint8_t *)r.buf)[i] = (uint8_t)(i * 7 + 1);
	if ((err = setup(&r)) ||
	    (err = lab_worker_run(&r.w, cfg->interval, cfg->count || cfg->duration > 0, fn, ctx, &res->cpu)))
		goto out;
	res->duration_s = (r.end_ns - r.start_ns) / 1e9;
	err = r.err;
out:
	teardown(&r);
	snapshot(&r, &res->c);	/* the receiver's count includes what it drained */
	lab_worker_fini(&r.w);
	return err;
}

/* ---- rendering -------------------------------------------------------------- */

const char *zc_proto_name(const struct zc_cfg *cfg)
{
	return cfg->proto == IPPROTO_TCP ? "tcp" : "udp";
}

static void fmt_ns(char *b, size_t n, double ns)
{
	if (ns >= 1e6) snprintf(b, n, "%.2fms", ns / 1e6);
	else if (ns >= 1e3) snprintf(b, n, "%.2fus", ns / 1e3);
	else snprintf(b, n, "%.0fns", ns);
}

static void zc_print_banner(FILE *out, const void *cfg_)
{
	const struct zc_cfg *cfg = cfg_;

	fprintf(out, "zc-gen: %s %s, %u B per send, %s\n", zc_proto_name(cfg), cfg->zerocopy ? "MSG_ZEROCOPY" : "copy",
		cfg->size, cfg->ifname ? cfg->ifname : "veth " ZC_IF_A " -> " ZC_IF_B " in private namespaces");
}

static void zc_print_interval(FILE *out, const void *cfg_, const void *cur_, const void *prev_, double t_s,
			   double dt_s)
{
	const struct zc_cfg *cfg = cfg_;
	const struct zc_counters *cur = cur_, *prev = prev_;
	struct rs_hist lat;
	char p50[16], p99[16];
	uint64_t sends = cur->sends - prev->sends, compl = cur->completions - prev->completions;

	hist_delta(&lat, &cur->lat, &prev->lat);
	fmt_ns(p50, sizeof(p50), hist_percentile(&lat, 50));
	fmt_ns(p99, sizeof(p99), hist_percentile(&lat, 99));
	fprintf(out, "%6.2fs %s %-8s %9.0f sends/s %7.3f Gbit/s  rx %7.3f Gbit/s", t_s, zc_proto_name(cfg),
		cfg->zerocopy ? "zerocopy" : "copy", dt_s > 0 ? sends / dt_s : 0,
		dt_s > 0 ? (cur->bytes - prev->bytes) * 8 / dt_s / 1e9 : 0,
		dt_s > 0 ? (cur->rx_bytes - prev->rx_bytes) * 8 / dt_s / 1e9 : 0);
	if (cfg->zerocopy)
		fprintf(out, "  completions %llu (copied %llu) p50 %s p99 %s", (unsigned long long)compl,
			(unsigned long long)(cur->copied - prev->copied), p50, p99);
	fputc('\n', out);
	fflush(out);
}

static void zc_json_interval(struct json_writer *w, const void *cfg, const void *cur_, const void *prev_, double dt_s)
{
	const struct zc_counters *cur = cur_, *prev = prev_;
	struct rs_hist lat;

	hist_delta(&lat, &cur->lat, &prev->lat);
	json_kv_u64(w, "sends", cur->sends - prev->sends);
	json_kv_double(w, "sends_per_s", dt_s > 0 ? (cur->sends - prev->sends) / dt_s : 0);
	json_kv_double(w, "gbps", dt_s > 0 ? (cur->bytes - prev->bytes) * 8 / dt_s / 1e9 : 0);
	json_kv_u64(w, "completions", cur->completions - prev->completions);
	json_kv_u64(w, "copied", cur->copied - prev->copied);
	json_kv_double(w, "compl_lat_ns_p50", hist_percentile(&lat, 50));
	json_kv_double(w, "compl_lat_ns_p99", hist_percentile(&lat, 99));
}

static void zc_print_final(FILE *out, const void *cfg_, const void *res)
{
	const struct zc_cfg *cfg = cfg_;
	const struct zc_result *r = res;
	const struct zc_counters *c = &r->c;
	double d = r->duration_s > 0 ? r->duration_s : 1;

	fprintf(out, "\n--- zc-gen %s %s, %u B sends, %.2f s ---\n", zc_proto_name(cfg),
		cfg->zerocopy ? "MSG_ZEROCOPY" : "copy (no MSG_ZEROCOPY)", cfg->size, r->duration_s);
	fprintf(out, "sent %llu (%.0f/s, %.3f Gbit/s), received %llu bytes in %llu reads, send errors %llu, ENOBUFS %llu\n",
		(unsigned long long)c->sends, c->sends / d, c->bytes * 8 / d / 1e9, (unsigned long long)c->rx_bytes,
		(unsigned long long)c->rx_msgs, (unsigned long long)c->send_errors, (unsigned long long)c->enobufs);
	if (cfg->zerocopy)
		fprintf(out, "completions %llu in %llu notifications: zero-copied %llu, copied %llu (SO_EE_CODE_ZEROCOPY_COPIED)\n",
			(unsigned long long)c->completions, (unsigned long long)c->notifications,
			(unsigned long long)(c->completions - c->copied), (unsigned long long)c->copied);
	if (c->bad_notifications)
		fprintf(out, "bad notifications %llu (a range wider than the sends outstanding: not counted)\n",
			(unsigned long long)c->bad_notifications);
	fprintf(out, "CPU per send: %.0f ns in this process (getrusage), %.0f ns busy on all %d CPUs (/proc/stat)\n",
		c->sends ? r->cpu.self_s * 1e9 / c->sends : 0, c->sends ? r->cpu.busy_s * 1e9 / c->sends : 0, r->cpu.ncpu);
	fprintf(out, "\ntime inside send():\n");
	hist_print(out, &c->send_lat, "nsecs");
	if (cfg->zerocopy) {
		hist_print_titled(out, "send -> completion read from the error queue", &c->lat);
	}
	fflush(out);
}

static void zc_json_final(struct json_writer *w, const void *cfg_, const void *res)
{
	const struct zc_cfg *cfg = cfg_;
	const struct zc_result *r = res;
	const struct zc_counters *c = &r->c;
	double d = r->duration_s > 0 ? r->duration_s : 1;

	json_kv_str(w, "proto", zc_proto_name(cfg));
	json_kv_str(w, "mode", cfg->zerocopy ? "zerocopy" : "copy");
	json_kv_u64(w, "size", cfg->size);
	json_kv_double(w, "duration_s", r->duration_s);
	json_kv_u64(w, "sends", c->sends);
	json_kv_u64(w, "bytes", c->bytes);
	json_kv_double(w, "sends_per_s", c->sends / d);
	json_kv_double(w, "gbps", c->bytes * 8 / d / 1e9);
	json_kv_u64(w, "rx_bytes", c->rx_bytes);
	json_kv_u64(w, "rx_reads", c->rx_msgs);
	json_kv_u64(w, "send_errors", c->send_errors);
	json_kv_u64(w, "enobufs", c->enobufs);
	json_kv_u64(w, "notifications", c->notifications);
	json_kv_u64(w, "completions", c->completions);
	json_kv_u64(w, "copied", c->copied);
	json_kv_u64(w, "zerocopied", c->completions - c->copied);
	json_kv_u64(w, "bad_notifications", c->bad_notifications);
	json_kv_double(w, "cpu_self_s", r->cpu.self_s);
	json_kv_double(w, "cpu_busy_s", r->cpu.busy_s);
	json_kv_u64(w, "ncpu", r->cpu.ncpu);
	json_kv_double(w, "cpu_self_ns_per_send", c->sends ? r->cpu.self_s * 1e9 / c->sends : 0);
	json_kv_double(w, "cpu_busy_ns_per_send", c->sends ? r->cpu.busy_s * 1e9 / c->sends : 0);
	hist_json(w, "compl_lat_ns", &c->lat, true);
	hist_json(w, "send_ns", &c->send_lat, true);
}

static int zc_lab_run(const void *cfg, void *res, lab_interval_fn fn, void *ctx)
{
	return zc_gen_run(cfg, res, fn, ctx);
}

static double zc_lab_duration_s(const void *res)
{
	return ((const struct zc_result *)res)->duration_s;
}

const struct lab_gen zc_gen = {
	.run = zc_lab_run,
	.duration_s = zc_lab_duration_s,
	.print_banner = zc_print_banner,
	.print_interval = zc_print_interval,
	.json_interval = zc_json_interval,
	.print_final = zc_print_final,
	.json_final = zc_json_final,
};
