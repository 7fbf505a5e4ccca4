// SPDX-License-Identifier: GPL-2.0
/* The reference for bench-gen.sh: the barest libxdp AF_XDP TX loop, measured
 * beside ringscope under the same load. Frames are built once and never
 * touched again (no sequence, timestamp or checksum), completions are counted
 * and nothing else is done.
 *
 *   xsk_txref IFACE NETNS SECONDS DST_MAC [full|flush]
 *
 * full:  as the kernel's xdpsock sample: one sendto() per batch of 64, so the
 *        TX ring stays full (a copy-mode sendto() sends at most 32).
 *        Frames are used in turn: each is 4096 packets old, cold, when the
 *        kernel copies it.
 * flush: as ringscope: after each batch, one sendto() per 32 descriptors
 *        still on the ring, so the ring stays short, and completed frames are
 *        reused last-in first-out, so they are still in cache. Between flush
 *        and ringscope lies ringscope's per-packet work (sequence, timestamp,
 *        checksum, latency histogram, counters).
 *
 * Prints one line: "completions N seconds S pps P". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#define NFRAMES 4096
#define FRAME 2048
#define RING 2048
#define LEN 64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void build(uint8_t *f, const uint8_t dst[6], const uint8_t src[6])
{
	uint32_t sum = 0;

	memset(f, 0, LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	*(uint16_t *)(f + 16) = htons(LEN - 14);
	f[22] = 64;
	f[23] = 17;
	*(uint32_t *)(f + 26) = htonl(0xc0a84001);
	*(uint32_t *)(f + 30) = htonl(0xc0a84002);
	for (int i = 14; i < 34; i += 2)
		sum += *(uint16_t *)(f + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	*(uint16_t *)(f + 24) = ~sum;
	*(uint16_t *)(f + 34) = htons(9000);
	*(uint16_t *)(f + 36) = htons(9);
	*(uint16_t *)(f + 38) = htons(LEN - 34);
}

int main(int argc, char **argv)
{
	struct xsk_umem_config uc = { .fill_size = RING, .comp_size = RING, .frame_size = FRAME };
	struct xsk_socket_config sc = {
		.rx_size = RING, .tx_size = RING,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP,
	};
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	uint64_t completed = 0, next = 0, start, end, t;
	uint32_t batch = 64, outstanding = 0, nfree = 0;
	static uint64_t stack[NFRAMES];
	int flush;
	unsigned int m[6];
	uint8_t dst[6], src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct ifreq ifr = {};
	char path[256];
	void *area;
	int fd, err;

	if (argc < 5 || sscanf(argv[4], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6) {
		fprintf(stderr, "usage: xsk_txref IFACE NETNS SECONDS DST_MAC [full|flush]\n");
		return 2;
	}
	for (int i = 0; i < 6; i++)
		dst[i] = m[i];
	flush = argc > 5 && !strcmp(argv[5], "flush");
	snprintf(path, sizeof(path), "/run/netns/%s", argv[2]);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		perror(path);
		return 1;
	}
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (fd >= 0 && !ioctl(fd, SIOCGIFHWADDR, &ifr))
		memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
	if (fd >= 0)
		close(fd);
	area = mmap(NULL, (size_t)NFRAMES * FRAME, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (area == MAP_FAILED)
		return 1;
	for (int i = 0; i < NFRAMES; i++) {
		build((uint8_t *)area + (size_t)i * FRAME, dst, src);
		stack[nfree++] = (uint64_t)(NFRAMES - 1 - i) * FRAME;
	}
	err = xsk_umem__create(&umem, area, (size_t)NFRAMES * FRAME, &fq, &cq, &uc);
	if (!err)
		err = xsk_socket__create(&xsk, argv[1], 0, umem, &rx, &tx, &sc);
	if (err) {
		fprintf(stderr, "xsk_txref: %s\n", strerror(-err));
		return 1;
	}
	fd = xsk_socket__fd(xsk);
	start = now_ns();
	end = start + (uint64_t)(atof(argv[3]) * 1e9);
	for (uint64_t i = 0;; i++) {
		uint32_t idx, n = xsk_ring_cons__peek(&cq, RING, &idx);

		if (n) {
			for (uint32_t j = 0; flush && j < n; j++)
				stack[nfree++] = *xsk_ring_cons__comp_addr(&cq, idx + j);
			xsk_ring_cons__release(&cq, n);
			outstanding -= n;
			completed += n;
		}
		if (!(i & 63) && (t = now_ns()) >= end)
			break;
		if (outstanding + batch <= NFRAMES && xsk_ring_prod__reserve(&tx, batch, &idx) == batch) {
			for (uint32_t j = 0; j < batch; j++) {
				struct xdp_desc *d = xsk_ring_prod__tx_desc(&tx, idx + j);

				d->addr = flush ? stack[--nfree] : (next++ & (NFRAMES - 1)) * FRAME;
				d->len = LEN;
			}
			xsk_ring_prod__submit(&tx, batch);
			outstanding += batch;
		}
		if (flush) {
			uint32_t pending = RING - xsk_prod_nb_free(&tx, RING);

			for (uint32_t k = 0; k < (pending + 31) / 32 && k < 8; k++)
				sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		} else if (xsk_ring_prod__needs_wakeup(&tx)) {
			sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		}
	}
	t = now_ns();
	printf("completions %llu seconds %.3f pps %.0f\n", (unsigned long long)completed,
	       (t - start) / 1e9, completed / ((t - start) / 1e9));
	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	return 0;
}
