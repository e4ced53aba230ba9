/* receiver — the receiver: POST to any path with a push body. Loopback
 * peers need no token; others need "Authorization: Bearer <token>". A 200
 * goes out only once the line is flushed to stdout, so what a phone was
 * told is kept is on its way (a full pipe holds every answer back); with
 * --acks only once quake-produce says it produced it (acks.c). A GET of
 * / is the page for the people holding the phones (page.c). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/httpd.h"
#include "core/time.h"
#include "acks.h"
#include "devices.h"
#include "page.h"
#include "receiver.h"
#include "common/tool.h"

#define BODY_MAX (1024 * 1024)

static struct {
	char token[256];
	size_t token_len;
	long long pushes, ok, bad, limited, refused;
	int status, token_loopback, acks, draining;
} rx;

/* the first line of path, without trailing white space; 78 if none */
static int
read_token(const char *path)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL || fgets(rx.token, sizeof rx.token, fp) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot read the token file", "file", path,
		    NULL);
		if (fp)
			fclose(fp);
		return QUAKE_EXIT_CONFIG;
	}
	fclose(fp);
	n = strlen(rx.token);
	while (n > 0 && (rx.token[n - 1] == '\n' || rx.token[n - 1] == '\r' ||
	    rx.token[n - 1] == ' ' || rx.token[n - 1] == '\t'))
		rx.token[--n] = '\0';
	if (n == 0) {
		quake_log(QUAKE_LOG_ERROR, "the token file is empty", "file", path, NULL);
		return QUAKE_EXIT_CONFIG;
	}
	rx.token_len = n;
	return 0;
}

/* constant time in the token's length */
static int
token_ok(const char *auth)
{
	unsigned char diff = 0;
	size_t n;

	if (rx.token_len == 0 || auth == NULL || strncmp(auth, "Bearer ", 7) != 0)
		return 0;
	auth += 7;
	n = strlen(auth);
	for (size_t i = 0; i < rx.token_len; i++)
		diff |= (unsigned char)(rx.token[i] ^ (i < n ? auth[i] : 0));
	return diff == 0 && n == rx.token_len;
}

static int
push(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	char why[256];
	int code;

	(void)arg;
	rx.pushes++;
	if ((!r->peer_loopback || rx.token_loopback) && !token_ok(r->authorization)) {
		rx.refused++;
		return httpd_respond(c, 401, "text/plain",
		    "Error 401: a bearer token is required\n", 38,
		    "www-authenticate: Bearer\x0d\x0a");
	}
	if (rx.draining || (rx.acks && acks_ended()))
		return httpd_respond(c, 503, "text/plain",
		    "Error 503: shutting down\n", 25, "retry-after: 1\x0d\x0a");
	code = devices_take(r->body, r->body_len, quake_time_now(), why, sizeof why);
	if (code == 200 && tool_flush() != 0)
		code = 500;
	switch (code) {
	case 200:
		rx.ok++;
		if (rx.acks) {
			acks_hold(c);	/* answered by acks.c */
			return 0;
		}
		return httpd_respond(c, 200, "text/plain", "ok\n", 3, NULL);
	case 204:
		rx.ok++;
		return httpd_respond(c, 204, "text/plain", "", 0, NULL);
	case 429:
		rx.limited++;
		return httpd_respond(c, 429, "text/plain", "Error 429: too many samples\n",
		    28, "retry-after: 1\x0d\x0a");
	case 400:
		rx.bad++;
		quake_log(QUAKE_LOG_WARN, "rejected", "reason", why, NULL);
		return httpd_error(c, 400, why);
	default:
		/* with --acks a closed stdout is quake-produce gone: the pair
		 * broke, as when its status lines end (75, whichever comes first) */
		rx.status = tool_out_failed() == TOOL_OUT_GONE ?
		    (rx.acks ? QUAKE_EXIT_TEMPFAIL : 0) : QUAKE_EXIT_IOERR;
		tool_stop = 1;
		return httpd_error(c, 503, "cannot write the samples");
	}
}

static int
healthz(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	(void)arg;
	(void)r;
	return httpd_respond(c, 200, "text/plain", "ok\n", 3, NULL);
}

