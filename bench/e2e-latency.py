#!/usr/bin/env python3
"""e2e-latency.py PUBLISHED >SAMPLES
   e2e-latency.py --sse URL PUBLISHED >SAMPLES
   e2e-latency.py --stats FROM:TO[,FROM:TO...] SAMPLES [RAW]

The first form reads quake-ddb-put's status lines on stdin; for each
"stored" line, now minus the event's lastupdate (the EMSC stand-in's clock
when it sent the frame, from PUBLISHED, "id<TAB>lastupdate" a line) is the
latency from frame sent to item written in DynamoDB. It writes
"K latency_ms" per item, K being the event's line number in PUBLISHED.
With --sse it is an EventSource client of quake-map's URL instead: the same
for each event line received (frame sent to event received by a browser).

The second form prints "N p50 p95 p99 max" (ms) of the samples whose K is
in one of the ranges [FROM, TO) — phases of a run — and their sorted
latencies to RAW."""
import calendar, json, sys, time


def lu_to_s(lu):
    return calendar.timegm(time.strptime(lu[:19], '%Y-%m-%dT%H:%M:%S')) + int(lu[20:26]) / 1e6


def stored(f):
    """The ids of quake-ddb-put's "stored" status lines, as they arrive."""
    for line in f:
        st = json.loads(line)
        if st.get('status') == 'stored':
            yield st['id']


def sse(url):
    """The ids of the events an SSE stream sends, as they arrive."""
    import urllib.request
    with urllib.request.urlopen(url) as r:
        for line in r:
            if line.startswith(b'data: '):
                yield json.loads(line[6:])['id']


def follow(pub_path, ids):
    sent, pub, k = {}, open(pub_path), 0
    out = sys.stdout
    for i in ids:
        now = time.time()
        while i not in sent:
            l = pub.readline()
            if not l:
                time.sleep(0.001)
                continue
            j, lu = l.rstrip('\n').split('\t')
            sent[j] = (k, lu_to_s(lu))
            k += 1
        n, t = sent[i]
        out.write('%d %.3f\n' % (n, (now - t) * 1000))
        out.flush()


def stats(ranges, path, raw=None):
    spans = [tuple(int(x) for x in r.split(':')) for r in ranges.split(',')]
    lat = []
    for l in open(path):
        k, ms = l.split()
        if any(lo <= int(k) < hi for lo, hi in spans):
            lat.append(float(ms))
    lat.sort()
    n = len(lat)
    if raw:
        with open(raw, 'w') as f:
            f.write('\n'.join('%.3f' % x for x in lat) + '\n')
    pick = lambda q: lat[min(n - 1, int(q * n))] if n else float('nan')
    print('%d %.2f %.2f %.2f %.2f' % (n, pick(0.5), pick(0.95), pick(0.99), lat[-1] if n else float('nan')))


if sys.argv[1] == '--stats':
    stats(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
elif sys.argv[1] == '--sse':
    follow(sys.argv[3], sse(sys.argv[2]))
else:
    follow(sys.argv[1], stored(sys.stdin))
