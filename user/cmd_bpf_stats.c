/* ringscope bpf-stats: run time and run count of every loaded BPF program
 * (kernel.bpf_stats_enabled must be 1, or this command enables it for its own
 * lifetime). With --until-exit PID it samples every 100 ms while PID lives and
 * prints the last sample that saw programs: the observer cost of a traced run
 * whose programs are gone once it exits (the VM lab uses it that way). Only
 * the programs PID holds open count then (read from /proc/PID/fdinfo), so
 * other BPF users of a shared machine stay out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <bpf/bpf.h>
#include "commands.h"
#include "json.h"
#include "log.h"
#include "opts.h"

#define BPF_STATS_MAX_PROGS 256

struct prog_stat {
	__u32 id, type;
	char name[BPF_OBJ_NAME_LEN];
	__u64 run_time_ns, run_cnt;
};

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

/* Snapshot of the programs pid holds (pid > 0) or of all programs; returns
 * their number (<= max). A program fd held twice is counted once. */
static int snapshot(struct prog_stat *s, int max, pid_t pid)
{
	__u32 ids[BPF_STATS_MAX_PROGS], id = 0;
	int n = 0, nids, i, j;

	if (pid > 0) {
		nids = pid_prog_ids(pid, ids, max < BPF_STATS_MAX_PROGS ? max : BPF_STATS_MAX_PROGS);
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

/* XDP programs are the workload's own (AF_XDP redirect); every other
 * program type is the observer. */
static void print_json(const struct prog_stat *s, int n)
{
	struct json_writer w;
	__u64 obs_ns = 0, obs_cnt = 0;

	json_init(&w, stdout);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "bpf_stats");
	json_key(&w, "programs");
	json_arr_begin(&w);
	for (int i = 0; i < n; i++) {
		bool observer = s[i].type != BPF_PROG_TYPE_XDP;

		json_obj_begin(&w);
		json_kv_u64(&w, "id", s[i].id);
		json_kv_str(&w, "name", s[i].name);
		json_kv_u64(&w, "prog_type", s[i].type);
		json_kv_bool(&w, "observer", observer);
		json_kv_u64(&w, "run_time_ns", s[i].run_time_ns);
		json_kv_u64(&w, "run_cnt", s[i].run_cnt);
		json_obj_end(&w);
		if (observer) {
			obs_ns += s[i].run_time_ns;
			obs_cnt += s[i].run_cnt;
		}
	}
	json_arr_end(&w);
	json_kv_u64(&w, "observer_run_time_ns", obs_ns);
	json_kv_u64(&w, "observer_run_cnt", obs_cnt);
	json_obj_end(&w);
	json_finish_line(&w);
}

/* Alive = exists and is not a zombie (a shell's background child stays a
 * zombie until the shell waits for it, which happens after we return). */
static bool alive(pid_t pid)
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

int cmd_bpf_stats(int argc, char **argv)
{
	static struct prog_stat cur[BPF_STATS_MAX_PROGS], last[BPF_STATS_MAX_PROGS];
	uint64_t pid = 0;
	const char *pos[1];
	int npos, err, n, nlast = 0, stats_fd;
	const struct rs_opt opts[] = {
		{ "until-exit", 0, OPT_U64, &pid, 1, 4194304, NULL, "PID",
		  "programs PID holds, sampled every 100 ms until it exits; prints the last sample" },
		OPT_END
	};
	const struct timespec tick = { 0, 100 * 1000 * 1000 };

	err = opts_parse(opts, argc, argv, pos, 0, &npos, "ringscope bpf-stats [--until-exit PID]");
	if (err)
		return err > 0 ? 0 : err;
	if (pid && !alive((pid_t)pid)) {
		rs_err("no process %llu: give the PID of a running traced command", (unsigned long long)pid);
		return -ESRCH;
	}
	/* Counting stays on while this fd is open (also when the sysctl is 0). */
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0)
		rs_note("BPF_ENABLE_STATS failed (%d): run_time_ns stays 0 unless kernel.bpf_stats_enabled=1",
			stats_fd);
	do {
		n = snapshot(cur, BPF_STATS_MAX_PROGS, (pid_t)pid);
		if (n > 0) {
			memcpy(last, cur, n * sizeof(cur[0]));
			nlast = n;
		}
		if (pid)
			nanosleep(&tick, NULL);
	} while (pid && alive((pid_t)pid));
	print_json(last, nlast);
	if (stats_fd >= 0)
		close(stats_fd);
	return 0;
}
