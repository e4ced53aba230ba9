/* aftershock — Wells & Coppersmith rupture lengths and the main shocks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alert/aftershock.h"
#include "core/geo.h"

double
quake_aftershock_rupture_km(double mag)
{
	return pow(10.0, -2.44 + 0.59 * mag);
}

int
quake_aftershock_of(const struct quake_aftershock_main *m,
    const struct quake_event *ev, int64_t days_us)
{
	if (strcmp(m->id, ev->id) == 0 || ev->time <= m->time ||
	    ev->time > m->time + days_us || !(ev->mag < m->mag - 2.0))
		return 0;
	return quake_geo_distance_km(m->lat, m->lon, ev->lat, ev->lon) <=
	    2.0 * quake_aftershock_rupture_km(m->mag);
}

enum quake_err
quake_aftershocks_note(struct quake_aftershocks *a, const struct quake_event *ev,
    double minmag, int64_t keep_us, int64_t now)
{
	size_t i, k = 0;

	for (i = 0; i < a->n; i++)	/* forget the old, and ev's last revision */
		if (a->m[i].time >= now - keep_us && strcmp(a->m[i].id, ev->id) != 0)
			a->m[k++] = a->m[i];
	a->n = k;
	if (!(ev->mag >= minmag) || ev->time < now - keep_us || strlen(ev->id) >= sizeof a->m[0].id)
		return QUAKE_OK;
	if (a->n == a->cap) {
		size_t nc = a->cap ? 2 * a->cap : 16;
		struct quake_aftershock_main *nm = realloc(a->m, nc * sizeof *nm);
		if (nm == NULL)
			return QUAKE_ENOMEM;
		a->m = nm, a->cap = nc;
	}
	struct quake_aftershock_main *m = &a->m[a->n++];
	memcpy(m->id, ev->id, strlen(ev->id) + 1);
	m->time = ev->time, m->lat = ev->lat, m->lon = ev->lon, m->mag = ev->mag;
	return QUAKE_OK;
}

const struct quake_aftershock_main *
quake_aftershocks_find(const struct quake_aftershocks *a,
    const struct quake_event *ev, double minmag, int64_t days_us)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->m[i].mag >= minmag && quake_aftershock_of(&a->m[i], ev, days_us))
			return &a->m[i];
	return NULL;
}

void
quake_aftershocks_free(struct quake_aftershocks *a)
{
	free(a->m);
	memset(a, 0, sizeof *a);
}
