#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include "cpu_time.h"

double cpu_busy_seconds(int *ncpu)
{
	unsigned long long v[10] = {}, busy = 0;
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int n = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		       &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, "cpu", 3);
	fclose(f);
	if (ncpu)
		*ncpu = n;
	/* user nice system idle iowait irq softirq steal guest guest_nice:
	 * guest time is already in user, idle and iowait are not busy. */
	busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	return (double)busy / sysconf(_SC_CLK_TCK);
}

double cpu_self_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