/* a page path: GET and HEAD are the page's, POST a push as on any path */
static int
page_or_push(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	return r->method == HTTPD_POST ? push(arg, c, r) : page_serve(c, r);
}

static void
stats(void *arg)
{
	struct tool_counter k[] = { { "pushes", rx.pushes }, { "ok", rx.ok },
	    { "rejected", rx.bad }, { "limited", rx.limited },
	    { "refused", rx.refused }, { "devices", (long long)devices_count() },
	    { "acked", 0 }, { "unacked", 0 }, { "ack_timeouts", 0 } };

	(void)arg;
	acks_counts(&k[6].value, &k[7].value, &k[8].value);
	if (tool_stats_due())
		tool_stats_log(k, rx.acks ? 9 : 6);
}

/* Stopping with --acks: stdout closed so that quake-produce ends, the held
 * pushes answered as their status lines come (at most the ack timeout),
 * the rest 503, and a moment for those answers to go out. */
static void
drain(struct httpd *h, int64_t timeout_us)
{
	int64_t until = quake_time_now() + timeout_us;
	int fd;

	rx.draining = 1;
	tool_flush();
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0) {
		dup2(fd, 1);
		close(fd);
	}
	while (acks_held() > 0 && !acks_ended() && quake_time_now() < until)
		httpd_run(h);
	acks_stop("shutting down");
	until = quake_time_now() + 200000;
	while (quake_time_now() < until)
		httpd_run(h);
}

int
receiver_run(const struct receiver_opts *o)
{
	struct httpd_route routes[16] = {
		{ "/healthz", HTTPD_GET | HTTPD_HEAD, healthz, NULL },
		{ "*", HTTPD_POST, push, NULL },	/* any path a phone is given */
	};
	size_t nroutes = 2;
	struct httpd_config cfg = { .listen = o->listen, .body_max = BODY_MAX,
	    .routes = routes,
	    .in_fd = -1, .on_wake = o->acks ? acks_wake : NULL };
	struct quake_fail f = { "", "" };
	struct httpd *h;
	enum quake_err err;
	int st;

	if (o->token_file != NULL && (st = read_token(o->token_file)) != 0)
		return st;
	rx.token_loopback = o->token_loopback;
	rx.acks = o->acks != NULL;
	for (size_t i = 0; page_paths[i] != NULL && nroutes < 16; i++)
		routes[nroutes++] = (struct httpd_route){ page_paths[i],
		    HTTPD_GET | HTTPD_HEAD | HTTPD_POST, page_or_push, NULL };
	cfg.nroutes = nroutes;
	if (page_init(o->assets, o->public_url, rx.token_len ? rx.token : NULL,
	    o->token_file) != 0 || devices_watch() != 0) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		page_free();
		return QUAKE_EXIT_SOFTWARE;
	}
	if ((err = httpd_open(&cfg, &h, &f)) != QUAKE_OK) {
		page_free();
		quake_log(QUAKE_LOG_ERROR, "cannot listen", "listen", o->listen,
		    "reason", f.reason, NULL);
		return quake_err_exit_status(err);
	}
	if (rx.acks && acks_start(o->acks, o->ack_timeout_us, h) != 0) {
		httpd_close(h);
		page_free();
		return QUAKE_EXIT_IOERR;
	}
	httpd_every(h, 1000000, stats, NULL);
	if (rx.acks)
		httpd_every(h, 100000, acks_wake, NULL);
	quake_log(QUAKE_LOG_INFO, "listening", "listen", o->listen, "token",
	    rx.token_len ? "required but from loopback" : "loopback only",
	    "answer", rx.acks ? "200 once produced" : "200 once flushed", NULL);
	while (!tool_stop && !(rx.acks && acks_ended()))
		httpd_run(h);
	if (rx.acks && !tool_stop) {
		quake_log(QUAKE_LOG_ERROR, "quake-produce's status lines ended: stopping", NULL);
		rx.status = QUAKE_EXIT_TEMPFAIL;
	}
	if (rx.acks)
		drain(h, o->ack_timeout_us);
	httpd_close(h);
	page_free();
	if (tool_flush() != 0 && tool_out_failed() == TOOL_OUT_ERROR && rx.status == 0)
		rx.status = QUAKE_EXIT_IOERR;
	return rx.status;
}
