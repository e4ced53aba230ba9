/* creds_sts — web identity, the EKS way: the OIDC token of
 * AWS_WEB_IDENTITY_TOKEN_FILE exchanged for role credentials by STS
 * AssumeRoleWithWebIdentity (an unsigned query-protocol POST; the answer is
 * XML). Endpoint AWS_ENDPOINT_URL_STS, else the regional
 * https://sts.REGION.amazonaws.com/, else the global one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "aws/creds_util.h"
#include "core/time.h"

#define TOKEN_MAX 16384

/* Append s percent-encoded (all but unreserved) to out[cap] at *o; -1 if
 * it does not fit. */
static int
form_add(char *out, size_t cap, size_t *o, const char *key, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int n = snprintf(out + *o, cap - *o, "&%s=", key);

	if (n < 0 || (size_t)n >= cap - *o)
		return -1;
	*o += (size_t)n;
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (*o + 4 > cap)
			return -1;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || strchr("-_.~", ch) != NULL)
			out[(*o)++] = (char)ch;
		else {
			out[(*o)++] = '%';
			out[(*o)++] = hex[ch >> 4];
			out[(*o)++] = hex[ch & 15];
		}
	}
	out[*o] = '\0';
	return 0;
}

/* The text of the first <tag>…</tag> in xml into out[cap]; -1 if absent
 * or too long. */
static int
xml_text(const char *xml, const char *tag, char *out, size_t cap)
{
	char open[64], close[64];
	const char *a, *b;

	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	if ((a = strstr(xml, open)) == NULL)
		return -1;
	a += strlen(open);
	if ((b = strstr(a, close)) == NULL || (size_t)(b - a) >= cap)
		return -1;
	memcpy(out, a, (size_t)(b - a));
	out[b - a] = '\0';
	return 0;
}

static int
read_token(const char *path, char *out, size_t cap)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return -1;
	n = fread(out, 1, cap - 1, fp);
	fclose(fp);
	if (n == cap - 1)
		return -1;
	while (n > 0 && strchr(" \t\r\n", out[n - 1]) != NULL)
		n--;
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* Fill c from a 200 answer. */
static enum quake_err
parse_answer(struct quake_creds *c, const char *xml, struct quake_fail *f)
{
	char exp[64];

	if (xml_text(xml, "AccessKeyId", c->access_key, sizeof c->access_key) ||
	    xml_text(xml, "SecretAccessKey", c->secret_key, sizeof c->secret_key) ||
	    xml_text(xml, "SessionToken", c->session_token, sizeof c->session_token) ||
	    xml_text(xml, "Expiration", exp, sizeof exp) ||
	    quake_time_parse(exp, strlen(exp), &c->expiration, NULL) != QUAKE_OK) {
		quake_creds_wipe(c);
		return quake_err_fail(f, "", "STS: not an AssumeRoleWithWebIdentity "
		    "answer"), QUAKE_ECONFIG;
	}
	strcpy(c->source, "web-identity");
	return QUAKE_OK;
}

enum quake_err
quake_creds_sts_web_identity(struct quake_creds *c, const char *token_file,
    const char *role_arn, const char *session, struct quake_fail *f)
{
	static char token[TOKEN_MAX], form[3 * TOKEN_MAX + 4096], ans[32768];
	static const char *const hdr[] = {
		"Content-Type: application/x-www-form-urlencoded", NULL };
	const char *ep = getenv("AWS_ENDPOINT_URL_STS");
	const char *region = getenv("AWS_REGION");
	char url[512], sess[80], code[128], msg[256];
	size_t o = 0;
	long status;
	enum quake_err err;

	quake_creds_wipe(c);
	if (region == NULL || *region == '\0')
		region = getenv("AWS_DEFAULT_REGION");
	if (ep != NULL && *ep != '\0')
		snprintf(url, sizeof url, "%s", ep);
	else if (region != NULL && quake_creds_region_valid(region))
		snprintf(url, sizeof url, "https://sts.%s.amazonaws.com/", region);
	else
		snprintf(url, sizeof url, "https://sts.amazonaws.com/");
	if (session == NULL || *session == '\0')
		snprintf(sess, sizeof sess, "quake-%ld", (long)getpid());
	else
		snprintf(sess, sizeof sess, "%.64s", session);
	if (read_token(token_file, token, sizeof token) != 0)
		return quake_err_fail(f, "AWS_WEB_IDENTITY_TOKEN_FILE", "cannot "
		    "read a token from %.100s", token_file), QUAKE_ECONFIG;
	strcpy(form, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15");
	o = strlen(form);
	if (form_add(form, sizeof form, &o, "RoleArn", role_arn) ||
	    form_add(form, sizeof form, &o, "RoleSessionName", sess) ||
	    form_add(form, sizeof form, &o, "WebIdentityToken", token)) {
		quake_err_fail(f, "AWS_ROLE_ARN", "role ARN too long");
		err = QUAKE_ECONFIG;
		goto out;
	}
	err = quake_creds_http("POST", url, hdr, form, ans, sizeof ans, &status);
	if (err != QUAKE_OK) {
		quake_err_fail(f, "", "STS %s", err == QUAKE_ETOOLONG ?
		    "sent too much" : "does not answer");
		err = QUAKE_EUNAVAIL;
	} else if (status == 200)
		err = parse_answer(c, ans, f);
	else {
		if (xml_text(ans, "Code", code, sizeof code))
			strcpy(code, "?");
		if (xml_text(ans, "Message", msg, sizeof msg))
			msg[0] = '\0';
		quake_err_fail(f, "", "STS AssumeRoleWithWebIdentity: HTTP %ld %.60s %.80s",
		    status, code, msg);
		err = status >= 500 ? QUAKE_EUNAVAIL : QUAKE_ECONFIG;
	}
out:
	OPENSSL_cleanse(token, sizeof token);
	OPENSSL_cleanse(form, sizeof form);
	OPENSSL_cleanse(ans, sizeof ans);
	return err;
}

enum quake_err
quake_creds_from_web_identity(struct quake_creds *c, struct quake_fail *f)
{
	const char *file = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	const char *arn = getenv("AWS_ROLE_ARN");
	int hf = file != NULL && *file != '\0', ha = arn != NULL && *arn != '\0';

	if (!hf && !ha)
		return QUAKE_EAUTH;
	if (!hf || !ha)
		return quake_err_fail(f, hf ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE",
		    "missing while %s is set", hf ? "AWS_WEB_IDENTITY_TOKEN_FILE" :
		    "AWS_ROLE_ARN"), QUAKE_ECONFIG;
	return quake_creds_sts_web_identity(c, file, arn,
	    getenv("AWS_ROLE_SESSION_NAME"), f);
}
