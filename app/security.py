"""Passwords, one-time links, throttling, login sessions, proxy and security headers."""
import hashlib
import math
import os
import re
import secrets
import unicodedata
from datetime import timedelta
from functools import cache
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app, flash, g, redirect, request, url_for
from flask import session as cookie
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import text, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import delete, func, select
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.security import check_password_hash, generate_password_hash

from .db import get_session
from .extensions import login_manager
from .htmx import hx_redirect, is_htmx
from .models import LoginSession, OneTimeToken, ThrottleEvent, User, utcnow

# Compared against when an e-mail address is unknown, so both cases take as long.
_DUMMY_HASH = generate_password_hash("not a password")

PASSWORD_RULE = _l("The password must contain at least 8 characters, "
                   "of which at least 1 capital letter and 1 digit.")
# Said before typing too, since password_problems refuses these as well.
PASSWORD_ALSO = _l("A very common password, or one that contains your e-mail address, is not "
                   "accepted either.")
# Long enough for any passphrase or password manager; short enough that hashing stays cheap.
PASSWORD_MAX_LENGTH = 1000
COMMON_PASSWORDS = os.path.join(os.path.dirname(__file__), "data", "common-passwords.txt")


def sha256(text):
    """Hex SHA-256 of a string."""
    return hashlib.sha256(text.encode()).hexdigest()


def normalise_email(email):
    """The one form in which an address is stored and compared (PITFALLS 13): NFC, the
    domain in IDNA (punycode) ASCII, lower case; text that is no address only NFC and lower.
    """
    address = unicodedata.normalize("NFC", (email or "").strip())
    try:
        # Non-ASCII before the @ is allowed here, so that such an address stored earlier
        # still matches; the forms refuse it for new ones (app/addresses.py).
        valid = validate_email(address, check_deliverability=False, allow_smtputf8=True,
                               test_environment=True)
    except EmailNotValidError:
        return address.lower()
    return f"{valid.local_part}@{valid.ascii_domain}".lower()


# ---- passwords

