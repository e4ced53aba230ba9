/* fuzz_ddb — DynamoDB answers: error bodies and Query/Scan pages never
 * crash; every error field stays a NUL-terminated string, classification
 * of any status is total, each item handed out is a valid event that
 * writes as a canonical line that reads back the same, and the next key
 * stays within its buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ddb.h"

static int
on_item(void *arg, enum quake_err err, const struct quake_event *ev,
    const struct quake_fail *f)
{
	char line[QUAKE_EVENT_LINE_MAX + 1], again[QUAKE_EVENT_LINE_MAX + 1];
	struct quake_event back;
	struct quake_fail bf;
	size_t n;

	(void)arg;
	if (err != QUAKE_OK) {
		if (ev != NULL || memchr(f->reason, '\0', sizeof f->reason) == NULL)
			abort();
		return 0;
	}
	if (quake_event_validate(ev, &bf) != QUAKE_OK ||
	    (n = quake_event_format(ev, line, sizeof line)) == 0 ||
	    quake_event_parse_line(line, n, &back, &bf) != QUAKE_OK ||
	    quake_event_format(&back, again, sizeof again) != n ||
	    memcmp(line, again, n) != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 0, 200, 400, 403, 404, 413, 429, 500, 503 };
	struct quake_ddb_error e;
	struct quake_fail f;
	char key[QUAKE_DDB_KEY_MAX];
	size_t n;

	quake_ddb_parse_error((const char *)data, size, &e);
	if (memchr(e.type, '\0', sizeof e.type) == NULL ||
	    memchr(e.message, '\0', sizeof e.message) == NULL ||
	    memchr(e.old_lastupdate, '\0', sizeof e.old_lastupdate) == NULL)
		abort();
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if ((unsigned)quake_ddb_classify(statuses[i], &e) > QUAKE_DDB_FATAL)
			abort();
	if (quake_ddb_parse_items((const char *)data, size, on_item, NULL, key,
	    sizeof key, &n, &f) == QUAKE_OK && memchr(key, '\0', sizeof key) == NULL)
		abort();
	return 0;
}
