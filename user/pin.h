/* Pinned maps under /sys/fs/bpf/ringscope/<cmd>-<pid>/: one directory per
 * run, named after the process that owns it, so a dead run's pins can be told
 * from a live one's and removed. */
#ifndef RS_PIN_H
#define RS_PIN_H

#include <stdbool.h>
#include <bpf/libbpf.h>

#define PIN_ROOT "/sys/fs/bpf/ringscope"

/* 0 when /sys/fs/bpf is a mounted bpffs; -ENOENT (and one error line) if not. */
int pin_check_bpffs(void);
/* Create PIN_ROOT/<cmd>-<pid>; removes stale run directories first. */
int pin_dir_create(const char *cmd, char *dir, size_t len);
int pin_map(struct bpf_map *map, const char *dir);
/* Unlink every pin in dir and remove it. */
int pin_dir_remove(const char *dir);
/* Remove run directories whose owning process is gone (all if force);
 * returns how many were removed, or -errno. */
int pin_remove_stale(bool force);

#endif
