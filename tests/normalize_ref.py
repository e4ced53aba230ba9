#!/usr/bin/env python3
"""Independent oracle for the golden files: normalizes EMSC frames and FDSN
responses with Python's json module and repr(float) (shortest round-trip),
so the C implementation is checked against code that shares nothing with it.
usage: normalize_ref.py FILE  (prints event lines)"""
import json, re, sys

def t6(s):
    m = re.fullmatch(r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z', s)
    assert m, s
    return m.group(1) + '.' + (m.group(2) or '').ljust(6, '0')[:6] + 'Z'

def num(v):
    return repr(float(v))

def line(action, feat):
    p = feat['properties']
    assert feat.get('id', p['unid']) == p['unid']
    fields = [('id', json.dumps(p['unid'])), ('action', json.dumps(action)),
              ('time', json.dumps(t6(p['time']))),
              ('lastupdate', json.dumps(t6(p['lastupdate']))),
              ('lat', num(p['lat'])), ('lon', num(p['lon'])),
              ('depth', num(p['depth'])), ('mag', num(p['mag']))]
    for out, key in [('magtype', 'magtype'), ('region', 'flynn_region'),
                     ('evtype', 'evtype'), ('auth', 'auth'),
                     ('source_catalog', 'source_catalog'),
                     ('source_id', 'source_id')]:
        fields.append((out, json.dumps(p[key], ensure_ascii=False)))
    return '{' + ','.join('"%s":%s' % kv for kv in fields) + '}'

def docs(text):
    dec = json.JSONDecoder()
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return
        obj, i = dec.raw_decode(text, i)
        yield obj

for doc in docs(open(sys.argv[1], encoding='utf-8').read()):
    if 'action' in doc:
        print(line(doc['action'], doc['data']))
    elif doc.get('type') == 'Feature':
        print(line('update', doc))
    else:
        for f in doc['features']:
            print(line('update', f))
