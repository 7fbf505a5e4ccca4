/* ringscope version (also --version, -V): the release version and the
 * `git describe` captured at build time (build/version.h, mk/version.sh). */
#include <stdio.h>
#include <bpf/libbpf.h>
#include "commands.h"
#include "opts.h"
#include "version.h"

int cmd_version(int argc, char **argv)
{
	const char *pos[1];
	int npos, err;
	const struct rs_opt opts[] = { OPT_END };

	err = opts_parse(opts, argc, argv, pos, 0, &npos, "ringscope version   (or ringscope --version)");
	if (err)
		return err > 0 ? 0 : err;
	if (RS_GIT_DESCRIBE[0])
		printf("ringscope %s (git %s)\n", RS_VERSION, RS_GIT_DESCRIBE);
	else
		printf("ringscope %s\n", RS_VERSION);
	printf("using libbpf %s\n", libbpf_version_string());
	return 0;
}
