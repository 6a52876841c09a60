"""Two-step verification: authenticator app (TOTP), SMS codes, the recovery code and backup
codes, and the pending login between the password and the second step."""
import hashlib
import hmac
import re
import secrets
import time
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app, g, request
from flask import session as cookie
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import select
from werkzeug.security import check_password_hash, generate_password_hash

from . import firm, passkeys, security, sms
from .models import LoginSession, OneTimeToken, RecoveryCode, User, utcnow
from .outbox import queue_mail
from .phone import country_of

METHOD_APP, METHOD_SMS, METHOD_CODE, METHOD_PASSKEY = "app", "sms", "code", "passkey"
KIND_RECOVERY, KIND_BACKUP = "recovery", "backup"
SMS_SETUP, SMS_LOGIN = "sms-setup", "sms-login"
SMS_APPROVAL = "sms-approval"  # a code that confirms the client's approval (Ter goedkeuring)
HOUR, DAY = "hour", "day"  # which SMS cap was reached
BACKUP_CODE_COUNT = 10
TOTP_STEP = 30
# Recovery and backup codes: 12 characters without look-alikes (0/O, 1/I/L), about 59 bits.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_HASH = "pbkdf2:sha256:1000"  # ~59 random bits need no slow hash; checking stays cheap


# ---- phone numbers

def sms_country_allowed(db, e164):
    """True when the firm sends SMS codes to numbers of this number's country (toll fraud:
    codes to premium or far-away numbers cost the firm money)."""
    return country_of(e164) in firm.current(db).sms_countries


def phone_ending(e164):
    """The last two digits, to name a number without showing it on the login screen."""
    return (e164 or "")[-2:]


# ---- the authenticator app (TOTP, RFC 6238)

def new_totp_secret():
    """A random base32 secret of 160 bits."""
    return pyotp.random_base32()


def totp_uri(user, secret):
    """The otpauth:// URI that the QR code holds."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=firm.current().name)


def qr_svg(text):
    """The QR code of `text` as inline SVG markup (no script, no style attribute)."""
    return segno.make(text, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", svgclass="qr", omitsize=True)


def grouped_secret(secret):
    """The secret in groups of four, easier to type into an app."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _digits(code):
    return re.sub(r"\s", "", code or "")


