/* feed — the EMSC WebSocket as a source of whole text frames, on
 * libwebsockets: TLS verified against the system store (or --cacert), a
 * ping when the link has been quiet for a third of the idle limit, and a
 * hang-up when nothing (no frame, no pong) came for the whole limit.
 * Dialing again is the caller's policy: feed_dial when it decides. */
#ifndef QUAKE_FEED_H
#define QUAKE_FEED_H

#include <stddef.h>

struct feed_cb {
	/* one complete text frame, buf[0..len) (borrowed, writable, NUL
	 * after it); too_long: the frame passed the cap and was cut */
	void (*frame)(void *arg, char *buf, size_t len, int too_long);
	void (*up)(void *arg);				/* connected */
	void (*down)(void *arg, const char *why);	/* dial failed or link lost */
};

/* Set up for url (ws:// or wss://); cacert NULL: the system store. 0, or
 * -1 with a message in err[errcap]. */
int feed_init(const char *url, const char *cacert, int idle_s,
    const struct feed_cb *cb, void *arg, char *err, size_t errcap);

/* Start dialing; cb->up or cb->down follows. */
void feed_dial(void);

/* Run the event loop once; returns within about 100 ms. */
void feed_service(void);

void feed_destroy(void);

#endif
