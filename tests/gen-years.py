#!/usr/bin/env python3
"""gen-years.py N [SEED] [START [DAYS [gr]]] — N canonical event lines spread
over DAYS days (default 730) from START (default 2024-12-01), 1 to 3
revisions each, revisions shuffled among the rest, for the archive tests:
quake-ddb-put stores them, quake-ddb-get reads a range back. "gr": one
revision each, magnitudes as the catalogue has them (Gutenberg-Richter, b = 1
from M3.3: about 6% M4.5+), in time order, for the benchmarks."""
import datetime, random, sys

n = int(sys.argv[1])
rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
start = datetime.datetime.fromisoformat((sys.argv[3] if len(sys.argv) > 3 else '2024-12-01') + 'T00:00:00+00:00')
days = int(sys.argv[4]) if len(sys.argv) > 4 else 730
gr = len(sys.argv) > 5 and sys.argv[5] == 'gr'

fmt = '%Y-%m-%dT%H:%M:%S.%fZ'
out = []
for i in range(n):
    t = start + datetime.timedelta(microseconds=rnd.randrange(days * 86400 * 10**6))
    lat, lon = round(rnd.uniform(-89, 89), 3), round(rnd.uniform(-179.9, 179.9), 3)
    for r in range(1 if gr else rnd.randint(1, 3)):
        lu = t + datetime.timedelta(minutes=5 + 60 * r)
        out.append('{"id":"%s_%07d","action":"%s","time":"%s","lastupdate":"%s","lat":%r,"lon":%r,'
                   '"depth":%r,"mag":%r,"magtype":"mb","region":"YEARS %d","evtype":"ke","auth":"QK",'
                   '"source_catalog":"EMSC-RTS","source_id":"%d"}'
                   % (t.strftime('%Y%m%d'), i, 'create' if r == 0 else 'update', t.strftime(fmt),
                      lu.strftime(fmt), lat, lon, float(rnd.randrange(0, 7000)) / 10,
                      round(min(3.3 + rnd.expovariate(2.302585), 9.5) if gr else
                            rnd.uniform(1.0, 7.5) + r * 0.1, 1), i, i))
if gr:
    out.sort(key=lambda l: l[l.index('"time"'):])
else:
    rnd.shuffle(out)
print('\n'.join(out))
