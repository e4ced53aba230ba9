/* unit_ackq — the ordered status-line layer: records finished in any order
 * come out as status lines in input order; a failure holds back everything
 * after it; the read step rejects over-long lines itself; the exit decision;
 * the acknowledged side drops what the ack FIFO reports. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/ackq.h"
#include "core/ndjson.h"
#include "common/tool.h"
#include "unit.h"

/* One step: p push line n (id "id<n>", or a 30-byte id for n >= 100),
 * d done (produced) the record of sequence n, f fail it, r reject line n,
 * D drain (n: the return wanted). */
struct step { char op; int n; };

static const struct {
	const char *what;
	struct step steps[12];
	const char *want;	/* status lines written */
	size_t pending;
	int exit;		/* ackq_exit(status 0, unacked 75) */
} cases[] = {
	{ "in order", { { 'p', 1 }, { 'p', 2 }, { 'd', 0 }, { 'd', 1 }, { 'D', 0 } },
	  "{\"id\":\"id1\",\"status\":\"produced\",\"line\":1}\n"
	  "{\"id\":\"id2\",\"status\":\"produced\",\"line\":2}\n", 0, 0 },
	{ "finished out of order, written in order",
	  { { 'p', 1 }, { 'p', 2 }, { 'd', 1 }, { 'D', 0 }, { 'd', 0 }, { 'D', 0 } },
	  "{\"id\":\"id1\",\"status\":\"produced\",\"line\":1}\n"
	  "{\"id\":\"id2\",\"status\":\"produced\",\"line\":2}\n", 0, 0 },
	{ "an open head holds the rest", { { 'p', 1 }, { 'p', 2 }, { 'd', 1 }, { 'D', 0 } },
	  "", 2, 75 },
	{ "a reject waits its turn",
	  { { 'p', 1 }, { 'r', 2 }, { 'D', 0 }, { 'd', 0 }, { 'D', 0 } },
	  "{\"id\":\"id1\",\"status\":\"produced\",\"line\":1}\n"
	  "{\"id\":\"id2\",\"status\":\"rejected\",\"line\":2,\"error\":\"lat: 91.5 out of range\"}\n",
	  0, 65 },
	{ "a failure holds back what follows",
	  { { 'p', 1 }, { 'p', 2 }, { 'p', 3 }, { 'd', 0 }, { 'd', 2 }, { 'f', 1 },
	    { 'D', -1 } },
	  "{\"id\":\"id1\",\"status\":\"produced\",\"line\":1}\n", 2, 75 },
	{ "a long id is kept whole", { { 'p', 100 }, { 'd', 0 }, { 'D', 0 } },
	  "{\"id\":\"abcdefghijklmnopqrstuvwxyz0100\",\"status\":\"produced\",\"line\":100}\n",
	  0, 0 },
	{ "nothing at all", { { 'D', 0 } }, "", 0, 0 },
};

static struct ackq q;

static void
step(const struct step *s, int *drained)
{
	char id[40];
	struct quake_fail f = { "lat", "91.5 out of range" };

	if (s->n >= 100)
		snprintf(id, sizeof id, "abcdefghijklmnopqrstuvwxyz%04d", s->n);
	else
		snprintf(id, sizeof id, "id%d", s->n);
	switch (s->op) {
	case 'p': ackq_push(&q, (unsigned long)s->n, id, strlen(id), NULL); break;
	case 'd': ackq_done(&q, ackq_at(&q, (uint64_t)s->n), QUAKE_ACK_PRODUCED, NULL); break;
	case 'f': ackq_fail(ackq_at(&q, (uint64_t)s->n)); break;
	case 'r': ackq_reject(&q, (unsigned long)s->n, id, &f, NULL, 0); break;
	case 'D': *drained &= ackq_drain(&q) == s->n; break;
	}
}

