/* sse-clients — the fan-out benchmark's two ends, the same for every server.
 *
 * sse-clients HOST PORT PATH N COUNT SECONDS: N Server-Sent Events clients
 * on one epoll loop; prints "ready" once every one has its response headers,
 * then takes messages until each client has COUNT of them (or SECONDS pass).
 * A message's latency is its receive time (after the read that completed it)
 * minus the µs timestamp the publisher put in its "source_id". Prints
 * "clients N messages M p50_ms P p99_ms P max_ms P spread_ms S" (S: median
 * over messages of last minus first arrival), then holds its connections
 * open 2 s more, so that the server's CPU can be read before they close.
 * SSE_VERBOSE=1: one stderr line per message (first and last arrival), and
 * the client's CPU. SSE_BATCH_US=U: after a read pass that found fewer than
 * 256 sockets ready, sleep U µs (reads in batches instead of being woken by
 * every send; adds at most U to a measured latency).
 *
 * sse-clients --publish TARGET COUNT INTERVAL_MS: COUNT event lines, one
 * every INTERVAL_MS on a fixed schedule (never waiting for the server), each
 * stamped just before its write(2). TARGET "-" writes them to stdout (a
 * server reading stdin); "HOST:PORT/PATH" POSTs each on a connection opened
 * beforehand (nchan's publisher endpoint).
 *
 * sse-clients --floor PORT N: the floor, a server with no HTTP library at
 * all: accept N connections on 127.0.0.1:PORT, answer each with SSE headers,
 * then send each stdin line to every one with one send(2), in accept order.
 * cc -O2 -o sse-clients bench/sse-clients.c */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSGS 256

struct cl { int fd, headers, got; size_t len; char buf[8192]; };

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static int dial(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, host, &a.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		fprintf(stderr, "sse-clients: connect %s:%d: %s\n", host, port, strerror(errno));
		exit(69);
	}
	return fd;
}

static int publish(const char *target, int count, int interval_ms)
{
	char host[64] = "", path[256] = "", line[1024], req[2048];
	int port = 0, *fd = calloc((size_t)count, sizeof *fd);
	long long t0;

	if (strcmp(target, "-") != 0) {
		if (sscanf(target, "%63[^:]:%d%255s", host, &port, path) != 3) {
			fprintf(stderr, "sse-clients: not HOST:PORT/PATH: %s\n", target);
			return 64;
		}
		for (int i = 0; i < count; i++)
			fd[i] = dial(host, port);
	}
	t0 = now_us();
	for (int i = 0; i < count; i++) {
		long long at = t0 + (long long)i * interval_ms * 1000, t;
		struct timespec ts;
		int n, k;

		while ((t = now_us()) < at) {
			ts.tv_sec = (at - t) / 1000000;
			ts.tv_nsec = (at - t) % 1000000 * 1000;
			nanosleep(&ts, NULL);
		}
		n = snprintf(line, sizeof line, "{\"id\":\"20991231_%07d\",\"action\":\"create\",\"time\":\"2026-11-30T00:00:00.000000Z\",\"lastupdate\":\"2026-11-30T00:00:01.000000Z\",\"lat\":35.7,\"lon\":139.8,\"depth\":10.0,\"mag\":4.5,\"magtype\":\"mb\",\"region\":\"NEAR COAST OF EASTERN HONSHU, JAPAN\",\"evtype\":\"ke\",\"auth\":\"JMA\",\"source_catalog\":\"EMSC-RTS\",\"source_id\":\"%lld\"}\n", i + 1, now_us());
		if (port == 0) {
			if (write(1, line, (size_t)n) != n)
				return 74;
			continue;
		}
		k = snprintf(req, sizeof req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n%s", path, host, n, line);
		if (write(fd[i], req, (size_t)k) != k)
			return 74;
	}
	for (int i = 0; port != 0 && i < count; i++) {	/* the answers, then close */
		ssize_t r = read(fd[i], req, sizeof req);
		if (r <= 0 || strncmp(req, "HTTP/1.1 20", 11) != 0)
			fprintf(stderr, "sse-clients: publish %d: no 2xx answer\n", i + 1);
		close(fd[i]);
	}
	free(fd);
	return 0;
}

static int floor_server(int port, int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	static const char hdr[] = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\nretry: 2000\n\n";
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1, *fd = calloc((size_t)n, sizeof *fd);
	char line[2048], msg[2200];
	long long seq = 0, shorts = 0;

	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 16384) != 0) {
		fprintf(stderr, "sse-clients: listen %d: %s\n", port, strerror(errno));
		return 69;
	}
	for (int i = 0; i < n; i++) {	/* one request each, read whole */
		if ((fd[i] = accept(ls, NULL, NULL)) < 0 || read(fd[i], line, sizeof line) <= 0 ||
		    write(fd[i], hdr, sizeof hdr - 1) != (ssize_t)sizeof hdr - 1)
			return 74;
	}
	while (fgets(line, sizeof line, stdin) != NULL) {
		int k = snprintf(msg, sizeof msg, "id: %lld\ndata: %s\n", ++seq, line);

		for (int i = 0; i < n; i++)
			if (send(fd[i], msg, (size_t)k, MSG_DONTWAIT | MSG_NOSIGNAL) != k)
				shorts++;
	}
	if (shorts > 0)
		fprintf(stderr, "sse-clients: %lld short sends\n", shorts);
	return 0;
}

