/* sigv4 — the five stages of AWS Signature Version 4 over OpenSSL's
 * SHA-256 and HMAC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "buf.h"
#include "sigv4.h"
#include "qtime.h"

static const char hexdig[] = "0123456789abcdef";

static void
to_hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void
quake_sigv4_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[32];

	SHA256(data, len, md);
	to_hex(md, 32, hex);
}

void
quake_sigv4_scope_init(struct quake_sigv4_scope *scope, int64_t t,
    const char *region, const char *service)
{
	char iso[QUAKE_TIME_LEN + 1];

	quake_time_format(t, iso);	/* 2015-08-30T12:36:00.000000Z */
	memcpy(scope->date, iso, 4);
	memcpy(scope->date + 4, iso + 5, 2);
	memcpy(scope->date + 6, iso + 8, 2);
	scope->date[8] = '\0';
	memcpy(scope->amzdate, scope->date, 8);
	scope->amzdate[8] = 'T';
	memcpy(scope->amzdate + 9, iso + 11, 2);
	memcpy(scope->amzdate + 11, iso + 14, 2);
	memcpy(scope->amzdate + 13, iso + 17, 2);
	scope->amzdate[15] = 'Z';
	scope->amzdate[16] = '\0';
	scope->region = region;
	scope->service = service;
}

/* Append s[0..n) URI-encoded: unreserved bytes as they are, others %XX
 * (upper-case hex); '/' kept when keep_slash. */
static void
uri_encode(struct quake_buf *b, const char *s, size_t n, int keep_slash)
{
	static const char HEX[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~' || (keep_slash && c == '/')) {
			char ch = (char)c;
			quake_buf_add(b, &ch, 1);
		} else {
			char e[3] = { '%', HEX[c >> 4], HEX[c & 15] };
			quake_buf_add(b, e, 3);
		}
	}
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* %-decode s[0..n) into out (n + 1 bytes); returns the decoded length. */
static size_t
uri_decode(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return o;
}

/* ---- stage 1: canonical request ---- */

/* RFC 3986 remove_dot_segments plus empty segments ("//") dropped. */
static void
normalize_path(const char *in, char *out, size_t cap)
{
	const char *segs[256];
	size_t lens[256], n = 0;
	const char *p = in;
	int trailing = 0;

	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t l = (size_t)(p - s);
		trailing = *p == '/' || l == 0 || (l == 1 && s[0] == '.') ||
		    (l == 2 && s[0] == '.' && s[1] == '.');
		if (l == 0 || (l == 1 && s[0] == '.'))
			continue;
		if (l == 2 && s[0] == '.' && s[1] == '.') {
			if (n > 0)
				n--;
			continue;
		}
		if (n < 256) {
			segs[n] = s;
			lens[n++] = l;
		}
		trailing = *p == '/';
	}
	struct quake_buf b;

	quake_buf_init(&b, out, cap);
	for (size_t i = 0; i < n; i++) {
		quake_buf_add(&b, "/", 1);
		quake_buf_add(&b, segs[i], lens[i]);
	}
	if (n == 0 || trailing)
		quake_buf_add(&b, "/", 1);
}

struct qparam {
	char *k, *v;	/* encoded */
};

static int
cmp_param(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = strcmp(x->k, y->k);

	return c ? c : strcmp(x->v, y->v);
}

struct hdr {
	char name[128];
	char value[2048];
};

static int
cmp_hdr(const void *a, const void *b)
{
	return strcmp(((const struct hdr *)a)->name, ((const struct hdr *)b)->name);
}

/* Append value trimmed, with runs of white space folded to one space. */
static void
fold_value(char *dst, size_t cap, const char *v)
{
	size_t o = strlen(dst);
	int space = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v && o + 2 < cap; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') {
			space = 1;
			continue;
		}
		if (space && o > 0 && dst[o - 1] != ',')
			dst[o++] = ' ';
		space = 0;
		dst[o++] = *v;
	}
	dst[o] = '\0';
}

