/* sigv4 — the five stages of AWS Signature Version 4 over OpenSSL's
 * SHA-256 and HMAC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "core/buf.h"
#include "aws/sigv4.h"
#include "core/time.h"

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

/* ---- stage 1: canonical request ---- */

/* The path, RFC 3986 remove_dot_segments plus empty segments ("//")
 * dropped, URI-encoded into b. QUAKE_ETOOLONG past SIGV4_MAX_SEGMENTS. */
static enum quake_err
put_normalized_path(struct quake_buf *b, const char *in)
{
	const char *segs[QUAKE_SIGV4_MAX_SEGMENTS];
	size_t lens[QUAKE_SIGV4_MAX_SEGMENTS], n = 0;
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
		if (n == QUAKE_SIGV4_MAX_SEGMENTS)
			return QUAKE_ETOOLONG;
		segs[n] = s;
		lens[n++] = l;
		trailing = *p == '/';
	}
	for (size_t i = 0; i < n; i++) {
		quake_buf_add(b, "/", 1);
		uri_encode(b, segs[i], lens[i], 1);
	}
	if (n == 0 || trailing)
		quake_buf_add(b, "/", 1);
	return QUAKE_OK;
}

/* The canonical (decoded, then encoded once) bytes of a raw query part,
 * one at a time: parameters are compared in that form without storing
 * it. */
struct enc_iter {
	const char *s;
	size_t n, i;
	char pend[3];
	int npend, ipend;
};

/* The next canonical byte, or -1 at the end. */
static int
enc_next(struct enc_iter *it)
{
	static const char HEX[] = "0123456789ABCDEF";
	unsigned char c;

	if (it->ipend < it->npend)
		return (unsigned char)it->pend[it->ipend++];
	if (it->i >= it->n)
		return -1;
	c = (unsigned char)it->s[it->i];
	if (c == '%' && it->i + 2 < it->n && hexval(it->s[it->i + 1]) >= 0 &&
	    hexval(it->s[it->i + 2]) >= 0) {
		c = (unsigned char)(hexval(it->s[it->i + 1]) << 4 |
		    hexval(it->s[it->i + 2]));
		it->i += 2;
	}
	it->i++;
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
		return c;
	it->pend[0] = '%';
	it->pend[1] = HEX[c >> 4];
	it->pend[2] = HEX[c & 15];
	it->npend = 3;
	it->ipend = 1;
	return '%';
}

/* A query parameter as it is in the raw query. */
struct qparam {
	const char *k, *v;
	size_t kl, vl;
};

/* Compare two raw parts by their canonical bytes (strcmp's order). */
static int
cmp_canon(const char *a, size_t al, const char *b, size_t bl)
{
	struct enc_iter x = { a, al, 0, "", 0, 0 }, y = { b, bl, 0, "", 0, 0 };
	int ca, cb;

	do {
		ca = enc_next(&x);
		cb = enc_next(&y);
	} while (ca == cb && ca != -1);
	return ca - cb;
}

static int
cmp_param(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = cmp_canon(x->k, x->kl, y->k, y->kl);

	return c ? c : cmp_canon(x->v, x->vl, y->v, y->vl);
}

static void
put_canon(struct quake_buf *b, const char *s, size_t n)
{
	struct enc_iter it = { s, n, 0, "", 0, 0 };
	char c;
	int ch;

	while ((ch = enc_next(&it)) != -1) {
		c = (char)ch;
		quake_buf_add(b, &c, 1);
	}
}

/* The canonical query string of a raw query (may be NULL) into b:
 * parameters decoded and encoded once, sorted by name then value; those
 * with an empty name are left out. QUAKE_ETOOLONG past
 * QUAKE_SIGV4_MAX_PARAMS. */
static enum quake_err
put_query(struct quake_buf *b, const char *query)
{
	struct qparam qp[QUAKE_SIGV4_MAX_PARAMS];
	size_t nq = 0;
	const char *p = query;

	while (p != NULL && *p) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		const char *kend = eq ? eq : end;
		if (kend > p) {
			if (nq == QUAKE_SIGV4_MAX_PARAMS)
				return QUAKE_ETOOLONG;
			qp[nq].k = p;
			qp[nq].kl = (size_t)(kend - p);
			qp[nq].v = eq ? eq + 1 : end;
			qp[nq].vl = eq ? (size_t)(end - eq - 1) : 0;
			nq++;
		}
		p = amp ? amp + 1 : end;
	}
	qsort(qp, nq, sizeof *qp, cmp_param);
	for (size_t i = 0; i < nq; i++) {
		if (i > 0)
			quake_buf_add(b, "&", 1);
		put_canon(b, qp[i].k, qp[i].kl);
		quake_buf_add(b, "=", 1);
		put_canon(b, qp[i].v, qp[i].vl);
	}
	return QUAKE_OK;
}

