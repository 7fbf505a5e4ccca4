/* What the lab load generators (zc-gen, vhost-gen) share: a worker thread
 * makes the traffic and publishes its counters; the calling thread reports
 * them each interval, passes the stop signals of stop.h on to the worker and
 * takes the CPU time the run cost. Each generator is described by one table
 * (struct lab_gen: its run and its renderers), which zc_traced.c runs and
 * reports. */
#ifndef RS_LAB_GEN_H
#define RS_LAB_GEN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "json.h"

/* One report interval: cur and prev are the generator's counters (its own
 * struct) now and at the last report; t_s since the start, dt_s since prev. */
typedef void (*lab_interval_fn)(void *ctx, const void *cur, const void *prev, double t_s, double dt_s);

/* A generator. cfg, cur/prev and res are its own structs (its cfg, counters
 * and result). */
struct lab_gen {
	/* One run; fn (may be NULL) each interval, in the calling thread.
	 * Returns 0 or -errno after one error line; interrupted runs return 0. */
	int (*run)(const void *cfg, void *res, lab_interval_fn fn, void *ctx);
	double (*duration_s)(const void *res);	/* of the traffic, from res */
	/* The line before the run (text only). */
	void (*print_banner)(FILE *out, const void *cfg);
	void (*print_interval)(FILE *out, const void *cfg, const void *cur, const void *prev, double t_s,
			       double dt_s);
	/* The interval's own fields (the JSON object around them is the caller's). */
	void (*json_interval)(struct json_writer *w, const void *cfg, const void *cur, const void *prev,
			      double dt_s);
	void (*print_final)(FILE *out, const void *cfg, const void *res);
	void (*json_final)(struct json_writer *w, const void *cfg, const void *res);
};

struct lab_cpu {
	double busy_s;	/* /proc/stat: busy time of all CPUs (softirqs and kernel threads too) */
	double self_s;	/* getrusage: user + system of this process (all its threads) */
	int ncpu;
};

struct lab_worker {
	/* The generator's (lab_worker_init). */
	void (*main)(void *arg);	/* the traffic; polls stop, returns at its end */
	void (*snapshot)(void *arg, void *counters);	/* the counters so far */
	void *arg;
	void *pub;			/* the counters as last published (the generator's storage) */
	size_t counters_bytes;		/* of the counters struct */
	/* Shared with the worker. */
	volatile bool stop;		/* set on a stop signal or at teardown */
	/* lab_worker's own. */
	volatile bool done;
	bool started;
	pthread_t thread;
	pthread_mutex_t lock;		/* of pub */
};

/* Before anything else touches w. pub: the generator's storage of the
 * published counters, counters_bytes long. */
void lab_worker_init(struct lab_worker *w, void (*main)(void *arg), void (*snapshot)(void *arg, void *counters),
		     void *arg, void *pub, size_t counters_bytes);
/* The worker's side: its counters, for lab_read() and the interval reports. */
void lab_publish(struct lab_worker *w, const void *counters);
/* The counters as last published. */
void lab_read(struct lab_worker *w, void *counters);
/* Starts the worker and returns when it ends. Every interval_s (none if
 * interval_s <= 0 or fn is NULL) calls fn with the snapshot and the one
 * before; a stop signal sets stop. bounded: the run has its own end (-n/-d),
 * see stop_wait(). cpu: the CPU time from the start to the end of the worker.
 * -EAGAIN if no thread, -ENOMEM. */
int lab_worker_run(struct lab_worker *w, double interval_s, bool bounded, lab_interval_fn fn, void *ctx,
		   struct lab_cpu *cpu);
/* The start of an interval's NDJSON object on stdout: {"type":"interval",
 * "t_s":..,"interval_s":.. (the caller adds its fields, json_obj_end() and
 * json_finish_line()). */
void lab_json_interval_begin(struct json_writer *w, double t_s, double dt_s);
/* Teardown: sets stop and joins the worker if it still runs (an error cut
 * the run short). */
void lab_worker_stop(struct lab_worker *w);
/* Last: after the final lab_read(). */
void lab_worker_fini(struct lab_worker *w);

#endif
