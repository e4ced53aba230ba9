/* unit_ndjson — line and document reading over pipes: line ends, the cap,
 * line numbers, refills in the middle of a record, non-blocking input. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/ndjson.h"
#include "unit.h"

/* Write in[0..len) to a pipe from a child, chunk bytes at a time. */
static int
feed(const char *in, size_t len, size_t chunk)
{
	int p[2];

	if (pipe(p) != 0)
		abort();
	if (fork() == 0) {
		close(p[0]);
		for (size_t o = 0; o < len; o += chunk) {
			size_t n = len - o < chunk ? len - o : chunk;
			if (write(p[1], in + o, n) != (ssize_t)n)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

/* Read all records, rendered "N:text|" (ETOOLONG as "N:LONG>cap|"). */
static char *
render(const char *in, size_t len, size_t chunk, size_t max, int docs)
{
	static char out[1 << 16];
	struct quake_ndjson *r;
	struct quake_line l;
	enum quake_err err;
	size_t o = 0;
	int fd = feed(in, len, chunk);

	out[0] = '\0';
	quake_ndjson_open(fd, max, &r);
	while ((err = docs ? quake_ndjson_next_doc(r, &l) :
	    quake_ndjson_next(r, &l)) != QUAKE_EOF) {
		if (err == QUAKE_ETOOLONG)
			o += (size_t)snprintf(out + o, sizeof out - o, "%lu:LONG>%zu|",
			    l.lineno, quake_ndjson_max(r));
		else if (err == QUAKE_OK)
			o += (size_t)snprintf(out + o, sizeof out - o, "%lu:%.*s|",
			    l.lineno, (int)l.len, l.buf);
		else {
			o += (size_t)snprintf(out + o, sizeof out - o, "ERR");
			break;
		}
	}
	quake_ndjson_close(r);
	close(fd);
	while (wait(NULL) > 0)
		;
	return out;
}

/* The wait hook's promise: records handed out since the hook last ran
 * are still in place when it runs (quake-produce hands them to librdkafka
 * there without copying them first). */
static struct { const char *p; size_t len; char copy[64]; } held[4096];
static size_t nheld, moved;

static void
check_held(void *arg)
{
	(void)arg;
	for (size_t i = 0; i < nheld; i++)
		moved += memcmp(held[i].p, held[i].copy, held[i].len) != 0;
	nheld = 0;
}

static size_t
hooked(size_t lines, size_t chunk)
{
	static char in[4096 * 64];
	struct quake_ndjson *r;
	struct quake_line l;
	size_t len = 0;
	int fd;

	for (size_t i = 0; i < lines; i++)
		len += (size_t)snprintf(in + len, sizeof in - len, "%zu:%.*s\n", i,
		    (int)(i * 7 % 50), "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	fd = feed(in, len, chunk);
	moved = nheld = 0;
	quake_ndjson_open(fd, 0, &r);
	quake_ndjson_set_wait_hook(r, check_held, NULL);
	while (quake_ndjson_next(r, &l) == QUAKE_OK && nheld < NELEM(held)) {
		held[nheld].p = l.buf;
		held[nheld].len = l.len;
		memcpy(held[nheld++].copy, l.buf, l.len);
	}
	check_held(NULL);
	quake_ndjson_close(r);
	close(fd);
	while (wait(NULL) > 0)
		;
	return moved;
}

int
main(void)
{
	static const struct {
		const char *name, *in; size_t max; int docs; const char *want;
	} cases[] = {
		{ "plain", "a\nb\n", 0, 0, "1:a|2:b|" },
		{ "no final newline", "a\nb", 0, 0, "1:a|2:b|" },
		{ "crlf", "a\r\nb\r\n", 0, 0, "1:a|2:b|" },
		{ "empty lines kept", "a\n\n\nb\n", 0, 0, "1:a|2:|3:|4:b|" },
		{ "only newline", "\n", 0, 0, "1:|" },
		{ "empty input", "", 0, 0, "" },
		{ "cap: exact fits", "12345\n123456\n1\n", 5, 0, "1:12345|2:LONG>5|3:1|" },
		{ "cap: last line too long", "1\n123456", 5, 0, "1:1|2:LONG>5|" },
		{ "cap: crlf not counted", "12345\r\n", 5, 0, "1:12345|" },
		{ "docs: one per line", "{\"a\":1}\n{\"b\":2}\n", 0, 1, "1:{\"a\":1}|2:{\"b\":2}|" },
		{ "docs: two on a line", "{\"a\":1} {\"b\":2}", 0, 1, "1:{\"a\":1}|1:{\"b\":2}|" },
		{ "docs: pretty", "{\n  \"a\": {\n    \"b\": 1\n  }\n}\n{}\n", 0, 1,
		  "1:{\n  \"a\": {\n    \"b\": 1\n  }\n}|6:{}|" },
		{ "docs: braces in strings", "{\"a\":\"}{\\\"\"}\n[1]\n", 0, 1,
		  "1:{\"a\":\"}{\\\"\"}|2:[1]|" },
		{ "docs: stray text", "hello\n{\"a\":1}\n", 0, 1, "1:hello|2:{\"a\":1}|" },
		{ "docs: cut then good", "{\"a\":{\n{\"b\":1}\n", 0, 1, "1:{\"a\":{|2:{\"b\":1}|" },
		{ "docs: newline in string", "{\"a\":\"x\n{\"b\":1}\n", 0, 1, "1:{\"a\":\"x|2:{\"b\":1}|" },
		{ "docs: unterminated at eof", "\n\n{\"a\":", 0, 1, "3:{\"a\":|" },
		{ "docs: too long", "{\"a\":\"0123456789\"}\n{}\n", 8, 1, "1:LONG>8|2:{}|" },
		{ "docs: too long pretty", "{\n\"a\":\n\"0123456789\"\n}\n{}\n", 8, 1, "1:LONG>8|5:{}|" },
		{ "docs: blank lines", "\n\n  {}\r\n\n{}", 0, 1, "3:{}|5:{}|" },
	};
	static const size_t chunks[] = { 1, 2, 3, 7, 4096 };

	for (size_t i = 0; i < NELEM(cases); i++)
		for (size_t c = 0; c < NELEM(chunks); c++)
			CHECK_STR(render(cases[i].in, strlen(cases[i].in), chunks[c],
			    cases[i].max, cases[i].docs), cases[i].want,
			    "%s (writes of %zu)", cases[i].name, chunks[c]);

	/* a 2 MiB line between two short ones, with the default 1 MiB cap */
	size_t big = 2u << 20;
	char *in = malloc(big + 8);
	memcpy(in, "x\n", 2);
	memset(in + 2, 'y', big);
	memcpy(in + 2 + big, "\nz\n", 3);
	CHECK_STR(render(in, big + 5, 65536, 0, 0), "1:x|2:LONG>1048576|3:z|",
	    "2 MiB line with the default cap");
	CHECK_STR(render(in, big + 5, 65536, 0, 1), "1:x|2:LONG>1048576|3:z|",
	    "2 MiB stray text in document mode");
	free(in);

	for (size_t c = 0; c < NELEM(chunks); c++)
		CHECK(hooked(4000, chunks[c] * 997) == 0,
		    "records stay in place until the wait hook (writes of %zu)",
		    chunks[c] * 997);

	/* non-blocking input: EAGAIN, then the line once it is complete */
	int p[2];
	struct quake_ndjson *r;
	struct quake_line l;
	if (pipe(p) != 0)
		abort();
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	quake_ndjson_open(p[0], 0, &r);
	CHECK(write(p[1], "par", 3) == 3 && quake_ndjson_next(r, &l) == QUAKE_EAGAIN,
	    "partial line on a non-blocking pipe: EAGAIN");
	CHECK(write(p[1], "t\n", 2) == 2 && quake_ndjson_next(r, &l) == QUAKE_OK &&
	    l.len == 4 && memcmp(l.buf, "part", 4) == 0 && l.lineno == 1,
	    "then the whole line");
	close(p[1]);
	CHECK(quake_ndjson_next(r, &l) == QUAKE_EOF, "then EOF");
	quake_ndjson_close(r);
	close(p[0]);

	char c1[] = "{ \"a\" : \"b c\" ,\n \"d\":[1, 2] }";
	size_t n = quake_ndjson_compact(c1, strlen(c1));
	CHECK(n == 21 && memcmp(c1, "{\"a\":\"b c\",\"d\":[1,2]}", n) == 0,
	    "compact keeps white space inside strings");
	return unit_failed;
}
