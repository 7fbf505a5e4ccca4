#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "metrics_file.h"

/* The temporary file is created, never opened if it exists: in a directory
 * others can write (/tmp, a shared textfile directory) a planted
 * PATH.tmp.PID symlink would otherwise make root truncate its target. One
 * left by a killed run of the same pid (or planted) is removed (unlink does
 * not follow a symlink) and the create tried once more. */
static int create_tmp(const char *tmp)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(tmp, flags, 0644);

	if (fd < 0 && errno == EEXIST && !unlink(tmp))
		fd = open(tmp, flags, 0644);
	return fd < 0 ? -errno : fd;
}

int metrics_file_write(const char *path, const char *text, size_t len)
{
	char tmp[4096];
	struct stat st;
	size_t done = 0;
	int fd, err = 0;

	/* rename() replaces whatever is at path: only ever a regular file
	 * (never a device such as /dev/full, a FIFO, a socket or a symlink). */
	if (!lstat(path, &st) && !S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = create_tmp(tmp);
	if (fd < 0)
		return fd;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		done += n;
	}
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
