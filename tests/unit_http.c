/* unit_http — HTTP/1.x responses: each way a body ends, malformed heads
 * and chunks, and that every prefix of a good response asks for more. */
#include <stdlib.h>

#include "core/http.h"
#include "unit.h"

struct tcase {
	const char *raw;
	int eof;		/* the peer closed after raw */
	enum quake_err err;
	int status;
	const char *body, *location, *reason;
	int close_delimited;	/* body ends at the close: prefixes differ */
};

static const struct tcase cases[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0, QUAKE_OK, 200, "hello", NULL, NULL, 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello, extra", 0, QUAKE_OK, 200, "hello", NULL, NULL, 0 },
	{ "HTTP/1.0 200 OK\nContent-Length: 2\n\nok", 0, QUAKE_OK, 200, "ok", NULL, NULL, 0 },
	{ "HTTP/1.1 204 No Content\r\nContent-Type: application/json\r\n\r\n", 0, QUAKE_OK, 204, "", NULL, NULL, 0 },
	{ "HTTP/1.1 200\r\ncontent-length:  3 \r\n\r\nabc", 0, QUAKE_OK, 200, "abc", NULL, NULL, 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n", 0, QUAKE_OK, 200,
	  "Wikipedia in\r\n\r\nchunks.", NULL, NULL, 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 99\r\n\r\n"
	  "a\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n", 0, QUAKE_OK, 200, "0123456789", NULL, NULL, 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, QUAKE_OK, 200, "", NULL, NULL, 0 },
	{ "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", 1, QUAKE_OK, 200, "until the end", NULL, NULL, 1 },
	{ "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", 0, QUAKE_EAGAIN, 0, NULL, NULL, NULL, 1 },
	{ "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nfail", 0, QUAKE_OK, 500, "fail", NULL, NULL, 0 },
	{ "HTTP/1.1 301 Moved\r\nLocation: https://example.org/x?y=1 \r\nContent-Length: 0\r\n\r\n", 0, QUAKE_OK, 301, "", "https://example.org/x?y=1", NULL, 0 },
	/* malformed */
	{ "HTTP/2 200\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "not an HTTP/1.x status line", 0 },
	{ "SSH-2.0-OpenSSH_9.2\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "not an HTTP/1.x status line", 0 },
	{ "HTTP/1.1 20 OK\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "not an HTTP/1.x status line", 0 },
	{ "HTTP/1.1 200OK\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "not an HTTP/1.x status line", 0 },
	{ "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "malformed header line", 0 },
	{ "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "malformed header name", 0 },
	{ "HTTP/1.1 200 OK\r\nA: b\r\n  folded\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "folded header line", 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "bad Content-Length", 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "bad Content-Length", 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "conflicting Content-Length", 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "bad chunk size", 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "bad chunk size", 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "bad chunk size", 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 0, QUAKE_EINPUT, 0, NULL, NULL, "chunk data longer than its size", 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 1, QUAKE_EINPUT, 0, NULL, NULL, "response cut short in its body", 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 1, QUAKE_EINPUT, 0, NULL, NULL, "response cut short in its body", 0 },
	{ "HTTP/1.1 200 OK\r\nContent-", 1, QUAKE_EINPUT, 0, NULL, NULL, "response cut short in its head", 0 },
	{ "", 1, QUAKE_EINPUT, 0, NULL, NULL, "response cut short in its head", 0 },
};

static enum quake_err
parse(const char *raw, size_t len, int eof, struct quake_http_response *r,
    struct quake_fail *f, char **copy)
{
	*copy = malloc(len + 1);
	if (*copy == NULL)
		abort();
	memcpy(*copy, raw, len);
	(*copy)[len] = '\0';
	return quake_http_parse(*copy, len, eof, r, f);
}

int
main(void)
{
	struct quake_http_response r;
	struct quake_fail f;
	char *c;

	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *t = &cases[i];
		size_t len = strlen(t->raw);
		enum quake_err err;

		memset(&f, 0, sizeof f);
		err = parse(t->raw, len, t->eof, &r, &f, &c);
		CHECK(err == t->err, "http %zu: %s (got %s)", i,
		    quake_err_str(t->err), quake_err_str(err));
		if (err == QUAKE_OK && t->err == QUAKE_OK) {
			CHECK(r.status == t->status, "http %zu status %d", i, r.status);
			CHECK(r.body_len == strlen(t->body) &&
			    memcmp(r.body, t->body, r.body_len) == 0, "http %zu body", i);
			if (t->location != NULL)
				CHECK(r.location != NULL && r.location_len == strlen(t->location) &&
				    memcmp(r.location, t->location, r.location_len) == 0,
				    "http %zu location", i);
			else
				CHECK(r.location == NULL, "http %zu no location", i);
		}
		if (t->reason != NULL)
			CHECK_STR(f.reason, t->reason, "http %zu reason", i);
		free(c);

		/* every proper prefix of a complete response wants more, and
		 * is cut short if the peer closes there */
		if (t->err != QUAKE_OK || t->close_delimited)
			continue;
		int again = 1, cut = 1;
		for (size_t k = 0; k < len; k++) {
			/* bytes past a Content-Length body do not count */
			if (parse(t->raw, k, 0, &r, &f, &c) == QUAKE_OK) {
				free(c);
				break;
			}
			free(c);
			if (parse(t->raw, k, 0, &r, &f, &c) != QUAKE_EAGAIN)
				again = 0;
			free(c);
			if (parse(t->raw, k, 1, &r, &f, &c) != QUAKE_EINPUT)
				cut = 0;
			free(c);
		}
		CHECK(again, "http %zu: every prefix asks for more", i);
		CHECK(cut, "http %zu: every prefix closed is cut short", i);
	}
	return unit_failed;
}
