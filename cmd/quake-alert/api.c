/* api — SIGHUP reloads and the subscriptions API of quake-alert. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "api.h"
#include "alert/subs.h"
#include "common/httpd.h"
#include "common/tool.h"
#include "core/log.h"
#include "core/time.h"

#define BODY_MAX 8192		/* a request body (413 over it) */
#define FILE_MAX (64 << 20)	/* the rules file and the store */
#define NBUCKETS 1024		/* rate-limit buckets (oldest reused) */

struct bucket {
	char key[80];		/* "s:<id>", "admin" or "ip:<address>" */
	double tokens;
	int64_t at;		/* last refill, µs */
};

static struct {
	const char *listen, *admin_file, *store_opt;
	long rate, max_rules;
	char rules[PATH_MAX], dir[PATH_MAX], store[PATH_MAX], secrets[PATH_MAX];
	unsigned char admin[QUAKE_SUBS_HASH_LEN];
	int have_admin, have_file;
	pthread_mutex_t mu;		/* the fields below, between the threads */
	struct quake_subs *subs;
	char *file;			/* the rules file in force */
	size_t flen;
	struct quake_rules *pending;	/* the rule set waiting to take over */
	/* the API thread's own */
	struct httpd *h;
	pthread_t th;
	int running;
	volatile sig_atomic_t quit;
	struct bucket b[NBUCKETS];
} api = { .rate = 60, .max_rules = 20, .mu = PTHREAD_MUTEX_INITIALIZER };

static volatile sig_atomic_t hup;
static long long sent0, retries0, given_up0;	/* of the targets before a reload */

void
api_deliver_counts(long long *sent, long long *retries, long long *given_up)
{
	deliver_counts(sent, retries, given_up);
	*sent += sent0, *retries += retries0, *given_up += given_up0;
}

static void
on_hup(int sig)
{
	(void)sig;
	hup = 1;
}

int
api_option(int c, const char *arg)
{
	switch (c) {
	case API_O_LISTEN: api.listen = arg; return 1;
	case API_O_ADMIN: api.admin_file = arg; return 1;
	case API_O_STORE: api.store_opt = arg; return 1;
	case API_O_RATE: api.rate = tool_parse_long("--api-rate", arg, 1, 1000000); return 1;
	case API_O_MAX_RULES: api.max_rules = tool_parse_long("--api-max-rules", arg, 1, 100000); return 1;
	}
	return 0;
}

/* A whole file (malloc'd, NUL after *len bytes), or NULL (errno). */
static char *
slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	ssize_t n;

	*len = 0;
	if (fd < 0)
		return NULL;
	errno = 0;	/* not a stale one below: ENOENT would start the store empty */
	if (fstat(fd, &st) == 0 && st.st_size <= FILE_MAX &&
	    (buf = malloc((size_t)st.st_size + 1)) != NULL) {
		while (*len < (size_t)st.st_size &&
		    (n = read(fd, buf + *len, (size_t)st.st_size - *len)) > 0)
			*len += (size_t)n;
		buf[*len] = '\0';
	} else if (buf == NULL && errno == 0)
		errno = EFBIG;
	close(fd);
	return buf;
}

/* path written atomically: a temporary file beside it, fsync, rename,
 * fsync of the directory. 0 or -1 (errno). */
static int
write_atomic(const char *path, const char *text, size_t len, mode_t mode)
{
	char tmp[PATH_MAX + 16], dir[PATH_MAX], *slash;
	int fd, dfd, e;
	size_t off = 0;
	ssize_t n;

	snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0)
		return -1;
	fchmod(fd, mode);
	errno = 0;
	while (off < len && (n = write(fd, text + off, len - off)) > 0)
		off += (size_t)n;
	/* fd closed once whatever fails: a second close(2) could shut a
	 * descriptor the other thread has opened in between */
	e = off < len ? (errno ? errno : EIO) : fsync(fd) != 0 ? errno : 0;
	if (close(fd) != 0 && e == 0)
		e = errno ? errno : EIO;
	if (e == 0 && rename(tmp, path) != 0)
		e = errno ? errno : EIO;
	if (e != 0) {
		unlink(tmp);
		errno = e;
		return -1;
	}
	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* The file's rules and the subscribers' (api.mu held) parsed into a new
 * set (owned by the caller). NULL with *f filled. */
