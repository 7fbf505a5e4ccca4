/* Run time and run count of loaded BPF programs (bpf_prog_info), of one
 * process or of the whole machine: the observer cost `bpf-stats` reports.
 * run_time_ns only grows while run-time statistics are enabled
 * (BPF_ENABLE_STATS or kernel.bpf_stats_enabled=1). */
#ifndef RS_PROG_STATS_H
#define RS_PROG_STATS_H

#include <stdbool.h>
#include <sys/types.h>
#include <bpf/bpf.h>

#define PROG_STATS_MAX 256

struct prog_stat {
	__u32 id, type;		/* program id, enum bpf_prog_type */
	char name[BPF_OBJ_NAME_LEN];
	__u64 run_time_ns, run_cnt;
};

/* The programs pid holds open (pid > 0; from /proc/PID/fdinfo) or all loaded
 * programs (pid == 0) into s; returns their number (<= max). A program fd
 * held twice counts once. */
int prog_stats_snapshot(struct prog_stat *s, int max, pid_t pid);
/* Sum of run_time_ns of the loaded programs of obj (0 for NULL). */
struct bpf_object;
__u64 obj_run_time_ns(struct bpf_object *obj);
/* Events the kernel reports it did not hand to prog, attached by link: the
 * kprobe/kretprobe's own missed count (a probe hit while another kprobe
 * handler ran on that CPU, e.g. an interrupt's softirq nested in one, or no
 * free kretprobe instance; Linux >= 6.7 reports it) plus the program's
 * recursion misses (Linux >= 5.12). 0 for NULL or where the kernel says
 * nothing. */
struct bpf_link;
struct bpf_program;
__u64 link_missed(struct bpf_link *link, struct bpf_program *prog);
/* pid exists and is not a zombie (a shell's background child stays a zombie
 * until the shell waits for it, which happens after we return). */
bool pid_alive(pid_t pid);

#endif