enum quake_err
quake_sigv4_canonical_request(const struct quake_sigv4_request *req, char *out,
    size_t cap, size_t *len, char *signed_headers, size_t shcap)
{
	struct quake_buf b, sh;
	struct hdr *h = NULL;
	struct qparam *qp = NULL;
	char *path = NULL, hash[65];
	size_t nh = 0, nq = 0;
	enum quake_err err = QUAKE_OK;

	if (cap == 0 || shcap == 0)
		return QUAKE_ETOOLONG;
	quake_buf_init(&b, out, cap);
	quake_buf_init(&sh, signed_headers, shcap);
	quake_buf_str(&b, req->method);
	quake_buf_add(&b, "\n", 1);

	/* path */
	if ((path = malloc(strlen(req->path) + 2)) == NULL) {
		err = QUAKE_ENOMEM;
		goto out;
	}
	if (req->normalize_path)
		normalize_path(req->path, path, strlen(req->path) + 2);
	else
		strcpy(path, req->path[0] ? req->path : "/");
	uri_encode(&b, path, strlen(path), 1);
	quake_buf_add(&b, "\n", 1);

	/* query: decode, encode once, sort */
	if (req->query != NULL && req->query[0] != '\0') {
		size_t ql = strlen(req->query), maxp = 1;
		for (size_t i = 0; i < ql; i++)
			maxp += req->query[i] == '&';
		if ((qp = calloc(maxp, sizeof *qp)) == NULL) {
			err = QUAKE_ENOMEM;
			goto out;
		}
		const char *p = req->query;
		while (*p) {
			const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
			const char *eq = memchr(p, '=', (size_t)(end - p));
			const char *kend = eq ? eq : end;
			if (kend > p) {
				char *dk = malloc((size_t)(kend - p) + 1);
				char *dv = malloc((size_t)(end - (eq ? eq + 1 : end)) + 1);
				struct quake_buf kb, vb;
				size_t kl, vl;
				if (dk == NULL || dv == NULL) {
					free(dk), free(dv);
					err = QUAKE_ENOMEM;
					goto out;
				}
				kl = uri_decode(p, (size_t)(kend - p), dk);
				vl = eq ? uri_decode(eq + 1, (size_t)(end - eq - 1), dv) : (dv[0] = '\0', 0);
				qp[nq].k = malloc(kl * 3 + 1);
				qp[nq].v = malloc(vl * 3 + 1);
				if (qp[nq].k == NULL || qp[nq].v == NULL) {
					free(dk), free(dv);
					free(qp[nq].k), free(qp[nq].v);
					err = QUAKE_ENOMEM;
					goto out;
				}
				quake_buf_init(&kb, qp[nq].k, kl * 3 + 1);
				quake_buf_init(&vb, qp[nq].v, vl * 3 + 1);
				uri_encode(&kb, dk, kl, 0);
				uri_encode(&vb, dv, vl, 0);
				free(dk);
				free(dv);
				nq++;
			}
			p = amp ? amp + 1 : end;
		}
		qsort(qp, nq, sizeof *qp, cmp_param);
		for (size_t i = 0; i < nq; i++) {
			if (i > 0)
				quake_buf_add(&b, "&", 1);
			quake_buf_str(&b, qp[i].k);
			quake_buf_add(&b, "=", 1);
			quake_buf_str(&b, qp[i].v);
		}
	}
	quake_buf_add(&b, "\n", 1);

	/* headers: lower-case names, folded values, duplicates joined by ',' */
	if ((h = calloc(req->nheaders ? req->nheaders : 1, sizeof *h)) == NULL) {
		err = QUAKE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < req->nheaders; i++) {
		struct hdr cur = { "", "" };
		size_t k;
		for (k = 0; req->headers[i].name[k] && k + 1 < sizeof cur.name; k++) {
			char c = req->headers[i].name[k];
			cur.name[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		cur.name[k] = '\0';
		for (k = 0; k < nh && strcmp(h[k].name, cur.name) != 0; k++)
			;
		if (k == nh) {
			h[nh++] = cur;
		} else
			strcat(h[k].value, ",");
		fold_value(h[k].value, sizeof h[k].value, req->headers[i].value);
	}
	qsort(h, nh, sizeof *h, cmp_hdr);
	for (size_t i = 0; i < nh; i++) {
		quake_buf_str(&b, h[i].name);
		quake_buf_add(&b, ":", 1);
		quake_buf_str(&b, h[i].value);
		quake_buf_add(&b, "\n", 1);
		if (i > 0)
			quake_buf_add(&sh, ";", 1);
		quake_buf_str(&sh, h[i].name);
	}
	quake_buf_add(&b, "\n", 1);
	quake_buf_str(&b, signed_headers);
	quake_buf_add(&b, "\n", 1);
	quake_sigv4_sha256_hex(req->body ? req->body : "", req->body_len, hash);
	quake_buf_add(&b, hash, 64);
	if (b.over || sh.over)
		err = QUAKE_ETOOLONG;
	*len = b.len;
out:
	for (size_t i = 0; i < nq; i++) {
		free(qp[i].k);
		free(qp[i].v);
	}
	free(qp);
	free(path);
	free(h);
	return err;
}

/* ---- stages 2 to 5 ---- */

enum quake_err
quake_sigv4_string_to_sign(const struct quake_sigv4_scope *scope,
    const char *creq, size_t creq_len, char *out, size_t cap, size_t *len)
{
	char hash[65];
	int n;

	quake_sigv4_sha256_hex(creq, creq_len, hash);
	n = snprintf(out, cap, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s",
	    scope->amzdate, scope->date, scope->region, scope->service, hash);
	if (n < 0 || (size_t)n >= cap)
		return QUAKE_ETOOLONG;
	*len = (size_t)n;
	return QUAKE_OK;
}

static void
hmac(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[32])
{
	unsigned int olen = 32;

	HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &olen);
}

int
quake_sigv4_signing_key(struct quake_sigv4_key *key,
    const struct quake_sigv4_scope *scope, const char *secret)
{
	unsigned char sh[32], k[32];
	size_t sl = strlen(secret);
	char *first;

	SHA256((const unsigned char *)secret, sl, sh);
	if (strcmp(key->date, scope->date) == 0 &&
	    strcmp(key->region, scope->region) == 0 &&
	    strcmp(key->service, scope->service) == 0 &&
	    CRYPTO_memcmp(key->secret_sha256, sh, 32) == 0) {
		OPENSSL_cleanse(sh, sizeof sh);
		return 0;
	}
	if ((first = malloc(sl + 5)) == NULL)
		return -1;
	memcpy(first, "AWS4", 4);
	memcpy(first + 4, secret, sl + 1);
	hmac(first, sl + 4, scope->date, strlen(scope->date), k);
	OPENSSL_cleanse(first, sl + 5);
	free(first);
	hmac(k, 32, scope->region, strlen(scope->region), k);
	hmac(k, 32, scope->service, strlen(scope->service), k);
	hmac(k, 32, "aws4_request", 12, key->key);
	OPENSSL_cleanse(k, sizeof k);
	snprintf(key->date, sizeof key->date, "%s", scope->date);
	snprintf(key->region, sizeof key->region, "%s", scope->region);
	snprintf(key->service, sizeof key->service, "%s", scope->service);
	memcpy(key->secret_sha256, sh, 32);
	OPENSSL_cleanse(sh, sizeof sh);
	return 1;
}

void
quake_sigv4_signature(const struct quake_sigv4_key *key, const char *sts,
    size_t sts_len, char hex[65])
{
	unsigned char sig[32];

	hmac(key->key, 32, sts, sts_len, sig);
	to_hex(sig, 32, hex);
}

enum quake_err
quake_sigv4_authorization(const char *access_key,
    const struct quake_sigv4_scope *scope, const char *signed_headers,
    const char hex[65], char *out, size_t cap)
{
	int n = snprintf(out, cap, "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/"
	    "aws4_request, SignedHeaders=%s, Signature=%s", access_key,
	    scope->date, scope->region, scope->service, signed_headers, hex);

	return n < 0 || (size_t)n >= cap ? QUAKE_ETOOLONG : QUAKE_OK;
}
