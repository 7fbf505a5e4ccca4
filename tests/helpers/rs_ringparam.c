// SPDX-License-Identifier: GPL-2.0
/*
 * rs_ringparam - read or set a NIC's RX/TX ring sizes (ethtool -g / -G) for
 * the VM lab's guests, whose busybox has no ethtool.
 *
 *   rs_ringparam IFACE                 prints "rx N tx N (max rx N tx N)"
 *   rs_ringparam IFACE RX_ENTRIES TX_ENTRIES   sets both (0 keeps one as is)
 *
 * Exit status 0 on success; on failure one line naming the cause, status 1.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int parse_entries(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 65536)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct ethtool_ringparam rp = { .cmd = ETHTOOL_GRINGPARAM };
	unsigned int rx = 0, tx = 0;
	struct ifreq ifr = {};
	int fd, err = 1;

	if ((argc != 2 && argc != 4) || strlen(argv[1]) >= IFNAMSIZ ||
	    (argc == 4 && (parse_entries(argv[2], &rx) || parse_entries(argv[3], &tx)))) {
		fprintf(stderr, "usage: rs_ringparam IFACE [RX_ENTRIES TX_ENTRIES] (entries 0..65536, 0 keeps)\n");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		fprintf(stderr, "rs_ringparam: socket: %s\n", strerror(errno));
		return 1;
	}
	strcpy(ifr.ifr_name, argv[1]);
	ifr.ifr_data = (void *)&rp;
	if (ioctl(fd, SIOCETHTOOL, &ifr)) {
		fprintf(stderr, "rs_ringparam: %s: ETHTOOL_GRINGPARAM: %s\n", argv[1], strerror(errno));
		goto cleanup;
	}
	if (argc == 2) {
		printf("rx %u tx %u (max rx %u tx %u)\n", rp.rx_pending, rp.tx_pending,
		       rp.rx_max_pending, rp.tx_max_pending);
		err = 0;
		goto cleanup;
	}
	rp.cmd = ETHTOOL_SRINGPARAM;
	if (rx)
		rp.rx_pending = rx;
	if (tx)
		rp.tx_pending = tx;
	if (ioctl(fd, SIOCETHTOOL, &ifr)) {
		fprintf(stderr, "rs_ringparam: %s: ETHTOOL_SRINGPARAM rx %u tx %u: %s\n", argv[1],
			rp.rx_pending, rp.tx_pending, strerror(errno));
		goto cleanup;
	}
	err = 0;
cleanup:
	close(fd);
	return err;
}
