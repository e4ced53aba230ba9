#!/usr/bin/env python3
"""emsc-standin.py [options] — the EMSC feed for tests, on 127.0.0.1 only:
a WebSocket at /standing_order/websocket that sends pretty-printed frames
as EMSC does, and the FDSN event service at /fdsnws/event/1/query answering
from everything published so far (each event at its newest revision;
updatedafter, orderby=time-asc, limit, offset; 204 when nothing matches).

  --port P          0: any free port (printed as "ready P")
  --events N --revs R   publish N events x R revisions (revision r of every
                    event before r+1); lastupdate is the wall clock at publish
  --rate HZ         frames per second (0: only on /control?publish=K)
  --paused          start paused (/control?pause=0 starts publishing)
  --frames FILE     publish the recorded frames of FILE (JSON documents one
                    after another, as in tests/data/emsc) instead, as they are
  --relive          with --frames: move each frame's times to now as it is
                    sent (lastupdate = now, time = now - (lastupdate - time)),
                    so recorded events look live on a map of the last days
  --history FILE    event lines (as quake's event line) put in the FDSN
                    database at start, not sent on the WebSocket: a client's
                    back-fill finds them (scripts/quake-run's generated week)
  --log FILE        append "id<TAB>lastupdate" per published revision
  --tls CERT KEY    serve wss:// and https://

/control?drop=1     close every WebSocket abruptly (no close frame)
/control?stall=1    current WebSockets get nothing more: no frames, no pongs
/control?down=S     drop everything and refuse WebSocket and FDSN for S s
/control?fdsn_fail=N  the next N FDSN requests answer 500
/control?fdsn_slow=S  FDSN answers take S seconds
/control?pause=1|0  stop/go publishing;  /control?publish=K  publish K now
/control?rate=HZ[&count=K]  publish at HZ from now on (then pause after K
                    more frames: a phase of a benchmark)
/control?fdsn_mode=M  how FDSN answers are framed: length (Content-Length,
                    the default), chunked (1000-byte chunks, written apart),
                    close (no length: the body ends at the close), or
                    redirect (302 to /fdsn-moved/query, which answers)
/control?bad=1      send one malformed frame to every WebSocket
/stats              counters as JSON
Published revisions go to the database whether or not a client is
connected: what a disconnected client missed is there to back-fill."""
import asyncio, base64, datetime, gc, hashlib, json, ssl, struct, sys, time
from urllib.parse import parse_qs, urlsplit

args = sys.argv[1:]


def opt(name, default, n=1):
    if name not in args:
        return default
    i = args.index(name)
    return args[i + 1] if n == 1 else args[i + 1:i + 1 + n]


N, R = int(opt('--events', '100')), int(opt('--revs', '1'))
FRAMES = []
if opt('--frames', None):
    text, dec, i = open(opt('--frames', None), encoding='utf-8').read(), json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        doc, i = dec.raw_decode(text, i)
        FRAMES.append(doc)
    N, R = len(FRAMES), 1
RATE = float(opt('--rate', '100'))
LOG = opt('--log', None)
RELIVE = '--relive' in args
TLS = opt('--tls', None, 2)
stats = {'published': 0, 'sent': 0, 'ws_connections': 0, 'pings': 0, 'pongs': 0,
         'fdsn_requests': 0, 'fdsn_500': 0, 'drops': 0}
db = {}            # id -> feature at its newest revision
clients = set()
state = {'down_until': 0.0, 'fdsn_fail': 0, 'fdsn_slow': 0.0, 'paused': '--paused' in args, 'k': 0,
         'fdsn_mode': 'length', 'rate': RATE, 'left': -1}
logf = open(LOG, 'a') if LOG else None
if opt('--history', None):
    for line in open(opt('--history', None), encoding='utf-8'):
        e = json.loads(line)
        db[e['id']] = {'geometry': {'type': 'Point', 'coordinates': [e['lon'], e['lat'], -e['depth']]},
                       'type': 'Feature', 'id': e['id'], 'properties': {
                           'lastupdate': e['lastupdate'], 'magtype': e['magtype'], 'evtype': e['evtype'],
                           'lon': e['lon'], 'auth': e['auth'], 'lat': e['lat'], 'depth': e['depth'],
                           'unid': e['id'], 'mag': e['mag'], 'time': e['time'][:23] + 'Z',
                           'source_id': e['source_id'], 'source_catalog': e['source_catalog'],
                           'flynn_region': e['region']}}
BASE = datetime.datetime(2026, 11, 23, tzinfo=datetime.timezone.utc)


