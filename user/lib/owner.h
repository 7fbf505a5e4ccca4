/* Ownership of what a run leaves on the system (pinned map directories, demo
 * namespaces): the run holds an flock on it for its whole life, so it is
 * live however the binary is named, and free the moment the process is gone
 * (the kernel drops the lock on exit, SIGKILL included). */
#ifndef RS_OWNER_H
#define RS_OWNER_H

#include <stdbool.h>

/* Lock path (a directory or a /run/netns file) for this process's life.
 * Returns the lock's fd (O_CLOEXEC; close it to give ownership up) or -errno. */
int owner_lock(const char *path);

enum owner_state {
	OWNER_LOCKED,	/* a live run holds its lock */
	OWNER_PID_ALIVE,/* not locked, but the pid in its name runs: a run still
			 * setting up, or one from before locks: left alone */
	OWNER_GONE,	/* not locked and its pid is gone: stale */
};

/* Who owns path, whose name carries the owner's pid. For OWNER_GONE, *lock_fd
 * holds the lock taken to find out (keep it while removing, then close). */
enum owner_state owner_probe(const char *path, long pid, int *lock_fd);
/* One phrase for a report line: "its run is gone (pid 123)". */
const char *owner_state_str(enum owner_state st);

#endif
