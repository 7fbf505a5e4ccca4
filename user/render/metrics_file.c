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

/* The temporary file for path, created (fd returned) or -errno; -EINVAL
 * (-EISDIR) when path exists and is not a regular file: rename() replaces
 * whatever is at path, so only ever a regular file (never a device such as
 * /dev/full, a FIFO, a socket or a symlink). */
static int open_tmp_for(const char *path, char *tmp, size_t size)
{
	struct stat st;

	if (!lstat(path, &st) && !S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if (snprintf(tmp, size, "%s.tmp.%d", path, (int)getpid()) >= (int)size)
		return -ENAMETOOLONG;
	return create_tmp(tmp);
}

int metrics_file_check(const char *path)
{
	char tmp[4096];
	int fd = open_tmp_for(path, tmp, sizeof(tmp));

	if (fd < 0)
		return fd;
	close(fd);
	unlink(tmp);
	return 0;
}

int metrics_file_write(const char *path, const char *text, size_t len)
{
	char tmp[4096];
	size_t done = 0;
	int fd, err = 0;

	fd = open_tmp_for(path, tmp, sizeof(tmp));
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
