"""Passkeys (WebAuthn, FIDO2) with py_webauthn: adding one to an account, and checking one at
login, as the second step or on its own (no password). No views here.

The relying party is the portal's public address (PUBLIC_BASE_URL): its host name is the
RP ID, its scheme, host and port the only origin accepted. Every ceremony gets a fresh
challenge that is single use and expires after PASSKEY_CHALLENGE_MINUTES: it is kept in the
browser's session and, as a hash, in the database, where using it is one conditional UPDATE
(a replayed answer finds it used). Sign counters and backup flags are checked as the
WebAuthn specification says (section 7.2, steps 21-22).
"""
import base64
import binascii
import ipaddress
import json
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, request
from flask import session as cookie
from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_client_data_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from . import firm, security
from .models import Passkey, PasskeyChallenge, User, utcnow

# What a challenge is for: adding a passkey, the second step of a login, a login without a
# password, and confirming a change (removing a passkey) with one.
REGISTER, SECOND_STEP, LOGIN, CONFIRM = "register", "second-step", "login", "confirm"
MAX_NAME = 100
MAX_CREDENTIAL_JSON = 20_000  # far above any real answer (a credential id is ≤ 1023 bytes)
_COOKIE = "passkey_challenge"
_TRANSPORTS = {t.value for t in AuthenticatorTransport}


class PasskeyError(Exception):
    """A passkey answer that does not pass: `problem` is "expired" (no live challenge: too
    late, or used before), "unknown" (no such passkey here, or not this user's) or
    "invalid" (the answer does not verify)."""

    def __init__(self, problem, detail=""):
        super().__init__(f"{problem}: {detail}" if detail else problem)
        self.problem = problem


# ---- the relying party

def relying_party():
    """(RP ID, origin) from PUBLIC_BASE_URL."""
    parts = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    return (parts.hostname or ""), f"{parts.scheme}://{parts.netloc}".lower()


def _named_host(rp_id):
    try:
        ipaddress.ip_address(rp_id)
    except ValueError:
        return bool(rp_id)
    return False  # browsers refuse an IP address as RP ID


def usable_here():
    """True when passkeys can work on the address this request came to: PUBLIC_BASE_URL
    names a host (not an IP address) and this request came to it."""
    rp_id, origin = relying_party()
    return _named_host(rp_id) and request.host_url.rstrip("/").lower() == origin


def public_address():
    """The address at which passkeys work, to name it where this one is not it; None when
    there is none (PUBLIC_BASE_URL names an IP address)."""
    rp_id, origin = relying_party()
    return origin if _named_host(rp_id) else None


# ---- challenges

def _new_challenge(db, purpose, user=None):
    """A fresh challenge for `purpose` (of `user`, if known), kept in this browser's session
    and, hashed, in the database; replaces any earlier one of this browser."""
    now = utcnow()
    # Old challenges go when new ones come: the table holds only the last few minutes.
    db.exec(delete(PasskeyChallenge).where(PasskeyChallenge.expires_at < now - timedelta(hours=1)))
    challenge = secrets.token_bytes(32)
    minutes = current_app.config["PASSKEY_CHALLENGE_MINUTES"]
    db.add(PasskeyChallenge(challenge_hash=_hash(challenge), purpose=purpose,
                            user_id=user.id if user else None, created_at=now,
                            expires_at=now + timedelta(minutes=minutes)))
    cookie[_COOKIE] = {"purpose": purpose, "challenge": bytes_to_base64url(challenge),
                       "user": user.id if user else None}
    return challenge, minutes * 60 * 1000


def _hash(challenge):
    return security.sha256(bytes_to_base64url(challenge))