static struct quake_rules *
build(const char *file, size_t flen, struct quake_rules_fail *f)
{
	struct quake_rules *rs = calloc(1, sizeof *rs);
	char *text = NULL;
	size_t len = 0;
	enum quake_err err;

	memset(f, 0, sizeof *f);
	if (rs == NULL)
		tool_oom();
	err = quake_subs_merge(file, flen, api.subs, &text, &len, &f->f);
	if (err == QUAKE_OK)
		err = quake_rules_parse(text, len, api.dir, rs, f);
	free(text);
	if (err == QUAKE_ENOMEM)
		tool_oom();
	if (err != QUAKE_OK) {
		free(rs);
		return NULL;
	}
	return rs;
}

/* rs becomes the waiting set (api.mu held). */
static void
set_pending(struct quake_rules *rs)
{
	if (api.pending != NULL) {
		quake_rules_free(api.pending);
		free(api.pending);
	}
	api.pending = rs;
}

/* SIGHUP: the file again, and the subscribers' rules with it. */
static void
reread(void)
{
	struct quake_rules_fail f;
	struct quake_rules *rs;
	size_t len;
	char *text;

	if (!api.have_file) {
		quake_log(QUAKE_LOG_WARN, "SIGHUP: no rules file to re-read (rules from flags)", NULL);
		return;
	}
	if ((text = slurp(api.rules, &len)) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "rules not reloaded, the old ones stay", "reason",
		    strerror(errno), NULL);
		return;
	}
	pthread_mutex_lock(&api.mu);
	if ((rs = build(text, len, &f)) == NULL) {
		pthread_mutex_unlock(&api.mu);
		free(text);
		quake_log(QUAKE_LOG_ERROR, "rules not reloaded, the old ones stay", "rule", f.rule,
		    "field", f.f.field, "reason", f.f.reason, NULL);
		return;
	}
	free(api.file);
	api.file = text, api.flen = len;
	set_pending(rs);
	pthread_mutex_unlock(&api.mu);
}

int
api_reload_waiting(void)
{
	int w;

	if (hup) {
		hup = 0;
		reread();
	}
	pthread_mutex_lock(&api.mu);
	w = api.pending != NULL;
	pthread_mutex_unlock(&api.mu);
	return w;
}

int
api_reload_apply(struct ackq *q, struct judge **j, struct quake_rules *rs,
    struct quake_marks *m, int64_t window_us, const struct deliver_opts *o)
{
	struct quake_rules *next, old;
	struct judge *was;
	char c[24];
	int rc;

	pthread_mutex_lock(&api.mu);
	next = api.pending;
	api.pending = NULL;
	pthread_mutex_unlock(&api.mu);
	if (next == NULL)
		return 0;
	old = *rs;
	{
		long long s, r, g;
		api_deliver_counts(&s, &r, &g);
		sent0 = s, retries0 = r, given_up0 = g;
	}
	deliver_free();
	if ((rc = deliver_init(next, o)) != 0) {	/* a secret file: logged */
		deliver_free();
		quake_rules_free(next);
		free(next);
		quake_log(QUAKE_LOG_ERROR, "rules not reloaded, the old ones stay", NULL);
		if ((rc = deliver_init(rs, o)) != 0)
			return rc;
		return 0;
	}
	ackq_free(q);
	*rs = *next;
	free(next);
	quake_rules_free(&old);
	was = *j;
	*j = judge_new(q, rs, m, window_us);
	/* the run's counters and the main shocks remembered go on */
	judge_carry(*j, was);
	judge_free(was);
	snprintf(c, sizeof c, "%zu", rs->n);
	quake_log(QUAKE_LOG_INFO, "rules reloaded", "rules", c, NULL);
	return 0;
}

/* ---- the HTTP API (its own thread) ---- */

static int
reply(struct httpd_conn *c, int status, json_t *o, const char *extra)
{
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) : NULL;
	size_t len;

	json_decref(o);
	if (text == NULL)
		return httpd_error(c, 500, "out of memory");
	len = strlen(text);
	text[len] = '\n';	/* over the NUL: the body is len + 1 bytes */
	return httpd_respond_take(c, status, "application/json", text, len + 1, extra);
}

