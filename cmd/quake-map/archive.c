/* archive — a queue of jobs under one mutex; the worker takes one at a time
 * and reads it with the whole pool; finished jobs wait for the loop. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "common/ddbread.h"
#include "common/dynamodb.h"
#include "core/log.h"
#include "core/time.h"

#define RESP_MAX (4u << 20)		/* a page is at most 1 MB of items */
#define LINES_MAX ((size_t)128 << 20)	/* an answer's lines at most (~400,000) */

struct archive {
	struct dynamodb db;
	long concurrency;
	int64_t timeout;
	pthread_t t;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct archive_job *todo, **todo_end, *done;
	struct httpd *h;
	volatile sig_atomic_t quit;
};

struct archive *
archive_new(const struct archive_opts *o, int *rc)
{
	struct archive *a = calloc(1, sizeof *a);

	*rc = QUAKE_EXIT_SOFTWARE;
	if (a == NULL) {
		quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
		return NULL;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->todo_end = &a->todo;
	a->concurrency = o->concurrency > 0 ? o->concurrency : 16;
	a->timeout = o->timeout > 0 ? o->timeout : 20 * 1000000LL;
	a->db.table = o->table;
	a->db.region = o->region;
	a->db.endpoint = o->endpoint;
	a->db.resp_max = RESP_MAX;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot initialise libcurl", NULL);
		goto fail;
	}
	srandom((unsigned)(quake_time_now() ^ getpid()));
	if (!dynamodb_table_name_ok(o->table)) {
		quake_log(QUAKE_LOG_ERROR, "not a DynamoDB table name (3-255 of "
		    "a-z A-Z 0-9 _ . -)", "table", o->table, NULL);
		*rc = QUAKE_EXIT_USAGE;
		goto fail;
	}
	if ((*rc = dynamodb_resolve(&a->db, o->profile, o->imds_v1)) != 0)
		goto fail;
	a->db.cache.profile = o->profile;
	a->db.cache.imds_allow_v1 = o->imds_v1;
	if ((*rc = dynamodb_pool_init(&a->db, a->concurrency)) != 0 ||
	    (*rc = dynamodb_creds_check(&a->db)) != 0)
		goto fail;
	return a;
fail:
	archive_free(a);
	return NULL;
}

static int
take_line(void *arg, const char *line, size_t len)
{
	struct archive_job *j = arg;

	if (j->len + len + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 65536;
		char *p;

		while (cap < j->len + len + 1)
			cap *= 2;
		if (cap > LINES_MAX || (p = realloc(j->lines, cap)) == NULL) {
			snprintf(j->why, sizeof j->why, "the answer is too large "
			    "(over %zu MiB of events): narrow the query",
			    LINES_MAX >> 20);
			j->status = QUAKE_EXIT_SOFTWARE;
			return 1;
		}
		j->lines = p;
		j->cap = cap;
	}
	memcpy(j->lines + j->len, line, len);
	j->len += len;
	j->lines[j->len++] = '\n';
	j->nlines++;
	return 0;
}

/* The worker: one job at a time, with the whole pool. */
static void *
worker(void *arg)
{
	struct archive *a = arg;
	struct archive_job *j;

	for (;;) {
		pthread_mutex_lock(&a->mu);
		while (a->todo == NULL && !a->quit)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->quit) {
			pthread_mutex_unlock(&a->mu);
			return NULL;
		}
		j = a->todo;
		if ((a->todo = j->next) == NULL)
			a->todo_end = &a->todo;
		pthread_mutex_unlock(&a->mu);

		if (quake_time_now() >= j->deadline) {
			j->status = QUAKE_EXIT_TEMPFAIL;
			snprintf(j->why, sizeof j->why, "the table did not answer "
			    "in time (queued behind other archive queries)");
		} else {
			struct ddbread_opts o = { .flt = j->flt,
			    .concurrency = a->concurrency, .max_attempts = 6,
			    .deadline = j->deadline, .stop = &a->quit,
			    .line = take_line, .arg = j };
			int st = ddbread_run(&a->db, &o, NULL, j->why, sizeof j->why);

			if (j->status == 0 && st != QUAKE_EXIT_DATAERR)
				j->status = st;	/* skipped items: the rest stands */
		}
		pthread_mutex_lock(&a->mu);
		j->next = a->done;
		a->done = j;
		if (a->h != NULL)
			httpd_wake(a->h);
		pthread_mutex_unlock(&a->mu);
	}
}

int
archive_start(struct archive *a, struct httpd *h)
{
	a->h = h;
	if (pthread_create(&a->t, NULL, worker, a) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot start the archive thread", NULL);
		return -1;
	}
	a->started = 1;
	return 0;
}

void
archive_submit(struct archive *a, struct archive_job *j)
{
	j->deadline = quake_time_now() + a->timeout;
	j->next = NULL;
	pthread_mutex_lock(&a->mu);
	*a->todo_end = j;
	a->todo_end = &j->next;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

void
archive_finish(struct archive *a)
{
	struct archive_job *j;

	if (a == NULL)
		return;
	for (;;) {
		pthread_mutex_lock(&a->mu);
		if ((j = a->done) != NULL)
			a->done = j->next;
		pthread_mutex_unlock(&a->mu);
		if (j == NULL)
			return;
		j->done(j->ctx, j);
		archive_job_free(j);
	}
}

void
archive_job_free(struct archive_job *j)
{
	if (j == NULL)
		return;
	free(j->lines);
	free(j->user);
	free(j);
}

const char *
archive_table(const struct archive *a)
{
	return a->db.table;
}

void
archive_stop(struct archive *a)
{
	if (a == NULL || !a->started)
		return;
	pthread_mutex_lock(&a->mu);
	a->quit = 1;
	a->h = NULL;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->t, NULL);
	a->started = 0;
}

void
archive_free(struct archive *a)
{
	struct archive_job *j;

	if (a == NULL)
		return;
	archive_stop(a);
	while ((j = a->todo) != NULL) {
		a->todo = j->next;
		archive_job_free(j);
	}
	while ((j = a->done) != NULL) {
		a->done = j->next;
		archive_job_free(j);
	}
	dynamodb_free(&a->db);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
	curl_global_cleanup();
}
