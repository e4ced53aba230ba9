#!/usr/bin/env python3
"""gen-lines.py IDS REVS — canonical event lines (numbers as repr()): IDS events with REVS
revisions each (lastupdate rising), revision r of every event before r+1."""
import sys
ids, revs = int(sys.argv[1]), int(sys.argv[2])
for r in range(revs):
    for i in range(ids):
        print('{"id":"20261123_%07d","action":"%s","time":"2026-11-23T%02d:%02d:%02d.%06dZ",'
              '"lastupdate":"2026-11-23T%02d:%02d:%02d.%06dZ","lat":%r,"lon":%r,'
              '"depth":%r,"mag":%r,"magtype":"ml","region":"TEST REGION %d","evtype":"ke",'
              '"auth":"QK","source_catalog":"EMSC-RTS","source_id":"%d"}'
              % (i, 'create' if r == 0 else 'update', i // 3600 % 24, i // 60 % 60, i % 60, i % 1000000,
                 12 + r, i // 60 % 60, i % 60, i % 1000000, round((i % 1790) / 10 - 89.5, 1),
                 round((i % 3590) / 10 - 179.5, 1), (i % 700) + 0.5, (i + r) % 80 / 10, i, i))
