/* dynamodb — signed DynamoDB requests over kept-alive libcurl handles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <openssl/crypto.h>

#include "common/dynamodb.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time.h"

int
dynamodb_table_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= 3 && n <= 255 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

int
dynamodb_open(struct dynamodb *d, const char *profile, int imds_v1)
{
	int rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot initialise libcurl", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	srandom((unsigned)(quake_time_now() ^ getpid()));
	if ((rc = dynamodb_resolve(d, profile, imds_v1)) != 0)
		return rc;
	d->cache.profile = profile;
	d->cache.imds_allow_v1 = imds_v1;
	return 0;
}

int
dynamodb_resolve(struct dynamodb *d, const char *profile, int imds_v1)
{
	static char region[64];
	CURLU *u;
	char *host = NULL, *port = NULL, *scheme = NULL;
	int rc = 0;

	if (d->region == NULL && (d->region = getenv("AWS_REGION")) == NULL)
		d->region = getenv("AWS_DEFAULT_REGION");
	if (d->region == NULL && quake_creds_config_region(profile, NULL,
	    region, sizeof region) == QUAKE_OK)
		d->region = region;
	if (d->region == NULL && d->endpoint == NULL &&
	    quake_creds_imds_region(NULL, imds_v1, region, sizeof region) == QUAKE_OK)
		d->region = region;
	if (d->region == NULL && d->endpoint != NULL)
		d->region = "us-east-1";	/* local: any region signs */
	if (d->region == NULL || *d->region == '\0') {
		quake_log(QUAKE_LOG_ERROR, "no region: give --region or set "
		    "AWS_REGION", "table", d->table, NULL);
		return QUAKE_EXIT_CONFIG;
	}
	if (!quake_creds_region_valid(d->region)) {	/* it goes into the host */
		quake_log(QUAKE_LOG_ERROR, "not a region name (a-z 0-9 -)",
		    "region", d->region, NULL);
		return QUAKE_EXIT_CONFIG;
	}
	if (d->endpoint == NULL)
		snprintf(d->url, sizeof d->url, "https://dynamodb.%s.amazonaws.com/",
		    d->region);
	else
		snprintf(d->url, sizeof d->url, "%s", d->endpoint);
	u = curl_url();
	if (u == NULL || curl_url_set(u, CURLUPART_URL, d->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		quake_log(QUAKE_LOG_ERROR, "endpoint is not an http(s) URL",
		    "endpoint", d->url, NULL);
		rc = QUAKE_EXIT_CONFIG;
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
		snprintf(d->host, sizeof d->host, "%s:%s", host, port);
	else
		snprintf(d->host, sizeof d->host, "%s", host);
out:
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

int
dynamodb_pool_init(struct dynamodb *d, long n)
{
	if ((d->reqs = calloc((size_t)n, sizeof *d->reqs)) == NULL ||
	    (d->multi = curl_multi_init()) == NULL)
		goto oom;
	d->nreqs = n;
	curl_multi_setopt(d->multi, CURLMOPT_MAX_HOST_CONNECTIONS, n);
	curl_multi_setopt(d->multi, CURLMOPT_MAXCONNECTS, n);
	if (d->resp_max < DYNAMODB_RESP_MAX)
		d->resp_max = DYNAMODB_RESP_MAX;
	for (long i = 0; i < n; i++) {
		d->reqs[i].rcap = DYNAMODB_RESP_MAX;
		if ((d->reqs[i].h = curl_easy_init()) == NULL ||
		    (d->reqs[i].resp = malloc(DYNAMODB_RESP_MAX + 1)) == NULL)
			goto oom;
		d->reqs[i].resp[0] = '\0';
	}
	return 0;
oom:
	quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
	return QUAKE_EXIT_SOFTWARE;
}

int
dynamodb_creds_check(struct dynamodb *d)
{
	const struct quake_creds *c;
	struct quake_fail f;
	enum quake_err err;

	if ((err = quake_creds_cache_get(&d->cache, quake_time_now(), &c, &f)) !=
	    QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "no AWS credentials", "error", f.reason,
		    NULL);
		return quake_err_exit_status(err);
	}
	return 0;
}

void
dynamodb_creds_refresh(struct dynamodb *d)
{
	quake_creds_cache_invalidate(&d->cache);
}

/* Credentials that came already expired: one warning per fetch. */
static void
creds_expired_warn(struct dynamodb *d, const struct quake_creds *c)
{
	static unsigned long warned;
	char t[QUAKE_TIME_LEN + 1];

	if (!d->cache.expired || warned == d->cache.fetches)
		return;
	warned = d->cache.fetches;
	quake_time_format(c->expiration, t);
	quake_log(QUAKE_LOG_WARN, "credentials arrived expired: used, asked "
	    "for again with backoff", "source", c->source, "expiration", t, NULL);
}

/* Wipe and free a header list that held secrets. */
static void
free_headers(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p != NULL; p = p->next)
		OPENSSL_cleanse(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

/* curl's header list for a signed request; NULL when out of memory. */
static struct curl_slist *
header_list(const char *tgt, const char *amzdate, const char *token,
    const char *authz)
{
	struct curl_slist *l = NULL;
	char line[4200];

	l = curl_slist_append(l, "Content-Type: application/x-amz-json-1.0");
	snprintf(line, sizeof line, "X-Amz-Target: %s", tgt);
	l = curl_slist_append(l, line);
	snprintf(line, sizeof line, "X-Amz-Date: %s", amzdate);
	l = curl_slist_append(l, line);
	if (token[0] != '\0') {
		snprintf(line, sizeof line, "X-Amz-Security-Token: %s", token);
		l = curl_slist_append(l, line);
	}
	snprintf(line, sizeof line, "Authorization: %s", authz);
	l = curl_slist_append(l, line);
	l = curl_slist_append(l, "Expect:");
	l = curl_slist_append(l, "Accept:");
	OPENSSL_cleanse(line, sizeof line);
	return l;
}

/* The Authorization value for a POST of body to tgt at scope, with c. */
static int
authorize(struct dynamodb *d, const struct quake_creds *c,
    const struct quake_sigv4_scope *scope, const char *tgt, const char *body,
    size_t len, char *authz, size_t cap)
{
	struct quake_sigv4_header h[5];
	char creq[QUAKE_SIGV4_MAX], sh[256], sts[512], sig[65];
	size_t clen, slen, n = 0;

	h[n++] = (struct quake_sigv4_header){ "content-type", "application/x-amz-json-1.0" };
	h[n++] = (struct quake_sigv4_header){ "host", d->host };
	h[n++] = (struct quake_sigv4_header){ "x-amz-date", scope->amzdate };
	h[n++] = (struct quake_sigv4_header){ "x-amz-target", tgt };
	if (c->session_token[0] != '\0')
		h[n++] = (struct quake_sigv4_header){ "x-amz-security-token", c->session_token };
	struct quake_sigv4_request req = { "POST", "/", NULL, h, n, body, len, 1 };
	if (quake_sigv4_canonical_request(&req, creq, sizeof creq, &clen, sh,
	    sizeof sh) != QUAKE_OK || quake_sigv4_string_to_sign(scope, creq,
	    clen, sts, sizeof sts, &slen) != QUAKE_OK ||
	    quake_sigv4_signing_key(&d->sigkey, scope, c->secret_key) < 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot sign a request", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	quake_sigv4_signature(&d->sigkey, sts, slen, sig);
	quake_sigv4_authorization(c->access_key, scope, sh, sig, authz, cap);
	return 0;
}

/* Signed headers for one request to target with body into *out: 0, or the
 * exit status why not. */
static int
sign(struct dynamodb *d, const char *target, const char *body, size_t len,
    struct curl_slist **out)
{
	const struct quake_creds *c;
	struct quake_fail f;
	struct quake_sigv4_scope scope;
	char authz[1024], tgt[64];
	int64_t now = quake_time_now();
	enum quake_err err;
	int rc;

	if ((err = quake_creds_cache_get(&d->cache, now, &c, &f)) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "no AWS credentials", "error", f.reason, NULL);
		return quake_err_exit_status(err);
	}
	creds_expired_warn(d, c);
	quake_sigv4_scope_init(&scope, now, d->region, "dynamodb");
	snprintf(tgt, sizeof tgt, "DynamoDB_20120810.%s", target);
	if ((rc = authorize(d, c, &scope, tgt, body, len, authz, sizeof authz)) != 0)
		return rc;
	*out = header_list(tgt, scope.amzdate, c->session_token, authz);
	OPENSSL_cleanse(authz, sizeof authz);
	if (*out == NULL) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	return 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct dynamodb_req *r = arg;
	struct dynamodb *d = r->pool;
	size_t len = size * n, room, cap;
	char *nb;

	if (len > r->rcap - r->rlen && r->rcap < d->resp_max) {
		/* grow (doubling) up to the pool's resp_max */
		for (cap = r->rcap; cap - r->rlen < len && cap < d->resp_max; )
			cap = cap * 2 < d->resp_max ? cap * 2 : d->resp_max;
		if ((nb = realloc(r->resp, cap + 1)) != NULL) {
			r->resp = nb;
			r->rcap = cap;
		}
	}
	room = r->rcap - r->rlen;
	if (len > room)
		r->truncated = 1;
	/* keep the start of a long answer: errors are short */
	memcpy(r->resp + r->rlen, p, len < room ? len : room);
	r->rlen += len < room ? len : room;
	r->resp[r->rlen] = '\0';
	return len;
}

/* Set up r->h for a POST of body to target: 0 or an exit status. */
static int
prepare(struct dynamodb *d, struct dynamodb_req *r, const char *target,
    const char *body, size_t len)
{
	int rc;

	if ((rc = sign(d, target, body, len, &r->hdrs)) != 0)
		return rc;
	if (r->rcap > 4 * DYNAMODB_RESP_MAX) {	/* a large answer is not kept */
		char *nb = realloc(r->resp, DYNAMODB_RESP_MAX + 1);

		if (nb != NULL) {
			r->resp = nb;
			r->rcap = DYNAMODB_RESP_MAX;
		}
	}
	r->rlen = 0;
	r->truncated = 0;
	r->pool = d;
	r->resp[0] = '\0';
	curl_easy_setopt(r->h, CURLOPT_URL, d->url);
	curl_easy_setopt(r->h, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(r->h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(r->h, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(r->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->h, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->h, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(r->h, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(r->h, CURLOPT_TCP_KEEPALIVE, 1L);
	return 0;
}

static void
finish(struct dynamodb_req *r)
{
	free_headers(r->hdrs);
	r->hdrs = NULL;
	r->busy = 0;
}

/* What the answer in r (curl's rc) came to. sync: a failed request's
 * answer is curl's words (what --create-table reports). */
static void
result(struct dynamodb_req *r, CURLcode rc, int sync,
    struct dynamodb_result *res)
{
	res->http_status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &res->http_status);
	else if (sync)
		snprintf(r->resp, r->rcap + 1, "%s", curl_easy_strerror(rc));
	if (res->http_status >= 200 && res->http_status < 300)	/* no error */
		res->e.type[0] = res->e.message[0] = res->e.old_lastupdate[0] = '\0';
	else
		quake_ddb_parse_error(r->resp, sync ? strlen(r->resp) : r->rlen,
		    &res->e);
	res->outcome = quake_ddb_classify(res->http_status, &res->e);
	if (rc != CURLE_OK)
		snprintf(res->why, sizeof res->why, "%s", curl_easy_strerror(rc));
	else
		snprintf(res->why, sizeof res->why, "HTTP %ld %s%s%s",
		    res->http_status, res->e.type, res->e.message[0] ? ": " : "",
		    res->e.message);
}

struct dynamodb_req *
dynamodb_idle(struct dynamodb *d)
{
	for (long i = 0; i < d->nreqs; i++)
		if (!d->reqs[i].busy)
			return &d->reqs[i];
	return NULL;
}

int
dynamodb_send(struct dynamodb *d, struct dynamodb_req *r, const char *target,
    const char *body, size_t len)
{
	int rc;

	if ((rc = prepare(d, r, target, body, len)) != 0)
		return rc;
	r->busy = 1;
	curl_multi_add_handle(d->multi, r->h);
	return 0;
}

void
dynamodb_perform(struct dynamodb *d)
{
	int running;

	curl_multi_perform(d->multi, &running);
}

struct dynamodb_req *
dynamodb_done(struct dynamodb *d, struct dynamodb_result *res)
{
	struct dynamodb_req *r;
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(d->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		result(r, m->data.result, 0, res);
		curl_multi_remove_handle(d->multi, r->h);
		finish(r);
		return r;
	}
	return NULL;
}

void
dynamodb_abort(struct dynamodb *d, struct dynamodb_req *r)
{
	if (!r->busy)
		return;
	curl_multi_remove_handle(d->multi, r->h);
	finish(r);
}

int
dynamodb_busy(const struct dynamodb *d)
{
	for (long i = 0; i < d->nreqs; i++)
		if (d->reqs[i].busy)
			return 1;
	return 0;
}

void
dynamodb_wait(struct dynamodb *d, int watch_stdin, long timeout_ms)
{
	struct curl_waitfd wfd = { 0, CURL_WAIT_POLLIN, 0 };
	long t = timeout_ms;

	curl_multi_timeout(d->multi, &t);
	if (t < 0 || t > timeout_ms)
		t = timeout_ms;
	curl_multi_poll(d->multi, watch_stdin ? &wfd : NULL, watch_stdin ? 1 : 0,
	    (int)t, NULL);
}

int
dynamodb_call(struct dynamodb *d, const char *target, const char *body,
    struct dynamodb_result *res)
{
	struct dynamodb_req *r = &d->reqs[0];
	CURLcode rc;
	int st;

	if ((st = prepare(d, r, target, body, strlen(body))) != 0)
		return st;
	rc = curl_easy_perform(r->h);
	finish(r);
	result(r, rc, 1, res);
	return 0;
}

/* Wait (5 minutes at most) until the table is active: 0 or 69. */
static int
await_active(struct dynamodb *d, const char *body)
{
	struct dynamodb_result res;
	int rc;

	for (int i = 0; i < 600; i++) {
		if ((rc = dynamodb_call(d, "DescribeTable", body, &res)) != 0)
			return rc;
		if (res.http_status == 200 && strstr(d->reqs[0].resp,
		    "\"TableStatus\":\"ACTIVE\"") != NULL)
			return 0;
		nanosleep(&(struct timespec){ 0, 500000000 }, NULL);
	}
	quake_log(QUAKE_LOG_ERROR, "table not active after 5 minutes", "table",
	    d->table, NULL);
	return QUAKE_EXIT_UNAVAILABLE;
}

int
dynamodb_create_table(struct dynamodb *d, int ttl)
{
	char body[2048], tbuf[700];
	struct dynamodb_result res;
	int rc;

	if (quake_ddb_create_table_body(d->table, body, sizeof body) == 0) {
		quake_log(QUAKE_LOG_ERROR, "table name too long", "table",
		    d->table, NULL);
		return QUAKE_EXIT_CONFIG;
	}
	if ((rc = dynamodb_call(d, "CreateTable", body, &res)) != 0)
		return rc;
	if (res.http_status == 200)
		quake_log(QUAKE_LOG_INFO, "table created", "table", d->table, NULL);
	else if (strcmp(res.e.type, "ResourceInUseException") != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot create the table", "table",
		    d->table, "type", res.e.type, "error", res.e.message, NULL);
		return res.http_status == 0 || res.http_status >= 500 ?
		    QUAKE_EXIT_UNAVAILABLE : QUAKE_EXIT_CONFIG;
	}
	tbuf[quake_json_format_string(d->table, tbuf)] = '\0';
	snprintf(body, sizeof body, "{\"TableName\":%s}", tbuf);
	if ((rc = await_active(d, body)) != 0 || !ttl)
		return rc;
	snprintf(body, sizeof body, "{\"TableName\":%s,"
	    "\"TimeToLiveSpecification\":{\"Enabled\":true,"
	    "\"AttributeName\":\"ttl\"}}", tbuf);
	if ((rc = dynamodb_call(d, "UpdateTimeToLive", body, &res)) != 0)
		return rc;
	if (res.http_status != 200 && strstr(res.e.message, "already enabled") == NULL)
		quake_log(QUAKE_LOG_WARN, "cannot enable TTL", "type", res.e.type,
		    "error", res.e.message, NULL);
	return 0;
}

void
dynamodb_free(struct dynamodb *d)
{
	for (long i = 0; i < d->nreqs; i++) {
		dynamodb_abort(d, &d->reqs[i]);
		curl_easy_cleanup(d->reqs[i].h);
		free(d->reqs[i].resp);
	}
	if (d->multi != NULL)
		curl_multi_cleanup(d->multi);
	free(d->reqs);
	d->reqs = NULL;
	d->nreqs = 0;
	quake_creds_cache_free(&d->cache);
	OPENSSL_cleanse(&d->sigkey, sizeof d->sigkey);
}
