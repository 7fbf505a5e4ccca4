#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ksyms.h"

struct ksyms {
	struct ksym *syms;	/* sorted by address */
	struct ksym **by_name;	/* sorted by name */
	size_t n, cap;
	char *strs;
	size_t strs_len, strs_cap;
};

static int cmp_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((*(struct ksym *const *)a)->name, (*(struct ksym *const *)b)->name);
}

/* Names and modules live in one growing buffer: store offsets, fix up later. */
static long add_str(struct ksyms *ks, const char *s)
{
	size_t len = strlen(s) + 1;
	long off;

	if (ks->strs_len + len > ks->strs_cap) {
		size_t cap = ks->strs_cap ? ks->strs_cap * 2 : 1 << 22;
		char *p = realloc(ks->strs, cap);

		if (!p)
			return -1;
		ks->strs = p;
		ks->strs_cap = cap;
	}
	off = ks->strs_len;
	memcpy(ks->strs + off, s, len);
	ks->strs_len += len;
	return off;
}

struct ksyms *ksyms_load(void)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	char line[512], name[256], mod[128], type;
	unsigned long long addr;
	long empty;
	FILE *f;

	if (!ks)
		return NULL;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		goto fail;
	empty = add_str(ks, "");
	while (fgets(line, sizeof(line), f)) {
		int n;
		long noff, moff;

		mod[0] = 0;
		n = sscanf(line, "%llx %c %255s [%127[^]]]", &addr, &type, name, mod);
		if (n < 3 || (type != 't' && type != 'T') || !addr)
			continue;
		if (ks->n == ks->cap) {
			size_t cap = ks->cap ? ks->cap * 2 : 65536;
			struct ksym *p = realloc(ks->syms, cap * sizeof(*p));

			if (!p)
				goto fail_file;
			ks->syms = p;
			ks->cap = cap;
		}
		noff = add_str(ks, name);
		moff = mod[0] ? add_str(ks, mod) : empty;
		if (noff < 0 || moff < 0)
			goto fail_file;
		ks->syms[ks->n++] = (struct ksym){ .addr = addr, .name = (char *)noff, .module = (char *)moff };
	}
	fclose(f);
	if (!ks->n) {
		errno = EACCES;	/* addresses hidden: not root, or kptr_restrict */
		goto fail;
	}
	for (size_t i = 0; i < ks->n; i++) {
		ks->syms[i].name = ks->strs + (long)ks->syms[i].name;
		ks->syms[i].module = ks->strs + (long)ks->syms[i].module;
	}
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_addr);
	for (size_t i = 0; i < ks->n; i++)
		ks->syms[i].size = i + 1 < ks->n ? ks->syms[i + 1].addr - ks->syms[i].addr : 4096;
	ks->by_name = malloc(ks->n * sizeof(*ks->by_name));
	if (!ks->by_name)
		goto fail;
	for (size_t i = 0; i < ks->n; i++)
		ks->by_name[i] = &ks->syms[i];
	qsort(ks->by_name, ks->n, sizeof(*ks->by_name), cmp_name);
	return ks;
fail_file:
	fclose(f);
fail:
	ksyms_free(ks);
	return NULL;
}

void ksyms_free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->by_name);
	free(ks->strs);
	free(ks);
}

const struct ksym *ksyms_by_addr(const struct ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr - ks->syms[lo - 1].addr >= ks->syms[lo - 1].size)
		return NULL;
	return &ks->syms[lo - 1];
}

const struct ksym *ksyms_by_name(const struct ksyms *ks, const char *name)
{
	struct ksym key = { .name = name }, *kp = &key, **r;

	r = bsearch(&kp, ks->by_name, ks->n, sizeof(*ks->by_name), cmp_name);
	return r ? *r : NULL;
}

void ksyms_format(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *s = ks ? ksyms_by_addr(ks, addr) : NULL;

	if (!s)
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	else if (*s->module)
		snprintf(buf, len, "%s+0x%llx [%s]", s->name, (unsigned long long)(addr - s->addr), s->module);
	else
		snprintf(buf, len, "%s+0x%llx", s->name, (unsigned long long)(addr - s->addr));
}

/* Suffix components a compiler appends; the ones in numbered[] are followed by
 * a number (decimal, or hex for .llvm.<hash>). */
static bool clone_word(const char *w, size_t len, bool *numbered)
{
	static const char *const words[] = { "isra", "part", "constprop", "cold", "llvm", "lto_priv",
					     "localalias", "specialized", NULL };

	for (int i = 0; words[i]; i++)
		if (strlen(words[i]) == len && !strncmp(w, words[i], len)) {
			*numbered = strcmp(words[i], "localalias") != 0;
			return true;
		}
	return false;
}

