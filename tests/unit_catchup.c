/* unit_catchup — quake-map's catch-up (issue 28.5): the budget per loop
 * turn shared round-robin by the clients behind, and the store's filtered
 * walk of its revision log, which looks at what it returns and the blocks
 * around it, not at everything held. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quake-map/catchup.h"
#include "quake-map/placer.h"
#include "quake-map/store.h"
#include "unit.h"

#define NOW 1764576000000000LL		/* 2025-12-01T08:00:00Z */

struct fake {
	struct catchup_item it;		/* first */
	int id;
	long long left, per;		/* units of work due, per step */
	int steps;
};

static int order[64], norder;

static long long
fake_step(struct catchup_item *it, void *arg, int *again)
{
	struct fake *f = (struct fake *)it;
	long long c = f->left < f->per ? f->left : f->per;

	(void)arg;
	if (norder < 64)
		order[norder++] = f->id;
	f->left -= c;
	f->steps++;
	*again = f->left > 0;
	return c;
}

static void
scheduler(void)
{
	struct catchup q;
	struct fake f[4];
	size_t left;
	int turns = 0, ok;

	catchup_init(&q, 1000);
	for (int i = 0; i < 4; i++) {
		f[i] = (struct fake){ .id = i, .left = 2500, .per = 300 };
		catchup_push(&q, &f[i].it);
	}
	catchup_push(&q, &f[0].it);	/* queued already: no second place */
	CHECK(q.queued == 4, "a client queued twice holds one place");
	norder = 0;
	left = catchup_turn(&q, fake_step, NULL);
	/* 300 a step: 4 steps reach 1200 >= 1000, then the turn ends */
	CHECK(norder == 4 && left == 4, "a turn stops once its budget is spent (%d steps, %zu left)",
	    norder, left);
	CHECK(order[0] == 0 && order[1] == 1 && order[2] == 2 && order[3] == 3,
	    "round-robin: each client one step, in the order queued");
	CHECK(q.turn_max == 1200 && q.turn_max < q.budget + 300,
	    "a turn spends less than the budget + one step (%lld)", q.turn_max);
	norder = 0;
	catchup_turn(&q, fake_step, NULL);
	CHECK(norder == 4 && order[0] == 0 && order[3] == 3, "the next turn goes on where it stopped, in turn");
	while ((left = catchup_turn(&q, fake_step, NULL)) > 0 && turns < 100)
		turns++;
	ok = 1;
	for (int i = 0; i < 4; i++)
		ok &= f[i].left == 0 && f[i].steps == 9;
	CHECK(ok && q.queued == 0, "every client done, each in 9 steps of at most 300 (2500 due)");
	CHECK(q.spent == 10000 && q.turn_max <= 1300, "all the work done (%lld), no turn above budget + a step (%lld)",
	    q.spent, q.turn_max);

	/* one client alone takes the whole budget, in several steps */
	catchup_init(&q, 1000);
	f[0] = (struct fake){ .id = 0, .left = 5000, .per = 100 };
	catchup_push(&q, &f[0].it);
	norder = 0;
	catchup_turn(&q, fake_step, NULL);
	CHECK(norder == 10 && f[0].left == 4000, "alone: its steps again until the budget is spent (%d)", norder);

	/* removed while queued (closed): never stepped again */
	catchup_init(&q, 1000);
	for (int i = 0; i < 3; i++) {
		f[i] = (struct fake){ .id = i, .left = 100, .per = 100 };
		catchup_push(&q, &f[i].it);
	}
	catchup_remove(&q, &f[1].it);
	catchup_remove(&q, &f[1].it);	/* twice: harmless */
	norder = 0;
	left = catchup_turn(&q, fake_step, NULL);
	CHECK(norder == 2 && order[0] == 0 && order[1] == 2 && left == 0 && f[1].steps == 0,
	    "a client removed is not stepped");

	/* a step that costs nothing still counts one: a turn always ends */
	catchup_init(&q, 50);
	f[0] = (struct fake){ .id = 0, .left = 1000000, .per = 0 };
	f[0].left = 1;
	catchup_push(&q, &f[0].it);
	norder = 0;
	f[0].per = 0;
	{
		/* per 0: left never falls, again always: the floor of 1 ends it */
		left = catchup_turn(&q, fake_step, NULL);
	}
	CHECK(norder == 50 && left == 1, "a step of no cost counts 1: a turn ends (%d steps)", norder);
}

static struct quake_event
ev(int i, double mag)
{
	struct quake_event e;

	memset(&e, 0, sizeof e);
	snprintf(e.id, sizeof e.id, "ev%07d", i);
	e.time = NOW - 1000000LL * (200000 - i);
	e.lastupdate = e.time + 1;
	e.mag = mag;
	snprintf(e.magtype, sizeof e.magtype, "mb");
	snprintf(e.region, sizeof e.region, "X");
	return e;
}

/* walk the log for minmag: the seqs returned, visits counted */
static size_t
walk(struct store *s, double minmag, uint64_t *seqs, size_t cap, size_t *visits)
{
	size_t hint = 0, n = 0;
	uint64_t cur = 0, upto;
	const struct store_ev *e;

	*visits = 0;
	for (;;) {
		e = store_after(s, cur, minmag, &hint, visits, 4096, &upto);
		if (e == NULL) {
			if (upto == store_head(s))
				break;
			cur = upto;	/* stopped at 4096: go on from there */
			continue;
		}
		if (n < cap)
			seqs[n] = e->seq;
		n++;
		cur = e->seq;
	}
	return n;
}

