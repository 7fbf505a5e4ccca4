/* `--path msg-zerocopy`: the MSG_ZEROCOPY sends of ringscope's own sender
 * (run), followed per send from the syscall to the reap of its notification
 * (bpf/hop_msgzc.bpf.c on the fentry tier, else kprobes; docs/hop-latency.md).
 * trace_path.c calls these for this path; its session keeps the object in
 * ps->mz. */
#ifndef RS_TRACE_PATH_MSGZC_H
#define RS_TRACE_PATH_MSGZC_H

#include <stdint.h>
#include "bpf/hop_msgzc.h"
#include "trace_path.h"

extern const struct path_def msgzc_path_def;

/* Load and attach its probes, start reading (trace_path_open's contract).
 * Only in a run: it follows this process's sends. One error line and -errno,
 * nothing left attached. */
int msgzc_path_open(struct path_session *ps, bool run, uint32_t window, uint64_t samples, int tier);
/* The sends whose callback was not seen: their partial records into the join. */
void msgzc_path_in_flight(struct path_session *ps);
/* The kernel side's counters summed over CPUs: the ones every path has
 * (out) and its own (mz, may be NULL). */
void msgzc_path_counters(struct path_session *ps, struct hop_counters *out, struct mz_counters *mz);
uint64_t msgzc_path_missed(struct path_session *ps);
/* Detach and free its object (none: nothing). */
void msgzc_path_destroy(struct path_session *ps);

#endif
