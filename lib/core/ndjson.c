/* ndjson — a read buffer of cap + 64 KiB; records are handed out in place.
 * Reads are at most 64 KiB and the unread tail moves to the front before
 * each, so only the pages a record needs are ever touched (RSS). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ndjson.h"

#define CHUNK 65536

struct quake_ndjson {
	int fd;
	size_t max;
	char *buf;
	size_t cap, start, end;	/* unread bytes are buf[start..end) */
	size_t scan;		/* bytes of buf[start..) already scanned */
	unsigned long lineno;	/* lines fully consumed */
	int eof;
	int skipping;		/* discarding an over-long record */
	unsigned long skip_lineno;
	/* document scanner state, kept across refills */
	int depth, in_str, esc, bol;
	unsigned long doc_nl;	/* newlines inside the current document */
	void (*wait_fn)(void *);
	void *wait_arg;
};

enum quake_err
quake_ndjson_open(int fd, size_t max, struct quake_ndjson **out)
{
	struct quake_ndjson *r;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return QUAKE_ENOMEM;
	r->fd = fd;
	r->max = max ? max : QUAKE_NDJSON_MAX_LINE;
	r->cap = r->max + 2 + CHUNK;
	if ((r->buf = malloc(r->cap)) == NULL) {
		free(r);
		return QUAKE_ENOMEM;
	}
	r->bol = 1;
	*out = r;
	return QUAKE_OK;
}

void
quake_ndjson_set_wait_hook(struct quake_ndjson *r, void (*fn)(void *),
    void *arg)
{
	r->wait_fn = fn;
	r->wait_arg = arg;
}

size_t
quake_ndjson_max(const struct quake_ndjson *r)
{
	return r->max;
}