/* {"error": status, "reason": why, ...more} */
static int
fail(struct httpd_conn *c, int status, const char *why, json_t *more, const char *extra)
{
	json_t *o = json_pack("{s:i,s:s}", "error", status, "reason", why);

	if (o != NULL && more != NULL)
		json_object_update(o, more);
	json_decref(more);
	return reply(c, status, o, extra);
}

/* A token bucket of rate a minute: 0 when the request may go, else the
 * seconds until it may. */
static long
limited(const char *key)
{
	int64_t now = quake_time_now();
	struct bucket *b = NULL, *oldest = &api.b[0];
	double per_us = (double)api.rate / 60e6;

	for (size_t i = 0; i < NBUCKETS && b == NULL; i++) {
		if (strcmp(api.b[i].key, key) == 0)
			b = &api.b[i];
		else if (api.b[i].at < oldest->at)
			oldest = &api.b[i];
	}
	if (b == NULL) {
		b = oldest;
		snprintf(b->key, sizeof b->key, "%s", key);
		b->tokens = (double)api.rate;
		b->at = now;
	}
	b->tokens += (double)(now - b->at) * per_us;
	if (b->tokens > (double)api.rate)
		b->tokens = (double)api.rate;
	b->at = now;
	if (b->tokens >= 1) {
		b->tokens -= 1;
		return 0;
	}
	return (long)((1 - b->tokens) / per_us / 1e6) + 1;
}

/* Who asks: -2 nobody (no or a wrong token), -1 the admin, else the
 * subscriber's index (api.mu held). */
static long
who(const struct httpd_req *r)
{
	const char *a = r->authorization;
	unsigned char h[QUAKE_SUBS_HASH_LEN];
	long i;
	int admin;

	if (a == NULL || strncasecmp(a, "Bearer ", 7) != 0 || a[7] == '\0')
		return -2;
	a += 7;
	quake_subs_hash(a, strlen(a), h);
	admin = api.have_admin && quake_subs_hash_equal(h, api.admin);
	OPENSSL_cleanse(h, sizeof h);
	i = quake_subs_auth(api.subs, a, strlen(a));
	return admin ? -1 : i >= 0 ? i : -2;
}

/* The store to disk (api.mu held). 0 or -1 (logged). */
static int
save(void)
{
	size_t len = 0;
	char *text = quake_subs_dump(api.subs, &len);
	int rc;

	if (text == NULL)
		tool_oom();
	rc = write_atomic(api.store, text, len, 0600);
	free(text);
	if (rc != 0)
		quake_log(QUAKE_LOG_ERROR, "cannot write the subscriptions store", "path",
		    api.store, "error", strerror(errno), NULL);
	return rc;
}

/* After a change to the store (api.mu held): the new set checked, saved
 * and made the waiting one. 0; 422 when the rules do not parse (*f); 503
 * when the store cannot be written. */
static int
commit(struct quake_rules_fail *f)
{
	struct quake_rules *rs = build(api.file, api.flen, f);

	if (rs == NULL)
		return 422;
	if (save() != 0) {
		quake_rules_free(rs);
		free(rs);
		return 503;
	}
	set_pending(rs);
	return 0;
}

static json_t *
why_rule(const struct quake_rules_fail *f)
{
	return json_pack("{s:s,s:s}", "rule", f->rule, "field", f->f.field);
}

