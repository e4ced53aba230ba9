/* curl_dl — libcurl's functions that lib/aws calls, loaded on first use
 * (curl_dl.h says why). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>

/* the functions themselves, not curl.h's type-checking macros */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "curl_dl.h"
#include "core/log.h"

static struct {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	void (*free)(void *);
	CURLU *(*url)(void);
	CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
	CURLUcode (*url_get)(CURLU *, CURLUPart, char **, unsigned int);
	void (*url_cleanup)(CURLU *);
	int ok;
} f;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot load libcurl (instance and "
		    "container credentials need it)", "error", dlerror(), NULL);
		return;
	}
#define SYM(field, name) \
	if ((*(void **)&f.field = dlsym(h, name)) == NULL) \
		goto missing
	SYM(easy_init, "curl_easy_init");
	SYM(easy_setopt, "curl_easy_setopt");
	SYM(easy_perform, "curl_easy_perform");
	SYM(easy_getinfo, "curl_easy_getinfo");
	SYM(easy_cleanup, "curl_easy_cleanup");
	SYM(slist_append, "curl_slist_append");
	SYM(slist_free_all, "curl_slist_free_all");
	SYM(free, "curl_free");
	SYM(url, "curl_url");
	SYM(url_set, "curl_url_set");
	SYM(url_get, "curl_url_get");
	SYM(url_cleanup, "curl_url_cleanup");
#undef SYM
	f.ok = 1;
	return;
missing:
	quake_log(QUAKE_LOG_ERROR, "libcurl lacks a function", "error",
	    dlerror(), NULL);
}

static int
loaded(void)
{
	pthread_once(&once, load);
	return f.ok;
}

CURL *
curl_easy_init(void)
{
	return loaded() ? f.easy_init() : NULL;
}

/* the option's argument by its type, as CURLOPTTYPE_* number them */
CURLcode
curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	va_list ap;
	CURLcode rc;

	if (!loaded())
		return CURLE_FAILED_INIT;
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = f.easy_setopt(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = f.easy_setopt(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = f.easy_setopt(h, opt, va_arg(ap, void (*)(void)));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = f.easy_setopt(h, opt, va_arg(ap, curl_off_t));
	else
		rc = f.easy_setopt(h, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode
curl_easy_perform(CURL *h)
{
	return loaded() ? f.easy_perform(h) : CURLE_FAILED_INIT;
}

/* every CURLINFO takes a pointer */
CURLcode
curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	va_list ap;
	CURLcode rc;

	if (!loaded())
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	rc = f.easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

void
curl_easy_cleanup(CURL *h)
{
	if (loaded())
		f.easy_cleanup(h);
}

struct curl_slist *
curl_slist_append(struct curl_slist *l, const char *s)
{
	return loaded() ? f.slist_append(l, s) : NULL;
}

void
curl_slist_free_all(struct curl_slist *l)
{
	if (loaded())
		f.slist_free_all(l);
}

void
curl_free(void *p)
{
	if (loaded())
		f.free(p);
}

CURLU *
curl_url(void)
{
	return loaded() ? f.url() : NULL;
}

CURLUcode
curl_url_set(CURLU *u, CURLUPart what, const char *part, unsigned int flags)
{
	return loaded() ? f.url_set(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode
curl_url_get(CURLU *u, CURLUPart what, char **part, unsigned int flags)
{
	return loaded() ? f.url_get(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

void
curl_url_cleanup(CURLU *u)
{
	if (loaded())
		f.url_cleanup(u);
}
