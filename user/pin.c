#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "pin.h"
#include "log.h"

int pin_check_bpffs(void)
{
	struct statfs st;

	if (statfs("/sys/fs/bpf", &st) || st.f_type != BPF_FS_MAGIC) {
		rs_err("bpffs is not mounted at /sys/fs/bpf: run 'mount -t bpf bpf /sys/fs/bpf' (or 'make deps'), or pass --no-pin");
		return -ENOENT;
	}
	return 0;
}

int pin_dir_remove(const char *dir)
{
	struct dirent *de;
	char path[512];
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	return rmdir(dir) ? -errno : 0;
}

/* "<cmd>-<pid>": alive when the pid exists and is a ringscope process. */
static bool run_is_alive(const char *name)
{
	const char *dash = strrchr(name, '-');
	char path[64], comm[32] = "";
	FILE *f;
	long pid;

	if (!dash || (pid = strtol(dash + 1, NULL, 10)) <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	return !strncmp(comm, "ringscope", 9);
}

int pin_remove_stale(bool force)
{
	struct dirent *de;
	char path[512];
	int removed = 0;
	DIR *d = opendir(PIN_ROOT);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (!force && run_is_alive(de->d_name)))
			continue;
		snprintf(path, sizeof(path), PIN_ROOT "/%s", de->d_name);
		if (!pin_dir_remove(path))
			removed++;
	}
	closedir(d);
	return removed;
}

int pin_dir_create(const char *cmd, char *dir, size_t len)
{
	int err;

	pin_remove_stale(false);
	if (mkdir(PIN_ROOT, 0700) && errno != EEXIST) {
		err = -errno;
		rs_err("cannot create %s: %s", PIN_ROOT, strerror(-err));
		return err;
	}
	snprintf(dir, len, PIN_ROOT "/%s-%d", cmd, getpid());
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err = -errno;
		rs_err("cannot create %s: %s", dir, strerror(-err));
		return err;
	}
	return 0;
}

int pin_map(struct bpf_map *map, const char *dir)
{
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
	err = bpf_map__pin(map, path);
	if (err)
		rs_err("cannot pin map %s at %s: %s", bpf_map__name(map), path, strerror(-err));
	return err;
}
