/* fuzz_ddb — DynamoDB error bodies: never crashes, every field stays a
 * NUL-terminated string, and classification of any status is total. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ddb.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 0, 200, 400, 403, 404, 413, 429, 500, 503 };
	struct quake_ddb_error e;

	quake_ddb_parse_error((const char *)data, size, &e);
	if (memchr(e.type, '\0', sizeof e.type) == NULL ||
	    memchr(e.message, '\0', sizeof e.message) == NULL ||
	    memchr(e.old_lastupdate, '\0', sizeof e.old_lastupdate) == NULL)
		abort();
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if ((unsigned)quake_ddb_classify(statuses[i], &e) > QUAKE_DDB_FATAL)
			abort();
	return 0;
}
