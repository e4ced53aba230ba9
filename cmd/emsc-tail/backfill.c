/* backfill — FDSN event pages over HTTP/1.1, plain or TLS (OpenSSL), one
 * request per connection; lib/core/http reads the answer. Blocking, bounded by
 * the caller's timeout. (libcurl did this before; dropping it from
 * emsc-tail takes its dozen libraries out of the process: RSS.) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "backfill.h"
#include "core/http.h"
#include "core/time.h"
#include "common/tool.h"
#include "trust.h"

#define PAGE_MAX (64L << 20)	/* a page larger than this is refused */
#define REDIRECTS 3

struct url {
	int tls;
	char host[256], port[8], path[4096];
};

struct conn {
	int fd;
	SSL *ssl;
	int64_t deadline;	/* quake_time_now() microseconds */
	char *err;
	size_t errcap;
};

static SSL_CTX *ctx;

static int
url_parse(const char *u, struct url *o)
{
	const char *h, *e, *p;
	size_t n;

	memset(o, 0, sizeof *o);
	if (strncmp(u, "http://", 7) == 0)
		h = u + 7;
	else if (strncmp(u, "https://", 8) == 0)
		h = u + 8, o->tls = 1;
	else
		return -1;
	p = h + strcspn(h, "/?#");
	if (*h == '[') {		/* [v6]:port */
		if ((e = memchr(h, ']', (size_t)(p - h))) == NULL)
			return -1;
		n = (size_t)(e - h - 1);
		if (n == 0 || n >= sizeof o->host)
			return -1;
		memcpy(o->host, h + 1, n);
		e++;
	} else {
		e = memchr(h, ':', (size_t)(p - h));
		if (e == NULL)
			e = p;
		n = (size_t)(e - h);
		if (n == 0 || n >= sizeof o->host)
			return -1;
		memcpy(o->host, h, n);
	}
	if (*e == ':') {
		n = (size_t)(p - e - 1);
		if (n == 0 || n >= sizeof o->port || strspn(e + 1, "0123456789") < n)
			return -1;
		memcpy(o->port, e + 1, n);
	} else if (e != p)
		return -1;
	else
		strcpy(o->port, o->tls ? "443" : "80");
	n = strcspn(p, "#");
	if (n + 2 > sizeof o->path)
		return -1;
	if (*p != '/')
		o->path[0] = '/';
	memcpy(o->path + strlen(o->path), p, n);
	return 0;
}

int
backfill_url_ok(const char *base)
{
	struct url u;

	return url_parse(base, &u);
}

static int
fail(struct conn *c, const char *what, const char *why)
{
	snprintf(c->err, c->errcap, "%s: %s", what, why);
	return -1;
}

/* Wait until fd is ready for ev, the deadline passes or SIGINT/SIGTERM
 * came (tool_stop, checked at least every 100 ms: a signal just before
 * poll(2) does not wait out the budget). */
static int
wait_fd(struct conn *c, short ev)
{
	struct pollfd p = { c->fd, ev, 0 };
	int64_t left;
	int n;

	do {
		if (tool_stop)
			return fail(c, "FDSN", "stopped by a signal");
		if ((left = c->deadline - quake_time_now()) <= 0)
			return fail(c, "FDSN", "timed out");
		n = poll(&p, 1, left > 100000 ? 100 : (int)(left / 1000) + 1);
	} while (n == 0 || (n < 0 && errno == EINTR));
	return n < 0 ? fail(c, "poll", strerror(errno)) : 0;
}

