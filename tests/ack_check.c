/* ack_check — every line of stdin must parse with the ack parser
 * (lib/lines/ack.c, what quake-consume --acks and emsc-tail --acks use): prints
 * "ok N" for N lines, or "bad LINE: reason" for the first that does not
 * (tests/cli-hardening.sh, the status-line property test). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines/ack.h"

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long count = 0;
	struct quake_ack a;
	struct quake_fail f;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		count++;
		if (quake_ack_parse(line, (size_t)n, &a, &f) != QUAKE_OK) {
			printf("bad %lu: %s\n", count, f.reason);
			free(line);
			return 1;
		}
	}
	printf("ok %lu\n", count);
	free(line);
	return 0;
}
