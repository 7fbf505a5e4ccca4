/* Presets of `trace -p`: what each one traces in each tier, which of those
 * events must fire under the preset's workload, and what the tier cannot see
 * on that path. One table (trace_presets.c) that the code uses, that
 * `trace -p list` prints, and that docs/trace-counts.md quotes. */
#ifndef RS_TRACE_PRESETS_H
#define RS_TRACE_PRESETS_H

#include <stdbool.h>
#include <stdio.h>

struct preset_tier {
	const char *events;	/* comma list: functions (fentry/kprobe) or raw tracepoints */
	const char *must_fire;	/* comma list: those that count > 0 under the workload */
	const char *const *blind;	/* NULL-terminated: what this tier cannot see on the path, or NULL */
};

struct preset {
	const char *name;
	const char *workload;	/* what the must_fire lists were checked under */
	struct preset_tier func;	/* fentry and kprobe tiers */
	struct preset_tier tp;		/* tracepoint tier */
	bool kmalloc;		/* also kmalloc churn (every tier: kmem tracepoints) */
};

extern const struct preset trace_presets[];

const struct preset *preset_find(const char *name);
/* "virtio-tx, virtio-lab, xsk-tx or kmalloc" */
const char *preset_names(void);
/* The table as Markdown rows, one per preset and tier. */
void preset_print_table(FILE *out);

#endif
