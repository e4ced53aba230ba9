/* unit_stalta — the streaming STA/LTA against ObsPy's arrays: every fixture
 * of tests/data/stalta (tests/stalta_fixtures.py) is fed sample by sample in
 * pushes, restarted at gaps; values within 1e-6 relative from the first
 * full LTA window on, zero before it, trigger indices equal trigger_onset's. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lines/samples.h"
#include "shake/stalta.h"
#include "unit.h"

#define FIXDIR "tests/data/stalta"

struct fix {
	char name[64];
	double sta_s, lta_s, gap_s, push_s;
	size_t n, nseg, ntrig;
	int64_t *t;
	double *x, *y, *z, *cc, *rc;
	struct { size_t start, n; double rate; int nsta, nlta; } seg[8];
	struct { char kind[16]; double on, off, ml, floor; int64_t a, b; } trig[64];
};

static int
load(const char *path, struct fix *f)
{
	FILE *fp = fopen(path, "r");
	char line[512];
	size_t k = 0;

	memset(f, 0, sizeof *f);
	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (f->t != NULL && k < f->n) {
			if (sscanf(line, "%ld %lf %lf %lf %lf %lf", &f->t[k],
			    &f->x[k], &f->y[k], &f->z[k], &f->cc[k], &f->rc[k]) != 6)
				break;
			k++;
		} else if (sscanf(line, "name %63s", f->name) == 1) {
		} else if (sscanf(line, "sta %lf lta %lf gap %lf push %lf",
		    &f->sta_s, &f->lta_s, &f->gap_s, &f->push_s) == 4) {
		} else if (strncmp(line, "seg ", 4) == 0 && f->nseg < NELEM(f->seg)) {
			sscanf(line, "seg %zu %zu %lf %d %d", &f->seg[f->nseg].start,
			    &f->seg[f->nseg].n, &f->seg[f->nseg].rate,
			    &f->seg[f->nseg].nsta, &f->seg[f->nseg].nlta);
			f->nseg++;
		} else if (strncmp(line, "trig ", 5) == 0 && f->ntrig < NELEM(f->trig)) {
			sscanf(line, "trig %15s %lf %lf %lf %lf %ld %ld",
			    f->trig[f->ntrig].kind, &f->trig[f->ntrig].on,
			    &f->trig[f->ntrig].off, &f->trig[f->ntrig].ml,
			    &f->trig[f->ntrig].floor, &f->trig[f->ntrig].a,
			    &f->trig[f->ntrig].b);
			f->ntrig++;
		} else if (sscanf(line, "samples %zu", &f->n) == 1) {
			f->t = calloc(f->n, sizeof *f->t);
			f->x = calloc(f->n, sizeof *f->x);
			f->y = calloc(f->n, sizeof *f->y);
			f->z = calloc(f->n, sizeof *f->z);
			f->cc = calloc(f->n, sizeof *f->cc);
			f->rc = calloc(f->n, sizeof *f->rc);
		}
	}
	fclose(fp);
	return f->n > 0 && k == f->n ? 0 : -1;
}

static void
unload(struct fix *f)
{
	free(f->t); free(f->x); free(f->y); free(f->z); free(f->cc); free(f->rc);
}

/* the segments as the detector finds them: a gap > gap_s starts one, its
 * rate measured over its samples within the push it starts in */
static size_t
find_segments(const struct fix *f, size_t *start, double *rate, size_t cap)
{
	int64_t push = (int64_t)(f->push_s * 1e6), gap = (int64_t)(f->gap_s * 1e6);
	size_t ns = 0;

	for (size_t i = 0; i < f->n && ns < cap; i++) {
		size_t j;
		if (i > 0 && f->t[i] - f->t[i - 1] <= gap)
			continue;
		for (j = i + 1; j < f->n && f->t[j] - f->t[j - 1] <= gap &&
		    (f->t[j] - f->t[0]) / push == (f->t[i] - f->t[0]) / push; j++)
			;
		start[ns] = i;
		rate[ns++] = quake_samples_rate(f->t + i, j - i);
	}
	return ns;
}

struct trigset { double on, off, ml, floor; };
static const struct trigset sets[] = {
	{ 3.5, 1.0, -1, 0 }, { 1.5, 0.5, 2.0, 0 }, { 3.5, 1.0, -1, 0.05 },
};

