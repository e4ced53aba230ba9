#!/usr/bin/env python3
"""alert-report.py LOG... — the receivers' logs as one line per accepted
delivery, "RULE KIND BAND WEBHOOK_ID VERIFIED" (ntfy: "RULE ntfy TITLE"), in
the order received; --ids prints only the webhook ids."""
import json, sys

ids = "--ids" in sys.argv
for path in [a for a in sys.argv[1:] if a != "--ids"]:
    for line in open(path):
        d = json.loads(line)
        if d["status"] != 200:
            continue
        if ids:
            print(d["webhook_id"])
        elif d["path"].startswith("/hook"):
            b = json.loads(d["body"])
            print(b["rule"], b["kind"], b.get("band"), d["webhook_id"], d["verified"])
        else:
            print(d["path"].split("/")[-1], "ntfy", d["headers"]["Title"], d["headers"]["Priority"], d["verified"])
