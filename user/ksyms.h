/* Kernel text symbols from /proc/kallsyms: address -> "func+0xoff [module]",
 * name -> address range, and near-miss suggestions for names not found. */
#ifndef RS_KSYMS_H
#define RS_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	uint64_t size;		/* distance to the next symbol */
	const char *name;
	const char *module;	/* "" for vmlinux */
};

struct ksyms;

struct ksyms *ksyms_load(void);	/* NULL + errno on failure */
void ksyms_free(struct ksyms *ks);
const struct ksym *ksyms_by_addr(const struct ksyms *ks, uint64_t addr);
const struct ksym *ksyms_by_name(const struct ksyms *ks, const char *name);
/* "func+0x1a2 [module]" or the hex address when unknown. */
void ksyms_format(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);
/* Call fn for each text symbol matching a glob; returns matches. */
int ksyms_glob(const struct ksyms *ks, const char *glob, void (*fn)(const struct ksym *, void *), void *ctx);
/* Up to n names closest to name (edit distance / shared prefix), comma-joined. */
void ksyms_suggest(const struct ksyms *ks, const char *name, char *buf, size_t len, int n);

#endif
