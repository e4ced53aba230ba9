/* creds_ecs — the container credentials endpoint (ECS task roles, EKS pod
 * identity): GET a credentials document from a relative URI on
 * 169.254.170.2 or from a full URI, with an optional Authorization token.
 * A full URI is taken as the AWS SDKs take it: https to any host, http
 * only to a loopback address or the ECS/EKS link-local ones. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "aws/creds_util.h"

/* 1 if host (as curl gives it: IPv6 in brackets) may be reached over http. */
static int
http_host_ok(const char *host)
{
	static const char *const v4[] = { "169.254.170.2", "169.254.170.23", NULL };
	unsigned char a[16], b[16];
	char h[64];
	size_t n = strlen(host);

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, a) == 1) {
		if (a[0] == 127)
			return 1;
		for (int i = 0; v4[i] != NULL; i++)
			if (inet_pton(AF_INET, v4[i], b) == 1 && memcmp(a, b, 4) == 0)
				return 1;
		return 0;
	}
	if (n < 3 || n - 2 >= sizeof h || host[0] != '[')
		return 0;
	memcpy(h, host + 1, n - 2);
	h[n - 2] = '\0';
	if (inet_pton(AF_INET6, h, a) != 1)
		return 0;
	if (inet_pton(AF_INET6, "::1", b) == 1 && memcmp(a, b, 16) == 0)
		return 1;
	return inet_pton(AF_INET6, "fd00:ec2::23", b) == 1 && memcmp(a, b, 16) == 0;
}

/* 0 if url may be asked for credentials. */
static int
full_uri_ok(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int ok = u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    (strcmp(scheme, "https") == 0 ||
	    (strcmp(scheme, "http") == 0 && http_host_ok(host)));

	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok ? 0 : -1;
}

/* The token from its file (first) or the environment into out[cap]; -1 if
 * the file cannot be read or the token does not fit, -2 if it holds a CR
 * or LF (past one line end at the end of the file). */
static int
auth_token(char *out, size_t cap)
{
	const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	const char *path = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	FILE *fp;
	size_t n;

	out[0] = '\0';
	if (path != NULL && *path != '\0') {
		if ((fp = fopen(path, "r")) == NULL)
			return -1;
		n = fread(out, 1, cap - 1, fp);
		fclose(fp);
		if (n == cap - 1)
			return -1;
		if (n > 0 && out[n - 1] == '\n')	/* one line end */
			n--;
		if (n > 0 && out[n - 1] == '\r')
			n--;
		out[n] = '\0';
	} else if (tok != NULL) {
		if (strlen(tok) >= cap)
			return -1;
		strcpy(out, tok);
	}
	/* a CR or LF would start a header of its own */
	return strcspn(out, "\r\n") == strlen(out) ? 0 : -2;
}

enum quake_err
quake_creds_from_ecs(struct quake_creds *c, const char *base,
    struct quake_fail *f)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	char url[2048], hdr[4200], body[8192];
	const char *headers[2] = { NULL, NULL };
	enum quake_err err;
	long status;
	int t;

	if (rel != NULL && *rel != '\0')
		snprintf(url, sizeof url, "%s%s", base ? base : "http://169.254.170.2", rel);
	else if (full != NULL && *full != '\0') {
		if (full_uri_ok(full) != 0)
			return quake_err_fail(f, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
			    "not https, nor http to a loopback address, 169.254.170.2, "
			    "169.254.170.23 or fd00:ec2::23: %.100s", full), QUAKE_ECONFIG;
		snprintf(url, sizeof url, "%s", full);
	} else
		return QUAKE_EAUTH;
	if ((t = auth_token(hdr + 15, sizeof hdr - 15)) != 0) {
		OPENSSL_cleanse(hdr, sizeof hdr);
		return quake_err_fail(f, getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") ?
		    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" : "AWS_CONTAINER_AUTHORIZATION_TOKEN",
		    t == -2 ? "the token holds a CR or LF" : "cannot read the token"),
		    QUAKE_ECONFIG;
	}
	if (hdr[15] != '\0') {
		memcpy(hdr, "Authorization: ", 15);
		headers[0] = hdr;
	}
	err = quake_creds_http("GET", url, headers, NULL, body, sizeof body, &status);
	OPENSSL_cleanse(hdr, sizeof hdr);
	if (err == QUAKE_OK && status != 200) {
		quake_err_fail(f, "", "container endpoint answered HTTP %ld", status);
		err = status >= 500 ? QUAKE_EUNAVAIL : QUAKE_ECONFIG;
	} else if (err == QUAKE_OK)
		err = quake_creds_parse_json(c, body, strlen(body), "Token", "ecs", f);
	else
		quake_err_fail(f, "", "container endpoint %s",
		    err == QUAKE_ETOOLONG ? "sent too much" : "does not answer");
	OPENSSL_cleanse(body, sizeof body);
	return err == QUAKE_ETOOLONG ? QUAKE_ECONFIG : err;
}
