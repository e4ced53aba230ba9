/* creds_util — the HTTP helper and the credentials document, shared by the
 * sources below creds.c (see creds_util.h). */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "aws/creds_util.h"
#include "core/time.h"

void
quake_creds_wipe(struct quake_creds *c)
{
	OPENSSL_cleanse(c, sizeof *c);
}

int
quake_creds_copy(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= cap)
		return -1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return 0;
}

static void
cleanse_member(json_t *root, const char *key)
{
	json_t *v = json_object_get(root, key);

	if (json_is_string(v))
		OPENSSL_cleanse((char *)json_string_value(v), strlen(json_string_value(v)));
}

enum quake_err
quake_creds_parse_json(struct quake_creds *c, const char *json, size_t len,
    const char *token_key, const char *source, struct quake_fail *f)
{
	json_t *root = json_loadb(json, len, 0, NULL);
	const char *code, *id, *secret, *token, *exp;
	enum quake_err err = QUAKE_ECONFIG;

	quake_creds_wipe(c);
	if (!json_is_object(root)) {
		quake_err_fail(f, "", "%s: credentials are not a JSON object", source);
		goto out;
	}
	code = json_string_value(json_object_get(root, "Code"));
	id = json_string_value(json_object_get(root, "AccessKeyId"));
	secret = json_string_value(json_object_get(root, "SecretAccessKey"));
	token = json_string_value(json_object_get(root, token_key));
	exp = json_string_value(json_object_get(root, "Expiration"));
	if (code != NULL && strcmp(code, "Success") != 0) {
		quake_err_fail(f, "Code", "%s: %.60s", source, code);
		goto out;
	}
	if (id == NULL || *id == '\0' || secret == NULL || *secret == '\0') {
		quake_err_fail(f, id && *id ? "SecretAccessKey" : "AccessKeyId",
		    "%s: missing", source);
		goto out;
	}
	if (quake_creds_copy(c->access_key, sizeof c->access_key, id) ||
	    quake_creds_copy(c->secret_key, sizeof c->secret_key, secret) ||
	    quake_creds_copy(c->session_token, sizeof c->session_token, token)) {
		quake_err_fail(f, "", "%s: a credential is too long", source);
		goto out;
	}
	if (exp != NULL && quake_time_parse(exp, strlen(exp), &c->expiration,
	    NULL) != QUAKE_OK) {
		quake_err_fail(f, "Expiration", "%s: not a time", source);
		goto out;
	}
	snprintf(c->source, sizeof c->source, "%s", source);
	err = QUAKE_OK;
out:
	if (err != QUAKE_OK)
		quake_creds_wipe(c);
	if (root != NULL) {	/* the parsed strings held the secret too */
		cleanse_member(root, "SecretAccessKey");
		cleanse_member(root, token_key);
	}
	json_decref(root);
	return err;
}

struct sink {
	char *buf;
	size_t cap, len;
	int over;
};

static size_t
sink_write(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	n *= size;
	if (s->len + n >= s->cap) {
		s->over = 1;
		return 0;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

enum quake_err
quake_creds_http(const char *method, const char *url,
    const char *const *headers, const char *body, char *out, size_t cap,
    long *status)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hl = NULL;
	struct sink s = { out, cap, 0, 0 };
	CURLcode rc;
	enum quake_err err = QUAKE_OK;

	*status = 0;
	if (cap > 0)
		out[0] = '\0';
	if (h == NULL)
		return QUAKE_ENOMEM;
	for (; headers != NULL && *headers != NULL; headers++)
		hl = curl_slist_append(hl, *headers);
	curl_easy_setopt(h, CURLOPT_URL, url);
	/* no file://, no other scheme curl knows, and no redirect to one */
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL || strcmp(method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 3000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	rc = curl_easy_perform(h);
	if (s.over)
		err = QUAKE_ETOOLONG;
	else if (rc != CURLE_OK)
		err = QUAKE_EUNAVAIL;
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(hl);	/* held the token: the list is freed, */
	curl_easy_cleanup(h);		/* the caller wipes out[] */
	return err;
}

/* here, below the sources, so creds_sts need not call up into creds.c */
int
quake_creds_region_valid(const char *region)
{
	size_t n = strlen(region);

	return n > 0 && n <= 64 && region[0] != '-' && region[n - 1] != '-' &&
	    strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}
