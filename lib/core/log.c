/* log — logfmt lines, each written with one fwrite so lines never interleave. */
#include <stdarg.h>
#include <string.h>

#include "core/log.h"

static const char *log_prog = "quake";
static FILE *log_fp;
static enum quake_log_level log_min = QUAKE_LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
quake_log_init(const char *prog, FILE *fp, enum quake_log_level min)
{
	log_prog = prog;
	log_fp = fp;
	log_min = min;
}

int
quake_log_level_parse(const char *s, enum quake_log_level *out)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum quake_log_level)i;
			return 0;
		}
	return -1;
}

/* Append s to buf at *n (cap bytes), quoted and escaped if needed. */
static void
append_value(char *buf, size_t cap, size_t *n, const char *s)
{
	int quote = *s == '\0';

	for (const char *p = s; *p && !quote; p++)
		if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\' ||
		    (unsigned char)*p < 0x20)
			quote = 1;
	if (quote && *n < cap)
		buf[(*n)++] = '"';
	for (const char *p = s; *p && *n + 4 < cap; p++) {
		unsigned char c = (unsigned char)*p;
		if (quote && (c == '"' || c == '\\'))
			buf[(*n)++] = '\\';
		if (c < 0x20) {
			buf[(*n)++] = '\\';
			c = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : '?';
		}
		buf[(*n)++] = (char)c;
	}
	if (quote && *n < cap)
		buf[(*n)++] = '"';
}

static void
append_raw(char *buf, size_t cap, size_t *n, const char *s)
{
	size_t len = strlen(s);

	if (len > cap - *n)
		len = cap - *n;
	memcpy(buf + *n, s, len);
	*n += len;
}

void
quake_log(enum quake_log_level level, const char *msg, ...)
{
	char buf[2048];
	size_t n = 0, cap = sizeof buf - 1;
	const char *k, *v;
	va_list ap;

	if (log_fp == NULL || level < log_min)
		return;
	append_raw(buf, cap, &n, log_prog);
	append_raw(buf, cap, &n, ": level=");
	append_raw(buf, cap, &n, level_names[level]);
	append_raw(buf, cap, &n, " msg=");
	append_value(buf, cap, &n, msg);
	va_start(ap, msg);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		append_raw(buf, cap, &n, " ");
		append_raw(buf, cap, &n, k);
		append_raw(buf, cap, &n, "=");
		append_value(buf, cap, &n, v ? v : "");
	}
	va_end(ap);
	buf[n++] = '\n';
	fwrite(buf, 1, n, log_fp);
	fflush(log_fp);
}
