#!/usr/bin/env python3
"""random-lines.py SEED N [reject] — N event lines with random bytes where a tool
copies input into its status line (id first, every string field, whole
random lines): multi-byte UTF-8 of every length around the 63-byte caps,
escapes, invalid UTF-8, control bytes. For the property test "every status
line any tool writes parses with the ack parser" (tests/cli-hardening.sh)."""
import random, sys

rnd = random.Random(int(sys.argv[1]))
BASE = {'id': '20240330_0000303', 'action': 'update', 'time': '2024-03-30T04:09:58.597000Z',
        'lastupdate': '2024-04-06T03:28:24.385933Z', 'lat': '-4.027', 'lon': '143.2849', 'depth': '10.0',
        'mag': '4.6', 'magtype': 'mb', 'region': 'R', 'evtype': 'ke', 'auth': 'NEIC',
        'source_catalog': 'EMSC-RTS', 'source_id': '1'}
CHARS = ['a', '_', '\u00e9', '\u20ac', '\U0001f30b', '\u0800', '\\"', '\\\\', '\\u00e9', '\\ud83c\\udf0b',
         '\\n', '\\u0001', '/', ' ']
BAD = [b'\xff', b'\xc3', b'\xe2\x82', b'\xf0\x9f\x8c', b'\xc0\xaf', b'\xed\xa0\x80', b'\x01', b'\\x', b'\\u12']


def rstring():
    n = rnd.choice([rnd.randrange(0, 8), rnd.randrange(20, 40), rnd.randrange(55, 70), rnd.randrange(60, 300)])
    out = ''.join(rnd.choice(CHARS[:rnd.randrange(1, len(CHARS) + 1)]) for _ in range(n)).encode()
    if rnd.random() < 0.3:
        i = rnd.randrange(len(out) + 1)
        out = out[:i] + rnd.choice(BAD) + out[i:]
    return out


def line():
    r = rnd.random()
    if r < 0.1:
        return bytes(rnd.randrange(1, 256) for _ in range(rnd.randrange(0, 200))).replace(b'\n', b' ')
    fields = dict((k, v.encode()) for k, v in BASE.items())
    for k in rnd.sample(sorted(fields), rnd.randrange(1, 4)):
        if k in ('lat', 'lon', 'depth', 'mag') and rnd.random() < 0.5:
            fields[k] = rnd.choice([b'1e-200', b'91', b'"x"', b'-0.0', b'1e400', b'null'])
        else:
            fields[k] = b'"' + rstring() + b'"'
    if rnd.random() < 0.5:
        fields['id'] = b'"' + rstring() + b'"'
    if REJECT:
        del fields['action']
        fields['action'] = b'"nope"'
    parts = []
    for k, v in fields.items():
        if k in ('lat', 'lon', 'depth', 'mag') and not v.startswith(b'"'):
            parts.append(b'"' + k.encode() + b'":' + v)
        elif k in ('lat', 'lon', 'depth', 'mag'):
            parts.append(b'"' + k.encode() + b'":' + v)
        else:
            parts.append(b'"' + k.encode() + b'":' + (v if v.startswith(b'"') else b'"' + v + b'"'))
    return (b'{' + b','.join(parts) + b'}').replace(b'\n', b' ')


REJECT = sys.argv[3:] == ['reject']
out = sys.stdout.buffer
for _ in range(int(sys.argv[2])):
    out.write(line() + b'\n')
