/* ringscope bpf-stats: run time and run count of every loaded BPF program
 * (kernel.bpf_stats_enabled must be 1, or this command enables it for its own
 * lifetime). With --until-exit PID it samples every 100 ms while PID lives and
 * prints the last sample that saw programs (also when a stop signal, Ctrl-C or
 * SIGTERM, ends the wait first): the observer cost of a traced run
 * whose programs are gone once it exits (the VM lab uses it that way). Only
 * the programs PID holds open count then (read from /proc/PID/fdinfo), so
 * other BPF users of a shared machine stay out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commands.h"
#include "json.h"
#include "log.h"
#include "opts.h"
#include "prog_stats.h"
#include "stop.h"

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

int cmd_bpf_stats(int argc, char **argv)
{
	static struct prog_stat cur[PROG_STATS_MAX], last[PROG_STATS_MAX];
	uint64_t pid = 0;
	const char *pos[1];
	int npos, err, n, nlast = 0, stats_fd;
	const struct rs_opt opts[] = {
		{ "until-exit", 0, OPT_U64, &pid, 1, 4194304, NULL, "PID",
		  "programs PID holds, sampled every 100 ms until it exits; prints the last sample" },
		OPT_END
	};

	err = opts_parse(opts, argc, argv, pos, 0, &npos, "ringscope bpf-stats [--until-exit PID]");
	if (err)
		return err > 0 ? 0 : err;
	if (pid && !pid_alive((pid_t)pid)) {
		rs_err("no process %llu: give the PID of a running traced command", (unsigned long long)pid);
		return -ESRCH;
	}
	/* Counting stays on while this fd is open (also when the sysctl is 0). */
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0)
		rs_note("BPF_ENABLE_STATS failed (%d): run_time_ns stays 0 unless kernel.bpf_stats_enabled=1",
			stats_fd);
	do {
		n = prog_stats_snapshot(cur, PROG_STATS_MAX, (pid_t)pid);
		if (n > 0) {
			memcpy(last, cur, n * sizeof(cur[0]));
			nlast = n;
		}
		/* The stop signals are blocked in every thread (main.c): taken
		 * here, they end the wait (before, Ctrl-C or a timeout's SIGTERM
		 * did nothing while PID lived). */
		if (pid && stop_wait(100 * 1000 * 1000ull, true))
			break;
	} while (pid && pid_alive((pid_t)pid));
	print_json(last, nlast);
	if (stats_fd >= 0)
		close(stats_fd);
	return 0;
}
