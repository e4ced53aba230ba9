/* unit_ack — status lines: format, parse, and their round trip. */
#include "lines/ack.h"
#include "unit.h"

int
main(void)
{
	static const struct {
		const char *id; enum quake_ack_status st; unsigned long line;
		const char *error, *want;
	} cases[] = {
		{ "a_1", QUAKE_ACK_PRODUCED, 1, "", "{\"id\":\"a_1\",\"status\":\"produced\",\"line\":1}" },
		{ "b", QUAKE_ACK_STORED, 42, "", "{\"id\":\"b\",\"status\":\"stored\",\"line\":42}" },
		{ "c", QUAKE_ACK_STALE, 7, "", "{\"id\":\"c\",\"status\":\"stale\",\"line\":7}" },
		{ "", QUAKE_ACK_REJECTED, 3, "lat: 91.5 out of range",
		  "{\"id\":\"\",\"status\":\"rejected\",\"line\":3,\"error\":\"lat: 91.5 out of range\"}" },
		{ "d", QUAKE_ACK_REJECTED, 9, "say \"no\"\n",
		  "{\"id\":\"d\",\"status\":\"rejected\",\"line\":9,\"error\":\"say \\\"no\\\"\\u000a\"}" },
		{ "e", QUAKE_ACK_ALERTED, 5, "", "{\"id\":\"e\",\"status\":\"alerted\",\"line\":5}" },
		{ "f", QUAKE_ACK_SKIPPED, 6, "", "{\"id\":\"f\",\"status\":\"skipped\",\"line\":6}" },
		{ "g", QUAKE_ACK_UNDELIVERED, 8, "ntfy: HTTP 500",
		  "{\"id\":\"g\",\"status\":\"undelivered\",\"line\":8,\"error\":\"ntfy: HTTP 500\"}" },
	};
	char buf[QUAKE_ACK_LINE_MAX];
	struct quake_ack a, b;
	struct quake_fail f;

	for (size_t i = 0; i < NELEM(cases); i++) {
		memset(&a, 0, sizeof a);
		snprintf(a.id, sizeof a.id, "%s", cases[i].id);
		a.status = cases[i].st;
		a.line = cases[i].line;
		snprintf(a.error, sizeof a.error, "%s", cases[i].error);
		size_t n = quake_ack_format(&a, buf, sizeof buf);
		CHECK(n == strlen(cases[i].want), "ack %zu length", i);
		CHECK_STR(buf, cases[i].want, "ack %zu format", i);
		CHECK(quake_ack_parse(buf, n, &b, &f) == QUAKE_OK &&
		    strcmp(a.id, b.id) == 0 && a.status == b.status &&
		    a.line == b.line && strcmp(a.error, b.error) == 0,
		    "ack %zu round trip", i);
	}
	static const struct { const char *in, *field; } bad[] = {
		{ "", "" }, { "{}", "id" }, { "{\"id\":1}", "id" },
		{ "{\"id\":\"x\",\"status\":\"done\",\"line\":1}", "status" },
		{ "{\"id\":\"x\",\"status\":\"stored\"}", "line" },
		{ "{\"id\":\"x\",\"status\":\"stored\",\"line\":0}", "line" },
		{ "{\"id\":\"x\",\"status\":\"stored\",\"line\":\"1\"}", "line" },
	};
	for (size_t i = 0; i < NELEM(bad); i++) {
		memset(&f, 0, sizeof f);
		CHECK(quake_ack_parse(bad[i].in, strlen(bad[i].in), &b, &f) ==
		    QUAKE_EINPUT, "bad ack %zu rejected", i);
		CHECK_STR(f.field, bad[i].field, "bad ack %zu field", i);
	}
	CHECK(quake_ack_format(&a, buf, 10) == 0, "short buffer refused");
	return unit_failed;
}
