/* http — HTTP/1.x responses by hand (RFC 9112): a status line, header
 * fields, and the three ways a body ends. The response is parsed again from
 * its start on every call; chunk data is only jumped over until the last
 * chunk is in, then moved together in place. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/http.h"

#define MAX_HEAD 65536		/* status line and fields, all together */

struct head {
	int status;
	size_t end;		/* offset just past the blank line */
	int chunked, has_len;
	size_t clen;
	const char *location;
	size_t location_len;
};

/* The line at buf[*pos..len): its bounds without the CR LF (or bare LF);
 * *pos moves past it. 0 when no line end is there yet. */
static int
next_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n)
{
	const char *p = buf + *pos, *lf = memchr(p, '\n', len - *pos);

	if (lf == NULL)
		return 0;
	*s = p;
	*n = (size_t)(lf - p);
	if (*n > 0 && p[*n - 1] == '\r')
		(*n)--;
	*pos = (size_t)(lf - buf) + 1;
	return 1;
}

static int
tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static int
is_name(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* The last coding of a Transfer-Encoding value is chunked. */
static int
ends_chunked(const char *v, size_t n)
{
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return n >= 7 && strncasecmp(v + n - 7, "chunked", 7) == 0 &&
	    (n == 7 || v[n - 8] == ',' || v[n - 8] == ' ' || v[n - 8] == '\t');
}

/* One response head from buf[from..len). */
static enum quake_err
parse_head(const char *buf, size_t len, size_t from, int eof, struct head *h,
    struct quake_fail *f)
{
	size_t pos = from, n;
	const char *s;

	memset(h, 0, sizeof *h);
	if (!next_line(buf, len, &pos, &s, &n))
		goto more;
	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || s[7] < '0' || s[7] > '9' ||
	    s[8] != ' ' || s[9] < '1' || s[9] > '5' || s[10] < '0' ||
	    s[10] > '9' || s[11] < '0' || s[11] > '9' || (n > 12 && s[12] != ' '))
		return quake_err_fail(f, "", "not an HTTP/1.x status line");
	h->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	for (;;) {
		const char *colon, *v;
		size_t vn;

		if (!next_line(buf, len, &pos, &s, &n))
			goto more;
		if (n == 0)
			break;
		if (s[0] == ' ' || s[0] == '\t')
			return quake_err_fail(f, "", "folded header line");
		if ((colon = memchr(s, ':', n)) == NULL || colon == s)
			return quake_err_fail(f, "", "malformed header line");
		for (const char *c = s; c < colon; c++)
			if (!tchar((unsigned char)*c))
				return quake_err_fail(f, "", "malformed header name");
		v = colon + 1;
		vn = n - (size_t)(v - s);
		while (vn > 0 && (*v == ' ' || *v == '\t'))
			v++, vn--;
		while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
			vn--;
		if (is_name(s, (size_t)(colon - s), "content-length")) {
			size_t cl = 0;
			if (vn == 0)
				return quake_err_fail(f, "", "bad Content-Length");
			for (size_t i = 0; i < vn; i++) {
				if (v[i] < '0' || v[i] > '9' || cl > (SIZE_MAX - 9) / 10)
					return quake_err_fail(f, "", "bad Content-Length");
				cl = cl * 10 + (size_t)(v[i] - '0');
			}
			if (h->has_len && h->clen != cl)
				return quake_err_fail(f, "", "conflicting Content-Length");
			h->has_len = 1;
			h->clen = cl;
		} else if (is_name(s, (size_t)(colon - s), "transfer-encoding"))
			h->chunked = ends_chunked(v, vn);
		else if (is_name(s, (size_t)(colon - s), "location")) {
			h->location = v;
			h->location_len = vn;
		}
	}
	h->end = pos;
	return QUAKE_OK;
more:
	if (len - from > MAX_HEAD)
		return quake_err_fail(f, "", "response head longer than %d bytes", MAX_HEAD);
	return eof ? quake_err_fail(f, "", "response cut short in its head") :
	    QUAKE_EAGAIN;
}

/* Walk the chunks from buf[from..len); with compact, move their data
 * together at buf + from. *body_len: the data's length. */
static enum quake_err
chunks(char *buf, size_t len, size_t from, int compact, size_t *body_len,
    struct quake_fail *f)
{
	size_t pos = from, n, out = 0;
	const char *s;

	for (;;) {
		size_t size = 0, i;

		if (!next_line(buf, len, &pos, &s, &n))
			return QUAKE_EAGAIN;
		for (i = 0; i < n && s[i] != ';' && s[i] != ' ' && s[i] != '\t'; i++) {
			int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' :
			    s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10 :
			    s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : -1;
			if (d < 0 || size > (SIZE_MAX >> 8))
				return quake_err_fail(f, "", "bad chunk size");
			size = size * 16 + (size_t)d;
		}
		if (i == 0)
			return quake_err_fail(f, "", "bad chunk size");
		if (size == 0) {
			/* trailer fields, up to a blank line */
			do
				if (!next_line(buf, len, &pos, &s, &n))
					return QUAKE_EAGAIN;
			while (n > 0);
			*body_len = out;
			return QUAKE_OK;
		}
		if (len - pos < size + 1)
			return QUAKE_EAGAIN;
		if (compact)
			memmove(buf + from + out, buf + pos, size);
		out += size;
		pos += size;
		if (buf[pos] == '\r') {
			if (len - pos < 2)
				return QUAKE_EAGAIN;
			pos++;
		}
		if (buf[pos] != '\n')
			return quake_err_fail(f, "", "chunk data longer than its size");
		pos++;
	}
}

enum quake_err
quake_http_parse(char *buf, size_t len, int eof,
    struct quake_http_response *out, struct quake_fail *f)
{
	struct head h;
	size_t from = 0, blen;
	enum quake_err err;

	/* 1xx responses come before the real one */
	do {
		if ((err = parse_head(buf, len, from, eof, &h, f)) != QUAKE_OK)
			return err;
		from = h.end;
	} while (h.status < 200);
	memset(out, 0, sizeof *out);
	out->status = h.status;
	out->location = h.location;
	out->location_len = h.location_len;
	out->body = buf + h.end;
	if (h.status == 204 || h.status == 304)
		return QUAKE_OK;
	if (h.chunked) {
		if ((err = chunks(buf, len, h.end, 0, &blen, f)) == QUAKE_EAGAIN)
			return eof ? quake_err_fail(f, "", "response cut short in its body") : err;
		if (err != QUAKE_OK)
			return err;
		chunks(buf, len, h.end, 1, &out->body_len, f);
		return QUAKE_OK;
	}
	if (h.has_len) {
		if (len - h.end >= h.clen) {
			out->body_len = h.clen;
			return QUAKE_OK;
		}
		return eof ? quake_err_fail(f, "", "response cut short in its body") :
		    QUAKE_EAGAIN;
	}
	/* delimited by the close of the connection */
	if (!eof)
		return QUAKE_EAGAIN;
	out->body_len = len - h.end;
	return QUAKE_OK;
}
