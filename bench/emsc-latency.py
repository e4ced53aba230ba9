#!/usr/bin/env python3
"""emsc-latency.py — read emsc-tail's lines from stdin; each event's
lastupdate is the stand-in's wall clock when it built and sent the frame,
so now - lastupdate is the latency from send to line. Prints
"N p50_ms p95_ms p99_ms max_ms" (the first 100 lines are warm-up)."""
import calendar, sys, time

lat = []
for line in sys.stdin.buffer:
    now = time.time()
    i = line.find(b'"lastupdate":"') + 14
    lu = line[i:i + 27].decode()
    t = calendar.timegm(time.strptime(lu[:19], '%Y-%m-%dT%H:%M:%S')) + int(lu[20:26]) / 1e6
    lat.append((now - t) * 1000)
lat = sorted(lat[100:])
n = len(lat)
pick = lambda q: lat[min(n - 1, int(q * n))]
print('%d %.3f %.3f %.3f %.3f' % (n, pick(0.5), pick(0.95), pick(0.99), lat[-1]))
