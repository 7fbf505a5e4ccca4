/* Attach an XDP program through a bpf_link: the kernel refuses to replace a
 * program someone else attached, and detaches ours when the last link fd
 * closes — on exit, on Ctrl-C and after SIGKILL alike. */
#ifndef RS_XDP_ATTACH_H
#define RS_XDP_ATTACH_H

#include <stdbool.h>

enum xdp_mode { XDP_MODE_SKB = 0, XDP_MODE_NATIVE = 1 };

/* Returns a link fd (>= 0) or -errno after one error line. A program already
 * on the interface is refused unless replace is set, in which case it is
 * detached first (and named in a notice). */
int xdp_link_attach(int prog_fd, int ifindex, const char *ifname, enum xdp_mode mode, bool replace);
/* 0 when xdp_link_attach(..., replace) can attach: no program on ifindex, or
 * one we may replace; else -EBUSY after the one error line. */
int xdp_check_free(int ifindex, const char *ifname, bool replace);
/* Id of the XDP program attached to ifindex in any mode, 0 if none. */
unsigned int xdp_attached_prog(int ifindex);

#endif
