/* creds_ecs — the container credentials endpoint (ECS task roles, EKS pod
 * identity): GET a credentials document from a relative URI on
 * 169.254.170.2 or from a full URI, with an optional Authorization token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "creds.h"

/* The token from the environment or its file into out[cap]; -1 if the
 * file cannot be read or the token does not fit. */
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
		out[n] = '\0';
		out[strcspn(out, "\r\n")] = '\0';
	} else if (tok != NULL) {
		if (strlen(tok) >= cap)
			return -1;
		strcpy(out, tok);
	}
	return 0;
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

	if (rel != NULL && *rel != '\0')
		snprintf(url, sizeof url, "%s%s", base ? base : "http://169.254.170.2", rel);
	else if (full != NULL && *full != '\0')
		snprintf(url, sizeof url, "%s", full);
	else
		return QUAKE_EAUTH;
	if (auth_token(hdr + 15, sizeof hdr - 15) != 0)
		return quake_err_fail(f, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		    "cannot read the token"), QUAKE_ECONFIG;
	if (hdr[15] != '\0') {
		memcpy(hdr, "Authorization: ", 15);
		headers[0] = hdr;
	}
	err = quake_creds_http("GET", url, headers, body, sizeof body, &status);
	OPENSSL_cleanse(hdr, sizeof hdr);
	if (err == QUAKE_OK && status != 200) {
		quake_err_fail(f, "", "container endpoint answered HTTP %ld", status);
		err = status >= 500 ? QUAKE_EUNAVAIL : QUAKE_ECONFIG;
	} else if (err == QUAKE_OK)
		err = quake_creds_parse_json(c, body, strlen(body), "ecs", f);
	else
		quake_err_fail(f, "", "container endpoint %s",
		    err == QUAKE_ETOOLONG ? "sent too much" : "does not answer");
	OPENSSL_cleanse(body, sizeof body);
	return err == QUAKE_ETOOLONG ? QUAKE_ECONFIG : err;
}
