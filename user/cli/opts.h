/* Declarative command-line options: each command lists its options in a table
 * (name, type, destination, bounds, help); parsing, range checks, the one-line
 * errors and --help text all come from that table. */
#ifndef RS_OPTS_H
#define RS_OPTS_H

#include <stdint.h>
#include <stdbool.h>

enum opt_type {
	OPT_FLAG,	/* bool, no argument */
	OPT_U64,	/* uint64_t with [min, max]; accepts k/M/G suffixes (x1000) */
	OPT_U32,	/* uint32_t with [min, max] */
	OPT_DOUBLE,	/* double with [min, max] */
	OPT_STR,	/* const char *; given again, the last one wins */
	OPT_LIST,	/* const char *, a comma list; given again, the lists add up
			 * ("-t a -t b" is "-t a,b"), as in perf and bpftrace */
	OPT_CHOICE,	/* int index into a comma-separated list of words */
};

struct rs_opt {
	const char *name;	/* long name, without "--" */
	char short_name;	/* 0 for none */
	enum opt_type type;
	void *dst;
	double min, max;	/* numeric bounds, inclusive */
	const char *choices;	/* OPT_CHOICE: "copy,zc,auto" */
	const char *arg;	/* argument name in help */
	const char *help;
};

#define OPT_END { 0 }

/* Parse argv[first..] against the table. Positional arguments are collected
 * into pos (up to max_pos). Returns 0, 1 when --help was printed, or -EINVAL
 * after printing one line naming the bad option and the allowed values.
 * A table with a "json" flag that is given anywhere on the line gets it (and
 * rs_json) set first, so even a parse error comes as a JSON error object. */
int opts_parse(const struct rs_opt *opts, int argc, char **argv,
	       const char **pos, int max_pos, int *npos, const char *usage);
void opts_help(const struct rs_opt *opts, const char *usage);
/* Free the lists OPT_LIST joined (at exit; their strings die with them). */
void opts_free(void);
/* Parse a list like "0,2-3" into a bitmask (bits < 64). */
int opts_parse_list(const char *s, uint64_t *mask);

#endif