/* Run fn with stdout going to a file; what it wrote into out[cap]. */
static void
capture(void (*fn)(void *), void *arg, char *out, size_t cap)
{
	FILE *tmp = tmpfile();
	int saved = dup(1);
	size_t n;

	fflush(stdout);
	dup2(fileno(tmp), 1);
	fn(arg);
	tool_flush();
	dup2(saved, 1);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, cap - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

static int drained_ok;

static void
run_case(void *arg)
{
	size_t i = *(size_t *)arg;

	drained_ok = 1;
	for (size_t k = 0; k < NELEM(cases[i].steps) && cases[i].steps[k].op; k++)
		step(&cases[i].steps[k], &drained_ok);
}

static void
status_side(void)
{
	char out[1024];

	for (size_t i = 0; i < NELEM(cases); i++) {
		long long in = 0, rejected = 0;
		ackq_init(&q, sizeof(struct ackq_rec), NULL, &in, &rejected);
		capture(run_case, &i, out, sizeof out);
		CHECK_STR(out, cases[i].want, "ackq: %s: status lines", cases[i].what);
		CHECK(drained_ok, "ackq: %s: drain's answers", cases[i].what);
		CHECK(ackq_pending(&q) == cases[i].pending, "ackq: %s: %zu pending",
		    cases[i].what, cases[i].pending);
		CHECK(ackq_exit(&q, 0, 75, QUAKE_LOG_DEBUG, "left") == cases[i].exit,
		    "ackq: %s: exit %d", cases[i].what, cases[i].exit);
		CHECK(ackq_exit(&q, 74, 75, QUAKE_LOG_DEBUG, "left") == 74,
		    "ackq: %s: a status already set stands", cases[i].what);
		ackq_free(&q);
	}
}

static void
drain_it(void *arg)
{
	ackq_drain(arg);
}

/* The read step over a file: a good line, one over the cap, a good one. */
static void
read_step(void)
{
	char path[] = "/tmp/unit_ackq.XXXXXX";
	int fd = mkstemp(path), status = 0;
	struct quake_ndjson *r;
	struct quake_line l;
	long long in = 0, rejected = 0;
	char *big = malloc(QUAKE_NDJSON_MAX_LINE + 2);
	char out[512];

	memset(big, 'x', QUAKE_NDJSON_MAX_LINE + 1);
	big[QUAKE_NDJSON_MAX_LINE + 1] = '\n';
	if (write(fd, "a\n", 2) != 2 ||
	    write(fd, big, QUAKE_NDJSON_MAX_LINE + 2) != QUAKE_NDJSON_MAX_LINE + 2 ||
	    write(fd, "b\n", 2) != 2)
		abort();
	free(big);
	lseek(fd, 0, SEEK_SET);
	quake_ndjson_open(fd, 0, &r);
	ackq_init(&q, sizeof(struct ackq_rec), NULL, &in, &rejected);
	CHECK(ackq_next(&q, r, &l, &status) == QUAKE_OK && l.len == 1 &&
	    l.buf[0] == 'a', "ackq_next: the first line");
	CHECK(ackq_next(&q, r, &l, &status) == QUAKE_OK && l.len == 1 &&
	    l.buf[0] == 'b' && l.lineno == 3, "ackq_next: the long one rejected, line 3 next");
	CHECK(ackq_next(&q, r, &l, &status) == QUAKE_EOF && status == 0,
	    "ackq_next: the end");
	CHECK(in == 3 && rejected == 1 && ackq_pending(&q) == 1,
	    "ackq_next: 3 lines in, 1 rejected and queued");
	capture(drain_it, &q, out, sizeof out);
	CHECK_STR(out, "{\"id\":\"\",\"status\":\"rejected\",\"line\":2,\"error\":"
	    "\"line longer than 1048576 bytes\"}\n", "ackq_next: its status line");
	ackq_free(&q);
	quake_ndjson_close(r);
	close(fd);
	unlink(path);
}

static void
sum(void *rec, void *arg)
{
	*(long *)arg = *(long *)arg * 10 + *(long *)rec;
}

static void
acked_side(void)
{
	long seen = 0;

	ackq_init(&q, sizeof(long), NULL, NULL, NULL);
	for (long i = 1; i <= 5; i++)
		*(long *)ackq_add(&q) = i;
	ackq_acked(&q, 3, sum, &seen);
	CHECK(seen == 123 && ackq_pending(&q) == 2, "acked: lines 1-3, in order");
	ackq_acked(&q, 3, sum, &seen);
	CHECK(seen == 123, "acked: the same ack again drops nothing");
	ackq_acked(&q, 9, sum, &seen);
	CHECK(seen == 12345 && ackq_pending(&q) == 0, "acked: past the end, the rest");
	ackq_free(&q);
}

int
main(void)
{
	tool_init("unit_ackq");
	status_side();
	read_step();
	acked_side();
	tool_flush();
	return unit_failed;
}
