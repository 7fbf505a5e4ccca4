/* Pinned maps under /sys/fs/bpf/ringscope/<cmd>-<pid>/: one directory per
 * run, locked by the run for its life (owner.h), so a dead run's pins can be
 * told from a live one's and removed. */
#ifndef RS_PIN_H
#define RS_PIN_H

#include <stdbool.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#define PIN_ROOT "/sys/fs/bpf/ringscope"

/* 0 when /sys/fs/bpf is a mounted bpffs; -ENOENT (and one error line) if not. */
int pin_check_bpffs(void);
/* Create and lock PIN_ROOT/<cmd>-<pid>; removes stale run directories first. */
int pin_dir_create(const char *cmd, char *dir, size_t len);
int pin_map(struct bpf_map *map, const char *dir);
/* Unlink every pin in dir, remove it, and drop its lock if we hold it. */
int pin_dir_remove(const char *dir);
/* Remove run directories whose owner is gone (all if force), one line per
 * directory removed or kept on report (if not NULL); returns how many were
 * removed, or -errno; *kept (if not NULL): how many were left alone. */
int pin_remove_stale(bool force, FILE *report, int *kept);

#endif
