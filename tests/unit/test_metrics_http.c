/* metrics_http: serves what was set, and closes its listening socket once.
 * libmicrohttpd's MHD_stop_daemon() closes the socket given with
 * MHD_OPTION_LISTEN_SOCKET itself; a second close() of that number would
 * close whatever another thread opened under it in between. close() is
 * interposed here to count the closes of the listening socket's number. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "check.h"
#include "metrics_http.h"

static int watched_fd = -1, watched_closes, failed_closes;

int close(int fd)
{
	static int (*real_close)(int);
	int ret;

	if (!real_close)
		real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	ret = real_close(fd);
	if (fd == watched_fd) {
		watched_closes++;
		failed_closes += ret != 0;
	}
	return ret;
}

/* A port nothing listens on now (bound and released: a tiny race only). */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) && !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* GET /metrics over one connection: the response, NUL-terminated, into buf. */
static size_t get_metrics(int port, char *buf, size_t cap)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	if (!connect(fd, (struct sockaddr *)&a, sizeof(a)) && write(fd, req, sizeof(req) - 1) == sizeof(req) - 1)
		while (got < cap - 1 && (n = read(fd, buf + got, cap - 1 - got)) > 0)
			got += n;
	buf[got] = '\0';
	close(fd);
	return got;
}

int main(void)
{
	static const char prom[] = "ringscope_test_total 7\n";
	struct metrics_http *h;
	char addr[32], resp[4096];
	int port = free_port(), probe;

	CHECK(port > 0, "metrics_http_free_port", "no free loopback port");
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	/* The lowest free descriptor: the listening socket gets this number. */
	probe = dup(0);
	close(probe);
	watched_fd = probe;
	h = metrics_http_open(addr);
	CHECK(h, "metrics_http_open", "cannot serve on %s: %s", addr, strerror(errno));
	if (!h)
		CHECK_DONE();
	metrics_http_set(h, prom, sizeof(prom) - 1, "# EOF\n", 6);
	get_metrics(port, resp, sizeof(resp));
	CHECK(strstr(resp, " 200 ") && strstr(resp, prom), "metrics_http_serves_what_was_set", "got '%.200s'", resp);
	watched_closes = failed_closes = 0;
	metrics_http_close(h);
	CHECK(watched_closes == 1 && failed_closes == 0, "metrics_http_close_closes_listen_socket_once",
	      "fd %d closed %d times, %d of them failed (EBADF: closed twice)", watched_fd, watched_closes,
	      failed_closes);
	CHECK(get_metrics(port, resp, sizeof(resp)) == 0, "metrics_http_close_stops_serving", "got '%.200s'", resp);
	CHECK_DONE();
}
