#!/usr/bin/env python3
"""alert-receiver.py PORT LOG [--secret WHSEC] [--token TOKEN] [--fail N]
[--fail-status S] [--retry-after SECONDS] [--delay MS]

What quake-alert talks to in the tests, on 127.0.0.1:PORT. POST /hook/...:
a Standard Webhooks receiver that verifies each request with the
standardwebhooks package (an implementation independent of quake's);
POST /ntfy/TOPIC: ntfy-shaped (title, priority, tags, click; a bearer token
if --token). Each request that is accepted or refused appends one JSON line
to LOG: {"path","webhook_id","verified","status","headers":{...},"body"}.
--fail N answers the first N requests with --fail-status (500) and, when
given, Retry-After. Keep-alive (HTTP/1.1). A Title in RFC 2047 words (as
ntfy reads them) is logged decoded."""
import argparse, json, sys, threading, time
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("log")
ap.add_argument("--secret")
ap.add_argument("--token")
ap.add_argument("--fail", type=int, default=0)
ap.add_argument("--fail-status", type=int, default=500)
ap.add_argument("--retry-after")
ap.add_argument("--delay", type=int, default=0)
a = ap.parse_args()
wh = Webhook(a.secret) if a.secret else None
lock = threading.Lock()
state = {"n": 0}
log = open(a.log, "a", buffering=1)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, status, extra=None, text=""):
        body = text.encode()
        self.send_response(status)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if a.delay:
            time.sleep(a.delay / 1000.0)
        with lock:
            state["n"] += 1
            k = state["n"]
        rec = {"path": self.path, "n": k, "t": time.time(),
               "webhook_id": self.headers.get("webhook-id") or self.headers.get("X-Quake-Notice"),
               "headers": {h: self.headers.get(h) for h in ("Title", "Priority", "Tags", "Click",
                                                            "Authorization", "webhook-timestamp")},
               "body": body.decode("utf-8", "replace")}
        if rec["headers"]["Title"]:
            rec["headers"]["Title"] = str(make_header(decode_header(rec["headers"]["Title"])))
        if k <= a.fail:
            rec["status"] = a.fail_status
            extra = {"Retry-After": a.retry_after} if a.retry_after else {}
            log.write(json.dumps(rec) + "\n")
            return self.reply(a.fail_status, extra, "try later")
        status, why = 200, "ok"
        if self.path.startswith("/hook"):
            try:
                wh.verify(body, {k2.lower(): v for k2, v in self.headers.items()})
                rec["verified"] = True
            except WebhookVerificationError as e:
                rec["verified"] = False
                status, why = 401, str(e)
        elif self.path.startswith("/ntfy/"):
            rec["verified"] = a.token is None or self.headers.get("Authorization") == "Bearer " + a.token
            if not rec["verified"]:
                status, why = 403, "bad token"
        else:
            status, why = 404, "no such path"
        rec["status"] = status
        log.write(json.dumps(rec) + "\n")
        self.reply(status, {"Content-Type": "text/plain"}, why)


srv = ThreadingHTTPServer(("127.0.0.1", a.port), H)
srv.daemon_threads = True
print("ready", flush=True)
srv.serve_forever()
