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
GET /slo/redirect         Single logout (HTTP-Redirect): parses the SP's
                          LogoutRequest and redirects back with a LogoutResponse
                          signed over the query (rsa-sha256); slo_bad_signature,
                          slo_wrong_irt and slo_failure spoil it.
GET /last_logout          The last LogoutRequest received (JSON).
GET /unsolicited?sp=E     IdP-initiated: the same page with a response that
                          answers no request (no InResponseTo, no
                          RelayState), for the SP of entity id E.
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
from saml2 import BINDING_HTTP_REDIRECT, samlp, xmldsig
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

# signed: the assertion signed; signed_response: only the response signed;
# unsigned; sha1: rsa-sha1/sha1 signatures; expired; wrong_audience;
# encrypted: the assertion encrypted (pysaml2's default algorithms), the
# response signed; encrypted_gcm: likewise with aes128-gcm (rsa-oaep-mgf1p);
# encrypted_signed: the assertion signed, then encrypted with aes256-gcm,
# the response not signed; encrypted_unsigned: encrypted, nothing signed;
# encrypted_rsa15: aes128-gcm with rsa-1_5 key transport, response signed;
# encrypted_other_key: aes128-gcm to a certificate that is not the SP's,
# response signed; email_nameid: NameID of format emailAddress.
MODES = {"signed", "signed_response", "unsigned", "sha1", "expired",
         "wrong_audience", "encrypted", "encrypted_gcm", "encrypted_signed",
         "encrypted_unsigned", "encrypted_rsa15", "encrypted_other_key",
         "email_nameid", "both", "slo_bad_signature", "slo_wrong_irt",
         "slo_failure"}
STATE = {"mode": "signed", "user": "alice"}
LAST_LOGOUT = {}

PORT = int(sys.argv[1])
BASE = f"http://127.0.0.1:{PORT}"
WORK = tempfile.mkdtemp(prefix="saml-idp-")
KEY = os.path.join(WORK, "idp.key")
CERT = os.path.join(WORK, "idp.crt")
subprocess.run(
    ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
     "-subj", "/CN=test-idp", "-keyout", KEY, "-out", CERT],
    check=True, capture_output=True)
# A certificate that is not the SP's (encrypted_other_key).
OTHER_KEY = os.path.join(WORK, "other.key")
OTHER_CERT = os.path.join(WORK, "other.crt")
subprocess.run(
    ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
     "-subj", "/CN=someone-else", "-keyout", OTHER_KEY, "-out", OTHER_CERT],
    check=True, capture_output=True)
with open(OTHER_CERT) as f:
    OTHER_CERT_PEM = f.read()

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

# The encrypted_* modes: (content encryption, xmlsec1 session key, key
# transport); pysaml2's default ("encrypted") is tripledes-cbc.
GCM128 = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
GCM256 = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
OAEP = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
RSA15 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
ENCRYPTION = {
    "encrypted_gcm": (GCM128, "aes-128", OAEP),
    "encrypted_signed": (GCM256, "aes-256", OAEP),
    "encrypted_unsigned": (GCM128, "aes-128", OAEP),
    "encrypted_rsa15": (GCM128, "aes-128", RSA15),
    "encrypted_other_key": (GCM128, "aes-128", OAEP),
}
_pre_encryption_part = saml2.entity.pre_encryption_part


def pre_encryption_part(**kwargs):
    if STATE["mode"] in ENCRYPTION:
        kwargs["msg_enc"], _, kwargs["key_enc"] = ENCRYPTION[STATE["mode"]]
    return _pre_encryption_part(**kwargs)


saml2.entity.pre_encryption_part = pre_encryption_part
_encrypt_assertion = saml2.sigver.SecurityContext.encrypt_assertion


def encrypt_assertion(self, statement, enc_key, template, key_type="des-192", node_xpath=None):
    if STATE["mode"] in ENCRYPTION:
        key_type = ENCRYPTION[STATE["mode"]][1]
    return _encrypt_assertion(self, statement, enc_key, template, key_type, node_xpath)


saml2.sigver.SecurityContext.encrypt_assertion = encrypt_assertion


