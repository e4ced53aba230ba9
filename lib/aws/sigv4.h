/* sigv4 — AWS Signature Version 4 in visible stages, as the AWS docs and
 * aws-c-auth lay them out: canonical request → string to sign → signing key
 * → signature → Authorization header. Every stage is a pure function of its
 * inputs (the clock is passed in), so each is tested against the AWS
 * vectors on its own. No allocation: callers pass buffers, and what does
 * not fit them or the limits below is QUAKE_ETOOLONG (a truncated input
 * would sign something else). */
#ifndef QUAKE_SIGV4_H
#define QUAKE_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct quake_sigv4_header {
	const char *name;	/* borrowed; any case */
	const char *value;	/* borrowed; trimmed and folded when signed */
};

struct quake_sigv4_request {
	const char *method;	/* "POST" */
	const char *path;	/* raw path, "/" for DynamoDB */
	const char *query;	/* raw or %-encoded query, no '?'; may be NULL */
	const struct quake_sigv4_header *headers;	/* borrowed */
	size_t nheaders;
	const void *body;	/* borrowed; may be NULL when body_len is 0 */
	size_t body_len;
	int normalize_path;	/* RFC 3986 dot segments, "//" (all but S3) */
};

struct quake_sigv4_scope {
	char amzdate[17];	/* 20150830T123600Z */
	char date[9];		/* 20150830 */
	const char *region;	/* borrowed */
	const char *service;	/* borrowed */
};

/* A derived signing key, valid for one (day, region, service, secret). */
struct quake_sigv4_key {
	char date[9];
	char region[32];
	char service[32];
	unsigned char secret_sha256[32];	/* which secret it came from */
	unsigned char key[32];
};

#define QUAKE_SIGV4_MAX 16384	/* a canonical request or header that fits */
#define QUAKE_SIGV4_MAX_SEGMENTS 256	/* path segments, normalized */
#define QUAKE_SIGV4_MAX_PARAMS 256	/* query parameters */
#define QUAKE_SIGV4_MAX_HEADERS 64	/* headers signed */
#define QUAKE_SIGV4_SECRET_MAX 256	/* bytes of a secret access key */

/* Fill scope's dates from t (µs since the epoch); region and service are
 * borrowed. */
void quake_sigv4_scope_init(struct quake_sigv4_scope *scope, int64_t t,
    const char *region, const char *service);

/* Stage 1: the canonical request into out[cap] (NUL-terminated) and the
 * signed-header list ("host;x-amz-date") into signed_headers[shcap].
 * QUAKE_ETOOLONG if either does not fit, or the path has more segments,
 * the query more parameters, or the request more headers than the limits
 * above. */
enum quake_err quake_sigv4_canonical_request(
    const struct quake_sigv4_request *req, char *out, size_t cap,
    size_t *len, char *signed_headers, size_t shcap);

/* Stage 2: the string to sign for a canonical request, into out (at least
 * 160 bytes plus the lengths of region and service). */
enum quake_err quake_sigv4_string_to_sign(const struct quake_sigv4_scope *scope,
    const char *creq, size_t creq_len, char *out, size_t cap, size_t *len);

/* Stage 3: the signing key for scope and secret into *key; recomputed only
 * when the day, region, service or secret changed since *key was made
 * (zero *key before the first call). Returns 1 if it was recomputed, 0 if
 * not, -1 (and *key untouched) when the secret is longer than
 * QUAKE_SIGV4_SECRET_MAX: then there is no key to sign with. */
int quake_sigv4_signing_key(struct quake_sigv4_key *key,
    const struct quake_sigv4_scope *scope, const char *secret);

/* Stage 4: the hex signature of a string to sign into hex[65]. */
void quake_sigv4_signature(const struct quake_sigv4_key *key,
    const char *sts, size_t sts_len, char hex[65]);

/* Stage 5: the Authorization header value into out[cap]. */
enum quake_err quake_sigv4_authorization(const char *access_key,
    const struct quake_sigv4_scope *scope, const char *signed_headers,
    const char hex[65], char *out, size_t cap);

/* Query signing (a presigned URL), on top of stages 1-4: the parameters of
 * a presigned request. Only "host" is signed; the body is empty, so the
 * payload hash is that of "" (what botocore's SigV4QueryAuth signs). */
struct quake_sigv4_presign {
	const char *method;	/* "GET" */
	const char *host;	/* "kafka.eu-central-1.amazonaws.com" */
	const char *path;	/* "/" */
	const char *query;	/* the operation's parameters, %-encoded,
				 * no '?'; may be NULL */
	const char *access_key, *secret;	/* borrowed */
	const char *session_token;	/* NULL or "": none */
	long expires;		/* X-Amz-Expires, seconds */
};

/* The presigned URL https://HOST PATH?QUERY&X-Amz-Algorithm=…&
 * X-Amz-Credential=…&X-Amz-Date=…&X-Amz-Expires=…&X-Amz-SignedHeaders=host
 * [&X-Amz-Security-Token=…]&X-Amz-Signature=… into out[cap] (parameters in
 * botocore's order). key as in quake_sigv4_signing_key. QUAKE_ETOOLONG
 * when it does not fit, QUAKE_ECONFIG when the secret is too long. */
enum quake_err quake_sigv4_presign_url(const struct quake_sigv4_presign *p,
    const struct quake_sigv4_scope *scope, struct quake_sigv4_key *key,
    char *out, size_t cap, size_t *len);

/* s URI-encoded (unreserved bytes kept, others %XX) into b: the encoding
 * of query parameters. */
struct quake_buf;
void quake_sigv4_uri_encode(struct quake_buf *b, const char *s, size_t n);

/* Hex SHA-256 of data into hex[65]. */
void quake_sigv4_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
