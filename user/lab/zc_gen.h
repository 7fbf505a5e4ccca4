/* The MSG_ZEROCOPY load generator behind `zc-gen` and `run --zerocopy`: a TCP
 * or UDP sender with SO_ZEROCOPY that reads its completions from the error
 * queue, and a receiver that consumes the data, over a veth pair between two
 * anonymous network namespaces (gone with the process) or on an interface. */
#ifndef RS_ZC_GEN_H
#define RS_ZC_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include "hist.h"
#include "lab_gen.h"
#include "path_join.h"

struct zc_cfg {
	int proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	bool zerocopy;		/* MSG_ZEROCOPY; false: plain sends, the copy baseline */
	uint32_t size;		/* bytes per send */
	uint64_t count;		/* sends; 0 = until duration */
	double duration;	/* seconds; 0 = until count */
	uint32_t inflight;	/* sends without a completion before the sender waits */
	uint32_t mtu;		/* of the veth pair */
	const char *ifname;	/* send on IFACE to dst (no local receiver) instead */
	const char *dst;
	uint16_t port;
	bool force;		/* allow the interface with the default route */
	double interval;	/* report interval, s; 0 = final only */
	struct path_join *path;	/* --path msg-zerocopy: each send's submit and reap, by its notification id */
};

/* Cumulative counters; every field a uint64_t (histograms included). */
struct zc_counters {
	uint64_t sends, bytes, send_errors, enobufs;
	uint64_t notifications;	/* error-queue messages (ranges) */
	uint64_t completions;	/* sends covered by them: sum of ee_data - ee_info + 1 */
	uint64_t copied;	/* ... in ranges with SO_EE_CODE_ZEROCOPY_COPIED */
	uint64_t bad_notifications;	/* a range wider than the sends outstanding: not used */
	uint64_t rx_bytes, rx_msgs;
	struct rs_hist lat;	/* send() -> completion read from the error queue, ns */
	struct rs_hist send_lat;	/* time inside send(), ns */
};

struct zc_result {
	struct zc_counters c;
	double duration_s;
	struct lab_cpu cpu;	/* sender + receiver, and the kernel's work for them */
};

/* One run. The interval callback (may be NULL) runs in the calling thread;
 * its counters are struct zc_counters. Returns 0 or -errno after one error
 * line; interrupted runs return 0. */
int zc_gen_run(const struct zc_cfg *cfg, struct zc_result *res, lab_interval_fn fn, void *ctx);
const char *zc_proto_name(const struct zc_cfg *cfg);
/* The generator for zc_traced_run(): its run, and its figures in text and
 * JSON (cfg a struct zc_cfg, counters struct zc_counters, res struct
 * zc_result). */
extern const struct lab_gen zc_gen;

#endif
