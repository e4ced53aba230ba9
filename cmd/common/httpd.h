/* httpd — the HTTP/1.1 server layer of the quake tools on libwebsockets'
 * server side: one listening address (TLS optional), a route table, static
 * files from one directory (never a path outside it), limits (414 over 8 KiB
 * of URL, 405 for methods a route does not take, 413 over the POST body cap),
 * security headers on every response, long-lived streams (SSE), timers, and
 * one input fd (stdin) served by the same event loop, so that reading it never
 * waits on a client. Single-threaded: every callback runs in httpd_run. */
#ifndef QUAKE_HTTPD_H
#define QUAKE_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct httpd;
struct httpd_conn;

enum httpd_method { HTTPD_GET = 1, HTTPD_HEAD = 2, HTTPD_POST = 4, HTTPD_DELETE = 8 };

/* The longest URL (path + query) served; longer ones get 414. */
#define HTTPD_URL_MAX 8192

/* One request; every pointer is borrowed for the handler call. */
struct httpd_req {
	enum httpd_method method;
	const char *path;	/* %-decoded, "/./" and "/../" resolved */
	const char *query;	/* "a=b&c=d" (%-encoded again), "" if none */
	size_t query_len;
	const char *last_event_id;	/* the Last-Event-ID header, or NULL */
	const char *authorization;	/* the Authorization header, or NULL */
	int peer_loopback;		/* peer is 127.0.0.0/8 or ::1 */
	int host_loopback;		/* and the Host header names loopback:
					 * localhost, 127.x or [::1] (not a name
					 * a DNS-rebinding page used) */
	const char *peer;		/* the peer's address ("" if unknown) */
	const char *body;	/* POST only, body_len bytes (NUL after them) */
	size_t body_len;
};

/* A route's handler: answers with httpd_respond* or httpd_stream_begin.
 * Returns 0, or -1 to close the connection. */
typedef int (*httpd_handler_fn)(void *arg, struct httpd_conn *c,
    const struct httpd_req *r);

struct httpd_route {
	const char *path;	/* exact match; "*": any other path, for
				 * the methods it takes */
	unsigned methods;	/* HTTPD_GET|HTTPD_HEAD|HTTPD_POST */
	httpd_handler_fn fn;
	void *arg;		/* borrowed */
};

struct httpd_config {
	const char *listen;	/* "HOST:PORT" or "PORT"; host 127.0.0.1 */
	const char *cert, *key;	/* PEM files for TLS, or NULL */
	const char *assets;	/* static files, or NULL for none */
	size_t body_max;	/* POST body cap in bytes (413 over it) */
	const struct httpd_route *routes;	/* borrowed, outlives httpd */
	size_t nroutes;
	int in_fd;		/* watched for input, or -1 */
	void (*on_input)(void *arg);	/* in_fd readable, closed, or again */
	void *arg;
	void (*on_wake)(void *arg);	/* after httpd_wake, or NULL */
	const char *csp;	/* Content-Security-Policy instead of the
				 * default, or NULL; borrowed, outlives httpd */
	int json_errors;	/* httpd_error (and the layer's own 4xx) as
				 * {"error": status, "reason": why} JSON */
};

/* Start listening. *out is owned by the caller (httpd_close). QUAKE_EUSAGE
 * for a bad listen address, QUAKE_EUNAVAIL when it cannot listen or load
 * the certificate (*f says why). */
enum quake_err httpd_open(const struct httpd_config *cfg, struct httpd **out,
    struct quake_fail *f);

/* Serve until the next events are handled; SIGINT or SIGTERM is one (when
 * the tool has handlers for them), and it returns at least every second. */
void httpd_run(struct httpd *h);

/* Stop serving and free h (may be NULL); every stream's closed() runs. */
void httpd_close(struct httpd *h);

/* Call on_input again soon even if in_fd is not readable (more buffered). */
void httpd_input_again(struct httpd *h);

/* Stop watching in_fd (at its end). */
void httpd_input_done(struct httpd *h);

/* Call fn(arg) every `us` microseconds (up to 4 timers). 0 or -1. */
int httpd_every(struct httpd *h, int64_t us, void (*fn)(void *), void *arg);

/* Answer with status, content type and body[0..len) (copied; HEAD sends
 * the headers only). extra: more "name: value\r\n" lines or NULL. 0 or -1. */
int httpd_respond(struct httpd_conn *c, int status, const char *ctype,
    const char *body, size_t len, const char *extra);

/* The same, taking body (malloc'd, len bytes) over: freed by httpd. */
int httpd_respond_take(struct httpd_conn *c, int status, const char *ctype,
    char *body, size_t len, const char *extra);

/* A plain-text error answer: "Error <status>: <why>\n" (JSON with
 * cfg.json_errors). */
int httpd_error(struct httpd_conn *c, int status, const char *why);

/* Hold c's answer past its handler, which returns 0 without answering:
 * answer it later, from any callback or timer, with httpd_respond* or
 * httpd_error (no lws timeout meanwhile: the caller bounds the wait). If
 * the connection closes first (the client went, or httpd_close), gone(user)
 * runs once and c must not be used after it; once answered, gone never
 * runs. 0 or -1. */
int httpd_defer(struct httpd_conn *c, void (*gone)(void *user), void *user);

/* Make cfg.on_wake(arg) run in the loop soon. The one call that is safe
 * from another thread (lws_cancel_service); h must still be open. */
void httpd_wake(struct httpd *h);

/* What a stream is told: writable() when the connection can take more
 * (write with httpd_wbuf/httpd_write; -1 closes it); closed() once, when
 * it ends for any reason. */
struct httpd_stream_ops {
	int (*writable)(struct httpd_conn *c, void *user);
	void (*closed)(struct httpd_conn *c, void *user);
};

/* Turn the connection into a stream: 200 with ctype, no length, no
 * timeout; ops and user (borrowed) get its events. 0 or -1. */
int httpd_stream_begin(struct httpd_conn *c, const char *ctype,
    const struct httpd_stream_ops *ops, void *user);

/* Ask for writable() on c. */
void httpd_want_write(struct httpd_conn *c);

/* Run writable() on c now, in this turn, when nothing of c's waits in lws
 * (then lws keeps what the socket does not take, in order); else ask for it.
 * A fan-out costs one loop turn less. -1 from writable() closes c. */
void httpd_stream_push(struct httpd_conn *c);

/* Close the stream c (closed() runs). */
void httpd_stream_close(struct httpd_conn *c);

/* The write buffer (shared, valid in writable() only); *cap its size.
 * httpd_write works outside writable() too (HTTP/1.1 only). */
char *httpd_wbuf(size_t *cap);

/* Send the first len bytes of httpd_wbuf. 0, or -1 (then return -1). */
int httpd_write(struct httpd_conn *c, size_t len);

/* 1 when c cannot take more now (bytes wait in lws or the socket is full). */
int httpd_choked(struct httpd_conn *c);

/* The server c belongs to. */
struct httpd *httpd_of(struct httpd_conn *c);

/* Call fn(arg) once in the next turn of the loop, after its poll(2) and
 * the connections that are ready then: work split over turns lets every
 * other request in between. One such call is pending per server; another
 * before it ran replaces it. */
void httpd_next_turn(struct httpd *h, void (*fn)(void *), void *arg);

#endif