def matching_step(secret, code, now=None):
    """The time step (this one, or one either side for clock drift) of which `code` is the
    TOTP code, or None."""
    code = _digits(code)
    if not secret or not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP)
    step = int((time.time() if now is None else now) // TOTP_STEP)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.at(candidate * TOTP_STEP), code):
            return candidate
    return None


def accept_totp(db, user, code):
    """True when `code` is right and of a later time step than any accepted before.

    The step is claimed with one conditional UPDATE, so a code never works twice, not
    even in two requests at the same moment (PITFALLS.md 3).
    """
    step = matching_step(user.totp_secret, code)
    if step is None:
        return False
    claimed = db.exec(update(User)
                      .where(User.id == user.id, User.totp_last_step < step)
                      .values(totp_last_step=step)
                      .execution_options(synchronize_session=False)).rowcount == 1
    if claimed:
        set_committed_value(user, "totp_last_step", step)
    return claimed


def _this_login(db):
    """The LoginSession row of this request's login, or None."""
    return db.exec(select(LoginSession).where(
        LoginSession.token_hash == security.sha256(g.get("login_token") or ""))).first()


def start_totp_setup(db):
    """Give this login a fresh secret to set up, in place of any it had; returns it.

    It lives on this login's own row, not on the user: a set-up started in another browser
    (or by someone who had the account for a moment) never sees or reuses it.
    """
    login = _this_login(db)
    login.totp_pending_secret = new_totp_secret()
    return login.totp_pending_secret


def pending_totp_secret(db):
    """The secret this login is setting up, or None."""
    login = _this_login(db)
    return login.totp_pending_secret if login is not None else None


def confirm_totp(db, user, code):
    """Turn the app on when `code` fits this login's pending secret; True if so."""
    login = _this_login(db)
    secret = login.totp_pending_secret if login is not None else None
    step = matching_step(secret, code)
    if step is None:
        return False
    user.totp_secret, user.totp_enabled, user.totp_last_step = secret, True, step
    login.totp_pending_secret = None
    return True


# ---- SMS codes (6 digits, stored as a keyed hash, valid for SMS_CODE_MINUTES)

def _sms_hash(purpose, user, phone, code):
    # Six digits are guessed offline from a plain hash; the app's secret key prevents that.
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{purpose}:{user.id}:{phone}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def issue_sms_code(db, user, purpose, phone):
    """Make a new code for `phone`; any earlier code of this purpose stops working."""
    db.exec(delete(OneTimeToken).where(OneTimeToken.user_id == user.id,
                                       OneTimeToken.purpose == purpose))
    code, now = f"{secrets.randbelow(10 ** 6):06d}", utcnow()
    db.add(OneTimeToken(user_id=user.id, purpose=purpose,
                        token_hash=_sms_hash(purpose, user, phone, code), created_at=now,
                        expires_at=now + timedelta(minutes=current_app.config["SMS_CODE_MINUTES"])))
    return code


def check_sms_code(db, user, purpose, phone, code):
    """None when `code` is the live code for `phone` (it is used up now), else the problem:
    "invalid" or "expired"."""
    code = _digits(code)
    if not re.fullmatch(r"\d{6}", code) or not phone:
        return "invalid"
    token = db.exec(select(OneTimeToken).where(
        OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose,
        OneTimeToken.token_hash == _sms_hash(purpose, user, phone, code))).first()
    if token is None or token.used_at is not None:
        return "invalid"
    if token.expires_at <= utcnow():
        return "expired"
    used = db.exec(update(OneTimeToken)
                   .where(OneTimeToken.id == token.id, OneTimeToken.used_at.is_(None))
                   .values(used_at=utcnow())
                   .execution_options(synchronize_session=False)).rowcount == 1
    return None if used else "invalid"


def _sms_keys(user, purpose, phone):
    # Set-up and login count apart: anyone can type any number in their own set-up, but only
    # a number's verified owner gets login codes, so set-ups never use up the login caps.
    return f"{purpose}:{user.id}", f"{purpose}-to:{phone}"


def sms_throttle_keys(user):
    """The throttle keys of this user's SMS and of their verified number (to forget them
    when the account is erased)."""
    keys = []
    for purpose in (SMS_SETUP, SMS_LOGIN, SMS_APPROVAL):
        user_key, phone_key = _sms_keys(user, purpose, user.sms_phone)
        keys += [user_key, phone_key] if user.sms_phone else [user_key]
    return keys


def sms_throttled(db, user, purpose, phone):
    """Why no SMS of `purpose` may go to this user or this number now: HOUR or DAY (too
    many in the last hour or day), or None."""
    cfg = current_app.config
    user_key, phone_key = _sms_keys(user, purpose, phone)
    for key, hourly, daily in (
            (user_key, cfg["SMS_MAX_PER_USER_PER_HOUR"], cfg["SMS_MAX_PER_USER_PER_DAY"]),
            (phone_key, cfg["SMS_MAX_PER_NUMBER_PER_HOUR"], cfg["SMS_MAX_PER_NUMBER_PER_DAY"])):
        if security.throttled(db, key, daily, 24 * 60):
            return DAY
        if security.throttled(db, key, hourly, 60):
            return HOUR
    return None


def send_sms_code(db, user, purpose, phone):
    """Send a new code by SMS. Returns None when sent, else why not (sms_throttled); raises
    sms.SmsError when the provider failed. Commits first: the code must exist before it can
    arrive, and no database lock may be held while a gateway is slow."""
    refused = sms_throttled(db, user, purpose, phone)
    if refused:
        return refused
    for key in _sms_keys(user, purpose, phone):
        security.note_event(db, key)
    code = issue_sms_code(db, user, purpose, phone)
    firm_name = firm.current(db).name  # read before the commit: no lock during the send
    db.commit()
    with force_locale(user.language or "nl"):
        text = _("%(code)s is your code for the client portal of %(firm)s. It is valid for "
                 "%(minutes)s minutes. Never share this code with anyone.", code=code,
                 firm=firm_name,
                 minutes=current_app.config["SMS_CODE_MINUTES"])
    sms.send(phone, text)
    return None


# ---- recovery and backup codes (single use, stored hashed)

def _new_code():
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normalise_code(text):
    """A typed code without spaces or dashes, in capitals."""
    return re.sub(r"[^0-9A-Z]", "", (text or "").upper())


def looks_like_code(text):
    """True when `text` has the shape of a recovery or backup code."""
    return len(normalise_code(text)) == 12


def new_codes(db, user, kind, count):
    """Replace the user's codes of `kind` by `count` new ones; returns them (shown once)."""
    db.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                       RecoveryCode.kind == kind))
    codes = [_new_code() for _ in range(count)]
    for code in codes:
        db.add(RecoveryCode(user_id=user.id, kind=kind,
                            code_hash=generate_password_hash(normalise_code(code), _CODE_HASH)))
    return codes


