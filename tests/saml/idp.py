#!/usr/bin/env python3
"""A SAML 2.0 IdP for the tests (peers guide 3): pysaml2 7.5.5 behind the
standard-library HTTP server.

    python3 tests/saml/idp.py PORT

Prints one JSON line once listening: {"metadata_url": ..., "entity_id": ...}.
GET /metadata             the IdP metadata (signing certificate, SSO redirect)
GET /mode?v=MODE&user=U   how the next responses are made (see MODES)
GET /sso/redirect         HTTP-Redirect SSO: answers a page that auto-POSTs
                          the response to the SP's ACS (the form a browser
                          would submit), signed with rsa-sha256/sha256.
The SP's metadata is read when its first request comes (its entity id +
"/metadata"): the SP is registered with this IdP's metadata first.
"""

import base64
import html
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import saml2.assertion
import saml2.entity
import saml2.sigver
from saml2 import BINDING_HTTP_REDIRECT, xmldsig
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

# signed: the assertion signed; signed_response: only the response signed;
# unsigned; sha1: rsa-sha1/sha1 signatures; expired; wrong_audience;
# encrypted: the assertion encrypted (pysaml2's default algorithms), the
# response signed; encrypted_gcm: likewise with aes128-gcm; email_nameid: NameID of format emailAddress.
MODES = {"signed", "signed_response", "unsigned", "sha1", "expired",
         "wrong_audience", "encrypted", "encrypted_gcm", "email_nameid", "both"}
STATE = {"mode": "signed", "user": "alice"}

PORT = int(sys.argv[1])
BASE = f"http://127.0.0.1:{PORT}"
WORK = tempfile.mkdtemp(prefix="saml-idp-")
KEY = os.path.join(WORK, "idp.key")
CERT = os.path.join(WORK, "idp.crt")
subprocess.run(
    ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
     "-subj", "/CN=test-idp", "-keyout", KEY, "-out", CERT],
    check=True, capture_output=True)

# Conditions per mode (pysaml2 builds them in Policy.conditions).
_conditions = saml2.assertion.Policy.conditions


def conditions(self, sp_entity_id):
    c = _conditions(self, sp_entity_id)
    if STATE["mode"] == "wrong_audience":
        c.audience_restriction[0].audience[0].text = "https://other.example/sp"
    if STATE["mode"] == "expired":
        c.not_before = "2020-01-01T00:00:00Z"
        c.not_on_or_after = "2020-01-01T00:05:00Z"
    return c


saml2.assertion.Policy.conditions = conditions

# encrypted_gcm: the assertion encrypted with aes128-gcm (key transport
# rsa-oaep-mgf1p), as Ostiary's metadata asks; pysaml2's default is
# tripledes-cbc.
_pre_encryption_part = saml2.entity.pre_encryption_part


def pre_encryption_part(**kwargs):
    if STATE["mode"] == "encrypted_gcm":
        kwargs["msg_enc"] = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
    return _pre_encryption_part(**kwargs)


saml2.entity.pre_encryption_part = pre_encryption_part
_encrypt_assertion = saml2.sigver.SecurityContext.encrypt_assertion


def encrypt_assertion(self, statement, enc_key, template, key_type="des-192", node_xpath=None):
    if STATE["mode"] == "encrypted_gcm":
        key_type = "aes-128"
    return _encrypt_assertion(self, statement, enc_key, template, key_type, node_xpath)


saml2.sigver.SecurityContext.encrypt_assertion = encrypt_assertion


def config(sp_metadata=None):
    conf = {
        "entityid": f"{BASE}/metadata",
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [
                (f"{BASE}/sso/redirect", BINDING_HTTP_REDIRECT)]},
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            "policy": {"default": {
                "lifetime": {"minutes": 15},
                "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
            }},
        }},
        "key_file": KEY,
        "cert_file": CERT,
        "encryption_keypairs": [{"key_file": KEY, "cert_file": CERT}],
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "allow_unknown_attributes": True,
    }
    if sp_metadata:
        conf["metadata"] = {"local": [sp_metadata]}
    c = IdPConfig()
    c.load(conf)
    return c


METADATA = str(entity_descriptor(config()))
SERVERS = {}


def server_for(sp_entity_id):
    if sp_entity_id not in SERVERS:
        with urllib.request.urlopen(sp_entity_id + "/metadata") as r:
            xml = r.read()
        path = os.path.join(WORK, f"sp{len(SERVERS)}.xml")
        with open(path, "wb") as f:
            f.write(xml)
        SERVERS[sp_entity_id] = Server(config=config(path))
    return SERVERS[sp_entity_id]


def respond(saml_request):
    # Parse once without metadata to learn the SP, then with its server.
    probe = Server(config=config()).parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
    sp = probe.message.issuer.text
    idp = server_for(sp)
    req = idp.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
    mode, user = STATE["mode"], STATE["user"]
    if mode == "email_nameid":
        name_id = NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=f"{user}@example.com")
    else:
        name_id = NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"id-{user}")
    sha1 = mode == "sha1"
    response = idp.create_authn_response(
        {"mail": [f"{user}@example.com"], "displayName": [user.title()]},
        in_response_to=req.id,
        destination=req.assertion_consumer_service_url,
        sp_entity_id=sp,
        name_id=name_id,
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
        sign_assertion=mode in {"signed", "sha1", "expired", "wrong_audience", "email_nameid", "both"},
        sign_response=mode in {"signed_response", "encrypted", "encrypted_gcm", "both"},
        encrypt_assertion=mode in {"encrypted", "encrypted_gcm"},
        encrypt_cert_assertion=None,
        sign_alg=xmldsig.SIG_RSA_SHA1 if sha1 else xmldsig.SIG_RSA_SHA256,
        digest_alg=xmldsig.DIGEST_SHA1 if sha1 else xmldsig.DIGEST_SHA256,
    )
    return req.assertion_consumer_service_url, str(response)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="text/html"):
        data = body.encode()
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        try:
            if url.path == "/metadata":
                return self.send(200, METADATA, "application/samlmetadata+xml")
            if url.path == "/mode":
                if q.get("v") not in MODES:
                    return self.send(400, "unknown mode")
                STATE["mode"] = q["v"]
                STATE["user"] = q.get("user", "alice")
                return self.send(200, "ok", "text/plain")
            if url.path == "/sso/redirect":
                acs, xml = respond(q["SAMLRequest"])
                encoded = base64.b64encode(xml.encode()).decode()
                page = (
                    f'<form method="post" action="{html.escape(acs)}">'
                    f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
                    f'<input type="hidden" name="RelayState" value="{html.escape(q.get("RelayState", ""))}">'
                    '</form><script>document.forms[0].submit()</script>'
                )
                return self.send(200, page)
            return self.send(404, "not found")
        except Exception as e:  # noqa: BLE001 - the test reads it
            return self.send(500, f"idp error: {e!r}", "text/plain")


httpd = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print(json.dumps({"metadata_url": f"{BASE}/metadata", "entity_id": f"{BASE}/metadata"}), flush=True)
httpd.serve_forever()
