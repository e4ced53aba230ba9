/* deliver — notices over libcurl multi, one queue per target. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "deliver.h"
#include "alert/notice.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time.h"
#include "common/tool.h"

#define BACKOFF_BASE_US 200000LL	/* first retry within 200 ms */
#define BACKOFF_CAP_US 60000000LL	/* no wait longer than a minute */

struct target {
	enum quake_target_kind kind;
	const struct quake_target *q;	/* borrowed from the rules */
	const char *url;
	unsigned char key[768];		/* webhook key, ntfy token, or SMTP user:password */
	size_t klen;
	CURL *h;
	struct curl_slist *hdrs;	/* HTTP headers, or the mail's recipients */
	struct notice *head, *tail;	/* queue; head is the one in flight */
	int busy;
};

static struct {
	const struct quake_rules *rs;
	struct deliver_opts o;
	struct target *t;
	size_t nt;
	size_t *first;			/* rule index -> its first slot */
	size_t *slot_target;		/* slot (rule's target) -> target index */
	CURLM *multi;
	FILE *dead;
	size_t pending;
	int draining;
	long long sent, retries, given_up;
} d;

/* The secret of path into key: the file must be a regular file that only
 * its owner can read. 0, or 78 after one logged line. */
static int
read_secret(const char *rule, const char *path, enum quake_target_kind kind,
    unsigned char *key, size_t *klen)
{
	char buf[1024];
	struct quake_fail f;
	size_t n = 0;
	const char *why = tool_read_private(path, buf, sizeof buf, &n);

	if (why == NULL) {
		if (kind == QUAKE_TARGET_WEBHOOK &&
		    quake_alert_secret_parse(buf, n, key, klen, &f) != QUAKE_OK)
			why = f.reason;
		else if (kind == QUAKE_TARGET_EMAIL && (strchr(buf, ':') == NULL ||
		    buf[0] == ':' || strpbrk(buf, "\r\n") != NULL))
			why = "not one line user:password";
		else if (kind == QUAKE_TARGET_NTFY && (n == 0 || strspn(buf, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=") != n))
			why = "not a bearer token";
		else if (kind != QUAKE_TARGET_WEBHOOK) {
			memcpy(key, buf, n + 1);
			*klen = n;
		}
	}
	OPENSSL_cleanse(buf, sizeof buf);
	if (why == NULL)
		return 0;
	quake_log(QUAKE_LOG_ERROR, "cannot use the secret file", "rule", rule,
	    "path", path, "reason", why, NULL);
	return QUAKE_EXIT_CONFIG;
}

/* The same destination: one queue, one connection. */
static int
same_target(const struct quake_target *a, const struct quake_target *b)
{
	return a->kind == b->kind && strcmp(a->url, b->url) == 0 &&
	    strcmp(a->secret_file, b->secret_file) == 0 && strcmp(a->from, b->from) == 0 &&
	    a->nto == b->nto && memcmp(a->to, b->to, a->nto * sizeof a->to[0]) == 0 &&
	    strcmp(a->ca_file, b->ca_file) == 0;
}

int
deliver_init(const struct quake_rules *rs, const struct deliver_opts *o)
{
	size_t slots = 0;

	d.rs = rs;
	d.o = *o;
	for (size_t i = 0; i < rs->n; i++)
		slots += rs->rule[i].ntargets;
	d.t = calloc(slots + 1, sizeof *d.t);
	d.first = calloc(rs->n + 1, sizeof *d.first);
	d.slot_target = calloc(slots + 1, sizeof *d.slot_target);
	if (d.t == NULL || d.first == NULL || d.slot_target == NULL ||
	    (d.multi = curl_multi_init()) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return QUAKE_EXIT_SOFTWARE;
	}
	slots = 0;
	for (size_t i = 0; i < rs->n; i++) {
		const struct quake_rule *r = &rs->rule[i];
		d.first[i] = slots;
		for (size_t k = 0; k < r->ntargets; k++) {
			const struct quake_target *q = &r->targets[k];
			size_t j;
			for (j = 0; j < d.nt && !same_target(d.t[j].q, q); j++)
				;
			d.slot_target[slots++] = j;
			if (j < d.nt)
				continue;
			struct target *t = &d.t[d.nt++];
			t->kind = q->kind;
			t->q = q;
			t->url = q->url;
			if (q->secret_file[0] != '\0') {
				int rc = read_secret(r->name, q->secret_file, q->kind, t->key, &t->klen);
				if (rc != 0)
					return rc;
			}
			if ((t->h = curl_easy_init()) == NULL) {
				quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
				return QUAKE_EXIT_SOFTWARE;
			}
		}
	}
	curl_multi_setopt(d.multi, CURLMOPT_MAXCONNECTS, (long)d.nt + 4);
	if (o->dead_letter != NULL && (d.dead = fopen(o->dead_letter, "ae")) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot open dead-letter file", "path",
		    o->dead_letter, "error", strerror(errno), NULL);
		return QUAKE_EXIT_IOERR;
	}
	return 0;
}

void
deliver_give_up(long s)
{
	d.o.give_up_s = s;
}

void
deliver_queue(struct notice *n)
{
	struct target *t = &d.t[d.slot_target[d.first[n->rule] + n->target]];

	n->next = NULL;
	n->first_us = quake_time_now();
	if (t->tail != NULL)
		t->tail->next = n;
	else
		t->head = n;
	t->tail = n;
	d.pending++;
}

void
deliver_notice_free(struct notice *n)
{
	free(n->body);
	free(n->nt);
	free(n);
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	return size * n;
}

static void
free_headers(struct target *t)
{
	for (struct curl_slist *p = t->hdrs; p != NULL; p = p->next)
		OPENSSL_cleanse(p->data, strlen(p->data));
	curl_slist_free_all(t->hdrs);
	t->hdrs = NULL;
}

static struct curl_slist *
header(struct curl_slist *l, const char *name, const char *value)
{
	char line[2048];

	snprintf(line, sizeof line, "%s: %s", name, value);
	l = curl_slist_append(l, line);
	OPENSSL_cleanse(line, sizeof line);
	return l;
}

/* libcurl's upload callback: the mail of the head notice. */
static size_t
mail_read(char *p, size_t size, size_t nitems, void *arg)
{
	struct notice *n = arg;
	size_t k = size * nitems;

	if (k > n->len - n->off)
		k = n->len - n->off;
	memcpy(p, n->body + n->off, k);
	n->off += k;
	return k;
}

/* The mail of the head of t over SMTP: STARTTLS required on smtp://,
 * TLS from the start on smtps://; the user and password from the auth
 * file. */
static void
start_mail(struct target *t, struct notice *n)
{
	const struct quake_target *q = t->q;
	char addr[260], *colon = strchr((char *)t->key, ':');

	for (size_t i = 0; i < q->nto; i++) {
		snprintf(addr, sizeof addr, "<%s>", q->to[i]);
		t->hdrs = curl_slist_append(t->hdrs, addr);
	}
	snprintf(addr, sizeof addr, "<%s>", q->from);
	curl_easy_setopt(t->h, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(t->h, CURLOPT_MAIL_RCPT, t->hdrs);
	curl_easy_setopt(t->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(t->h, CURLOPT_READFUNCTION, mail_read);
	curl_easy_setopt(t->h, CURLOPT_READDATA, n);
	curl_easy_setopt(t->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n->len);
	curl_easy_setopt(t->h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(t->h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (q->ca_file[0] != '\0')
		curl_easy_setopt(t->h, CURLOPT_CAINFO, q->ca_file);
	if (colon != NULL && t->klen > 0) {
		*colon = '\0';
		curl_easy_setopt(t->h, CURLOPT_USERNAME, (const char *)t->key);
		curl_easy_setopt(t->h, CURLOPT_PASSWORD, colon + 1);
		*colon = ':';	/* libcurl keeps copies */
	}
	n->off = 0;
}

/* Start the head notice of t: headers signed now (a retry is signed anew,
 * its webhook-timestamp the time of that try). */
static void
start(struct target *t)
{
	struct notice *n = t->head;
	struct curl_slist *l = NULL;
	char ts[24], sig[QUAKE_ALERT_SIG_LEN + 1], auth[800];

	if (t->kind == QUAKE_TARGET_WEBHOOK) {
		long long now = (long long)(quake_time_now() / 1000000);
		snprintf(ts, sizeof ts, "%lld", now);
		quake_alert_sign(t->key, t->klen, n->id, now, n->body, n->len, sig);
		l = header(l, "Content-Type", "application/json");
		l = header(l, "webhook-id", n->id);
		l = header(l, "webhook-timestamp", ts);
		l = header(l, "webhook-signature", sig);
	} else if (t->kind == QUAKE_TARGET_NTFY) {
		char title[1024];	/* RFC 2047 words when not ASCII, as ntfy reads them */
		l = header(l, "Content-Type", "text/plain; charset=utf-8");
		if (quake_notice_header_word(n->nt->title, title, sizeof title) == 0)
			snprintf(title, sizeof title, "earthquake");
		l = header(l, "Title", title);
		l = header(l, "Priority", n->nt->priority);
		l = header(l, "Tags", n->nt->tags);
		l = header(l, "Click", n->nt->click);
		l = header(l, "X-Quake-Notice", n->id);
		if (t->klen > 0) {
			snprintf(auth, sizeof auth, "Bearer %s", (const char *)t->key);
			l = header(l, "Authorization", auth);
			OPENSSL_cleanse(auth, sizeof auth);
		}
	}
	if (t->kind != QUAKE_TARGET_EMAIL) {
		l = header(l, "User-Agent", "quake-alert/" QUAKE_VERSION);
		l = curl_slist_append(l, "Expect:");
	}
	t->hdrs = l;
	curl_easy_reset(t->h);
	curl_easy_setopt(t->h, CURLOPT_URL, t->url);
	if (t->kind == QUAKE_TARGET_EMAIL)
		start_mail(t, n);
	else {
		curl_easy_setopt(t->h, CURLOPT_HTTPHEADER, l);
		curl_easy_setopt(t->h, CURLOPT_POSTFIELDS, n->body);
		curl_easy_setopt(t->h, CURLOPT_POSTFIELDSIZE, (long)n->len);
		curl_easy_setopt(t->h, CURLOPT_PROTOCOLS_STR, "http,https");
	}
	curl_easy_setopt(t->h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(t->h, CURLOPT_PRIVATE, t);
	curl_easy_setopt(t->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->h, CURLOPT_CONNECTTIMEOUT_MS, d.o.timeout_ms < 5000 ? d.o.timeout_ms : 5000L);
	curl_easy_setopt(t->h, CURLOPT_TIMEOUT_MS, d.o.timeout_ms);
	curl_easy_setopt(t->h, CURLOPT_TCP_KEEPALIVE, 1L);
	n->attempts++;
	t->busy = 1;
	curl_multi_add_handle(d.multi, t->h);
}

/* The head of t leaves its queue finished (delivered or given up). */
static struct notice *
finish(struct target *t, int delivered, const char *why)
{
	struct notice *n = t->head;

	t->head = n->next;
	if (t->head == NULL)
		t->tail = NULL;
	d.pending--;
	n->delivered = delivered;
	if (delivered) {
		d.sent++;
		return n;
	}
	d.given_up++;
	snprintf(n->error, sizeof n->error, "%s", why);
	quake_log(QUAKE_LOG_ERROR, "alert given up", "rule", d.rs->rule[n->rule].name,
	    "webhook_id", n->id, "url", t->url, "error", why, NULL);
	if (d.dead != NULL) {
		char q[6 * 160 + 3];
		q[quake_json_format_string(why, q)] = '\0';
		fprintf(d.dead, "{\"kind\":\"undelivered\",\"rule\":\"%s\",\"webhook_id\":\"%s\","
		    "\"error\":%s,\"body\":", d.rs->rule[n->rule].name, n->id, q);
		if (t->kind == QUAKE_TARGET_WEBHOOK)
			fwrite(n->body, 1, n->len, d.dead);
		else {
			char *m = malloc(6 * n->len + 3);
			if (m != NULL)
				fwrite(m, 1, quake_json_format_string(n->body, m), d.dead);
			free(m);
		}
		fputs("}\n", d.dead);
		fflush(d.dead);
	}
	return n;
}

/* A transfer of t ended: the notice is done, waits for a retry, or is
 * given up. Returns the finished notice or NULL. */
static struct notice *
complete(struct target *t, CURLcode rc)
{
	struct notice *n = t->head;
	long status = 0;
	curl_off_t after = 0;
	char why[160];
	int64_t now = quake_time_now(), wait;

	curl_multi_remove_handle(d.multi, t->h);
	free_headers(t);
	t->busy = 0;
	if (rc == CURLE_OK || t->kind == QUAKE_TARGET_EMAIL)
		curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK && status >= 200 && status < 300)
		return finish(t, 1, "");
	if (t->kind == QUAKE_TARGET_EMAIL) {
		/* SMTP: 4xx (and no answer) is transient, 5xx and a refused
		 * login permanent (RFC 5321 4.2.1) */
		snprintf(why, sizeof why, "%s (SMTP %ld)", curl_easy_strerror(rc), status);
		if (status >= 500 || rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED ||
		    rc == CURLE_PEER_FAILED_VERIFICATION)
			return finish(t, 0, why);
	} else if (rc != CURLE_OK)
		snprintf(why, sizeof why, "%s", curl_easy_strerror(rc));
	else
		snprintf(why, sizeof why, "HTTP %ld", status);
	if (t->kind != QUAKE_TARGET_EMAIL && rc == CURLE_OK && status != 408 &&
	    status != 425 && status != 429 && status < 500)
		return finish(t, 0, why);	/* refused: retrying will not help */
	wait = tool_backoff(n->attempts - 1, BACKOFF_BASE_US, BACKOFF_CAP_US, 1);
	if (rc == CURLE_OK && t->kind != QUAKE_TARGET_EMAIL &&
	    curl_easy_getinfo(t->h, CURLINFO_RETRY_AFTER, &after) == CURLE_OK &&
	    after > 0 && (after > 86400 || after * 1000000LL > wait))	/* no overflow */
		wait = after > 86400 ? 86400LL * 1000000 : after * 1000000LL;
	if (now + wait > n->first_us + d.o.give_up_s * 1000000LL) {
		if (now >= n->first_us + d.o.give_up_s * 1000000LL)
			return finish(t, 0, why);
		wait = n->first_us + d.o.give_up_s * 1000000LL - now;	/* one last try */
	}
	n->not_before = now + wait;
	d.retries++;
	if (d.retries == 1 || d.retries % 100 == 0) {
		char a[24], w[24];
		snprintf(a, sizeof a, "%d", n->attempts);
		snprintf(w, sizeof w, "%lld", (long long)(wait / 1000));
		quake_log(QUAKE_LOG_WARN, "retrying", "rule", d.rs->rule[n->rule].name,
		    "url", t->url, "error", why, "attempts", a, "wait_ms", w, NULL);
	}
	return NULL;
}

void
deliver_step(void (*done)(struct notice *, void *), void *arg)
{
	int running, left, moved;
	CURLMsg *m;

	/* until quiet: a transfer that ends within the last perform is read
	 * now, and its successor started, not after the next wait */
	do {
		moved = 0;
		curl_multi_perform(d.multi, &running);
		while ((m = curl_multi_info_read(d.multi, &left)) != NULL)
			if (m->msg == CURLMSG_DONE) {
				struct target *t;
				struct notice *n;
				curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
				if ((n = complete(t, m->data.result)) != NULL)
					done(n, arg);
				moved = 1;
			}
		int64_t now = quake_time_now();
		for (size_t i = 0; i < d.nt && !d.draining; i++) {
			struct target *t = &d.t[i];
			if (!t->busy && t->head != NULL && t->head->not_before <= now) {
				start(t);
				moved = 1;
			}
		}
	} while (moved);
}

void
deliver_wait(int fd, long timeout_ms)
{
	struct curl_waitfd wfd = { fd, CURL_WAIT_POLLIN, 0 };
	long t = 1000;
	int64_t now = quake_time_now();

	curl_multi_timeout(d.multi, &t);
	if (t < 0 || t > timeout_ms)
		t = timeout_ms;
	for (size_t i = 0; i < d.nt && !d.draining; i++)
		if (!d.t[i].busy && d.t[i].head != NULL) {
			int64_t w = (d.t[i].head->not_before - now) / 1000;
			if (w < t)
				t = w < 0 ? 0 : (long)w;
		}
	curl_multi_poll(d.multi, fd >= 0 ? &wfd : NULL, fd >= 0 ? 1 : 0, (int)t, NULL);
}

size_t
deliver_pending(void)
{
	return d.pending;
}

void
deliver_drain(void)
{
	d.draining = 1;
}

void
deliver_counts(long long *sent, long long *retries, long long *given_up)
{
	*sent = d.sent, *retries = d.retries, *given_up = d.given_up;
}

void
deliver_free(void)
{
	for (size_t i = 0; i < d.nt; i++) {
		struct target *t = &d.t[i];
		if (t->busy)
			curl_multi_remove_handle(d.multi, t->h);
		free_headers(t);
		curl_easy_cleanup(t->h);
		while (t->head != NULL) {
			struct notice *n = t->head;
			t->head = n->next;
			deliver_notice_free(n);
		}
		OPENSSL_cleanse(t->key, sizeof t->key);
	}
	free(d.t);
	free(d.first);
	free(d.slot_target);
	if (d.multi != NULL)
		curl_multi_cleanup(d.multi);
	if (d.dead != NULL)
		fclose(d.dead);
	memset(&d, 0, sizeof d);
}
