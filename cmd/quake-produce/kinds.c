/* kinds — quake-shake's sample batches keyed by their phone's cell, and its
 * onset and trigger lines keyed by device (the status line's id is the
 * device either way); its detection lines keyed by their id. */
#include <string.h>

#include "kinds.h"
#include "lines/trigline.h"

static struct quake_sample_batch scratch;	/* --kind samples' parse */

static size_t
samples_key(const char *buf, size_t len, char *key, const char **id,
    struct quake_fail *f)
{
	size_t n = quake_sample_key(buf, len, &scratch, key, KIND_KEY_MAX, f);

	*id = scratch.device;
	return n;
}

static size_t
triggers_key(const char *buf, size_t len, char *key, const char **id,
    struct quake_fail *f)
{
	size_t n = quake_trigline_key(buf, len, key, KIND_KEY_MAX, f);

	*id = n > 7 ? key + 7 : "";	/* "device:<id>" */
	return n;
}

/* the reader quake-alert and quake-map use; a detection's revisions share
 * its id, so they stay in order */
static size_t
detections_key(const char *buf, size_t len, char *key, const char **id,
    struct quake_fail *f)
{
	struct quake_detection d;
	size_t n;

	*id = "";
	if (quake_sample_parse_detection(buf, len, &d, f) != QUAKE_OK)
		return 0;
	n = strlen(d.id);
	memcpy(key, d.id, n + 1);	/* < 64 bytes: KIND_KEY_MAX holds it */
	*id = key;
	return n;
}

static const struct kind kinds[] = {
	{ "samples", samples_key },
	{ "triggers", triggers_key },
	{ "detections", detections_key },
};

enum quake_err
kinds_find(const char *name, const struct kind **out)
{
	*out = NULL;
	if (strcmp(name, "event") == 0)
		return QUAKE_OK;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(name, kinds[i].name) != 0)
			continue;
		if (kinds[i].key == samples_key && scratch.cap == 0 &&
		    quake_sample_batch_init(&scratch, QUAKE_SAMPLE_MAX) != QUAKE_OK)
			return QUAKE_ENOMEM;
		*out = &kinds[i];
		return QUAKE_OK;
	}
	return QUAKE_EUSAGE;
}
