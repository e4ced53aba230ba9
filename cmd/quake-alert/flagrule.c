/* flagrule — rule flags into a JSON rule object. */
#include <stdlib.h>
#include <string.h>

#include "flagrule.h"
#include "common/tool.h"

static json_t *flag_rule;

/* "a,b,c" into n numbers; exits 64 otherwise. */
static void
numbers(const char *opt, const char *s, double *v, int n)
{
	char *end;

	for (int i = 0; i < n; i++) {
		v[i] = strtod(s, &end);
		if (end == s || (i < n - 1 ? *end != ',' : *end != '\0')) {
			quake_log(QUAKE_LOG_ERROR, "needs comma-separated numbers", "option", opt, NULL);
			exit(QUAKE_EXIT_USAGE);
		}
		s = end + 1;
	}
}

void
flagrule_add(const char *o, const char *arg)
{
	static const char *const rect[] = { "minlat", "maxlat", "minlon", "maxlon" };
	double v[4];
	json_t *obj;

	if (flag_rule == NULL)
		flag_rule = json_object();
	if (strcmp(o, "name") == 0 || strcmp(o, "polygon") == 0)
		json_object_set_new(flag_rule, o, json_string(arg));
	else if (strcmp(o, "minmagnitude") == 0 || strcmp(o, "mindepth") == 0 ||
	    strcmp(o, "maxdepth") == 0) {
		numbers(o, arg, v, 1);
		json_object_set_new(flag_rule, o, json_real(v[0]));
	} else if (strcmp(o, "circle") == 0) {
		numbers(o, arg, v, 3);
		json_object_set_new(flag_rule, "circle", json_pack("{s:f,s:f,s:f}",
		    "lat", v[0], "lon", v[1], "radius_km", v[2]));
	} else if (strcmp(o, "rectangle") == 0) {
		numbers(o, arg, v, 4);
		obj = json_object();
		for (int i = 0; i < 4; i++)
			json_object_set_new(obj, rect[i], json_real(v[i]));
		json_object_set_new(flag_rule, "rectangle", obj);
	} else if (strcmp(o, "downgrade") == 0)
		json_object_set_new(flag_rule, "updates", json_string("downgrade"));
	else {	/* webhook, secret-file, ntfy, token-file */
		const char *t = strcmp(o, "webhook") == 0 || strcmp(o, "secret-file") == 0 ?
		    "webhook" : "ntfy";
		if ((obj = json_object_get(flag_rule, t)) == NULL)
			json_object_set_new(flag_rule, t, obj = json_object());
		json_object_set_new(obj, strcmp(o, "webhook") == 0 || strcmp(o, "ntfy") == 0 ?
		    "url" : strcmp(o, "secret-file") == 0 ? "secret_file" : "token_file",
		    json_string(arg));
	}
}

json_t *
flagrule_take(void)
{
	json_t *r = flag_rule;

	flag_rule = NULL;
	return r;
}
