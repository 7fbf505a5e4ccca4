/* Options shared by the commands that drive traffic (gen, demo, run). */
#ifndef RS_GEN_OPTS_H
#define RS_GEN_OPTS_H

#include "gen.h"
#include "live.h"
#include "metrics_out.h"
#include "opts.h"

struct gen_opts {
	const char *iface, *queues, *dst_mac, *netns, *need_wakeup;
	int bind, xdp_mode, wakeup;
	uint32_t batch, ring_size, frame_size, frames, size, busy_poll, epoch;
	uint64_t rate, count;
	double duration, interval;
	bool replace, force, no_pin, json, rx, scroll;
	struct metrics_opts metrics;	/* --metrics, --metrics-file, --metrics-linger */
};

void gen_opts_defaults(struct gen_opts *o);
/* Turn parsed options into a session config (queue list, MAC...). */
int gen_opts_to_cfg(const struct gen_opts *o, enum gen_mode mode, struct gen_cfg *cfg);

/* Rows of the option table for traffic generation, for a `struct gen_opts g`.
 * The AF_XDP socket and report rows of every traffic command. */
#define GEN_OPT_SOCKET_ROWS(g) \
	{ "queues", 'q', OPT_LIST, &(g).queues, 0, 0, NULL, "LIST", "queues, e.g. 0 or 0-1 (default 0)" }, \
	{ "bind", 0, OPT_CHOICE, &(g).bind, 0, 0, "copy,zc,auto", NULL, "AF_XDP bind mode (default auto: zero-copy, else copy)" }, \
	{ "xdp-mode", 0, OPT_CHOICE, &(g).xdp_mode, 0, 0, "skb,native", NULL, "XDP attach mode for receiving (default skb)" }, \
	{ "batch", 'b', OPT_U32, &(g).batch, 1, 4096, NULL, "N", "descriptors per batch (default 64)" }, \
	{ "ring-size", 0, OPT_U32, &(g).ring_size, 64, 16384, NULL, "N", "fill/completion/rx/tx ring size, power of two (default 2048)" }, \
	{ "frame-size", 0, OPT_U32, &(g).frame_size, 0, 65536, NULL, "BYTES", "UMEM frame size: 2048 or 4096 (default 2048)" }, \
	{ "frames", 0, OPT_U32, &(g).frames, 128, 1048576, NULL, "N", "UMEM frames per queue (default 4096)" }, \
	{ "size", 's', OPT_U32, &(g).size, 0, 65536, NULL, "BYTES", "packet size without FCS: 64..frame size to send, at most frame size - 256 to receive (default 64)" }, \
	{ "interval", 'I', OPT_DOUBLE, &(g).interval, 0.05, 3600, NULL, "SECONDS", "report interval (default 1)" }, \
	{ "need-wakeup", 0, OPT_CHOICE, &(g).wakeup, 0, 0, "on,off", NULL, "use the need_wakeup flag (default on)" }, \
	{ "busy-poll", 0, OPT_U32, &(g).busy_poll, 0, 1000000, NULL, "USECS", "SO_BUSY_POLL time, 0 = off" }, \
	{ "no-pin", 0, OPT_FLAG, &(g).no_pin, 0, 0, NULL, NULL, "do not pin maps under /sys/fs/bpf/ringscope" }, \
	{ "json", 'j', OPT_FLAG, &(g).json, 0, 0, NULL, NULL, "NDJSON output: one object per interval and a final one" }, \
	{ "scroll", 0, OPT_FLAG, &(g).scroll, 0, 0, NULL, NULL, LIVE_SCROLL_HELP }, \
	METRICS_OPT_ROWS((g).metrics)

/* The load's rate and length, with gen's defaults (demo has its own). */
#define GEN_OPT_LOAD_ROWS(g) \
	{ "rate", 'r', OPT_U64, &(g).rate, 0, 1e9, NULL, "PPS", "rate limit per queue, 0 = unlimited (default 0)" }, \
	{ "count", 'n', OPT_U64, &(g).count, 0, 1e15, NULL, "N", "packets per queue, 0 = unbounded (rx stops at N x queues distinct packets)" }, \
	{ "duration", 'd', OPT_DOUBLE, &(g).duration, 0, 86400, NULL, "SECONDS", "stop after this long, 0 = unbounded" }, \
	{ "epoch", 0, OPT_U32, &(g).epoch, 1, 65535, NULL, "N", "sender epoch: the IPv4 Identification of every frame sent (default random; docs/frame-layout.md)" }

/* Rows about a link the user names (-i): not for demo, which makes its own pair. */
#define GEN_OPT_LINK_ROWS(g) \
	{ "dst-mac", 0, OPT_STR, &(g).dst_mac, 0, 0, NULL, "MAC", "destination MAC (default broadcast)" }, \
	{ "replace", 0, OPT_FLAG, &(g).replace, 0, 0, NULL, NULL, "replace an XDP program already on the interface" }, \
	{ "force", 0, OPT_FLAG, &(g).force, 0, 0, NULL, NULL, "allow the interface that carries the default route" }

/* All of them: gen and run. */
#define GEN_OPT_ROWS(g) GEN_OPT_SOCKET_ROWS(g), GEN_OPT_LOAD_ROWS(g), GEN_OPT_LINK_ROWS(g)

#endif
