/* state — the checkpoint file: read, and replaced atomically. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/state.h"
#include "core/time.h"

enum quake_err
quake_state_read(const char *path, int64_t *us, struct quake_fail *f)
{
	char buf[128];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? QUAKE_EOF : QUAKE_EIO;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return QUAKE_EIO;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	if (quake_time_parse(buf, (size_t)n, us, f) != QUAKE_OK)
		return quake_err_fail(f, "state", "not a checkpoint time: \"%.40s\"",
		    buf);
	return QUAKE_OK;
}

enum quake_err
quake_state_write(const char *path, int64_t us)
{
	char tmp[4096], dirbuf[4096], line[QUAKE_TIME_LEN + 2];
	int fd, dfd, saved;
	size_t len;

	if (quake_time_format(us, line) != QUAKE_OK) {
		errno = EINVAL;
		return QUAKE_EIO;
	}
	len = strlen(line);
	line[len++] = '\n';
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return QUAKE_EIO;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return QUAKE_EIO;
	if (write(fd, line, len) != (ssize_t)len || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return QUAKE_EIO;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return QUAKE_EIO;
	}
	/* make the rename itself durable */
	snprintf(dirbuf, sizeof dirbuf, "%s", path);
	if ((dfd = open(dirname(dirbuf), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return QUAKE_OK;
}

int64_t
quake_state_clamp(int64_t us, int64_t now)
{
	return us > now + QUAKE_STATE_SKEW_US ? now + QUAKE_STATE_SKEW_US : us;
}