/* POST /v1/rules */
static int
rule_create(struct httpd_conn *c, const struct httpd_req *r, size_t i)
{
	struct quake_fail f = { 0 };
	struct quake_rules_fail rf;
	char secret[PATH_MAX + 64], name[QUAKE_SUBS_NAME_MAX + 1] = "";
	json_t *o, *rule;
	int rc;

	snprintf(secret, sizeof secret, "%s/%s.whsec", api.secrets, quake_subs_id(api.subs, i));
	rc = quake_subs_rule_add(api.subs, i, r->body, r->body_len, secret,
	    (size_t)api.max_rules, &f);
	if (rc < 0)
		tool_oom();
	if (rc > 0)
		return fail(c, rc == QUAKE_SUBS_BAD ? 422 : 409,	/* exists, or full */
		    f.reason, json_pack("{s:s}", "field", f.field), NULL);
	o = json_loadb(r->body, r->body_len, 0, NULL);
	snprintf(name, sizeof name, "%s", json_string_value(json_object_get(o, "name")));
	json_decref(o);
	if ((rc = commit(&rf)) != 0) {
		quake_subs_rule_remove(api.subs, i, name);
		return rc == 422 ? fail(c, 422, rf.f.reason, why_rule(&rf), NULL) :
		    fail(c, 503, "cannot save the subscriptions", NULL, NULL);
	}
	rule = json_loadb(r->body, r->body_len, 0, NULL);
	return reply(c, 201, json_pack("{s:s,s:s,s:s++,s:o}", "subscriber",
	    quake_subs_id(api.subs, i), "name", name, "full_name",
	    quake_subs_id(api.subs, i), ".", name, "rule", rule), NULL);
}

/* The store as it is (api.mu held), for undo(). */
static char *
snapshot(size_t *len)
{
	char *text = quake_subs_dump(api.subs, len);

	if (text == NULL)
		tool_oom();
	return text;
}

/* The store back as snapshot() had it (api.mu held), text freed: a
 * change answered 422 or 503 is not kept, to be saved by the next one. */
static void
undo(char *text, size_t len)
{
	struct quake_subs *was;
	struct quake_fail f;

	if (quake_subs_parse(text, len, &was, &f) == QUAKE_OK) {
		quake_subs_free(api.subs);
		api.subs = was;
	}
	free(text);
}

/* DELETE /v1/rules/NAME: a subscriber's own rule; the admin's any
 * ("<id>.<name>"). */
static int
rule_delete(struct httpd_conn *c, long i, const char *name)
{
	struct quake_rules_fail rf;
	int rc, found = 0;
	size_t wlen = 0;
	char *was = snapshot(&wlen);

	if (i >= 0)
		found = quake_subs_rule_remove(api.subs, (size_t)i, name);
	else
		for (size_t k = 0; k < quake_subs_count(api.subs) && !found; k++) {
			size_t il = strlen(quake_subs_id(api.subs, k));
			if (strncmp(name, quake_subs_id(api.subs, k), il) == 0 && name[il] == '.')
				found = quake_subs_rule_remove(api.subs, k, name);
		}
	if (!found) {
		free(was);
		return fail(c, 404, "no such rule of yours", json_pack("{s:s}", "name", name), NULL);
	}
	if ((rc = commit(&rf)) != 0) {
		undo(was, wlen);
		return fail(c, rc, rc == 422 ? rf.f.reason : "cannot save the subscriptions",
		    NULL, NULL);
	}
	free(was);
	return reply(c, 200, json_pack("{s:s}", "deleted", name), NULL);
}

/* "whsec_" and 32 random bytes in base64, or a token: "qa_" and 32 in hex. */
static int
random_text(char *out, size_t cap, int whsec)
{
	unsigned char b[32];

	if (RAND_bytes(b, sizeof b) != 1 || cap < 80)
		return -1;
	if (whsec) {
		memcpy(out, "whsec_", 6);
		EVP_EncodeBlock((unsigned char *)out + 6, b, sizeof b);
	} else {
		memcpy(out, "qa_", 3);
		for (size_t k = 0; k < sizeof b; k++)
			snprintf(out + 3 + 2 * k, 3, "%02x", b[k]);
	}
	OPENSSL_cleanse(b, sizeof b);
	return 0;
}

/* POST /v1/subscribers (admin): {"id"} -> the token and webhook secret,
 * shown this once. */
