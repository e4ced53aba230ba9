/* creds_imds — EC2 instance metadata, IMDSv2: PUT a session token, then
 * GET the role attached to the instance and its credentials with it. The
 * token-less v1 protocol only when the caller allows it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/creds_util.h"

struct imds {
	const char *endpoint;
	char token_hdr[200];	/* "X-aws-ec2-metadata-token: …" or "" */
};

static enum quake_err
imds_open(struct imds *m, const char *endpoint, int allow_v1,
    struct quake_fail *f)
{
	static const char *const ttl[] = {
		"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL };
	const char *d = getenv("AWS_EC2_METADATA_DISABLED");
	char url[512], tok[128];
	long status;
	enum quake_err err;

	if (d != NULL && strcasecmp(d, "true") == 0)
		return QUAKE_EAUTH;
	if (endpoint == NULL)
		endpoint = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	m->endpoint = endpoint ? endpoint : "http://169.254.169.254";
	m->token_hdr[0] = '\0';
	snprintf(url, sizeof url, "%s/latest/api/token", m->endpoint);
	err = quake_creds_http("PUT", url, ttl, NULL, tok, sizeof tok, &status);
	if (err == QUAKE_EUNAVAIL)
		return quake_err_fail(f, "", "instance metadata does not answer"),
		    QUAKE_EUNAVAIL;
	if (err == QUAKE_OK && status == 200 && tok[0] != '\0') {
		snprintf(m->token_hdr, sizeof m->token_hdr,
		    "X-aws-ec2-metadata-token: %s", tok);
		OPENSSL_cleanse(tok, sizeof tok);
		return QUAKE_OK;
	}
	if (allow_v1)
		return QUAKE_OK;
	return quake_err_fail(f, "", "instance metadata refused an IMDSv2 token "
	    "(HTTP %ld); IMDSv1 is not used unless asked", status), QUAKE_EUNAVAIL;
}

/* GET path with the token; body into out[cap]. */
static enum quake_err
imds_get(struct imds *m, const char *path, char *out, size_t cap, long *status)
{
	const char *h[2] = { m->token_hdr[0] ? m->token_hdr : NULL, NULL };
	char url[512];

	snprintf(url, sizeof url, "%s%s", m->endpoint, path);
	return quake_creds_http("GET", url, h, NULL, out, cap, status);
}

enum quake_err
quake_creds_from_imds(struct quake_creds *c, const char *endpoint,
    int allow_v1, struct quake_fail *f)
{
	static const char dir[] = "/latest/meta-data/iam/security-credentials/";
	struct imds m;
	char role[256], path[512], body[8192];
	long status;
	enum quake_err err;

	if ((err = imds_open(&m, endpoint, allow_v1, f)) != QUAKE_OK)
		return err;
	err = imds_get(&m, dir, role, sizeof role, &status);
	if (err == QUAKE_OK && status == 404)
		err = QUAKE_EAUTH;	/* no role attached */
	else if (err == QUAKE_OK && status != 200)
		err = (quake_err_fail(f, "", "instance metadata: role: HTTP %ld",
		    status), QUAKE_EUNAVAIL);
	else if (err != QUAKE_OK)
		err = (quake_err_fail(f, "", "instance metadata: role: %s",
		    quake_err_str(err)), QUAKE_EUNAVAIL);
	if (err != QUAKE_OK)
		goto out;
	role[strcspn(role, "\r\n")] = '\0';
	if (role[0] == '\0' || strchr(role, '/') != NULL) {
		err = QUAKE_EAUTH;
		goto out;
	}
	snprintf(path, sizeof path, "%s%s", dir, role);
	err = imds_get(&m, path, body, sizeof body, &status);
	if (err == QUAKE_OK && status == 200)
		err = quake_creds_parse_json(c, body, strlen(body), "Token", "imds", f);
	else
		err = (quake_err_fail(f, "", "instance metadata: credentials: %s",
		    err == QUAKE_OK ? "not HTTP 200" : quake_err_str(err)),
		    QUAKE_EUNAVAIL);
	OPENSSL_cleanse(body, sizeof body);
out:
	OPENSSL_cleanse(&m, sizeof m);
	return err;
}

enum quake_err
quake_creds_imds_region(const char *endpoint, int allow_v1, char *out,
    size_t cap)
{
	struct imds m;
	struct quake_fail f;
	long status;
	enum quake_err err;

	if ((err = imds_open(&m, endpoint, allow_v1, &f)) != QUAKE_OK)
		return err;
	err = imds_get(&m, "/latest/meta-data/placement/region", out, cap, &status);
	OPENSSL_cleanse(&m, sizeof m);
	if (err != QUAKE_OK || status != 200 || out[0] == '\0')
		return QUAKE_EAUTH;
	out[strcspn(out, "\r\n")] = '\0';
	return QUAKE_OK;
}
