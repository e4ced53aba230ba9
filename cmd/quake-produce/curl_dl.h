/* curl_dl — libcurl loaded on first use instead of at start: the twelve
 * libcurl functions lib/aws's credential chain calls (ECS and instance
 * credentials, for MSK IAM), defined here as trampolines that dlopen
 * libcurl.so.4 the first time one is called. quake-produce is linked
 * without libcurl (Makefile: quake-produce_LIB_LIBS): its tree of ~25
 * libraries (GnuTLS, Kerberos, LDAP...) cost ~4 MiB of resident memory at
 * start, a quarter of the 16 MiB target, for a path most runs never take.
 * When libcurl cannot be loaded the calls fail as libcurl's do when out of
 * memory (NULL handles, error codes), logged once. Nothing to call: the
 * header only documents the module. */
#ifndef QUAKE_CURL_DL_H
#define QUAKE_CURL_DL_H
#endif
