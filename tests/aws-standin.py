#!/usr/bin/env python3
"""aws-standin.py — AWS stand-ins for the tests, on 127.0.0.1 only.

  aws-standin.py ddb PORT UPSTREAM [options]
      A DynamoDB front that checks every request's SigV4 signature with
      botocore (secret from --secret, or the meta stand-in's rule for the
      key ids it hands out) and forwards it to UPSTREAM (DynamoDB
      Local), misbehaving on demand for the first --faults requests:
      --kinds throttle,500,500-after,drop,slow  (500-after and drop forward
      first: the write lands and the answer is lost), --rate P (seeded).
  aws-standin.py meta PORT [--expires-in S] [--v1-only] [--ecs-token T]
                           [--sts-token T]
      EC2 instance metadata (IMDSv2: PUT token, role, credentials, region;
      --v1-only refuses tokens like an old service), an ECS container
      endpoint at /ecs/creds, and STS AssumeRoleWithWebIdentity at POST
      /sts (the web identity token must be T). Each credentials fetch hands
      out a new key id.
  aws-standin.py table PORT FILE [--page N] [--throttle K]
      A read-only DynamoDB table of the event lines in FILE (the newest
      revision of each id), answering Query on day-time-index and on the
      sparse sig-time-index (a month, items of M4.5+ only) (the key
      condition only; filters are the client's to check too) and Scan
      (Segment by a hash of the id), N items a page (default 3) with
      LastEvaluatedKey; the first K requests are throttled (HTTP 400
      ThrottlingException). Items carry numbers as the lines wrote them.
  aws-standin.py deny PORT [--type T --message M]
      A DynamoDB that refuses every request's credentials
      (UnrecognizedClientException), counting them; with --type, every
      PutItem with that error instead (e.g. ValidationException).

GET /stats on either answers a JSON object of counters. Prints "ready PORT" when
listening (PORT 0: any free port, printed)."""
import datetime, http.client, json, random, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

stats = {}
lock = threading.Lock()


def count(k, n=1):
    with lock:
        stats[k] = stats.get(k, 0) + n
        return stats[k]


class Quiet(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *a):
        pass

    def reply(self, code, body, ctype='application/x-amz-json-1.0'):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n else b''

    def stats_get(self):
        with lock:
            self.reply(200, dict(stats), 'application/json')


# ---- DynamoDB front ----
def verify_sigv4(handler, body, secret):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    authz = handler.headers.get('Authorization', '')
    try:
        algo, rest = authz.split(' ', 1)
        parts = dict(p.strip().split('=', 1) for p in rest.split(','))
        akid, date, region, service, _ = parts['Credential'].split('/')
        signed = parts['SignedHeaders'].split(';')
    except (ValueError, KeyError):
        return 'malformed Authorization'
    if algo != 'AWS4-HMAC-SHA256':
        return 'algorithm'
    if akid.startswith('ASIAIMDS') or akid.startswith('ASIAECS'):
        # credentials handed out by the meta stand-in: secret-<src>-<n>
        src = 'imds' if akid.startswith('ASIAIMDS') else 'ecs'
        secret = 'secret-%s-%d' % (src, int(akid[len('ASIA' + src):]))
    headers = {h: handler.headers.get(h, '') for h in signed}
    token = handler.headers.get('X-Amz-Security-Token')
    req = AWSRequest(method=handler.command, url='http://%s%s' % (handler.headers['Host'], handler.path),
                     data=body, headers=headers)
    amzdate = handler.headers.get('X-Amz-Date', '')
    req.context['timestamp'] = amzdate
    auth = SigV4Auth(Credentials(akid, secret, token), service, region)
    want = auth.signature(auth.string_to_sign(req, auth.canonical_request(req)), req)
    if want != parts['Signature']:
        return 'signature mismatch'
    skew = abs(time.time() - datetime.datetime.strptime(amzdate, '%Y%m%dT%H%M%SZ')
               .replace(tzinfo=datetime.timezone.utc).timestamp())
    if skew > 300:
        return 'clock skew %ds' % skew
    return None


