#!/usr/bin/env python3
"""ddb-check.py ENDPOINT TABLE EXPECTED [TTL_DAYS] — Scan TABLE (boto3) and
compare it with the newest revision of each id in EXPECTED (event lines):
every attribute of the line, plus day, sig (the month, on M4.5+ only) and,
when TTL_DAYS is given, ttl.
Lines that tie on lastupdate are one revision: the item may hold any.
EXPECTED may also be an EMSC stand-in's log ("id<TAB>lastupdate" lines):
then each id's lastupdate is compared, nothing else.
Prints 'ok N items' or the first differences; exit 1 on any."""
import calendar, json, sys, time
from decimal import Decimal

import boto3

endpoint, table, path = sys.argv[1:4]
ttl_days = int(sys.argv[4]) if len(sys.argv) > 4 else None
want = {}
published = False
for line in open(path, encoding='utf-8'):
    if '\t' in line and not line.startswith('{'):
        published = True
        i, lu = line.rstrip('\n').split('\t')
        ev = {'id': i, 'lastupdate': lu}
    else:
        ev = json.loads(line, parse_float=Decimal)
    cur = want.get(ev['id'])
    if cur is None or cur[0]['lastupdate'] < ev['lastupdate']:
        want[ev['id']] = [ev]
    elif cur[0]['lastupdate'] == ev['lastupdate']:
        cur.append(ev)
c = boto3.client('dynamodb', endpoint_url=endpoint, region_name='us-east-1',
                 aws_access_key_id='check', aws_secret_access_key='check')
got, kw = {}, {'TableName': table}
while True:
    r = c.scan(**kw)
    for it in r['Items']:
        got[it['id']['S']] = it
    if 'LastEvaluatedKey' not in r:
        break
    kw['ExclusiveStartKey'] = r['LastEvaluatedKey']


def compare(w, g):
    if published:
        got_lu = g.get('lastupdate', {}).get('S')
        return [] if got_lu == w['lastupdate'] else ['%s lastupdate: want %s got %s' % (w['id'], w['lastupdate'], got_lu)]
    exp = {k: ({'N': v} if isinstance(v, (int, Decimal)) else {'S': v}) for k, v in w.items()}
    exp['day'] = {'S': w['time'][:10]}
    if Decimal(str(w['mag'])) >= Decimal('4.5'):   # the sparse sig-time-index's key: M4.5+ only
        exp['sig'] = {'S': w['time'][:7]}
    if ttl_days is not None:
        t = calendar.timegm(time.strptime(w['time'][:19], '%Y-%m-%dT%H:%M:%S'))
        exp['ttl'] = {'N': str(t + ttl_days * 86400)}
    out = []
    for k in set(exp) | set(g):
        e, a = exp.get(k), g.get(k)
        if e and a and 'N' in e and 'N' in a and Decimal(str(e['N'])) == Decimal(a['N']):
            continue
        if e != a:
            out.append('%s %s: want %s got %s' % (w['id'], k, e, a))
    return out


bad = []
for i in sorted(set(want) | set(got)):
    if i not in got:
        bad.append('missing %s' % i); continue
    if i not in want:
        bad.append('extra %s' % i); continue
    diffs = [compare(w, got[i]) for w in want[i]]
    if all(diffs):
        bad.extend(diffs[0])
if bad:
    print('\n'.join(bad[:5]))
    print('%d differences' % len(bad))
    sys.exit(1)
print('ok %d items' % len(got))