static int
dial(struct conn *c, const struct url *u)
{
	struct addrinfo hints, *ai, *a;
	int rc, soerr = 0;
	socklen_t sl = sizeof soerr;
	int64_t final = c->deadline;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(u->host, u->port, &hints, &ai)) != 0)
		return fail(c, u->host, gai_strerror(rc));
	for (a = ai; a != NULL; a = a->ai_next) {
		if ((c->fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, a->ai_protocol)) < 0)
			continue;
		/* 10 s to connect, within the whole budget */
		c->deadline = quake_time_now() + 10000000;
		if (c->deadline > final)
			c->deadline = final;
		if (connect(c->fd, a->ai_addr, a->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && wait_fd(c, POLLOUT) == 0 &&
		    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
		    soerr == 0))
			break;
		if (soerr != 0)
			fail(c, "connect", strerror(soerr));
		else if (errno != EINPROGRESS)
			fail(c, "connect", strerror(errno));
		close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(ai);
	c->deadline = final;
	if (c->fd < 0 && c->err[0] == '\0')
		fail(c, "connect", "no address to connect to");
	return c->fd < 0 ? -1 : 0;
}

static int
tls_fail(struct conn *c)
{
	long v = c->ssl ? SSL_get_verify_result(c->ssl) : X509_V_OK;
	unsigned long e = ERR_get_error();
	char buf[256];

	ERR_clear_error();
	if (v != X509_V_OK)
		return fail(c, "TLS certificate", X509_verify_cert_error_string(v));
	ERR_error_string_n(e, buf, sizeof buf);
	return fail(c, "TLS", e ? buf : "connection closed in the handshake");
}

/* Go on with an SSL call that returned r: wait as it asks, or fail. */
static int
tls_again(struct conn *c, int r)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ: return wait_fd(c, POLLIN);
	case SSL_ERROR_WANT_WRITE: return wait_fd(c, POLLOUT);
	default: return tls_fail(c);
	}
}

static int
tls_start(struct conn *c, const struct url *u, const char *cacert)
{
	struct in6_addr ip;
	int r, literal = inet_pton(AF_INET, u->host, &ip) == 1 ||
	    inet_pton(AF_INET6, u->host, &ip) == 1;

	if (ctx == NULL) {
		if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
			return tls_fail(c);
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
		/* many servers close without close_notify; a cut-short body
		 * with a length or chunks is still caught by lib/core/http */
		SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
		if (trust_load(ctx, cacert) != 0) {
			SSL_CTX_free(ctx);
			ctx = NULL;
			return fail(c, "TLS", "cannot load the trusted certificates");
		}
	}
	if ((c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		return tls_fail(c);
	if (literal)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), u->host);
	else if (SSL_set_tlsext_host_name(c->ssl, u->host) != 1 ||
	    SSL_set1_host(c->ssl, u->host) != 1)
		return tls_fail(c);
	while ((r = SSL_connect(c->ssl)) != 1)
		if (tls_again(c, r) != 0)
			return -1;
	return 0;
}