def ddb_handler(upstream, secret, faults, kinds, rate, seed):
    rnd = random.Random(seed)
    host, port = upstream.split(':')
    local = threading.local()

    class H(Quiet):
        def forward(self, body):
            for attempt in range(2):
                c = getattr(local, 'conn', None)
                if c is None:
                    c = local.conn = http.client.HTTPConnection(host, int(port), timeout=30)
                try:
                    c.request('POST', '/', body, {k: v for k, v in self.headers.items()
                                                  if k.lower() not in ('host', 'connection')})
                    r = c.getresponse()
                    return r.status, r.read()
                except (OSError, http.client.HTTPException):
                    local.conn = None
                    if attempt:
                        raise

        def do_GET(self):
            self.stats_get()

        def do_POST(self):
            body = self.body()
            n = count('requests')
            bad = verify_sigv4(self, body, secret)
            if bad:
                count('bad_signature')
                return self.reply(400, {'__type': 'com.amazon.coral.service#InvalidSignatureException',
                                        'message': bad})
            target = self.headers.get('X-Amz-Target', '')
            kind = None
            with lock:
                if n <= faults and target.endswith('.PutItem') and rnd.random() < rate:
                    kind = rnd.choice(kinds)
            if kind:
                count('fault_' + kind)
            if kind == 'throttle':
                return self.reply(400, {'__type': 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
                                        'message': 'The level of configured provisioned throughput for the table was exceeded.'})
            if kind == '500':
                return self.reply(500, {'__type': 'com.amazonaws.dynamodb.v20120810#InternalServerError',
                                        'message': 'Internal server error'})
            if kind == 'slow':
                time.sleep(0.3)
            status, rbody = self.forward(body)
            if status == 200 and target.endswith('.PutItem'):
                count('stored_upstream')
            if kind == '500-after':
                return self.reply(500, {'__type': 'com.amazonaws.dynamodb.v20120810#InternalServerError',
                                        'message': 'Internal server error'})
            if kind == 'drop':
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.reply(status, rbody)
    return H


# ---- metadata: IMDSv2 and ECS ----
def meta_handler(expires_in, v1_only, ecs_token, sts_token):
    tokens = set()

    def creds(prefix):
        n = count('creds_' + prefix)
        exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=expires_in)
        return {'Code': 'Success', 'Type': 'AWS-HMAC', 'AccessKeyId': 'ASIA%s%04d' % (prefix.upper(), n),
                'SecretAccessKey': 'secret-%s-%d' % (prefix, n), 'Token': 'token-%s-%d' % (prefix, n),
                'Expiration': exp.strftime('%Y-%m-%dT%H:%M:%SZ'),
                'LastUpdated': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}

    class H(Quiet):
        def authorized(self):
            t = self.headers.get('X-aws-ec2-metadata-token')
            if t is None:
                count('v1_requests')
                return v1_only
            return t in tokens

        def do_POST(self):
            body = self.body()
            if self.path.startswith('/sts'):
                return sts_reply(self, body, sts_token, expires_in)
            self.reply(404, '', 'text/plain')

        def do_PUT(self):
            self.body()
            if self.path != '/latest/api/token' or v1_only:
                count('token_refused')
                return self.reply(403 if v1_only else 404, '', 'text/plain')
            if not self.headers.get('X-aws-ec2-metadata-token-ttl-seconds'):
                return self.reply(400, '', 'text/plain')
            t = 'tok%d' % count('tokens')
            tokens.add(t)
            self.reply(200, t, 'text/plain')

        def do_GET(self):
            p = self.path
            if p == '/stats':
                return self.stats_get()
            if p.startswith('/ecs/'):
                if ecs_token and self.headers.get('Authorization') != ecs_token:
                    count('ecs_unauthorized')
                    return self.reply(401, {'message': 'unauthorized'}, 'application/json')
                return self.reply(200, creds('ecs'), 'application/json')
            if not self.authorized():
                return self.reply(401, '', 'text/plain')
            if p == '/latest/meta-data/iam/security-credentials/':
                return self.reply(200, 'quake-role', 'text/plain')
            if p == '/latest/meta-data/iam/security-credentials/quake-role':
                return self.reply(200, creds('imds'), 'application/json')
            if p == '/latest/meta-data/placement/region':
                return self.reply(200, 'eu-central-1', 'text/plain')
            self.reply(404, '', 'text/plain')
    return H


def deny_handler(etype, message):
    class H(Quiet):
        def do_GET(self):
            self.stats_get()

        def do_POST(self):
            self.body()
            count('requests')
            self.reply(400, {'__type': 'com.amazon.coral.service#' + etype, 'message': message})
    return H


