/* lpi-load's engine (lpi_load.h): a small VMM that loads KVM's vgic-its MSI
 * injection path. It creates an arm64 VM with a vgic-v3 and an ITS
 * (kvm_its.c), maps D devices x E events to LPIs, and has K injector threads
 * ("NICs") fire MSIs at them: through irqfd (eventfd write -> irqfd_wakeup ->
 * kvm_arch_set_irq_inatomic -> vgic_its_inject_cached_translation) or, for
 * comparison, KVM_SIGNAL_MSI (-> vgic_its_inject_msi). The vCPUs never run:
 * injection marks the LPI pending without them, and a pending LPI injected
 * again is still a full pass through the translation cache.
 *
 * Injector i owns the devices d with d % K == i and writes their eventfds
 * round-robin. Measured: injections per injector and in total, and the
 * user-space latency of every write (log2 ns); afterwards the pending tables
 * are saved and read back to show that every LPI was delivered. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "hist.h"
#include "kvm_its.h"
#include "log.h"
#include "lpi_load.h"
#include "stop.h"

const char *const lpi_mode_names[] = { "irqfd", "signal-msi" };

void lpi_result_free(struct lpi_result *r)
{
	free(r->per);
	r->per = NULL;
}

/* Bad combinations refused before anything is created. */
int lpi_opts_check(struct lpi_opts *o)
{
	uint64_t nlpis;

	if (!o->devices)
		o->devices = o->injectors;
	nlpis = (uint64_t)o->devices * o->events;
	if (o->devices < o->injectors) {
		rs_err("--devices %u < --injectors %u: every injector needs a device of its own", o->devices,
		       o->injectors);
		return -EINVAL;
	}
	if (nlpis > KITS_MAX_LPIS) {
		rs_err("--devices x --events = %llu LPIs: KVM's ITS has %u (INTIDs 8192..65535)",
		       (unsigned long long)nlpis, KITS_MAX_LPIS);
		return -EINVAL;
	}
	if (o->mode == LPI_MODE_IRQFD && nlpis > KITS_MAX_ROUTES) {
		rs_err("irqfd needs one GSI route per event: --devices x --events = %llu > %u (KVM_MAX_IRQ_ROUTES); "
		       "use fewer or --mode signal-msi", (unsigned long long)nlpis, KITS_MAX_ROUTES);
		return -EINVAL;
	}
	if (!o->count && o->duration <= 0)
		o->duration = 5;
	return 0;
}

#ifndef __aarch64__
int lpi_load_run(const struct lpi_opts *o, struct lpi_result *r)
{
	rs_err("needs an arm64 host with KVM (vgic-v3 + ITS): run it in the arm64 VM lab (make vm-run ARCH=arm64)");
	return -EOPNOTSUPP;
}
#else
#include <sys/ioctl.h>
#include <linux/kvm.h>

struct injector {
	pthread_t tid;
	uint32_t idx;
	uint32_t ndevices;
	uint32_t nitems;
	int *fds;			/* irqfd: eventfd per item */
	struct kvm_msi *msis;		/* signal-msi: message per item */
	int vm_fd;
	int mode;
	int cpu;			/* pin to this CPU, or -1 */
	uint64_t quota;			/* with bounded: attempts to make */
	bool bounded;
	/* results */
	uint64_t done, blocked, errors, t_start, t_end;
	int first_err;
	struct rs_hist lat;
} __attribute__((aligned(64)));

static atomic_int go, stop, finished;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One clock read per injection: each sample is the time from the end of the
 * previous write to the end of this one (write + a few loop instructions). */
static void *injector_main(void *arg)
{
	struct injector *in = arg;
	const uint64_t one = 1;
	uint64_t t0, t1;
	uint32_t j = 0;

	if (in->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(in->cpu, &set);
		/* A failure leaves the thread unpinned; the result says where it ran. */
		if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
			in->cpu = -1;
	}
	while (!atomic_load_explicit(&go, memory_order_acquire))
		sched_yield();
	t0 = in->t_start = mono_ns();
	while (!atomic_load_explicit(&stop, memory_order_relaxed) && (!in->bounded || in->done + in->blocked + in->errors < in->quota)) {
		long r;

		if (in->mode == LPI_MODE_IRQFD)
			r = write(in->fds[j], &one, sizeof(one)) == sizeof(one) ? 1 : -errno;
		else
			r = ioctl(in->vm_fd, KVM_SIGNAL_MSI, &in->msis[j]) < 0 ? -errno : 1;
		t1 = mono_ns();
		hist_add(&in->lat, t1 - t0);
		t0 = t1;
		if (r > 0) {
			in->done++;
		} else if (r == 0) {
			in->blocked++;
		} else {
			if (!in->errors++)
				in->first_err = (int)-r;
		}
		if (++j == in->nitems)
			j = 0;
	}
	in->t_end = mono_ns();
	atomic_fetch_add(&finished, 1);
	return NULL;
}

