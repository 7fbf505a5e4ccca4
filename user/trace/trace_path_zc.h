/* `--path msg-zerocopy` and `--path vhost-tx`: the zero-copy sends of
 * ringscope's own generator (run: zc-gen's MSG_ZEROCOPY sends, vhost-gen's
 * frames through vhost-net), each followed from its submit to the reap of its
 * completion (bpf/hop_zc.bpf.c on the fentry tier, else kprobes;
 * docs/hop-latency.md); trace: any process's such sends, from the first
 * kernel hop. trace_path.c calls these for these paths; its session keeps
 * their object in ps->mz. */
#ifndef RS_TRACE_PATH_ZC_H
#define RS_TRACE_PATH_ZC_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/hop_zc.h"
#include "trace_path.h"

extern const struct path_def msgzc_path_def, vhost_path_def;

/* The zero-copy path called name, NULL if none is. */
const struct path_def *zc_path_find(const char *name);
/* Load and attach its probes, start reading (trace_path_open's contract).
 * run: this process's sends, joined with its generator's submit and reap
 * stamps; else (trace) every process's, each socket or virtqueue a stream
 * of its own, from the first kernel hop. One error line and -errno, nothing
 * left attached. */
int zc_path_open(struct path_session *ps, const char *name, bool run, uint32_t window, uint64_t samples, int tier);
/* The sends still in flight in the kernel: their partial records into the join. */
void zc_path_in_flight(struct path_session *ps);
/* The kernel side's counters summed over CPUs: the ones every path has
 * (out) and the zero-copy paths' own (mz, may be NULL). */
void zc_path_counters(struct path_session *ps, struct hop_counters *out, struct mz_counters *mz);
uint64_t zc_path_missed(struct path_session *ps);
/* The zero-copy counters a path reports, in order: the JSON object `object`
 * of its "path" (msg-zerocopy: "ubufs", vhost-tx: "vhost") and the metrics'
 * `kind`s, one table for both. NULL for another path. */
struct zc_counter_row {
	const char *name;
	size_t off;		/* of a __u64 in struct mz_counters */
};
const struct zc_counter_row *zc_path_counter_rows(const struct path_def *d, const char **object, int *n);
/* Detach and free its object (none: nothing). */
void zc_path_destroy(struct path_session *ps);

#endif
