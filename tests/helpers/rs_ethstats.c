/* VM lab helper (tests/vm/vm-notify.sh): print an interface's driver
 * statistics, `ethtool -S IFACE` without ethtool (the guest's initramfs has
 * busybox only). One "name value" line per statistic. virtio-net's own
 * per-queue counters are what the notification study reads: txN_kicks,
 * rxN_kicks (6.x names; older kernels say tx_queue_N_kicks).
 *
 *   rs_ethstats eth0
 *
 * The kernel fills ETHTOOL_GSTRINGS/GSTATS with the driver's count at that
 * moment, not the count we pass: the buffers hold MAX_STATS entries, a
 * count above that is refused first, and a count that changed between the
 * calls is an error, never read. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#define MAX_STATS 4096u

static int ethtool(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct ethtool_sset_info *info = NULL;
	struct ethtool_gstrings *names = NULL;
	struct ethtool_stats *stats = NULL;
	unsigned int n;
	int fd = -1, err = 1;

	if (argc != 2 || strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "usage: rs_ethstats IFACE (an interface name of at most %d bytes)\n", IFNAMSIZ - 1);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("rs_ethstats: socket");
		return 1;
	}
	info = calloc(1, sizeof(*info) + sizeof(__u32));
	if (!info)
		goto cleanup;
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ull << ETH_SS_STATS;
	if (ethtool(fd, argv[1], info)) {
		fprintf(stderr, "rs_ethstats: %s: no driver statistics (%s)\n", argv[1], strerror(errno));
		goto cleanup;
	}
	n = (info->sset_mask & (1ull << ETH_SS_STATS)) ? info->data[0] : 0;
	if (n == 0 || n > MAX_STATS) {
		fprintf(stderr, "rs_ethstats: %s: driver reports %u statistics (expected 1..%u)\n", argv[1], n, MAX_STATS);
		goto cleanup;
	}
	names = calloc(1, sizeof(*names) + (size_t)MAX_STATS * ETH_GSTRING_LEN);
	stats = calloc(1, sizeof(*stats) + (size_t)MAX_STATS * sizeof(__u64));
	if (!names || !stats)
		goto cleanup;
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	stats->cmd = ETHTOOL_GSTATS;
	stats->n_stats = n;
	if (ethtool(fd, argv[1], names) || ethtool(fd, argv[1], stats)) {
		fprintf(stderr, "rs_ethstats: %s: reading statistics failed (%s)\n", argv[1], strerror(errno));
		goto cleanup;
	}
	if (names->len != n || stats->n_stats != n) {
		fprintf(stderr, "rs_ethstats: %s: statistics count changed while reading (%u, %u, %u)\n",
			argv[1], n, names->len, stats->n_stats);
		goto cleanup;
	}
	for (unsigned int i = 0; i < n; i++) {
		char name[ETH_GSTRING_LEN + 1];

		memcpy(name, names->data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
		name[ETH_GSTRING_LEN] = '\0';
		printf("%s %llu\n", name, (unsigned long long)stats->data[i]);
	}
	err = 0;
cleanup:
	free(stats);
	free(names);
	free(info);
	close(fd);
	return err;
}