/* run one kind over the whole series; compare values, collect triggers */
static void
run_kind(const struct fix *f, enum quake_stalta_kind kind, const char *kname)
{
	const double *want = kind == QUAKE_STALTA_CLASSIC ? f->cc : f->rc;
	size_t start[8], ns, seg = 0, bad = 0, compared = 0, got_trig = 0;
	double rate[8], worst = 0;
	struct quake_stalta s = { 0 };
	struct quake_trig tr[NELEM(sets)];
	int64_t base = 0, nlta = 0, found[64][2], fset[64];
	int ok_trig = 1;

	ns = find_segments(f, start, rate, NELEM(start));
	CHECK(ns == f->nseg, "%s %s: %zu segments found, fixture %zu", f->name,
	    kname, ns, f->nseg);
	for (size_t i = 0; i < f->n; i++) {
		double a, c, ms;
		int64_t on, off;
		if (seg < ns && i == start[seg]) {
			int nsta = quake_stalta_samples(f->sta_s, rate[seg]);
			nlta = quake_stalta_samples(f->lta_s, rate[seg]);
			for (size_t k = 0; k < NELEM(sets); k++) {
				if (i > 0 && quake_trig_finish(&tr[k], &on, &off) &&
				    got_trig < 64) {
					found[got_trig][0] = base + on;
					found[got_trig][1] = base + off;
					fset[got_trig++] = (int64_t)k;
				}
				quake_trig_init(&tr[k], sets[k].on, sets[k].off,
				    sets[k].ml > 0 ? quake_stalta_samples(sets[k].ml,
				    rate[seg]) : -1);
			}
			CHECK(nsta == f->seg[seg].nsta && nlta == f->seg[seg].nlta,
			    "%s %s seg %zu: nsta %d nlta %ld from the measured rate",
			    f->name, kname, seg, nsta, (long)nlta);
			quake_stalta_free(&s);
			quake_stalta_init(&s, kind, nsta, (int)nlta);
			base = (int64_t)i;
			seg++;
		}
		a = sqrt(f->x[i] * f->x[i] + f->y[i] * f->y[i] + f->z[i] * f->z[i]);
		c = quake_stalta_push(&s, a);
		ms = quake_stalta_sta_ms(&s);
		if ((int64_t)i - base >= nlta - (kind == QUAKE_STALTA_CLASSIC)) {
			double e = fabs(c - want[i]) / fmax(fabs(want[i]), 1e-300);
			worst = fmax(worst, e);
			bad += !(e <= 1e-6);
			compared++;
		} else
			bad += c != 0.;
		for (size_t k = 0; k < NELEM(sets); k++) {
			double cf = ms >= sets[k].floor * sets[k].floor ? c : 0.;
			int m = quake_trig_push(&tr[k], sets[k].floor > 0 ? cf : c,
			    &on, &off);
			if ((m & QUAKE_TRIG_OFF) && got_trig < 64) {
				found[got_trig][0] = base + on;
				found[got_trig][1] = base + off;
				fset[got_trig++] = (int64_t)k;
			}
		}
	}
	for (size_t k = 0; k < NELEM(sets); k++) {
		int64_t on, off;
		if (quake_trig_finish(&tr[k], &on, &off) && got_trig < 64) {
			found[got_trig][0] = base + on;
			found[got_trig][1] = base + off;
			fset[got_trig++] = (int64_t)k;
		}
	}
	quake_stalta_free(&s);
	CHECK(bad == 0 && compared > 0, "%s %s: %zu values within 1e-6 (worst %.2g)",
	    f->name, kname, compared, worst);
	/* the fixture's triggers of this kind, set by set, in order */
	for (size_t k = 0; k < NELEM(sets); k++) {
		size_t w = 0, g = 0;
		for (size_t j = 0; j < f->ntrig; j++) {
			if (strcmp(f->trig[j].kind, kname) != 0 || f->trig[j].on !=
			    sets[k].on || f->trig[j].floor != sets[k].floor ||
			    f->trig[j].ml != sets[k].ml)
				continue;
			while (g < got_trig && fset[g] != (int64_t)k)
				g++;
			if (g >= got_trig || found[g][0] != f->trig[j].a ||
			    found[g][1] != f->trig[j].b) {
				printf("  %s %s set %zu: want %ld-%ld got %ld-%ld\n",
				    f->name, kname, k, (long)f->trig[j].a,
				    (long)f->trig[j].b, g < got_trig ? (long)found[g][0] : -1L,
				    g < got_trig ? (long)found[g][1] : -1L);
				ok_trig = 0;
			}
			w++, g++;
		}
		while (g < got_trig && fset[g] != (int64_t)k)
			g++;
		if (g < got_trig)
			ok_trig = 0;	/* an extra trigger */
	}
	CHECK(ok_trig, "%s %s: trigger on/off indices equal trigger_onset's",
	    f->name, kname);
}

