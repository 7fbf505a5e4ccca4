/* What this kernel allows, found by really loading and attaching a program of
 * each type (never by reading config files that may lie). */
#ifndef RS_PROBE_H
#define RS_PROBE_H

#include <stdbool.h>

enum feature {
	FEAT_BTF, FEAT_FENTRY, FEAT_FEXIT, FEAT_KPROBE, FEAT_KRETPROBE, FEAT_KPROBE_MULTI,
	FEAT_RAW_TP, FEAT_TRACEPOINT, FEAT_BPFFS, FEAT_BPF_STATS, FEAT_COUNT
};

struct feature_result {
	bool ok;
	char detail[160];	/* what worked, or why not and what failed */
};

struct kernel_caps {
	struct feature_result f[FEAT_COUNT];
};

enum tier { TIER_FENTRY, TIER_KPROBE, TIER_TRACEPOINT };

extern const char *const feature_names[FEAT_COUNT];
extern const char *const tier_names[];

void probe_kernel(struct kernel_caps *caps);
/* Probe only what tier selection needs (fentry/fexit, kprobe/kretprobe). */
enum tier probe_best_tier(struct kernel_caps *caps);
/* A function that surely exists, to attach probes to. */
const char *probe_target(void);

#endif
