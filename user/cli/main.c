/* ringscope: one CLI, a table of commands (prefix matching, as in bpftool). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "log.h"
#include "opts.h"
#include "stop.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "gen", cmd_gen, "AF_XDP traffic: tx, rx (verify) or fwd on an interface" },
	{ "demo", cmd_demo, "veth pair in two private netns, gen tx -> gen rx for ~10 s" },
	{ "probe", cmd_probe, "what this kernel allows: BTF, fentry, kprobes, tracepoints, bpffs, stats" },
	{ "trace", cmd_trace, "live latency histograms of kernel functions and kmalloc churn per call site" },
	{ "run", cmd_run, "gen + trace together: every figure also per packet" },
	{ "zc-gen", cmd_zc_gen, "MSG_ZEROCOPY TCP/UDP over a private veth pair: completion latency, copied vs zero-copied" },
	{ "vhost-gen", cmd_vhost_gen, "be the guest driver of a vhost-net TX virtqueue with a tap backend (experimental_zcopytx)" },
	{ "lpi-load", cmd_lpi_load, "arm64 KVM: MSIs from K injector threads into vgic-its LPIs (irqfd or KVM_SIGNAL_MSI)" },
	{ "compare", cmd_compare, "A/B statistics of per-round samples: medians, CI of the ratio, Mann-Whitney p, Holm, verdict" },
	{ "bpf-stats", cmd_bpf_stats, "run time and runs of every loaded BPF program (observer cost); --until-exit PID" },
	{ "cleanup", cmd_cleanup, "remove pins and namespaces left by killed ringscope runs" },
	{ "version", cmd_version, "print the version and the git describe it was built from (also --version, -V)" },
	{ NULL, NULL, NULL }
};

/* libbpf's own messages only with RINGSCOPE_DEBUG=1: ringscope reports every
 * failure itself, in one line that names the fix. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static int debug = -1;

	if (debug < 0)
		debug = getenv("RINGSCOPE_DEBUG") != NULL;
	return debug ? vfprintf(stderr, fmt, ap) : 0;
}

static void usage(void)
{
	printf("usage: ringscope COMMAND [options]   (ringscope COMMAND --help)\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->help);
}

int main(int argc, char **argv)
{
	const struct command *match = NULL;
	size_t len;
	int err, werr;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage();
		return argc < 2 ? 1 : 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		argv[1] = "version";
	/* Errors before a command's own options are read speak JSON too. */
	for (int i = 2; i < argc; i++)
		rs_json |= !strcmp(argv[i], "--json") || !strcmp(argv[i], "-j");
	len = strlen(argv[1]);
	for (const struct command *c = commands; c->name; c++) {
		if (strncmp(c->name, argv[1], len))
			continue;
		if (strlen(c->name) == len) {
			match = c;
			break;
		}
		if (match) {
			rs_err("'%s' is ambiguous: see 'ringscope --help'", argv[1]);
			return 1;
		}
		match = c;
	}
	if (!match) {
		rs_err("unknown command '%s': see 'ringscope --help'", argv[1]);
		return 1;
	}
	rs_cmd = match->name;
	libbpf_set_print(libbpf_print);
	/* Signals are taken synchronously by the reporting loop: block them
	 * before any worker thread exists, so every thread inherits the mask. */
	stop_block_signals();
	err = match->fn(argc - 2, argv + 2);
	opts_free();
	/* Output lost to a full disk or /dev/full is an error, or a script takes
	 * a cut report or NDJSON stream for a whole one. A closed pipe (`| head`)
	 * is not: its SIGPIPE stops a run (stop.h), with exit status 0 or 141. */
	werr = fflush(stdout) ? errno : 0;
	if ((werr || ferror(stdout)) && !stop_pipe_closed()) {
		rs_err("could not write all of the output to standard output%s%s: it is incomplete; write it where there is room",
		       werr ? ": " : "", werr ? strerror(werr) : "");
		return 1;
	}
	return err ? 1 : stop_exit_status();
}
