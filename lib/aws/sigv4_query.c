/* sigv4_query — SigV4 query signing (presigned URLs) as a stage on top of
 * the five of sigv4.c: the auth parameters go into the query, the
 * canonical request signs "host" only, the signature is appended as
 * X-Amz-Signature. Checked against botocore's SigV4QueryAuth by
 * tests/msk_botocore.py. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/buf.h"
#include "aws/sigv4.h"

void
quake_sigv4_uri_encode(struct quake_buf *b, const char *s, size_t n)
{
	static const char HEX[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~') {
			char ch = (char)c;
			quake_buf_add(b, &ch, 1);
		} else {
			char e[3] = { '%', HEX[c >> 4], HEX[c & 15] };
			quake_buf_add(b, e, 3);
		}
	}
}

enum quake_err
quake_sigv4_presign_url(const struct quake_sigv4_presign *p,
    const struct quake_sigv4_scope *scope, struct quake_sigv4_key *key,
    char *out, size_t cap, size_t *len)
{
	char q[QUAKE_SIGV4_MAX], creq[QUAKE_SIGV4_MAX];
	char sts[512], sh[64], hex[65], num[24], cred[256];
	struct quake_buf b;
	struct quake_sigv4_header host = { "host", p->host };
	struct quake_sigv4_request req;
	size_t creq_len, sts_len;
	enum quake_err err;
	int n;

	/* the query: operation parameters, then the auth ones */
	quake_buf_init(&b, q, sizeof q);
	if (p->query != NULL && *p->query) {
		quake_buf_str(&b, p->query);
		quake_buf_add(&b, "&", 1);
	}
	n = snprintf(cred, sizeof cred, "%s/%s/%s/%s/aws4_request",
	    p->access_key, scope->date, scope->region, scope->service);
	if (n < 0 || (size_t)n >= sizeof cred)
		return QUAKE_ETOOLONG;
	quake_buf_str(&b, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
	quake_sigv4_uri_encode(&b, cred, (size_t)n);
	quake_buf_str(&b, "&X-Amz-Date=");
	quake_buf_str(&b, scope->amzdate);
	snprintf(num, sizeof num, "%ld", p->expires);
	quake_buf_str(&b, "&X-Amz-Expires=");
	quake_buf_str(&b, num);
	quake_buf_str(&b, "&X-Amz-SignedHeaders=host");
	if (p->session_token != NULL && *p->session_token) {
		quake_buf_str(&b, "&X-Amz-Security-Token=");
		quake_sigv4_uri_encode(&b, p->session_token,
		    strlen(p->session_token));
	}
	if (b.over)
		return QUAKE_ETOOLONG;

	/* stages 1-4 */
	memset(&req, 0, sizeof req);
	req.method = p->method;
	req.path = p->path;
	req.query = q;
	req.headers = &host;
	req.nheaders = 1;
	req.normalize_path = 1;
	if ((err = quake_sigv4_canonical_request(&req, creq, sizeof creq,
	    &creq_len, sh, sizeof sh)) != QUAKE_OK)
		return err;
	if ((err = quake_sigv4_string_to_sign(scope, creq, creq_len, sts,
	    sizeof sts, &sts_len)) != QUAKE_OK)
		return err;
	if (quake_sigv4_signing_key(key, scope, p->secret) < 0)
		return QUAKE_ECONFIG;
	quake_sigv4_signature(key, sts, sts_len, hex);

	quake_buf_init(&b, out, cap);
	quake_buf_str(&b, "https://");
	quake_buf_str(&b, p->host);
	quake_buf_str(&b, p->path);
	quake_buf_add(&b, "?", 1);
	quake_buf_str(&b, q);
	quake_buf_str(&b, "&X-Amz-Signature=");
	quake_buf_str(&b, hex);
	OPENSSL_cleanse(q, sizeof q);	/* the session token was in them */
	OPENSSL_cleanse(creq, sizeof creq);
	if (b.over)
		return QUAKE_ETOOLONG;
	*len = b.len;
	return QUAKE_OK;
}
