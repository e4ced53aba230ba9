#!/usr/bin/env python3
"""gen-frames.py N [--compact] — N EMSC WebSocket frames laid out as the
server sends them (compact wrapper, pretty-printed Feature), varied from the
real frames in tests/data/emsc: ids, times, coordinates and revisions."""
import json, random, sys

n = int(sys.argv[1])
compact = '--compact' in sys.argv
random.seed(42)
base = [json.loads(l) for l in open('tests/data/emsc/ws-frames.ndjson')]
out = sys.stdout
for i in range(n):
    fr = base[i % len(base)]
    f = json.loads(json.dumps(fr['data']))
    p = f['properties']
    uid = '2026%04d_%07d' % (1101 + i % 28, i)
    p['unid'] = f['id'] = uid
    p['lat'] = round(random.uniform(-89, 89), 4)
    p['lon'] = round(random.uniform(-179, 179), 4)
    p['depth'] = round(random.uniform(0, 700), 1)
    p['mag'] = round(random.uniform(0, 8), 1)
    p['time'] = '2026-11-%02dT%02d:%02d:%02d.%dZ' % (1 + i % 28, i % 24, i % 60, i % 60, i % 10)
    p['lastupdate'] = '2026-11-%02dT%02d:%02d:%02d.%06dZ' % (1 + i % 28, i % 24, i % 60, (i + 7) % 60, i % 999999)
    f['geometry']['coordinates'] = [p['lon'], p['lat'], -p['depth']]
    if compact:
        out.write(json.dumps({'action': fr['action'], 'data': f}, separators=(',', ':')) + '\n')
    else:
        out.write('{"action":"%s","data":%s}\n' % (fr['action'], json.dumps(f, indent=2)))
