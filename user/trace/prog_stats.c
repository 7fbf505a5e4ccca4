#include <assert.h>
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "prog_stats.h"

/* Ids of the BPF programs pid holds open: the fdinfo of a program fd has a
 * "prog_id:" line. Returns their number (<= max). */
static int pid_prog_ids(pid_t pid, __u32 *ids, int max)
{
	char path[64], line[128];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while (n < max && (e = readdir(d))) {
		char p[96];
		FILE *f;
		unsigned v;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/proc/%d/fdinfo/%.20s", (int)pid, e->d_name);
		f = fopen(p, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "prog_id: %u", &v) == 1) {
				ids[n++] = v;
				break;
			}
		fclose(f);
	}
	closedir(d);
	return n;
}

/* Stats of one program into *s; false if it is gone. */
static bool prog_stat(__u32 id, struct prog_stat *s)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);
	bool ok;

	if (fd < 0)
		return false;	/* unloaded since we learnt its id */
	memset(&info, 0, sizeof(info));
	ok = !bpf_obj_get_info_by_fd(fd, &info, &len);
	if (ok) {
		s->id = info.id;
		s->type = info.type;
		memcpy(s->name, info.name, sizeof(s->name));
		s->name[sizeof(s->name) - 1] = '\0';
		s->run_time_ns = info.run_time_ns;
		s->run_cnt = info.run_cnt;
	}
	close(fd);
	return ok;
}

int prog_stats_snapshot(struct prog_stat *s, int max, pid_t pid)
{
	__u32 ids[PROG_STATS_MAX], id = 0;
	int n = 0, nids, i, j;

	if (pid > 0) {
		nids = pid_prog_ids(pid, ids, max < PROG_STATS_MAX ? max : PROG_STATS_MAX);
		for (i = 0; i < nids; i++) {
			for (j = 0; j < i && ids[j] != ids[i]; j++)
				;
			if (j == i && prog_stat(ids[i], &s[n]))
				n++;
		}
		return n;
	}
	while (n < max && !bpf_prog_get_next_id(id, &id))
		if (prog_stat(id, &s[n]))
			n++;
	return n;
}

bool pid_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* comm may contain spaces and parentheses */
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

__u64 obj_run_time_ns(struct bpf_object *obj)
{
	struct bpf_program *p;
	__u64 ns = 0;

	if (!obj)
		return 0;
	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			ns += info.run_time_ns;
	}
	return ns;
}

/* The head of struct bpf_link_info for a perf-event kprobe link, as Linux
 * 6.7 laid it out (the uapi header here, Linux 6.1's, has no perf_event
 * member): a shorter info_len is allowed, the kernel copies what fits. */
struct kprobe_link_info {
	__u32 type, id, prog_id, pad0;
	__u32 perf_event_type, pad1;	/* enum bpf_perf_event_type */
	__u64 func_name;		/* kprobe: */
	__u32 name_len, offset;
	__u64 addr, missed;
};
static_assert(offsetof(struct kprobe_link_info, missed) == 48, "bpf_link_info.perf_event.kprobe.missed");

#define PERF_EVENT_KPROBE	3	/* BPF_PERF_EVENT_KPROBE */
#define PERF_EVENT_KRETPROBE	4	/* BPF_PERF_EVENT_KRETPROBE */

__u64 link_missed(struct bpf_link *link, struct bpf_program *prog)
{
	struct kprobe_link_info li;
	struct bpf_prog_info pi;
	__u32 len = sizeof(li);
	__u64 missed = 0;
	int fd;

	if (!link || (fd = bpf_link__fd(link)) < 0)
		return 0;
	memset(&li, 0, sizeof(li));
	if (bpf_obj_get_info_by_fd(fd, &li, &len) || len < sizeof(li))
		return 0;
	if (li.type == BPF_LINK_TYPE_PERF_EVENT &&
	    (li.perf_event_type == PERF_EVENT_KPROBE || li.perf_event_type == PERF_EVENT_KRETPROBE))
		missed = li.missed;
	len = sizeof(pi);
	memset(&pi, 0, sizeof(pi));
	if (prog && (fd = bpf_program__fd(prog)) >= 0 && !bpf_obj_get_info_by_fd(fd, &pi, &len))
		missed += pi.recursion_misses;
	return missed;
}
