/* The /metrics HTTP endpoint (libmicrohttpd): a listening socket bound where
 * ringscope starts (before it enters a --netns), served by libmicrohttpd's
 * own thread from the texts last published. Static builds (-DRS_NO_HTTP,
 * no static libmicrohttpd chain in Debian) have no endpoint: open refuses. */
#ifndef RS_METRICS_HTTP_H
#define RS_METRICS_HTTP_H

#include <stddef.h>

struct metrics_http;

/* Bind and listen on "ADDR:PORT" ("[v6]:PORT", ":PORT" for every address),
 * start serving (an empty exposition until the first publish). NULL after one
 * error line (unparsable address, port in use, no HTTP in this build), errno set. */
struct metrics_http *metrics_http_open(const char *addr_port);
/* Replace the served texts (0.0.4, OpenMetrics); the strings are copied. */
void metrics_http_set(struct metrics_http *h, const char *prom, size_t prom_len, const char *om, size_t om_len);
/* Stop serving, close the socket. NULL is fine. */
void metrics_http_close(struct metrics_http *h);
/* Whether this build has the HTTP endpoint (for --help and the static build). */
extern const int metrics_http_available;

#endif
