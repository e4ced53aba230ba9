/* tool — shared plumbing of the quake binaries (not part of libquake). */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ndjson.h"
#include "core/time.h"
#include "common/tool.h"

volatile sig_atomic_t tool_stop;

static const char *tool_prog;
static enum tool_out_state out_failed;
static FILE *dead_fp;
static const char *dead_path;	/* borrowed from the caller */
static int dead_failed;		/* a write to it failed (logged once) */
static char outbuf[1 << 16];

static int stop_pipe[2] = { -1, -1 };	/* a byte written on each stop */

static void
on_signal(int sig)
{
	int e = errno;

	(void)sig;
	tool_stop = 1;
	(void)!write(stop_pipe[1], "", 1);	/* full: readable already */
	errno = e;
}

int
tool_stop_fd(void)
{
	return stop_pipe[0];
}

/* Fds 0-2 closed by whoever started us would be taken by the next file
 * opened (curl's socketpair, a dead-letter file) and the tool would write
 * its output or its log into that: /dev/null stands in for a closed stdin
 * or stderr; a closed stdout is an I/O error (74) since no output can go. */
static int
std_fds_reopen(void)
{
	int closed_out = 0;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(QUAKE_EXIT_IOERR);	/* cannot happen: fd was free */
		if (fd == 1)
			closed_out = 1;
	}
	return closed_out;
}

void
tool_init(const char *prog)
{
	enum quake_log_level lvl = QUAKE_LOG_INFO;
	const char *env = getenv("QUAKE_LOG_LEVEL");
	struct sigaction sa;
	int closed_out = std_fds_reopen();	/* before anything opens a file */

	tool_prog = prog;
	if (env != NULL && quake_log_level_parse(env, &lvl) != 0)
		lvl = QUAKE_LOG_INFO;
	quake_log_init(prog, stderr, lvl);
	if (closed_out) {
		quake_log(QUAKE_LOG_ERROR, "stdout is closed", NULL);
		exit(QUAKE_EXIT_IOERR);
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(stop_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		stop_pipe[0] = stop_pipe[1] = -1;	/* loops fall back on ticks */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int
out_error(void)
{
	if (!out_failed) {
		out_failed = errno == EPIPE ? TOOL_OUT_GONE : TOOL_OUT_ERROR;
		if (out_failed == TOOL_OUT_ERROR)
			quake_log(QUAKE_LOG_ERROR, "cannot write stdout",
			    "error", strerror(errno), NULL);
	}
	return -1;
}

int
tool_out(const char *buf, size_t len)
{
	if (out_failed)
		return -1;
	/* unlocked: only this thread writes stdout */
	if (fwrite_unlocked(buf, 1, len, stdout) != len ||
	    putc_unlocked('\n', stdout) == EOF)
		return out_error();
	return 0;
}

int
tool_flush(void)
{
	if (out_failed)
		return -1;
	if (fflush(stdout) != 0)
		return out_error();
	return 0;
}

void
tool_flush_hook(void *unused)
{
	(void)unused;
	tool_flush();
}

enum tool_out_state
tool_out_failed(void)
{
	return out_failed;
}

int
tool_out_close(int status)
{
	int soft = status == QUAKE_EXIT_OK || status == QUAKE_EXIT_DATAERR ||
	    status == QUAKE_EXIT_TEMPFAIL;

	tool_flush();
	tool_dead_letter_close();
	/* an I/O error outranks rejects and lines left over: the output, or
	 * the record of what was rejected, is incomplete */
	if (soft && (out_failed == TOOL_OUT_ERROR || dead_failed))
		return QUAKE_EXIT_IOERR;
	/* the reader went away (| head): a quiet stop, like SIGTERM */
	if (soft && out_failed == TOOL_OUT_GONE)
		return QUAKE_EXIT_OK;
	return status;
}

int64_t
tool_backoff(int attempt, int64_t base_us, int64_t cap_us, int full)
{
	int64_t w = base_us << (attempt < 30 ? attempt : 30);

	if (w > cap_us)
		w = cap_us;
	if (full)
		return (int64_t)(random() % (w + 1));
	return w / 2 + (int64_t)(random() % (w / 2 + 1));
}

int
tool_dead_letter_open(const char *path)
{
	dead_path = path;
	if ((dead_fp = fopen(path, "a")) == NULL) {
		quake_log(QUAKE_LOG_ERROR, "cannot open dead-letter file",
		    "path", path, "error", strerror(errno), NULL);
		return -1;
	}
	return 0;
}

/* A write to the dead-letter file failed: one line, and exit 74 later. */
static void
dead_letter_failed(void)
{
	if (!dead_failed)
		quake_log(QUAKE_LOG_ERROR, "cannot write the dead-letter file",
		    "path", dead_path, "error", strerror(errno), NULL);
	dead_failed = 1;
}

void
tool_dead_letter_close(void)
{
	if (dead_fp != NULL && fclose(dead_fp) != 0)
		dead_letter_failed();
	dead_fp = NULL;
}

void
tool_reject(unsigned long lineno, const struct quake_fail *f, const char *rec,
    size_t len)
{
	char ln[24];

	snprintf(ln, sizeof ln, "%lu", lineno);
	if (f->field[0] != '\0')
		quake_log(QUAKE_LOG_WARN, "rejected", "line", ln, "field",
		    f->field, "reason", f->reason, NULL);
	else
		quake_log(QUAKE_LOG_WARN, "rejected", "line", ln, "reason",
		    f->reason, NULL);
	if (dead_fp != NULL && rec != NULL && (fwrite(rec, 1, len, dead_fp) != len ||
	    fputc('\n', dead_fp) == EOF || fflush(dead_fp) != 0))
		dead_letter_failed();
}

void
tool_version(void)
{
	printf("%s %s\n", tool_prog, QUAKE_VERSION);
	exit(0);
}

static void __attribute__((noreturn))
bad_value(const char *opt, const char *s)
{
	quake_log(QUAKE_LOG_ERROR, "bad option value", "option", opt,
	    "value", s, NULL);
	exit(QUAKE_EXIT_USAGE);
}

long
tool_parse_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		bad_value(opt, s);
	return v;
}

double
tool_parse_double(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !isfinite(v) || v < min || v > max)
		bad_value(opt, s);
	return v;
}

int64_t
tool_parse_duration(const char *opt, const char *s)
{
	struct quake_fail f;
	int64_t us;

	if (quake_time_parse_duration(s, &us, &f) != QUAKE_OK || us <= 0)
		bad_value(opt, s);
	return us;
}

static long stats_every;
static int64_t stats_next;

void
tool_stats_every(long seconds)
{
	stats_every = seconds;
	stats_next = quake_time_now() + seconds * 1000000LL;
}

int
tool_stats_due(void)
{
	int64_t now;

	if (stats_every <= 0 || (now = quake_time_now()) < stats_next)
		return 0;
	stats_next = now + stats_every * 1000000LL;
	return 1;
}

void
tool_stats_log(const struct tool_counter *c, size_t n)
{
	tool_counters_log("stats", c, n);
}

void
tool_counters_log(const char *msg, const struct tool_counter *c, size_t n)
{
	char num[10][24];
	const char *a[21] = { NULL };

	for (size_t i = 0; i < n && i < 10; i++) {
		snprintf(num[i], sizeof num[i], "%lld", c[i].value);
		a[2 * i] = c[i].name;
		a[2 * i + 1] = num[i];
	}
	quake_log(QUAKE_LOG_INFO, msg, a[0], a[1], a[2], a[3], a[4], a[5],
	    a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15],
	    a[16], a[17], a[18], a[19], NULL);
}

