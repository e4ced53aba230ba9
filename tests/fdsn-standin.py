#!/usr/bin/env python3
"""fdsn-standin.py MODE LOG — a tiny FDSN event service on 127.0.0.1 (any
free port, printed as "ready P") for emsc-tail's signal and checkpoint tests.
Every request line is appended to LOG.
  silent   accept, read the request, never answer (a back-fill that hangs)
  future   first page: one event whose lastupdate is 9999-12-31, then 204"""
import socket, sys, threading

MODE, LOG = sys.argv[1], sys.argv[2]
FEATURE = ('{"type":"FeatureCollection","features":[{"type":"Feature","id":"20210502_0000100",'
           '"geometry":{"type":"Point","coordinates":[-71.53,-30.07,-38.0]},"properties":{'
           '"lastupdate":"9999-12-31T00:00:00.0Z","magtype":"ml","evtype":"ke","lon":-71.53,'
           '"auth":"GUC","lat":-30.07,"depth":38.0,"unid":"20210502_0000100","mag":2.7,'
           '"time":"2021-05-02T12:46:04.0Z","source_id":"978886","source_catalog":"EMSC-RTS",'
           '"flynn_region":"OFFSHORE COQUIMBO, CHILE"}}]}').encode()
served = 0
held = []


def serve(c):
    global served
    req = b''
    while b'\r\n\r\n' not in req:
        d = c.recv(4096)
        if not d:
            return
        req += d
    with open(LOG, 'a') as f:
        f.write(req.split(b'\r\n')[0].decode() + '\n')
    if MODE == 'silent':
        held.append(c)
        return
    served += 1
    if served == 1:
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n'
                  b'Connection: close\r\n\r\n%s' % (len(FEATURE), FEATURE))
    else:
        c.sendall(b'HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n')
    c.close()


s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(16)
print('ready', s.getsockname()[1], flush=True)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
