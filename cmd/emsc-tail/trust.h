/* trust — the CAs emsc-tail's TLS connections trust: --cacert, else the
 * system's hashed certificate directory, looked up lazily (loading the whole
 * bundle would keep ~2 MiB of parsed certificates resident), else the
 * system bundle. */
#ifndef QUAKE_TRUST_H
#define QUAKE_TRUST_H

#include <openssl/ssl.h>

/* Set up ctx (borrowed) to verify peers against cacert (NULL: the system
 * store). Returns 0, or -1 if nothing could be loaded. */
int trust_load(SSL_CTX *ctx, const char *cacert);

#endif
