#!/usr/bin/env python3
"""smtp-server.py PORT LOG --cert CERT --key KEY [--smtps] [--auth USER:PASS]
[--fail N]

A real SMTP server (PyPI aiosmtpd) for quake-alert's email tests, on
127.0.0.1:PORT: STARTTLS required (or TLS from the start with --smtps),
AUTH only over TLS and only for USER:PASS when given. Each DATA appends one
JSON line to LOG: {"n", "t", "status", "tls", "auth", "mail_from",
"rcpt_tos", "headers": {From, To, Subject (RFC 2047 decoded), Date,
Message-ID, ...}, "body"}. --fail N answers the first N DATA with
451 4.3.0 (try again later), then 250."""
import argparse, asyncio, email, json, ssl, threading, time
from email.header import decode_header, make_header

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("log")
ap.add_argument("--cert", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--smtps", action="store_true")
ap.add_argument("--auth")
ap.add_argument("--fail", type=int, default=0)
a = ap.parse_args()
lock = threading.Lock()
state = {"n": 0}
log = open(a.log, "a", buffering=1)
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(a.cert, a.key)


def authenticator(server, session, envelope, mechanism, auth_data):
    if not isinstance(auth_data, LoginPassword) or a.auth is None:
        return AuthResult(success=False, handled=False)
    user, password = a.auth.split(":", 1)
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        with lock:
            state["n"] += 1
            k = state["n"]
        msg = email.message_from_bytes(envelope.original_content or envelope.content)
        hdrs = {h: msg.get(h) for h in ("From", "To", "Subject", "Date", "Message-ID",
                                         "Content-Type", "MIME-Version", "Auto-Submitted")}
        if hdrs["Subject"]:
            hdrs["Subject"] = str(make_header(decode_header(hdrs["Subject"])))
        body = msg.get_payload(decode=True) or b""
        status = 451 if k <= a.fail else 250
        rec = {"n": k, "t": time.time(), "status": status,
               "tls": a.smtps or session.ssl is not None, "auth": session.authenticated,
               "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
               "headers": hdrs, "body": body.decode("utf-8", "replace")}
        log.write(json.dumps(rec) + "\n")
        return "451 4.3.0 try again later" if status == 451 else "250 OK"


kw = dict(hostname="127.0.0.1", port=a.port, authenticator=authenticator,
          auth_require_tls=True, auth_required=a.auth is not None)
if a.smtps:
    # TLS from the first byte: aiosmtpd's auth_require_tls looks for
    # STARTTLS only, so it is off here (the session is TLS all along)
    kw["auth_require_tls"] = False
    kw["ssl_context"] = ctx
    kw["server_hostname"] = "localhost"
else:
    kw["tls_context"] = ctx
    kw["require_starttls"] = True
c = Controller(Handler(), **kw)
c.start()
print("ready", flush=True)
try:
    threading.Event().wait()
finally:
    c.stop()
