"""Passkeys under parallel requests (SQLite and PostgreSQL): two set-ups started at the same
moment give the user one WebAuthn user handle, and one credential sent twice at the same
moment is kept once — the other is refused, never a 500."""
import json

from flask import session as cookie
from helpers import at_once
from passkey_helpers import BASE, SoftAuthenticator, refreshed
from sqlmodel import select

from app import passkeys
from app.db import get_session
from app.models import Passkey, User


def _as_post(app):
    """A request context like a POST's (its transaction starts as one that writes)."""
    return app.test_request_context("/", method="POST", base_url=BASE)


def test_two_setups_at_once_give_one_handle(app, session, make):
    app.config["PUBLIC_BASE_URL"] = BASE
    jan = make.user(email="jan@example.nl")

    def start():
        with _as_post(app):
            db = get_session()
            options = json.loads(passkeys.registration_options(db, db.get(User, jan.id)))
            db.commit()
            return options["user"]["id"]

    handles = at_once(2, start)
    assert handles[0] == handles[1] == refreshed(session, jan).passkey_handle


def test_one_credential_sent_twice_at_once_is_kept_once(app, session, make):
    app.config["PUBLIC_BASE_URL"] = BASE
    jan = make.user(email="jan@example.nl")
    authenticator = SoftAuthenticator(origin=BASE)
    same_id = b"the same credential id, twice!!!"

    def register():
        with _as_post(app):
            db = get_session()
            user = db.get(User, jan.id)
            options = json.loads(passkeys.registration_options(db, user))
            db.commit()
            answer = json.dumps(authenticator.create(options, credential_id=same_id))
            try:
                passkeys.register(db, user, answer, "Telefoon")
                db.commit()
            except passkeys.PasskeyError as error:
                db.commit()  # the challenge stays used
                return error.problem
            finally:
                cookie.clear()
            return "kept"

    assert sorted(at_once(2, register)) == ["invalid", "kept"]
    session.expire_all()
    assert len(session.exec(select(Passkey)).all()) == 1
