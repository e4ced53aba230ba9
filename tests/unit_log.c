/* unit_log — logfmt lines: quoting and escaping of values, level filter. */
#include <stdlib.h>

#include "core/log.h"
#include "unit.h"

int
main(void)
{
	static const struct { const char *value, *want; } cases[] = {
		{ "12", "t: level=warn msg=m k=12\n" },
		{ "", "t: level=warn msg=m k=\"\"\n" },
		{ "two words", "t: level=warn msg=m k=\"two words\"\n" },
		{ "a=b", "t: level=warn msg=m k=\"a=b\"\n" },
		{ "say \"hi\"", "t: level=warn msg=m k=\"say \\\"hi\\\"\"\n" },
		{ "line\nbreak", "t: level=warn msg=m k=\"line\\nbreak\"\n" },
		{ "back\\slash", "t: level=warn msg=m k=\"back\\\\slash\"\n" },
	};
	char *buf = NULL;
	size_t len = 0;

	for (size_t i = 0; i < NELEM(cases); i++) {
		FILE *fp = open_memstream(&buf, &len);
		quake_log_init("t", fp, QUAKE_LOG_INFO);
		quake_log(QUAKE_LOG_WARN, "m", "k", cases[i].value, NULL);
		fclose(fp);
		CHECK_STR(buf, cases[i].want, "log value %zu", i);
		free(buf);
	}
	FILE *fp = open_memstream(&buf, &len);
	quake_log_init("t", fp, QUAKE_LOG_WARN);
	quake_log(QUAKE_LOG_INFO, "hidden", NULL);
	quake_log(QUAKE_LOG_ERROR, "shown", "a", "1", "b", "2", NULL);
	fclose(fp);
	CHECK_STR(buf, "t: level=error msg=shown a=1 b=2\n", "level filter");
	free(buf);
	enum quake_log_level l;
	CHECK(quake_log_level_parse("debug", &l) == 0 && l == QUAKE_LOG_DEBUG,
	    "parse level debug");
	CHECK(quake_log_level_parse("loud", &l) == -1, "parse unknown level");
	return unit_failed;
}
