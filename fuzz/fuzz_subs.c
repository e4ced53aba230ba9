/* fuzz_subs — quake-alert's API parsers: the subscriptions store file and
 * a request body taken as a rule; never crash or leak; what is taken
 * dumps, parses back and merges. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert/subs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char h[QUAKE_SUBS_HASH_LEN];
	struct quake_subs *s, *back;
	struct quake_fail f;
	char *text, *merged;
	size_t len, mlen;

	if (quake_subs_parse((const char *)data, size, &s, &f) != QUAKE_OK) {
		if (s != NULL || memchr(f.reason, '\0', sizeof f.reason) == NULL)
			abort();
		if (quake_subs_new(&s) != QUAKE_OK)
			return 0;
	}
	if (quake_subs_count(s) == 0 && quake_subs_add(s, "fuzz", h, &f) != QUAKE_OK)
		abort();
	if (quake_subs_rule_add(s, 0, (const char *)data, size, "/s.whsec", 20, &f) < 0)
		abort();
	if ((text = quake_subs_dump(s, &len)) == NULL)
		abort();
	if (quake_subs_parse(text, len, &back, &f) != QUAKE_OK ||
	    quake_subs_count(back) != quake_subs_count(s))
		abort();	/* what is stored must read back */
	if (quake_subs_merge(NULL, 0, s, &merged, &mlen, &f) == QUAKE_OK)
		free(merged);
	free(text);
	text = quake_subs_rules_json(s, -1, &len);
	free(text);
	quake_subs_free(back);
	quake_subs_free(s);
	return 0;
}
