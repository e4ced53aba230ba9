/* httpd — libwebsockets' HTTP server with no mounts: every request reaches
 * one callback, which checks the method and URL length, then finds the route
 * or the asset file. Bodies go out in chunks as the socket takes them, so a
 * slow client holds at most one chunk in lws and none here beyond its body. */
#include <errno.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/httpd.h"
#include "common/tool.h"
#include "core/log.h"

#define CHUNK (64 * 1024)
#define ASSET_MAX (32 * 1024 * 1024)

/* On every answer, lws's own too (its 403 for a broken %-escape): lws adds
 * a vhost's headers to each status line it writes. */
static const struct lws_protocol_vhost_options security_headers[] = {
	{ &security_headers[1], NULL, "content-security-policy:",
	  "default-src 'self'; object-src 'none'; base-uri 'self'; "
	  "frame-ancestors 'none'" },
	{ &security_headers[2], NULL, "x-content-type-options:", "nosniff" },
	{ NULL, NULL, "referrer-policy:", "no-referrer" },
};

/* A request line's URI parts past the URL limit are dropped by lws's parser
 * (it would close the connection once its header table is full): one long
 * path or query value, of any length, reaches on_request and gets 414. */
static const struct lws_token_limits token_limits = { .token_limit = {
	[WSI_TOKEN_GET_URI] = HTTPD_URL_MAX + 1,
	[WSI_TOKEN_POST_URI] = HTTPD_URL_MAX + 1,
	[WSI_TOKEN_HEAD_URI] = HTTPD_URL_MAX + 1,
	[WSI_TOKEN_OPTIONS_URI] = HTTPD_URL_MAX + 1,
	[WSI_TOKEN_PUT_URI] = HTTPD_URL_MAX + 1,
	[WSI_TOKEN_PATCH_URI] = HTTPD_URL_MAX + 1,
	[WSI_TOKEN_DELETE_URI] = HTTPD_URL_MAX + 1,
} };

struct timer {
	lws_sorted_usec_list_t sul;
	struct httpd *h;
	int64_t us;
	void (*fn)(void *);
	void *arg;
};

struct httpd {
	struct httpd_config cfg;
	struct lws_context *ctx;
	struct lws_vhost *vh;
	struct lws *in_wsi, *wake_wsi;
	int in_fd, in_done;
	char assets[PATH_MAX];		/* realpath of cfg.assets, or "" */
	char host[256], port[16];
	lws_sorted_usec_list_t again, tick;
	struct timer timers[4];
	size_t ntimers;
	struct lws_protocol_vhost_options headers[3];	/* with cfg.csp */
	lws_sorted_usec_list_t next;	/* httpd_next_turn */
	void (*next_fn)(void *);
	void *next_arg;
};

/* Per connection (lws's per-session data of the "http" protocol). */
struct httpd_conn {
	struct lws *wsi;
	char *body;			/* response body, owned */
	size_t len, off;
	int head, close_after, pending;
	const struct httpd_stream_ops *ops;	/* a stream when set */
	void *user;
	void (*gone)(void *);		/* deferred: told if it closes first */
	void *gone_user;
	const struct httpd_route *post;	/* POST waiting for its body */
	char *req;			/* path \0 query \0 for the POST */
	size_t qlen;
	char *pbody;
	size_t plen;
	int pover, loopback, host_loopback;
	char leid[32], auth[256];	/* headers kept for a POST's handler */
	char peer[64];
};

static unsigned char wbuf[LWS_PRE + CHUNK];

static struct httpd *
of(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

static int
send_headers(struct httpd_conn *c, int status, const char *ctype,
    lws_filepos_t len, const char *extra)
{
	unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
	    *end = buf + sizeof buf - 1;
	size_t x = extra ? strlen(extra) : 0;

	if (lws_add_http_common_headers(c->wsi, (unsigned)status, ctype, len,
	    &p, end) != 0 || (size_t)(end - p) < x + 8)
		return -1;
	if (x > 0) {
		memcpy(p, extra, x);
		p += x;
	}
	if (c->close_after &&
	    lws_add_http_header_by_token(c->wsi, WSI_TOKEN_CONNECTION,
	    (const unsigned char *)"close", 5, &p, end) != 0)
		return -1;
	return lws_finalize_write_http_header(c->wsi, start, &p, end) ? -1 : 0;
}

int
httpd_respond_take(struct httpd_conn *c, int status, const char *ctype,
    char *body, size_t len, const char *extra)
{
	c->gone = NULL;		/* answered: nobody holds c any more */
	free(c->body);
	c->body = body;
	c->len = len;
	c->off = 0;
	if (send_headers(c, status, ctype, len, extra) != 0)
		return -1;
	c->pending = 1;
	lws_callback_on_writable(c->wsi);
	return 0;
}

int
httpd_respond(struct httpd_conn *c, int status, const char *ctype,
    const char *body, size_t len, const char *extra)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return -1;
	memcpy(copy, body, len);
	return httpd_respond_take(c, status, ctype, copy, len, extra);
}

