/* unit_buf — bounded appends and the sticky overflow flag. */
#include "core/buf.h"
#include "unit.h"

int
main(void)
{
	static const struct { size_t cap; const char *a, *b; const char *want; int over; } cases[] = {
		{ 8, "abc", "def", "abcdef", 0 },
		{ 7, "abc", "def", "abcdef", 0 },	/* exactly fits with its NUL */
		{ 6, "abc", "def", "abc", 1 },		/* second add dropped */
		{ 3, "abc", "d", "", 1 },		/* first too long: nothing */
		{ 1, "", "", "", 0 },
	};
	char mem[16];
	struct quake_buf b;

	for (size_t i = 0; i < NELEM(cases); i++) {
		quake_buf_init(&b, mem, cases[i].cap);
		quake_buf_str(&b, cases[i].a);
		quake_buf_str(&b, cases[i].b);
		CHECK_STR(mem, cases[i].want, "buf case %zu text", i);
		CHECK(b.over == cases[i].over, "buf case %zu overflow flag", i);
		CHECK(b.len == strlen(mem), "buf case %zu length", i);
	}
	quake_buf_init(&b, mem, 4);
	quake_buf_str(&b, "abcdef");
	quake_buf_str(&b, "x");
	CHECK(b.over && b.len == 0, "after overflow, later adds are dropped");
	return unit_failed;
}
