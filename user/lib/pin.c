#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "pin.h"
#include "log.h"
#include "owner.h"

int pin_check_bpffs(void)
{
	struct statfs st;

	if (statfs("/sys/fs/bpf", &st) || st.f_type != BPF_FS_MAGIC) {
		rs_err("bpffs is not mounted at /sys/fs/bpf: run 'mount -t bpf bpf /sys/fs/bpf' (or 'make deps'), or pass --no-pin");
		return -ENOENT;
	}
	return 0;
}

/* The lock of each directory this process created (pin_dir_create), held
 * until pin_dir_remove or exit. */
static struct {
	char dir[256];
	int fd;
} locks[8];

static void unlock_dir(const char *dir)
{
	for (unsigned int i = 0; i < sizeof(locks) / sizeof(locks[0]); i++)
		if (locks[i].dir[0] && !strcmp(locks[i].dir, dir)) {
			close(locks[i].fd);
			locks[i].dir[0] = 0;
		}
}

int pin_dir_remove(const char *dir)
{
	struct dirent *de;
	char path[512];
	DIR *d;

	unlock_dir(dir);
	d = opendir(dir);
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

int pin_remove_stale(bool force, FILE *report, int *kept)
{
	struct dirent *de;
	char path[512];
	int removed = 0;
	DIR *d = opendir(PIN_ROOT);

	if (kept)
		*kept = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		const char *dash = strrchr(de->d_name, '-');
		enum owner_state st;
		int fd, err;

		struct stat sb;
		char *end = NULL;
		long pid;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PIN_ROOT "/%s", de->d_name);
		/* Only what ringscope makes: a real directory named COMMAND-PID. */
		pid = dash && dash[1] ? strtol(dash + 1, &end, 10) : 0;
		if (pid <= 0 || *end || lstat(path, &sb) || !S_ISDIR(sb.st_mode)) {
			if (report)
				fprintf(report, "skipped %s: not a ringscope run directory (COMMAND-PID)\n", path);
			continue;
		}
		st = owner_probe(path, pid, &fd);
		if (st != OWNER_GONE && !force) {
			if (report)
				fprintf(report, "kept    %s: %s\n", path, owner_state_str(st));
			if (kept)
				(*kept)++;
			continue;
		}
		err = pin_dir_remove(path);
		if (!err) {
			removed++;
			if (report)
				fprintf(report, "removed %s: %s\n", path, st == OWNER_GONE ? owner_state_str(st) :
					"--all (its owner was alive)");
		} else if (report) {
			fprintf(report, "failed  %s: %s (not made by ringscope? remove it by hand)\n", path,
				strerror(-err));
		}
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return removed;
}

int pin_dir_create(const char *cmd, char *dir, size_t len)
{
	unsigned int i;
	int err, fd;

	pin_remove_stale(false, NULL, NULL);
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
	for (i = 0; i < sizeof(locks) / sizeof(locks[0]) && locks[i].dir[0]; i++)
		;
	fd = owner_lock(dir);
	if (fd < 0 || i == sizeof(locks) / sizeof(locks[0])) {
		rs_err("cannot lock %s: %s", dir, fd < 0 ? strerror(-fd) : "too many pin directories");
		if (fd >= 0)
			close(fd);
		pin_dir_remove(dir);
		return fd < 0 ? fd : -EMFILE;
	}
	snprintf(locks[i].dir, sizeof(locks[i].dir), "%s", dir);
	locks[i].fd = fd;
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
