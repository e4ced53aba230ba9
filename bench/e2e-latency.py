#!/usr/bin/env python3
"""e2e-latency.py PUBLISHED — read quake-ddb-put's status lines on stdin;
for each "stored" line, now minus the event's lastupdate (the EMSC
stand-in's clock when it sent the frame, from PUBLISHED) is the latency
from frame sent to item written in DynamoDB. Prints
"N p50 p95 p99 max" in ms; raw latencies to PUBLISHED.lat."""
import calendar, json, sys, time

pub_path = sys.argv[1]
sent, lat, pub_pos = {}, [], 0


def lu_to_s(lu):
    return calendar.timegm(time.strptime(lu[:19], '%Y-%m-%dT%H:%M:%S')) + int(lu[20:26]) / 1e6


pub = open(pub_path)
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
        sent[i] = lu_to_s(lu)
    lat.append((now - sent[st['id']]) * 1000)
lat.sort()
n = len(lat)
with open(pub_path + '.lat', 'w') as f:
    f.write('\n'.join('%.3f' % x for x in lat))
pick = lambda q: lat[min(n - 1, int(q * n))] if n else float('nan')
print('%d %.2f %.2f %.2f %.2f' % (n, pick(0.5), pick(0.95), pick(0.99), lat[-1] if n else float('nan')))
