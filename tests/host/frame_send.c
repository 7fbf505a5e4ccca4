/* frame_send: put hand-made frames on an interface with a raw AF_PACKET
 * socket, for tests/host/test_frames.sh (run it inside the test's own
 * namespace, on its own veth).
 *
 *   frame_send IFACE [-e EPOCH] [-s STREAM] [-t OFFSET_NS] ITEM...
 *
 * ITEM is the name of a case of tests/lib/frames.c (malformed or valid,
 * stream 0), or a sequence number or range A..B: valid 64 B frames of the
 * current epoch and stream. -e, -s and -t (send stamp = now + OFFSET_NS, may
 * be negative: a stamp from the future or the past) apply to the items after
 * them. Frames
 * are paced (20 us apart) so that the receiver's ring never overflows. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>
#include "frames.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int send_frame(int fd, const struct sockaddr_ll *to, const uint8_t *f, uint32_t len)
{
	struct timespec gap = { 0, 20000 };

	nanosleep(&gap, NULL);
	if (sendto(fd, f, len, 0, (const struct sockaddr *)to, sizeof(*to)) != (ssize_t)len) {
		fprintf(stderr, "frame_send: sendto (%u bytes): %s\n", len, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_halen = 6 };
	unsigned long epoch = 0x0101, stream = 0;
	long long ts_offset_ns = 0;
	uint64_t case_seq = 0, sent = 0;
	uint8_t f[FRAME_MAX];
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: frame_send IFACE [-e EPOCH] [-s STREAM] [-t OFFSET_NS] ITEM...\n");
		return 2;
	}
	to.sll_ifindex = if_nametoindex(argv[1]);
	if (!to.sll_ifindex) {
		fprintf(stderr, "frame_send: no interface '%s'\n", argv[1]);
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		fprintf(stderr, "frame_send: AF_PACKET socket: %s (run as root)\n", strerror(errno));
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		const struct frame_case *c;
		unsigned long long a, b;
		char *end;
		uint32_t len;

		if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			ts_offset_ns = strtoll(argv[++i], NULL, 0);
			continue;
		}
		if ((!strcmp(argv[i], "-e") || !strcmp(argv[i], "-s")) && i + 1 < argc) {
			*(argv[i][1] == 'e' ? &epoch : &stream) = strtoul(argv[i + 1], NULL, 0);
			i++;
			continue;
		}
		frame_ts_ns = now_ns() + ts_offset_ns;	/* a real one-way latency unless -t */
		if ((c = frame_case_find(argv[i]))) {
			/* Valid cases take the next number of stream 0's sequence. */
			frame_make(c, f, &len, epoch, c->want == PKT_R_OK ? case_seq++ : 0);
			if (len < ETH_HLEN)
				len = ETH_HLEN;	/* the kernel refuses less than a link header */
			if (send_frame(fd, &to, f, len))
				return 1;
			sent++;
			continue;
		}
		errno = 0;
		a = strtoull(argv[i], &end, 0);
		b = a;
		if (!strncmp(end, "..", 2))
			b = strtoull(end + 2, &end, 0);
		if (errno || *end || end == argv[i] || b < a) {
			fprintf(stderr, "frame_send: '%s' is neither a case of tests/lib/frames.c nor a sequence A..B\n",
				argv[i]);
			return 2;
		}
		for (unsigned long long q = a;; q++) {
			frame_ts_ns = now_ns() + ts_offset_ns;
			frame_valid(f, 64, epoch, stream, q);
			if (send_frame(fd, &to, f, 64))
				return 1;
			sent++;
			if (q == b)
				break;
		}
	}
	close(fd);
	printf("frame_send: %llu frames\n", (unsigned long long)sent);
	return 0;
}
