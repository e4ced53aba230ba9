/* sse — the clients of one Server-Sent Events endpoint (quake-map's
 * events and detections): a list to wake when there is news, and what every
 * stream begins with (the retry hint) or gets every 15 s (a comment). */
#ifndef QUAKE_SSE_H
#define QUAKE_SSE_H

#include <stddef.h>

#include "common/httpd.h"

/* The first member of an endpoint's own client struct. */
struct sse_client {
	struct httpd_conn *c;
	int waiting;		/* caught up: wake it when there is news */
	int hello, ping;	/* the retry hint, a keepalive comment due */
	const char *note;	/* a comment due after the hint, or NULL */
	struct sse_client *prev, *next;
};

struct sse_list {
	struct sse_client *head;
	long long count;
};

/* Link cl (the caller's, owned until sse_list_remove) for connection c,
 * the retry hint due, and ask for its first write. */
void sse_list_add(struct sse_list *l, struct sse_client *cl, struct httpd_conn *c);
void sse_list_remove(struct sse_list *l, struct sse_client *cl);

/* Every waiting client asked to write (httpd_stream_push: now, if it can). */
void sse_list_wake(struct sse_list *l);

/* A keepalive comment due on every client; the waiting ones woken. */
void sse_list_keepalive(struct sse_list *l);

/* The note to a client whose id was older than what is held (or not one
 * of this stream's): the whole set follows. */
#define SSE_OLDER ": id older than what is held: the whole set follows\n\n"

/* What is due before the client's messages (retry hint, note, keepalive)
 * into buf, which has room for them (SSE_PREAMBLE_MAX); its length. */
#define SSE_PREAMBLE_MAX 96
size_t sse_preamble(struct sse_client *cl, char *buf);

#endif