static bool all_hex(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

size_t ksym_clone_base_len(const char *name)
{
	const char *dot = strchr(name, '.'), *p;
	bool numbered = false, want_num = false;

	if (!dot || dot == name)
		return 0;
	/* Components after the base: a word, optionally followed by a number. */
	for (p = dot + 1;;) {
		size_t len = strcspn(p, ".");

		if (want_num && all_hex(p, len))
			want_num = false;
		else if (clone_word(p, len, &numbered))
			want_num = numbered;
		else
			return 0;
		if (!p[len])
			break;
		p += len + 1;
	}
	return dot - name;
}

bool ksym_is_cold_part(const char *name)
{
	const char *c = strstr(name, ".cold");

	return c && ksym_clone_base_len(name) && (c[5] == 0 || c[5] == '.');
}

/* First index in by_name whose name is >= key. */
static size_t lower_bound(const struct ksyms *ks, const char *key)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(ks->by_name[mid]->name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int ksyms_clones(const struct ksyms *ks, const char *base, void (*fn)(const struct ksym *, void *), void *ctx)
{
	size_t blen = strlen(base);
	int n = 0;

	for (size_t i = lower_bound(ks, base); i < ks->n; i++) {
		const struct ksym *s = ks->by_name[i];

		if (strncmp(s->name, base, blen))
			break;
		if (s->name[blen] != '.' || ksym_clone_base_len(s->name) != blen)
			continue;
		if (fn)
			fn(s, ctx);
		n++;
	}
	return n;
}

static void first_entry(const struct ksym *s, void *ctx)
{
	const struct ksym **best = ctx;

	if (!*best && !ksym_is_cold_part(s->name))
		*best = s;
}

const struct ksym *ksyms_entry_clone(const struct ksyms *ks, const char *base)
{
	const struct ksym *best = NULL;

	ksyms_clones(ks, base, first_entry, &best);
	return best;
}

int ksyms_glob(const struct ksyms *ks, const char *glob, void (*fn)(const struct ksym *, void *), void *ctx)
{
	char base[256];
	int n = 0;

	for (size_t i = 0; i < ks->n; i++) {
		const struct ksym *s = ks->by_name[i];
		size_t blen = ksym_clone_base_len(s->name);

		if (!strncmp(s->name, "__pfx_", 6) || ksym_is_cold_part(s->name))
			continue;
		if (strchr(s->name, '.') && !blen)
			continue;	/* other dotted names (e.g. _sub_I_00099_0.x): not functions to time */
		snprintf(base, sizeof(base), "%.*s", (int)(blen ? blen : strlen(s->name)), s->name);
		if (fnmatch(glob, s->name, 0) && fnmatch(glob, base, 0))
			continue;
		if (i && !strcmp(ks->by_name[i - 1]->name, s->name))
			continue;	/* same name in two modules: once */
		fn(s, ctx);
		n++;
	}
	return n;
}

static int edit_distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b), prev[128], cur[128];

	if (la > 127 || lb > 127)
		return 1000;
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			int del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(int) * (lb + 1));
	}
	return prev[lb];
}

void ksyms_suggest(const struct ksyms *ks, const char *name, char *buf, size_t len, int n)
{
	const struct ksym *best[8] = {};
	int bestd[8], nb = 0;

	if (n > 8)
		n = 8;
	for (size_t i = 0; i < ks->n; i++) {
		const struct ksym *s = ks->by_name[i];
		int d;

		/* __pfx_ padding is no function: never offered as attachable. */
		if (strchr(s->name, '.') || !strncmp(s->name, "__pfx_", 6) ||
		    (i && !strcmp(ks->by_name[i - 1]->name, s->name)))
			continue;
		/* Names that contain the query are near misses too (__kmalloc -> __kmalloc_noprof). */
		d = strstr(s->name, name) ? (int)(strlen(s->name) - strlen(name)) / 4 : edit_distance(name, s->name);
		if (d > (int)strlen(name) / 2 + 1)
			continue;
		int pos = nb < n ? nb++ : n;
		if (pos == n && d >= bestd[n - 1])
			continue;
		if (pos == n)
			pos = n - 1;
		while (pos > 0 && bestd[pos - 1] > d) {
			best[pos] = best[pos - 1];
			bestd[pos] = bestd[pos - 1];
			pos--;
		}
		best[pos] = s;
		bestd[pos] = d;
	}
	buf[0] = 0;
	for (int i = 0; i < nb; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", best[i]->name);
}