/* quake_stalta_run over a[0..n-1] in pushes of cycling sizes (1 sample, odd
 * sizes, the stretch length and one past it, more than nlta) gives bit for
 * bit what quake_stalta_push gives sample by sample */
static int
run_equals_push(const double *a, size_t n, enum quake_stalta_kind kind,
    int nsta, int nlta)
{
	static const size_t sizes[] = { 1, 7, 100, 128, 129, 2500, 3, 64 };
	struct quake_stalta p, r;
	double *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
	size_t i = 0, k = 0;
	int same;

	if (want == NULL || got == NULL ||
	    quake_stalta_init(&p, kind, nsta, nlta) != QUAKE_OK ||
	    quake_stalta_init(&r, kind, nsta, nlta) != QUAKE_OK) {
		free(want), free(got);
		return 0;
	}
	for (size_t j = 0; j < n; j++)
		want[j] = quake_stalta_push(&p, a[j]);
	while (i < n) {
		size_t m = sizes[k++ % NELEM(sizes)];
		if (m > n - i)
			m = n - i;
		quake_stalta_run(&r, a + i, got + i, m);
		i += m;
	}
	same = memcmp(want, got, n * sizeof *got) == 0 && r.i == p.i &&
	    r.slot == p.slot && quake_stalta_sta_ms(&r) == quake_stalta_sta_ms(&p);
	quake_stalta_free(&p);
	quake_stalta_free(&r);
	free(want), free(got);
	return same;
}

static void
run_pushes(void)
{
	size_t n = 20000;
	double *a = malloc(n * sizeof *a);
	uint64_t x = 88172645463325252u;

	if (a == NULL)
		return;
	/* noise with bursts, a stretch of zeros (LTA 0), squares past FLT_MAX */
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		a[i] = ((double)(x >> 11) / 9007199254740992. - 0.5) *
		    (i % 3000 < 150 ? 2. : 0.02);
		if (i >= 4000 && i < 9000)
			a[i] = 0.;
		if (i == 15000 || i == 15001)
			a[i] = 1e30;
	}
	for (int kind = 0; kind < 2; kind++) {
		enum quake_stalta_kind k = kind ? QUAKE_STALTA_CLASSIC :
		    QUAKE_STALTA_RECURSIVE;
		const char *name = kind ? "classic" : "recursive";
		CHECK(run_equals_push(a, n, k, 50, 1000),
		    "%s: quake_stalta_run in pushes equals push bit for bit (50/1000)", name);
		CHECK(run_equals_push(a, n, k, 1, 2),
		    "%s: quake_stalta_run equals push (1/2)", name);
		CHECK(run_equals_push(a, n, k, 200, 333),
		    "%s: quake_stalta_run equals push (200/333)", name);
		CHECK(run_equals_push(a, 500, k, 50, 1000),
		    "%s: quake_stalta_run equals push, shorter than the LTA", name);
	}
	free(a);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
fixtures(void)
{
	DIR *d = opendir(FIXDIR);
	struct dirent *e;
	char *names[64];
	size_t n = 0;

	CHECK(d != NULL, "fixture directory " FIXDIR " readable");
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && n < NELEM(names))
		if (strstr(e->d_name, ".txt") != NULL)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	CHECK(n == 12, "12 fixtures (6 shapes, uniform and jittered): %zu", n);
	for (size_t i = 0; i < n; i++) {
		static struct fix f;
		char path[256];
		snprintf(path, sizeof path, FIXDIR "/%s", names[i]);
		CHECK(load(path, &f) == 0, "fixture %s loads", names[i]);
		{
			double *m = malloc(f.n * sizeof *m);
			for (size_t j = 0; m != NULL && j < f.n; j++)
				m[j] = sqrt(f.x[j] * f.x[j] + f.y[j] * f.y[j] +
				    f.z[j] * f.z[j]);
			for (int kind = 0; m != NULL && kind < 2; kind++)
				CHECK(run_equals_push(m, f.n, kind ? QUAKE_STALTA_CLASSIC :
				    QUAKE_STALTA_RECURSIVE, f.seg[0].nsta, f.seg[0].nlta),
				    "%s %s: quake_stalta_run equals push bit for bit",
				    names[i], kind ? "classic" : "recursive");
			free(m);
		}
		run_kind(&f, QUAKE_STALTA_CLASSIC, "classic");
		run_kind(&f, QUAKE_STALTA_RECURSIVE, "recursive");
		unload(&f);
		free(names[i]);
	}
}

