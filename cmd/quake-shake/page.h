/* page — the receiver's own page for the people holding the phones (GET on
 * quake-shake --listen's port): the push URL and token to type into Sensor
 * Logger, a QR code of the URL, and each device's last push, sampling rate,
 * location known or not and triggered or not, polled live from /devices. */
#ifndef QUAKE_PAGE_H
#define QUAKE_PAGE_H

#include "common/httpd.h"

/* Load the page's files from assets (web/phones.html, phones.css,
 * phones.js, vendor/qrcode.js as `make` copies them; a missing one is
 * answered 404 naming it). public_url: the push URL the page shows, or
 * NULL (the page's own origin + "/push"); token: the bearer token, shown
 * to loopback peers only, or NULL (none: pushes from loopback only);
 * token_file: where it is, shown to the others. All borrowed for the
 * receiver's life. -1 on ENOMEM. */
int page_init(const char *assets, const char *public_url, const char *token,
    const char *token_file);
void page_free(void);

/* The paths the page answers (NULL-terminated): every one also takes
 * POST, which the receiver answers as a push. */
extern const char *const page_paths[];

/* Answer a GET or HEAD of one of page_paths. 0, or -1 to close. */
int page_serve(struct httpd_conn *c, const struct httpd_req *r);

#endif
