"""What the views of Mijn gegevens share: the signed-in user, and asking the password again."""
from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit, security
from ..auth.login import too_many_attempts
from ..db import get_session


def signed_in():
    """This request's database session, and the signed-in user attached to it."""
    db = get_session()
    user = current_user._get_current_object()
    db.add(user)
    return db, user


def password_again(db, user, field):
    """True when `field` holds the user's password; wrong ones are counted and throttled."""
    cfg, key = current_app.config, f"password-again:{user.id}"
    if security.throttled(db, key, cfg["LOGIN_MAX_FAILURES_ACCOUNT"], cfg["LOGIN_WINDOW_MINUTES"]):
        field.errors.append(too_many_attempts())
        return False
    if security.check_password(user, field.data or ""):
        return True
    security.note_event(db, key)
    audit.record(db, "account.password_again_failed", actor=user, target=user)
    db.commit()
    field.errors.append(_("The password is not correct."))
    return False


def saved(db, user, action, message, *, endpoint="account.index", anchor=None, **detail):
    """After the user changed their own account: audit `action` with `detail`, commit, say
    `message`, and go back to `endpoint` (Mijn gegevens) at `anchor`."""
    audit.record(db, action, actor=user, target=user, **detail)
    db.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, _anchor=anchor))
