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

int cmd_vhost_gen(int argc, char **argv)
{
	struct vhost_cfg cfg = { .size = 4096, .qsize = 256, .batch = 32, .interval = 1 };
	struct vhost_result res;
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
		ZC_TRACED_OPT_ROWS(cfg.interval, trace, json),
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
	return zc_traced_run(&vhost_gen, &cfg, &res, cfg.interval, trace);
}
