/* ringscope cleanup: remove what killed runs left behind, one line for each
 * thing removed or left alone. XDP programs are attached through bpf_links
 * and go away with their process; pinned maps and demo namespaces outlive it.
 * Live runs hold a lock on theirs (owner.h) and are never touched without
 * --all. */
#include <stdio.h>
#include <unistd.h>
#include "commands.h"
#include "demo_net.h"
#include "log.h"
#include "opts.h"
#include "pin.h"

int cmd_cleanup(int argc, char **argv)
{
	bool all = false;
	const char *pos[1];
	int npos, err, pins, nets, pins_kept, nets_kept;
	const struct rs_opt opts[] = {
		{ "all", 0, OPT_FLAG, &all, 0, 0, NULL, NULL, "also remove what live ringscope processes own" },
		OPT_END
	};

	err = opts_parse(opts, argc, argv, pos, 0, &npos, "ringscope cleanup [--all]");
	if (err)
		return err > 0 ? 0 : err;
	if (geteuid()) {
		rs_err("cleanup needs root: run with sudo");
		return -1;
	}
	pins = pin_remove_stale(all, stdout, &pins_kept);
	nets = demo_net_remove_stale(all, stdout, &nets_kept);
	if (pins < 0) {
		rs_err("cannot clean %s: %d", PIN_ROOT, pins);
		return pins;
	}
	printf("removed %d pinned run director%s and %d demo namespace%s; kept %d and %d of live runs\n",
	       pins, pins == 1 ? "y" : "ies", nets, nets == 1 ? "" : "s", pins_kept, nets_kept);
	return 0;
}
