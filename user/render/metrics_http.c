#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"

#ifdef RS_NO_HTTP
const int metrics_http_available = 0;

struct metrics_http *metrics_http_open(const char *addr_port)
{
	rs_err("--metrics %s: this static build has no HTTP server (no static libmicrohttpd): use --metrics-file PATH",
	       addr_port);
	errno = EOPNOTSUPP;
	return NULL;
}

void metrics_http_set(struct metrics_http *h, const char *prom, size_t prom_len, const char *om, size_t om_len)
{
}

void metrics_http_close(struct metrics_http *h)
{
}
#else
#include <microhttpd.h>

const int metrics_http_available = 1;

struct metrics_http {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	char *text[2];		/* enum metrics_format */
	size_t len[2];
};

/* "ADDR:PORT", "[ADDR]:PORT" or ":PORT" into its parts; false if malformed. */
static bool split_addr(const char *s, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon;
	size_t n;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':')
			return false;
		n = end - s - 1;
		colon = end + 1;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', colon - s))
			return false;	/* a bare IPv6 address needs brackets */
		n = colon - s;
	}
	if (n >= hlen || !colon[1] || strlen(colon + 1) >= plen || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return false;
	memcpy(host, s, n);
	host[n] = '\0';
	snprintf(port, plen, "%s", colon + 1);
	return atoi(port) > 0 && atoi(port) < 65536;
}

static int listen_on(const char *addr_port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai;
	char host[64], port[8];
	int fd, one = 1, err;

	if (!split_addr(addr_port, host, sizeof(host), port, sizeof(port)) ||
	    getaddrinfo(host[0] ? host : NULL, port, &hints, &ai)) {
		rs_err("--metrics '%s': not an ADDR:PORT with a numeric address and port 1-65535: e.g. 127.0.0.1:9464, [::1]:9464 or :9464",
		       addr_port);
		return -EINVAL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 16)) {
		err = -errno;
		rs_err("--metrics %s: %s%s", addr_port, strerror(-err),
		       err == -EADDRINUSE ? ": the port is taken, pick a free one" :
		       err == -EADDRNOTAVAIL ? ": no such local address here" :
		       err == -EINVAL ? ": a link-local IPv6 address needs its interface: [fe80::...%IFACE]:PORT" : "");
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return err;
	}
	freeaddrinfo(ai);
	return fd;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_len, void **con_cls)
{
	struct metrics_http *h = cls;
	const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	enum metrics_format fmt = metrics_negotiate(accept);
	struct MHD_Response *resp;
	enum MHD_Result ret;
	unsigned int status = MHD_HTTP_OK;
	char *body;
	size_t len;

	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		/* A 405 that says what is allowed, not a dropped connection. */
		static const char na[] = "ringscope serves GET /metrics\n";

		resp = MHD_create_response_from_buffer(sizeof(na) - 1, (void *)na, MHD_RESPMEM_PERSISTENT);
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (strcmp(url, "/metrics")) {
		static const char nf[] = "ringscope serves /metrics\n";

		resp = MHD_create_response_from_buffer(sizeof(nf) - 1, (void *)nf, MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_NOT_FOUND;
	} else {
		pthread_mutex_lock(&h->lock);
		len = h->len[fmt];
		body = malloc(len ? len : 1);
		if (body && len)
			memcpy(body, h->text[fmt], len);
		pthread_mutex_unlock(&h->lock);
		if (!body)
			return MHD_NO;
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, metrics_content_type[fmt]);
		else
			free(body);
	}
	if (!resp)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

struct metrics_http *metrics_http_open(const char *addr_port)
{
	struct metrics_http *h = calloc(1, sizeof(*h));
	int fd;

	if (!h)
		return NULL;
	fd = listen_on(addr_port);
	if (fd < 0) {
		free(h);
		errno = -fd;
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, h,
				MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (!h->d) {
		rs_err("--metrics %s: libmicrohttpd could not start serving the bound socket", addr_port);
		close(fd);
		pthread_mutex_destroy(&h->lock);
		free(h);
		errno = EIO;
		return NULL;
	}
	return h;
}

void metrics_http_set(struct metrics_http *h, const char *prom, size_t prom_len, const char *om, size_t om_len)
{
	char *p = malloc(prom_len + 1), *o = malloc(om_len + 1);

	if (!p || !o) {
		free(p);
		free(o);
		return;	/* the previous texts stay served */
	}
	memcpy(p, prom, prom_len);
	memcpy(o, om, om_len);
	pthread_mutex_lock(&h->lock);
	free(h->text[METRICS_PROM_004]);
	free(h->text[METRICS_OPENMETRICS]);
	h->text[METRICS_PROM_004] = p;
	h->len[METRICS_PROM_004] = prom_len;
	h->text[METRICS_OPENMETRICS] = o;
	h->len[METRICS_OPENMETRICS] = om_len;
	pthread_mutex_unlock(&h->lock);
}

void metrics_http_close(struct metrics_http *h)
{
	if (!h)
		return;
	/* Also closes the listening socket it was given (libmicrohttpd 0.9.75:
	 * closing it here again was a second close of a number another thread
	 * may have been handed in between). */
	MHD_stop_daemon(h->d);
	free(h->text[0]);
	free(h->text[1]);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
#endif
