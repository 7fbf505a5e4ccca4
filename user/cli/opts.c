#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "opts.h"
#include "log.h"

void opts_help(const struct rs_opt *o, const char *usage)
{
	printf("usage: %s\n\noptions:\n", usage);
	for (; o->name; o++) {
		char lhs[128];	/* room for a long choice list (--sort) */

		snprintf(lhs, sizeof(lhs), "%s%c%s--%s%s%s",
			 o->short_name ? "-" : "", o->short_name ? o->short_name : ' ',
			 o->short_name ? ", " : "  ", o->name,
			 o->type == OPT_FLAG ? "" : " ",
			 o->type == OPT_FLAG ? "" : (o->arg ? o->arg : (o->choices ? o->choices : "N")));
		printf("  %-30s %s\n", lhs, o->help);
	}
}

static int parse_number(const struct rs_opt *o, const char *v)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (end != v && o->type != OPT_DOUBLE) {
		if (*end == 'k' || *end == 'K') d *= 1e3, end++;
		else if (*end == 'M') d *= 1e6, end++;
		else if (*end == 'G') d *= 1e9, end++;
	}
	if (errno || end == v || *end || isnan(d) ||
	    (o->type != OPT_DOUBLE && d != floor(d))) {
		rs_err("--%s: '%s' is not a %snumber", o->name, v,
		       o->type == OPT_DOUBLE ? "" : "whole ");
		return -EINVAL;
	}
	if (d < o->min || d > o->max) {
		rs_err("--%s: %s is out of range: use %.15g..%.15g", o->name, v, o->min, o->max);
		return -EINVAL;
	}
	switch (o->type) {
	case OPT_U64: *(uint64_t *)o->dst = (uint64_t)d; break;
	case OPT_U32: *(uint32_t *)o->dst = (uint32_t)d; break;
	default: *(double *)o->dst = d; break;
	}
	return 0;
}

static int parse_choice(const struct rs_opt *o, const char *v)
{
	const char *p = o->choices;
	int idx = 0;
	size_t n = strlen(v);

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && !strncmp(p, v, n)) {
			*(int *)o->dst = idx;
			return 0;
		}
		idx++;
		p = comma ? comma + 1 : NULL;
	}
	rs_err("--%s: '%s' is not one of: %s", o->name, v, o->choices);
	return -EINVAL;
}

/* Lists joined from repeated options, owned here until opts_free(). */
static char **joined;
static int njoined;

void opts_free(void)
{
	for (int i = 0; i < njoined; i++)
		free(joined[i]);
	free(joined);
	joined = NULL;
	njoined = 0;
}

/* Append v to the list already given for o: "a,b" + "c" -> "a,b,c". */
static int append_list(const struct rs_opt *o, const char *v)
{
	const char **dst = o->dst;
	char **grown, *s;

	if (!*v) {
		rs_err("--%s: empty list: give at least one %s", o->name, o->arg ? o->arg : "value");
		return -EINVAL;
	}
	if (!*dst) {
		*dst = v;
		return 0;
	}
	grown = realloc(joined, (njoined + 1) * sizeof(*joined));
	if (!grown || asprintf(&s, "%s,%s", *dst, v) < 0) {
		if (grown)
			joined = grown;
		rs_err("out of memory");
		return -ENOMEM;
	}
	joined = grown;
	joined[njoined++] = s;
	*dst = s;
	return 0;
}

static int apply(const struct rs_opt *o, const char *v)
{
	switch (o->type) {
	case OPT_FLAG: *(bool *)o->dst = true; return 0;
	case OPT_STR: *(const char **)o->dst = v; return 0;
	case OPT_LIST: return append_list(o, v);
	case OPT_CHOICE: return parse_choice(o, v);
	default: return parse_number(o, v);
	}
}

static const struct rs_opt *find(const struct rs_opt *o, const char *name, size_t len, char sh)
{
	for (; o->name; o++)
		if (sh ? o->short_name == sh : (strlen(o->name) == len && !strncmp(o->name, name, len)))
			return o;
	return NULL;
}

/* --json anywhere on the line applies before any other option is read. */
static void json_first(const struct rs_opt *opts, int argc, char **argv)
{
	const struct rs_opt *o = find(opts, "json", 4, 0);

	if (!o || o->type != OPT_FLAG)
		return;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || (o->short_name && argv[i][0] == '-' &&
						   argv[i][1] == o->short_name && !argv[i][2])) {
			*(bool *)o->dst = true;
			rs_json = true;
			return;
		}
	}
}

int opts_parse(const struct rs_opt *opts, int argc, char **argv,
	       const char **pos, int max_pos, int *npos, const char *usage)
{
	*npos = 0;
	json_first(opts, argc, argv);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		const struct rs_opt *o;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			opts_help(opts, usage);
			return 1;
		}
		if (a[0] != '-' || !a[1]) {
			if (*npos >= max_pos) {
				rs_err("unexpected argument '%s': see --help", a);
				return -EINVAL;
			}
			pos[(*npos)++] = a;
			continue;
		}
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			o = find(opts, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2), 0);
			if (eq)
				val = eq + 1;
		} else {
			o = a[2] ? NULL : find(opts, NULL, 0, a[1]);
		}
		if (!o) {
			rs_err("unknown option '%s': see --help", a);
			return -EINVAL;
		}
		if (o->type == OPT_FLAG && val) {
			rs_err("--%s takes no value: give it as --%s", o->name, o->name);
			return -EINVAL;
		}
		if (o->type != OPT_FLAG && !val) {
			if (i + 1 >= argc) {
				rs_err("--%s needs a value (%s)", o->name,
				       o->arg ? o->arg : (o->choices ? o->choices : "N"));
				return -EINVAL;
			}
			val = argv[++i];
		}
		if (apply(o, val))
			return -EINVAL;
	}
	return 0;
}

int opts_parse_list(const char *s, uint64_t *mask)
{
	*mask = 0;
	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			return -EINVAL;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s)
				return -EINVAL;
		}
		if (a > b || b >= 64)
			return -EINVAL;
		for (unsigned long q = a; q <= b; q++)
			*mask |= 1ULL << q;
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		s = end;
	}
	return *mask ? 0 : -EINVAL;
}
