/* Per-round metric samples of one variant, read from a text file of
 * "metric value" lines (one line per metric per round; '#' starts a comment).
 * tests/vm/ab-flatten.jq writes such files from the lab's result JSON. */
#ifndef RS_SAMPLES_H
#define RS_SAMPLES_H

#include <stddef.h>

#define SAMPLES_NAME_MAX 96
#define SAMPLES_LINE_MAX 512	/* bytes of one 'metric value' line, with its NUL */

struct metric_samples {
	char name[SAMPLES_NAME_MAX];
	double *values;
	size_t n, cap;
};

struct sample_set {
	struct metric_samples *m;
	size_t n, cap;
};

/* Append the file's values to set (metrics in first-seen order). Returns 0,
 * or -errno after printing one error line naming the file and line. */
int samples_read(struct sample_set *set, const char *path);
/* Values of one metric, or NULL if the set has none. */
const struct metric_samples *samples_find(const struct sample_set *set, const char *name);
void samples_free(struct sample_set *set);

#endif