def _use_challenge(db, purpose, user=None):
    """The challenge this browser was given for `purpose` (of `user`), now used up; raises
    PasskeyError("expired") when there is none that is live."""
    kept = cookie.pop(_COOKIE, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose or \
            kept.get("user") != (user.id if user else None):
        raise PasskeyError("expired", "no challenge in this session")
    challenge = _decode(kept.get("challenge"))
    used = db.exec(update(PasskeyChallenge).where(
        PasskeyChallenge.challenge_hash == _hash(challenge),
        PasskeyChallenge.purpose == purpose,
        PasskeyChallenge.user_id.is_(None) if user is None
        else PasskeyChallenge.user_id == user.id,
        PasskeyChallenge.used_at.is_(None),
        PasskeyChallenge.expires_at > utcnow(),
    ).values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount == 1
    if not used:
        raise PasskeyError("expired", "challenge used or expired")
    return challenge


def _decode(text):
    try:
        return base64.urlsafe_b64decode((text or "") + "=" * (-len(text or "") % 4))
    except (binascii.Error, ValueError, TypeError) as exc:
        raise PasskeyError("invalid", "not base64url") from exc


# ---- the answer a browser posts (PublicKeyCredential.toJSON())

def _parsed(credential_json):
    """The posted credential as a dict, within limits; raises PasskeyError("invalid")."""
    if not credential_json or len(credential_json) > MAX_CREDENTIAL_JSON:
        raise PasskeyError("invalid", "missing or too long")
    try:
        data = json.loads(credential_json)
    except ValueError as exc:
        raise PasskeyError("invalid", "not JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or \
            not isinstance(data.get("response"), dict):
        raise PasskeyError("invalid", "not a credential")
    return data


def _descriptors(passkeys):
    return [PublicKeyCredentialDescriptor(
        id=_decode(p.credential_id),
        transports=[AuthenticatorTransport(t) for t in p.transports.split() if t in _TRANSPORTS]
        or None) for p in passkeys]


def passkeys_of(db, user):
    """The user's passkeys, oldest first."""
    return db.exec(select(Passkey).where(Passkey.user_id == user.id)
                   .order_by(Passkey.created_at, Passkey.id)).all()


def count(db, user):
    """How many passkeys the user has."""
    return db.exec(select(func.count()).select_from(Passkey)
                   .where(Passkey.user_id == user.id)).one()


# ---- adding a passkey

def registration_options(db, user):
    """The options for navigator.credentials.create() as JSON, with a fresh challenge: a
    discoverable credential (for a login without a password) with user verification; none
    of the user's passkeys again; attestation "none"."""
    if not user.passkey_handle:
        # Set once, by one conditional UPDATE: two set-ups started at the same moment (two
        # tabs) must not give their passkeys different handles.
        db.exec(update(User).where(User.id == user.id, User.passkey_handle.is_(None))
                .values(passkey_handle=bytes_to_base64url(secrets.token_bytes(32)))
                .execution_options(synchronize_session=False))
        db.refresh(user, ["passkey_handle"])
    challenge, timeout = _new_challenge(db, REGISTER, user)
    rp_id, _origin = relying_party()
    options = generate_registration_options(
        rp_id=rp_id, rp_name=firm.current(db).name, user_id=_decode(user.passkey_handle),
        user_name=user.email, user_display_name=user.name or user.email, challenge=challenge,
        timeout=timeout, exclude_credentials=_descriptors(passkeys_of(db, user)),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED))
    return options_to_json(options)


def register(db, user, credential_json, name):
    """Check the answer of navigator.credentials.create() and keep the passkey under `name`;
    returns it. Raises PasskeyError."""
    data = _parsed(credential_json)
    challenge = _use_challenge(db, REGISTER, user)
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(
            credential=data, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, require_user_verification=True)
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise PasskeyError("invalid", str(exc)) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.exec(select(Passkey.id).where(Passkey.credential_id == credential_id)).first():
        raise PasskeyError("invalid", "credential registered before")
    transports = data["response"].get("transports")
    passkey = Passkey(
        user_id=user.id, credential_id=credential_id,
        public_key=verified.credential_public_key, sign_count=verified.sign_count,
        backup_eligible=verified.credential_device_type == "multi_device",
        backed_up=verified.credential_backed_up, name=name.strip()[:MAX_NAME],
        transports=" ".join(t for t in transports if t in _TRANSPORTS)[:200]
        if isinstance(transports, list) else "")
    try:
        with db.begin_nested():  # the same credential id sent twice at the same moment
            db.add(passkey)
    except IntegrityError as exc:
        raise PasskeyError("invalid", "credential registered before") from exc
    user.passkey_enabled = True
    return passkey


# ---- using a passkey

def authentication_options(db, purpose, user=None):
    """The options for navigator.credentials.get() as JSON, with a fresh challenge. With a
    `user` (second step, confirming a change) only their passkeys are offered; without one
    (a login without a password) the browser offers the discoverable ones it has for this
    site. User verification is required wherever the passkey is the only factor."""
    challenge, timeout = _new_challenge(db, purpose, user)
    rp_id, _origin = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id, challenge=challenge, timeout=timeout,
        allow_credentials=_descriptors(passkeys_of(db, user)) if user else [],
        user_verification=UserVerificationRequirement.PREFERRED if purpose == SECOND_STEP
        else UserVerificationRequirement.REQUIRED)
    return options_to_json(options)


def authenticate(db, purpose, credential_json, user=None):
    """Check the answer of navigator.credentials.get() for `purpose` (of `user`, when known);
    returns the passkey used, its counter and last use updated. Raises PasskeyError."""
    data = _parsed(credential_json)
    challenge = _use_challenge(db, purpose, user)
    query = select(Passkey).where(Passkey.credential_id == data["id"])
    if user is not None:
        query = query.where(Passkey.user_id == user.id)
    passkey = db.exec(query).first()
    if passkey is None:
        raise PasskeyError("unknown", "no such passkey")
    owner = db.get(User, passkey.user_id)
    if not owner.active:  # refused before its counter or last use is touched
        raise PasskeyError("unknown", "account not active")
    handle = data["response"].get("userHandle")
    if handle and handle != owner.passkey_handle:
        raise PasskeyError("unknown", "user handle of another account")
    rp_id, origin = relying_party()
    try:
        _check_client_data(data, challenge)
        verified = verify_authentication_response(
            credential=data, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=purpose != SECOND_STEP)
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise PasskeyError("invalid", str(exc)) from exc
    # Backup eligibility is fixed when the passkey is made: a change means another
    # authenticator answers for it (WebAuthn 7.2 step 21). Its backup state may change.
    if (verified.credential_device_type == "multi_device") != passkey.backup_eligible:
        raise PasskeyError("invalid", "backup eligibility changed")
    # One conditional UPDATE: of two parallel uses with the same counter only one passes.
    moved = db.exec(update(Passkey).where(
        Passkey.id == passkey.id, Passkey.sign_count == passkey.sign_count,
    ).values(sign_count=verified.new_sign_count, backed_up=verified.credential_backed_up,
             last_used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise PasskeyError("invalid", "used at the same moment elsewhere")
    db.refresh(passkey)
    return passkey


def _check_client_data(data, challenge):
    # py_webauthn compares the challenge too; this gives the clearer reason first.
    client_data = parse_client_data_json(_decode(data["response"].get("clientDataJSON")))
    if client_data.challenge != challenge:
        raise PasskeyError("expired", "answer to another challenge")


# ---- removing

def remove(db, user, passkey):
    """Remove one passkey; with none left, passkeys are off for the user."""
    db.delete(passkey)
    db.flush()
    user.passkey_enabled = count(db, user) > 0


def remove_all(db, user):
    """Remove every passkey of a user (the account is erased, or reset)."""
    db.exec(delete(Passkey).where(Passkey.user_id == user.id))
    db.exec(delete(PasskeyChallenge).where(PasskeyChallenge.user_id == user.id))
    user.passkey_enabled, user.passkey_handle = False, None
