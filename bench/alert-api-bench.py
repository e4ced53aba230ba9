#!/usr/bin/env python3
"""alert-api-bench.py QUAKE_ALERT WORKDIR ROUNDS [PRELOAD] — quake-alert's
subscriptions API on loopback: one subscriber (made by the admin), PRELOAD
rules of its own already there (default 0), then ROUNDS times create a rule,
list the rules, delete the rule, each a request on one kept-alive
connection, timed from the request's first byte written to the answer's
last byte read. quake-alert runs as in production (the store fsync'ed and
renamed before each change is answered, the rules parsed as one set), with
its stdin an idle FIFO. Prints one line per request kind:
"KIND COUNT P50_MS P99_MS MAX_MS"."""
import http.client, json, os, socket, subprocess, sys, time

alert, w, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
preload = int(sys.argv[4]) if len(sys.argv) > 4 else 0
os.makedirs(w, exist_ok=True)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
admin = "adm_" + os.urandom(16).hex()
with open(f"{w}/admin", "w") as f:
    f.write(admin + "\n")
os.chmod(f"{w}/admin", 0o600)
with open(f"{w}/secret", "w") as f:
    f.write("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n")
os.chmod(f"{w}/secret", 0o600)
with open(f"{w}/rules.json", "w") as f:
    json.dump({"rules": [{"name": "file", "minmagnitude": 6,
                          "webhook": {"url": "http://127.0.0.1:9/h", "secret_file": "secret"}}]}, f)
for p in ("subscriptions.json", "state"):
    try:
        os.unlink(f"{w}/{p}")
    except FileNotFoundError:
        pass
fifo = f"{w}/in"
if not os.path.exists(fifo):
    os.mkfifo(fifo)
proc = subprocess.Popen([alert, "--rules", f"{w}/rules.json", "--state", f"{w}/state",
                         "--api", f"127.0.0.1:{port}", "--api-admin-token", f"{w}/admin",
                         "--api-rate", "1000000", "--api-max-rules", str(preload + 10)],
                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.1)
c = http.client.HTTPConnection("127.0.0.1", port)


def req(method, path, token, body=None):
    h = {"Authorization": "Bearer " + token}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    t0 = time.perf_counter()
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    out = r.read()
    dt = time.perf_counter() - t0
    if r.status >= 300:
        sys.exit(f"{method} {path}: {r.status} {out!r}")
    return dt, out


_, out = req("POST", "/v1/subscribers", admin, {"id": "bench"})
tok = json.loads(out)["token"]
rule = {"minmagnitude": 5, "circle": {"lat": 38.7, "lon": -9.1, "radius_km": 300},
        "webhook": "http://127.0.0.1:9/hook"}
for i in range(preload):
    req("POST", "/v1/rules", tok, dict(rule, name=f"pre{i}"))
times = {"create": [], "list": [], "delete": []}
for i in range(rounds):
    times["create"].append(req("POST", "/v1/rules", tok, dict(rule, name=f"r{i}"))[0])
    times["list"].append(req("GET", "/v1/rules", tok)[0])
    times["delete"].append(req("DELETE", f"/v1/rules/r{i}", tok)[0])
proc.stdin.close()
proc.wait(timeout=60)
for k, v in times.items():
    v.sort()
    n = len(v)
    print(k, n, f"{v[n // 2] * 1e3:.2f}", f"{v[min(n - 1, int(n * 0.99))] * 1e3:.2f}", f"{v[-1] * 1e3:.2f}")