static int
sub_create(struct httpd_conn *c, const struct httpd_req *r)
{
	json_t *o = json_loadb(r->body, r->body_len, 0, NULL);
	const char *id = json_string_value(json_object_get(o, "id"));
	char token[80], secret[80], path[PATH_MAX + 64], sid[QUAKE_SUBS_ID_MAX + 1];
	unsigned char h[QUAKE_SUBS_HASH_LEN];
	struct quake_fail f = { 0 };
	struct quake_rules_fail rf;
	enum quake_err err;
	int rc;

	if (!json_is_object(o) || json_object_size(o) != 1 || !quake_subs_id_ok(id)) {
		json_decref(o);
		return fail(c, 422, "the body must be {\"id\": \"1-24 of a-z 0-9 _ -\"}",
		    json_pack("{s:s}", "field", "id"), NULL);
	}
	snprintf(sid, sizeof sid, "%s", id);
	json_decref(o);
	if (random_text(token, sizeof token, 0) != 0 || random_text(secret, sizeof secret, 1) != 0)
		return fail(c, 503, "no randomness", NULL, NULL);
	quake_subs_hash(token, strlen(token), h);
	if ((err = quake_subs_add(api.subs, sid, h, &f)) != QUAKE_OK) {
		if (err == QUAKE_ENOMEM)
			tool_oom();
		return fail(c, 409, f.reason, json_pack("{s:s}", "field", "id"), NULL);
	}
	snprintf(path, sizeof path, "%s/%s.whsec", api.secrets, sid);
	strcat(secret, "\n");
	if (mkdir(api.secrets, 0700) != 0 && errno != EEXIST)	/* the first subscriber's */
		quake_log(QUAKE_LOG_ERROR, "cannot make the secrets folder", "path", api.secrets,
		    "error", strerror(errno), NULL);
	rc = write_atomic(path, secret, strlen(secret), 0600);
	secret[strlen(secret) - 1] = '\0';
	if (rc != 0 || (rc = commit(&rf)) != 0) {
		quake_subs_remove(api.subs, (size_t)quake_subs_find(api.subs, sid));
		unlink(path);
		OPENSSL_cleanse(secret, sizeof secret);
		return fail(c, 503, "cannot save the subscriptions", NULL, NULL);
	}
	rc = reply(c, 201, json_pack("{s:s,s:s,s:s}", "id", sid, "token", token,
	    "webhook_secret", secret), NULL);
	OPENSSL_cleanse(token, sizeof token);
	OPENSSL_cleanse(secret, sizeof secret);
	return rc;
}

/* DELETE /v1/subscribers/ID (admin): the subscriber, its rules, its secret. */
static int
sub_delete(struct httpd_conn *c, const char *id)
{
	long i = quake_subs_find(api.subs, id);
	struct quake_rules_fail rf;
	char path[PATH_MAX + 64], *was;
	size_t wlen = 0;
	int rc;

	if (i < 0)
		return fail(c, 404, "no such subscriber", json_pack("{s:s}", "id", id), NULL);
	was = snapshot(&wlen);
	quake_subs_remove(api.subs, (size_t)i);
	if ((rc = commit(&rf)) != 0) {
		undo(was, wlen);
		return fail(c, rc, "cannot save the subscriptions", NULL, NULL);
	}
	free(was);
	snprintf(path, sizeof path, "%s/%s.whsec", api.secrets, id);
	unlink(path);
	return reply(c, 200, json_pack("{s:s}", "deleted", id), NULL);
}

static int
sub_list(struct httpd_conn *c)
{
	json_t *l = json_array();

	for (size_t i = 0; l != NULL && i < quake_subs_count(api.subs); i++)
		json_array_append_new(l, json_pack("{s:s,s:I}", "id", quake_subs_id(api.subs, i),
		    "rules", (json_int_t)quake_subs_nrules(api.subs, i)));
	return reply(c, 200, json_pack("{s:o}", "subscribers", l), NULL);
}

static int
rule_list(struct httpd_conn *c, long i)
{
	size_t len;
	char *text = quake_subs_rules_json(api.subs, i, &len);

	if (text == NULL)
		tool_oom();
	return httpd_respond_take(c, 200, "application/json", text, len, NULL);
}

static int
not_allowed(struct httpd_conn *c, const char *allow)
{
	char extra[64];

	snprintf(extra, sizeof extra, "allow: %s\r\n", allow);
	return fail(c, 405, "method not allowed here", NULL, extra);
}

/* Every request: who asks, the rate, then the route (api.mu held for the
 * store). */
