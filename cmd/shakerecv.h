/* shakerecv — quake-shake --listen: Sensor Logger HTTP pushes on cmd/httpd,
 * each answered only after shakein wrote and flushed its line. */
#ifndef QUAKE_SHAKERECV_H
#define QUAKE_SHAKERECV_H

/* Serve on listen ("HOST:PORT") until SIGINT/SIGTERM or stdout fails;
 * token_file (may be NULL) holds the bearer token non-loopback peers (and
 * loopback ones too when token_loopback) must send. Returns the exit
 * status. */
int shakerecv_run(const char *listen, const char *token_file,
    int token_loopback);

#endif
