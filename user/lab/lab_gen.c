#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cpu_time.h"
#include "gen.h"
#include "lab_gen.h"
#include "stop.h"

void lab_worker_init(struct lab_worker *w, void (*main)(void *arg), void (*snapshot)(void *arg, void *counters),
		     void *arg, void *pub, size_t counters_bytes)
{
	memset(w, 0, sizeof(*w));
	w->main = main;
	w->snapshot = snapshot;
	w->arg = arg;
	w->pub = pub;
	w->counters_bytes = counters_bytes;
	pthread_mutex_init(&w->lock, NULL);
}

void lab_publish(struct lab_worker *w, const void *counters)
{
	pthread_mutex_lock(&w->lock);
	memcpy(w->pub, counters, w->counters_bytes);
	pthread_mutex_unlock(&w->lock);
}

void lab_read(struct lab_worker *w, void *counters)
{
	pthread_mutex_lock(&w->lock);
	memcpy(counters, w->pub, w->counters_bytes);
	pthread_mutex_unlock(&w->lock);
}

static void *worker_thread(void *arg)
{
	struct lab_worker *w = arg;

	w->main(w->arg);
	w->done = true;
	return NULL;
}

/* One report interval: the counters so far, rendered against the last ones. */
struct tick {
	struct lab_worker *w;
	lab_interval_fn fn;
	void *ctx;
	void *cur, *prev;
};

static void tick(struct tick *k, double t_s, double dt_s)
{
	void *t;

	k->w->snapshot(k->w->arg, k->cur);
	k->fn(k->ctx, k->cur, k->prev, t_s, dt_s);
	t = k->prev;
	k->prev = k->cur;
	k->cur = t;
}

/* Returns when the worker is done; every interval a tick (k NULL: none);
 * short waits, so that the worker's end is seen within 20 ms. */
static void interval_loop(struct lab_worker *w, double interval_s, bool bounded, struct tick *k)
{
	uint64_t step = interval_s > 0 && k ? (uint64_t)(interval_s * 1e9) : UINT64_MAX / 4;
	uint64_t t0 = now_ns(), last = t0, next = t0 + step;

	while (!w->done) {
		uint64_t now = now_ns(), wait = next > now ? next - now : 0;

		if (now >= next) {
			tick(k, (now - t0) / 1e9, (now - last) / 1e9);
			last = now;
			next += step;
			continue;
		}
		if (stop_wait(wait > 20000000 ? 20000000 : wait, bounded))
			w->stop = true;
	}
}

int lab_worker_run(struct lab_worker *w, double interval_s, bool bounded, lab_interval_fn fn, void *ctx,
		   struct lab_cpu *cpu)
{
	struct tick k = { .w = w, .fn = fn, .ctx = ctx };
	double busy0, self0;
	int err = 0;

	if (fn) {
		k.cur = calloc(1, w->counters_bytes);
		k.prev = calloc(1, w->counters_bytes);
		if (!k.cur || !k.prev) {
			err = -ENOMEM;
			goto out;
		}
	}
	busy0 = cpu_busy_seconds(&cpu->ncpu);
	self0 = cpu_self_seconds();
	if (pthread_create(&w->thread, NULL, worker_thread, w)) {
		err = -EAGAIN;
		goto out;
	}
	w->started = true;
	interval_loop(w, interval_s, bounded, fn ? &k : NULL);
	pthread_join(w->thread, NULL);
	w->started = false;
	cpu->busy_s = cpu_busy_seconds(NULL) - busy0;
	cpu->self_s = cpu_self_seconds() - self0;
out:
	free(k.cur);
	free(k.prev);
	return err;
}

void lab_json_interval_begin(struct json_writer *w, double t_s, double dt_s)
{
	json_init(w, stdout);
	json_obj_begin(w);
	json_kv_str(w, "type", "interval");
	json_kv_double(w, "t_s", t_s);
	json_kv_double(w, "interval_s", dt_s);
}

void lab_worker_stop(struct lab_worker *w)
{
	w->stop = true;
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = false;
}

void lab_worker_fini(struct lab_worker *w)
{
	pthread_mutex_destroy(&w->lock);
}