def _unused_codes(db, user, kind=None):
    query = select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                       RecoveryCode.used_at.is_(None))
    if kind:
        query = query.where(RecoveryCode.kind == kind)
    return db.exec(query.order_by(RecoveryCode.id)).all()


def use_code(db, user, text):
    """The recovery or backup code `text` if it is an unused one of `user`, now used up."""
    code = normalise_code(text)
    if len(code) != 12:
        return None
    for row in _unused_codes(db, user):
        if check_password_hash(row.code_hash, code):
            used = db.exec(update(RecoveryCode)
                           .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                           .values(used_at=utcnow())
                           .execution_options(synchronize_session=False)).rowcount == 1
            return row if used else None
    return None


def unused_among(db, user, kind, texts):
    """Those of `texts` that are unused codes of `kind` of `user` (for a copy of the codes
    just shown: the page posts them back, nothing else keeps them in plain text)."""
    rows = _unused_codes(db, user, kind)
    return [text for text in texts if looks_like_code(text) and any(
        check_password_hash(row.code_hash, normalise_code(text)) for row in rows)]


def codes_version(db, user, kind):
    """A fingerprint of the user's current codes of `kind` (used or not): it changes with
    every new set, so a form can say which set it means to replace."""
    hashes = db.exec(select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id, RecoveryCode.kind == kind)
        .order_by(RecoveryCode.id)).all()
    return security.sha256("|".join(hashes))[:16]


def count_codes(db, user, kind):
    """How many unused codes of `kind` the user has."""
    return db.exec(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.kind == kind,
        RecoveryCode.used_at.is_(None))).one()


# ---- changing the settings

def enable_sms(db, user, phone):
    """Turn SMS on for `phone`; returns the new recovery code (shown once)."""
    user.sms_phone, user.sms_enabled = phone, True
    return new_codes(db, user, KIND_RECOVERY, 1)[0]


def disable(db, user, method):
    """Turn SMS or the app off; with no method left, the codes go too (forget_codes_if_off)."""
    if method == METHOD_SMS:
        user.sms_enabled, user.sms_phone = False, None
        db.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                           RecoveryCode.kind == KIND_RECOVERY))
    else:
        user.totp_enabled, user.totp_secret = False, None
    forget_codes_if_off(db, user)
    db.exec(delete(OneTimeToken).where(OneTimeToken.user_id == user.id,
                                       OneTimeToken.purpose.in_((SMS_SETUP, SMS_LOGIN))))


