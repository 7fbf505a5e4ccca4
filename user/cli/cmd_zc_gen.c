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

int cmd_zc_gen(int argc, char **argv)
{
	struct zc_cfg cfg = { .size = 4096, .inflight = 256, .mtu = 1500, .port = 7707, .interval = 1 };
	struct zc_result res;
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
		ZC_TRACED_OPT_ROWS(cfg.interval, trace, json),
		OPT_END
	};

	err = opts_parse(opts, argc, argv, pos, 0, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	rs_json = json;
	if (cfg.dst && !cfg.ifname) {
		/* Without -i the sends go over the private pair: --dst was ignored. */
		rs_err("--dst %s needs -i IFACE, the link that reaches it (without -i, zc-gen sends over its own veth pair)",
		       cfg.dst);
		return -EINVAL;
	}
	cfg.proto = proto ? IPPROTO_UDP : IPPROTO_TCP;
	cfg.zerocopy = zc == 0;
	cfg.port = port;
	if (!cfg.count && cfg.duration <= 0)
		cfg.duration = 5;
	if (geteuid()) {
		rs_err("zc-gen creates network namespaces and a veth pair: run as root (sudo)");
		return -EPERM;
	}
	return zc_traced_run(&zc_gen, &cfg, &res, cfg.interval, trace);
}
