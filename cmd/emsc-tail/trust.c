/* trust — CA loading for emsc-tail's WebSocket and FDSN connections. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "trust.h"

/* The directory holds OpenSSL hash links ("5ad8a5d6.0"). */
static int
hashed(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		size_t i = 0;
		while (i < 8 && strchr("0123456789abcdef", n[i]) != NULL && n[i] != '\0')
			i++;
		found = i == 8 && n[8] == '.' && n[9] >= '0' && n[9] <= '9';
	}
	closedir(d);
	return found;
}

int
trust_load(SSL_CTX *ctx, const char *cacert)
{
	const char *dir = getenv(X509_get_default_cert_dir_env());

	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (cacert != NULL)
		return SSL_CTX_load_verify_locations(ctx, cacert, NULL) == 1 ? 0 : -1;
	if (dir == NULL)
		dir = X509_get_default_cert_dir();
	if (hashed(dir))
		return SSL_CTX_load_verify_locations(ctx, NULL, dir) == 1 ? 0 : -1;
	return SSL_CTX_set_default_verify_paths(ctx) == 1 ? 0 : -1;
}
