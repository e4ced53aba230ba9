#!/usr/bin/env python3
"""map-catchup.py HOST PORT PATH N SECONDS [MARK] — N event-stream clients
on one epoll loop, reading as fast as they can (quake-map's catch-up,
issue 28.5). Prints "connected N" once every client has its response
headers. With MARK: ends once every client has read a line holding MARK,
else after SECONDS (or SIGTERM); then prints "got K bytes_min B bytes_max B"
(K: clients that read MARK). Bounded by SECONDS."""
import selectors, signal, socket, sys, time

def main():
    host, port, path, n, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    mark = sys.argv[6].encode() if len(sys.argv) > 6 else None
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    sel = selectors.EpollSelector()
    req = ("GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n" % (path, host)).encode()
    st = []
    for i in range(n):
        s = socket.create_connection((host, port))
        s.sendall(req)
        s.setblocking(False)
        st.append({"s": s, "bytes": 0, "hdr": False, "got": False, "tail": b""})
        sel.register(s, selectors.EVENT_READ, i)
    end = time.monotonic() + secs
    nhdr = ngot = 0
    while not stop and time.monotonic() < end and not (mark and ngot == n):
        for key, _ in sel.select(0.2):
            c = st[key.data]
            try:
                b = c["s"].recv(262144)
            except BlockingIOError:
                continue
            except OSError:
                b = b""
            if not b:
                sel.unregister(c["s"])
                continue
            c["bytes"] += len(b)
            if not c["hdr"] and b"\r\n\r\n" in c["tail"] + b:
                c["hdr"] = True
                nhdr += 1
                if nhdr == n:
                    print("connected", n, flush=True)
            if mark and not c["got"]:
                if mark in c["tail"] + b:
                    c["got"] = True
                    ngot += 1
                c["tail"] = (c["tail"] + b)[-len(mark):]
            elif not c["hdr"]:
                c["tail"] = (c["tail"] + b)[-4:]
    by = [c["bytes"] for c in st]
    print("got", ngot, "bytes_min", min(by), "bytes_max", max(by), flush=True)
    for c in st:
        c["s"].close()

main()
