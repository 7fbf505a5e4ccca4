/* CPU time a run cost (zc-gen, vhost-gen, run --zerocopy): the busy time of
 * all CPUs from /proc/stat (softirqs and kernel threads too) and this
 * process's own user + system time from getrusage. */
#ifndef RS_CPU_TIME_H
#define RS_CPU_TIME_H

/* Busy (non-idle, non-iowait) seconds of all CPUs since boot; *ncpu (may be
 * NULL): how many CPUs /proc/stat lists. 0 if /proc/stat cannot be read. */
double cpu_busy_seconds(int *ncpu);
/* User + system seconds of this process, all its threads. */
double cpu_self_seconds(void);

#endif
