/* How a run stops: the signals that end it (taken synchronously with
 * sigtimedwait by the one thread that reports), a closed stdout (its SIGPIPE
 * is one of them), and the exit status that follows. */
#ifndef RS_STOP_H
#define RS_STOP_H

#include <stdbool.h>
#include <stdint.h>

/* Block the stop signals in the calling thread; call in main() before any
 * thread exists, so every thread inherits the mask and none dies of them. */
void stop_block_signals(void);
/* For commands that only compute (compare): the stop signals act at once
 * again, with their default action, as for any filter. */
void stop_unblock_signals(void);
/* Wait up to wait_ns for a stop signal. Returns its number (and records it,
 * with a notice) or 0 on timeout. bounded: the run had its own end (-d/-n),
 * so a signal cuts it short and the exit status says so. */
int stop_wait(uint64_t wait_ns, bool bounded);
/* A stop signal ended the run: the final report's "interrupted". */
bool stop_interrupted(void);
/* Standard output is a closed pipe (`| head`): its SIGPIPE stopped the run,
 * or is pending because it came after the last wait. */
bool stop_pipe_closed(void);
/* Exit status of a command that returned 0: 128 + signal if a signal cut a
 * bounded run short, else 0 (ending an unbounded run is its normal stop). */
int stop_exit_status(void);

#endif
