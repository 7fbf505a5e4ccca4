/* pkttool: raw ethernet frames between two NICs of a qemu guest, for
 * tests/kernel/test_virtio_cache_boot.sh (built static, runs as guest tool).
 *
 *   pkttool loop  TXIF RXIF COUNT SIZE    send COUNT frames of SIZE bytes out of
 *                                         TXIF, count those arriving on RXIF
 *   pkttool flood TXIF SECONDS SIZE       send for SECONDS, ignoring errors
 *                                         (link flaps, full queues)
 *   pkttool rloop / rflood (same args)    the same through a PACKET_TX_RING:
 *                                         the skb gets a 14-byte linear part
 *                                         and the payload as page fragments
 *                                         pointing into the ring, so even a
 *                                         60-byte frame is header + 1 fragment
 *                                         (2 sgs); frames crossing a page
 *                                         boundary of the ring get more.
 *
 * sendto() (packet_snd) makes frames shorter than a page fully linear: one
 * sg, no indirect table.  The TX ring is what produces 2..N sg buffers.  Both
 * only reach virtio-net unlinearised when the device has scatter-gather,
 * which qemu offers only with a vnet-header backend (tap), not on a hubport.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ETHERTYPE_TEST 0x88b5
#define MAXFRAME 65536

static unsigned char frame[MAXFRAME], rxbuf[MAXFRAME];

static int open_tx(const char *ifname, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0) {
		perror("socket tx");
		exit(2);
	}
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_ifindex = if_nametoindex(ifname);
	sll->sll_halen = ETH_ALEN;
	memset(sll->sll_addr, 0xff, ETH_ALEN);
	if (!sll->sll_ifindex) {
		fprintf(stderr, "no interface %s\n", ifname);
		exit(2);
	}
	return fd;
}

static int open_rx(const char *ifname)
{
	struct sockaddr_ll sll = { 0 };
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETHERTYPE_TEST));
	int sz = 8 << 20;

	if (fd < 0) {
		perror("socket rx");
		exit(2);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETHERTYPE_TEST);
	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "cannot bind to %s\n", ifname);
		exit(2);
	}
	return fd;
}

static void fill(size_t size, unsigned long seq)
{
	struct ether_header *eh = (struct ether_header *)frame;

	memset(eh->ether_dhost, 0xff, ETH_ALEN);
	memcpy(eh->ether_shost, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);
	eh->ether_type = htons(ETHERTYPE_TEST);
	memcpy(frame + sizeof(*eh), &seq, sizeof(seq));
	for (size_t i = sizeof(*eh) + sizeof(seq); i < size; i++)
		frame[i] = (unsigned char)(i ^ seq);
}


#define RING_FRAME 16384
#define RING_FRAMES 64

struct txring {
	int fd;
	unsigned char *map;
	unsigned int next;
};

static void ring_open(struct txring *r, const char *ifname)
{
	struct tpacket_req req = {
		.tp_block_size = RING_FRAME, .tp_block_nr = RING_FRAMES,
		.tp_frame_size = RING_FRAME, .tp_frame_nr = RING_FRAMES,
	};
	struct sockaddr_ll sll = { 0 };
	int ver = TPACKET_V2;

	r->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (r->fd < 0 ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req))) {
		perror("tx ring");
		exit(2);
	}
	r->map = mmap(NULL, (size_t)RING_FRAME * RING_FRAMES,
		      PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex || bind(r->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "cannot bind tx ring to %s\n", ifname);
		exit(2);
	}
	r->next = 0;
}

/*
 * Queue one frame and flush; returns 0 on success.  A blocking flush waits
 * for the skb to be freed while holding a reference on the device; flood mode
 * uses MSG_DONTWAIT so that it cannot hold up an unregister (virtio-net only
 * reclaims TX buffers of a closed device after unregister_netdev()).
 */
static int ring_send(struct txring *r, size_t size, int timeout_ms, int flags)
{
	struct tpacket2_hdr *h = (void *)(r->map + (size_t)r->next * RING_FRAME);
	unsigned char *data = (unsigned char *)h + TPACKET2_HDRLEN -
			      sizeof(struct sockaddr_ll);
	int waited = 0;

	/* Frames come back to TP_STATUS_AVAILABLE when the skb is freed. */
	while (h->tp_status != TP_STATUS_AVAILABLE) {
		if (h->tp_status & TP_STATUS_WRONG_FORMAT)
			h->tp_status = TP_STATUS_AVAILABLE;
		else if (waited++ > timeout_ms)
			return -1;
		else
			usleep(1000);
	}
	memcpy(data, frame, size);
	h->tp_len = size;
	__sync_synchronize();
	h->tp_status = TP_STATUS_SEND_REQUEST;
	r->next = (r->next + 1) % RING_FRAMES;
	return send(r->fd, NULL, 0, flags) < 0 ? -1 : 0;
}

