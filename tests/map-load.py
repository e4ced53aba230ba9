#!/usr/bin/env python3
"""map-load.py idle HOST PORT N SECONDS | slow HOST PORT N SECONDS

idle: open N connections that never send a byte and hold them SECONDS.
slow: open N event-stream clients (M>=8.9 only) that send the request and never read, and
hold them SECONDS. Prints how many were opened. Bounded by SECONDS."""
import socket, sys, time

def main():
    mode, host, port, n, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    socks = []
    for _ in range(n):
        try:
            s = socket.socket()
            if mode == "slow":  # a small receive buffer: it fills at once
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect((host, port))
            if mode == "slow":
                s.sendall(b"GET /events/stream?minmagnitude=8.9 HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(s)
        except OSError as e:
            print("open failed after %d: %s" % (len(socks), e), file=sys.stderr)
            break
    print(len(socks))
    sys.stdout.flush()
    time.sleep(secs)
    for s in socks:
        s.close()

main()
