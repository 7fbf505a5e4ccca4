/* The main thread's side of a load generator whose traffic runs in a worker
 * thread (zc-gen, vhost-gen): a tick each report interval, and the stop
 * signals of stop.h passed on to the worker. */
#ifndef RS_INTERVAL_LOOP_H
#define RS_INTERVAL_LOOP_H

#include <stdbool.h>

/* Called each interval: t_s since the loop started, dt_s since the last tick. */
typedef void (*interval_tick_fn)(void *ctx, double t_s, double dt_s);

/* Returns when the worker sets *done. Every interval_s (none if interval_s
 * <= 0 or tick is NULL) calls tick; on a stop signal sets *stop, which the
 * worker polls. bounded: the run has its own end (-n/-d), see stop_wait(). */
void interval_loop(volatile bool *done, volatile bool *stop, double interval_s, bool bounded,
		   interval_tick_fn tick, void *ctx);

#endif
