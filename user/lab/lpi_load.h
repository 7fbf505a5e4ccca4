/* lpi-load's engine: one KVM arm64 VM with a vgic-v3 and an ITS (kvm_its.c),
 * D devices x E events mapped to LPIs, a warm-up that caches every
 * translation, then K injector threads ("NICs") firing MSIs at them through
 * irqfd or KVM_SIGNAL_MSI, and a delivery check (every LPI pending).
 * cmd_lpi_load.c parses the options, lpi_report.c renders the result. */
#ifndef RS_LPI_LOAD_H
#define RS_LPI_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include "hist.h"

enum { LPI_MODE_IRQFD, LPI_MODE_SIGNAL_MSI };
extern const char *const lpi_mode_names[];

struct lpi_opts {
	uint32_t injectors, devices, events, vcpus;
	uint64_t count;
	double duration;
	int mode;
	bool json, no_warmup;
	bool pin;		/* injector i on online CPU i mod (online CPUs) */
};

struct lpi_injector_result {
	uint32_t ndevices;
	uint64_t injections;
	double elapsed_s;
	int cpu;		/* pinned to, or -1 */
};

struct lpi_result {
	uint64_t injections, blocked, errors;
	double elapsed_s, setup_s;
	struct rs_hist write_lat_ns;	/* user-space latency of every eventfd write / ioctl */
	uint64_t lpis_pending;
	bool pending_ok;		/* lpis_pending was read from the pending tables */
	uint32_t its_commands;
	struct lpi_injector_result *per;	/* opts->injectors entries */
};

/* Bad combinations refused before anything is created: one error line and
 * -EINVAL. Fills in the defaults (devices = injectors, 5 s without a count). */
int lpi_opts_check(struct lpi_opts *o);
/* Validated options in, result out (free with lpi_result_free). Prints one
 * error line and returns -errno on failure; -EOPNOTSUPP outside arm64. */
int lpi_load_run(const struct lpi_opts *o, struct lpi_result *r);
void lpi_result_free(struct lpi_result *r);

#endif