/* Every translation cached and every LPI shown deliverable before timing:
 * KVM_SIGNAL_MSI once per event (slow path: vgic_its_trigger_msi caches the
 * translation that irqfd's kvm_arch_set_irq_inatomic then finds), all LPIs
 * pending, then ITS CLEAR so the run's own deliveries can be counted. */
static int warmup(struct kvm_its_vm *vm, const struct lpi_opts *o)
{
	uint64_t nlpis = (uint64_t)o->devices * o->events, pending;
	int err;

	for (uint32_t d = 0; d < o->devices; d++)
		for (uint32_t e = 0; e < o->events; e++) {
			int r = kvm_its_signal_msi(vm, d, e);

			if (r != 1) {
				rs_err("warm-up: KVM_SIGNAL_MSI to device %u event %u (LPI %u) returned %d%s%s: the MSI "
				       "is not translated", d, e, kvm_its_lpi(vm, d, e), r, r < 0 ? " " : "",
				       r < 0 ? strerror(-r) : "");
				return r < 0 ? r : -EIO;
			}
		}
	if ((err = kvm_its_count_pending(vm, &pending)))
		return err;
	if (pending != nlpis) {
		rs_err("warm-up: %llu of %llu LPIs pending after one KVM_SIGNAL_MSI each: injection does not reach "
		       "the pending tables", (unsigned long long)pending, (unsigned long long)nlpis);
		return -EIO;
	}
	if ((err = kvm_its_clear_all(vm)) || (err = kvm_its_count_pending(vm, &pending)))
		return err;
	if (pending) {
		rs_err("warm-up: %llu LPIs still pending after ITS CLEAR", (unsigned long long)pending);
		return -EIO;
	}
	return 0;
}

/* Linux before 6.10 keeps one LRU translation cache of 16 entries per vCPU
 * per VM; say so when the LPIs in rotation cannot all fit. */
static void cache_note(const struct lpi_opts *o)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;
	uint64_t nlpis = (uint64_t)o->devices * o->events;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return;
	if ((major < 6 || (major == 6 && minor < 10)) && nlpis > 16ull * o->vcpus)
		rs_note("Linux %s caches 16 translations per vCPU (%u here) and %llu LPIs rotate: expect cache misses "
			"(slow path through a kworker for irqfd); use --vcpus %llu to fit them", u.release,
			16 * o->vcpus, (unsigned long long)nlpis, (unsigned long long)((nlpis + 15) / 16));
}

/* The (i mod N)-th of the N CPUs this process may run on. */
static int online_cpu(uint32_t i)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) || !(n = CPU_COUNT(&set)))
		return -1;
	i %= (uint32_t)n;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set) && !i--)
			return c;
	return -1;
}

/* Totals, merged latency and per-injector figures of a finished run. */
static int collect(const struct lpi_opts *o, const struct injector *inj, struct lpi_result *r)
{
	r->per = calloc(o->injectors, sizeof(*r->per));
	if (!r->per) {
		rs_err("out of memory");
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < o->injectors; i++) {
		r->injections += inj[i].done;
		r->blocked += inj[i].blocked;
		r->errors += inj[i].errors;
		hist_merge(&r->write_lat_ns, &inj[i].lat);
		r->per[i] = (struct lpi_injector_result){
			.ndevices = inj[i].ndevices, .injections = inj[i].done,
			.elapsed_s = (double)(inj[i].t_end - inj[i].t_start) / 1e9, .cpu = inj[i].cpu };
	}
	return 0;
}

