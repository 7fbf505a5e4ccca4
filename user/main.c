/* ringscope: one CLI, a table of commands (prefix matching, as in bpftool). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "log.h"
#include "runloop.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "gen", cmd_gen, "AF_XDP traffic: tx, rx (verify) or fwd on an interface" },
	{ "demo", cmd_demo, "veth pair in two private netns, gen tx -> gen rx for ~10 s" },
	{ "cleanup", cmd_cleanup, "remove pins and namespaces left by killed ringscope runs" },
	{ NULL, NULL, NULL }
};

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
	int err;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage();
		return argc < 2 ? 1 : 0;
	}
	len = strlen(argv[1]);
	for (const struct command *c = commands; c->name; c++) {
		if (strncmp(c->name, argv[1], len))
			continue;
		if (strlen(c->name) == len) {
			match = c;
			break;
		}
		if (match) {
			fprintf(stderr, "ringscope: error: '%s' is ambiguous: see 'ringscope --help'\n", argv[1]);
			return 1;
		}
		match = c;
	}
	if (!match) {
		fprintf(stderr, "ringscope: error: unknown command '%s': see 'ringscope --help'\n", argv[1]);
		return 1;
	}
	rs_cmd = match->name;
	/* Signals are taken synchronously by the reporting loop: block them
	 * before any worker thread exists, so every thread inherits the mask. */
	runloop_block_signals();
	err = match->fn(argc - 2, argv + 2);
	return err ? 1 : 0;
}
