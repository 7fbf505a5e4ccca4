/* Reader of "metric value" sample files (see samples.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "samples.h"

#define SAMPLES_METRICS_MAX 1024
#define SAMPLES_VALUES_MAX 100000

const struct metric_samples *samples_find(const struct sample_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->m[i].name, name))
			return &set->m[i];
	return NULL;
}

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.:/-+", *s))
			return 0;
	return 1;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	void *q;
	size_t c = *cap ? *cap : 8;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

static int add(struct sample_set *set, const char *name, double v)
{
	struct metric_samples *m = (struct metric_samples *)samples_find(set, name);

	if (!m) {
		if (set->n >= SAMPLES_METRICS_MAX || grow((void **)&set->m, &set->cap, set->n + 1, sizeof(*m)))
			return -ENOMEM;
		m = &set->m[set->n++];
		memset(m, 0, sizeof(*m));
		snprintf(m->name, sizeof(m->name), "%s", name);
	}
	if (m->n >= SAMPLES_VALUES_MAX || grow((void **)&m->values, &m->cap, m->n + 1, sizeof(double)))
		return -ENOMEM;
	m->values[m->n++] = v;
	return 0;
}

/* One line of at most SAMPLES_LINE_MAX - 1 bytes into buf, without its
 * newline: 1, 0 at the end, or -errno after the one error line (a longer
 * line, a NUL byte: not a samples file, e.g. /dev/zero; a read error). */
static int read_line(FILE *f, const char *path, size_t lineno, char *buf)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (!c || n == SAMPLES_LINE_MAX - 1) {
			rs_err("%s:%zu: %s: not a samples file ('metric value' lines)", path, lineno,
			       c ? "line too long" : "NUL byte");
			return -EINVAL;
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (ferror(f)) {
		int err = errno ? -errno : -EIO;

		rs_err("cannot read %s: %s", path, strerror(-err));
		return err;
	}
	return c != EOF || n;
}

int samples_read(struct sample_set *set, const char *path)
{
	char line[SAMPLES_LINE_MAX], name[SAMPLES_NAME_MAX], extra[2];
	size_t lineno = 0;
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f) {
		err = -errno;
		rs_err("cannot open %s: %s", path, strerror(errno));
		return err;
	}
	for (;;) {
		char *s = line, *end;
		double v;

		lineno++;
		err = read_line(f, path, lineno, line);
		if (err <= 0)
			break;
		err = 0;
		s[strcspn(s, "#\r\n")] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			continue;
		end = s + strcspn(s, " \t");
		if ((size_t)(end - s) >= sizeof(name) || !*end) {
			rs_err("%s:%zu: expected 'metric value' (a name of < %d characters, a space, a number)",
			       path, lineno, SAMPLES_NAME_MAX);
			err = -EINVAL;
			break;
		}
		memcpy(name, s, end - s);
		name[end - s] = '\0';
		if (!valid_name(name) || sscanf(end, "%lf %1s", &v, extra) != 1 || !isfinite(v)) {
			rs_err("%s:%zu: expected 'metric value' with a finite number and a name of letters, digits, _.:/-+",
			       path, lineno);
			err = -EINVAL;
			break;
		}
		if (v < 0) {
			/* Every figure ringscope compares is a count, a rate or a
			 * time; a ratio of medians of signed values means nothing. */
			rs_err("%s:%zu: %s is negative (%g): compare takes counts, rates and times (>= 0)",
			       path, lineno, name, v);
			err = -EINVAL;
			break;
		}
		err = add(set, name, v);
		if (err) {
			rs_err("%s:%zu: too many metrics or values (out of memory or over %d metrics)", path, lineno,
			       SAMPLES_METRICS_MAX);
			break;
		}
	}
	fclose(f);
	return err;
}

void samples_free(struct sample_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->m[i].values);
	free(set->m);
	memset(set, 0, sizeof(*set));
}