def config(sp_metadata=None):
    conf = {
        "entityid": f"{BASE}/metadata",
        "service": {"idp": {
            "endpoints": {
                "single_sign_on_service": [(f"{BASE}/sso/redirect", BINDING_HTTP_REDIRECT)],
                "single_logout_service": [(f"{BASE}/slo/redirect", BINDING_HTTP_REDIRECT)],
            },
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
    return req.assertion_consumer_service_url, response(idp, sp, req.id, req.assertion_consumer_service_url)


def response(idp, sp, in_response_to, acs):
    mode, user = STATE["mode"], STATE["user"]
    if mode == "email_nameid":
        name_id = NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=f"{user}@example.com")
    else:
        name_id = NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"id-{user}")
    sha1 = mode == "sha1"
    encrypted = mode == "encrypted" or mode in ENCRYPTION
    response = idp.create_authn_response(
        {"mail": [f"{user}@example.com"], "displayName": [user.title()]},
        in_response_to=in_response_to,
        destination=acs,
        sp_entity_id=sp,
        name_id=name_id,
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
        sign_assertion=mode in {"signed", "sha1", "expired", "wrong_audience", "email_nameid",
                                "both", "encrypted_signed"},
        sign_response=mode in {"signed_response", "both"} or (
            encrypted and mode not in {"encrypted_signed", "encrypted_unsigned"}),
        encrypt_assertion=encrypted,
        encrypt_cert_assertion=OTHER_CERT_PEM if mode == "encrypted_other_key" else None,
        sign_alg=xmldsig.SIG_RSA_SHA1 if sha1 else xmldsig.SIG_RSA_SHA256,
        digest_alg=xmldsig.DIGEST_SHA1 if sha1 else xmldsig.DIGEST_SHA256,
    )
    return str(response)


def logout(q):
    """The LogoutResponse redirect for the LogoutRequest in query q."""
    probe = Server(config=config()).parse_logout_request(q["SAMLRequest"], BINDING_HTTP_REDIRECT)
    sp = probe.message.issuer.text
    idp = server_for(sp)
    msg = idp.parse_logout_request(q["SAMLRequest"], BINDING_HTTP_REDIRECT).message
    LAST_LOGOUT.clear()
    LAST_LOGOUT.update({
        "id": msg.id,
        "issuer": sp,
        "destination": msg.destination,
        "not_on_or_after": msg.not_on_or_after,
        "name_id": msg.name_id.text if msg.name_id is not None else None,
        "name_id_format": msg.name_id.format if msg.name_id is not None else None,
        "session_index": [i.text for i in msg.session_index],
        "query": q,
    })
    mode = STATE["mode"]
    status = None
    if mode == "slo_failure":
        status = samlp.Status(status_code=samlp.StatusCode(value=samlp.STATUS_RESPONDER))
    response = idp.create_logout_response(msg, [BINDING_HTTP_REDIRECT], status=status, sign=False)
    if mode == "slo_wrong_irt":
        response.in_response_to = "_not-the-request"
    info = idp.apply_binding(
        BINDING_HTTP_REDIRECT, str(response), response.destination, q.get("RelayState", ""),
        response=True, sign=True, sigalg=xmldsig.SIG_RSA_SHA256)
    location = dict(info["headers"])["Location"]
    if mode == "slo_bad_signature":
        head, sig = location.split("&Signature=")
        sig = urllib.parse.unquote(sig)
        sig = ("B" if sig[0] == "A" else "A") + sig[1:]
        location = head + "&Signature=" + urllib.parse.quote(sig, safe="")
    return location


def auto_post(acs, xml, relay_state):
    encoded = base64.b64encode(xml.encode()).decode()
    return (
        f'<form method="post" action="{html.escape(acs)}">'
        f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
        f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
        '</form><script>document.forms[0].submit()</script>'
    )


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
                return self.send(200, auto_post(acs, xml, q.get("RelayState", "")))
            if url.path == "/slo/redirect":
                self.send_response(303)
                self.send_header("location", logout(q))
                self.send_header("content-length", "0")
                self.end_headers()
                return None
            if url.path == "/last_logout":
                return self.send(200, json.dumps(LAST_LOGOUT), "application/json")
            if url.path == "/unsolicited":
                sp = q["sp"]
                acs = sp + "/acs"
                return self.send(200, auto_post(acs, response(server_for(sp), sp, None, acs), ""))
            return self.send(404, "not found")
        except Exception as e:  # noqa: BLE001 - the test reads it
            return self.send(500, f"idp error: {e!r}", "text/plain")


httpd = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print(json.dumps({"metadata_url": f"{BASE}/metadata", "entity_id": f"{BASE}/metadata"}), flush=True)
httpd.serve_forever()