enum quake_err
tool_next_line(struct quake_ndjson *r, struct quake_line *l,
    struct quake_fail *f, int *status)
{
	enum quake_err err = quake_ndjson_next(r, l);

	if (err == QUAKE_ETOOLONG)
		quake_err_fail(f, "", "line longer than %zu bytes", quake_ndjson_max(r));
	else if (err == QUAKE_EIO) {
		quake_log(QUAKE_LOG_ERROR, "cannot read stdin", "error",
		    strerror(errno), NULL);
		*status = QUAKE_EXIT_IOERR;
		err = QUAKE_EOF;
	}
	return err;
}

const char *
tool_read_private(const char *path, char *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	const char *why = NULL;
	struct stat st;
	ssize_t n = 0;

	if (fd < 0 || fstat(fd, &st) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if ((st.st_mode & 077) != 0)
		why = "readable or writable by group or others (chmod 600)";
	else if ((n = read(fd, buf, cap - 1)) <= 0)
		why = n == 0 ? "empty" : strerror(errno);
	if (fd >= 0)
		close(fd);
	if (why != NULL)
		return why;
	while (n > 0 && strchr("\r\n \t", buf[n - 1]) != NULL)
		n--;
	buf[n] = '\0';
	*len = (size_t)n;
	return NULL;
}

void
tool_oom(void)
{
	quake_log(QUAKE_LOG_ERROR, "out of memory", NULL);
	exit(QUAKE_EXIT_SOFTWARE);
}

void *
tool_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (p == NULL)
		tool_oom();
	return p;
}
