/* msk — the MSK IAM token: sigv4_query's presigned URL, the User-Agent
 * parameter, URL-safe base64 without '='. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/buf.h"
#include "aws/msk.h"
#include "aws/sigv4.h"

enum quake_err
quake_msk_url(const struct quake_creds *creds, const char *region,
    int64_t now_us, const char *user_agent, char *out, size_t cap,
    size_t *len, int64_t *expiry_ms)
{
	struct quake_sigv4_scope scope;
	struct quake_sigv4_key key;
	struct quake_sigv4_presign p;
	struct quake_buf b;
	char host[96];
	size_t n;
	enum quake_err err;

	if (!quake_creds_region_valid(region) || !creds->access_key[0] ||
	    !creds->secret_key[0])
		return QUAKE_ECONFIG;
	snprintf(host, sizeof host, "kafka.%s.amazonaws.com", region);
	quake_sigv4_scope_init(&scope, now_us, region, "kafka-cluster");
	memset(&key, 0, sizeof key);
	memset(&p, 0, sizeof p);
	p.method = "GET";
	p.host = host;
	p.path = "/";
	p.query = "Action=kafka-cluster%3AConnect";
	p.access_key = creds->access_key;
	p.secret = creds->secret_key;
	p.session_token = creds->session_token;
	p.expires = QUAKE_MSK_EXPIRES;
	err = quake_sigv4_presign_url(&p, &scope, &key, out, cap, &n);
	OPENSSL_cleanse(&key, sizeof key);
	if (err != QUAKE_OK)
		return err;
	b.p = out;	/* append to the URL */
	b.len = n;
	b.cap = cap;
	b.over = 0;
	if (user_agent != NULL && *user_agent) {
		quake_buf_str(&b, "&User-Agent=");
		quake_sigv4_uri_encode(&b, user_agent, strlen(user_agent));
	}
	if (b.over)
		return QUAKE_ETOOLONG;
	*len = b.len;
	/* floor to the signing second, as X-Amz-Date has it */
	*expiry_ms = ((now_us >= 0 ? now_us : now_us - 999999) / 1000000 +
	    QUAKE_MSK_EXPIRES) * 1000;
	return QUAKE_OK;
}

enum quake_err
quake_msk_token(const struct quake_creds *creds, const char *region,
    int64_t now_us, const char *user_agent, char *out, size_t cap,
    int64_t *expiry_ms)
{
	static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char url[QUAKE_MSK_TOKEN_MAX];
	size_t n, o = 0;
	enum quake_err err;

	if ((err = quake_msk_url(creds, region, now_us, user_agent, url,
	    sizeof url, &n, expiry_ms)) != QUAKE_OK)
		return err;
	if ((n + 2) / 3 * 4 + 1 > cap) {
		OPENSSL_cleanse(url, sizeof url);
		return QUAKE_ETOOLONG;
	}
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)url[i] << 16;
		size_t k = n - i < 3 ? n - i : 3;
		if (k > 1)
			v |= (unsigned char)url[i + 1] << 8;
		if (k > 2)
			v |= (unsigned char)url[i + 2];
		out[o++] = B64[v >> 18 & 63];
		out[o++] = B64[v >> 12 & 63];
		if (k > 1)
			out[o++] = B64[v >> 6 & 63];
		if (k > 2)
			out[o++] = B64[v & 63];
	}
	out[o] = '\0';
	OPENSSL_cleanse(url, sizeof url);
	return QUAKE_OK;
}
