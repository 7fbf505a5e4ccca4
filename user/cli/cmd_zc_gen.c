/* ringscope zc-gen: MSG_ZEROCOPY load (TCP or UDP) with its completion
 * latency, and the kernel-side view where the kernel allows one. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <netinet/in.h>
#include "commands.h"
#include "log.h"
#include "opts.h"
#include "zc_gen.h"
#include "zc_traced.h"

static const char usage[] = "ringscope zc-gen [--proto tcp|udp] [--zerocopy on|off] [-s BYTES] [-n N | -d S] [--trace] [--json]";

static void json_interval(void *ctx, const struct zc_counters *cur, const struct zc_counters *prev,
			  double t_s, double dt_s)
{
	const struct zc_cfg *cfg = ctx;
	struct json_writer w;
	struct rs_hist lat;

	if (!rs_json) {
		zc_print_interval(stdout, cfg, cur, prev, t_s, dt_s);
		return;
	}
	hist_delta(&lat, &cur->lat, &prev->lat);
	json_init(&w, stdout);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "interval");
	json_kv_double(&w, "t_s", t_s);
	json_kv_double(&w, "interval_s", dt_s);
	json_kv_u64(&w, "sends", cur->sends - prev->sends);
	json_kv_double(&w, "sends_per_s", dt_s > 0 ? (cur->sends - prev->sends) / dt_s : 0);
	json_kv_double(&w, "gbps", dt_s > 0 ? (cur->bytes - prev->bytes) * 8 / dt_s / 1e9 : 0);
	json_kv_u64(&w, "completions", cur->completions - prev->completions);
	json_kv_u64(&w, "copied", cur->copied - prev->copied);
	json_kv_double(&w, "compl_lat_ns_p50", hist_percentile(&lat, 50));
	json_kv_double(&w, "compl_lat_ns_p99", hist_percentile(&lat, 99));
	json_obj_end(&w);
	json_finish_line(&w);
}

struct zc_final_ctx {
	const struct zc_cfg *cfg;
	const struct zc_result *res;
};

static void final_json(struct json_writer *w, const void *ctx)
{
	const struct zc_final_ctx *c = ctx;

	zc_json_fields(w, c->cfg, c->res);
}

static void final_text(FILE *out, const void *ctx)
{
	const struct zc_final_ctx *c = ctx;

	zc_print_final(out, c->cfg, c->res);
}

int cmd_zc_gen(int argc, char **argv)
{
	struct zc_cfg cfg = { .size = 4096, .inflight = 256, .mtu = 1500, .port = 7707, .interval = 1 };
	struct zc_traced z = {};
	struct zc_result res;
	struct zc_final_ctx fc = { &cfg, &res };
	struct zc_traced_final fin = { .json_fields = final_json, .print = final_text, .ctx = &fc };
	int proto = 0, zc = 0, npos, err;
	bool json = false, trace = false;
	uint32_t port = 7707;
	const char *pos[1];
	const struct rs_opt opts[] = {
		{ "proto", 0, OPT_CHOICE, &proto, 0, 0, "tcp,udp", NULL, "transport (default tcp)" },
		{ "zerocopy", 0, OPT_CHOICE, &zc, 0, 0, "on,off", NULL, "MSG_ZEROCOPY sends, or plain sends as the copy baseline (default on)" },
		{ "size", 's', OPT_U32, &cfg.size, 1, 1 << 20, NULL, "BYTES", "bytes per send (default 4096; UDP at most 65507)" },
		{ "count", 'n', OPT_U64, &cfg.count, 0, 1e15, NULL, "N", "sends, 0 = until --duration" },
		{ "duration", 'd', OPT_DOUBLE, &cfg.duration, 0, 86400, NULL, "SECONDS", "stop after this long (default 5 without --count)" },
		{ "inflight", 0, OPT_U32, &cfg.inflight, 1, 65536, NULL, "N", "sends awaiting completion before the sender waits (default 256)" },
		{ "mtu", 0, OPT_U32, &cfg.mtu, 68, 65535, NULL, "BYTES", "MTU of the veth pair (default 1500)" },
		{ "iface", 'i', OPT_STR, &cfg.ifname, 0, 0, NULL, "IFACE", "send on IFACE to --dst (no local receiver) instead of a private veth pair" },
		{ "dst", 0, OPT_STR, &cfg.dst, 0, 0, NULL, "ADDR", "with -i: the receiver's IPv4 address" },
		{ "port", 0, OPT_U32, &port, 1, 65535, NULL, "PORT", "destination port (default 7707)" },
		{ "force", 0, OPT_FLAG, &cfg.force, 0, 0, NULL, NULL, "allow -i on the interface that carries the default route" },
		{ "trace", 0, OPT_FLAG, &trace, 0, 0, NULL, NULL, "also the kernel side (trace --zerocopy) where the kernel allows it" },
		{ "interval", 'I', OPT_DOUBLE, &cfg.interval, 0, 3600, NULL, "SECONDS", "report interval, 0 = final only (default 1)" },
		{ "json", 'j', OPT_FLAG, &json, 0, 0, NULL, NULL, "NDJSON: one object per interval and a final one" },
		OPT_END
	};

	err = opts_parse(opts, argc, argv, pos, 0, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	rs_json = json;
	cfg.proto = proto ? IPPROTO_UDP : IPPROTO_TCP;
	cfg.zerocopy = zc == 0;
	cfg.port = port;
	if (!cfg.count && cfg.duration <= 0)
		cfg.duration = 5;
	if (geteuid()) {
		rs_err("zc-gen creates network namespaces and a veth pair: run as root (sudo)");
		return -EPERM;
	}
	if ((err = zc_traced_begin(&z, trace)))
		return err;
	if (!rs_json)
		printf("zc-gen: %s %s, %u B per send, %s\n", zc_proto_name(&cfg), cfg.zerocopy ? "MSG_ZEROCOPY" : "copy",
		       cfg.size, cfg.ifname ? cfg.ifname : "veth " "rst-zc-a -> rst-zc-b in private namespaces");
	err = zc_gen_run(&cfg, &res, cfg.interval > 0 ? json_interval : NULL, &cfg);
	zc_traced_end(&z);
	fin.duration_s = res.duration_s;
	zc_traced_finish(&z, &fin, !err);
	return err;
}
