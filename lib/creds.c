/* creds — the credentials chain and its cache, the credentials document the
 * metadata sources serve, and their one HTTP helper. The sources themselves
 * are creds_env.c, creds_file.c, creds_ecs.c and creds_imds.c. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "creds.h"
#include "qtime.h"

#define REFRESH_BEFORE (5 * 60 * 1000000LL)

void
quake_creds_wipe(struct quake_creds *c)
{
	OPENSSL_cleanse(c, sizeof *c);
}

static int
copy(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= cap)
		return -1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return 0;
}

enum quake_err
quake_creds_parse_json(struct quake_creds *c, const char *json, size_t len,
    const char *source, struct quake_fail *f)
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
	token = json_string_value(json_object_get(root, "Token"));
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
	if (copy(c->access_key, sizeof c->access_key, id) ||
	    copy(c->secret_key, sizeof c->secret_key, secret) ||
	    copy(c->session_token, sizeof c->session_token, token)) {
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
	/* the parsed strings held the secret too */
	if (root != NULL) {
		json_t *v = json_object_get(root, "SecretAccessKey");
		if (json_is_string(v))
			OPENSSL_cleanse((char *)json_string_value(v), strlen(json_string_value(v)));
		v = json_object_get(root, "Token");
		if (json_is_string(v))
			OPENSSL_cleanse((char *)json_string_value(v), strlen(json_string_value(v)));
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
    const char *const *headers, char *out, size_t cap, long *status)
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
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "PUT") == 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
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

void
quake_creds_cache_invalidate(struct quake_creds_cache *cc)
{
	cc->have = 0;
}

void
quake_creds_cache_free(struct quake_creds_cache *cc)
{
	quake_creds_wipe(&cc->c);
	cc->have = 0;
}

enum quake_err
quake_creds_cache_get(struct quake_creds_cache *cc, int64_t now,
    const struct quake_creds **out, struct quake_fail *f)
{
	int64_t before = cc->refresh_before > 0 ? cc->refresh_before : REFRESH_BEFORE;
	enum quake_err err;

	if (cc->have && (cc->c.expiration == 0 || now < cc->refresh_at)) {
		*out = &cc->c;
		return QUAKE_OK;
	}
	cc->have = 0;
	cc->fetches++;
	err = quake_creds_from_env(&cc->c, f);
	if (err == QUAKE_EAUTH)
		err = quake_creds_from_files(&cc->c, cc->profile, NULL, NULL, f);
	if (err == QUAKE_EAUTH)
		err = quake_creds_from_ecs(&cc->c, cc->ecs_base, f);
	if (err == QUAKE_EAUTH)
		err = quake_creds_from_imds(&cc->c, cc->imds_endpoint,
		    cc->imds_allow_v1, f);
	if (err == QUAKE_EAUTH)
		quake_err_fail(f, "", "no credentials: not in the environment, "
		    "the shared files, a container endpoint or instance metadata");
	if (err != QUAKE_OK) {
		quake_creds_wipe(&cc->c);
		return err;
	}
	/* already expired (a clock far off, a stale document): use it once
	 * rather than refetch in a loop; the service will say */
	cc->have = 1;
	/* short-lived credentials are refreshed at half their life, not on
	 * every call */
	if (cc->c.expiration - now < 2 * before)
		cc->refresh_at = now + (cc->c.expiration - now) / 2;
	else
		cc->refresh_at = cc->c.expiration - before;
	*out = &cc->c;
	return QUAKE_OK;
}