void
quake_ndjson_close(struct quake_ndjson *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

/* Read more bytes. QUAKE_OK (some read), QUAKE_EOF, QUAKE_EAGAIN, QUAKE_EIO. */
static enum quake_err
fill(struct quake_ndjson *r)
{
	ssize_t n;

	if (r->eof)
		return QUAKE_EOF;
	/* before any byte handed out moves or is overwritten */
	if (r->wait_fn != NULL)
		r->wait_fn(r->wait_arg);
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - r->end < CHUNK ?
		    r->cap - r->end : CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? QUAKE_EAGAIN :
		    QUAKE_EIO;
	if (n == 0) {
		r->eof = 1;
		return QUAKE_EOF;
	}
	r->end += (size_t)n;
	return QUAKE_OK;
}

/* Hand out buf[start..start+len) as a record starting on line lineno. */
static void
emit(struct quake_ndjson *r, struct quake_line *out, size_t len,
    size_t consumed, unsigned long lineno)
{
	out->buf = r->buf + r->start;
	out->len = len;
	out->lineno = lineno;
	r->start += consumed;
	r->scan = 0;
}

enum quake_err
quake_ndjson_next(struct quake_ndjson *r, struct quake_line *line)
{
	enum quake_err err;
	char *nl;

	for (;;) {
		size_t avail = r->end - r->start;

		nl = memchr(r->buf + r->start + r->scan, '\n', avail - r->scan);
		if (r->skipping) {
			if (nl != NULL) {
				r->start = (size_t)(nl - r->buf) + 1;
				r->skipping = 0;
				r->scan = 0;
				line->buf = NULL;
				line->len = 0;
				line->lineno = r->skip_lineno;
				return QUAKE_ETOOLONG;
			}
			r->start = r->end = r->scan = 0;
		} else if (nl != NULL) {
			size_t len = (size_t)(nl - (r->buf + r->start));
			size_t consumed = len + 1;
			if (len > 0 && r->buf[r->start + len - 1] == '\r')
				len--;
			r->lineno++;
			if (len > r->max) {
				r->start += consumed;
				r->scan = 0;
				line->buf = NULL;
				line->len = 0;
				line->lineno = r->lineno;
				return QUAKE_ETOOLONG;
			}
			emit(r, line, len, consumed, r->lineno);
			return QUAKE_OK;
		} else if (avail > r->max + 1) {
			/* longer than the cap with no end in sight: drop it */
			r->lineno++;
			r->skip_lineno = r->lineno;
			r->skipping = 1;
			r->start = r->end = r->scan = 0;
		} else
			r->scan = avail;

		err = fill(r);
		if (err == QUAKE_EOF) {
			if (r->skipping) {
				r->skipping = 0;
				line->buf = NULL;
				line->len = 0;
				line->lineno = r->skip_lineno;
				return QUAKE_ETOOLONG;
			}
			avail = r->end - r->start;
			if (avail == 0)
				return QUAKE_EOF;
			r->lineno++;
			if (r->buf[r->start + avail - 1] == '\r')
				avail--;
			if (avail > r->max) {
				r->start = r->end;
				r->scan = 0;
				line->buf = NULL;
				line->len = 0;
				line->lineno = r->lineno;
				return QUAKE_ETOOLONG;
			}
			emit(r, line, avail, r->end - r->start, r->lineno);
			return QUAKE_OK;
		}
		if (err != QUAKE_OK)
			return err;
	}
}

/* Scan buf[start+scan..end) for the end of the current document. Returns 1
 * and sets *len / *consumed when one ends; 0 if more input is needed. */
static int
scan_doc(struct quake_ndjson *r, size_t *len, size_t *consumed)
{
	const char *b = r->buf + r->start;
	size_t avail = r->end - r->start, i;

	for (i = r->scan; i < avail; i++) {
		char c = b[i];
		int bol = r->bol;

		r->bol = c == '\n';
		if ((i > 0 || r->skipping) && bol && c == '{' && r->depth > 0) {
			/* a line starting with '{': the open document was cut */
			*len = *consumed = i;
			return 1;
		}
		if (r->in_str) {
			if (r->esc)
				r->esc = 0;
			else if (c == '\\')
				r->esc = 1;
			else if (c == '"')
				r->in_str = 0;
			else if (c == '\n') {
				*len = i;
				*consumed = i + 1;
				r->doc_nl++;
				return 1;
			}
			continue;
		}
		if (c == '\n') {
			r->doc_nl++;
			if (r->depth == 0) {
				/* stray text ends at its line */
				*len = i;
				*consumed = i + 1;
				return 1;
			}
		} else if (c == '"')
			r->in_str = 1;
		else if (c == '{' || c == '[')
			r->depth++;
		else if (c == '}' || c == ']') {
			if (r->depth > 0 && --r->depth == 0) {
				*len = *consumed = i + 1;
				return 1;
			}
		}
	}
	r->scan = avail;
	return 0;
}

enum quake_err
quake_ndjson_next_doc(struct quake_ndjson *r, struct quake_line *doc)
{
	enum quake_err err;
	size_t len, consumed;

	for (;;) {
		/* skip white space between documents, counting lines */
		while (r->scan == 0 && r->start < r->end) {
			char c = r->buf[r->start];
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				break;
			if (c == '\n')
				r->lineno++;
			r->bol = c == '\n';
			r->start++;
		}
		if (r->start < r->end && scan_doc(r, &len, &consumed)) {
			unsigned long first = r->lineno + 1;
			int skipped = r->skipping;

			while (len > 0 && memchr(" \t\r\n",
			    r->buf[r->start + len - 1], 4) != NULL)
				len--;
			r->lineno += r->doc_nl;
			r->doc_nl = 0;
			r->depth = r->in_str = r->esc = 0;
			if (skipped) {
				r->skipping = 0;
				r->start += consumed;
				r->scan = 0;
				doc->buf = NULL;
				doc->len = 0;
				doc->lineno = r->skip_lineno;
				return QUAKE_ETOOLONG;
			}
			if (len > r->max) {
				r->start += consumed;
				r->scan = 0;
				doc->buf = NULL;
				doc->len = 0;
				doc->lineno = first;
				return QUAKE_ETOOLONG;
			}
			emit(r, doc, len, consumed, first);
			return QUAKE_OK;
		}
		if (r->end - r->start > r->max + 1 && !r->skipping) {
			r->skipping = 1;
			r->skip_lineno = r->lineno + 1;
		}
		if (r->skipping) {
			/* forget scanned bytes, keep counting their lines */
			r->start = r->end = r->scan = 0;
		}
		err = fill(r);
		if (err == QUAKE_EOF) {
			size_t avail = r->end - r->start;
			unsigned long first = r->lineno + 1;
			int skipped = r->skipping;

			r->lineno += r->doc_nl + 1;
			r->doc_nl = 0;
			r->depth = r->in_str = r->esc = 0;
			r->skipping = 0;
			if (skipped) {
				doc->buf = NULL;
				doc->len = 0;
				doc->lineno = r->skip_lineno;
				return QUAKE_ETOOLONG;
			}
			if (avail == 0)
				return QUAKE_EOF;
			emit(r, doc, avail, avail, first);
			return QUAKE_OK;
		}
		if (err != QUAKE_OK)
			return err;
	}
}

size_t
quake_ndjson_compact(char *buf, size_t len)
{
	size_t i, o = 0;
	int in_str = 0, esc = 0;

	for (i = 0; i < len; i++) {
		char c = buf[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"')
			in_str = 1;
		else if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		buf[o++] = c;
	}
	return o;
}
