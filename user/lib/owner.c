#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/file.h>
#include "owner.h"

int owner_lock(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

enum owner_state owner_probe(const char *path, long pid, int *lock_fd)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*lock_fd = -1;
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return OWNER_LOCKED;
	}
	/* Unlocked: between mkdir and flock a run holds nothing yet, and a
	 * run of an older ringscope never locks; its pid tells those apart
	 * from a dead run's leftovers. kill(pid, 0) fails with ESRCH only
	 * when no such process exists. */
	if (pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH)) {
		if (fd >= 0)
			close(fd);
		return OWNER_PID_ALIVE;
	}
	*lock_fd = fd;
	return OWNER_GONE;
}

const char *owner_state_str(enum owner_state st)
{
	switch (st) {
	case OWNER_LOCKED: return "locked by a live run";
	case OWNER_PID_ALIVE: return "not locked, but its pid is alive (a run starting up, or an older ringscope)";
	default: return "its run is gone";
	}
}
