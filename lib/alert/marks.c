/* marks — the decided/committed marks table and its journal file. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/json.h"
#include "alert/marks.h"
#include "core/ndjson.h"
#include "core/time.h"

struct quake_marks {
	char path[4096];
	int fd;				/* the journal, O_APPEND */
	int64_t window;
	struct quake_marks_event **slot;	/* open addressing, owned */
	size_t cap, nevents, nmarks;
	size_t lines;			/* lines in the journal file */
	char *buf;			/* committed, not yet appended */
	size_t len, bufcap;
	size_t pending;			/* lines in buf */
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct quake_marks_event **
lookup(const struct quake_marks *m, const char *id)
{
	size_t i = hash(id) & (m->cap - 1);

	while (m->slot[i] != NULL && strcmp(m->slot[i]->id, id) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slot[i];
}

static enum quake_err
grow(struct quake_marks *m)
{
	struct quake_marks_event **old = m->slot;
	size_t oldcap = m->cap;

	m->cap = oldcap ? oldcap * 2 : 1024;
	if ((m->slot = calloc(m->cap, sizeof *m->slot)) == NULL) {
		m->slot = old, m->cap = oldcap;
		return QUAKE_ENOMEM;
	}
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			*lookup(m, old[i]->id) = old[i];
	free(old);
	return QUAKE_OK;
}

/* The (id, rule) entry, created when create is set; NULL otherwise or
 * when out of memory. */
static struct quake_marks_rule *
entry(struct quake_marks *m, const char *id, const char *rule, int create)
{
	struct quake_marks_event **e, *ev;

	if (create && (m->nevents + 1) * 2 > m->cap && grow(m) != QUAKE_OK)
		return NULL;
	if (m->cap == 0)
		return NULL;
	e = lookup(m, id);
	if ((ev = *e) == NULL) {
		if (!create || (ev = calloc(1, sizeof *ev)) == NULL)
			return NULL;
		snprintf(ev->id, sizeof ev->id, "%s", id);
		*e = ev;
		m->nevents++;
	}
	for (size_t i = 0; i < ev->n; i++)
		if (strcmp(ev->r[i].rule, rule) == 0)
			return &ev->r[i];
	if (!create)
		return NULL;
	if (ev->n == ev->cap) {
		size_t nc = ev->cap ? ev->cap * 2 : 2;
		struct quake_marks_rule *nr = realloc(ev->r, nc * sizeof *nr);
		if (nr == NULL)
			return NULL;
		ev->r = nr, ev->cap = nc;
	}
	memset(&ev->r[ev->n], 0, sizeof ev->r[ev->n]);
	snprintf(ev->r[ev->n].rule, sizeof ev->r[ev->n].rule, "%s", rule);
	m->nmarks++;
	return &ev->r[ev->n++];
}

const struct quake_marks_event *
quake_marks_find(const struct quake_marks *m, const char *id)
{
	return m->cap ? *lookup(m, id) : NULL;
}

void
quake_marks_get(const struct quake_marks *m, const char *id, const char *rule,
    struct quake_alert_mark *out)
{
	struct quake_marks_rule *r = entry((struct quake_marks *)m, id, rule, 0);

	if (r != NULL)
		*out = r->decided;
	else
		memset(out, 0, sizeof *out);
}

enum quake_err
quake_marks_set(struct quake_marks *m, const char *id, const char *rule,
    const struct quake_alert_mark *mk)
{
	struct quake_marks_rule *r = entry(m, id, rule, 1);

	if (r == NULL)
		return QUAKE_ENOMEM;
	r->decided = *mk;
	return QUAKE_OK;
}

/* One journal line for (id, rule, mk) appended to the buffer. */
static enum quake_err
put_line(char **buf, size_t *len, size_t *cap, const char *id,
    const char *rule, const struct quake_alert_mark *mk)
{
	char qi[6 * 64 + 3], qr[6 * 96 + 3], lu[QUAKE_TIME_LEN + 1], t[QUAKE_TIME_LEN + 1];
	int n;

	qi[quake_json_format_string(id, qi)] = '\0';
	qr[quake_json_format_string(rule, qr)] = '\0';
	if (quake_time_format(mk->lastupdate, lu) != QUAKE_OK ||
	    quake_time_format(mk->time, t) != QUAKE_OK)
		return QUAKE_OK;	/* out of the years 0-9999: not kept */
	if (*cap - *len < 1024) {
		size_t nc = *cap ? *cap * 2 : 65536;
		char *nb = realloc(*buf, nc);
		if (nb == NULL)
			return QUAKE_ENOMEM;
		*buf = nb, *cap = nc;
	}
	n = snprintf(*buf + *len, *cap - *len, "{\"id\":%s,\"rule\":%s,\"band\":%d,"
	    "\"gen\":%d,\"cancelled\":%d,\"lastupdate\":\"%s\",\"time\":\"%s\"}\n",
	    qi, qr, mk->band, mk->gen, mk->cancelled, lu, t);
	*len += (size_t)n;
	return QUAKE_OK;
}

enum quake_err
quake_marks_commit(struct quake_marks *m, const char *id, const char *rule,
    const struct quake_alert_mark *mk)
{
	struct quake_marks_rule *r = entry(m, id, rule, 1);

	if (r == NULL)
		return QUAKE_ENOMEM;
	/* commits may come out of line order (each delivered notice's at once):
	 * one older than the mark held would take it back */
	if (r->committed.have && mk->lastupdate < r->committed.lastupdate)
		return QUAKE_OK;
	r->committed = *mk;
	m->pending++;
	return put_line(&m->buf, &m->len, &m->bufcap, id, rule, mk);
}

size_t
quake_marks_count(const struct quake_marks *m)
{
	return m->nmarks;
}

/* One journal line into the table (both views). 0, or -1 when unreadable. */
static int
load_line(struct quake_marks *m, const char *line, size_t len)
{
	json_t *o = json_loadb(line, len, 0, NULL);
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *rule = json_string_value(json_object_get(o, "rule"));
	const char *lu = json_string_value(json_object_get(o, "lastupdate"));
	const char *t = json_string_value(json_object_get(o, "time"));
	struct quake_alert_mark mk = { .have = 1 };
	struct quake_marks_rule *r;
	struct quake_fail f;
	int rc = -1;

	if (id == NULL || rule == NULL || lu == NULL || t == NULL ||
	    strlen(id) >= 64 || strlen(rule) >= 96 ||
	    quake_time_parse(lu, strlen(lu), &mk.lastupdate, &f) != QUAKE_OK ||
	    quake_time_parse(t, strlen(t), &mk.time, &f) != QUAKE_OK)
		goto out;
	mk.band = (int)json_integer_value(json_object_get(o, "band"));
	mk.gen = (int)json_integer_value(json_object_get(o, "gen"));
	mk.cancelled = json_integer_value(json_object_get(o, "cancelled")) != 0;
	if ((r = entry(m, id, rule, 1)) == NULL)
		goto out;
	r->decided = r->committed = mk;
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* Rewrite the journal with the committed marks of events after the
 * window; drop older events from the table. */
static enum quake_err
compact(struct quake_marks *m, int64_t now)
{
	char tmp[4200], dirbuf[4096];
	char *buf = NULL;
	size_t len = 0, cap = 0, lines = 0;
	struct quake_marks_event **old = m->slot;
	size_t oldcap = m->cap;
	enum quake_err err = QUAKE_OK;
	int fd = -1, dfd;

	m->slot = NULL, m->cap = 0, m->nevents = 0, m->nmarks = 0;
	if (grow(m) != QUAKE_OK) {
		m->slot = old, m->cap = oldcap;
		return QUAKE_ENOMEM;
	}
	for (size_t i = 0; i < oldcap; i++) {
		struct quake_marks_event *e = old[i];
		if (e == NULL)
			continue;
		if (e->n > 0 && e->r[0].decided.time < now - m->window) {
			free(e->r);
			free(e);
			continue;
		}
		if ((m->nevents + 1) * 2 > m->cap && grow(m) != QUAKE_OK)
			err = QUAKE_ENOMEM;
		*lookup(m, e->id) = e;
		m->nevents++;
		m->nmarks += e->n;
		for (size_t j = 0; j < e->n && err == QUAKE_OK; j++)
			if (e->r[j].committed.have && (err = put_line(&buf, &len, &cap,
			    e->id, e->r[j].rule, &e->r[j].committed)) == QUAKE_OK)
				lines++;
	}
	free(old);
	if (err != QUAKE_OK)
		goto out;
	snprintf(tmp, sizeof tmp, "%s.tmp", m->path);
	err = QUAKE_EIO;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
	    (len > 0 && write(fd, buf, len) != (ssize_t)len) || fsync(fd) != 0 ||
	    close(fd) != 0 || (fd = -1, rename(tmp, m->path)) != 0)
		goto out;
	snprintf(dirbuf, sizeof dirbuf, "%s", m->path);
	if ((dfd = open(dirname(dirbuf), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	if (m->fd >= 0)
		close(m->fd);
	if ((m->fd = open(m->path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
		goto out;
	m->lines = lines;
	err = QUAKE_OK;
out:
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
	}
	free(buf);
	return err;
}

enum quake_err
quake_marks_open(const char *path, int64_t window_us, int64_t now,
    struct quake_marks **out, size_t *skipped, struct quake_fail *f)
{
	struct quake_marks *m = calloc(1, sizeof *m);
	char *line = NULL;
	size_t cap = 0, bad = 0;
	ssize_t n;
	FILE *fp;
	enum quake_err err;

	*out = NULL;
	if (m == NULL)
		return QUAKE_ENOMEM;
	m->fd = -1;
	m->window = window_us;
	if (strlen(path) >= sizeof m->path) {
		free(m);
		errno = ENAMETOOLONG;
		return quake_err_fail(f, "state", "path too long"), QUAKE_EIO;
	}
	snprintf(m->path, sizeof m->path, "%s", path);
	if ((fp = fopen(path, "re")) == NULL && errno != ENOENT) {
		quake_err_fail(f, "state", "cannot read %.100s: %s", path, strerror(errno));
		free(m);
		return QUAKE_EIO;
	}
	while (fp != NULL && (n = getline(&line, &cap, fp)) > 0)
		if (load_line(m, line, (size_t)n) != 0)
			bad++;
	free(line);
	if (fp != NULL)
		fclose(fp);
	if ((err = compact(m, now)) != QUAKE_OK) {
		quake_err_fail(f, "state", "cannot write %.100s: %s", path, strerror(errno));
		quake_marks_close(m);
		return err;
	}
	if (skipped != NULL)
		*skipped = bad;
	*out = m;
	return QUAKE_OK;
}

enum quake_err
quake_marks_sync(struct quake_marks *m, int64_t now)
{
	size_t off = 0;

	while (off < m->len) {
		ssize_t w = write(m->fd, m->buf + off, m->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return QUAKE_EIO;
		off += (size_t)w;
	}
	if (m->len > 0 && fdatasync(m->fd) != 0)
		return QUAKE_EIO;
	m->lines += m->pending;
	m->len = 0, m->pending = 0;
	if (m->lines > 2 * m->nmarks + 1024)
		return compact(m, now);
	return QUAKE_OK;
}

void
quake_marks_close(struct quake_marks *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slot[i] != NULL) {
			free(m->slot[i]->r);
			free(m->slot[i]);
		}
	free(m->slot);
	free(m->buf);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}