/* Per message (by its stamp): first and last arrival. */
static long long m0[MSGS], mfirst[MSGS], mlast[MSGS];
static int nm;

static void per_message(long long t0, long long lat)
{
	int i;

	for (i = 0; i < nm && m0[i] != t0; i++)
		;
	if (i == nm) {
		if (nm == MSGS)
			return;
		m0[nm] = t0;
		mfirst[nm] = mlast[nm] = lat;
		nm++;
	} else if (lat < mfirst[i])
		mfirst[i] = lat;
	else if (lat > mlast[i])
		mlast[i] = lat;
}

/* Take what x's socket holds; count the messages in it. */
static void take(struct cl *x, long long t, int count, int n, int *ready, int *done,
    long long *lat, size_t *nlat, size_t caplat)
{
	char *p = x->buf, *end;

	x->buf[x->len] = '\0';
	if (!x->headers) {
		if ((end = strstr(p, "\r\n\r\n")) == NULL)
			return;
		x->headers = 1;
		if (++*ready == n) {
			printf("ready\n");
			fflush(stdout);
		}
		p = end + 4;
	}
	while ((end = strstr(p, "\n\n")) != NULL) {
		char *s = strstr(p, "\"source_id\":\"");
		if (s != NULL && s < end && p[0] != ':') {
			long long t0 = atoll(s + 13);
			if (t0 > 0 && *nlat < caplat) {
				lat[(*nlat)++] = t - t0;
				per_message(t0, t - t0);
			}
			if (++x->got == count)
				++*done;
		}
		p = end + 2;
	}
	x->len = strlen(p);
	memmove(x->buf, p, x->len + 1);
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--publish") == 0)
		return publish(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "--floor") == 0)
		return floor_server(atoi(argv[2]), atoi(argv[3]));
	if (argc != 7) {
		fprintf(stderr, "usage: sse-clients HOST PORT PATH N COUNT SECONDS\n"
		    "       sse-clients --publish -|HOST:PORT/PATH COUNT INTERVAL_MS\n"
		    "       sse-clients --floor PORT N\n");
		return 64;
	}
	const char *host = argv[1], *path = argv[3];
	int port = atoi(argv[2]), n = atoi(argv[4]), count = atoi(argv[5]);
	long long deadline = now_us() + atoll(argv[6]) * 1000000LL;
	struct cl *c = calloc((size_t)n, sizeof *c);
	size_t nlat = 0, caplat = (size_t)n * (size_t)count + 16;
	long long *lat = malloc(caplat * sizeof *lat), spread[MSGS];
	int ep = epoll_create1(0), ready = 0, done = 0;
	long batch_us = getenv("SSE_BATCH_US") ? atol(getenv("SSE_BATCH_US")) : 0;
	char req[512];
	int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n", path, host);

	for (int i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		c[i].fd = dial(host, port);
		if (write(c[i].fd, req, (size_t)rl) != rl)
			return 74;
		fcntl(c[i].fd, F_SETFL, O_NONBLOCK);
		epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
	}
	while (done < n && now_us() < deadline) {
		struct epoll_event evs[256];
		int k = epoll_wait(ep, evs, 256, 100);
		for (int e = 0; e < k; e++) {
			struct cl *x = &c[evs[e].data.u32];
			ssize_t r = read(x->fd, x->buf + x->len, sizeof x->buf - x->len - 1);
			long long t = now_us();
			if (r <= 0) {
				if (r == 0 || errno != EAGAIN) {
					epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
					close(x->fd);
					x->fd = -1;
					done++;
				}
				continue;
			}
			x->len += (size_t)r;
			take(x, t, count, n, &ready, &done, lat, &nlat, caplat);
		}
		if (k > 0 && k < 256 && batch_us > 0) {
			struct timespec ts = { 0, batch_us * 1000L };
			nanosleep(&ts, NULL);
		}
	}
	qsort(lat, nlat, sizeof *lat, cmp);
	for (int i = 0; i < nm; i++) {
		spread[i] = mlast[i] - mfirst[i];
		if (getenv("SSE_VERBOSE") != NULL)
			fprintf(stderr, "message %d at +%lld ms: first %.1f ms, last %.1f ms\n", i,
			    (m0[i] - m0[0]) / 1000, mfirst[i] / 1000.0, mlast[i] / 1000.0);
	}
	qsort(spread, (size_t)nm, sizeof *spread, cmp);
	if (getenv("SSE_VERBOSE") != NULL) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "client cpu %ld ms (user %ld, sys %ld)\n",
		    (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000,
		    ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000, ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000);
	}
	printf("clients %d messages %zu p50_ms %.2f p99_ms %.2f max_ms %.2f spread_ms %.2f\n", n, nlat,
	    nlat ? lat[nlat / 2] / 1000.0 : -1, nlat ? lat[nlat * 99 / 100] / 1000.0 : -1,
	    nlat ? lat[nlat - 1] / 1000.0 : -1, nm ? spread[nm / 2] / 1000.0 : -1);
	fflush(stdout);
	sleep(2);
	return 0;
}