def feature(i, r):
    now = datetime.datetime.now(datetime.timezone.utc)
    lu = now.strftime('%Y-%m-%dT%H:%M:%S.%f') + 'Z'
    t = (BASE + datetime.timedelta(seconds=i * 7)).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'
    lat, lon, depth = round((i % 170) - 85 + 0.25, 4), round((i % 350) - 175 + 0.5, 4), float(5 + i % 300)
    uid = '20261123_%07d' % i
    return {'geometry': {'type': 'Point', 'coordinates': [lon, lat, -depth]}, 'type': 'Feature',
            'id': uid, 'properties': {
                'lastupdate': lu, 'magtype': 'ml', 'evtype': 'ke', 'lon': lon, 'auth': 'QK',
                'lat': lat, 'depth': depth, 'unid': uid, 'mag': round(1 + (i + r) % 60 / 10, 1),
                'time': t, 'source_id': str(100000 + i), 'source_catalog': 'EMSC-RTS',
                'flynn_region': 'STAND-IN REGION %d' % (i % 17)}}


def emsc_time(s):
    return datetime.datetime.fromisoformat(s.rstrip('Z')).replace(tzinfo=datetime.timezone.utc)


def relive(p):
    """A recorded frame's properties, its times moved to now (--relive)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    age = max(emsc_time(p['lastupdate']) - emsc_time(p['time']), datetime.timedelta(0))
    p['time'] = (now - age).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'
    p['lastupdate'] = now.strftime('%Y-%m-%dT%H:%M:%S.%f') + 'Z'


# ---- WebSocket ----
def ws_frame(opcode, payload):
    n = len(payload)
    if n < 126:
        head = struct.pack('!BB', 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack('!BBH', 0x80 | opcode, 126, n)
    else:
        head = struct.pack('!BBQ', 0x80 | opcode, 127, n)
    return head + payload


class Client:
    def __init__(self, writer):
        self.writer, self.stalled = writer, False

    def send(self, data):
        if not self.stalled:
            self.writer.write(ws_frame(1, data))
            stats['sent'] += 1

    def abort(self):
        clients.discard(self)
        try:
            self.writer.transport.abort()
        except Exception:
            pass


async def ws_session(reader, writer, headers):
    key = headers.get('sec-websocket-key', '')
    acc = base64.b64encode(hashlib.sha1((key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest()).decode()
    writer.write(('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                  'Sec-WebSocket-Accept: %s\r\n\r\n' % acc).encode())
    c = Client(writer)
    clients.add(c)
    stats['ws_connections'] += 1
    try:
        while True:
            b1, b2 = await reader.readexactly(2)
            n = b2 & 0x7f
            if n == 126:
                n = struct.unpack('!H', await reader.readexactly(2))[0]
            elif n == 127:
                n = struct.unpack('!Q', await reader.readexactly(8))[0]
            mask = await reader.readexactly(4) if b2 & 0x80 else b'\0\0\0\0'
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(await reader.readexactly(n)))
            op = b1 & 0x0f
            if op == 9:
                stats['pings'] += 1
                if not c.stalled:
                    writer.write(ws_frame(10, data))
                    stats['pongs'] += 1
            elif op == 8:
                if not c.stalled:
                    writer.write(ws_frame(8, data[:2]))
                break
    except (asyncio.IncompleteReadError, ConnectionError, OSError):
        pass
    finally:
        c.abort()


# ---- FDSN ----
async def fdsn(q):
    stats['fdsn_requests'] += 1
    if state['fdsn_slow']:
        await asyncio.sleep(state['fdsn_slow'])
    if state['fdsn_fail'] > 0:
        state['fdsn_fail'] -= 1
        stats['fdsn_500'] += 1
        return 500, b'Internal Server Error\n', 'text/plain'
    after = q.get('updatedafter', [''])[0]
    limit = int(q.get('limit', ['1000'])[0])
    offset = int(q.get('offset', ['0'])[0])
    sel = [f for f in db.values() if f['properties']['lastupdate'] >= after]
    sel.sort(key=lambda f: (f['properties']['time'], f['id']))
    page = sel[offset:offset + limit]
    if not page:
        return 204, b'', 'application/json'
    return 200, json.dumps({'type': 'FeatureCollection', 'metadata': {'count': len(page)},
                            'features': page}).encode(), 'application/json'


def control(q):
    if 'drop' in q:
        stats['drops'] += 1
        for c in list(clients):
            c.abort()
    if 'stall' in q:
        for c in clients:
            c.stalled = True
    if 'down' in q:
        state['down_until'] = time.time() + float(q['down'][0])
        for c in list(clients):
            c.abort()
    if 'fdsn_fail' in q:
        state['fdsn_fail'] = int(q['fdsn_fail'][0])
    if 'fdsn_slow' in q:
        state['fdsn_slow'] = float(q['fdsn_slow'][0])
    if 'fdsn_mode' in q:
        state['fdsn_mode'] = q['fdsn_mode'][0]
    if 'pause' in q:
        state['paused'] = q['pause'][0] == '1'
    if 'rate' in q:
        state['rate'] = float(q['rate'][0])
        state['left'] = int(q['count'][0]) if 'count' in q else -1
        state['paused'] = False
        state['restart'] = True
    if 'publish' in q:
        for _ in range(int(q['publish'][0])):
            publish()
    if 'bad' in q:
        for c in list(clients):
            c.send(b'{"action":"update","data":{"type":"Feature","id":"x"')


async def handle(reader, writer):
    try:
        line = (await reader.readline()).decode('latin-1')
        headers = {}
        while True:
            h = (await reader.readline()).decode('latin-1')
            if h in ('\r\n', '\n', ''):
                break
            k, _, v = h.partition(':')
            headers[k.strip().lower()] = v.strip()
        parts = line.split()
        if len(parts) < 2:
            writer.close()
            return
        u = urlsplit(parts[1])
        q = parse_qs(u.query)
        down = time.time() < state['down_until']
        if u.path == '/standing_order/websocket' and headers.get('upgrade', '').lower() == 'websocket':
            if down:
                writer.transport.abort()
                return
            return await ws_session(reader, writer, headers)
        if u.path == '/fdsnws/event/1/query' and state['fdsn_mode'] == 'redirect' and not down:
            writer.write(('HTTP/1.1 302 Found\r\nLocation: /fdsn-moved/query?%s\r\n'
                          'Content-Length: 0\r\nConnection: close\r\n\r\n' % u.query).encode())
            await writer.drain()
            writer.close()
            return
        if u.path in ('/fdsnws/event/1/query', '/fdsn-moved/query'):
            if down:
                writer.transport.abort()
                return
            code, body, ctype = await fdsn(q)
            mode = state['fdsn_mode']
            if mode in ('chunked', 'close') and code == 200:
                head = 'HTTP/1.1 200 OK\r\nContent-Type: %s\r\n%sConnection: close\r\n\r\n' % (
                    ctype, 'Transfer-Encoding: chunked\r\n' if mode == 'chunked' else '')
                writer.write(head.encode())
                for i in range(0, len(body), 1000):
                    piece = body[i:i + 1000]
                    writer.write(b'%x\r\n%s\r\n' % (len(piece), piece) if mode == 'chunked' else piece)
                    await writer.drain()
                    await asyncio.sleep(0)
                if mode == 'chunked':
                    writer.write(b'0\r\n\r\n')
                await writer.drain()
                writer.close()
                return
        elif u.path == '/control':
            control(q)
            code, body, ctype = 200, b'ok\n', 'text/plain'
        elif u.path == '/stats':
            s = dict(stats, clients=len(clients), db=len(db))
            code, body, ctype = 200, json.dumps(s).encode(), 'application/json'
        else:
            code, body, ctype = 404, b'', 'text/plain'
        reason = {200: 'OK', 204: 'No Content', 404: 'Not Found', 500: 'Internal Server Error'}[code]
        writer.write(('HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n'
                      % (code, reason, ctype, len(body))).encode() + body)
        await writer.drain()
        writer.close()
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        pass


def publish():
    k = state['k']
    if k >= N * R:
        return
    state['k'] += 1
    # db only grows (100k features is ~1.5M objects): a full collection of
    # Python's cyclic GC then stops this server for 50-100 ms between
    # stamping a frame's lastupdate and sending it, a stall of the stand-in
    # that end-to-end latency would count. What is in db lives to the end,
    # so move it out of the collector's sight every 1000 frames.
    if k % 1000 == 999:
        gc.freeze()
    if FRAMES:
        if RELIVE:
            relive(FRAMES[k]['data']['properties'])
        f = FRAMES[k]['data']
        cur = db.get(f['id'])
        if cur is None or cur['properties']['lastupdate'] < f['properties']['lastupdate']:
            db[f['id']] = f
        stats['published'] += 1
        if logf:
            logf.write('%s\t%s\n' % (f['id'], f['properties']['lastupdate']))
            logf.flush()
        data = json.dumps(FRAMES[k], indent=2).encode()
        for c in list(clients):
            c.send(data)
        return
    f = feature(k % N, k // N)
    db[f['id']] = f
    stats['published'] += 1
    if logf:
        logf.write('%s\t%s\n' % (f['id'], f['properties']['lastupdate']))
        logf.flush()
    data = json.dumps({'action': 'create' if k < N else 'update', 'data': f}, indent=2).encode()
    for c in list(clients):
        c.send(data)


async def publisher():
    nxt = time.monotonic()
    while state['k'] < N * R:
        if state['rate'] <= 0 or state.pop('restart', False):
            await asyncio.sleep(0.05)
            nxt = time.monotonic()
            continue
        nxt += 1.0 / state['rate']
        await asyncio.sleep(max(0, nxt - time.monotonic()))
        if not state['paused']:
            publish()
            if state['left'] > 0:
                state['left'] -= 1
                if state['left'] == 0:
                    state['paused'] = True


async def main():
    ctx = None
    if TLS:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(TLS[0], TLS[1])
    srv = await asyncio.start_server(handle, '127.0.0.1', int(opt('--port', '0')), ssl=ctx)
    print('ready %d' % srv.sockets[0].getsockname()[1], flush=True)
    await publisher()
    await srv.serve_forever()

asyncio.run(main())