static long drain(int rx, int timeout_ms, size_t size, long *bad)
{
	struct pollfd p = { .fd = rx, .events = POLLIN };
	long n = 0;

	while (poll(&p, 1, timeout_ms) > 0) {
		ssize_t r = recv(rx, rxbuf, sizeof(rxbuf), MSG_DONTWAIT);

		if (r < 0)
			break;
		if ((size_t)r != size)
			(*bad)++;
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll;
	long sent = 0, recvd = 0, bad = 0, errs = 0;
	size_t size;
	int tx;

	if (argc == 6 && !strcmp(argv[1], "loop")) {
		long count = atol(argv[4]);
		int rx;

		size = strtoul(argv[5], NULL, 0);
		if (size < 60 || size > MAXFRAME)
			return 2;
		rx = open_rx(argv[3]);
		tx = open_tx(argv[2], &sll);
		for (long i = 0; i < count; i++) {
			fill(size, i);
			if (sendto(tx, frame, size, 0, (struct sockaddr *)&sll,
				   sizeof(sll)) == (ssize_t)size)
				sent++;
			else
				errs++;
			recvd += drain(rx, 0, size, &bad);
		}
		/* Let the tail arrive. */
		for (int i = 0; i < 40 && recvd < sent; i++)
			recvd += drain(rx, 50, size, &bad);
		printf("loop %s->%s size=%zu sent=%ld recv=%ld bad=%ld errors=%ld\n",
		       argv[2], argv[3], size, sent, recvd, bad, errs);
		return recvd == sent && sent == count && !bad ? 0 : 1;
	}
	if (argc == 5 && !strcmp(argv[1], "flood")) {
		struct timespec t0, t;
		int secs = atoi(argv[3]);

		size = strtoul(argv[4], NULL, 0);
		if (size < 60 || size > MAXFRAME)
			return 2;
		tx = open_tx(argv[2], &sll);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			fill(size, sent);
			if (sendto(tx, frame, size, 0, (struct sockaddr *)&sll,
				   sizeof(sll)) == (ssize_t)size)
				sent++;
			else
				errs++;
			if (errs && !(errs % 1000))
				usleep(1000);
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while (t.tv_sec - t0.tv_sec < secs);
		printf("flood %s size=%zu sent=%ld errors=%ld\n", argv[2], size,
		       sent, errs);
		return 0;
	}
	if (argc == 6 && !strcmp(argv[1], "rloop")) {
		long count = atol(argv[4]);
		struct txring r;
		int rx;

		size = strtoul(argv[5], NULL, 0);
		if (size < 60 || size > RING_FRAME - 64)
			return 2;
		rx = open_rx(argv[3]);
		ring_open(&r, argv[2]);
		for (long i = 0; i < count; i++) {
			fill(size, i);
			if (ring_send(&r, size, 2000, 0) == 0)
				sent++;
			else
				errs++;
			recvd += drain(rx, 0, size, &bad);
		}
		for (int i = 0; i < 40 && recvd < sent; i++)
			recvd += drain(rx, 50, size, &bad);
		printf("rloop %s->%s size=%zu sent=%ld recv=%ld bad=%ld errors=%ld\n",
		       argv[2], argv[3], size, sent, recvd, bad, errs);
		return recvd == sent && sent == count && !bad ? 0 : 1;
	}
	if (argc == 5 && !strcmp(argv[1], "rflood")) {
		struct timespec t0, t;
		int secs = atoi(argv[3]);
		struct txring r;

		size = strtoul(argv[4], NULL, 0);
		if (size < 60 || size > RING_FRAME - 64)
			return 2;
		ring_open(&r, argv[2]);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			fill(size, sent);
			if (ring_send(&r, size, 100, MSG_DONTWAIT) == 0)
				sent++;
			else
				errs++;
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while (t.tv_sec - t0.tv_sec < secs);
		printf("rflood %s size=%zu sent=%ld errors=%ld\n", argv[2], size,
		       sent, errs);
		return 0;
	}
	fprintf(stderr, "usage: pkttool loop TXIF RXIF COUNT SIZE | flood TXIF SECONDS SIZE\n");
	return 2;
}
