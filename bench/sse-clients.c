/* sse-clients — N Server-Sent Events clients on one epoll loop, for the
 * fan-out benchmark: connect all to HOST:PORT PATH, print "ready" once every
 * one has its response headers, then take messages until each client has
 * COUNT of them (or SECONDS pass). A message's latency is the receive time
 * minus the µs timestamp the publisher put in its "source_id". Prints
 * "clients N messages M p50_ms P p99_ms P max_ms P" at the end.
 * cc -O2 -o sse-clients bench/sse-clients.c -lm */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: sse-clients HOST PORT PATH N COUNT SECONDS\n");
		return 64;
	}
	const char *host = argv[1], *path = argv[3];
	int port = atoi(argv[2]), n = atoi(argv[4]), count = atoi(argv[5]);
	long long deadline = now_us() + atoll(argv[6]) * 1000000LL;
	struct cl *c = calloc((size_t)n, sizeof *c);
	size_t nlat = 0, caplat = (size_t)n * (size_t)count + 16;
	long long *lat = malloc(caplat * sizeof *lat);
	int ep = epoll_create1(0), ready = 0, done = 0;
	char req[512];
	int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n", path, host);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	inet_pton(AF_INET, host, &a.sin_addr);
	for (int i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		c[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		if (c[i].fd < 0 || connect(c[i].fd, (struct sockaddr *)&a, sizeof a) != 0) {
			fprintf(stderr, "connect %d: %s\n", i, strerror(errno));
			return 69;
		}
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
					done++;
				}
				continue;
			}
			x->len += (size_t)r;
			x->buf[x->len] = '\0';
			char *p = x->buf, *end;
			if (!x->headers) {
				if ((end = strstr(p, "\r\n\r\n")) == NULL)
					continue;
				x->headers = 1;
				if (++ready == n) {
					printf("ready\n");
					fflush(stdout);
				}
				p = end + 4;
			}
			while ((end = strstr(p, "\n\n")) != NULL) {
				char *s = strstr(p, "\"source_id\":\"");
				if (s != NULL && s < end && strncmp(p, ":", 1) != 0) {
					long long t0 = atoll(s + 13);
					if (t0 > 0 && nlat < caplat)
						lat[nlat++] = t - t0;
					if (++x->got == count)
						done++;
				}
				p = end + 2;
			}
			x->len = strlen(p);
			memmove(x->buf, p, x->len + 1);
		}
	}
	qsort(lat, nlat, sizeof *lat, cmp);
	printf("clients %d messages %zu p50_ms %.2f p99_ms %.2f max_ms %.2f\n", n, nlat,
	    nlat ? lat[nlat / 2] / 1000.0 : -1, nlat ? lat[nlat * 99 / 100] / 1000.0 : -1,
	    nlat ? lat[nlat - 1] / 1000.0 : -1);
	return 0;
}