def forget_codes_if_off(db, user):
    """With no two-step method left (the last one turned off or removed), the recovery and
    backup codes go too."""
    if not user.two_step_enabled:
        db.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def reset(db, user):
    """Forget every two-step setting and code of a user (when the account is deleted)."""
    user.sms_enabled = user.totp_enabled = False
    user.sms_phone = user.totp_secret = None
    passkeys.remove_all(db, user)
    db.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def mail_change(db, user, change):
    """Tell the user by mail that a two-step setting changed (`change` names which), so a
    change they did not make does not go unnoticed."""
    queue_mail(db, user, "two_step_changed",
               _l("The security settings of your account have changed"), change=change)


def methods_of(user):
    """The ways this user can pass the second step, the preferred one first: a passkey
    when there is one (nothing to type, and it cannot be phished)."""
    methods = [METHOD_PASSKEY] if user.passkey_enabled else []
    if user.totp_enabled:
        methods.append(METHOD_APP)
    if user.sms_enabled:
        methods.append(METHOD_SMS)
    return methods + [METHOD_CODE]


# ---- the pending login: password right, second step still to come

_PENDING = "two_step_pending"


def start_pending(user, next_url=None):
    """Remember in the cookie session that `user` gave the right password; not a login."""
    cookie.clear()
    cookie[_PENDING] = {
        "user": user.id,
        "until": int(time.time()) + 60 * current_app.config["TWO_STEP_PENDING_MINUTES"],
        "next": next_url,
        "since": _stamp(user),
    }
    cookie["lang"] = user.language


def pending():
    """The pending state of this browser, or None."""
    state = cookie.get(_PENDING)
    if not isinstance(state, dict) or state.get("until", 0) < time.time():
        return None
    return state


def pending_user(db):
    """The user who is between password and second step in this browser, or None."""
    state = pending()
    if state is None:
        return None
    user = db.get(User, state["user"])
    if user is None or not user.active or not user.two_step_enabled:
        return None
    if _stamp(user) != state.get("since"):
        return None
    return user


def _stamp(user):
    # A login completed (on any device) or a password set since the password was given
    # makes the pending state stale: after a reset, the old password leads nowhere.
    return "|".join(moment.isoformat() if isinstance(moment, datetime) else ""
                    for moment in (user.last_login_at, user.password_changed_at))


def attempts_blocked(db, user):
    """Seconds before this user, or this IP address, may enter a code again (0: now).
    Both keys stay locked until the transaction ends, so a note_failure after this check
    counts before a parallel request checks (security.lock_key)."""
    cfg = current_app.config
    return max(security.wait_seconds(db, f"two-step:{user.id}", cfg["TWO_STEP_MAX_FAILURES"]),
               security.wait_seconds(db, f"two-step-ip:{request.remote_addr}",
                                     cfg["TWO_STEP_MAX_FAILURES_IP"]))


def note_failure(db, user):
    """Count one wrong code for this user and for this IP address."""
    security.note_event(db, f"two-step:{user.id}")
    security.note_event(db, f"two-step-ip:{request.remote_addr}")


def forget_failures(db, user):
    """Forget the wrong codes once the right one was given."""
    security.forget_events(db, f"two-step:{user.id}")


def verify_login(db, user, method, code):
    """What the code given for the second step proved: "app", "sms", "recovery" or
    "backup", or a problem: "invalid", "expired" or "used" (an app code given before). A
    code that passes is used up."""
    if method == METHOD_APP and user.totp_enabled:
        if accept_totp(db, user, code):
            return METHOD_APP
        # The right code of a time step already used: said as such, and counted as wrong.
        return "used" if matching_step(user.totp_secret, code) is not None else "invalid"
    if method == METHOD_SMS and user.sms_enabled:
        return check_sms_code(db, user, SMS_LOGIN, user.sms_phone, code) or METHOD_SMS
    if method == METHOD_CODE:
        row = use_code(db, user, code)
        return row.kind if row is not None else "invalid"
    return "invalid"
