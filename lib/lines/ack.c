/* ack — status lines: written by hand, read with jansson. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lines/ack.h"
#include "core/json.h"

static const char *const names[] = { "stored", "stale", "produced", "rejected",
	"alerted", "skipped", "undelivered" };
#define NNAMES (sizeof names / sizeof names[0])

const char *
quake_ack_status_str(enum quake_ack_status s)
{
	return (unsigned)s < NNAMES ? names[s] : "rejected";
}

size_t
quake_ack_format(const struct quake_ack *a, char *out, size_t cap)
{
	char buf[QUAKE_ACK_LINE_MAX];
	size_t n = 0;

	memcpy(buf, "{\"id\":", 6);
	n = 6;
	n += quake_json_format_string(a->id, buf + n);
	{
		const char *st = quake_ack_status_str(a->status);
		size_t sl = strlen(st);
		char digs[24];
		int nd = 0;
		unsigned long v = a->line;

		static const char s1[] = ",\"status\":\"", s2[] = "\",\"line\":";

		memcpy(buf + n, s1, sizeof s1 - 1);
		n += sizeof s1 - 1;
		memcpy(buf + n, st, sl);
		n += sl;
		memcpy(buf + n, s2, sizeof s2 - 1);
		n += sizeof s2 - 1;
		do
			digs[nd++] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		while (nd > 0)
			buf[n++] = digs[--nd];
	}
	if (a->status == QUAKE_ACK_REJECTED || a->error[0] != '\0') {
		memcpy(buf + n, ",\"error\":", 9);
		n += 9;
		n += quake_json_format_string(a->error, buf + n);
	}
	buf[n++] = '}';
	if (n + 1 > cap)
		return 0;
	memcpy(out, buf, n);
	out[n] = '\0';
	return n;
}

enum quake_err
quake_ack_parse(const char *buf, size_t len, struct quake_ack *a,
    struct quake_fail *f)
{
	json_error_t je;
	json_t *root, *v;
	const char *s;
	enum quake_err err = QUAKE_OK;
	int i;

	if ((root = json_loadb(buf, len, 0, &je)) == NULL)
		return quake_err_fail(f, "", "not JSON: %s", je.text);
	s = json_string_value(json_object_get(root, "id"));
	if (s == NULL || strlen(s) >= sizeof a->id) {
		err = quake_err_fail(f, "id", "must be a string");
		goto out;
	}
	strcpy(a->id, s);
	s = json_string_value(json_object_get(root, "status"));
	for (i = 0; i < (int)NNAMES && s != NULL && strcmp(s, names[i]) != 0; i++)
		;
	if (s == NULL || i == (int)NNAMES) {
		err = quake_err_fail(f, "status", "must be stored, stale, "
		    "produced, rejected, alerted, skipped or undelivered");
		goto out;
	}
	a->status = (enum quake_ack_status)i;
	v = json_object_get(root, "line");
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		err = quake_err_fail(f, "line", "must be a positive integer");
		goto out;
	}
	a->line = (unsigned long)json_integer_value(v);
	s = json_string_value(json_object_get(root, "error"));
	snprintf(a->error, sizeof a->error, "%s", s ? s : "");
out:
	json_decref(root);
	return err;
}
