/* --metrics-file: the exposition written atomically (a temporary file in the
 * same directory, then rename), so node_exporter's textfile collector never
 * reads half a file. */
#ifndef RS_METRICS_FILE_H
#define RS_METRICS_FILE_H

#include <stddef.h>

/* Replace path with len bytes of text: 0 or -errno; -EINVAL (-EISDIR) when
 * path exists and is not a regular file: that is never replaced. */
int metrics_file_write(const char *path, const char *text, size_t len);
/* What metrics_file_write() would refuse, found without touching path: the
 * temporary file is made and removed. 0 or the same -errno. */
int metrics_file_check(const char *path);

#endif
