/* sse — the list of one endpoint's stream clients. */
#include <string.h>

#include "sse.h"

static const char hello[] = "retry: 2000\n\n";
static const char ping[] = ": keepalive\n\n";

void
sse_list_add(struct sse_list *l, struct sse_client *cl, struct httpd_conn *c)
{
	cl->c = c;
	cl->hello = 1;
	cl->prev = NULL;
	cl->next = l->head;
	if (l->head != NULL)
		l->head->prev = cl;
	l->head = cl;
	l->count++;
	httpd_want_write(c);
}

void
sse_list_remove(struct sse_list *l, struct sse_client *cl)
{
	if (cl->prev != NULL)
		cl->prev->next = cl->next;
	else
		l->head = cl->next;
	if (cl->next != NULL)
		cl->next->prev = cl->prev;
	l->count--;
}

void
sse_list_wake(struct sse_list *l)
{
	for (struct sse_client *cl = l->head; cl != NULL; cl = cl->next)
		if (cl->waiting) {
			cl->waiting = 0;
			httpd_stream_push(cl->c);
		}
}

void
sse_list_keepalive(struct sse_list *l)
{
	for (struct sse_client *cl = l->head; cl != NULL; cl = cl->next) {
		cl->ping = 1;
		if (cl->waiting) {
			cl->waiting = 0;
			httpd_want_write(cl->c);
		}
	}
}

size_t
sse_preamble(struct sse_client *cl, char *buf)
{
	size_t len = 0;

	if (cl->hello) {
		memcpy(buf, hello, sizeof hello - 1);
		len = sizeof hello - 1;
		cl->hello = 0;
	}
	if (cl->note != NULL) {
		size_t n = strlen(cl->note);

		memcpy(buf + len, cl->note, n);
		len += n;
		cl->note = NULL;
	}
	if (cl->ping) {
		memcpy(buf + len, ping, sizeof ping - 1);
		len += sizeof ping - 1;
		cl->ping = 0;
	}
	return len;
}