static int
route(struct httpd_conn *c, const struct httpd_req *r)
{
	static const char rules[] = "/v1/rules", subs[] = "/v1/subscribers";
	const char *p = r->path;
	char key[80], extra[64];
	long i, wait;

	if (strcmp(p, "/healthz") == 0)
		return reply(c, 200, json_pack("{s:b}", "ok", 1), NULL);
	i = who(r);
	if (i == -2)
		snprintf(key, sizeof key, "ip:%s", r->peer != NULL ? r->peer : "");
	else
		snprintf(key, sizeof key, "%s%s", i == -1 ? "admin" : "s:",
		    i == -1 ? "" : quake_subs_id(api.subs, (size_t)i));
	if ((wait = limited(key)) > 0) {
		snprintf(extra, sizeof extra, "retry-after: %ld\r\n", wait);
		return fail(c, 429, "too many requests", json_pack("{s:I}", "retry_after",
		    (json_int_t)wait), extra);
	}
	if (i == -2)
		return fail(c, 401, "a valid bearer token is needed", NULL,
		    "www-authenticate: Bearer\r\n");
	if (strcmp(p, rules) == 0) {
		if (r->method == HTTPD_GET || r->method == HTTPD_HEAD)
			return rule_list(c, i);
		if (r->method != HTTPD_POST)
			return not_allowed(c, "GET, HEAD, POST");
		if (i < 0)
			return fail(c, 403, "the admin has no rules of its own: create them "
			    "with the subscriber's token", NULL, NULL);
		return rule_create(c, r, (size_t)i);
	}
	if (strncmp(p, rules, sizeof rules - 1) == 0 && p[sizeof rules - 1] == '/') {
		if (r->method != HTTPD_DELETE)
			return not_allowed(c, "DELETE");
		return rule_delete(c, i, p + sizeof rules);
	}
	if (strcmp(p, subs) == 0 || (strncmp(p, subs, sizeof subs - 1) == 0 &&
	    p[sizeof subs - 1] == '/')) {
		if (i != -1)
			return fail(c, 403, "only the admin manages subscribers", NULL, NULL);
		if (p[sizeof subs - 1] == '/')
			return r->method == HTTPD_DELETE ? sub_delete(c, p + sizeof subs) :
			    not_allowed(c, "DELETE");
		if (r->method == HTTPD_GET || r->method == HTTPD_HEAD)
			return sub_list(c);
		return r->method == HTTPD_POST ? sub_create(c, r) : not_allowed(c, "GET, HEAD, POST");
	}
	return fail(c, 404, "no such resource", NULL, NULL);
}

static int
handle(void *arg, struct httpd_conn *c, const struct httpd_req *r)
{
	int rc;

	(void)arg;
	pthread_mutex_lock(&api.mu);
	rc = route(c, r);
	pthread_mutex_unlock(&api.mu);
	return rc;
}

static void *
serve(void *arg)
{
	(void)arg;
	while (!api.quit && !tool_stop)
		httpd_run(api.h);
	return NULL;
}

/* The admin token's hash from an owner-only file. 0, or 78 (logged). */
static int
read_admin(const char *path)
{
	char buf[512];
	size_t n = 0;
	const char *why = tool_read_private(path, buf, sizeof buf, &n);

	if (why == NULL && n < 16)
		why = "shorter than 16 characters";
	if (why == NULL) {
		quake_subs_hash(buf, n, api.admin);
		api.have_admin = 1;
	}
	OPENSSL_cleanse(buf, sizeof buf);
	if (why == NULL)
		return 0;
	quake_log(QUAKE_LOG_ERROR, "cannot use the admin token file", "path", path,
	    "reason", why, NULL);
	return QUAKE_EXIT_CONFIG;
}

