#!/usr/bin/env python3
"""ack-echo.py OUT FIFO [DELAY [LIMIT]] — a stand-in downstream (DELAY seconds per line): append each input line to
OUT, then write its status line to FIFO (as quake-ddb-put would); with LIMIT, only the first LIMIT lines are
acknowledged (the rest are appended, never acknowledged)."""
import json, signal, sys, time
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # reader gone: stop quietly
out = open(sys.argv[1], 'a')
fifo = open(sys.argv[2], 'w')
n = 0
delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0
limit = int(sys.argv[4]) if len(sys.argv) > 4 else -1
for line in sys.stdin:
    n += 1
    if delay: time.sleep(delay)
    out.write(line); out.flush()
    if n > limit >= 0: continue
    ev = json.loads(line)
    fifo.write(json.dumps({'id': ev['id'], 'status': 'stored', 'line': n}) + '\n'); fifo.flush()
