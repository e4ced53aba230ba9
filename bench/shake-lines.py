#!/usr/bin/env python3
"""shake-lines.py DEVICES SECONDS - sample-batch lines of DEVICES phones at
100 Hz, one push a second each, for SECONDS (noise, a location each, the
time moving on): the detector's input at DEVICES x 100 samples/s."""
import math
import random
import sys

devices, seconds = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(5)
t = ",".join(str(i * 10000) for i in range(100))
axes = [",".join(f"{0.01 * rng.gauss(0, 1):.6f}" for _ in range(100)) for _ in range(30)]
out = sys.stdout
for s in range(seconds):
    sec = 1764576000 + s
    tm = f"2025-12-01T08:{s // 60:02d}:{s % 60:02d}.000000Z"
    for d in range(devices):
        lat, lon = 45 + (d % 100) * 0.05, 6 + (d // 100) * 0.05
        x, y, z = axes[(d + s) % 30], axes[(d + s + 7) % 30], axes[(d + s + 13) % 30]
        out.write(f'{{"kind":"samples","device":"dev-{d}","session":"s","msg":{s},'
                  f'"sensor":"accelerometer","t0":"{tm}","rate":100,"t":[{t}],'
                  f'"x":[{x}],"y":[{y}],"z":[{z}],"lat":{lat:.6f},"lon":{lon:.6f}}}\n')
