/* fdsn — FDSN event pages over libcurl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "fdsn.h"

#define PAGE_MAX (64L << 20)	/* a page larger than this is refused */

struct sink {
	char *buf;
	size_t len, cap;
	int over;
};

static size_t
sink_write(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	n *= size;
	if (s->len + n + 1 > PAGE_MAX) {
		s->over = 1;
		return 0;
	}
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		char *nb;
		while (cap < s->len + n + 1)
			cap *= 2;
		if ((nb = realloc(s->buf, cap)) == NULL) {
			s->over = 1;
			return 0;
		}
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

long
fdsn_page(const char *base, const char *cacert, int64_t updatedafter,
    long limit, long offset, long timeout_s, char **body, size_t *len,
    char *err, size_t errcap)
{
	char url[4096], when[32];
	time_t t = (time_t)(updatedafter / 1000000);
	struct tm tm;
	struct sink s = { NULL, 0, 0, 0 };
	long status = 0;
	CURL *h;
	CURLcode rc;

	*body = NULL;
	*len = 0;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(url, sizeof url, "%s%cformat=json&updatedafter=%s&orderby=time-asc"
	    "&limit=%ld&offset=%ld", base, strchr(base, '?') ? '&' : '?', when,
	    limit, offset);
	if ((h = curl_easy_init()) == NULL) {
		snprintf(err, errcap, "out of memory");
		return 0;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "emsc-tail/" QUAKE_VERSION);
	if (cacert != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, cacert);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	else
		snprintf(err, errcap, "%s", s.over ? "page too large" : curl_easy_strerror(rc));
	curl_easy_cleanup(h);
	if (status == 0) {
		free(s.buf);
		return 0;
	}
	*body = s.buf;
	*len = s.len;
	return status;
}
