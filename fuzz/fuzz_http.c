/* fuzz_http — HTTP responses: never crashes, never points outside the
 * bytes it was given; complete is complete whether or not the peer closed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_http_response r, s;
	struct quake_fail f;
	char *a = malloc(size + 1), *b = malloc(size + 1);
	enum quake_err ea, eb;

	if (a == NULL || b == NULL)
		abort();
	memcpy(a, data, size);
	memcpy(b, data, size);
	ea = quake_http_parse(a, size, 0, &r, &f);
	eb = quake_http_parse(b, size, 1, &s, &f);
	if (ea == QUAKE_OK) {
		if (r.status < 200 || r.status > 599 || r.body < a ||
		    r.body + r.body_len > a + size ||
		    (r.location != NULL && (r.location < a ||
		    r.location + r.location_len > a + size)))
			abort();
		/* what was complete stays complete, the same, at a close */
		if (eb != QUAKE_OK || s.status != r.status ||
		    s.body_len != r.body_len || memcmp(s.body, r.body, r.body_len))
			abort();
	} else if (ea != QUAKE_EAGAIN && ea != QUAKE_EINPUT)
		abort();
	if (eb != QUAKE_OK && eb != QUAKE_EINPUT)
		abort();	/* at a close nothing is left pending */
	free(a);
	free(b);
	return 0;
}
