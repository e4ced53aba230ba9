/* fdsntext — the FDSN event text format's 14 columns. */
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "fdsn/fdsnq.h"
#include "fdsn/fdsntext.h"
#include "core/time.h"

static void
field(struct quake_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		quake_buf_add(b, *s == '|' ? " " : s, 1);
	quake_buf_add(b, "|", 1);
}

static void
number(struct quake_buf *b, double d)
{
	char n[QUAKE_JSON_NUMBER_MAX];

	quake_json_format_number(d, n);
	quake_buf_str(b, n);
	quake_buf_add(b, "|", 1);
}

size_t
quake_fdsntext_head(char *out, size_t cap)
{
	struct quake_buf b;

	quake_buf_init(&b, out, cap);
	quake_buf_str(&b, "#EventID|Time|Latitude|Longitude|Depth/km|Author|"
	    "Catalog|Contributor|ContributorID|MagType|Magnitude|MagAuthor|"
	    "EventLocationName|EventType\n");
	return b.over ? 0 : b.len;
}

size_t
quake_fdsntext_event(const struct quake_event *ev, char *out, size_t cap)
{
	struct quake_buf b;
	char t[QUAKE_TIME_LEN + 1];

	if (quake_time_format(ev->time, t) != QUAKE_OK)
		return 0;
	t[QUAKE_TIME_LEN - 1] = '\0';	/* the text format's times have no Z */
	quake_buf_init(&b, out, cap);
	field(&b, ev->id);
	field(&b, t);
	number(&b, ev->lat);
	number(&b, ev->lon);
	number(&b, ev->depth);
	field(&b, ev->auth);
	field(&b, ev->source_catalog);
	field(&b, ev->auth);
	field(&b, ev->source_id);
	field(&b, ev->magtype);
	number(&b, ev->mag);
	field(&b, ev->auth);
	field(&b, ev->region);
	quake_buf_str(&b, quake_fdsnq_evtype(ev->evtype, NULL));
	quake_buf_add(&b, "\n", 1);
	return b.over ? 0 : b.len;
}
