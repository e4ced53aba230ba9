/* fuzz_kpos — the SSE id a client sends back (Last-Event-ID, ?since=) and
 * the position prefix on quake-map's stdin: never crash or read past the
 * input (it is copied to an exact-size buffer); what reads as an id is
 * written again and reads back as the same entries; a prefix that reads is
 * written again byte for byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lines/kpos.h"

static void
same(const struct quake_kpos *a, const struct quake_kpos *b, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i].partition != b[i].partition || a[i].offset != b[i].offset ||
		    a[i].topic_len != b[i].topic_len ||
		    memcmp(a[i].topic, b[i].topic, a[i].topic_len) != 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quake_kpos v[QUAKE_KPOS_MAX], w[QUAKE_KPOS_MAX], p;
	struct quake_fail f;
	char out[QUAKE_KPOS_ID_MAX + 1], pre[QUAKE_KPOS_PREFIX_MAX + 1];
	char *in = malloc(size ? size : 1);
	size_t n, skip;
	int k, m;

	if (in == NULL)
		return 0;
	if (size > 0)
		memcpy(in, data, size);
	k = quake_kpos_parse_id(in, size, v, &f);
	if (k == 0 || k > QUAKE_KPOS_MAX)
		abort();
	if (k > 0) {
		/* the same entries, grouped as written: read back alike */
		n = quake_kpos_format_id(v, (size_t)k, out, sizeof out);
		if (n == 0 || n > size + (size_t)k * 300)
			abort();
		m = quake_kpos_parse_id(out, n, w, &f);
		if (m != k)
			abort();
		same(v, w, k);
	}
	k = quake_kpos_parse_prefix(in, size, &p, &skip, &f);
	if (k == 1) {
		char topic[QUAKE_KPOS_TOPIC_MAX + 1];

		if (skip > size || p.topic_len > QUAKE_KPOS_TOPIC_MAX)
			abort();
		memcpy(topic, p.topic, p.topic_len);
		topic[p.topic_len] = '\0';
		n = quake_kpos_format_prefix(topic, p.partition, p.offset, pre, sizeof pre);
		if (n != skip || memcmp(pre, in, n) != 0)
			abort();
	} else if (k != 0 && k != -1)
		abort();
	free(in);
	return 0;
}
