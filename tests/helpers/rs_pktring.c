/* Test helper for tests/host/test_kmem_counts.sh: one failing and one
 * successful large kmalloc from a known call site.
 *
 * PACKET_RX_RING on an AF_PACKET socket allocates its page-vector table with
 * kcalloc(tp_block_nr, sizeof(struct pgv)) in packet_set_ring (alloc_pg_vec,
 * inlined): 1048575 blocks ask for 8 388 600 B, above KMALLOC_MAX_SIZE, so the
 * kmalloc fails (ENOMEM, ptr == NULL in kmem:kmalloc); 1200 blocks ask for
 * 9 600 B, above KMALLOC_MAX_CACHE_SIZE, so it takes the large path. Closing
 * the socket frees the table. With an argument N, N more sockets then each
 * get a 1200-block ring and close (the same size again and again: the
 * allocator tends to hand back the same pages). Run it in a private network
 * namespace. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_packet.h>

static int rx_ring(int fd, unsigned int blocks)
{
	struct tpacket_req req = {
		.tp_block_size = 4096, .tp_block_nr = blocks,
		.tp_frame_size = 4096, .tp_frame_nr = blocks,
	};

	return setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) ? -errno : 0;
}

int main(int argc, char **argv)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0), big, small, more = argc > 1 ? atoi(argv[1]) : 0;

	if (fd < 0) {
		fprintf(stderr, "rs_pktring: socket(AF_PACKET): %s (run as root)\n", strerror(errno));
		return 1;
	}
	big = rx_ring(fd, 1048575);
	small = rx_ring(fd, 1200);
	close(fd);
	for (int i = 0; i < more && small == 0; i++) {
		fd = socket(AF_PACKET, SOCK_RAW, 0);
		small = fd < 0 ? -errno : rx_ring(fd, 1200);
		if (fd >= 0)
			close(fd);
	}
	printf("1048575 blocks: %s\n1200 blocks: %s\n", big ? strerror(-big) : "ok", small ? strerror(-small) : "ok");
	return big == -ENOMEM && small == 0 ? 0 : 1;
}
