/* use.c — a program built against an installed libquake (tests/suite-cli.sh). */
#include <stdio.h>
#include <string.h>
#include <quake.h>
int main(void) {
	const char *l = "{\"id\":\"x_1\",\"action\":\"create\",\"time\":\"2024-01-01T00:00:00Z\",\"lastupdate\":\"2024-01-01T00:00:00.5Z\",\"lat\":1,\"lon\":2,\"depth\":3,\"mag\":4,\"magtype\":\"m\",\"region\":\"R\",\"evtype\":\"ke\",\"auth\":\"A\",\"source_catalog\":\"C\",\"source_id\":\"1\"}";
	struct quake_event ev; struct quake_fail f; char out[QUAKE_EVENT_LINE_MAX + 1];
	if (quake_event_parse_line(l, strlen(l), &ev, &f) != QUAKE_OK) { printf("%s %s\n", f.field, f.reason); return 1; }
	quake_event_format(&ev, out, sizeof out); puts(out); return 0;
}