static int
send_all(struct conn *c, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w;
		if (c->ssl != NULL) {
			int r = SSL_write(c->ssl, p, (int)n);
			if (r <= 0) {
				if (tls_again(c, r) != 0)
					return -1;
				continue;
			}
			w = r;
		} else if ((w = send(c->fd, p, n, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return fail(c, "send", strerror(errno));
			if (wait_fd(c, POLLOUT) != 0)
				return -1;
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read some bytes into buf[cap]: > 0 read, 0 the peer closed, -1 error. */
static ssize_t
recv_some(struct conn *c, char *buf, size_t cap)
{
	for (;;) {
		ssize_t n;
		if (c->ssl != NULL) {
			int r = SSL_read(c->ssl, buf, (int)(cap > 1 << 30 ? 1 << 30 : cap));
			if (r > 0)
				return r;
			int e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_ZERO_RETURN)
				return 0;
			if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
				return 0;	/* closed without close_notify */
			if (tls_again(c, r) != 0)
				return -1;
			continue;
		}
		if ((n = recv(c->fd, buf, cap, 0)) >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return fail(c, "recv", strerror(errno));
		if (wait_fd(c, POLLIN) != 0)
			return -1;
	}
}

/* One GET; the whole response into *raw (malloc'd), parsed into *r. */
static int
get(struct conn *c, const struct url *u, const char *cacert, char **raw,
    struct quake_http_response *r)
{
	char req[8192];
	size_t len = 0, cap = 0;
	struct quake_fail f;
	enum quake_err err = QUAKE_EAGAIN;
	int n;

	*raw = NULL;
	if (dial(c, u) != 0 || (u->tls && tls_start(c, u, cacert) != 0))
		return -1;
	n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\n"
	    "User-Agent: emsc-tail/" QUAKE_VERSION "\r\nAccept: application/json\r\n"
	    "Connection: close\r\n\r\n", u->path, strchr(u->host, ':') ? "[" : "",
	    u->host, strchr(u->host, ':') ? "]" : "",
	    strcmp(u->port, u->tls ? "443" : "80") ? ":" : "",
	    strcmp(u->port, u->tls ? "443" : "80") ? u->port : "");
	if (n < 0 || (size_t)n >= sizeof req)
		return fail(c, "FDSN", "URL too long");
	if (send_all(c, req, (size_t)n) != 0)
		return -1;
	while (err == QUAKE_EAGAIN) {
		ssize_t got;
		if (cap - len < 16384) {
			char *nb;
			if (cap >= (size_t)PAGE_MAX)
				return fail(c, "FDSN", "page too large");
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(*raw, cap + 1)) == NULL)
				return fail(c, "FDSN", "out of memory");
			*raw = nb;
		}
		if ((got = recv_some(c, *raw + len, cap - len)) < 0)
			return -1;
		len += (size_t)got;
		err = quake_http_parse(*raw, len, got == 0, r, &f);
	}
	if (err != QUAKE_OK)
		return fail(c, "bad HTTP response", f.reason);
	return 0;
}

static void
hang_up(struct conn *c)
{
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

long
backfill_page(const char *base, const char *cacert, int64_t updatedafter,
    long limit, long offset, long timeout_s, char **body, size_t *len,
    char *err, size_t errcap)
{
	char url[4096], when[32];
	time_t t = (time_t)(updatedafter / 1000000);
	struct tm tm;
	struct url u;
	struct conn c = { -1, NULL, quake_time_now() + (int64_t)timeout_s * 1000000,
	    err, errcap };
	struct quake_http_response r;
	char *raw = NULL;

	*body = NULL;
	*len = 0;
	err[0] = '\0';
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(url, sizeof url, "%s%cformat=json&updatedafter=%s&orderby=time-asc"
	    "&limit=%ld&offset=%ld", base, strchr(base, '?') ? '&' : '?', when,
	    limit, offset);
	if (url_parse(url, &u) != 0) {
		snprintf(err, errcap, "not an http:// or https:// URL");
		return 0;
	}
	for (int hop = 0;; hop++) {
		int rc = get(&c, &u, cacert, &raw, &r);
		hang_up(&c);
		if (rc != 0)
			break;
		if (r.status >= 300 && r.status < 400 && r.location != NULL) {
			char loc[4096];
			struct url next;
			if (hop == REDIRECTS || r.location_len >= sizeof loc) {
				snprintf(err, errcap, "too many redirects");
				break;
			}
			memcpy(loc, r.location, r.location_len);
			loc[r.location_len] = '\0';
			if (loc[0] == '/') {		/* same server */
				next = u;
				snprintf(next.path, sizeof next.path, "%s", loc);
			} else if (url_parse(loc, &next) != 0) {
				snprintf(err, errcap, "redirected to a bad URL");
				break;
			}
			u = next;
			free(raw);
			raw = NULL;
			continue;
		}
		/* the body to the front, NUL-terminated, as the caller wants */
		memmove(raw, r.body, r.body_len);
		raw[r.body_len] = '\0';
		*body = r.body_len > 0 ? raw : NULL;
		*len = r.body_len;
		if (*body == NULL)
			free(raw);
		return r.status;
	}
	free(raw);
	return 0;
}