static void
filtered(void)
{
	enum { N = 200000 };
	static uint64_t got[N];
	struct store *s = store_new(0, N, 0);
	struct quake_event e;
	size_t visits, n, want = 0, i;
	int ok = 1;

	/* magnitudes 0.0-4.9 but every 997th a 6.x, and one 9.9 near the end */
	for (i = 0; i < N; i++) {
		double m = i % 997 == 0 ? 6.0 + (double)(i % 10) / 10 :
		    i == N - 5 ? 9.9 : (double)(i % 50) / 10;

		e = ev((int)i, m);
		ok &= store_put(s, &e, NOW, 0, (int64_t)i) == STORE_NEW;
		if (m >= 6.0)
			want++;
	}
	CHECK(ok, "200,000 events held");
	n = walk(s, -1e9, got, N, &visits);
	CHECK(n == N && visits >= N && visits < N + 100, "unfiltered: every revision, in seq order (%zu, %zu looked at)", n, visits);
	n = walk(s, 9.9, got, N, &visits);
	CHECK(n == 1 && got[0] == N - 4, "minmag 9.9: the one event (%zu)", n);
	CHECK(visits < 200, "minmag 9.9: %zu records and blocks looked at of 200,000 held (< 200)", visits);
	n = walk(s, 6.0, got, N, &visits);
	ok = n == want;
	for (i = 1; i < n && ok; i++)
		ok = got[i] > got[i - 1];
	CHECK(ok, "minmag 6: all %zu of them, in seq order (%zu)", want, n);
	CHECK(visits < 100 * n + 200, "minmag 6: %zu looked at for %zu sent (< 100 each + 200)", visits, n);
	n = walk(s, 10.0, got, N, &visits);
	CHECK(n == 0 && visits < 100, "minmag 10: none, %zu looked at", visits);

	/* revisions: a 9.9 revised down to 1.0 is not sent; a 1.0 revised to 9.5 is */
	e = ev(N - 5, 1.0);
	e.lastupdate += 10;
	store_put(s, &e, NOW, 0, N);
	e = ev(10, 9.5);
	e.lastupdate += 10;
	store_put(s, &e, NOW, 0, N + 1);
	n = walk(s, 9.0, got, N, &visits);
	CHECK(n == 1 && got[0] == store_head(s), "revisions: the magnitude of the newest revision decides (%zu)", n);

	/* the bounded walk: stopped after max, it says how far it looked */
	{
		size_t hint = 0, v = 0;
		uint64_t upto = 0;
		const struct store_ev *x = store_after(s, 0, 9.0, &hint, &v, 10, &upto);

		CHECK(x == NULL && v >= 10 && upto > 0 && upto < store_head(s),
		    "a walk stops after max looks, with where it got to (%zu, %llu)", v,
		    (unsigned long long)upto);
	}
	/* compaction (every event revised twice) keeps the maxima right */
	for (int round = 0; round < 2; round++)
		for (i = 0; i < N; i += 3) {
			e = ev((int)i, i % 997 == 0 ? 7.0 : 2.0);
			e.lastupdate += 100 + round;
			store_put(s, &e, NOW, 0, (int64_t)(N + 10 + i));
		}
	n = walk(s, 7.0, got, N, &visits);
	want = 1;	/* event 10 at 9.5, above */
	for (i = 0; i < N; i += 3)
		want += i % 997 == 0;
	CHECK(n == want && visits < 100 * n + 400, "after compaction: %zu of %zu, %zu looked at (< 100 each + 400)", n, want, visits);
	store_free(s);
}

/* A place name longer than PLACER_MAX cut by placer_describe ends on a
 * whole UTF-8 character at every offset of the cut. */
static void
describe_cut(void)
{
	char path[] = "/tmp/unit_catchup.XXXXXX", name[600], out[PLACER_MAX];
	int bad = 0, tries = 0;

	for (int pad = 0; pad < 4; pad++) {
		FILE *fp;
		struct placer *p;
		int fd = mkstemp(path), rc;
		size_t k = 0, n;

		if (fd < 0 || (fp = fdopen(fd, "w")) == NULL)
			break;
		for (int i = 0; i < pad; i++)
			name[k++] = 'x';
		while (k + 4 < sizeof name - 1) {	/* U+1F30B, 4 bytes each */
			memcpy(name + k, "\xf0\x9f\x8c\x8b", 4);
			k += 4;
		}
		name[k] = '\0';
		fprintf(fp, "%s\tJP\t35.0\t139.0\t1000\n", name);
		fclose(fp);
		p = placer_open(path, NULL, &rc);
		unlink(path);
		strcpy(path, "/tmp/unit_catchup.XXXXXX");
		if (p == NULL)
			break;
		n = placer_describe(p, 35.1, 139.1, out);
		tries++;
		/* what follows the ASCII head must be whole 4-byte characters */
		const char *u = strstr(out, " of ");
		size_t head = u != NULL ? (size_t)(u + 4 - out) + (size_t)pad : 0;
		if (u == NULL || n != strlen(out) || n >= PLACER_MAX || n < head ||
		    (n - head) % 4 != 0 || n + 4 < PLACER_MAX - 1)
			bad++;
		placer_free(p);
	}
	CHECK(tries == 4 && bad == 0, "a long place name is cut at a whole UTF-8 "
	    "character (%d of %d bad)", bad, tries);
}

int
main(void)
{
	scheduler();
	filtered();
	describe_cut();
	return unit_failed;
}
