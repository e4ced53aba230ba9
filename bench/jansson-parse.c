/* jansson-parse — the ceiling for emsc-tail --replay: read FILE whole and
 * parse every JSON document in it with jansson, nothing else. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

int
main(int argc, char **argv)
{
	FILE *fp = argc > 1 ? fopen(argv[1], "rb") : NULL;
	json_error_t je;
	size_t len, off = 0, n = 0;
	char *buf;

	if (fp == NULL)
		return 2;
	fseek(fp, 0, SEEK_END);
	len = (size_t)ftell(fp);
	rewind(fp);
	if ((buf = malloc(len)) == NULL || fread(buf, 1, len, fp) != len)
		return 2;
	while (off < len) {
		while (off < len && (buf[off] == '\n' || buf[off] == ' '))
			off++;
		if (off == len)
			break;
		json_t *j = json_loadb(buf + off, len - off, JSON_DISABLE_EOF_CHECK, &je);
		if (j == NULL)
			return 1;
		off += (size_t)je.position;
		json_decref(j);
		n++;
	}
	printf("%zu\n", n);
	return 0;
}
