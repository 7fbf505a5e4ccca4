/* ringscope lpi-load: options -> engine (lpi_load.c: a small VMM injecting
 * MSIs into KVM arm64 vgic-its LPIs from K threads) -> renderer (lpi_report.c:
 * text or one JSON object). */
#include <stdio.h>
#include "commands.h"
#include "kvm_its.h"
#include "log.h"
#include "lpi_load.h"
#include "lpi_report.h"
#include "opts.h"

static const char usage[] = "ringscope lpi-load [-k NICS] [--devices D] [--events E] [--vcpus V] [-n N | -d SECONDS] "
			    "[--mode irqfd|signal-msi] [--pin] [--json]";

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
	if ((err = lpi_opts_check(&o)) || (err = lpi_load_run(&o, &r)))
		return err;
	if (o.json)
		lpi_load_print_json(stdout, &o, &r);
	else
		lpi_load_print_text(stdout, &o, &r);
	lpi_result_free(&r);
	return 0;
}
