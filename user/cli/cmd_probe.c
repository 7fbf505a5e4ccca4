/* ringscope probe: what this kernel allows, and the tier `trace` will use. */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "commands.h"
#include "json.h"
#include "log.h"
#include "opts.h"
#include "probe.h"

int cmd_probe(int argc, char **argv)
{
	struct kernel_caps caps;
	struct utsname u;
	bool json = false;
	const char *pos[1];
	enum tier tier;
	int npos, err;
	const struct rs_opt opts[] = {
		{ "json", 'j', OPT_FLAG, &json, 0, 0, NULL, NULL, "one JSON object" },
		OPT_END
	};

	err = opts_parse(opts, argc, argv, pos, 0, &npos, "ringscope probe [--json]");
	if (err)
		return err > 0 ? 0 : err;
	rs_json = json;
	if (geteuid()) {
		rs_err("probing loads BPF programs: run as root (sudo)");
		return -1;
	}
	uname(&u);
	probe_kernel(&caps);
	tier = probe_best_tier(&caps);
	if (json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_obj_begin(&w);
		json_kv_str(&w, "type", "probe");
		json_kv_str(&w, "kernel", u.release);
		json_kv_str(&w, "machine", u.machine);
		json_key(&w, "features");
		json_obj_begin(&w);
		for (int i = 0; i < FEAT_COUNT; i++) {
			json_key(&w, feature_names[i]);
			json_obj_begin(&w);
			json_kv_bool(&w, "ok", caps.f[i].ok);
			json_kv_str(&w, "detail", caps.f[i].detail);
			json_obj_end(&w);
		}
		json_obj_end(&w);
		json_kv_str(&w, "tier", tier_names[tier]);
		json_obj_end(&w);
		json_finish_line(&w);
		return 0;
	}
	printf("kernel %s (%s)\n", u.release, u.machine);
	for (int i = 0; i < FEAT_COUNT; i++)
		printf("  %-15s %-4s %s\n", feature_names[i], caps.f[i].ok ? "yes" : "no", caps.f[i].detail);
	printf("trace tier: %s%s\n", tier_names[tier],
	       tier == TIER_FENTRY ? " (fentry/fexit)" :
	       tier == TIER_KPROBE ? " (kprobe/kretprobe: fentry refused)" :
	       " (fentry refused and no kprobes: function latency unavailable; tracepoints and kmalloc churn only)");
	return 0;
}
