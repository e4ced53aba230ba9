/* quakeml — QuakeML 1.2 BED writer: resource ids under smi:eu.emsc-csem,
 * depth in metres as QuakeML wants, EMSC's evtype as type + certainty. */
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "fdsn/fdsnq.h"
#include "fdsn/quakeml.h"
#include "core/time.h"

#define RID "smi:eu.emsc-csem/"

static void
esc(struct quake_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': quake_buf_str(b, "&amp;"); break;
		case '<': quake_buf_str(b, "&lt;"); break;
		case '>': quake_buf_str(b, "&gt;"); break;
		case '"': quake_buf_str(b, "&quot;"); break;
		case '\'': quake_buf_str(b, "&apos;"); break;
		default: quake_buf_add(b, s, 1);
		}
}

static void
value(struct quake_buf *b, const char *tag, double d)
{
	char n[QUAKE_JSON_NUMBER_MAX];

	quake_json_format_number(d, n);
	quake_buf_str(b, "<");
	quake_buf_str(b, tag);
	quake_buf_str(b, "><value>");
	quake_buf_str(b, n);
	quake_buf_str(b, "</value></");
	quake_buf_str(b, tag);
	quake_buf_str(b, ">");
}

static void
rid(struct quake_buf *b, const char *kind, const char *id)
{
	quake_buf_str(b, RID);
	quake_buf_str(b, kind);
	quake_buf_str(b, "/");
	esc(b, id);
}

static void
agency(struct quake_buf *b, const struct quake_event *ev, const char *when)
{
	quake_buf_str(b, "<creationInfo><agencyID>");
	esc(b, ev->auth);
	quake_buf_str(b, "</agencyID>");
	if (when != NULL) {
		quake_buf_str(b, "<creationTime>");
		quake_buf_str(b, when);
		quake_buf_str(b, "</creationTime>");
	}
	quake_buf_str(b, "</creationInfo>");
}

size_t
quake_quakeml_head(char *out, size_t cap)
{
	struct quake_buf b;

	quake_buf_init(&b, out, cap);
	quake_buf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<q:quakeml xmlns=\"http://quakeml.org/xmlns/bed/1.2\" "
	    "xmlns:q=\"http://quakeml.org/xmlns/quakeml/1.2\">\n"
	    "<eventParameters publicID=\"" RID "quake-map/eventParameters\">\n");
	return b.over ? 0 : b.len;
}

size_t
quake_quakeml_event(const struct quake_event *ev, char *out, size_t cap)
{
	struct quake_buf b;
	char t[QUAKE_TIME_LEN + 1], u[QUAKE_TIME_LEN + 1];
	const char *cert, *type = quake_fdsnq_evtype(ev->evtype, &cert);

	if (quake_time_format(ev->time, t) != QUAKE_OK ||
	    quake_time_format(ev->lastupdate, u) != QUAKE_OK)
		return 0;
	quake_buf_init(&b, out, cap);
	quake_buf_str(&b, "<event publicID=\"");
	rid(&b, "event", ev->id);
	quake_buf_str(&b, "\"><description><text>");
	esc(&b, ev->region);
	quake_buf_str(&b, "</text><type>region name</type></description>"
	    "<preferredOriginID>");
	rid(&b, "origin", ev->id);
	quake_buf_str(&b, "</preferredOriginID><preferredMagnitudeID>");
	rid(&b, "magnitude", ev->id);
	quake_buf_str(&b, "</preferredMagnitudeID><type>");
	quake_buf_str(&b, type);
	quake_buf_str(&b, "</type>");
	if (cert != NULL) {
		quake_buf_str(&b, "<typeCertainty>");
		quake_buf_str(&b, cert);
		quake_buf_str(&b, "</typeCertainty>");
	}
	agency(&b, ev, u);
	quake_buf_str(&b, "\n<origin publicID=\"");
	rid(&b, "origin", ev->id);
	quake_buf_str(&b, "\"><time><value>");
	quake_buf_str(&b, t);
	quake_buf_str(&b, "</value></time>");
	value(&b, "latitude", ev->lat);
	value(&b, "longitude", ev->lon);
	value(&b, "depth", ev->depth * 1000);
	agency(&b, ev, NULL);
	quake_buf_str(&b, "</origin>\n<magnitude publicID=\"");
	rid(&b, "magnitude", ev->id);
	quake_buf_str(&b, "\">");
	value(&b, "mag", ev->mag);
	quake_buf_str(&b, "<type>");
	esc(&b, ev->magtype);
	quake_buf_str(&b, "</type><originID>");
	rid(&b, "origin", ev->id);
	quake_buf_str(&b, "</originID>");
	agency(&b, ev, NULL);
	quake_buf_str(&b, "</magnitude>\n</event>\n");
	return b.over ? 0 : b.len;
}

size_t
quake_quakeml_tail(char *out, size_t cap)
{
	struct quake_buf b;

	quake_buf_init(&b, out, cap);
	quake_buf_str(&b, "</eventParameters>\n</q:quakeml>\n");
	return b.over ? 0 : b.len;
}
