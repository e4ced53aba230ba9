/* http — an HTTP/1.x response read from raw bytes: the status, Location,
 * and the body (Content-Length, chunked, or up to the connection's close).
 * No I/O: the caller reads, appends, and asks again until it is complete. */
#ifndef QUAKE_HTTP_H
#define QUAKE_HTTP_H

#include <stddef.h>

#include "core/err.h"

/* What quake_http_parse found. Pointers are into the caller's buffer. */
struct quake_http_response {
	int status;		/* 100..599; 1xx interim responses are skipped */
	const char *location;	/* Location's value, or NULL */
	size_t location_len;
	char *body;		/* de-chunked in place */
	size_t body_len;
};

/* Parse the response in buf[0..len) (caller-owned; a chunked body is
 * rewritten in place once complete). eof: the peer has closed, so a body
 * without a length ends here. Returns QUAKE_OK with *out filled when the
 * response is complete, QUAKE_EAGAIN when more bytes are needed,
 * QUAKE_EINPUT (f says why) when it is malformed or cut short. */
enum quake_err quake_http_parse(char *buf, size_t len, int eof,
    struct quake_http_response *out, struct quake_fail *f);

#endif
