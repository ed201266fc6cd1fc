#!/usr/bin/env python3
"""SMTP capture for the integration tests (peer: PyPI aiosmtpd 1.4.6).

Listens on 127.0.0.1:PORT and stores every received message, decoded, as
one JSON file {from, to, subject, text, html} in DIR. Prints "READY" once
listening; exits when its standard input closes.

    python3 tests/smtp_sink.py PORT DIR
"""

import email
import email.policy
import json
import os
import sys
import time
import uuid

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(msg["subject"] or ""),
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
        }
        name = "%d-%s.json" % (time.time_ns(), uuid.uuid4().hex)
        tmp = os.path.join(self.directory, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.directory, name))
        return "250 OK"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Store(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
