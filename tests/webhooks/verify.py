#!/usr/bin/env python3
"""Independent Standard Webhooks verifier (standard library only).

Implements the verification of the Standard Webhooks specification
(https://www.standardwebhooks.com, "Verifying webhook authenticity"):
the secret is `whsec_` + base64 of the key bytes; the signed content is
"{webhook-id}.{webhook-timestamp}.{body}"; `webhook-signature` is a
space-separated list of `v1,<base64 HMAC-SHA256>`; one matching v1
signature (constant-time comparison) and a timestamp within 5 minutes of
now make the message authentic.

    verify.py SECRET REQUEST.json [NOW]

REQUEST.json: {"headers": {name: value}, "body_b64": "..."}; NOW: Unix
seconds to compare the timestamp with (default: the current time).
Prints `valid` (exit 0) or `invalid: <reason>` (exit 1).
"""

import base64
import hashlib
import hmac
import json
import sys
import time

TOLERANCE = 5 * 60


def verify(secret, headers, body, now):
    headers = {k.lower(): v for k, v in headers.items()}
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return "missing headers"
    try:
        ts = int(timestamp)
    except ValueError:
        return "bad timestamp"
    if abs(now - ts) > TOLERANCE:
        return "timestamp out of tolerance"
    if secret.startswith("whsec_"):
        secret = secret[len("whsec_"):]
    key = base64.b64decode(secret)
    content = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())
    for versioned in signatures.split(" "):
        version, _, sig = versioned.partition(",")
        if version != "v1":
            continue
        if hmac.compare_digest(expected, sig.encode()):
            return None
    return "no matching signature"


def main():
    secret, path = sys.argv[1], sys.argv[2]
    now = int(sys.argv[3]) if len(sys.argv) > 3 else int(time.time())
    with open(path) as f:
        request = json.load(f)
    body = base64.b64decode(request["body_b64"])
    problem = verify(secret, request["headers"], body, now)
    if problem is None:
        print("valid")
        return 0
    print("invalid: " + problem)
    return 1


if __name__ == "__main__":
    sys.exit(main())
