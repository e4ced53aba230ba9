#!/usr/bin/env python3
"""msk_botocore.py MSK_TOKEN [N] — MSK IAM tokens of libquake
(tests/msk_token.c) against aws-msk-iam-sasl-signer-python's for the same
credentials, region and time (botocore's clock frozen with unittest.mock),
with and without session tokens: the decoded URLs compared parameter by
parameter, User-Agent aside (it names the client), the expiry compared,
and each of our signatures recomputed independently with botocore's
SigV4QueryAuth pieces (canonical request, string to sign, signature).
Run with the venv of scripts/install-deps (venv-msk). Prints PASS/FAIL
lines for tests/run. Seeded, so a failure repeats."""
import base64, datetime, random, subprocess, sys
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import botocore.auth
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from aws_msk_iam_sasl_signer import MSKAuthTokenProvider as P

tool, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200
rnd = random.Random(30)
ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

def case(i):
    region = rnd.choice(['us-east-1', 'eu-central-1', 'ap-southeast-2', 'eu-west-3', 'cn-north-1'])
    akid = ('ASIA' if i % 2 else 'AKIA') + ''.join(rnd.choice(ALNUM[:26] + '234567') for _ in range(16))
    secret = ''.join(rnd.choice(ALNUM + '+/') for _ in range(40))
    token = None
    if i % 2:	# odd cases: a session token with the bytes that need encoding
        token = ''.join(rnd.choice(ALNUM + '+/=') for _ in range(rnd.randrange(20, 1200)))
    # any second from 1990 to 2090, plus sub-second µs our clock may carry
    t = rnd.randrange(631152000, 3786912000) * 1000000 + rnd.randrange(0, 1000000)
    if i == 0:
        t = 1440938160 * 1000000	# 2015-08-30T12:36:00Z, the AWS docs' instant
    return region, akid, secret, token, t

def reference(region, akid, secret, token, t):
    frozen = datetime.datetime.fromtimestamp(t // 1000000, datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch.object(botocore.auth, 'get_current_datetime', return_value=frozen):
        # the function every generate_auth_token_* ends in, given the keys
        return getattr(P, '__construct_auth_token')(region, Credentials(akid, secret, token))

def decode(tok):
    return base64.urlsafe_b64decode(tok + '=' * (-len(tok) % 4)).decode()

def params(url):
    return [(k, v) for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)]

def verify(url, region, akid, secret, token):
    """Recompute the signature of url with botocore, from its own parts."""
    u = urlsplit(url)
    ps = params(url)
    d = dict(ps)
    signed = [(k, v) for k, v in ps if k not in ('X-Amz-Signature', 'User-Agent')]
    req = AWSRequest(method='GET', url='%s://%s%s' % (u.scheme, u.netloc, u.path), params=dict(signed))
    req = req.prepare()	# the URL with the signed query, as botocore orders it
    areq = AWSRequest(method='GET', url=req.url)
    areq.context['timestamp'] = d['X-Amz-Date']
    s = SigV4QueryAuth(Credentials(akid, secret, token), 'kafka-cluster', region, expires=900)
    creq = s.canonical_request(areq)
    sts = s.string_to_sign(areq, creq)
    return s.signature(sts, areq) == d['X-Amz-Signature']

cases = [case(i) for i in range(n)]
lines = ''.join('%s %s %s %s %d quake-test/1.0\n' % (a, s, tk or '-', r, t) for r, a, s, tk, t in cases)
out = subprocess.run([tool], input=lines, capture_output=True, text=True, check=True).stdout.splitlines()
bad = 0
for i, ((region, akid, secret, token, t), line) in enumerate(zip(cases, out)):
    name = 'msk token %d (%s, %s)' % (i, region, 'session token' if token else 'no session token')
    if line.startswith('ERROR'):
        print('FAIL %s: %s' % (name, line)); bad += 1; continue
    url, exp, tok = line.split(' ')
    rtok, rexp = reference(region, akid, secret, token, t)
    ours, theirs = decode(tok), decode(rtok)
    why = []
    if ours != url:
        why.append('token does not decode to the URL')
    if urlsplit(ours)[:3] != urlsplit(theirs)[:3]:
        why.append('scheme/host/path %r != %r' % (urlsplit(ours)[:3], urlsplit(theirs)[:3]))
    po = [p for p in params(ours) if p[0] != 'User-Agent']
    pt = [p for p in params(theirs) if p[0] != 'User-Agent']
    if po != pt:
        why.append('parameters differ: %s' % [(a, b) for a, b in zip(po, pt) if a != b][:2] + (' lengths %d/%d' % (len(po), len(pt))))
    # byte for byte too, once the User-Agent parameter is cut off
    if ours.split('&User-Agent=')[0] != theirs.split('&User-Agent=')[0]:
        why.append('URLs differ before User-Agent')
    if dict(params(ours)).get('User-Agent') != 'quake-test/1.0':
        why.append('our User-Agent parameter is missing')
    if int(exp) != rexp:
        why.append('expiry %s != %d' % (exp, rexp))
    if not verify(ours, region, akid, secret, token):
        why.append('botocore does not verify the signature')
    if why:
        print('FAIL %s: %s' % (name, '; '.join(why))); bad += 1
    else:
        print('PASS %s' % name)
# a tampered URL must not verify (the check can fail)
r, a, s, tk, t = cases[1]
url = out[1].split(' ')[0]
if verify(url.replace('X-Amz-Expires=900', 'X-Amz-Expires=901'), r, a, s, tk):
    print('FAIL msk verify rejects a tampered URL'); bad += 1
else:
    print('PASS msk verify rejects a tampered URL')
if len(out) != n:
    print('FAIL msk token count: %d lines for %d cases' % (len(out), n)); bad += 1
sys.exit(1 if bad else 0)
