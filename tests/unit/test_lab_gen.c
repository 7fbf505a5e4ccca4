/* lab_gen.c, the run zc-gen and vhost-gen share: what the worker publishes
 * reaches the interval reports in order (each report's prev is the last
 * report's cur), and the reports' deltas plus the last stretch add up to the
 * worker's final count, with or without reports. No timing is asserted: the
 * worker waits (at most 5 s) for a first report before it ends, so that the
 * order checks have reports to look at. */
#include <stdint.h>
#include <unistd.h>
#include "check.h"
#include "lab_gen.h"

#define N 200000

struct counters {
	uint64_t sent;		/* published by the worker */
	uint64_t seen;		/* read atomically at each snapshot, like a receiver's count */
};

struct reports {
	unsigned int n, out_of_order;
	uint64_t last_sent, delta_sum;
};

struct run {
	struct lab_worker w;
	struct counters pub;
	uint64_t seen;
	struct reports *reports;	/* NULL: a run without reports */
};

static void worker(void *arg)
{
	struct run *r = arg;
	struct counters c = {};

	while (c.sent < N && !r->w.stop) {
		c.sent++;
		__atomic_add_fetch(&r->seen, 1, __ATOMIC_RELAXED);
		if (c.sent % 1000 == 0) {
			lab_publish(&r->w, &c);
			usleep(200);	/* room for a few reports */
		}
	}
	lab_publish(&r->w, &c);
	for (int ms = 0; r->reports && !__atomic_load_n(&r->reports->n, __ATOMIC_ACQUIRE) && ms < 5000; ms++)
		usleep(1000);
}

static void snapshot(void *arg, void *counters)
{
	struct run *r = arg;
	struct counters *c = counters;

	lab_read(&r->w, c);
	c->seen = __atomic_load_n(&r->seen, __ATOMIC_RELAXED);
}

static void report(void *ctx, const void *cur_, const void *prev_, double t_s, double dt_s)
{
	struct reports *p = ctx;
	const struct counters *cur = cur_, *prev = prev_;

	p->out_of_order += prev->sent != p->last_sent || cur->sent < prev->sent || cur->seen < cur->sent ||
			   t_s < dt_s;
	p->delta_sum += cur->sent - prev->sent;
	p->last_sent = cur->sent;
	__atomic_add_fetch(&p->n, 1, __ATOMIC_RELEASE);
}

static int one_run(struct reports *p, struct counters *final, struct lab_cpu *cpu)
{
	struct run r = { .reports = p };
	int err;

	lab_worker_init(&r.w, worker, snapshot, &r, &r.pub, sizeof(r.pub));
	err = lab_worker_run(&r.w, p ? 0.002 : 0, true, p ? report : NULL, p, cpu);
	lab_worker_stop(&r.w);
	snapshot(&r, final);
	lab_worker_fini(&r.w);
	return err;
}

int main(void)
{
	struct reports p = {};
	struct counters final;
	struct lab_cpu cpu = {};
	int err;

	err = one_run(&p, &final, &cpu);
	CHECK(!err && final.sent == N && final.seen == N, "lab_worker_final_count", "err %d sent %llu seen %llu", err,
	      (unsigned long long)final.sent, (unsigned long long)final.seen);
	CHECK(p.n >= 1 && !p.out_of_order, "lab_reports_in_order", "%u of %u reports out of order", p.out_of_order, p.n);
	CHECK(p.delta_sum + (final.sent - p.last_sent) == N, "lab_report_deltas_sum_to_final",
	      "%llu in %u reports + %llu after != %d", (unsigned long long)p.delta_sum, p.n,
	      (unsigned long long)(final.sent - p.last_sent), N);
	CHECK(cpu.ncpu >= 1 && cpu.self_s >= 0 && cpu.busy_s >= 0, "lab_worker_cpu_time", "ncpu %d self %.3f busy %.3f",
	      cpu.ncpu, cpu.self_s, cpu.busy_s);
	err = one_run(NULL, &final, &cpu);
	CHECK(!err && final.sent == N, "lab_worker_without_reports", "err %d sent %llu", err,
	      (unsigned long long)final.sent);
	CHECK_DONE();
}
