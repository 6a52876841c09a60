"""What the views of Mijn gegevens share: the signed-in user, and asking the password again."""
from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit, security
from ..auth.login import too_many_attempts


def me(db):
    """The signed-in user, attached to this request's database session."""
    user = current_user._get_current_object()
    db.add(user)
    return user


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
