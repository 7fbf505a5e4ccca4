/* Every ringscope subcommand: argv starts after the command name; returns 0
 * or -errno (after printing one error line). */
#ifndef RS_COMMANDS_H
#define RS_COMMANDS_H

#include <stdbool.h>

int cmd_gen(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_zc_gen(int argc, char **argv);
int cmd_vhost_gen(int argc, char **argv);
int cmd_lpi_load(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_bpf_stats(int argc, char **argv);

#endif
