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
/* Compiler clones: gcc and clang emit copies of a function under its name plus
 * suffixes (foo.isra.0, foo.part.0, foo.constprop.0, foo.cold, foo.llvm.123,
 * and combinations such as foo.constprop.0.isra.0). Returns the length of the
 * base name when every suffix component is one of those, else 0. */
size_t ksym_clone_base_len(const char *name);
/* A .cold part is the unlikely half of a split function, not an entry point. */
bool ksym_is_cold_part(const char *name);
/* Call fn for each clone of base (base.<suffixes>), cold parts included;
 * returns the number of clones. */
int ksyms_clones(const struct ksyms *ks, const char *base, void (*fn)(const struct ksym *, void *), void *ctx);
/* The entry clone to attach for a base name that has no symbol of its own
 * (the first non-.cold clone by name), or NULL. */
const struct ksym *ksyms_entry_clone(const struct ksyms *ks, const char *base);
/* Call fn for each text symbol matching a glob, clones included (their base
 * name or full name matches), .cold parts and __pfx_ padding excluded;
 * returns matches. */
int ksyms_glob(const struct ksyms *ks, const char *glob, void (*fn)(const struct ksym *, void *), void *ctx);
/* Up to n names closest to name (edit distance / shared prefix), comma-joined;
 * clones, .cold parts and __pfx_ padding are never offered. */
void ksyms_suggest(const struct ksyms *ks, const char *name, char *buf, size_t len, int n);

#endif
