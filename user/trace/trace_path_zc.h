/* `--path msg-zerocopy` and `--path vhost-tx`: the zero-copy sends of
 * ringscope's own generator (run: zc-gen's MSG_ZEROCOPY sends, vhost-gen's
 * frames through vhost-net), each followed from its submit to the reap of its
 * completion (bpf/hop_zc.bpf.c on the fentry tier, else kprobes;
 * docs/hop-latency.md). trace_path.c calls these for these paths; its
 * session keeps their object in ps->mz. */
#ifndef RS_TRACE_PATH_ZC_H
#define RS_TRACE_PATH_ZC_H

#include <stdint.h>
#include "bpf/hop_zc.h"
#include "trace_path.h"

extern const struct path_def msgzc_path_def, vhost_path_def;

/* The zero-copy path called name, NULL if none is. */
const struct path_def *zc_path_find(const char *name);
/* Load and attach its probes, start reading (trace_path_open's contract).
 * Only in a run: it follows this process's sends. One error line and -errno,
 * nothing left attached. */
int zc_path_open(struct path_session *ps, const char *name, bool run, uint32_t window, uint64_t samples, int tier);
/* The sends still in flight in the kernel: their partial records into the join. */
void zc_path_in_flight(struct path_session *ps);
/* The kernel side's counters summed over CPUs: the ones every path has
 * (out) and the zero-copy paths' own (mz, may be NULL). */
void zc_path_counters(struct path_session *ps, struct hop_counters *out, struct mz_counters *mz);
uint64_t zc_path_missed(struct path_session *ps);
/* Detach and free its object (none: nothing). */
void zc_path_destroy(struct path_session *ps);

#endif