/* The store and the secrets' folder; *rs replaced by the merged set. */
static int
open_store(struct quake_rules *rs)
{
	struct quake_rules_fail f;
	struct quake_rules *all;
	struct quake_fail sf;
	char *text, *dot;
	size_t len;

	if ((size_t)snprintf(api.store, sizeof api.store, "%s%s", api.store_opt ? api.store_opt :
	    api.dir, api.store_opt ? "" : "/subscriptions.json") >= sizeof api.store - 8) {
		quake_log(QUAKE_LOG_ERROR, "the store's path is too long", NULL);
		return QUAKE_EXIT_USAGE;
	}
	snprintf(api.secrets, sizeof api.secrets, "%s", api.store);
	if ((dot = strrchr(api.secrets, '.')) != NULL && strchr(dot, '/') == NULL)
		*dot = '\0';
	strncat(api.secrets, ".d", sizeof api.secrets - strlen(api.secrets) - 1);
	if ((text = slurp(api.store, &len)) == NULL && errno != ENOENT) {
		quake_log(QUAKE_LOG_ERROR, "cannot read the subscriptions store", "path", api.store,
		    "error", strerror(errno), NULL);
		return QUAKE_EXIT_IOERR;
	}
	if (quake_subs_parse(text, len, &api.subs, &sf) != QUAKE_OK) {
		free(text);
		quake_log(QUAKE_LOG_ERROR, "invalid subscriptions store", "path", api.store,
		    "field", sf.field, "reason", sf.reason, NULL);
		return QUAKE_EXIT_CONFIG;
	}
	free(text);
	if ((all = build(api.file, api.flen, &f)) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "invalid rules in the subscriptions store", "rule",
		    f.rule, "field", f.f.field, "reason", f.f.reason, NULL);
		return QUAKE_EXIT_CONFIG;
	}
	quake_rules_free(rs);
	*rs = *all;
	free(all);
	return 0;
}

int
api_start(const char *rules_path, struct quake_rules *rs, int check)
{
	static const struct httpd_route routes[] = {
		{ "*", HTTPD_GET | HTTPD_HEAD | HTTPD_POST | HTTPD_DELETE, handle, NULL },
	};
	struct httpd_config cfg = { .listen = api.listen, .body_max = BODY_MAX,
	    .routes = routes, .nroutes = 1, .in_fd = -1, .json_errors = 1 };
	struct sigaction sa = { .sa_handler = on_hup };
	struct quake_fail f;
	sigset_t block, old;
	char *slash;
	int rc;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	if (rules_path != NULL) {
		api.have_file = 1;
		snprintf(api.rules, sizeof api.rules, "%s", rules_path);
		snprintf(api.dir, sizeof api.dir, "%s", rules_path);
		if ((slash = strrchr(api.dir, '/')) != NULL)
			*slash = '\0';
		else
			snprintf(api.dir, sizeof api.dir, ".");
		if ((api.file = slurp(rules_path, &api.flen)) == NULL) {
			quake_log(QUAKE_LOG_ERROR, "cannot read the rules", "error", strerror(errno), NULL);
			return QUAKE_EXIT_IOERR;
		}
	}
	if (api.listen == NULL) {
		if (api.admin_file || api.store_opt)
			quake_log(QUAKE_LOG_WARN, "--api-admin-token and --api-store need --api", NULL);
		return quake_subs_new(&api.subs) == QUAKE_OK ? 0 : QUAKE_EXIT_SOFTWARE;
	}
	if (rules_path == NULL) {
		quake_log(QUAKE_LOG_ERROR, "--api needs --rules FILE (the store sits beside it)", NULL);
		return QUAKE_EXIT_USAGE;
	}
	if (api.admin_file != NULL && (rc = read_admin(api.admin_file)) != 0)
		return rc;
	if ((rc = open_store(rs)) != 0 || check)
		return rc;
	if (httpd_open(&cfg, &api.h, &f) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot serve the API", "field", f.field, "reason",
		    f.reason, NULL);
		return QUAKE_EXIT_UNAVAILABLE;
	}
	/* signals go to the main thread, whose loop handles them */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(&api.th, NULL, serve, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot start the API thread", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	api.running = 1;
	quake_log(QUAKE_LOG_INFO, "API listening", "listen", api.listen, "store", api.store, NULL);
	return 0;
}

void
api_stop(void)
{
	if (api.running) {
		api.quit = 1;
		httpd_wake(api.h);
		pthread_join(api.th, NULL);
		api.running = 0;
	}
	httpd_close(api.h);
	api.h = NULL;
	pthread_mutex_lock(&api.mu);
	set_pending(NULL);
	quake_subs_free(api.subs);
	api.subs = NULL;
	free(api.file);
	api.file = NULL;
	pthread_mutex_unlock(&api.mu);
}
