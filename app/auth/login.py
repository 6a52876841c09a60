"""Logging a user in, and what the login pages share with Mijn gegevens: where to land, the
language cookie, the messages of a pause, and checking a two-step code (no views here)."""
import math
from urllib.parse import urlsplit

from flask import current_app, g, jsonify, request, url_for
from flask import session as cookie
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext, refresh
from flask_login import login_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from .. import audit, passkeys, security, twostep
from ..models import utcnow

WRONG = {
    twostep.METHOD_APP: _l("This code is not correct. Enter the code that your "
                           "authenticator app shows now."),
    twostep.METHOD_SMS: _l("This code is not correct. Enter the code from the last SMS."),
    twostep.METHOD_CODE: _l("This recovery or backup code is not correct, or it has been "
                            "used before."),
}
EXPIRED = _l("This code has expired. Have a new code sent to you.")
USED = _l("This code has already been used. Wait for the next code in your authenticator app "
          "and enter that one.")

PASSKEY_PROBLEMS = {
    "expired": _l("This passkey request has expired. Try again."),
    "unknown": _l("This passkey is not known for an account of this portal. Log in with your "
                  "e-mail address and password."),
    "invalid": _l("Your passkey could not be verified. Try again, or log in another way."),
}
# Where the account is known already (second step, confirming a change): "unknown" means
# a passkey of someone else, or of nobody here.
PASSKEY_NOT_YOURS = _l("This passkey does not belong to your account. Use one of your own "
                       "passkeys, or another way.")


def passkey_problem(problem, account_known=False):
    """What to say about a passkey answer that did not pass."""
    if account_known and problem == "unknown":
        return PASSKEY_NOT_YOURS
    return PASSKEY_PROBLEMS[problem]


def options_answer(db, purpose, user=None):
    """The JSON options of a passkey ceremony (a fresh challenge), or 429 when this IP
    address asked for too many this minute (each one is a database row)."""
    key = f"passkey-options:{request.remote_addr}"
    if security.throttled(db, key, current_app.config["PASSKEY_OPTIONS_PER_MINUTE"], 1):
        return jsonify(error=str(too_many_attempts(60))), 429, retry_after(60)
    security.note_event(db, key)
    options = passkeys.authentication_options(db, purpose, user)
    db.commit()
    return current_app.response_class(options, mimetype="application/json")


def landing_for(user, first_time=False):
    """Where a user goes after logging in: staff side, Mijn gegevens the first time, or Home."""
    if user.is_staff:
        return url_for("staff.index")
    if first_time:
        return url_for("account.index")
    return url_for("portal.home")


# Areas only one kind of user opens (the others answer 404 to the other kind).
CLIENT_AREAS = ("portal", "messages", "questionnaires")
STAFF_AREAS = ("staff",)


def safe_next(target):
    """`target` when it is a path of this site to go to after login, else None."""
    # Browsers drop tabs and newlines from a URL and read "\\" as "/": "/\t/evil.example"
    # becomes "//evil.example", another site. A newline in a Location header is a 500.
    if not target or "\\" in target or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in target):
        return None
    parts = urlsplit(target)
    # Exactly one "/" first: browsers read "///evil.example" as another host, too.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def next_for(user, target):
    """Where to go after login instead of the user's start page: `target` when it is a safe
    path of a page this kind of user can open (staff never land on the client's Home, the
    address "/"), else None."""
    target = safe_next(target)
    if target is None:
        return None
    try:
        endpoint, _args = current_app.url_map.bind("").match(urlsplit(target).path, "GET")
    except (HTTPException, RequestRedirect):  # no such page, or not one to GET
        return None
    area = endpoint.split(".")[0] if "." in endpoint else ""
    if area in (CLIENT_AREAS if user.is_staff else STAFF_AREAS):
        return None
    return target


def log_in(db, user):
    """Start a fresh session for `user` and return where to go."""
    cookie.clear()  # no state from before the login survives it
    security.start_login(db, user)
    login_user(user)
    cookie["lang"] = user.language
    speak(user.language)
    first_time = user.first_login_at is None
    now = utcnow()
    user.first_login_at = user.first_login_at or now
    user.last_login_at = now
    return landing_for(user, first_time)


def speak(lang):
    """Speak `lang` for the rest of this request: a message flashed now is read on the next
    page, which speaks it (the locale may already have been looked up in this request)."""
    if lang in current_app.config["LANGUAGES"]:
        g.force_locale = lang
        refresh()


def remember_language(response, lang):
    """Keep the language of the login page in a cookie."""
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def too_many_attempts(seconds=None):
    """The message shown while logins or codes are throttled, for a pause of `seconds`
    (the throttles with a fixed window: LOGIN_WINDOW_MINUTES)."""
    minutes = (math.ceil(seconds / 60) if seconds
               else current_app.config["LOGIN_WINDOW_MINUTES"])
    return ngettext("Too many failed attempts. Wait %(num)s minute and try again.",
                    "Too many failed attempts. Wait %(num)s minutes and try again.", minutes)


def retry_after(seconds):
    """The header that tells a client how long a 429 lasts."""
    return {"Retry-After": str(seconds)} if seconds else {}


def check_code(db, user, form, method, verify, *, wrong_status=400, failure_event=None):
    """A two-step code posted in `form` (at login, or to set a method up): paused → 429,
    else `verify(code)` → what it proved ("app", "sms", "recovery", "backup"), or "invalid",
    "expired" or "used" → counted, `failure_event` audited, committed, `wrong_status`.

    Returns (proved, status, wait): proved is None unless the code was right (then the
    failures are forgotten and nothing is committed); wait is the pause in seconds."""
    if not form.validate_on_submit():
        return None, 400 if request.method == "POST" else 200, 0
    wait = twostep.attempts_blocked(db, user)
    if wait:  # not counted, not even checked: the pause ends by itself
        form.form_errors.append(too_many_attempts(wait))
        return None, 429, wait
    proved = verify(form.code.data)
    if proved not in ("invalid", "expired", "used"):
        twostep.forget_failures(db, user)
        return proved, 200, 0
    twostep.note_failure(db, user)
    if failure_event:
        audit.record(db, failure_event, target=user, method=method)
    db.commit()
    form.code.errors.append({"expired": EXPIRED, "used": USED}.get(proved, WRONG[method]))
    return None, wrong_status, 0


def check_passkey(db, user, form, purpose, failure_event=None):
    """A passkey answer of `user` posted in `form` (its field "credential") for `purpose`
    (second step, confirming a change): (proved, status, wait) as check_code. An answer that
    does not verify counts as a wrong code, pauses alike, and is audited as
    `failure_event`."""
    if not form.validate_on_submit():
        return None, 400 if request.method == "POST" else 200, 0
    wait = twostep.attempts_blocked(db, user)
    if wait:
        form.form_errors.append(too_many_attempts(wait))
        return None, 429, wait
    try:
        passkeys.authenticate(db, purpose, form.credential.data, user)
    except passkeys.PasskeyError as error:  # the challenge stays used
        twostep.note_failure(db, user)
        if failure_event:
            audit.record(db, failure_event, target=user, method=twostep.METHOD_PASSKEY,
                         problem=error.problem)
        db.commit()
        form.form_errors.append(passkey_problem(error.problem, account_known=True))
        return None, 401, 0
    twostep.forget_failures(db, user)
    return twostep.METHOD_PASSKEY, 200, 0
