/* receiver — quake-shake --listen: Sensor Logger HTTP pushes on cmd/common/httpd,
 * each answered 200 only after devices.c wrote and flushed its line, and with
 * --acks only once quake-produce's status line says it is on Kafka. */
#ifndef QUAKE_RECEIVER_H
#define QUAKE_RECEIVER_H

#include <stdint.h>

struct receiver_opts {
	const char *listen;	/* "HOST:PORT" */
	const char *token_file;	/* the bearer token non-loopback peers (and
				 * loopback ones with token_loopback) send; or NULL */
	int token_loopback;
	const char *acks;	/* the status-line FIFO, or NULL: 200 once flushed */
	int64_t ack_timeout_us;	/* 503 when no status line came by then */
	const char *assets;	/* the page's files (page.c) */
	const char *public_url;	/* the push URL the page shows, or NULL */
};

/* Serve until SIGINT/SIGTERM, stdout fails or (acks) the status stream
 * ends; o and what it points to are borrowed. Returns the exit status. */
int receiver_run(const struct receiver_opts *o);

#endif