/* strcmp of two header names as lower case */
static int
cmp_name(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : (unsigned char)*a;
		int y = *b >= 'A' && *b <= 'Z' ? *b + 32 : (unsigned char)*b;
		if (x != y || x == 0)
			return x - y;
	}
}

static const struct quake_sigv4_header *sort_hdrs;

/* by lower-case name, then input order: duplicates keep theirs */
static int
cmp_hdr(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = cmp_name(sort_hdrs[x].name, sort_hdrs[y].name);

	return c ? c : (x > y) - (x < y);
}

/* Append v trimmed, with runs of white space folded to one space; *any
 * says whether this header's value has bytes already, *last its last. */
static void
fold_value(struct quake_buf *b, const char *v, int *any, char *last)
{
	int space = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') {
			space = 1;
			continue;
		}
		if (space && *any && *last != ',')
			quake_buf_add(b, " ", 1);
		space = 0;
		quake_buf_add(b, v, 1);
		*any = 1;
		*last = *v;
	}
}

/* The canonical headers into b (lower-case names, sorted, folded values,
 * duplicates joined by ',') and their names into sh ("host;x-amz-date").
 * QUAKE_ETOOLONG past QUAKE_SIGV4_MAX_HEADERS. */
static enum quake_err
put_headers(struct quake_buf *b, struct quake_buf *sh,
    const struct quake_sigv4_header *h, size_t nh)
{
	size_t idx[QUAKE_SIGV4_MAX_HEADERS];

	if (nh > QUAKE_SIGV4_MAX_HEADERS)
		return QUAKE_ETOOLONG;
	for (size_t i = 0; i < nh; i++)
		idx[i] = i;
	sort_hdrs = h;
	qsort(idx, nh, sizeof *idx, cmp_hdr);
	for (size_t i = 0; i < nh; i++) {
		const char *name = h[idx[i]].name;
		int any = 0;
		char last = 0;
		if (i > 0)
			quake_buf_add(sh, ";", 1);
		for (const char *c = name; *c; c++) {
			char l = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
			quake_buf_add(b, &l, 1);
			quake_buf_add(sh, &l, 1);
		}
		quake_buf_add(b, ":", 1);
		fold_value(b, h[idx[i]].value, &any, &last);
		while (i + 1 < nh && cmp_name(h[idx[i + 1]].name, name) == 0) {
			quake_buf_add(b, ",", 1);
			last = ',';
			any = 1;
			fold_value(b, h[idx[++i]].value, &any, &last);
		}
		quake_buf_add(b, "\n", 1);
	}
	return QUAKE_OK;
}

enum quake_err
quake_sigv4_canonical_request(const struct quake_sigv4_request *req, char *out,
    size_t cap, size_t *len, char *signed_headers, size_t shcap)
{
	struct quake_buf b, sh;
	char hash[65];
	enum quake_err err;

	if (cap == 0 || shcap == 0)
		return QUAKE_ETOOLONG;
	quake_buf_init(&b, out, cap);
	quake_buf_init(&sh, signed_headers, shcap);
	quake_buf_str(&b, req->method);
	quake_buf_add(&b, "\n", 1);
	if (req->normalize_path) {
		if ((err = put_normalized_path(&b, req->path)) != QUAKE_OK)
			return err;
	} else
		uri_encode(&b, req->path[0] ? req->path : "/",
		    req->path[0] ? strlen(req->path) : 1, 1);
	quake_buf_add(&b, "\n", 1);
	if ((err = put_query(&b, req->query)) != QUAKE_OK)
		return err;
	quake_buf_add(&b, "\n", 1);
	if ((err = put_headers(&b, &sh, req->headers, req->nheaders)) != QUAKE_OK)
		return err;
	quake_buf_add(&b, "\n", 1);
	quake_buf_add(&b, signed_headers, sh.len);
	quake_buf_add(&b, "\n", 1);
	quake_sigv4_sha256_hex(req->body ? req->body : "", req->body_len, hash);
	quake_buf_add(&b, hash, 64);
	if (b.over || sh.over)
		return QUAKE_ETOOLONG;
	*len = b.len;
	return QUAKE_OK;
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
	char first[4 + QUAKE_SIGV4_SECRET_MAX];

	SHA256((const unsigned char *)secret, sl, sh);
	if (strcmp(key->date, scope->date) == 0 &&
	    strcmp(key->region, scope->region) == 0 &&
	    strcmp(key->service, scope->service) == 0 &&
	    CRYPTO_memcmp(key->secret_sha256, sh, 32) == 0) {
		OPENSSL_cleanse(sh, sizeof sh);
		return 0;
	}
	if (sl > QUAKE_SIGV4_SECRET_MAX) {
		OPENSSL_cleanse(sh, sizeof sh);
		return -1;
	}
	memcpy(first, "AWS4", 4);
	memcpy(first + 4, secret, sl);
	hmac(first, sl + 4, scope->date, strlen(scope->date), k);
	OPENSSL_cleanse(first, sizeof first);
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