def table_handler(path, page, throttle):
    items = {}
    for raw in open(path):
        if not raw.strip():
            continue
        ev = json.loads(raw, parse_float=str, parse_int=str)
        if ev['id'] in items and items[ev['id']]['lastupdate']['S'] >= ev['lastupdate']:
            continue
        item = {k: ({'N': v} if k in ('lat', 'lon', 'depth', 'mag') else {'S': v}) for k, v in ev.items()}
        item['day'] = {'S': ev['time'][:10]}
        if float(ev['mag']) >= 4.5:  # the sparse sig-time-index's
            item['sig'] = {'S': ev['time'][:7]}
        items[ev['id']] = item
    rows = sorted(items.values(), key=lambda i: (i['day']['S'], i['time']['S'], i['id']['S']))

    def key(i, part='day'):
        return {'id': i['id'], part: i[part], 'time': i['time']}

    class H(Quiet):
        def do_GET(self):
            self.stats_get()

        def do_POST(self):
            req = json.loads(self.body())
            target = self.headers.get('X-Amz-Target', '').split('.')[-1]
            n = count('requests')
            if n <= throttle:
                return self.reply(400, {'__type': 'com.amazon.coral.availability#ThrottlingException',
                                        'message': 'Rate of requests exceeds the allowed throughput.'})
            if req.get('TableName') != 'quake-ro':
                return self.reply(400, {'__type': 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
                                        'message': 'Requested resource not found'})
            v = req.get('ExpressionAttributeValues', {})
            part = 'day'
            if target == 'Query':
                count('queries')
                if req.get('IndexName') == 'sig-time-index':
                    count('sig_queries')
                    part = 'sig'
                sel = [i for i in rows if part in i and i[part]['S'] == v[':d']['S'] and
                       v[':a']['S'] <= i['time']['S'] <= v[':b']['S']]
            elif target == 'Scan':
                seg, tot = req.get('Segment', 0), req.get('TotalSegments', 1)
                sel = [i for i in rows if sum(i['id']['S'].encode()) % tot == seg]
            else:
                return self.reply(400, {'__type': 'x#ValidationException', 'message': 'read only'})
            start = req.get('ExclusiveStartKey')
            if start is not None:
                count('continued')
                at = [k for k, i in enumerate(sel) if key(i, part) == start]
                sel = sel[at[0] + 1:] if at else []
            out = {'Items': sel[:page], 'Count': len(sel[:page]), 'ScannedCount': len(sel[:page])}
            if len(sel) > page:
                out['LastEvaluatedKey'] = key(sel[page - 1], part)
            count('pages')
            self.reply(200, out)
    return H


def sts_reply(handler, body, want_token, expires_in):
    from urllib.parse import parse_qs
    q = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    count('sts_requests')
    if q.get('Action') != 'AssumeRoleWithWebIdentity' or not q.get('RoleArn') or not q.get('RoleSessionName'):
        return handler.reply(400, '<ErrorResponse><Error><Code>InvalidParameterValue</Code>'
                             '<Message>bad request</Message></Error></ErrorResponse>', 'text/xml')
    if q.get('WebIdentityToken') != want_token:
        return handler.reply(400, '<ErrorResponse><Error><Code>InvalidIdentityToken</Code>'
                             '<Message>token refused</Message></Error></ErrorResponse>', 'text/xml')
    n = count('creds_sts')
    exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=expires_in)
    handler.reply(200, '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                  '<AssumeRoleWithWebIdentityResult><Credentials><SessionToken>token-sts-%d</SessionToken>'
                  '<SecretAccessKey>secret-sts-%d</SecretAccessKey><Expiration>%s</Expiration>'
                  '<AccessKeyId>ASIASTS%04d</AccessKeyId></Credentials><AssumedRoleUser><Arn>%s</Arn>'
                  '</AssumedRoleUser></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>'
                  % (n, n, exp.strftime('%Y-%m-%dT%H:%M:%SZ'), n, q['RoleArn']), 'text/xml')


def main():
    args = sys.argv[1:]
    mode, port = args[0], int(args[1])

    def opt(name, default):
        return args[args.index(name) + 1] if name in args else default
    if mode == 'ddb':
        h = ddb_handler(args[2], opt('--secret', 'local'), int(opt('--faults', '0')),
                        opt('--kinds', 'throttle,500').split(','), float(opt('--rate', '0.3')),
                        int(opt('--seed', '7')))
    elif mode == 'table':
        h = table_handler(args[2], int(opt('--page', '3')), int(opt('--throttle', '0')))
    elif mode == 'deny':
        h = deny_handler(opt('--type', 'UnrecognizedClientException'),
                         opt('--message', 'The security token included in the request is invalid.'))
    else:
        h = meta_handler(int(opt('--expires-in', '3600')), '--v1-only' in args, opt('--ecs-token', ''),
                         opt('--sts-token', 'oidc-token'))
    srv = ThreadingHTTPServer(('127.0.0.1', port), h)
    srv.daemon_threads = True
    print('ready %d' % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == '__main__':
    main()
