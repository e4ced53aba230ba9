#!/usr/bin/env python3
"""emsc-check.py PUBLISHED OUTPUT... [--order] — compare what emsc-tail
printed (event lines, across one or more runs) with what the stand-in
published ("id<TAB>lastupdate" lines): every event at its newest revision
is there, and no (id, lastupdate) is printed twice within one run. With
--order, OUTPUT must be exactly the published revisions in order.
Prints 'ok ...' or what is wrong; exit 1 on any."""
import json, sys

args = [a for a in sys.argv[1:] if not a.startswith('--')]
pub = [tuple(l.rstrip('\n').split('\t')) for l in open(args[0])]
newest = {}
for i, lu in pub:
    newest[i] = max(newest.get(i, ''), lu)
got, bad = {}, []
for path in args[1:]:
    seen = set()
    revs = [(e['id'], e['lastupdate']) for e in map(json.loads, open(path))]
    for r in revs:
        if r in seen:
            bad.append('printed twice in %s: %s %s' % (path, *r))
        seen.add(r)
        got[r[0]] = max(got.get(r[0], ''), r[1])
    if '--order' in sys.argv and revs != pub:
        bad.append('%s: not the published revisions in order (%d vs %d)' % (path, len(revs), len(pub)))
missing = [i for i in newest if got.get(i) != newest[i]]
if missing:
    bad.append('%d events not at their newest revision, e.g. %s want %s got %s'
               % (len(missing), missing[0], newest[missing[0]], got.get(missing[0])))
if bad:
    print('\n'.join(bad[:5]))
    sys.exit(1)
print('ok %d events, %d revisions published' % (len(newest), len(pub)))