int
httpd_error(struct httpd_conn *c, int status, const char *why)
{
	char b[512];
	int json = of(c->wsi)->cfg.json_errors;
	int n = snprintf(b, sizeof b, json ? "{\"error\":%d,\"reason\":\"%s\"}\n" :
	    "Error %d: %s\n", status, why);	/* json: why is the layer's own text */

	return httpd_respond(c, status, json ? "application/json" :
	    "text/plain; charset=utf-8", b,
	    n < 0 ? 0 : (size_t)n >= sizeof b ? sizeof b - 1 : (size_t)n, NULL);
}

/* Write the next chunk of a response body; complete the transaction after
 * the last. Returns -1 to close. */
static int
write_body(struct httpd_conn *c)
{
	size_t n = c->head ? 0 : c->len - c->off;
	int final;

	if (n > CHUNK)
		n = CHUNK;
	final = c->head || c->off + n == c->len;
	if (n > 0) {
		memcpy(wbuf + LWS_PRE, c->body + c->off, n);
		if (lws_write(c->wsi, wbuf + LWS_PRE, n, final ?
		    LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
			return -1;
		c->off += n;
	}
	if (!final) {
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	free(c->body);
	c->body = NULL;
	c->pending = 0;
	if (c->close_after)
		return -1;
	return lws_http_transaction_completed(c->wsi) ? -1 : 0;
}

int
httpd_stream_begin(struct httpd_conn *c, const char *ctype,
    const struct httpd_stream_ops *ops, void *user)
{
	if (send_headers(c, 200, ctype, LWS_ILLEGAL_HTTP_CONTENT_LEN,
	    "cache-control: no-cache\x0d\x0a") != 0)
		return -1;
	lws_http_headers_detach(c->wsi);	/* h1: what lws_http_mark_sse does but warn */
	lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0);
	c->ops = ops;
	c->user = user;
	return 0;
}

int
httpd_defer(struct httpd_conn *c, void (*gone)(void *), void *user)
{
	if (gone == NULL || c->pending || c->ops != NULL)
		return -1;
	c->gone = gone;
	c->gone_user = user;
	lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0);
	return 0;
}

void
httpd_wake(struct httpd *h)
{
	lws_cancel_service(h->ctx);
}

void
httpd_want_write(struct httpd_conn *c)
{
	lws_callback_on_writable(c->wsi);
}

void
httpd_stream_push(struct httpd_conn *c)
{
	if (c->ops == NULL)
		return;
	if (lws_partial_buffered(c->wsi))	/* its turn comes when that is out */
		lws_callback_on_writable(c->wsi);
	else if (c->ops->writable(c, c->user) != 0)
		httpd_stream_close(c);
}

void
httpd_stream_close(struct httpd_conn *c)
{
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
}

char *
httpd_wbuf(size_t *cap)
{
	*cap = CHUNK;
	return (char *)wbuf + LWS_PRE;
}

int
httpd_write(struct httpd_conn *c, size_t len)
{
	return lws_write(c->wsi, wbuf + LWS_PRE, len, LWS_WRITE_HTTP) ==
	    (int)len ? 0 : -1;
}

int
httpd_choked(struct httpd_conn *c)
{
	return lws_send_pipe_choked(c->wsi);
}

struct httpd *
httpd_of(struct httpd_conn *c)
{
	return of(c->wsi);
}

static void
next_fire(lws_sorted_usec_list_t *sul)
{
	struct httpd *h = lws_container_of(sul, struct httpd, next);

	h->next_fn(h->next_arg);
}

/* due in 1 µs: lws runs the timers that are due before its poll, with the
 * time taken at its start, so one scheduled from there runs after the
 * poll (with no wait: the timeout is 0 ms) */
void
httpd_next_turn(struct httpd *h, void (*fn)(void *), void *arg)
{
	h->next_fn = fn;
	h->next_arg = arg;
	lws_sul_schedule(h->ctx, 0, &h->next, next_fire, 1);
}

static const char *
content_type(const char *path)
{
	static const char *types[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json" }, { ".geojson", "application/geo+json" },
		{ ".svg", "image/svg+xml" }, { ".png", "image/png" },
		{ ".ico", "image/x-icon" }, { ".map", "application/json" },
		{ ".txt", "text/plain; charset=utf-8" }, { ".woff", "font/woff" },
		{ ".woff2", "font/woff2" },
		{ ".tsv", "text/tab-separated-values; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot != NULL && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* The file under the assets directory for path, read whole; 404 when it
 * is missing, not a regular file, or resolves outside the directory. */
static int
serve_asset(struct httpd *h, struct httpd_conn *c, const char *path)
{
	char full[PATH_MAX], real[PATH_MAX];
	size_t al = strlen(h->assets);
	struct stat st;
	char *body = NULL;
	ssize_t got = 0;
	int fd = -1, n, rc = -1;

	n = snprintf(full, sizeof full, "%s%s%s", h->assets, path,
	    path[strlen(path) - 1] == '/' ? "index.html" : "");
	if (n < 0 || (size_t)n >= sizeof full || realpath(full, real) == NULL ||
	    strncmp(real, h->assets, al) != 0 || real[al] != '/' ||
	    (fd = open(real, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0 ||
	    !S_ISREG(st.st_mode) || st.st_size > ASSET_MAX ||
	    (body = malloc((size_t)st.st_size + 1)) == NULL ||
	    (got = read(fd, body, (size_t)st.st_size)) != st.st_size) {
		free(body);
		rc = httpd_error(c, 404, "Not Found");
		goto out;
	}
	rc = httpd_respond_take(c, 200, content_type(real), body, (size_t)got, NULL);
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Join lws's decoded query fragments with '&', encoding again what would
 * be read as syntax ('%', '&', '+', ' ', '='-in-value is kept). */
static size_t
query_of(struct lws *wsi, char *out, size_t cap)
{
	char frag[HTTPD_URL_MAX + 1];
	size_t o = 0;

	for (int i = 0;; i++) {
		int n = lws_hdr_copy_fragment(wsi, frag, sizeof frag,
		    WSI_TOKEN_HTTP_URI_ARGS, i);

		if (n < 0)
			break;
		/* lws 4.1 gives an empty query ("path?") as a lone "/" */
		if (n == 0 || (n == 1 && frag[0] == '/'))
			continue;
		if (o > 0 && o + 1 < cap)
			out[o++] = '&';
		for (int k = 0; k < n && o + 4 < cap; k++) {
			unsigned char ch = (unsigned char)frag[k];

			if (ch == '%' || ch == '&' || ch == '+' || ch == ' ' ||
			    ch < 0x20 || ch >= 0x7f)
				o += (size_t)snprintf(out + o, 4, "%%%02X", ch);
			else
				out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
	return o;
}

static enum httpd_method
method_of(struct lws *wsi)
{
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI))
		return HTTPD_GET;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI))
		return HTTPD_HEAD;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI))
		return HTTPD_POST;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI))
		return HTTPD_DELETE;
	return 0;
}

/* the route of path: an exact one, else a "*" route taking the method */
static const struct httpd_route *
route_of(struct httpd *h, const char *path, enum httpd_method m)
{
	for (size_t i = 0; i < h->cfg.nroutes; i++)
		if (strcmp(h->cfg.routes[i].path, path) == 0)
			return &h->cfg.routes[i];
	for (size_t i = 0; i < h->cfg.nroutes; i++)
		if (strcmp(h->cfg.routes[i].path, "*") == 0 &&
		    (h->cfg.routes[i].methods & m) != 0)
			return &h->cfg.routes[i];
	return NULL;
}

static int
begin_post(struct httpd *h, struct httpd_conn *c, const struct httpd_route *rt,
    const char *path, const char *query, size_t qlen)
{
	char cl[32];
	long long want;

	if (lws_hdr_copy(c->wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0) {
		c->close_after = 1;
		return httpd_error(c, 411, "Length Required");
	}
	want = atoll(cl);
	if (want < 0 || (unsigned long long)want > h->cfg.body_max) {
		c->close_after = 1;
		return httpd_error(c, 413, "Payload Too Large");
	}
	if ((c->req = malloc(strlen(path) + qlen + 2)) == NULL ||
	    (c->pbody = malloc((size_t)want + 1)) == NULL)
		return -1;
	memcpy(c->req, path, strlen(path) + 1);
	memcpy(c->req + strlen(path) + 1, query, qlen + 1);
	c->qlen = qlen;
	c->post = rt;
	c->plen = 0;
	if (want == 0)
		return 1;	/* lws sends no body callbacks: run it now */
	return 0;
}

/* The headers a handler may need, read while lws still holds them. */
/* Does Host header h name loopback: "localhost", 127.x.x.x or "[::1]", with
 * or without ":PORT"? */
static int
host_is_loopback(const char *h)
{
	size_t n;

	if (h[0] == '[')
		n = strncmp(h, "[::1]", 5) == 0 ? 5 : 0;
	else if (strncasecmp(h, "localhost", 9) == 0)
		n = 9;
	else if (strncmp(h, "127.", 4) == 0)
		n = 4 + strspn(h + 4, "0123456789.");
	else
		n = 0;
	if (n == 0)
		return 0;
	return h[n] == '\0' || (h[n] == ':' && h[n + 1] != '\0' &&
	    h[n + 1 + strspn(h + n + 1, "0123456789")] == '\0');
}

static void
req_headers(struct httpd_conn *c, struct httpd_req *r)
{
	static char leid[2048 + 1];	/* quake-map's ids: vectors (lib/lines/kpos.h) */
	char peer[64], host[256];
	const char *ip = lws_get_peer_simple(c->wsi, peer, sizeof peer);
	int n;

	snprintf(c->peer, sizeof c->peer, "%s", ip != NULL ? ip : "");
	r->peer = c->peer;

	/* a GET's handler reads it before the next request; a POST's keeps
	 * what fits in c->leid */
	n = lws_hdr_custom_copy(c->wsi, leid, sizeof leid, "last-event-id:", 14);
	r->last_event_id = n > 0 ? leid : NULL;
	if (n > 0 && (size_t)n < sizeof c->leid)
		memcpy(c->leid, leid, (size_t)n + 1);
	n = lws_hdr_copy(c->wsi, c->auth, sizeof c->auth, WSI_TOKEN_HTTP_AUTHORIZATION);
	r->authorization = n > 0 ? c->auth : NULL;
	r->peer_loopback = ip != NULL && (strncmp(ip, "127.", 4) == 0 ||
	    strcmp(ip, "::1") == 0 || strncmp(ip, "::ffff:127.", 11) == 0);
	c->loopback = r->peer_loopback;
	n = lws_hdr_copy(c->wsi, host, sizeof host, WSI_TOKEN_HOST);
	r->host_loopback = r->peer_loopback && n > 0 && host_is_loopback(host);
	c->host_loopback = r->host_loopback;
}

static int
run_post(struct httpd_conn *c)
{
	struct httpd_req r = { .method = HTTPD_POST, .path = c->req };
	const struct httpd_route *rt = c->post;

	c->post = NULL;
	if (c->pover) {
		c->close_after = 1;
		return httpd_error(c, 413, "Payload Too Large");
	}
	r.query = c->req + strlen(c->req) + 1;
	r.query_len = c->qlen;
	c->pbody[c->plen] = '\0';
	r.body = c->pbody;
	r.body_len = c->plen;
	r.last_event_id = c->leid[0] ? c->leid : NULL;
	r.authorization = c->auth[0] ? c->auth : NULL;
	r.peer_loopback = c->loopback;
	r.host_loopback = c->host_loopback;
	r.peer = c->peer;
	return rt->fn(rt->arg, c, &r);
}

static int
on_request(struct httpd *h, struct httpd_conn *c, const char *path, size_t plen)
{
	static char query[3 * HTTPD_URL_MAX + 1];
	struct httpd_req r = { .path = path };
	const struct httpd_route *rt;
	int n;

	if ((r.method = method_of(c->wsi)) == 0)
		return httpd_respond(c, 405, "text/plain; charset=utf-8",
		    "Error 405: Method Not Allowed\n", 29,
		    "allow: GET, HEAD\x0d\x0a");
	if (plen + (size_t)lws_hdr_total_length(c->wsi, WSI_TOKEN_HTTP_URI_ARGS)
	    > HTTPD_URL_MAX)
		return httpd_error(c, 414, "URI Too Long (the limit is 8192 bytes)");
	c->head = r.method == HTTPD_HEAD;
	r.query_len = query_of(c->wsi, query, sizeof query);
	r.query = query;
	req_headers(c, &r);
	rt = route_of(h, path, r.method);
	if (rt != NULL && (rt->methods & r.method) == 0)
		return httpd_respond(c, 405, "text/plain; charset=utf-8",
		    "Error 405: Method Not Allowed\n", 29, rt->methods & HTTPD_POST ?
		    "allow: POST\x0d\x0a" : "allow: GET, HEAD\x0d\x0a");
	if (rt != NULL && r.method == HTTPD_POST) {
		n = begin_post(h, c, rt, path, query, r.query_len);
		return n == 1 ? run_post(c) : n;
	}
	if (rt != NULL)
		return rt->fn(rt->arg, c, &r);
	if (r.method != HTTPD_GET && r.method != HTTPD_HEAD)	/* POST, DELETE */
		return httpd_respond(c, 405, "text/plain; charset=utf-8",
		    "Error 405: Method Not Allowed\n", 29, "allow: GET, HEAD\x0d\x0a");
	if (h->assets[0] == '\0')
		return httpd_error(c, 404, "Not Found");
	return serve_asset(h, c, path);
}

static void
conn_done(struct httpd_conn *c)
{
	if (c == NULL)
		return;
	if (c->gone != NULL) {
		void (*gone)(void *) = c->gone;

		c->gone = NULL;
		gone(c->gone_user);
	}
	if (c->ops != NULL) {
		const struct httpd_stream_ops *ops = c->ops;

		c->ops = NULL;
		ops->closed(c, c->user);
	}
	free(c->body);
	free(c->req);
	free(c->pbody);
	c->body = c->req = c->pbody = NULL;
	c->post = NULL;
}

static int
on_body(struct httpd *h, struct httpd_conn *c, const void *in, size_t len)
{
	if (c->post == NULL)
		return 0;
	if (c->plen + len > h->cfg.body_max) {
		c->pover = 1;
		return 0;
	}
	memcpy(c->pbody + c->plen, in, len);
	c->plen += len;
	return 0;
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct httpd_conn *c = user;
	struct httpd *h = of(wsi);

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		memset(c, 0, sizeof *c);
		c->wsi = wsi;
		return on_request(h, c, in, len) != 0 ? -1 : 0;
	case LWS_CALLBACK_HTTP_BODY:
		return on_body(h, c, in, len);
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return c->post != NULL && run_post(c) != 0 ? -1 : 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (c == NULL)
			return 0;
		if (c->ops != NULL)
			return c->ops->writable(c, c->user) != 0 ? -1 : 0;
		return c->pending ? write_body(c) : 0;
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		conn_done(c);
		return 0;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* sent to every protocol: answer it once, as "http" */
		if (h->cfg.on_wake != NULL && lws_get_protocol(wsi) != NULL &&
		    strcmp(lws_get_protocol(wsi)->name, "http") == 0)
			h->cfg.on_wake(h->cfg.arg);
		return 0;
	case LWS_CALLBACK_RAW_RX_FILE:
		if (h->in_done)
			return -1;
		h->cfg.on_input(h->cfg.arg);
		return 0;
	case LWS_CALLBACK_RAW_WRITEABLE_FILE:
		return h->in_done ? -1 : 0;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		h->in_wsi = NULL;
		if (!h->in_done)
			h->cfg.on_input(h->cfg.arg);
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* The tool's stop descriptor (tool_stop_fd), watched by the loop: poll(2)
 * wakes even for a signal that came just before it, so no short tick is
 * needed (a poll over 10,000 sockets costs ~7 ms). lws owns a dup of it. */
static int wake_fd = -1;

static int
wake_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	char b[64];

	(void)wsi, (void)user, (void)in, (void)len;
	if (reason == LWS_CALLBACK_RAW_RX_FILE)
		while (read(wake_fd, b, sizeof b) > 0)
			;
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "http", callback, sizeof(struct httpd_conn), 0, 0, NULL, 0 },
	{ "quake-input", callback, 0, 0, 0, NULL, 0 },
	{ "quake-wake", wake_callback, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* Watch the tool's stop descriptor; without it, the 1 s tick bounds a
 * late stop. */
static void
open_wake(struct httpd *h)
{
	lws_sock_file_fd_type u;

	if (wake_fd >= 0 || tool_stop_fd() < 0 ||
	    (wake_fd = fcntl(tool_stop_fd(), F_DUPFD_CLOEXEC, 3)) < 0)
		return;
	u.filefd = (lws_filefd_type)(intptr_t)wake_fd;
	h->wake_wsi = lws_adopt_descriptor_vhost(h->vh, LWS_ADOPT_RAW_FILE_DESC,
	    u, "quake-wake", NULL);
	if (h->wake_wsi == NULL) {
		close(wake_fd);
		wake_fd = -1;
	}
}

/* lws closed its dup with the context */
static void
close_wake(struct httpd *h)
{
	if (h->wake_wsi != NULL)
		wake_fd = -1;
}

static void
lws_to_log(int level, const char *line)
{
	char msg[256];
	size_t n = strcspn(line, "\n");

	snprintf(msg, sizeof msg, "%.*s", (int)(n < 200 ? n : 200), line);
	quake_log(QUAKE_LOG_WARN, "libwebsockets", "detail", msg, NULL);
}

static void
timer_fire(lws_sorted_usec_list_t *sul)
{
	struct timer *t = lws_container_of(sul, struct timer, sul);

	lws_sul_schedule(t->h->ctx, 0, &t->sul, timer_fire, t->us);
	t->fn(t->arg);
}

static void
again_fire(lws_sorted_usec_list_t *sul)
{
	struct httpd *h = lws_container_of(sul, struct httpd, again);

	if (!h->in_done)
		h->cfg.on_input(h->cfg.arg);
}

static void
tick(lws_sorted_usec_list_t *sul)
{
	struct httpd *h = lws_container_of(sul, struct httpd, tick);

	/* nothing to do but make lws_service return to the caller */
	lws_sul_schedule(h->ctx, 0, &h->tick, tick, LWS_US_PER_SEC);
}

int
httpd_every(struct httpd *h, int64_t us, void (*fn)(void *), void *arg)
{
	struct timer *t;

	if (h->ntimers == sizeof h->timers / sizeof h->timers[0])
		return -1;
	t = &h->timers[h->ntimers++];
	*t = (struct timer){ .h = h, .us = us, .fn = fn, .arg = arg };
	lws_sul_schedule(h->ctx, 0, &t->sul, timer_fire, us);
	return 0;
}

void
httpd_input_again(struct httpd *h)
{
	lws_sul_schedule(h->ctx, 0, &h->again, again_fire, 1);
}

void
httpd_input_done(struct httpd *h)
{
	h->in_done = 1;
	lws_sul_cancel(&h->again);
	if (h->in_wsi != NULL)
		lws_callback_on_writable(h->in_wsi);
}

static enum quake_err
parse_listen(struct httpd *h, const char *s, struct quake_fail *f)
{
	const char *colon = strrchr(s, ':');
	const char *port = colon ? colon + 1 : s;
	size_t hl = colon ? (size_t)(colon - s) : 0;
	char *end;
	long p = strtol(port, &end, 10);

	if (*port == '\0' || *end != '\0' || p < 1 || p > 65535 ||
	    hl >= sizeof h->host)
		return quake_err_fail(f, "listen", "not HOST:PORT: %.80s", s);
	snprintf(h->port, sizeof h->port, "%ld", p);
	if (hl > 0 && s[0] == '[' && s[hl - 1] == ']')
		snprintf(h->host, sizeof h->host, "%.*s", (int)hl - 2, s + 1);
	else
		snprintf(h->host, sizeof h->host, "%.*s", (int)hl, s);
	if (h->host[0] == '\0')
		snprintf(h->host, sizeof h->host, "127.0.0.1");
	return QUAKE_OK;
}

/* Bind the address once before lws does: lws leaks and logs four lines
 * when it cannot; this says why in one. */
static enum quake_err
probe_listen(struct httpd *h, struct quake_fail *f)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd, one = 1, rc;

	a.sin_port = htons((uint16_t)atoi(h->port));
	if (inet_pton(AF_INET, h->host, &a.sin_addr) != 1)
		return QUAKE_OK;	/* a name or IPv6: lws says */
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return QUAKE_OK;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	rc = bind(fd, (struct sockaddr *)&a, sizeof a);
	if (rc != 0)
		quake_err_fail(f, "listen", "cannot listen on %s:%s: %s", h->host,
		    h->port, strerror(errno));
	close(fd);
	return rc == 0 ? QUAKE_OK : QUAKE_EUNAVAIL;
}

static enum quake_err
open_input(struct httpd *h, struct quake_fail *f)
{
	lws_sock_file_fd_type u;
	int fd;

	if (h->cfg.in_fd < 0)
		return QUAKE_OK;
	/* lws closes what it adopted: give it a copy of the fd */
	if ((fd = fcntl(h->cfg.in_fd, F_DUPFD_CLOEXEC, 3)) < 0) {
		quake_err_fail(f, "stdin", "dup: %s", strerror(errno));
		return QUAKE_EUNAVAIL;
	}
	u.filefd = (lws_filefd_type)(intptr_t)fd;
	h->in_wsi = lws_adopt_descriptor_vhost(h->vh, LWS_ADOPT_RAW_FILE_DESC,
	    u, "quake-input", NULL);
	if (h->in_wsi == NULL) {
		close(fd);
		quake_err_fail(f, "stdin", "cannot watch it (a directory?)");
		return QUAKE_EUNAVAIL;
	}
	return QUAKE_OK;
}

enum quake_err
httpd_open(const struct httpd_config *cfg, struct httpd **out,
    struct quake_fail *f)
{
	struct lws_context_creation_info info;
	struct httpd *h = calloc(1, sizeof *h);
	enum quake_err err = QUAKE_EUSAGE;

	if (h == NULL)
		return QUAKE_ENOMEM;
	h->cfg = *cfg;
	if (parse_listen(h, cfg->listen, f) != QUAKE_OK)
		goto fail;
	err = QUAKE_EUNAVAIL;
	if (cfg->assets != NULL && realpath(cfg->assets, h->assets) == NULL) {
		quake_err_fail(f, "assets", "%s: %s", cfg->assets, strerror(errno));
		goto fail;
	}
	if ((err = probe_listen(h, f)) != QUAKE_OK)
		goto fail;
	err = QUAKE_EUNAVAIL;
	lws_set_log_level(LLL_ERR, lws_to_log);
	memset(&info, 0, sizeof info);
	info.port = atoi(h->port);
	info.iface = h->host;
	info.protocols = protocols;
	info.user = h;
	info.max_http_header_data = HTTPD_URL_MAX + 2048;
	/* an idle connection holds one until timeout_secs_ah_idle: at most
	 * 1024 x 10 KiB, and 5 s each */
	info.timeout_secs_ah_idle = 5;
	info.max_http_header_pool = 1024;
	info.timeout_secs = 30;
	info.pt_serv_buf_size = CHUNK + LWS_PRE + 4096;	/* one chunk, one send */
	info.keepalive_timeout = 15;
	info.alpn = "http/1.1";
	info.headers = security_headers;
	if (cfg->csp != NULL) {		/* the same headers, another policy */
		memcpy(h->headers, security_headers, sizeof h->headers);
		h->headers[0].next = &h->headers[1];
		h->headers[1].next = &h->headers[2];
		h->headers[0].value = cfg->csp;
		info.headers = h->headers;
	}
	info.token_limits = &token_limits;
	info.options = LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
	if (strchr(h->host, ':') == NULL)
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	if (cfg->cert != NULL) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cfg->cert;
		info.ssl_private_key_filepath = cfg->key;
	}
	if ((h->ctx = lws_create_context(&info)) == NULL ||
	    (h->vh = lws_get_vhost_by_name(h->ctx, "default")) == NULL) {
		quake_err_fail(f, "listen", "cannot listen on %s:%s%s", h->host,
		    h->port, cfg->cert ? " (or load the certificate)" : "");
		goto fail;
	}
	if ((err = open_input(h, f)) != QUAKE_OK)
		goto fail;
	if (cfg->in_fd >= 0)	/* a first read even if nothing is there yet */
		httpd_input_again(h);
	open_wake(h);
	lws_sul_schedule(h->ctx, 0, &h->tick, tick, LWS_US_PER_SEC);
	*out = h;
	return QUAKE_OK;
fail:
	httpd_close(h);
	return err;
}

void
httpd_run(struct httpd *h)
{
	lws_service(h->ctx, 0);
}

void
httpd_close(struct httpd *h)
{
	if (h == NULL)
		return;
	if (h->ctx != NULL)
		lws_context_destroy(h->ctx);
	close_wake(h);
	free(h);
}
