#include <stdint.h>
#include <stdio.h>
#include <sys/utsname.h>
#include "hist.h"
#include "json.h"
#include "lpi_report.h"
#include "stop.h"

void lpi_load_print_json(FILE *out, const struct lpi_opts *o, const struct lpi_result *r)
{
	struct json_writer w;
	struct utsname u;

	uname(&u);
	json_init(&w, out);
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

void lpi_load_print_text(FILE *out, const struct lpi_opts *o, const struct lpi_result *r)
{
	uint64_t lpis = (uint64_t)o->devices * o->events;

	fprintf(out, "%8s %8s %12s %14s\n", "injector", "devices", "injections", "injections/s");
	for (uint32_t i = 0; i < o->injectors; i++) {
		const struct lpi_injector_result *p = &r->per[i];

		fprintf(out, "%8u %8u %12llu %14.0f\n", i, p->ndevices, (unsigned long long)p->injections,
			p->elapsed_s > 0 ? (double)p->injections / p->elapsed_s : 0);
	}
	fprintf(out, "total: %llu injections in %.3f s = %.0f/s (%s, %u injectors, %llu LPIs, blocked %llu, errors %llu)\n",
		(unsigned long long)r->injections, r->elapsed_s,
		r->elapsed_s > 0 ? (double)r->injections / r->elapsed_s : 0, lpi_mode_names[o->mode], o->injectors,
		(unsigned long long)lpis, (unsigned long long)r->blocked, (unsigned long long)r->errors);
	if (r->pending_ok)
		fprintf(out, "delivered: %llu of %llu LPIs pending after the run (KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES)\n",
			(unsigned long long)r->lpis_pending, (unsigned long long)lpis);
	fprintf(out, "%s latency (user space, p50 %.0f ns, p99 %.0f ns):\n",
		o->mode == LPI_MODE_IRQFD ? "eventfd write" : "KVM_SIGNAL_MSI", hist_percentile(&r->write_lat_ns, 50),
		hist_percentile(&r->write_lat_ns, 99));
	hist_print(out, &r->write_lat_ns, "ns");
}
