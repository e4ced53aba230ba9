#!/usr/bin/env python3
"""Writes the malformed-frame corpus: one file per case, each a variation of a
real frame (tests/data/emsc/ws-frames.ndjson, line 1). Run from tests/malformed.
The expected stderr lines live in expected.txt, written by hand and checked by
tests/run (cli suite)."""
import json

good = open('../data/emsc/ws-frames.ndjson').readline().strip()
frame = json.loads(good)

def props(**kw):
    f = json.loads(good)
    for k, v in kw.items():
        if v is DEL:
            del f['data']['properties'][k]
        else:
            f['data']['properties'][k] = v
    return json.dumps(f, separators=(',', ':'))

DEL = object()
raw = lambda s: s
cases = {
    '01-truncated': good[:120],
    '02-empty-object': '{}',
    '03-array': '[1,2,3]',
    '04-number': '42',
    '05-string': '"hello"',
    '06-action-delete': good.replace('"action":"update"', '"action":"delete"'),
    '07-action-number': good.replace('"action":"update"', '"action":1'),
    '08-no-data': '{"action":"create"}',
    '09-data-string': '{"action":"create","data":"x"}',
    '10-no-properties': '{"action":"create","data":{"type":"Feature","id":"x"}}',
    '11-properties-array': '{"action":"create","data":{"type":"Feature","properties":[]}}',
    '12-no-unid': props(unid=DEL),
    '13-unid-number': props(unid=20201230),
    '14-unid-empty': props(unid='').replace('"id":"20201230_0000082"', '"id":""'),
    '15-unid-space': props(unid='2020 1230').replace('"id":"20201230_0000082"', '"id":"2020 1230"'),
    '16-id-differs': good.replace('"id":"20201230_0000082"', '"id":"20201230_0000083"'),
    '17-no-time': props(time=DEL),
    '18-time-number': props(time=1609317929),
    '19-time-garbage': props(time='yesterday'),
    '20-time-no-z': props(time='2020-12-30T08:45:29.9'),
    '21-time-10-digits': props(time='2020-12-30T08:45:29.1234567891Z'),
    '22-time-feb-30': props(time='2021-02-30T08:45:29.9Z'),
    '23-time-hour-24': props(time='2020-12-30T24:45:29.9Z'),
    '24-no-lastupdate': props(lastupdate=DEL),
    '25-no-lat': props(lat=DEL),
    '26-lat-string': props(lat='36.6'),
    '27-lat-91': props(lat=91.5),
    '28-lon-minus-181': props(lon=-181),
    '29-depth-1001': props(depth=1001.0),
    '30-depth-minus-11': props(depth=-11.0),
    '31-mag-11': props(mag=11.2),
    '32-mag-null': props(mag=None),
    '33-nan': good.replace('"mag":2.4', '"mag":NaN'),
    '34-infinity': good.replace('"mag":2.4', '"mag":Infinity'),
    '35-minus-infinity': good.replace('"depth":4.0', '"depth":-Infinity'),
    '37-region-too-long': props(flynn_region='X' * 200),
    '38-magtype-number': props(magtype=4),
    '39-source-id-number': props(source_id=934165),
    '40-duplicate-key': good.replace('"lat":36.6', '"lat":36.6,"lat":37.0'),
    '41-control-char': good.replace('CENTRAL CALIFORNIA', 'CENTRAL\tCALIFORNIA'),
    '42-bare-text': 'hello world',
    '43-too-deep': '[' * 3000 + ']' * 3000,
    '44-lone-surrogate': good.replace('CENTRAL CALIFORNIA', 'CENTRAL \\ud800'),
    '45-nul-escape': good.replace('CENTRAL CALIFORNIA', 'CENTRAL \\u0000'),
    '46-number-overflow': good.replace('"mag":2.4', '"mag":1e999'),
    '47-mag-bool': props(mag=True),
    '48-not-a-frame': '{"type":"Point","coordinates":[1,2]}',
    '49-features-not-array': '{"type":"FeatureCollection","features":{}}',
    '50-lastupdate-year-0': props(lastupdate='0000-00-00T00:00:00Z'),
}
for name, text in cases.items():
    with open(name + '.json', 'w', encoding='utf-8') as fp:
        fp.write(text + '\n')
# invalid UTF-8 cannot be written through a str
with open('36-invalid-utf8.json', 'wb') as fp:
    fp.write(good.replace('CENTRAL CALIFORNIA', 'CENTRAL \xff\xfe').encode('latin-1') + b'\n')
