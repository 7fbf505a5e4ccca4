/* metrics_file_write: replaces a regular file atomically, never anything else
 * (a device, FIFO or symlink at the path), and never follows a temporary
 * file planted at PATH.tmp.PID (a symlink to a victim file). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "metrics_file.h"

static char dir[] = "/tmp/rs-metrics-file-XXXXXX";

static char *at(const char *name)
{
	static char p[2][256];
	static int i;

	i ^= 1;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, cap - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return n;
}

int main(void)
{
	char buf[256], tmp[256];
	struct stat st;
	int err;

	if (!mkdtemp(dir)) {
		CHECK(0, "metrics_file_tmpdir", "mkdtemp: %s", strerror(errno));
		CHECK_DONE();
	}

	err = metrics_file_write(at("a.prom"), "x 1\n", 4);
	slurp(at("a.prom"), buf, sizeof(buf));
	CHECK(!err && !strcmp(buf, "x 1\n"), "metrics_file_new", "err %d, got '%s'", err, buf);
	err = metrics_file_write(at("a.prom"), "x 22\n", 5);
	slurp(at("a.prom"), buf, sizeof(buf));
	CHECK(!err && !strcmp(buf, "x 22\n"), "metrics_file_replaces_regular", "err %d, got '%s'", err, buf);

	/* A FIFO stands for any non-regular file (/dev/full was replaced by a
	 * regular file this way). */
	mkfifo(at("fifo.prom"), 0600);
	err = metrics_file_write(at("fifo.prom"), "x 1\n", 4);
	CHECK(err == -EINVAL && !lstat(at("fifo.prom"), &st) && S_ISFIFO(st.st_mode), "metrics_file_never_replaces_a_fifo",
	      "err %d, still a fifo: %d", err, S_ISFIFO(st.st_mode));

	if (symlink(at("a.prom"), at("link.prom")))
		CHECK(0, "metrics_file_symlink_setup", "%s", strerror(errno));
	err = metrics_file_write(at("link.prom"), "x 3\n", 4);
	slurp(at("a.prom"), buf, sizeof(buf));
	CHECK(err == -EINVAL && !lstat(at("link.prom"), &st) && S_ISLNK(st.st_mode) && !strcmp(buf, "x 22\n"),
	      "metrics_file_never_replaces_a_symlink", "err %d, target now '%s'", err, buf);

	mkdir(at("d.prom"), 0700);
	err = metrics_file_write(at("d.prom"), "x 1\n", 4);
	CHECK(err == -EISDIR, "metrics_file_directory_refused", "err %d", err);

	/* A symlink planted at the temporary name must not be followed: the
	 * victim keeps its bytes, the metrics land in the real file. */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", at("b.prom"), (int)getpid());
	if (symlink(at("a.prom"), tmp))
		CHECK(0, "metrics_file_plant_setup", "%s", strerror(errno));
	err = metrics_file_write(at("b.prom"), "y 1\n", 4);
	slurp(at("a.prom"), buf, sizeof(buf));
	CHECK(!err && !strcmp(buf, "x 22\n"), "metrics_file_planted_tmp_symlink_not_followed", "err %d, victim now '%s'",
	      err, buf);
	slurp(at("b.prom"), buf, sizeof(buf));
	CHECK(!strcmp(buf, "y 1\n") && access(tmp, F_OK), "metrics_file_written_no_tmp_left", "got '%s'", buf);

	/* The check at open touches nothing: an existing file keeps its bytes,
	 * a new path is not created, no temporary file stays; it refuses what
	 * the write would. */
	err = metrics_file_check(at("b.prom"));
	slurp(at("b.prom"), buf, sizeof(buf));
	CHECK(!err && !strcmp(buf, "y 1\n") && access(tmp, F_OK), "metrics_file_check_keeps_file", "err %d, got '%s'", err,
	      buf);
	err = metrics_file_check(at("c.prom"));
	CHECK(!err && access(at("c.prom"), F_OK), "metrics_file_check_creates_nothing", "err %d", err);
	CHECK(metrics_file_check(at("fifo.prom")) == -EINVAL && metrics_file_check(at("d.prom")) == -EISDIR &&
	      metrics_file_check("/nonexistent-dir/x.prom") == -ENOENT, "metrics_file_check_refuses_as_write",
	      "fifo, directory or missing directory accepted");

	unlink(at("a.prom"));
	unlink(at("b.prom"));
	unlink(at("fifo.prom"));
	unlink(at("link.prom"));
	rmdir(at("d.prom"));
	rmdir(dir);
	CHECK_DONE();
}
