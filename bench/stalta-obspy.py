#!/usr/bin/env python3
"""stalta-obspy.py FILE N - write N float64 samples (noise with bursts, a
phone's magnitude) to FILE, then time ObsPy's C functions on that array:
best of 5 seconds per kind (recursive_sta_lta, classic_sta_lta; 50/1000)."""
import sys
import time

import numpy as np
from obspy.signal.trigger import classic_sta_lta, recursive_sta_lta

path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
a = np.abs(rng.normal(0, 0.01, n))
for k in range(0, n, 6000):
    a[k:k + 200] += rng.normal(0, 1, len(a[k:k + 200]))
a.astype(np.float64).tofile(path)
for name, fn in (("recursive", recursive_sta_lta), ("classic", classic_sta_lta)):
    best = 1e9
    for _ in range(5):
        t = time.perf_counter()
        fn(a, 50, 1000)
        best = min(best, time.perf_counter() - t)
    print(name, f"{best:.6f}")
