/* The vhost-net load generator behind `vhost-gen`: ringscope plays the guest
 * driver of one TX virtqueue (split ring) that lives in its own memory, the
 * kernel's vhost-net moves the packets into a tap device, and
 * experimental_zcopytx (a vhost_net module parameter) decides between copy
 * and zero-copy TX. */
#ifndef RS_VHOST_GEN_H
#define RS_VHOST_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include "hist.h"
#include "lab_gen.h"
#include "path_join.h"

enum vhost_sink {
	VHOST_SINK_DROP = 0,	/* frames of an ethertype nobody handles: freed by the stack, no copy */
	VHOST_SINK_READ = 1,	/* a packet socket on the tap reads every frame: the stack copies */
};

struct vhost_cfg {
	uint32_t size;		/* Ethernet frame bytes, without the virtio-net header */
	uint32_t qsize;		/* descriptors in the TX ring, power of two */
	uint32_t batch;		/* descriptors made available per kick */
	uint64_t count;		/* packets; 0 = until duration */
	double duration;
	double interval;	/* report interval, s; 0 = final only */
	int sink;		/* enum vhost_sink */
	const char *tap;	/* tap name (default rst-zc-tap%d) */
	struct path_join *path;	/* --path vhost-tx: each frame's submit and reap, by its avail index */
};

/* Cumulative counters; every field a uint64_t (histogram included). */
struct vhost_counters {
	uint64_t sent;		/* descriptors made available */
	uint64_t used;		/* used-ring entries reaped */
	uint64_t bytes;		/* frame bytes of the used entries */
	uint64_t kicks, call_waits;
	uint64_t rx_frames, rx_bytes;	/* read by the sink (--sink read) */
	struct rs_hist lat;	/* avail -> used entry reaped, ns */
};

struct vhost_result {
	struct vhost_counters c;
	double duration_s;
	struct lab_cpu cpu;
	int zcopytx;		/* /sys/module/vhost_net/parameters/experimental_zcopytx, -1 unknown */
	uint64_t features;	/* negotiated with VHOST_SET_FEATURES */
	uint64_t tap_rx_packets;	/* the tap's rx_packets: frames vhost handed to the stack */
	char tap[16];
};

/* One run. The interval callback (may be NULL) runs in the calling thread;
 * its counters are struct vhost_counters. Returns 0 or -errno after one
 * error line; interrupted runs return 0. */
int vhost_gen_run(const struct vhost_cfg *cfg, struct vhost_result *res, lab_interval_fn fn, void *ctx);
/* /sys/module/vhost_net/parameters/experimental_zcopytx, -1 unknown. */
int vhost_zcopytx(void);
/* The generator for zc_traced_run(): its run, and its figures in text and
 * JSON (cfg a struct vhost_cfg, counters struct vhost_counters, res struct
 * vhost_result). */
extern const struct lab_gen vhost_gen;

#endif
