/* feed — a libwebsockets client for one URL. Fragments are put together
 * into whole frames (up to 1 MiB; longer ones are cut and flagged). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "feed.h"
#include "core/ndjson.h"
#include "trust.h"

static struct {
	struct lws_context *ctx;
	struct lws *wsi;
	lws_sorted_usec_list_t tick;
	lws_retry_bo_t retry;
	const struct feed_cb *cb;
	void *arg;
	char url[2048];		/* lws_parse_uri cuts it up in place */
	const char *host, *path;
	char pathbuf[2048];
	int port, tls;
	const char *cacert;	/* NULL: the system store */
	char *buf;		/* the frame being put together */
	size_t len, cap;
	int too_long;
	int dialing;		/* a dial is under way: up or down follows */
} f;

static void
tick(lws_sorted_usec_list_t *sul)
{
	/* nothing to do but make lws_service return to the caller */
	lws_sul_schedule(f.ctx, 0, sul, tick, 100 * LWS_US_PER_MS);
}

static void
append(const void *in, size_t len)
{
	if (f.too_long || f.len + len > QUAKE_NDJSON_MAX_LINE) {
		f.too_long = 1;
		return;
	}
	if (f.len + len + 1 > f.cap) {
		size_t cap = f.cap ? f.cap : 16384;
		char *nb;
		while (cap < f.len + len + 1)
			cap *= 2;
		if ((nb = realloc(f.buf, cap)) == NULL) {
			f.too_long = 1;
			return;
		}
		f.buf = nb;
		f.cap = cap;
	}
	memcpy(f.buf + f.len, in, len);
	f.len += len;
	f.buf[f.len] = '\0';
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	char why[256];

	switch (reason) {
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS:
		/* user is the client SSL_CTX; lws loads no CAs itself
		 * (LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS) */
		return trust_load(user, f.cacert) != 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		snprintf(why, sizeof why, "%s", in ? (const char *)in : "connection failed");
		f.wsi = NULL;
		f.dialing = 0;
		f.cb->down(f.arg, why);
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		f.dialing = 0;
		f.len = 0;
		f.too_long = 0;
		f.cb->up(f.arg);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		lws_validity_confirmed(wsi);	/* traffic proves the link */
		if (lws_frame_is_binary(wsi))
			break;
		append(in, len);
		if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
			f.cb->frame(f.arg, f.buf ? f.buf : (char *)"", f.len, f.too_long);
			f.len = 0;
			f.too_long = 0;
		}
		break;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (len >= 2)
			snprintf(why, sizeof why, "server closed (code %u)",
			    ((const unsigned char *)in)[0] << 8 | ((const unsigned char *)in)[1]);
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		f.wsi = NULL;
		f.cb->down(f.arg, "connection closed");
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
	{ "emsc", callback, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
lws_to_log(int level, const char *line)
{
	(void)level;
	(void)line;	/* lws is chatty; our own lines say what matters */
}

int
feed_init(const char *url, const char *cacert, int idle_s,
    const struct feed_cb *cb, void *arg, char *err, size_t errcap)
{
	struct lws_context_creation_info info;
	const char *prot, *path;

	f.cb = cb;
	f.arg = arg;
	snprintf(f.url, sizeof f.url, "%s", url);
	if (lws_parse_uri(f.url, &prot, &f.host, &f.port, &path) != 0 ||
	    (strcmp(prot, "ws") != 0 && strcmp(prot, "wss") != 0) || *f.host == '\0') {
		snprintf(err, errcap, "not a ws:// or wss:// URL");
		return -1;
	}
	f.tls = strcmp(prot, "wss") == 0;
	snprintf(f.pathbuf, sizeof f.pathbuf, "/%s", path);
	f.path = f.pathbuf;
	if (idle_s < 3)
		idle_s = 3;
	f.retry.secs_since_valid_ping = (uint16_t)(idle_s / 3);
	f.retry.secs_since_valid_hangup = (uint16_t)idle_s;

	lws_set_log_level(LLL_ERR, lws_to_log);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.fd_limit_per_thread = 4;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
	    LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
	f.cacert = cacert;	/* see LOAD_EXTRA_CLIENT_VERIFY_CERTS */
	if ((f.ctx = lws_create_context(&info)) == NULL) {
		snprintf(err, errcap, "cannot create the WebSocket context");
		return -1;
	}
	tick(&f.tick);
	return 0;
}

void
feed_dial(void)
{
	struct lws_client_connect_info i;

	memset(&i, 0, sizeof i);
	i.context = f.ctx;
	i.address = f.host;
	i.port = f.port;
	i.path = f.path;
	i.host = f.host;
	i.origin = f.host;
	i.ssl_connection = f.tls ? LCCSCF_USE_SSL : 0;
	i.local_protocol_name = "emsc";
	i.retry_and_idle_policy = &f.retry;
	i.pwsi = &f.wsi;
	f.dialing = 1;
	if (lws_client_connect_via_info(&i) == NULL && f.dialing) {
		f.dialing = 0;
		f.cb->down(f.arg, "cannot start a connection");
	}
}

void
feed_service(void)
{
	lws_service(f.ctx, 0);
}

void
feed_destroy(void)
{
	if (f.ctx != NULL)
		lws_context_destroy(f.ctx);
	f.ctx = NULL;
	free(f.buf);
	f.buf = NULL;
}