@cache
def common_passwords():
    """The 10,000 most common passwords, in lower case (app/data/README.md says from where)."""
    with open(COMMON_PASSWORDS, encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def contains_email(password, email):
    """True when the password holds the e-mail address or the part before the @."""
    email = normalise_email(email)
    local = email.split("@")[0]
    lowered = password.lower()
    # A very short local part ("jo@") would refuse too many good passwords.
    return bool(email) and (email in lowered or (len(local) >= 3 and local in lowered))


def password_problems(password, email=None):
    """What is wrong with a new password, as messages for the user (empty when fine)."""
    if len(password) > PASSWORD_MAX_LENGTH:
        return [_l("The password may be at most %(num)s characters long.",
                   num=PASSWORD_MAX_LENGTH)]
    problems = []
    if len(password) < 8:
        problems.append(_l("The password must be at least 8 characters long."))
    if not re.search(r"[A-Z]", password):
        problems.append(_l("The password must contain at least 1 capital letter."))
    if not re.search(r"[0-9]", password):
        problems.append(_l("The password must contain at least 1 digit."))
    if password.lower() in common_passwords():
        problems.append(_l("This password is one of the most commonly used passwords. "
                           "Choose one that is harder to guess."))
    if email and contains_email(password, email):
        problems.append(_l("The password may not contain your e-mail address or the part "
                           "before the @."))
    return problems


def set_password(user, password):
    """Hash and store a new password (scrypt, Werkzeug's default KDF)."""
    user.password_hash = generate_password_hash(password)
    user.password_changed_at = utcnow()


def check_password(user, password):
    """True when the password is right; takes as long for unknown users."""
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


# ---- one-time links

def issue_token(db, user, purpose, hours):
    """Make a single-use link token for a user; only its hash is stored."""
    raw, now = secrets.token_urlsafe(32), utcnow()
    db.add(OneTimeToken(user_id=user.id, purpose=purpose, token_hash=sha256(raw),
                             created_at=now, expires_at=now + timedelta(hours=hours)))
    return raw


def find_token(db, raw, purpose):
    """(token, problem): problem is None, "invalid", "used" or "expired"."""
    if not raw or len(raw) > 100:
        return None, "invalid"
    token = db.exec(select(OneTimeToken).where(
        OneTimeToken.token_hash == sha256(raw), OneTimeToken.purpose == purpose)).first()
    if token is None:
        return None, "invalid"
    if token.used_at is not None:
        return token, "used"
    if token.expires_at <= utcnow():
        return token, "expired"
    user = db.get(User, token.user_id)
    if user is None or not user.active:
        return token, "invalid"
    return token, None


def claim_token(db, token):
    """Use up a link found by find_token; False when another request used it first.

    One conditional UPDATE: of two requests with the same link at the same moment only one
    changes the row, also on PostgreSQL, where both passed find_token (PITFALLS.md 10).
    """
    now = utcnow()
    claimed = db.exec(update(OneTimeToken)
                           .where(OneTimeToken.id == token.id, OneTimeToken.used_at.is_(None),
                                  OneTimeToken.expires_at > now)
                           .values(used_at=now)
                           .execution_options(synchronize_session=False)).rowcount == 1
    if claimed:
        set_committed_value(token, "used_at", now)
    return claimed


def void_tokens(db, user):
    """Mark every open link of a user as used (after any password change)."""
    for token in db.exec(select(OneTimeToken).where(
            OneTimeToken.user_id == user.id, OneTimeToken.used_at.is_(None))):
        token.used_at = utcnow()


# ---- throttling, kept in the database so that it holds across workers

def lock_key(db, key):
    """Hold `key` until this transaction ends, so that a throttle's check and the note_event
    after it are one step: parallel requests of one key are counted one after another."""
    # SQLite needs nothing: the transaction of a POST, where events are noted, begins
    # IMMEDIATE (app/db.py) and so holds the database's one write lock until it ends.
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def throttled(db, key, limit, minutes):
    """True when `key` has `limit` or more events within the last `minutes`; `key` stays
    locked (lock_key) until the transaction ends."""
    lock_key(db, key)
    since = utcnow() - timedelta(minutes=minutes)
    count = db.exec(select(func.count()).select_from(ThrottleEvent).where(
        ThrottleEvent.key == key, ThrottleEvent.at > since)).one()
    return count >= limit


def note_event(db, key):
    """Count one event (a failed login, a link request) for `key`; drop its stale ones."""
    now = utcnow()
    # No throttle looks back further than a day or THROTTLE_MEMORY_HOURS.
    hours = max(24, current_app.config["THROTTLE_MEMORY_HOURS"])
    db.exec(delete(ThrottleEvent).where(ThrottleEvent.key == key,
                                             ThrottleEvent.at < now - timedelta(hours=hours)))
    db.add(ThrottleEvent(key=key, at=now))


def forget_events(db, key):
    """Forget the events of `key` (after a successful login)."""
    db.exec(delete(ThrottleEvent).where(ThrottleEvent.key == key))


def wait_seconds(db, key, free):
    """How long `key` must wait before its next try (0: it may try now).

    The first `free` failures cost nothing; then each one is followed by a pause of
    THROTTLE_FIRST_WAIT_SECONDS that doubles with every further failure, up to
    THROTTLE_MAX_WAIT_SECONDS. Tries refused during a pause are not counted, so every
    pause ends by itself: an attacker can slow the real user down, never lock them out.
    `key` stays locked (lock_key) until the transaction ends.
    """
    lock_key(db, key)
    cfg, now = current_app.config, utcnow()
    since = now - timedelta(hours=cfg["THROTTLE_MEMORY_HOURS"])
    count, last = db.exec(select(func.count(), func.max(ThrottleEvent.at)).where(
        ThrottleEvent.key == key, ThrottleEvent.at > since)).one()
    if count < free:
        return 0
    doublings = min(count - free, 20)  # 2 ** 20 pauses are far past any cap
    pause = min(cfg["THROTTLE_FIRST_WAIT_SECONDS"] * 2 ** doublings,
                cfg["THROTTLE_MAX_WAIT_SECONDS"])
    return max(0, math.ceil((last + timedelta(seconds=pause) - now).total_seconds()))


def login_wait(db, email, ip):
    """Seconds before this account or this address may try to log in again (0: now).
    Both keys stay locked until the transaction ends (lock_key)."""
    cfg = current_app.config
    return max(wait_seconds(db, "login:" + email, cfg["LOGIN_MAX_FAILURES_ACCOUNT"]),
               wait_seconds(db, "login-ip:" + ip, cfg["LOGIN_MAX_FAILURES_IP"]))


# ---- login sessions (Flask-Login "alternative tokens")

def start_login(db, user):
    """Open a server-side login session for `user`; returns the token for the cookie."""
    raw, now = secrets.token_urlsafe(32), utcnow()
    db.add(LoginSession(user_id=user.id, token_hash=sha256(raw), created_at=now,
                             last_seen_at=now, ip=request.remote_addr,
                             user_agent=(request.user_agent.string or "")[:300]))
    g.login_token = raw
    return raw


def end_login(db, raw):
    """End one login session."""
    db.exec(delete(LoginSession).where(LoginSession.token_hash == sha256(raw)))


def end_all_logins(db, user):
    """End every login session of a user (password change, deactivation)."""
    db.exec(delete(LoginSession).where(LoginSession.user_id == user.id))


def end_other_logins(db, user):
    """End every login session of `user` but this request's, and give this one a new token.

    A copy of this browser's cookie taken before (the reason to log out elsewhere, or to
    change two-step verification) dies too; the absolute timeout still counts from login.
    """
    current = sha256(g.get("login_token") or "")
    db.exec(delete(LoginSession).where(LoginSession.user_id == user.id,
                                            LoginSession.token_hash != current))
    login = db.exec(select(LoginSession).where(LoginSession.token_hash == current)).first()
    if login is not None:
        raw = secrets.token_urlsafe(32)
        login.token_hash = sha256(raw)
        g.login_token = cookie["_user_id"] = raw  # Flask-Login keeps get_id() here


@login_manager.user_loader
def load_user(raw):
    """The user whose live login session has this token, or None."""
    db = get_session()
    login = db.exec(select(LoginSession).where(
        LoginSession.token_hash == sha256(raw))).first()
    if login is None:
        return None
    now, cfg = utcnow(), current_app.config
    if (now - login.last_seen_at > timedelta(minutes=cfg["SESSION_IDLE_MINUTES"])
            or now - login.created_at > timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"])):
        db.delete(login)
        db.commit()
        return None
    user = db.get(User, login.user_id)
    if user is None or not user.active:
        return None
    if now - login.last_seen_at > timedelta(minutes=1):
        login.last_seen_at = now
        db.commit()
    g.login_token = raw
    return user


def unauthorized():
    """Send anonymous visitors to the login page; htmx requests get HX-Redirect."""
    query = request.query_string.decode("latin-1")
    here = request.path + ("?" + query if query else "") if request.method == "GET" else None
    if is_htmx():  # back to the page the fragment was for, not to the bare fragment
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        here = page.path + ("?" + page.query if page.query else "") if page.path else None
    target = url_for("auth.login", next=here)
    if is_htmx():
        response = hx_redirect(target)
        response.status_code = 401  # says "not signed in"; htmx follows it all the same
        return response
    flash(str(login_manager.login_message), "info")
    return redirect(target)


# ---- response headers

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")


def set_security_headers(response):
    """Headers for every response: CSP, nosniff, referrer, framing, caching, HSTS."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    # Also when the portal's address is https but the request came as http: a TLS proxy not
    # announced in TRUSTED_PROXIES. Browsers ignore the header on plain http.
    if request.is_secure or current_app.config["PUBLIC_BASE_URL"].startswith("https://"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not request.path.startswith(("/static/", "/firm/")):  # /firm/: public colour, logo
        headers["Cache-Control"] = "no-store"
    if request.headers.get("HX-Request") is not None or "HX-Request" in headers.get("Vary", ""):
        response.vary.add("HX-Request")
    return response


def trust_proxies(app):
    """Behind TRUSTED_PROXIES proxies, take address, scheme and host from their headers."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def init_app(app):
    """Wire the proxy headers, Flask-Login and the response headers."""
    trust_proxies(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.unauthorized_handler(unauthorized)
    app.after_request(set_security_headers)

    @app.context_processor
    def _inject():
        from . import firm  # the firm's name and colours: saved settings, else the config
        return {"current_user": current_user, **firm.template_context()}
