#!/usr/bin/env python3
"""e2e-latency.py PUBLISHED >SAMPLES
   e2e-latency.py --stats FROM:TO[,FROM:TO...] SAMPLES [RAW]

The first form reads quake-ddb-put's status lines on stdin; for each
"stored" line, now minus the event's lastupdate (the EMSC stand-in's clock
when it sent the frame, from PUBLISHED, "id<TAB>lastupdate" a line) is the
latency from frame sent to item written in DynamoDB. It writes
"K latency_ms" per item, K being the event's line number in PUBLISHED.

The second form prints "N p50 p95 p99 max" (ms) of the samples whose K is
in one of the ranges [FROM, TO) — phases of a run — and their sorted
latencies to RAW."""
import calendar, json, sys, time


def lu_to_s(lu):
    return calendar.timegm(time.strptime(lu[:19], '%Y-%m-%dT%H:%M:%S')) + int(lu[20:26]) / 1e6


def follow(pub_path):
    sent, pub, k = {}, open(pub_path), 0
    out = sys.stdout
    for line in sys.stdin:
        now = time.time()
        st = json.loads(line)
        if st.get('status') != 'stored':
            continue
        while st['id'] not in sent:
            l = pub.readline()
            if not l:
                time.sleep(0.001)
                continue
            i, lu = l.rstrip('\n').split('\t')
            sent[i] = (k, lu_to_s(lu))
            k += 1
        n, t = sent[st['id']]
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
else:
    follow(sys.argv[1])
