#!/usr/bin/env python3
"""sigv4_botocore.py SIGNER [N] — N random DynamoDB requests (bodies with
unicode, session tokens, header name case and value spacing) signed by
botocore's SigV4Auth and by SIGNER (tests/sigv4_sign.c); prints
'PASS'/'FAIL' lines for tests/run. Seeded, so a failure repeats."""
import datetime, json, random, subprocess, sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

signer, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300
rnd = random.Random(5)
words = ['quake', 'Île-de-France', '東京', 'Ελλάδα', 'a"b', 'back\\slash', 'tab\there', '😀', '']

def case(i):
    body = json.dumps({'TableName': 'quake', 'Item': {'id': {'S': '2026_%07d' % i},
        'region': {'S': ' '.join(rnd.choice(words) for _ in range(rnd.randrange(0, 6)))},
        'mag': {'N': repr(round(rnd.uniform(-3, 10), 1))}},
        'ConditionExpression': 'attribute_not_exists(id) OR lastupdate < :lu'},
        ensure_ascii=rnd.random() < 0.5)
    region = rnd.choice(['us-east-1', 'eu-central-1', 'ap-southeast-2'])
    host = 'dynamodb.%s.amazonaws.com' % region
    def name(s):
        return ''.join(c.upper() if rnd.random() < 0.3 else c for c in s)
    def val(s):
        return ' ' * rnd.randrange(0, 2) + s.replace(' ', ' ' * rnd.randrange(1, 3)) + ' ' * rnd.randrange(0, 2)
    headers = [(name('Content-Type'), val('application/x-amz-json-1.0')),
               (name('X-Amz-Target'), val('DynamoDB_20120810.PutItem')),
               ('Host', host)]
    token = None
    if rnd.random() < 0.5:
        token = ''.join(rnd.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=') for _ in range(rnd.randrange(20, 400)))
    akid = 'AKIA' + ''.join(rnd.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(16))
    secret = ''.join(rnd.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') for _ in range(40))
    req = AWSRequest(method='POST', url='https://%s/' % host, data=body.encode('utf-8'), headers=dict(headers))
    SigV4Auth(Credentials(akid, secret, token), 'dynamodb', region).add_auth(req)
    # sign at the instant botocore used (its clock is its own)
    t = datetime.datetime.strptime(req.headers['X-Amz-Date'], '%Y%m%dT%H%M%SZ')
    # what botocore added and signed, we sign too (as the client will send it)
    ours = list(headers) + [('X-Amz-Date', req.headers['X-Amz-Date'])]
    if token:
        ours.append(('X-Amz-Security-Token', token))
    epoch = int((t - datetime.datetime(1970, 1, 1)).total_seconds()) * 1000000
    return ({'method': 'POST', 'path': '/', 'query': '', 'headers': ours, 'body': body,
             'region': region, 'service': 'dynamodb', 'time': epoch, 'akid': akid,
             'secret': secret}, req.headers['Authorization'])

cases = [case(i) for i in range(n)]
out = subprocess.run([signer], input=''.join(json.dumps(c, ensure_ascii=False) + '\n' for c, _ in cases),
                     capture_output=True, text=True, encoding='utf-8')
got = out.stdout.splitlines()
bad = 0
for i, (c, want) in enumerate(cases):
    g = got[i] if i < len(got) else '(none)'
    if g != want:
        bad += 1
        if bad <= 3:
            print('FAIL botocore case %d: got [%s] want [%s]' % (i, g, want))
if bad == 0:
    print('PASS botocore agrees on %d generated DynamoDB requests' % n)
else:
    print('FAIL botocore disagrees on %d of %d requests' % (bad, n))
