/* Network namespaces and the interfaces ringscope may act on. */
#ifndef RS_NETNS_H
#define RS_NETNS_H

#include <stdbool.h>

/* Move the calling thread into /run/netns/<name>. */
int netns_enter(const char *name);
/* Run a command (argv-style, NULL terminated) quietly; 0 on exit status 0. */
int run_quiet(const char *const argv[]);
/* Run a printf-formatted shell-free command line split on spaces. */
int run_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when a unicast default route leaves through ifname in the calling
 * thread's netns (reject/unreachable routes, e.g. IPv6's on lo, do not
 * count); true also when it cannot be read. */
bool iface_has_default_route(const char *ifname);

#endif
