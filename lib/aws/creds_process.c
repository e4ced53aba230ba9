/* creds_process — a profile's credential_process: the command line split
 * as a POSIX shell would split words (quotes, backslashes; no expansion),
 * run without a shell, stdin on /dev/null (ours is the data), stderr
 * shared, its stdout a JSON document: Version 1, AccessKeyId,
 * SecretAccessKey, SessionToken, Expiration (none: does not expire). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "aws/creds_util.h"
#include "core/time.h"

#define MAX_ARGS 64
#define OUT_MAX 65536
#define TIMEOUT_US (30 * 1000000LL)

extern char **environ;

/* Split cmd into argv[MAX_ARGS] over buf[cap]; argc, or -1 when a quote
 * is not closed or it does not fit. */
static int
split(const char *cmd, char *buf, size_t cap, char **argv)
{
	size_t o = 0;
	int argc = 0, in_word = 0;
	char q = 0;

	for (const char *p = cmd;; p++) {
		char ch = *p;
		if (ch == '\0' && q)
			return -1;
		if (!q && (ch == '\0' || ch == ' ' || ch == '\t' || ch == '\n')) {
			if (in_word) {
				if (o >= cap)
					return -1;
				buf[o++] = '\0';
				in_word = 0;
			}
			if (ch == '\0')
				break;
			continue;
		}
		if (!in_word) {
			if (argc == MAX_ARGS - 1)
				return -1;
			argv[argc++] = buf + o;
			in_word = 1;
		}
		if (!q && (ch == '\'' || ch == '"')) {
			q = ch;
			continue;
		}
		if (q == ch) {
			q = 0;
			continue;
		}
		if (ch == '\\' && q != '\'' && p[1] != '\0' &&
		    (!q || p[1] == '"' || p[1] == '\\'))
			ch = *++p;
		if (o >= cap)
			return -1;
		buf[o++] = ch;
	}
	argv[argc] = NULL;
	return argc;
}

/* Read the child's stdout into out[OUT_MAX] until it closes, within the
 * time limit. Bytes read, or -1. */
static ssize_t
slurp(int fd, char *out)
{
	int64_t end = quake_time_now() + TIMEOUT_US;
	size_t len = 0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left = end - quake_time_now();
		ssize_t n;
		if (left <= 0 || len >= OUT_MAX - 1)
			return -1;
		if (poll(&p, 1, (int)(left / 1000) + 1) < 0 && errno != EINTR)
			return -1;
		if ((n = read(fd, out + len, OUT_MAX - 1 - len)) == 0)
			break;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (n > 0)
			len += (size_t)n;
	}
	out[len] = '\0';
	return (ssize_t)len;
}

/* Version must be the number 1. */
static int
version_ok(const char *json, size_t len)
{
	json_t *root = json_loadb(json, len, 0, NULL);
	int ok = json_integer_value(json_object_get(root, "Version")) == 1 &&
	    json_is_integer(json_object_get(root, "Version"));

	json_decref(root);
	return ok;
}

enum quake_err
quake_creds_from_process(struct quake_creds *c, const char *command,
    const char *profile, struct quake_fail *f)
{
	static char out[OUT_MAX];
	char words[4096], *argv[MAX_ARGS];
	posix_spawn_file_actions_t fa;
	int pfd[2] = { -1, -1 }, st = 0, rc;
	pid_t pid;
	ssize_t n;
	enum quake_err err = QUAKE_ECONFIG;

	quake_creds_wipe(c);
	if (split(command, words, sizeof words, argv) <= 0)
		return quake_err_fail(f, "credential_process", "profile %s: cannot "
		    "split the command (an open quote, or too long)", profile),
		    QUAKE_ECONFIG;
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return quake_err_fail(f, "credential_process", "pipe: %s",
		    strerror(errno)), QUAKE_EINTERNAL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return quake_err_fail(f, "credential_process", "profile %s: cannot "
		    "run %.60s: %s", profile, argv[0], strerror(rc)), QUAKE_ECONFIG;
	}
	n = slurp(pfd[0], out);
	close(pfd[0]);
	if (n < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n < 0)
		quake_err_fail(f, "credential_process", "profile %s: %.60s sent "
		    "more than 64 KiB or took longer than 30 s", profile, argv[0]);
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		quake_err_fail(f, "credential_process", "profile %s: %.60s exited "
		    "with status %d", profile, argv[0],
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	else if (!version_ok(out, (size_t)n))
		quake_err_fail(f, "credential_process", "profile %s: the output "
		    "is not a Version 1 credentials document", profile);
	else
		err = quake_creds_parse_json(c, out, (size_t)n, "SessionToken",
		    "process", f);
	OPENSSL_cleanse(out, sizeof out);
	return err;
}
