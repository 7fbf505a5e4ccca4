/* ringscope lpi-load: a small VMM that loads KVM's vgic-its MSI injection
 * path. It creates an arm64 VM with a vgic-v3 and an ITS (kvm_its.c), maps
 * D devices x E events to LPIs, and has K injector threads ("NICs") fire MSIs
 * at them: through irqfd (eventfd write -> irqfd_wakeup ->
 * kvm_arch_set_irq_inatomic -> vgic_its_inject_cached_translation) or, for
 * comparison, KVM_SIGNAL_MSI (-> vgic_its_inject_msi). The vCPUs never run:
 * injection marks the LPI pending without them, and a pending LPI injected
 * again is still a full pass through the translation cache.
 *
 * Injector i owns the devices d with d % K == i and writes their eventfds
 * round-robin. Reported: injections, rate per injector and in total, and the
 * user-space latency of every write (log2 ns); afterwards the pending tables
 * are saved and read back to show that every LPI was delivered. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "commands.h"
#include "hist.h"
#include "json.h"
#include "kvm_its.h"
#include "log.h"
#include "stop.h"
#include "opts.h"

static const char usage[] = "ringscope lpi-load [-k NICS] [--devices D] [--events E] [-n N | -d SECONDS] "
			    "[--mode irqfd|signal-msi] [--json]";

enum { MODE_IRQFD, MODE_SIGNAL_MSI };

struct lpi_opts {
	uint32_t injectors, devices, events, vcpus;
	uint64_t count;
	double duration;
	int mode;
	bool json, no_warmup;
};

#ifdef __aarch64__
#include <sys/ioctl.h>
#include <linux/kvm.h>

static const char *const mode_names[] = { "irqfd", "signal-msi" };

struct injector {
	pthread_t tid;
	uint32_t idx;
	uint32_t ndevices;
	uint32_t nitems;
	int *fds;			/* irqfd: eventfd per item */
	struct kvm_msi *msis;		/* signal-msi: message per item */
	int vm_fd;
	int mode;
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

	while (!atomic_load_explicit(&go, memory_order_acquire))
		sched_yield();
	t0 = in->t_start = mono_ns();
	while (!atomic_load_explicit(&stop, memory_order_relaxed) && (!in->bounded || in->done + in->blocked + in->errors < in->quota)) {
		long r;

		if (in->mode == MODE_IRQFD)
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

static void report(const struct lpi_opts *o, const struct kvm_its_vm *vm, struct injector *inj, double elapsed,
		   double setup_s, uint64_t pending, bool pending_ok)
{
	uint64_t total = 0, blocked = 0, errors = 0, lpis = (uint64_t)o->devices * o->events;
	struct rs_hist lat = {};
	struct utsname u;

	uname(&u);
	for (uint32_t i = 0; i < o->injectors; i++) {
		total += inj[i].done;
		blocked += inj[i].blocked;
		errors += inj[i].errors;
		hist_merge(&lat, &inj[i].lat);
	}
	if (o->json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_obj_begin(&w);
		json_kv_str(&w, "type", "final");
		json_kv_bool(&w, "interrupted", stop_interrupted());
		json_kv_str(&w, "mode", mode_names[o->mode]);
		json_kv_u64(&w, "injectors", o->injectors);
		json_kv_u64(&w, "devices", o->devices);
		json_kv_u64(&w, "events", o->events);
		json_kv_u64(&w, "vcpus", o->vcpus);
		json_kv_u64(&w, "lpis", lpis);
		json_kv_bool(&w, "warmup", !o->no_warmup);
		json_kv_u64(&w, "injections", total);
		json_kv_u64(&w, "blocked", blocked);
		json_kv_u64(&w, "errors", errors);
		json_kv_double(&w, "elapsed_s", elapsed);
		json_kv_double(&w, "injections_per_s", elapsed > 0 ? (double)total / elapsed : 0);
		json_key(&w, "per_injector");
		json_arr_begin(&w);
		for (uint32_t i = 0; i < o->injectors; i++) {
			double dt = (double)(inj[i].t_end - inj[i].t_start) / 1e9;

			json_obj_begin(&w);
			json_kv_u64(&w, "injector", i);
			json_kv_u64(&w, "devices", inj[i].ndevices);
			json_kv_u64(&w, "injections", inj[i].done);
			json_kv_double(&w, "injections_per_s", dt > 0 ? (double)inj[i].done / dt : 0);
			json_obj_end(&w);
		}
		json_arr_end(&w);
		hist_json(&w, "write_lat_ns", &lat, true);
		if (pending_ok)
			json_kv_u64(&w, "lpis_pending", pending);
		else {
			json_key(&w, "lpis_pending");
			json_null(&w);
		}
		json_kv_u64(&w, "its_commands", vm->commands);
		json_kv_double(&w, "setup_s", setup_s);
		json_kv_str(&w, "kernel", u.release);
		json_obj_end(&w);
		json_finish_line(&w);
		return;
	}
	printf("%8s %8s %12s %14s\n", "injector", "devices", "injections", "injections/s");
	for (uint32_t i = 0; i < o->injectors; i++) {
		double dt = (double)(inj[i].t_end - inj[i].t_start) / 1e9;

		printf("%8u %8u %12llu %14.0f\n", i, inj[i].ndevices, (unsigned long long)inj[i].done,
		       dt > 0 ? (double)inj[i].done / dt : 0);
	}
	printf("total: %llu injections in %.3f s = %.0f/s (%s, %u injectors, %llu LPIs, blocked %llu, errors %llu)\n",
	       (unsigned long long)total, elapsed, elapsed > 0 ? (double)total / elapsed : 0, mode_names[o->mode],
	       o->injectors, (unsigned long long)lpis, (unsigned long long)blocked, (unsigned long long)errors);
	if (pending_ok)
		printf("delivered: %llu of %llu LPIs pending after the run (KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES)\n",
		       (unsigned long long)pending, (unsigned long long)lpis);
	printf("%s latency (user space, p50 %.0f ns, p99 %.0f ns):\n",
	       o->mode == MODE_IRQFD ? "eventfd write" : "KVM_SIGNAL_MSI", hist_percentile(&lat, 50),
	       hist_percentile(&lat, 99));
	hist_print(stdout, &lat, "ns");
}

static int run(struct lpi_opts *o)
{
	struct kvm_its_cfg cfg = { .vcpus = o->vcpus, .devices = o->devices, .events = o->events };
	uint32_t nlpis = o->devices * o->events;
	struct injector *inj = NULL;
	struct kvm_its_vm vm;
	int *efds = NULL, err;
	uint64_t start, pending = 0, deadline;
	double setup_s;
	bool pending_ok = false;
	start = mono_ns();
	if ((err = kvm_its_open(&vm, &cfg)))
		return err;
	setup_s = (double)(mono_ns() - start) / 1e9;
	rs_note("%s: %u injector%s, %u device%s x %u event%s = LPIs %u-%u, %u vCPU%s; %u ITS commands via "
		"GITS_CWRITER, mapping verified (KVM_DEV_ARM_ITS_SAVE_TABLES) in %.2f s", mode_names[o->mode],
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
	if (o->mode == MODE_IRQFD && (err = kvm_its_irqfd_setup(&vm, efds)))
		goto out;
	if (!o->no_warmup && (err = warmup(&vm, o)))
		goto out;
	cache_note(o);
	for (uint32_t i = 0; i < o->injectors; i++) {
		struct injector *in = &inj[i];
		uint32_t n = 0;

		in->idx = i;
		in->mode = o->mode;
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
				o->mode == MODE_IRQFD ? "eventfd writes" : "KVM_SIGNAL_MSI calls",
				strerror(inj[i].first_err));
	}
	if (last > first)
		elapsed = (double)(last - first) / 1e9;
	/* Misses go to a kworker (irqfd_inject): let it run before reading the state. */
	usleep(50000);
	pending_ok = !kvm_its_count_pending(&vm, &pending);
	report(o, &vm, inj, elapsed, setup_s, pending, pending_ok);
	err = 0;
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

int cmd_lpi_load(int argc, char **argv)
{
	struct lpi_opts o = { .injectors = 1, .events = 1, .vcpus = 1 };
	const char *pos[1];
	int npos, err;
	const struct rs_opt opts[] = {
		{ "injectors", 'k', OPT_U32, &o.injectors, 1, 256, NULL, "K", "injector threads (\"NICs\"), default 1" },
		{ "devices", 0, OPT_U32, &o.devices, 1, KITS_MAX_DEVICES, NULL, "D", "ITS devices (DeviceIDs 0..D-1), at least K; default K" },
		{ "events", 0, OPT_U32, &o.events, 1, KITS_MAX_EVENTS, NULL, "E", "events (MSIs, LPIs) per device, default 1" },
		{ "vcpus", 0, OPT_U32, &o.vcpus, 1, KITS_MAX_VCPUS, NULL, "V", "vCPUs (collections; LPIs spread round-robin), default 1" },
		{ "count", 'n', OPT_U64, &o.count, 0, 1e15, NULL, "N", "total injections, split across injectors (0: use --duration)" },
		{ "duration", 'd', OPT_DOUBLE, &o.duration, 0, 86400, NULL, "SECONDS", "stop after this long (default 5 without --count)" },
		{ "mode", 0, OPT_CHOICE, &o.mode, 0, 0, "irqfd,signal-msi", NULL, "irqfd (eventfd write) or KVM_SIGNAL_MSI ioctl, default irqfd" },
		{ "no-warmup", 0, OPT_FLAG, &o.no_warmup, 0, 0, NULL, NULL, "skip the warm-up (one KVM_SIGNAL_MSI per event, then ITS CLEAR): first injections miss the cache" },
		{ "json", 'j', OPT_FLAG, &o.json, 0, 0, NULL, NULL, "one JSON object (\"type\":\"final\") on stdout" },
		OPT_END
	};

	err = opts_parse(opts, argc, argv, pos, 0, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	rs_json = o.json;
#ifndef __aarch64__
	rs_err("needs an arm64 host with KVM (vgic-v3 + ITS): run it in the arm64 VM lab (make vm-run ARCH=arm64)");
	return -EOPNOTSUPP;
#else
	if (!o.devices)
		o.devices = o.injectors;
	if (o.devices < o.injectors) {
		rs_err("--devices %u < --injectors %u: every injector needs a device of its own", o.devices, o.injectors);
		return -EINVAL;
	}
	if ((uint64_t)o.devices * o.events > KITS_MAX_LPIS) {
		rs_err("--devices x --events = %llu LPIs: KVM's ITS has %u (INTIDs 8192..65535)",
		       (unsigned long long)o.devices * o.events, KITS_MAX_LPIS);
		return -EINVAL;
	}
	if (o.mode == MODE_IRQFD && (uint64_t)o.devices * o.events > KITS_MAX_ROUTES) {
		rs_err("irqfd needs one GSI route per event: --devices x --events = %llu > %u (KVM_MAX_IRQ_ROUTES); "
		       "use fewer or --mode signal-msi", (unsigned long long)o.devices * o.events, KITS_MAX_ROUTES);
		return -EINVAL;
	}
	if (!o.count && o.duration <= 0)
		o.duration = 5;
	return run(&o);
#endif
}
