"""A software authenticator for the passkey tests: it answers the portal's WebAuthn options
as a browser with a platform authenticator would (attestation "none", ES256), so that
registration and authentication are tested with generated responses, the way py_webauthn's
own tests use recorded ones. Also: reading the options out of a page, and using the portal's
passkey pages as static/js/passkeys.js does."""
import hashlib
import html
import json
import os
import re
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from helpers import PASSWORD, csrf_token, post_form
from sqlmodel import select
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from app import passkeys
from app.db import get_session
from app.models import Passkey, User

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40


def _client_data(kind, challenge, origin):
    return json.dumps({"type": kind, "challenge": challenge, "origin": origin,
                       "crossOrigin": False}).encode()


class SoftAuthenticator:
    """One authenticator holding discoverable credentials (keyed by credential id)."""

    def __init__(self, origin="http://portal.test", verified=True, backup_eligible=True,
                 backed_up=True):
        self.origin, self.verified = origin, verified
        self.backup_eligible, self.backed_up = backup_eligible, backed_up
        self.credentials = {}  # credential id (bytes) -> {key, rp_id, user_handle, count}

    def _flags(self, extra=0):
        flags = UP | extra
        if self.verified:
            flags |= UV
        if self.backup_eligible:
            flags |= BE
        if self.backed_up:
            flags |= BS
        return flags

    def create(self, options, credential_id=None):
        """The answer (PublicKeyCredential.toJSON()) to creation `options` (a dict), with a
        new credential (of the id given, if one is)."""
        rp_id = options["rp"]["id"]
        key = ec.generate_private_key(ec.SECP256R1())
        credential_id = credential_id or os.urandom(32)
        numbers = key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})
        self.credentials[credential_id] = {"key": key, "rp_id": rp_id,
                                           "user_handle": options["user"]["id"], "count": 0}
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([self._flags(AT)])
                     + struct.pack(">I", 0) + bytes(16)
                     + struct.pack(">H", len(credential_id)) + credential_id + cose)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = _client_data("webauthn.create", options["challenge"], self.origin)
        encoded = bytes_to_base64url(credential_id)
        return {"id": encoded, "rawId": encoded, "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "attestationObject": bytes_to_base64url(attestation),
                             "transports": ["internal"]}}

    def get(self, options, credential_id=None, count=None):
        """The answer to request `options`: with the given credential, else the first one
        allowed (or, with none named, the first this authenticator holds for the RP)."""
        rp_id = options["rpId"]
        if credential_id is None:
            allowed = [base64url_to_bytes(c["id"]) for c in options.get("allowCredentials", [])]
            candidates = [cid for cid, c in self.credentials.items()
                          if c["rp_id"] == rp_id and (not allowed or cid in allowed)]
            credential_id = candidates[0]
        held = self.credentials[credential_id]
        held["count"] = held["count"] + 1 if count is None else count
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([self._flags()])
                     + struct.pack(">I", held["count"]))
        client_data = _client_data("webauthn.get", options["challenge"], self.origin)
        signature = held["key"].sign(auth_data + hashlib.sha256(client_data).digest(),
                                     ec.ECDSA(hashes.SHA256()))
        encoded = bytes_to_base64url(credential_id)
        return {"id": encoded, "rawId": encoded, "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "authenticatorData": bytes_to_base64url(auth_data),
                             "signature": bytes_to_base64url(signature),
                             "userHandle": held["user_handle"]}}


def options_in(page_html):
    """The creation options a page holds in its data-options attribute, as a dict."""
    found = re.search(r'data-options="([^"]*)"', page_html)
    assert found, "no data-options on the page"
    return json.loads(html.unescape(found.group(1)))


# ---- the portal's passkey pages, as the browser's static/js/passkeys.js uses them

BASE = "http://localhost"  # the Flask test client's address: PUBLIC_BASE_URL in these tests
PASSKEYS = "/mijn-gegevens/2-staps-verificatie/passkeys"
LOGIN_OPTIONS, LOGIN = "/inloggen/passkey/opties", "/inloggen/passkey"
STEP_OPTIONS, STEP = "/inloggen/verificatie/passkey/opties", "/inloggen/verificatie/passkey"


def fetch_options(client, url):
    """POST to an options endpoint with the session's CSRF token (as passkeys.js does);
    returns the response."""
    return client.post(url, headers={"X-CSRFToken": csrf_token(client),
                                     "Accept": "application/json"})


def options_from(client, url):
    """The JSON options an endpoint hands out (a fresh challenge), as a dict."""
    response = fetch_options(client, url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def send_credential(client, url, answer, **fields):
    """POST the browser's answer (a dict, or a raw string) in the field "credential"."""
    credential = answer if isinstance(answer, str) else json.dumps(answer)
    return post_form(client, url, {"credential": credential, **fields})


def add_passkey(client, authenticator, name="Telefoon"):
    """Add a passkey on the pages: name and password, then the answer of `authenticator`;
    returns the last response."""
    page = post_form(client, PASSKEYS, {"name": name, "password": PASSWORD})
    assert page.status_code == 200, page.get_data(as_text=True)
    answer = authenticator.create(options_in(page.get_data(as_text=True)))
    return send_credential(client, PASSKEYS + "/nieuw", answer, name=name)


def give_passkey(app, user, authenticator, name="Telefoon"):
    """Register a passkey of `authenticator` for `user` straight through app.passkeys (in a
    request context of its own); returns its credential id (base64url)."""
    with app.test_request_context():
        db = get_session()
        me = db.get(User, user.id)
        options = json.loads(passkeys.registration_options(db, me))
        passkey = passkeys.register(db, me, json.dumps(authenticator.create(options)), name)
        db.commit()
        return passkey.credential_id


def refreshed(session, user):
    """`user` as the database has it now."""
    session.expire_all()
    return session.get(User, user.id)


def passkeys_of(session, user):
    """The user's passkeys as the database has them now, oldest first."""
    session.expire_all()
    return session.exec(select(Passkey).where(Passkey.user_id == user.id)
                        .order_by(Passkey.id)).all()


def logged_in(client):
    """True when `client` is logged in (Home opens)."""
    return client.get("/").status_code == 200
