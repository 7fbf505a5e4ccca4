/* ringscope vhost-gen: be the guest driver of a vhost-net TX virtqueue in our
 * own memory, with a tap backend; experimental_zcopytx picks copy or zero copy. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "commands.h"
#include "log.h"
#include "opts.h"
#include "vhost_gen.h"
#include "zc_traced.h"

static const char usage[] = "ringscope vhost-gen [-s BYTES] [-n N | -d S] [--queue-size N] [--sink drop|read] [--trace] [--json]";

static void interval(void *ctx, const struct vhost_counters *cur, const struct vhost_counters *prev,
		     double t_s, double dt_s)
{
	struct json_writer w;
	struct rs_hist lat;

	if (!rs_json) {
		vhost_print_interval(stdout, cur, prev, t_s, dt_s);
		return;
	}
	hist_delta(&lat, &cur->lat, &prev->lat);
	json_init(&w, stdout);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "interval");
	json_kv_double(&w, "t_s", t_s);
	json_kv_double(&w, "interval_s", dt_s);
	json_kv_u64(&w, "used", cur->used - prev->used);
	json_kv_double(&w, "pps", dt_s > 0 ? (cur->used - prev->used) / dt_s : 0);
	json_kv_double(&w, "gbps", dt_s > 0 ? (cur->bytes - prev->bytes) * 8 / dt_s / 1e9 : 0);
	json_kv_u64(&w, "kicks", cur->kicks - prev->kicks);
	json_kv_double(&w, "used_lat_ns_p50", hist_percentile(&lat, 50));
	json_kv_double(&w, "used_lat_ns_p99", hist_percentile(&lat, 99));
	json_obj_end(&w);
	json_finish_line(&w);
}

struct vhost_final_ctx {
	const struct vhost_cfg *cfg;
	const struct vhost_result *res;
};

static void final_json(struct json_writer *w, const void *ctx)
{
	const struct vhost_final_ctx *c = ctx;

	vhost_json_fields(w, c->cfg, c->res);
}

static void final_text(FILE *out, const void *ctx)
{
	const struct vhost_final_ctx *c = ctx;

	vhost_print_final(out, c->cfg, c->res);
}

int cmd_vhost_gen(int argc, char **argv)
{
	struct vhost_cfg cfg = { .size = 4096, .qsize = 256, .batch = 32, .interval = 1 };
	struct zc_traced z = {};
	struct vhost_result res;
	struct vhost_final_ctx fc = { &cfg, &res };
	struct zc_traced_final fin = { .json_fields = final_json, .print = final_text, .ctx = &fc };
	bool json = false, trace = false;
	const char *pos[1];
	int npos, err;
	const struct rs_opt opts[] = {
		{ "size", 's', OPT_U32, &cfg.size, 60, 65536, NULL, "BYTES", "Ethernet frame bytes, without the virtio-net header (default 4096)" },
		{ "count", 'n', OPT_U64, &cfg.count, 0, 1e15, NULL, "N", "packets, 0 = until --duration" },
		{ "duration", 'd', OPT_DOUBLE, &cfg.duration, 0, 86400, NULL, "SECONDS", "stop after this long (default 5 without --count)" },
		{ "queue-size", 'q', OPT_U32, &cfg.qsize, 2, 32768, NULL, "N", "TX ring descriptors, a power of two (default 256)" },
		{ "batch", 'b', OPT_U32, &cfg.batch, 1, 32768, NULL, "N", "descriptors made available per kick (default 32)" },
		{ "sink", 0, OPT_CHOICE, &cfg.sink, 0, 0, "drop,read", NULL,
		  "drop: frames nobody handles, freed without a copy (default); read: a packet socket reads them (the stack copies)" },
		{ "tap", 0, OPT_STR, &cfg.tap, 0, 0, NULL, "NAME", "tap device name (default rst-zc-tapN)" },
		{ "trace", 0, OPT_FLAG, &trace, 0, 0, NULL, NULL, "also the kernel side (trace --zerocopy) where the kernel allows it" },
		{ "interval", 'I', OPT_DOUBLE, &cfg.interval, 0, 3600, NULL, "SECONDS", "report interval, 0 = final only (default 1)" },
		{ "json", 'j', OPT_FLAG, &json, 0, 0, NULL, NULL, "NDJSON: one object per interval and a final one" },
		OPT_END
	};

	err = opts_parse(opts, argc, argv, pos, 0, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	rs_json = json;
	if (!cfg.count && cfg.duration <= 0)
		cfg.duration = 5;
	if (cfg.batch > cfg.qsize)
		cfg.batch = cfg.qsize;
	if (geteuid()) {
		rs_err("vhost-gen opens /dev/vhost-net and creates a tap: run as root (sudo)");
		return -EPERM;
	}
	if ((err = zc_traced_begin(&z, trace)))
		return err;
	if (!rs_json)
		printf("vhost-gen: %u B frames, experimental_zcopytx=%d (vhost_net module parameter)\n", cfg.size,
		       vhost_zcopytx());
	err = vhost_gen_run(&cfg, &res, cfg.interval > 0 ? interval : NULL, NULL);
	zc_traced_end(&z);
	fin.duration_s = res.duration_s;
	zc_traced_finish(&z, &fin, !err);
	return err;
}
