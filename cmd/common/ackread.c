/* ackread — status lines from the ack FIFO, read by a thread of their own
 * (see ackread.h). The thread owns the reader; what it publishes is two
 * numbers, read with atomics. At exit it may still be in read(2): its fd
 * and reader stay until the process ends. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lines/ack.h"
#include "core/log.h"
#include "core/ndjson.h"
#include "common/ackread.h"

static struct {
	struct quake_ndjson *r;
	const char *path;	/* ends: opened by the thread */
	int strict;
	void (*on_ack)(void *, const struct quake_ack *);
	void *arg;
	unsigned long upto;	/* __atomic */
	int failed;		/* __atomic */
} ar;

/* ends: a blocking read-only open, which waits for the writer (opened
 * without one, a FIFO reads as ended at once) */
static int
open_ends(void)
{
	int fd = open(ar.path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || quake_ndjson_open(fd, 0, &ar.r) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot open the ack FIFO", "path",
		    ar.path, "error", fd < 0 ? strerror(errno) : "out of memory", NULL);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

static void *
reader(void *unused)
{
	struct quake_line l;
	struct quake_ack a;
	struct quake_fail f;
	enum quake_err err;
	char got[24], want[24];

	(void)unused;
	if (ar.path != NULL && open_ends() != 0) {
		err = QUAKE_EIO;
		goto out;
	}
	/* the fd blocks; opened to write too (all but ends), a FIFO never ends */
	while ((err = quake_ndjson_next(ar.r, &l)) != QUAKE_EOF &&
	    err != QUAKE_EIO) {
		unsigned long upto = __atomic_load_n(&ar.upto, __ATOMIC_RELAXED);
		if (err != QUAKE_OK)
			continue;
		if (quake_ack_parse(l.buf, l.len, &a, &f) != QUAKE_OK) {
			quake_log(ar.strict ? QUAKE_LOG_ERROR : QUAKE_LOG_WARN,
			    "not a status line on the ack FIFO", "field", f.field,
			    "reason", f.reason, NULL);
			if (ar.strict)
				break;
			continue;
		}
		if (ar.strict && a.line != upto + 1) {
			snprintf(got, sizeof got, "%lu", a.line);
			snprintf(want, sizeof want, "%lu", upto + 1);
			quake_log(QUAKE_LOG_ERROR, "status line out of order on the ack FIFO",
			    "line", got, "expected", want, NULL);
			break;
		}
		if (a.line > upto)
			__atomic_store_n(&ar.upto, a.line, __ATOMIC_RELEASE);
		if (ar.on_ack != NULL)
			ar.on_ack(ar.arg, &a);
	}
out:
	if (ar.strict && err != QUAKE_EOF)
		__atomic_store_n(&ar.failed, 1, __ATOMIC_RELEASE);
	if (ar.on_ack != NULL)
		ar.on_ack(ar.arg, NULL);
	return NULL;
}

static int
start(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, reader, NULL) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot start the ack reader", NULL);
		return -1;
	}
	pthread_detach(t);
	return 0;
}

int
ackread_start_fn(const char *path, int strict, int ends,
    void (*on_ack)(void *, const struct quake_ack *), void *arg)
{
	struct stat st;

	ar.on_ack = on_ack;
	ar.arg = arg;
	if (!ends)
		return ackread_start(path, strict);
	/* the open waits in the thread: say now what cannot work */
	errno = 0;
	if (stat(path, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode))) {
		quake_log(QUAKE_LOG_ERROR, "cannot open the ack FIFO", "path",
		    path, "error", errno ? strerror(errno) : "not a FIFO", NULL);
		return -1;
	}
	ar.strict = strict;
	ar.path = path;
	return start();
}

int
ackread_start(const char *path, int strict)
{
	int fd;

	if ((fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    fcntl(fd, F_SETFL, 0) != 0) {
		quake_log(QUAKE_LOG_ERROR, "cannot open the ack FIFO", "path",
		    path, "error", strerror(errno), NULL);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ar.strict = strict;
	if (quake_ndjson_open(fd, 0, &ar.r) != QUAKE_OK) {
		quake_log(QUAKE_LOG_ERROR, "cannot start the ack reader", NULL);
		return -1;
	}
	return start();
}

unsigned long
ackread_upto(void)
{
	return __atomic_load_n(&ar.upto, __ATOMIC_ACQUIRE);
}

int
ackread_failed(void)
{
	return __atomic_load_n(&ar.failed, __ATOMIC_ACQUIRE);
}