int lpi_load_run(const struct lpi_opts *o, struct lpi_result *r)
{
	struct kvm_its_cfg cfg = { .vcpus = o->vcpus, .devices = o->devices, .events = o->events };
	uint32_t nlpis = o->devices * o->events;
	struct injector *inj = NULL;
	struct kvm_its_vm vm;
	int *efds = NULL, err;
	uint64_t start, pending = 0, deadline;
	double setup_s;

	memset(r, 0, sizeof(*r));
	start = mono_ns();
	if ((err = kvm_its_open(&vm, &cfg)))
		return err;
	setup_s = (double)(mono_ns() - start) / 1e9;
	rs_note("%s: %u injector%s, %u device%s x %u event%s = LPIs %u-%u, %u vCPU%s; %u ITS commands via "
		"GITS_CWRITER, mapping verified (KVM_DEV_ARM_ITS_SAVE_TABLES) in %.2f s", lpi_mode_names[o->mode],
		o->injectors, o->injectors == 1 ? "" : "s", o->devices, o->devices == 1 ? "" : "s", o->events,
		o->events == 1 ? "" : "s", KITS_LPI_BASE, KITS_LPI_BASE + nlpis - 1, o->vcpus,
		o->vcpus == 1 ? "" : "s", vm.commands, setup_s);
	inj = calloc(o->injectors, sizeof(*inj));
	efds = malloc(nlpis * sizeof(*efds));
	if (!inj || !efds) {
		rs_err("out of memory");
		err = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < nlpis; i++)
		efds[i] = -1;
	if (o->mode == LPI_MODE_IRQFD && (err = kvm_its_irqfd_setup(&vm, efds)))
		goto out;
	if (!o->no_warmup && (err = warmup(&vm, o)))
		goto out;
	cache_note(o);
	for (uint32_t i = 0; i < o->injectors; i++) {
		struct injector *in = &inj[i];
		uint32_t n = 0;

		in->idx = i;
		in->mode = o->mode;
		in->cpu = o->pin ? online_cpu(i) : -1;
		in->vm_fd = vm.vm_fd;
		in->ndevices = o->devices / o->injectors + (i < o->devices % o->injectors);
		in->nitems = in->ndevices * o->events;
		in->fds = calloc(in->nitems, sizeof(*in->fds));
		in->msis = calloc(in->nitems, sizeof(*in->msis));
		if (!in->fds || !in->msis) {
			rs_err("out of memory");
			err = -ENOMEM;
			goto out;
		}
		/* Events interleaved across the owned devices, like the queues of a NIC. */
		for (uint32_t e = 0; e < o->events; e++)
			for (uint32_t d = i; d < o->devices; d += o->injectors, n++) {
				in->fds[n] = efds[kvm_its_index(&vm, d, e)];
				in->msis[n] = (struct kvm_msi){ .address_lo = (uint32_t)kvm_its_doorbell(),
								.address_hi = (uint32_t)(kvm_its_doorbell() >> 32),
								.data = e, .flags = KVM_MSI_VALID_DEVID, .devid = d };
			}
		in->bounded = o->count > 0;
		in->quota = o->count / o->injectors + (i < o->count % o->injectors);
	}
	atomic_store(&go, 0);
	atomic_store(&stop, 0);
	atomic_store(&finished, 0);
	for (uint32_t i = 0; i < o->injectors; i++) {
		if ((err = -pthread_create(&inj[i].tid, NULL, injector_main, &inj[i]))) {
			rs_err("cannot start injector thread %u: %s", i, strerror(-err));
			atomic_store(&stop, 1);
			atomic_store(&go, 1);
			for (uint32_t j = 0; j < i; j++)
				pthread_join(inj[j].tid, NULL);
			goto out;
		}
	}
	start = mono_ns();
	deadline = o->duration > 0 ? start + (uint64_t)(o->duration * 1e9) : UINT64_MAX;
	atomic_store_explicit(&go, 1, memory_order_release);
	while (atomic_load(&finished) < (int)o->injectors) {
		uint64_t now = mono_ns(), wait = 20000000;

		if (now >= deadline)
			break;
		if (deadline - now < wait)
			wait = deadline - now;
		if (stop_wait(wait, o->count || o->duration > 0))
			break;
	}
	atomic_store(&stop, 1);
	for (uint32_t i = 0; i < o->injectors; i++)
		pthread_join(inj[i].tid, NULL);
	double elapsed = (double)(mono_ns() - start) / 1e9;
	uint64_t first = UINT64_MAX, last = 0;

	for (uint32_t i = 0; i < o->injectors; i++) {
		if (inj[i].t_start < first)
			first = inj[i].t_start;
		if (inj[i].t_end > last)
			last = inj[i].t_end;
		if (inj[i].errors)
			rs_note("injector %u: %llu failed %s, first: %s", i, (unsigned long long)inj[i].errors,
				o->mode == LPI_MODE_IRQFD ? "eventfd writes" : "KVM_SIGNAL_MSI calls",
				strerror(inj[i].first_err));
	}
	if (last > first)
		elapsed = (double)(last - first) / 1e9;
	/* Misses go to a kworker (irqfd_inject): let it run before reading the state. */
	usleep(50000);
	r->pending_ok = !kvm_its_count_pending(&vm, &pending);
	r->lpis_pending = pending;
	r->elapsed_s = elapsed;
	r->setup_s = setup_s;
	r->its_commands = vm.commands;
	err = collect(o, inj, r);
out:
	if (inj)
		for (uint32_t i = 0; i < o->injectors; i++) {
			free(inj[i].fds);
			free(inj[i].msis);
		}
	free(inj);
	kvm_its_close(&vm);
	if (efds)
		for (uint32_t i = 0; i < nlpis; i++)
			if (efds[i] >= 0)
				close(efds[i]);
	free(efds);
	return err;
}
#endif
