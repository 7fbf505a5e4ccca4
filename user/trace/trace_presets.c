#include <string.h>
#include "trace_presets.h"

/* What fires where was measured on the host (6.18, tracepoint tier, `gen tx`
 * to `gen rx` over veth: tests/host/test_presets.sh) and, every preset on every
 * tier, in Debian's 6.12 guest (tests/vm/test_vm_presets.sh); the function
 * tiers were first read from the 6.1 and 6.12 sources. docs/trace-counts.md
 * has the counts. */
#define BLIND(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define VIRTIO_FUNC_BLIND BLIND("the indirect-table kmalloc inside virtqueue_add_split (inlined or notrace: " \
	"its time shows in virtqueue_add_outbuf, its allocation under --kmalloc)")
#define VIRTIO_TP_BLIND BLIND("virtqueue add/kick/detach and vring interrupts (no tracepoints: needs fentry or kprobe, the VM lab)", \
	"the driver transmit of AF_XDP TX (net_dev_start_xmit/net_dev_xmit never fire for it)")

const struct preset trace_presets[] = {
	{ "virtio-tx", "AF_XDP copy TX on a virtio-net NIC (VM lab)",
	  { "virtqueue_add_outbuf,virtqueue_add_split,virtqueue_add_packed,detach_buf_split,detach_buf_packed,start_xmit,"
	    "virtqueue_kick_prepare,virtqueue_notify,vring_interrupt,virtnet_poll_tx,virtqueue_get_buf_ctx",
	    "virtqueue_add_outbuf,detach_buf_split,start_xmit,virtqueue_kick_prepare,virtqueue_notify,virtnet_poll_tx,virtqueue_get_buf_ctx",
	    VIRTIO_FUNC_BLIND },
	  { "napi_poll", "napi_poll", VIRTIO_TP_BLIND }, false },
	{ "virtio-lab", "AF_XDP copy TX on a virtio-net NIC (VM lab)",
	  { "virtqueue_add_outbuf,virtqueue_add_split,virtqueue_add_packed,detach_buf_split,detach_buf_packed,start_xmit,"
	    "__xsk_generic_xmit,xsk_destruct_skb,virtqueue_notify,vring_interrupt,virtnet_poll_tx",
	    "virtqueue_add_outbuf,detach_buf_split,start_xmit,__xsk_generic_xmit,xsk_destruct_skb,virtqueue_notify,virtnet_poll_tx",
	    VIRTIO_FUNC_BLIND },
	  { "napi_poll", "napi_poll", VIRTIO_TP_BLIND }, true },
	{ "xsk-tx", "AF_XDP copy TX over veth (gen tx -> gen rx)",
	  { "__xsk_generic_xmit,xsk_destruct_skb,xsk_tx_completed,__dev_direct_xmit,veth_xmit",
	    "__xsk_generic_xmit,xsk_destruct_skb,__dev_direct_xmit,veth_xmit", NULL },
	  { "netif_rx,consume_skb", "netif_rx,consume_skb",
	    BLIND("the AF_XDP send itself (__xsk_generic_xmit, __dev_direct_xmit: no tracepoints)",
		  "the driver transmit (net_dev_start_xmit/net_dev_xmit never fire for AF_XDP TX)") },
	  false },
	{ "kmalloc", "any", { "", "", NULL }, { "", "", NULL }, true },
	{ NULL }
};

const struct preset *preset_find(const char *name)
{
	for (const struct preset *p = trace_presets; p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

const char *preset_names(void)
{
	return "virtio-tx, virtio-lab, xsk-tx or kmalloc";
}

static void print_blind(FILE *out, const char *const *blind)
{
	if (!blind) {
		fputc('-', out);
		return;
	}
	for (int i = 0; blind[i]; i++)
		fprintf(out, "%s%s", i ? "; " : "", blind[i]);
}

static void row(FILE *out, const struct preset *p, const char *tier, const struct preset_tier *t)
{
	fprintf(out, "| %s | %s | %s | %s%s | ", p->name, tier, *t->events ? t->events : "-",
		*t->must_fire ? t->must_fire : "-", p->kmalloc ? " (+ kmalloc churn)" : "");
	print_blind(out, t->blind);
	fprintf(out, " | %s |\n", p->workload);
}

void preset_print_table(FILE *out)
{
	fprintf(out, "| preset | tier | events | must fire under the workload | blind spots | workload |\n");
	fprintf(out, "| --- | --- | --- | --- | --- | --- |\n");
	for (const struct preset *p = trace_presets; p->name; p++) {
		row(out, p, "fentry, kprobe", &p->func);
		row(out, p, "tracepoint", &p->tp);
	}
}
