/* ringscope lpi-load: options -> engine (lpi_load.c: a small VMM injecting
 * MSIs into KVM arm64 vgic-its LPIs from K threads) -> renderer (text or one
 * JSON object). */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/utsname.h>
#include "commands.h"
#include "hist.h"
#include "json.h"
#include "kvm_its.h"
#include "log.h"
#include "lpi_load.h"
#include "opts.h"
#include "stop.h"

static const char usage[] = "ringscope lpi-load [-k NICS] [--devices D] [--events E] [--vcpus V] [-n N | -d SECONDS] "
			    "[--mode irqfd|signal-msi] [--pin] [--json]";

static void report_json(const struct lpi_opts *o, const struct lpi_result *r)
{
	struct json_writer w;
	struct utsname u;

	uname(&u);
	json_init(&w, stdout);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "final");
	json_kv_bool(&w, "interrupted", stop_interrupted());
	json_kv_str(&w, "mode", lpi_mode_names[o->mode]);
	json_kv_u64(&w, "injectors", o->injectors);
	json_kv_u64(&w, "devices", o->devices);
	json_kv_u64(&w, "events", o->events);
	json_kv_u64(&w, "vcpus", o->vcpus);
	json_kv_bool(&w, "pinned", o->pin);
	json_kv_u64(&w, "lpis", (uint64_t)o->devices * o->events);
	json_kv_bool(&w, "warmup", !o->no_warmup);
	json_kv_u64(&w, "injections", r->injections);
	json_kv_u64(&w, "blocked", r->blocked);
	json_kv_u64(&w, "errors", r->errors);
	json_kv_double(&w, "elapsed_s", r->elapsed_s);
	json_kv_double(&w, "injections_per_s", r->elapsed_s > 0 ? (double)r->injections / r->elapsed_s : 0);
	json_key(&w, "per_injector");
	json_arr_begin(&w);
	for (uint32_t i = 0; i < o->injectors; i++) {
		const struct lpi_injector_result *p = &r->per[i];

		json_obj_begin(&w);
		json_kv_u64(&w, "injector", i);
		json_kv_u64(&w, "devices", p->ndevices);
		json_kv_u64(&w, "injections", p->injections);
		json_key(&w, "cpu");
		if (p->cpu >= 0)
			json_u64(&w, (uint64_t)p->cpu);
		else
			json_null(&w);
		json_kv_double(&w, "injections_per_s", p->elapsed_s > 0 ? (double)p->injections / p->elapsed_s : 0);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	hist_json(&w, "write_lat_ns", &r->write_lat_ns, true);
	if (r->pending_ok) {
		json_kv_u64(&w, "lpis_pending", r->lpis_pending);
	} else {
		json_key(&w, "lpis_pending");
		json_null(&w);
	}
	json_kv_u64(&w, "its_commands", r->its_commands);
	json_kv_double(&w, "setup_s", r->setup_s);
	json_kv_str(&w, "kernel", u.release);
	json_obj_end(&w);
	json_finish_line(&w);
}

static void report_text(const struct lpi_opts *o, const struct lpi_result *r)
{
	uint64_t lpis = (uint64_t)o->devices * o->events;

	printf("%8s %8s %12s %14s\n", "injector", "devices", "injections", "injections/s");
	for (uint32_t i = 0; i < o->injectors; i++) {
		const struct lpi_injector_result *p = &r->per[i];

		printf("%8u %8u %12llu %14.0f\n", i, p->ndevices, (unsigned long long)p->injections,
		       p->elapsed_s > 0 ? (double)p->injections / p->elapsed_s : 0);
	}
	printf("total: %llu injections in %.3f s = %.0f/s (%s, %u injectors, %llu LPIs, blocked %llu, errors %llu)\n",
	       (unsigned long long)r->injections, r->elapsed_s,
	       r->elapsed_s > 0 ? (double)r->injections / r->elapsed_s : 0, lpi_mode_names[o->mode], o->injectors,
	       (unsigned long long)lpis, (unsigned long long)r->blocked, (unsigned long long)r->errors);
	if (r->pending_ok)
		printf("delivered: %llu of %llu LPIs pending after the run (KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES)\n",
		       (unsigned long long)r->lpis_pending, (unsigned long long)lpis);
	printf("%s latency (user space, p50 %.0f ns, p99 %.0f ns):\n",
	       o->mode == LPI_MODE_IRQFD ? "eventfd write" : "KVM_SIGNAL_MSI", hist_percentile(&r->write_lat_ns, 50),
	       hist_percentile(&r->write_lat_ns, 99));
	hist_print(stdout, &r->write_lat_ns, "ns");
}

/* Bad combinations refused before anything is created. */
static int check_opts(struct lpi_opts *o)
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

int cmd_lpi_load(int argc, char **argv)
{
	struct lpi_opts o = { .injectors = 1, .events = 1, .vcpus = 1 };
	struct lpi_result r;
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
		{ "pin", 0, OPT_FLAG, &o.pin, 0, 0, NULL, NULL, "pin injector i to the (i mod N)-th of the N CPUs it may use" },
		{ "no-warmup", 0, OPT_FLAG, &o.no_warmup, 0, 0, NULL, NULL, "skip the warm-up (one KVM_SIGNAL_MSI per event, then ITS CLEAR): first injections miss the cache" },
		{ "json", 'j', OPT_FLAG, &o.json, 0, 0, NULL, NULL, "one JSON object (\"type\":\"final\") on stdout" },
		OPT_END
	};

	err = opts_parse(opts, argc, argv, pos, 0, &npos, usage);
	if (err)
		return err > 0 ? 0 : err;
	rs_json = o.json;
	if ((err = check_opts(&o)) || (err = lpi_load_run(&o, &r)))
		return err;
	if (o.json)
		report_json(&o, &r);
	else
		report_text(&o, &r);
	lpi_result_free(&r);
	return 0;
}