/* trigger_onset by hand: small arrays whose answers are worked out */
static void
onset_table(void)
{
	static const struct {
		const char *name;
		double cft[12];
		int n;
		int64_t ml;
		int64_t want[4][2];
		int nwant;
	} t[] = {
		{ "one trigger", { 0, 4, 5, 2, 1.5, 0.5, 0 }, 7, -1, { { 1, 4 } }, 1 },
		{ "re-crossing inside is no new one", { 0, 4, 2, 4, 2, 0 }, 6, -1,
		    { { 1, 4 } }, 1 },
		{ "two triggers", { 0, 4, 0, 0, 5, 0 }, 6, -1, { { 1, 1 }, { 4, 4 } }, 2 },
		{ "max_len cuts", { 0, 4, 4, 4, 4, 4, 4, 0 }, 8, 2, { { 1, 3 } }, 1 },
		{ "max_len then new crossing", { 0, 4, 4, 2, 4, 4, 0 }, 7, 1,
		    { { 1, 2 }, { 4, 5 } }, 2 },
		{ "open at the end", { 0, 0, 4, 4 }, 4, -1, { { 2, 3 } }, 1 },
		{ "equal to on triggers", { 0, 3.5, 0 }, 3, -1, { { 1, 1 } }, 1 },
		{ "nan never triggers", { 0, NAN, 0 }, 3, -1, { { 0 } }, 0 },
	};
	for (size_t i = 0; i < NELEM(t); i++) {
		struct quake_trig tr;
		int64_t got[4][2], on, off;
		int ng = 0, ok = 1;
		quake_trig_init(&tr, 3.5, 1.0, t[i].ml);
		for (int k = 0; k < t[i].n; k++)
			if ((quake_trig_push(&tr, t[i].cft[k], &on, &off) &
			    QUAKE_TRIG_OFF) && ng < 4) {
				got[ng][0] = on; got[ng++][1] = off;
			}
		if (quake_trig_finish(&tr, &on, &off) && ng < 4) {
			got[ng][0] = on; got[ng++][1] = off;
		}
		ok = ng == t[i].nwant;
		for (int k = 0; ok && k < ng; k++)
			ok = got[k][0] == t[i].want[k][0] && got[k][1] == t[i].want[k][1];
		CHECK(ok, "trigger_onset: %s", t[i].name);
	}
}

static void
edges(void)
{
	struct quake_stalta s;
	int64_t t1[] = { 0, 10000, 20000, 30000 }, t0[] = { 5, 5 };

	CHECK(quake_stalta_init(&s, QUAKE_STALTA_CLASSIC, 5, 5) == QUAKE_EINPUT,
	    "nsta == nlta refused");
	CHECK(quake_stalta_init(&s, QUAKE_STALTA_RECURSIVE, 0, 5) == QUAKE_EINPUT,
	    "nsta 0 refused");
	CHECK(quake_stalta_samples(0.5, 100.) == 50 &&
	    quake_stalta_samples(0.5, 99.) == 50 &&
	    quake_stalta_samples(0.5, 98.9) == 49 &&
	    quake_stalta_samples(0.001, 60.) == 1 &&
	    quake_stalta_samples(NAN, 60.) == 1, "seconds to samples rounds half up, at least 1");
	CHECK(fabs(quake_samples_rate(t1, 4) - 100.) < 1e-12, "rate of 4 samples 10 ms apart");
	CHECK(quake_samples_rate(t0, 2) == 0. && quake_samples_rate(t1, 1) == 0.,
	    "no rate from one sample or no time");
	/* an all-zero stream: ObsPy divides 0 by 0; the stream says 0 */
	quake_stalta_init(&s, QUAKE_STALTA_CLASSIC, 2, 4);
	for (int i = 0; i < 10; i++)
		quake_stalta_push(&s, 0.);
	CHECK(quake_stalta_push(&s, 0.) == 0., "zero LTA gives 0, not NaN");
	quake_stalta_reset(&s);
	CHECK(quake_stalta_push(&s, 1.) == 0. && s.i == 1, "reset starts at index 0");
	quake_stalta_free(&s);
}

int
main(void)
{
	onset_table();
	edges();
	fixtures();
	run_pushes();
	return unit_failed;
}
